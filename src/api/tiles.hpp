// XYZ tiles for web maps: {tiles_prefix}/{datasets}/{z}/{x}/{y}.pbf (one or several datasets,
// comma-separated, WebMercatorQuad) with TileJSON 3.0 at {tiles_prefix}/{datasets}.json, and
// the same in CGCS2000Quad under {tiles_prefix}/{datasets}/CGCS2000Quad/...; raster XYZ of a
// style at {tiles_prefix}/{datasets}/{z}/{x}/{y}.png?style=NAME.
#pragma once

#include "ogc/maps_context.hpp"
#include "protocol/router.hpp"

namespace shikong::api {

void register_tile_routes(protocol::Router& router, const ogc::MapsContext& context);

}  // namespace shikong::api
