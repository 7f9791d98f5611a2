// The answers of GetFeatureInfo, shared by WMS and WMTS: a GeoJSON FeatureCollection (each
// feature naming its layer), an HTML table per layer, or plain text.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "maps/map_service.hpp"
#include "protocol/request.hpp"

namespace shikong::ogc {

enum class InfoFormat { json, html, text };
// application/json, text/html, text/plain (case-insensitive); nullopt otherwise.
std::optional<InfoFormat> info_format_from_mime(std::string_view mime);

// A 200 response in `format`; hits are in the order the map engine gave (topmost layer first).
protocol::Response feature_info_response(const std::vector<maps::FeatureHit>& hits,
                                         InfoFormat format);

}  // namespace shikong::ogc
