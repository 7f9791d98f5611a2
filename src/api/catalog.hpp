// The native catalog API under /api/v1: metadata records (register, read, update, history,
// workflow: submit, approve, return, publish, retire, reopen; delete), search (full text with
// filters, facets, sort, paging), suggestions, tag cloud, related records, usage statistics,
// the DCAT 3 catalog as JSON-LD, and harvest sources (admin).
#pragma once

#include "api/datasets.hpp"
#include "ogc/catalog_context.hpp"
#include "protocol/router.hpp"

namespace shikong::api {

// Records, workflow, history, usage: see docs/CATALOG.md for every route.
void register_record_routes(protocol::Router& router, const ogc::CatalogContext& context,
                            const ApiSettings& settings);
// GET /search, /search/suggest, /search/tags, /records/{id}/related.
void register_search_routes(protocol::Router& router, const ogc::CatalogContext& context,
                            const ApiSettings& settings);
// GET /catalog.jsonld (DCAT 3, JSON-LD).
void register_dcat_routes(protocol::Router& router, const ogc::CatalogContext& context,
                          const ApiSettings& settings);
// /harvest/sources (GET, POST), /harvest/sources/{id} (GET, DELETE), .../run (POST),
// .../runs (GET); admin only.
void register_harvest_routes(protocol::Router& router, const ogc::CatalogContext& context,
                             const ApiSettings& settings);

// The catalog actor of a request, from its security principal.
catalog::Actor actor_of(const protocol::Request& req);

}  // namespace shikong::api
