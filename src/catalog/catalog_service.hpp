// The directory service: one metadata record per dataset (filled from the data where it can be),
// records registered by hand or harvested, their version history, the publishing workflow
// (draft -> submitted -> published -> retired, with a reviewer), and usage statistics. Keeps
// every record in memory; the RecordStore is the truth, shared with other processes (the CLI).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/record.hpp"
#include "storage/records.hpp"
#include "storage/store.hpp"

namespace shikong::catalog {

// Who acts, as far as the workflow cares (adapters fill it from the security principal).
struct Actor {
  std::string user;        // "" for anonymous
  bool publisher = false;  // may register records and submit them
  bool reviewer = false;   // may approve or return submissions
  bool admin = false;      // may do everything, including publishing directly
  static Actor system(std::string name = "system") { return {std::move(name), true, true, true}; }
};

class CatalogService {
 public:
  using Clock = std::function<Instant()>;
  // Called after every change of a record in memory (also those read from other processes):
  // the record as it is now, or null with the id when it was deleted.
  using Listener = std::function<void(std::string_view id, const Record* record)>;

  CatalogService(storage::Store& store, storage::RecordStore& records, Clock clock);

  // Reads every record, then makes sure every dataset has one: a dataset without a record (a
  // data directory from before the catalog) gets a published record, since it was public
  // before; data-derived fields of every dataset record are refreshed.
  void load();
  // Takes in records changed by other processes since the last look (the store's seq); cheap
  // when nothing changed. Called by the server every few seconds and before a lookup misses.
  void refresh();
  void add_listener(Listener listener);

  // --- datasets (called on every committed import, replacement, patch and delete) ---
  // Creates the dataset's record if it has none (state `initial`, owner = dataset owner,
  // title/abstract/access from the dataset), else refreshes the data-derived fields (extent,
  // time, crs, counts, fields, formats, kind, access) as a "refreshed" change.
  Record dataset_changed(std::string_view dataset_id, RecordState initial = RecordState::draft,
                         const std::string& actor = "system");
  // Deletes the dataset's record (tombstone; history kept).
  void dataset_deleted(std::string_view dataset_id, const std::string& actor = "system");

  // --- reads (no visibility check: callers apply visible()) ---
  std::optional<Record> find(std::string_view id);
  std::optional<Record> find_by_dataset(std::string_view dataset_id);
  std::vector<Record> all() const;  // a snapshot
  std::vector<storage::RecordChange> history(std::string_view id);
  // The workflow part of visibility: published records to everyone; others to their owner,
  // reviewers (submitted ones) and admins. Access levels are the security engine's part.
  static bool visible(const Record& record, const Actor& actor);
  // For the dataset routes: whether the dataset's record lets `actor` see the data (a dataset
  // without a record is treated as a draft).
  bool dataset_visible(std::string_view dataset_id, std::string_view dataset_owner,
                       const Actor& actor);

  // --- writes; each records a change in the history; Forbidden / Conflict / NotFound ---
  // A record that describes no local dataset (a service, a document), as a draft.
  Record create(const std::string& id, const RecordPatch& patch, const Actor& actor);
  // `if_version` > 0: Conflict("version-conflict") if the record changed meanwhile.
  // Harvested records: Conflict("read-only-record").
  Record update(std::string_view id, const RecordPatch& patch, const Actor& actor,
                std::int64_t if_version = 0);
  Record submit(std::string_view id, const Actor& actor, const std::string& comment = {});
  // Reviewer (not of their own submission, unless admin): submitted -> published.
  Record approve(std::string_view id, const Actor& actor, const std::string& comment = {});
  // Reviewer: submitted -> draft; the comment is required (InvalidInput "comment-required").
  Record return_to_draft(std::string_view id, const Actor& actor, const std::string& comment);
  // Admin: draft|submitted|retired -> published directly (an operator's import).
  Record publish(std::string_view id, const Actor& actor, const std::string& comment = {});
  // Owner or admin: published -> retired (comment = reason).
  Record retire(std::string_view id, const Actor& actor, const std::string& comment = {});
  // Owner or admin: retired -> draft.
  Record reopen(std::string_view id, const Actor& actor, const std::string& comment = {});
  // Owner or admin; a dataset's record goes with its dataset only (Conflict "record-has-data").
  void remove(std::string_view id, const Actor& actor);

  // --- harvested records (harvest/ only) ---
  // Inserts or updates a copy of a remote record (state published, owner ""); no new version
  // when nothing but bookkeeping changed. Returns whether it was added, updated or unchanged.
  enum class Upsert { added, updated, unchanged };
  Upsert upsert_harvested(const Record& record);
  // Retires the source's published records whose ids are not in `seen`; returns how many.
  std::size_t retire_missing(std::string_view source_id, const std::vector<std::string>& seen);
  // Deletes every record of a source (when the source is removed).
  std::size_t remove_source_records(std::string_view source_id);

  // --- usage (buffered in memory, written by flush_usage) ---
  void count_usage(std::string_view dataset_id, storage::UsageKind kind, std::int64_t n = 1);
  void count_used_together(const std::vector<std::string>& dataset_ids);
  void flush_usage();
  std::map<std::string, storage::UsageTotals, std::less<>> usage_totals();  // flushed + pending
  storage::UsageTotals usage(std::string_view dataset_id);
  std::vector<std::pair<std::string, storage::UsageTotals>> usage_daily(std::string_view dataset_id,
                                                                        std::size_t days);
  std::map<std::pair<std::string, std::string>, std::int64_t> used_together();

  Instant now() const { return clock_(); }

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
  Clock clock_;
};

}  // namespace shikong::catalog
