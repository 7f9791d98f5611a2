// Content negotiation: pick one of the representations a handler offers, from the `f`
// parameter (OGC API's convention, which wins) or the Accept header's q-values.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/request.hpp"

namespace shikong::protocol {

struct Offer {
  std::string_view key;         // the `f` value: "json", "html", "geojson", "csv", ...
  std::string_view media_type;  // "application/json"
};

// One media range of an Accept header.
struct AcceptRange {
  std::string type;     // lower case; "*" for a wildcard
  std::string subtype;  // lower case; "*" for a wildcard
  double q = 1.0;
};
// Parses an Accept header; malformed ranges are skipped (clients send odd things).
std::vector<AcceptRange> parse_accept(std::string_view accept);

// The index of the chosen offer. Rules: `f` (case-insensitive key or exact media type) names
// the offer, else an unknown `f` throws InvalidInput("invalid-format", parameter "f"); without
// `f`, each offer gets the q of the most specific Accept range matching it and the highest q > 0
// wins, ties going to the earlier offer (the server's preference); no Accept header (or an
// empty one) chooses the first offer; when nothing is acceptable, throws
// Unsupported("not-acceptable") (406). `offers` must not be empty.
std::size_t negotiate(const Request& request, std::span<const Offer> offers);
std::size_t negotiate(std::string_view f, std::string_view accept, std::span<const Offer> offers);

}  // namespace shikong::protocol
