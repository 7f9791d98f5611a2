// OGC API - Tiles (Part 1) under {prefix}: /tileMatrixSets and their definitions, and per
// collection /collections/{id}/tiles (vector tilesets, MVT) and /collections/{id}/map/tiles
// (raster tilesets of the default style), in WebMercatorQuad and CGCS2000Quad.
#pragma once

#include <string>
#include <vector>

#include "ogc/maps_context.hpp"
#include "protocol/router.hpp"

namespace shikong::ogc {

void register_ogc_tiles_routes(protocol::Router& router, const MapsContext& context);

// The conformance classes these routes implement (added to /conformance).
const std::vector<std::string>& tiles_conformance_classes();

}  // namespace shikong::ogc
