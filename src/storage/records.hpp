// Persistence of the directory service: metadata records with their change history, harvest
// sources and runs, and usage counts. Records are stored as JSON documents (catalog/ owns their
// shape) beside the few columns the store must query. Same backend as the Store (catalog.sqlite
// in the embedded backend).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/instant.hpp"

namespace shikong::storage {

struct StoredRecord {
  std::string id;
  std::string state;         // draft | submitted | published | retired
  std::string owner;         // user name; "" for harvested records
  std::string dataset_id;    // the local dataset described, "" for none
  std::string source_id;     // harvest source, "" for local records
  std::int64_t version = 0;  // 1 on creation, +1 on every saved change
  std::int64_t seq = 0;      // store-wide change sequence, assigned on every save and delete
  bool deleted = false;      // a tombstone (kept so other processes see the deletion)
  Instant created;
  Instant updated;
  std::string document;  // catalog::Record as JSON
};

// One entry of a record's history: who did what, when, and what changed.
struct RecordChange {
  std::string record_id;
  std::int64_t version = 0;  // the version this change produced (set by the store)
  std::string actor;         // user name, "harvester", "system" or "cli"
  std::string action;        // created | updated | submitted | approved | returned | published |
                             // retired | reopened | deleted | harvested | refreshed
  std::string from_state;
  std::string to_state;
  std::string comment;    // reviewer's comment, reason of a retirement, ...
  std::string diff_json;  // {"title":{"from":"a","to":"b"},...}; "{}" when nothing but state
  Instant at;
};

struct HarvestSource {
  std::string id;    // slug
  std::string kind;  // wms | wmts | wfs | csw | records | shikong
  std::string url;   // capabilities document, CSW endpoint, Records collection or node root
  std::string title;
  bool allow_private = false;         // the admin allowed this source on a non-public address
  std::int64_t interval_minutes = 0;  // 0: on demand only
  bool enabled = true;
  std::string etag;           // of the last full fetch, for If-None-Match
  std::string last_modified;  // of the last full fetch, for If-Modified-Since
  std::optional<Instant> last_run;
  std::string last_status;  // ok | not-modified | failed | ""
  std::string last_message;
  std::string created_by;
  Instant created;
};

struct HarvestRun {
  std::int64_t id = 0;  // set by the store
  std::string source_id;
  Instant started;
  Instant finished;
  std::string status;  // ok | not-modified | failed
  std::int64_t added = 0, updated = 0, unchanged = 0, retired = 0, rejected = 0;
  std::string message;  // a sentence we write (failures: what went wrong, never a library text)
};

enum class UsageKind { view, download, api, tile };
std::string_view to_string(UsageKind k);  // "view", "download", "api", "tile"

struct UsageTotals {
  std::int64_t views = 0, downloads = 0, api_calls = 0, tile_calls = 0;
  std::int64_t total() const { return views + downloads + api_calls + tile_calls; }
};

class RecordStore {
 public:
  virtual ~RecordStore() = default;

  // Records (tombstones included) whose seq is greater than `seq`, in seq order.
  virtual std::vector<StoredRecord> records_since(std::int64_t seq) = 0;
  virtual std::optional<StoredRecord> find_record(std::string_view id) = 0;  // not tombstones
  // Inserts or replaces the record and appends `change` in one transaction. `expected_version`
  // is the version the caller read (0: the record must not exist, or be a tombstone); another
  // version throws Conflict("version-conflict", ...). Assigns version (+1), seq and updated
  // (change.at when set, so an injected clock rules; else now) and keeps `created` of a live
  // record; returns what was stored.
  virtual StoredRecord save_record(const StoredRecord& record, const RecordChange& change,
                                   std::int64_t expected_version) = 0;
  // Leaves a tombstone and appends `change`; throws NotFound.
  virtual void delete_record(std::string_view id, const RecordChange& change) = 0;
  virtual std::vector<RecordChange> record_history(std::string_view id) = 0;  // oldest first

  virtual std::vector<HarvestSource> list_sources() = 0;
  virtual std::optional<HarvestSource> find_source(std::string_view id) = 0;
  virtual void save_source(const HarvestSource& source) = 0;  // insert or replace
  virtual bool delete_source(std::string_view id) = 0;
  virtual HarvestRun add_run(const HarvestRun& run) = 0;  // returns it with its id
  virtual std::vector<HarvestRun> list_runs(std::string_view source_id, std::size_t limit) = 0;

  // Adds counts per (dataset, UTC day "YYYY-MM-DD", kind), in one transaction.
  struct UsageDelta {
    std::string dataset_id;
    std::string day;
    UsageKind kind;
    std::int64_t count = 0;
  };
  virtual void add_usage(const std::vector<UsageDelta>& deltas) = 0;
  // Counts of pairs of datasets used in one request ("used together"), a < b.
  virtual void add_used_together(const std::vector<std::pair<std::string, std::string>>& pairs) = 0;
  virtual std::map<std::string, UsageTotals, std::less<>> usage_totals() = 0;
  // Per day for one dataset, the last `days` days that have counts, oldest first.
  virtual std::vector<std::pair<std::string, UsageTotals>> usage_daily(std::string_view dataset_id,
                                                                       std::size_t days) = 0;
  virtual std::map<std::pair<std::string, std::string>, std::int64_t> used_together() = 0;

  // When the record tables were made in this data directory. Datasets created before had no
  // workflow and were public; nullopt when not known.
  virtual std::optional<Instant> created_at() { return std::nullopt; }
};

// The embedded backend: tables in <data_dir>/catalog.sqlite (created on first open).
std::unique_ptr<RecordStore> open_sqlite_record_store(const std::filesystem::path& data_dir);

}  // namespace shikong::storage
