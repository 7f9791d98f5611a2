// What the map adapters (WMS, WMTS, OGC API - Tiles, /tiles) share: the map engine, the store
// to find datasets in, the visibility rule and where the routes live.
#pragma once

#include <string>
#include <vector>

#include "maps/map_service.hpp"
#include "ogc/features.hpp"
#include "storage/store.hpp"

namespace shikong::ogc {

struct MapsContext {
  storage::Store& store;
  maps::MapService& maps;
  // A dataset for which it returns false is unknown to the caller: 404 / LayerNotDefined, and
  // absent from capabilities and lists.
  CanRead can_read = [](const protocol::Request&, const storage::DatasetInfo&) { return true; };
  std::string title = "shikong map services";
  std::string abstract = "Vector tiles, WMTS and WMS of the datasets of this shikong server";
  std::string prefix = "/ogc";          // OGC routes (/ogc/wms, /ogc/wmts, /ogc/collections/...)
  std::string tiles_prefix = "/tiles";  // XYZ tiles and TileJSON
  std::string api_prefix = "/api/v1";   // styles (legends, MapLibre styles)
  // Query parameters every adapter accepts and ignores (the API key `tk`, read by security/).
  std::vector<std::string> passthrough_parameters = {"tk"};
};

}  // namespace shikong::ogc
