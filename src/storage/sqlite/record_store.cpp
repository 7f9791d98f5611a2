// The embedded RecordStore: records, their history, harvest sources and runs and usage counts in
// catalog.sqlite beside the datasets, one WAL connection behind a mutex; writes are immediate
// transactions, so the store-wide seq follows commit order even across processes.
#include <sqlite3.h>

#include <cstdlib>
#include <mutex>
#include <set>
#include <system_error>

#include "core/error.hpp"
#include "core/log.hpp"
#include "storage/records.hpp"
#include "storage/sqlite/catalog_db.hpp"
#include "storage/sqlite/sqlite_db.hpp"

namespace shikong::storage {

namespace {

using sqlite::Db;
using sqlite::ResetOnExit;
using sqlite::sql;
using sqlite::Stmt;
using sqlite::Transaction;

constexpr std::string_view kRecordColumns =
    "id, state, owner, dataset_id, source_id, version, seq, deleted, created, updated, document";
constexpr std::string_view kSourceColumns =
    "id, kind, url, title, allow_private, interval_minutes, enabled, etag, last_modified,"
    " last_run, last_status, last_message, created_by, created";
constexpr std::string_view kRunColumns =
    "id, source_id, started, finished, status, added, updated, unchanged, retired, rejected,"
    " message";

void step_write(Db& db, Stmt& s) {
  int rc = s.step_rc();
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return;
  sqlite::throw_sqlite(db.get(), rc, "record-store-write", "writing the record store");
}

StoredRecord read_record(const Stmt& s) {
  StoredRecord r;
  r.id = s.col_text(0);
  r.state = s.col_text(1);
  r.owner = s.col_text(2);
  r.dataset_id = s.col_text(3);
  r.source_id = s.col_text(4);
  r.version = s.col_int(5);
  r.seq = s.col_int(6);
  r.deleted = s.col_int(7) != 0;
  r.created = Instant{s.col_int(8)};
  r.updated = Instant{s.col_int(9)};
  r.document = s.col_text(10);
  return r;
}

HarvestSource read_source(const Stmt& s) {
  HarvestSource h;
  h.id = s.col_text(0);
  h.kind = s.col_text(1);
  h.url = s.col_text(2);
  h.title = s.col_text(3);
  h.allow_private = s.col_int(4) != 0;
  h.interval_minutes = s.col_int(5);
  h.enabled = s.col_int(6) != 0;
  h.etag = s.col_text(7);
  h.last_modified = s.col_text(8);
  if (!s.is_null(9)) h.last_run = Instant{s.col_int(9)};
  h.last_status = s.col_text(10);
  h.last_message = s.col_text(11);
  h.created_by = s.col_text(12);
  h.created = Instant{s.col_int(13)};
  return h;
}

HarvestRun read_run(const Stmt& s) {
  HarvestRun r;
  r.id = s.col_int(0);
  r.source_id = s.col_text(1);
  r.started = Instant{s.col_int(2)};
  r.finished = Instant{s.col_int(3)};
  r.status = s.col_text(4);
  r.added = s.col_int(5);
  r.updated = s.col_int(6);
  r.unchanged = s.col_int(7);
  r.retired = s.col_int(8);
  r.rejected = s.col_int(9);
  r.message = s.col_text(10);
  return r;
}

void add_to(UsageTotals& t, std::string_view kind, std::int64_t n) {
  if (kind == "view")
    t.views += n;
  else if (kind == "download")
    t.downloads += n;
  else if (kind == "api")
    t.api_calls += n;
  else if (kind == "tile")
    t.tile_calls += n;
}

class SqliteRecordStore final : public RecordStore {
 public:
  explicit SqliteRecordStore(const std::filesystem::path& path)
      : db_(path, sqlite::OpenMode::read_write_create) {
    sqlite::configure_catalog_connection(db_);
    sqlite::init_catalog(db_);
  }

  // ---- records

  std::vector<StoredRecord> records_since(std::int64_t seq) override {
    std::lock_guard lock(mutex_);
    Stmt& s =
        db_.cached(sql("SELECT ", kRecordColumns, " FROM records WHERE seq > ?1 ORDER BY seq"));
    ResetOnExit r{s};
    s.bind_int(1, seq);
    std::vector<StoredRecord> out;
    while (s.step()) out.push_back(read_record(s));
    return out;
  }

