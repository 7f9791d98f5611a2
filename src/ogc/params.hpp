// Parsing and validation of OGC API - Features query parameters (limit, offset, bbox, crs),
// each failure an InvalidInput naming the parameter.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/envelope.hpp"
#include "datum/crs.hpp"

namespace shikong::ogc {

// `limit`: absent -> `default_limit`; not an integer or below 1 -> InvalidInput("invalid-limit");
// above `max_limit` -> `max_limit` (clamped, as OGC API - Features asks).
std::int64_t parse_limit(std::optional<std::string_view> text, std::int64_t default_limit,
                         std::int64_t max_limit);
// `offset`: absent -> 0; not a non-negative integer -> InvalidInput("invalid-offset").
std::int64_t parse_offset(std::optional<std::string_view> text);

// `bbox`: 4 or 6 comma-separated numbers in the axis order of `crs` (authority order: lat,lon
// for EPSG:4326/4490; lon,lat for CRS84). Returns the envelope in GIS order (x = longitude or
// easting), still in `crs`. Throws InvalidInput("invalid-bbox", ..., "bbox") for a count other
// than 4 or 6, a non-number, a lower corner above the upper one (boxes across the antimeridian
// are refused) or a latitude outside [-90, 90] in a geographic CRS.
Envelope parse_bbox(std::string_view text, const datum::Crs& crs);

// Resolves `text` (any form datum::parse_crs accepts) and checks that it is one of `offered`;
// throws InvalidInput("unsupported-crs", ..., parameter) otherwise.
datum::Crs select_crs(std::string_view text, const std::vector<datum::Crs>& offered,
                      std::string_view parameter);

}  // namespace shikong::ogc
