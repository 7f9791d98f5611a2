// OGC API - Features parameter parsing: strict integers, bbox numbers and offered CRSs.
#include "ogc/params.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include "core/error.hpp"

namespace shikong::ogc {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::int64_t parse_limit(std::optional<std::string_view> text, std::int64_t default_limit,
                         std::int64_t max_limit) {
  if (!text) return std::min(default_limit, max_limit);
  std::string_view s = *text;
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (!all_digits(s))
    throw InvalidInput("invalid-limit", "limit must be an integer of at least 1", "limit");
  std::int64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec == std::errc::result_out_of_range) return max_limit;  // all digits: a huge number
  if (v < 1) throw InvalidInput("invalid-limit", "limit must be an integer of at least 1", "limit");
  return std::min(v, max_limit);
}

std::int64_t parse_offset(std::optional<std::string_view> text) {
  if (!text) return 0;
  std::int64_t v = 0;
  auto r = std::from_chars(text->data(), text->data() + text->size(), v);
  if (!all_digits(*text) || r.ec != std::errc{})
    throw InvalidInput("invalid-offset", "offset must be a non-negative integer", "offset");
  return v;
}

Envelope parse_bbox(std::string_view text, const datum::Crs& crs) {
  std::vector<double> v;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    std::string_view part = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty() && part.front() == '+') part.remove_prefix(1);
    double d = 0;
    auto r = std::from_chars(part.data(), part.data() + part.size(), d);
    if (part.empty() || r.ec != std::errc{} || r.ptr != part.data() + part.size() ||
        !std::isfinite(d))
      throw InvalidInput("invalid-bbox", "bbox must be 4 or 6 comma-separated numbers", "bbox");
    v.push_back(d);
    if (v.size() > 6)
      throw InvalidInput("invalid-bbox", "bbox must be 4 or 6 comma-separated numbers", "bbox");
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (v.size() != 4 && v.size() != 6)
    throw InvalidInput("invalid-bbox", "bbox must be 4 or 6 comma-separated numbers", "bbox");
  const std::size_t k = v.size() / 2;  // index of the upper corner
  double x0 = v[0], y0 = v[1], x1 = v[k], y1 = v[k + 1];
  if (crs.lat_first) {
    std::swap(x0, y0);
    std::swap(x1, y1);
  }
  if (x0 > x1)
    throw InvalidInput("invalid-bbox",
                       "the lower corner of bbox lies east of its upper corner (boxes across the "
                       "antimeridian are not supported)",
                       "bbox");
  if (y0 > y1)
    throw InvalidInput("invalid-bbox", "the lower corner of bbox lies north of its upper corner",
                       "bbox");
  if (crs.geographic && (y0 < -90 || y1 > 90))
    throw InvalidInput("invalid-bbox", "a latitude in bbox lies outside [-90, 90]", "bbox");
  return Envelope::of(x0, y0, x1, y1);
}

datum::Crs select_crs(std::string_view text, const std::vector<datum::Crs>& offered,
                      std::string_view parameter) {
  datum::Crs crs = datum::parse_crs(text, parameter);
  for (const auto& c : offered)
    if (c == crs) return c;
  throw InvalidInput("unsupported-crs",
                     fmt::format("{} is not one of the CRSs this collection offers", parameter),
                     std::string(parameter));
}

}  // namespace shikong::ogc
