// Fuzz target: content negotiation (every request's `f` parameter and Accept header). Input is
// "<f>\n<Accept>". Only InvalidInput (unknown f) and Unsupported (406) may be thrown, and the
// choice is always one of the offers.
#include <array>
#include <cmath>
#include <cstdint>

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "protocol/negotiate.hpp"

using namespace shikong;

namespace {
constexpr std::array<protocol::Offer, 5> kOffers{{{"json", "application/json"},
                                                  {"html", "text/html"},
                                                  {"geojson", "application/geo+json"},
                                                  {"csv", "text/csv"},
                                                  {"xml", "application/xml"}}};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  std::size_t nl = text.find('\n');
  std::string_view f = nl == std::string_view::npos ? std::string_view{} : text.substr(0, nl);
  std::string_view accept = nl == std::string_view::npos ? text : text.substr(nl + 1);

  for (const auto& r : protocol::parse_accept(accept))
    fuzz::check(!std::isnan(r.q) && r.q >= 0 && r.q <= 1, "parse_accept kept a q outside 0..1");
  try {
    std::size_t i = protocol::negotiate(f, accept, kOffers);
    fuzz::check(i < kOffers.size(), "negotiate chose an index outside the offers");
  } catch (const InvalidInput& e) {
    fuzz::check(e.parameter() == "f", "an invalid format error does not name f");
  } catch (const Unsupported&) {
  }
  return 0;
}
