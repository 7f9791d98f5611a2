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

  // Optional: what other modules serve beside the feature collections under the same prefix
  // (the catalog of OGC API - Records), so the shared documents list them without this module
  // knowing them. Each string of extra_collections is one complete collection object (JSON).
  std::function<std::vector<std::string>(const protocol::Request&)> extra_collections;
  std::vector<std::string> extra_conformance;  // added to /conformance
  struct LandingLink {
    std::string path;  // relative to settings.prefix ("/collections/catalog/items")
    std::string rel;
    std::string type;
    std::string title;
  };
  std::vector<LandingLink> extra_landing_links;  // added to the landing page
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
