// Accept parsing and offer selection.
#include "protocol/negotiate.hpp"

#include <charconv>
#include <stdexcept>

#include "core/ascii.hpp"
#include "core/error.hpp"

namespace shikong::protocol {
namespace {

// Splits "type/subtype;params" into lower-case type and subtype (parameters dropped).
bool split_media_type(std::string_view m, std::string& type, std::string& subtype) {
  m = trim_blanks(m.substr(0, m.find(';')));
  const std::size_t slash = m.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == m.size()) return false;
  type = ascii_lowercase(trim_blanks(m.substr(0, slash)));
  subtype = ascii_lowercase(trim_blanks(m.substr(slash + 1)));
  return !(type == "*" && subtype != "*");
}

}  // namespace

std::vector<AcceptRange> parse_accept(std::string_view accept) {
  std::vector<AcceptRange> ranges;
  std::size_t start = 0;
  while (start <= accept.size() && ranges.size() < 64) {
    std::size_t end = accept.find(',', start);
    if (end == std::string_view::npos) end = accept.size();
    const std::string_view item = trim_blanks(accept.substr(start, end - start));
    start = end + 1;
    if (item.empty()) continue;
    AcceptRange range;
    if (!split_media_type(item, range.type, range.subtype)) continue;
    std::size_t semi = item.find(';');
    bool ok = true;
    while (semi != std::string_view::npos) {
      std::size_t next = item.find(';', semi + 1);
      const std::string_view param = trim_blanks(
          item.substr(semi + 1, next == std::string_view::npos ? item.npos : next - semi - 1));
      semi = next;
      if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
        const std::string_view v = trim_blanks(param.substr(2));
        double q = 0;
        const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), q);
        if (ec != std::errc() || ptr != v.data() + v.size() || !(q >= 0 && q <= 1)) {
          ok = false;
          break;
        }
        range.q = q;
      }
    }
    if (ok) ranges.push_back(std::move(range));
  }
  return ranges;
}

std::size_t negotiate(std::string_view f, std::string_view accept, std::span<const Offer> offers) {
  if (offers.empty()) throw std::invalid_argument("negotiate: no offers");
  if (!f.empty()) {
    for (std::size_t i = 0; i < offers.size(); ++i) {
      if (iequals(offers[i].key, f) || iequals(offers[i].media_type, f)) return i;
    }
    throw InvalidInput("invalid-format", "The requested format is not offered for this resource.",
                       "f");
  }
  const auto ranges = parse_accept(accept);
  if (trim_blanks(accept).empty()) return 0;
  if (ranges.empty()) return 0;  // nothing we could read: answer the default

  std::size_t best = offers.size();
  double best_q = 0;
  std::string type;
  std::string subtype;
  for (std::size_t i = 0; i < offers.size(); ++i) {
    if (!split_media_type(offers[i].media_type, type, subtype)) continue;
    int specificity = -1;
    double q = 0;
    for (const auto& r : ranges) {
      int s = -1;
      if (r.type == type && r.subtype == subtype) {
        s = 2;
      } else if (r.type == type && r.subtype == "*") {
        s = 1;
      } else if (r.type == "*") {
        s = 0;
      }
      if (s > specificity) {
        specificity = s;
        q = r.q;
      }
    }
    if (specificity >= 0 && q > best_q) {
      best = i;
      best_q = q;
    }
  }
  if (best == offers.size()) {
    throw Unsupported("not-acceptable",
                      "None of the media types in the Accept header is offered for this resource.");
  }
  return best;
}

std::size_t negotiate(const Request& request, std::span<const Offer> offers) {
  return negotiate(request.param("f").value_or(std::string_view{}),
                   request.header("Accept").value_or(std::string_view{}), offers);
}

}  // namespace shikong::protocol
