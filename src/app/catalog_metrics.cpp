// Gauges only: every figure is a state read from the engines, none a count kept here.
#include "app/catalog_metrics.hpp"

#include <map>
#include <string>

namespace shikong::app {

void add_catalog_metrics(protocol::MetricsRegistry& metrics, catalog::CatalogService& catalog,
                         search::SearchService& search, storage::RecordStore& records) {
  using Type = protocol::MetricsRegistry::Type;
  metrics.describe("shikong_catalog_records", Type::gauge,
                   "Metadata records by workflow state and origin (local, harvested).");
  metrics.describe("shikong_search_index_records", Type::gauge, "Records in the search index.");
  metrics.describe("shikong_search_index_terms", Type::gauge,
                   "Distinct terms in the search index.");
  metrics.describe("shikong_search_index_bytes", Type::gauge,
                   "Estimated heap bytes of the search index.");
  metrics.describe("shikong_harvest_sources", Type::gauge,
                   "Harvest sources by the status of their last run (none: never run).");
  metrics.add_collector([&catalog, &search, &records](protocol::MetricsRegistry& m) {
    std::map<std::pair<std::string, std::string>, double> by_state;
    for (const char* s : {"draft", "submitted", "published", "retired"})
      for (const char* o : {"local", "harvested"}) by_state[{s, o}] = 0;
    for (const auto& r : catalog.all())
      by_state[{std::string(catalog::to_string(r.state)), r.harvested() ? "harvested" : "local"}] +=
          1;
    for (const auto& [key, n] : by_state)
      m.set("shikong_catalog_records", {{"state", key.first}, {"origin", key.second}}, n);
    const auto stats = search.stats();
    m.set("shikong_search_index_records", {}, static_cast<double>(stats.records));
    m.set("shikong_search_index_terms", {}, static_cast<double>(stats.terms));
    m.set("shikong_search_index_bytes", {}, static_cast<double>(stats.memory_bytes));
    std::map<std::string, double> sources{
        {"ok", 0}, {"not-modified", 0}, {"failed", 0}, {"none", 0}};
    for (const auto& s : records.list_sources())
      sources[s.last_status.empty() ? "none" : s.last_status] += 1;
    for (const auto& [status, n] : sources)
      m.set("shikong_harvest_sources", {{"status", status}}, n);
  });
}

}  // namespace shikong::app