  std::optional<StoredRecord> find_record(std::string_view id) override {
    std::lock_guard lock(mutex_);
    auto r = find_row(id);
    if (r && r->deleted) return std::nullopt;
    return r;
  }

  StoredRecord save_record(const StoredRecord& record, const RecordChange& change,
                           std::int64_t expected_version) override {
    std::lock_guard lock(mutex_);
    Transaction tx(db_);
    auto current = find_row(record.id);
    const std::int64_t stored_version = current && !current->deleted ? current->version : 0;
    if (stored_version != expected_version) {
      throw Conflict("version-conflict",
                     "The record was changed meanwhile; read it again and repeat the change.");
    }
    StoredRecord out = record;
    out.deleted = false;
    // A record made again over a tombstone continues its versions, so that a cache keyed by
    // (id, version) never sees a version twice.
    out.version = (current ? current->version : 0) + 1;
    out.seq = next_seq();
    out.updated = change.at.micros != 0 ? change.at : sqlite::now_utc();
    if (current && !current->deleted)
      out.created = current->created;
    else if (out.created.micros == 0)
      out.created = out.updated;
    write_row(out);
    append_change(change, out.id, out.version, out.updated);
    tx.commit();
    return out;
  }

  void delete_record(std::string_view id, const RecordChange& change) override {
    std::lock_guard lock(mutex_);
    Transaction tx(db_);
    auto current = find_row(id);
    if (!current || current->deleted)
      throw NotFound("record-not-found", "No record has this id.", "id");
    current->deleted = true;
    current->version += 1;
    current->seq = next_seq();
    current->updated = change.at.micros != 0 ? change.at : sqlite::now_utc();
    write_row(*current);
    append_change(change, current->id, current->version, current->updated);
    tx.commit();
  }

  std::vector<RecordChange> record_history(std::string_view id) override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached(
        "SELECT record_id, version, actor, action, from_state, to_state, comment, diff_json, at"
        " FROM record_changes WHERE record_id = ?1 ORDER BY n");
    ResetOnExit r{s};
    s.bind_text(1, id);
    std::vector<RecordChange> out;
    while (s.step()) {
      RecordChange c;
      c.record_id = s.col_text(0);
      c.version = s.col_int(1);
      c.actor = s.col_text(2);
      c.action = s.col_text(3);
      c.from_state = s.col_text(4);
      c.to_state = s.col_text(5);
      c.comment = s.col_text(6);
      c.diff_json = s.col_text(7);
      c.at = Instant{s.col_int(8)};
      out.push_back(std::move(c));
    }
    return out;
  }

  // ---- harvest sources and runs

  std::vector<HarvestSource> list_sources() override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached(sql("SELECT ", kSourceColumns, " FROM harvest_sources ORDER BY id"));
    ResetOnExit r{s};
    std::vector<HarvestSource> out;
    while (s.step()) out.push_back(read_source(s));
    return out;
  }

