// The directory service and search engine on /metrics: records by state and origin, the
// search index's size, and harvest sources by their last outcome, read at every scrape.
#pragma once

#include "catalog/catalog_service.hpp"
#include "protocol/metrics.hpp"
#include "search/search_service.hpp"
#include "storage/records.hpp"

namespace shikong::app {

// The engines and the store must outlive the registry's use.
void add_catalog_metrics(protocol::MetricsRegistry& metrics, catalog::CatalogService& catalog,
                         search::SearchService& search, storage::RecordStore& records);

}  // namespace shikong::app
