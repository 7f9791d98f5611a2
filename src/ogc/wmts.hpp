// WMTS 1.0.0 at {prefix}/wmts: KVP (GetCapabilities, GetTile, GetFeatureInfo) and RESTful
// ({prefix}/wmts/1.0.0/WMTSCapabilities.xml and tile/feature info resource templates), both tile
// matrix sets, a TIME dimension for temporal layers; OWS 1.1 exception reports.
#pragma once

#include "ogc/maps_context.hpp"
#include "protocol/router.hpp"

namespace shikong::ogc {

void register_wmts_routes(protocol::Router& router, const MapsContext& context);

}  // namespace shikong::ogc