  std::optional<HarvestSource> find_source(std::string_view id) override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached(sql("SELECT ", kSourceColumns, " FROM harvest_sources WHERE id = ?1"));
    ResetOnExit r{s};
    s.bind_text(1, id);
    if (!s.step()) return std::nullopt;
    return read_source(s);
  }

  void save_source(const HarvestSource& h) override {
    std::lock_guard lock(mutex_);
    Stmt& s =
        db_.cached(sql("INSERT OR REPLACE INTO harvest_sources (", kSourceColumns,
                       ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"));
    ResetOnExit r{s};
    s.bind_text(1, h.id);
    s.bind_text(2, h.kind);
    s.bind_text(3, h.url);
    s.bind_text(4, h.title);
    s.bind_int(5, h.allow_private ? 1 : 0);
    s.bind_int(6, h.interval_minutes);
    s.bind_int(7, h.enabled ? 1 : 0);
    s.bind_text(8, h.etag);
    s.bind_text(9, h.last_modified);
    if (h.last_run)
      s.bind_int(10, h.last_run->micros);
    else
      s.bind_null(10);
    s.bind_text(11, h.last_status);
    s.bind_text(12, h.last_message);
    s.bind_text(13, h.created_by);
    s.bind_int(14, h.created.micros);
    step_write(db_, s);
  }

  bool delete_source(std::string_view id) override {
    std::lock_guard lock(mutex_);
    Transaction tx(db_);
    Stmt& s = db_.cached("DELETE FROM harvest_sources WHERE id = ?1");
    {
      ResetOnExit r{s};
      s.bind_text(1, id);
      step_write(db_, s);
    }
    const bool found = db_.changes() > 0;
    Stmt& runs = db_.cached("DELETE FROM harvest_runs WHERE source_id = ?1");
    {
      ResetOnExit r{runs};
      runs.bind_text(1, id);
      step_write(db_, runs);
    }
    tx.commit();
    return found;
  }

  HarvestRun add_run(const HarvestRun& run) override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached(
        "INSERT INTO harvest_runs (source_id, started, finished, status, added, updated,"
        " unchanged, retired, rejected, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    ResetOnExit r{s};
    s.bind_text(1, run.source_id);
    s.bind_int(2, run.started.micros);
    s.bind_int(3, run.finished.micros);
    s.bind_text(4, run.status);
    s.bind_int(5, run.added);
    s.bind_int(6, run.updated);
    s.bind_int(7, run.unchanged);
    s.bind_int(8, run.retired);
    s.bind_int(9, run.rejected);
    s.bind_text(10, run.message);
    step_write(db_, s);
    HarvestRun out = run;
    out.id = db_.last_insert_rowid();
    return out;
  }

  std::vector<HarvestRun> list_runs(std::string_view source_id, std::size_t limit) override {
    std::lock_guard lock(mutex_);
    // Newest first: the latest runs are what an operator looks for.
    Stmt& s = db_.cached(sql("SELECT ", kRunColumns,
                             " FROM harvest_runs WHERE source_id = ?1 ORDER BY id DESC LIMIT ?2"));
    ResetOnExit r{s};
    s.bind_text(1, source_id);
    s.bind_int(2,
               limit > static_cast<std::size_t>(INT64_MAX) ? -1 : static_cast<std::int64_t>(limit));
    std::vector<HarvestRun> out;
    while (s.step()) out.push_back(read_run(s));
    return out;
  }

  // ---- usage

  void add_usage(const std::vector<UsageDelta>& deltas) override {
    if (deltas.empty()) return;
    std::lock_guard lock(mutex_);
    Transaction tx(db_);
    Stmt& s = db_.cached(
        "INSERT INTO usage_daily (dataset_id, day, kind, count) VALUES (?1, ?2, ?3, ?4)"
        " ON CONFLICT (dataset_id, day, kind) DO UPDATE SET count = count + excluded.count");
    ResetOnExit r{s};
    for (const UsageDelta& d : deltas) {
      if (d.count == 0) continue;
      s.reset();
      s.bind_text(1, d.dataset_id);
      s.bind_text(2, d.day);
      s.bind_text(3, to_string(d.kind));
      s.bind_int(4, d.count);
      step_write(db_, s);
    }
    s.reset();
    tx.commit();
  }

  void add_used_together(const std::vector<std::pair<std::string, std::string>>& pairs) override {
    if (pairs.empty()) return;
    std::lock_guard lock(mutex_);
    Transaction tx(db_);
    Stmt& s = db_.cached(
        "INSERT INTO used_together (a, b, count) VALUES (?1, ?2, 1)"
        " ON CONFLICT (a, b) DO UPDATE SET count = count + 1");
    ResetOnExit r{s};
    for (const auto& [x, y] : pairs) {
      if (x == y) continue;
      s.reset();
      // Stored in order, so (a, b) and (b, a) are one pair.
      s.bind_text(1, x < y ? x : y);
      s.bind_text(2, x < y ? y : x);
      step_write(db_, s);
    }
    s.reset();
    tx.commit();
  }

  std::map<std::string, UsageTotals, std::less<>> usage_totals() override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached(
        "SELECT dataset_id, kind, sum(count) FROM usage_daily GROUP BY dataset_id, kind");
    ResetOnExit r{s};
    std::map<std::string, UsageTotals, std::less<>> out;
    while (s.step()) add_to(out[std::string(s.col_text(0))], s.col_text(1), s.col_int(2));
    return out;
  }

  std::vector<std::pair<std::string, UsageTotals>> usage_daily(std::string_view dataset_id,
                                                               std::size_t days) override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached(
        "SELECT day, kind, count FROM usage_daily WHERE dataset_id = ?1 AND day IN"
        " (SELECT DISTINCT day FROM usage_daily WHERE dataset_id = ?1 ORDER BY day DESC LIMIT ?2)"
        " ORDER BY day");
    ResetOnExit r{s};
    s.bind_text(1, dataset_id);
    s.bind_int(2,
               days > static_cast<std::size_t>(INT64_MAX) ? -1 : static_cast<std::int64_t>(days));
    std::vector<std::pair<std::string, UsageTotals>> out;
    while (s.step()) {
      std::string_view day = s.col_text(0);
      if (out.empty() || out.back().first != day) out.emplace_back(std::string(day), UsageTotals{});
      add_to(out.back().second, s.col_text(1), s.col_int(2));
    }
    return out;
  }

  std::map<std::pair<std::string, std::string>, std::int64_t> used_together() override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached("SELECT a, b, count FROM used_together");
    ResetOnExit r{s};
    std::map<std::pair<std::string, std::string>, std::int64_t> out;
    while (s.step()) out[{std::string(s.col_text(0)), std::string(s.col_text(1))}] = s.col_int(2);
    return out;
  }

  std::optional<Instant> created_at() override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached("SELECT value FROM meta WHERE key = 'records_created'");
    ResetOnExit r{s};
    if (!s.step()) return std::nullopt;
    std::string v(s.col_text(0));
    char* end = nullptr;
    long long us = std::strtoll(v.c_str(), &end, 10);
    if (end == v.c_str() || *end != '\0') return std::nullopt;
    return Instant{us};
  }

 private:
  std::optional<StoredRecord> find_row(std::string_view id) {
    Stmt& s = db_.cached(sql("SELECT ", kRecordColumns, " FROM records WHERE id = ?1"));
    ResetOnExit r{s};
    s.bind_text(1, id);
    if (!s.step()) return std::nullopt;
    return read_record(s);
  }

  // Inside the write transaction: rows are never removed, so max(seq) + 1 is new.
  std::int64_t next_seq() {
    Stmt& s = db_.cached("SELECT coalesce(max(seq), 0) FROM records");
    ResetOnExit r{s};
    return (s.step() ? s.col_int(0) : 0) + 1;
  }

  void write_row(const StoredRecord& rec) {
    Stmt& s = db_.cached(sql("INSERT OR REPLACE INTO records (", kRecordColumns,
                             ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
    ResetOnExit r{s};
    s.bind_text(1, rec.id);
    s.bind_text(2, rec.state);
    s.bind_text(3, rec.owner);
    s.bind_text(4, rec.dataset_id);
    s.bind_text(5, rec.source_id);
    s.bind_int(6, rec.version);
    s.bind_int(7, rec.seq);
    s.bind_int(8, rec.deleted ? 1 : 0);
    s.bind_int(9, rec.created.micros);
    s.bind_int(10, rec.updated.micros);
    s.bind_text(11, rec.document);
    step_write(db_, s);
  }

  void append_change(const RecordChange& c, std::string_view id, std::int64_t version, Instant at) {
    Stmt& s = db_.cached(
        "INSERT INTO record_changes (record_id, version, actor, action, from_state, to_state,"
        " comment, diff_json, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    ResetOnExit r{s};
    s.bind_text(1, id);
    s.bind_int(2, version);
    s.bind_text(3, c.actor);
    s.bind_text(4, c.action);
    s.bind_text(5, c.from_state);
    s.bind_text(6, c.to_state);
    s.bind_text(7, c.comment);
    s.bind_text(8, c.diff_json.empty() ? std::string_view("{}") : std::string_view(c.diff_json));
    s.bind_int(9, at.micros);
    step_write(db_, s);
  }

  std::mutex mutex_;  // one connection; every method holds it for its whole transaction
  Db db_;
};

}  // namespace

std::unique_ptr<RecordStore> open_sqlite_record_store(const std::filesystem::path& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    log::error("storage: cannot create data directory {}: {}", data_dir.string(), ec.message());
    throw InternalError("record-store-open", "The data directory could not be created.");
  }
  return std::make_unique<SqliteRecordStore>(data_dir / "catalog.sqlite");
}

}  // namespace shikong::storage
