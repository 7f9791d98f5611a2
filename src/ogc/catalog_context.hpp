// What the catalog adapters (OGC API - Records, CSW, /api/v1 records, search, DCAT, harvest)
// share: the directory service, the search engine, the harvester, and the visibility rule.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "catalog/catalog_service.hpp"
#include "protocol/request.hpp"
#include "search/search_service.hpp"

namespace shikong::harvest {
class HarvestService;
}

namespace shikong::ogc {

struct CatalogContext {
  catalog::CatalogService& catalog;
  search::SearchService& search;
  harvest::HarvestService* harvester = nullptr;  // null: no harvest routes
  // Who calls, for the workflow (filled from the security principal by app/).
  std::function<catalog::Actor(const protocol::Request&)> actor_of = [](const protocol::Request&) {
    return catalog::Actor{};
  };
  // Whether the caller may see a record: workflow state (CatalogService::visible) and access
  // level together. A record for which it returns false is unknown to the caller (404, absent
  // from lists, counts and facets).
  std::function<bool(const protocol::Request&, const catalog::Record&)> can_see =
      [](const protocol::Request&, const catalog::Record& r) {
        return r.state == catalog::RecordState::published;
      };
  std::string title = "shikong catalog";
  std::string abstract = "Metadata records of the datasets and services of this shikong server";
  std::string prefix = "/ogc";         // /ogc/collections/catalog, /ogc/csw
  std::string api_prefix = "/api/v1";  // /api/v1/records, /api/v1/search, ...
  std::vector<std::string> passthrough_parameters = {"tk"};
};

// Builds the per-request predicate SearchQuery::visible from can_see.
inline std::function<bool(const catalog::Record&)> visible_to(const CatalogContext& context,
                                                              const protocol::Request& req) {
  return [&context, &req](const catalog::Record& r) { return context.can_see(req, r); };
}

}  // namespace shikong::ogc
