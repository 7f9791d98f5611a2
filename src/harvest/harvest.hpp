// The harvester: reads remote catalogs and service descriptions (WMS, WMTS and WFS
// capabilities, CSW 2.0.2, OGC API - Records, another shikong node), turns what they describe
// into read-only catalog records with their source and a link back, incrementally (ETag,
// Last-Modified, record dates), and retires records gone from the source. Every request goes
// through the injected Fetcher with the source's limits.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog_service.hpp"
#include "catalog/record.hpp"
#include "core/fetch.hpp"
#include "storage/records.hpp"

namespace shikong::harvest {

// "wms", "wmts", "wfs", "csw", "records", "shikong".
const std::vector<std::string_view>& source_kinds();

// One page of a source, parsed. Records carry title, abstract, keywords, extent, time, links,
// external_id, source_url, type and kind; the service fills id, source_id, state and dates.
struct Page {
  std::vector<catalog::Record> records;
  std::string next_url;       // "" when this was the last page
  std::string next_body;      // for CSW: the POST body of the next page ("" for GET)
  std::int64_t rejected = 0;  // entries skipped because they lacked an identifier or title
};

// --- parsers (pure: bytes in, records out; throw InvalidInput("invalid-source", ...)) ---
// WMS 1.1.1 / 1.3.0: one record per named layer (type dataset, kind wms) plus one for the
// service (type service); extents from EX_GeographicBoundingBox / LatLonBoundingBox; links
// carry the GetMap endpoint and layer name (protocol "OGC:WMS").
Page parse_wms_capabilities(std::string_view xml, std::string_view url);
// WMTS 1.0.0: one record per layer (WGS84BoundingBox, Title, Abstract, Keywords).
Page parse_wmts_capabilities(std::string_view xml, std::string_view url);
// WFS 1.1.0 / 2.0.0: one record per FeatureType.
Page parse_wfs_capabilities(std::string_view xml, std::string_view url);
// The first request of a CSW harvest: GetRecords (POST XML, csw:Record full, 100 per page).
FetchRequest csw_first_request(std::string_view endpoint);
// A GetRecordsResponse: csw:Record (and csw:SummaryRecord) entries; next page from
// nextRecord/numberOfRecordsMatched.
Page parse_csw_records(std::string_view xml, std::string_view endpoint);
// OGC API - Records items (GeoJSON FeatureCollection); next page from the rel=next link.
Page parse_records_items(std::string_view json, std::string_view url);
// The url of a shikong node -> its catalog items url ("<root>/ogc/collections/catalog/items").
std::string shikong_items_url(std::string_view node_url);
// A shikong node's OGC API - Records items carry our full record properties (topic,
// publisher, licence, formats, ...): read them all.
Page parse_shikong_items(std::string_view json, std::string_view url);

// The record id of a harvested entry: "<source>-<16 hex digits of FNV-1a 64 of external id>".
std::string harvested_record_id(std::string_view source_id, std::string_view external_id);

struct HarvestSettings {
  std::chrono::milliseconds timeout{20000};  // per request
  std::uint64_t max_bytes = 32u << 20;       // per response
  int max_redirects = 3;
  std::size_t max_pages = 200;
  std::size_t max_records = 100000;  // per source per run
};

class HarvestService {
 public:
  using Clock = std::function<Instant()>;
  HarvestService(catalog::CatalogService& catalog, storage::RecordStore& store, Fetcher fetcher,
                 HarvestSettings settings, Clock clock);

  // Validates and stores a source (kind one of source_kinds(), url http(s), id a slug of at
  // most 47 characters so that record ids stay slugs, interval >= 0): InvalidInput with codes
  // invalid-source-id / invalid-source-kind / invalid-source-url / invalid-interval;
  // Conflict("source-exists") when the id is taken. Bookkeeping members are reset.
  storage::HarvestSource add_source(storage::HarvestSource source);
  // Removes the source and its records; NotFound("unknown-source"); Conflict("harvest-running")
  // while it is being harvested.
  void remove_source(std::string_view id);

  // Harvests one source now. Never throws for a failing source: the run is recorded as
  // "failed" with a sentence saying what went wrong (refused address, timeout, too large,
  // malformed document, too many redirects, HTTP status) and nothing of that run is applied.
  // A 304 answer (ETag / Last-Modified) is a "not-modified" run that changes nothing. Records
  // whose source date did not change are "unchanged"; records gone from the source are
  // retired. Throws NotFound("unknown-source") for an unknown source and
  // Conflict("harvest-running") when the source is being harvested already.
  storage::HarvestRun run(std::string_view source_id);
  // Runs every enabled source whose interval has passed since its last run; returns the runs.
  std::vector<storage::HarvestRun> run_due();

  // Reads for the admin routes (thin calls on the RecordStore).
  std::vector<storage::HarvestSource> sources();  // all, id order
  std::optional<storage::HarvestSource> find_source(std::string_view id);
  std::vector<storage::HarvestRun> runs(std::string_view source_id,
                                        std::size_t limit);  // newest first

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace shikong::harvest
