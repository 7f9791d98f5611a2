// WMS 1.3.0 at {prefix}/wms: GetCapabilities, GetMap, GetFeatureInfo, GetLegendGraphic (SLD
// 1.1.0 profile), exceptions as XML (ServiceExceptionReport 1.3.0), INIMAGE or BLANK.
#pragma once

#include "ogc/maps_context.hpp"
#include "protocol/router.hpp"

namespace shikong::ogc {

void register_wms_routes(protocol::Router& router, const MapsContext& context);

}  // namespace shikong::ogc
