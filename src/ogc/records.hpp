// OGC API - Records - Part 1: the catalog as collection `catalog` under /ogc (collection
// description, items with q, bbox, datetime, type, ids, externalIds, limit/offset paging
// links, GeoJSON record encoding, HTML-free; queryables; conformance classes).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ogc/catalog_context.hpp"
#include "ogc/features.hpp"
#include "protocol/router.hpp"

namespace shikong::ogc {

inline constexpr std::string_view kCatalogCollectionId = "catalog";

// GET {prefix}/collections/catalog, .../items, .../items/{recordId}, .../queryables.
void register_records_routes(protocol::Router& router, const CatalogContext& context);
// Conformance classes of OGC API - Records served (added to /conformance).
const std::vector<std::string>& records_conformance_classes();
// The collection description JSON of `catalog` (for /collections lists).
std::string catalog_collection_json(const CatalogContext& context, const protocol::Request& req);

// Fills the hooks of the OGC API - Features routes so /collections lists `catalog`,
// /conformance declares records_conformance_classes() and the landing page links the catalog
// (rel ogc-catalog). `context` must outlive the routes.
void add_catalog_to_features(FeaturesContext& features, const CatalogContext& context);

// --- the record encoding, shared with the DCAT catalog and tests ---

// Absolute links to what a local dataset's record describes: the OGC API - Features
// collection, its tiles, WMS, WMTS and downloads (vector datasets). Empty for other records.
// Each link carries `protocol` ("OGC API - Features", "OGC:WMS", "OGC:WMTS", "OGC API - Tiles",
// "download") so a harvester can tell the services apart.
std::vector<catalog::Link> dataset_service_links(const CatalogContext& context,
                                                 const protocol::Request& req,
                                                 const catalog::Record& record);
// One record as an OGC API - Records GeoJSON Feature (see /work/notes/records_encoding.md and
// docs/CATALOG.md for the mapping of every member).
std::string record_geojson(const CatalogContext& context, const protocol::Request& req,
                           const catalog::Record& record);
// The media type of a format name of Record::formats ("GeoJSON" -> "application/geo+json");
// "" when unknown. Case-insensitive.
std::string_view format_media_type(std::string_view format);
// How a licence is told in OGC API - Records: an SPDX-like id stays as it is; a URL gives
// "other" and a license link; free text gives "other" with the text as `rights`.
struct LicenceParts {
  std::string license;  // "" when there is no licence
  std::string link;     // the licence's URL, or ""
  std::string rights;   // free text, or ""
};
LicenceParts split_licence(std::string_view licence);

}  // namespace shikong::ogc
