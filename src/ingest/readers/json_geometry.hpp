// GeoJSON geometry objects straight from a simdjson DOM element (the fast path of the GeoJSON
// reader; geo::geometry_from_geojson serves text that arrives one geometry at a time).
#pragma once

#include <simdjson.h>

#include <string>

#include "geo/geometry.hpp"

namespace shikong::ingest {

// Fills g from a GeoJSON geometry object. Returns false with a reason for the report when the
// structure is broken (unknown type, coordinates not arrays of numbers, too deep).
bool geometry_from_dom(simdjson::dom::element el, geo::Geometry& g, std::string& reason,
                       int depth = 0);

}  // namespace shikong::ingest
