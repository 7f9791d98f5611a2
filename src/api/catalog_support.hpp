// What the /api/v1 catalog adapters (records, search, harvest) share: strict query parameter
// parsing, the visible-record lookup (invisible = unknown) and the record's JSON with usage
// and links. Internal to shikong_api; implemented in catalog.cpp.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "api/datasets.hpp"
#include "catalog/record.hpp"
#include "ogc/catalog_context.hpp"
#include "protocol/json_writer.hpp"
#include "protocol/request.hpp"
#include "storage/records.hpp"

namespace shikong::api::catalog_support {

inline constexpr std::string_view kJson = "application/json";
// XYZ tiles and TileJSON live at the root (api/tiles.cpp, MapsContext::tiles_prefix default).
inline constexpr std::string_view kTilesPrefix = "/tiles";

// InvalidInput("unknown-parameter") for a query parameter outside `known` (and the
// passthrough parameters of the settings).
void reject_unknown_parameters(const protocol::Request& req, const ApiSettings& settings,
                               std::initializer_list<std::string_view> known);
// A decimal integer parameter in [min, max]; `fallback` when absent; InvalidInput otherwise.
std::int64_t integer_parameter(const protocol::Request& req, std::string_view name,
                               std::int64_t min, std::int64_t max, std::int64_t fallback);

// The record `id` when the caller may see it; NotFound("record-not-found") otherwise, the same
// answer as for an id that does not exist.
catalog::Record visible_record(const ogc::CatalogContext& context, const protocol::Request& req,
                               std::string_view id);

// The id usage is counted under: the dataset for a dataset's record, else the record id.
inline std::string usage_id(const catalog::Record& r) {
  return r.dataset_id.empty() ? r.id : r.dataset_id;
}
void write_usage(protocol::JsonWriter& w, const storage::UsageTotals& u);
// [minx,miny,maxx,maxy] or null; ["start"|null,"end"|null] or null.
void write_extent(protocol::JsonWriter& w, const std::optional<Envelope>& e);
void write_time(protocol::JsonWriter& w, const std::optional<Interval>& t);
void write_link(protocol::JsonWriter& w, std::string_view href, std::string_view rel,
                std::string_view type, std::string_view title = {});
// self, the OGC API - Records item, history, and for a dataset's record the dataset, its OGC
// collection and its TileJSON; a harvested record links back to its source ("via").
void write_record_links(protocol::JsonWriter& w, const ApiSettings& settings,
                        const protocol::Request& req, const catalog::Record& r);
// "{base}{prefix}/records/{id}".
std::string record_url(const ApiSettings& settings, const protocol::Request& req,
                       std::string_view id);

// The /api/v1 representation: catalog::to_json(r) plus "usage" and "links".
std::string record_json(const ogc::CatalogContext& context, const ApiSettings& settings,
                        const protocol::Request& req, const catalog::Record& r);

// self, next and prev links of a page: the request's own query with `offset` replaced.
void write_page_links(protocol::JsonWriter& w, const protocol::Request& req,
                      std::string_view self_path, std::int64_t offset, std::int64_t limit,
                      std::int64_t total);

protocol::Response json_response(std::string body, int status = 200);

}  // namespace shikong::api::catalog_support
