// Styles under {api_prefix}/datasets/{id}/styles: list, create, read, replace, delete, the
// legend image, and the exported MapLibre style JSON (.../styles/{name}/maplibre.json).
#pragma once

#include "ogc/maps_context.hpp"
#include "protocol/router.hpp"

namespace shikong::api {

// Writes need write rights on the dataset (the owner, or admin); `can_write` decides.
using CanWrite = std::function<bool(const protocol::Request&, const storage::DatasetInfo&)>;
void register_style_routes(protocol::Router& router, const ogc::MapsContext& context,
                           CanWrite can_write);

}  // namespace shikong::api
