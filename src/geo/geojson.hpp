// GeoJSON (RFC 7946) geometry objects: writer into a buffer, reader from text.
#pragma once

#include <string>
#include <string_view>

#include "geo/geometry.hpp"

namespace shikong::geo {

// Appends the geometry object ({"type":...,"coordinates":...}); `swap_xy` writes y before x for
// CRSs whose authority order is latitude first. `precision`: digits after the decimal point
// (shortest round-trip representation when negative).
void write_geojson_geometry(std::string& out, const Geometry& g, int precision = -1,
                            bool swap_xy = false);
// Parses a GeoJSON geometry object; throws InvalidInput("invalid-geojson-geometry").
Geometry geometry_from_geojson(std::string_view json);

}  // namespace shikong::geo
