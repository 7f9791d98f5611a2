// OGC API - Features (Part 1 core + GeoJSON + OAS 3.0, Part 2 CRS by reference, Part 3
// filtering with CQL2 text) over the storage engine: routes under /ogc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "datum/crs.hpp"
#include "protocol/router.hpp"
#include "storage/store.hpp"

namespace shikong::ogc {

struct FeaturesSettings {
  std::string title = "shikong OGC API - Features";
  std::string description = "Spatiotemporal datasets of this shikong server as OGC API - Features";
  std::int64_t default_limit = 10;
  std::int64_t max_limit = 10000;
  // CRSs offered beyond the built-in CRS84, EPSG:4490, EPSG:4326, EPSG:3857 and EPSG:4547.
  std::vector<std::string> extra_crs;
  // Query parameters items accepts and ignores (the API key `tk`, handled by security/).
  std::vector<std::string> passthrough_parameters = {"tk"};
  std::string prefix = "/ogc";          // where these routes live
  std::string api_prefix = "/api/v1";   // the native API (download links)
  std::size_t chunk_bytes = 64 * 1024;  // streamed items response pieces
};

using CanRead = std::function<bool(const protocol::Request&, const storage::DatasetInfo&)>;

struct FeaturesContext {
  storage::Store& store;
  FeaturesSettings settings;
  // Visibility hook: a dataset for which it returns false answers 404 like an unknown one.
  CanRead can_read = [](const protocol::Request&, const storage::DatasetInfo&) { return true; };
};

// Registers the landing page, /conformance, /api (OpenAPI 3.0 of these routes), /collections,
// /collections/{collectionId}, .../items, .../items/{featureId} and .../queryables.
// `router` must outlive the routes (the /api handler reads its table); `context.store` too.
void register_features_routes(protocol::Router& router, const FeaturesContext& context);

// The conformance classes declared at /conformance.
const std::vector<std::string>& features_conformance_classes();

// The CRSs offered by every collection, CRS84 first, then the platform CRS.
std::vector<datum::Crs> offered_crs(const FeaturesSettings& settings);

}  // namespace shikong::ogc
