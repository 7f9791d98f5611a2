// OGC API - Records - Part 1: the catalog as collection `catalog` under /ogc (collection
// description, items with q, bbox, datetime, type, ids, externalIds, limit/offset paging
// links, GeoJSON record encoding, HTML-free; queryables; conformance classes).
#pragma once

#include <string>
#include <vector>

#include "ogc/catalog_context.hpp"
#include "protocol/router.hpp"

namespace shikong::ogc {

inline constexpr std::string_view kCatalogCollectionId = "catalog";

// GET {prefix}/collections/catalog, .../items, .../items/{recordId}, .../queryables.
void register_records_routes(protocol::Router& router, const CatalogContext& context);
// Conformance classes of OGC API - Records served (added to /conformance).
const std::vector<std::string>& records_conformance_classes();
// The collection description JSON of `catalog` (for /collections lists).
std::string catalog_collection_json(const CatalogContext& context, const protocol::Request& req);

}  // namespace shikong::ogc
