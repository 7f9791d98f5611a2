// Catalog tables and their rows: datasets (one row per visible dataset), dataset_versions (the
// high-water mark of versions), jobs, and meta (schema version); the directory service's tables
// are created here too (one schema, one migration point) and used by record_store.cpp.
#include "storage/sqlite/catalog_db.hpp"

#include <chrono>
#include <cstdlib>

#include "core/error.hpp"
#include "core/log.hpp"
#include "geo/geometry.hpp"
#include "storage/sqlite/value_codec.hpp"

namespace shikong::storage::sqlite {

namespace {

constexpr std::string_view kDatasetColumns =
    "id, title, description, kind, schema_json, geometry_type, min_x, min_y, max_x, max_y,"
    " time_start, time_end, time_start_field, time_end_field, crs, source_crs, source_format,"
    " source_name, vertical_datum, owner, access, version, feature_count, created, updated, file";

DatasetRow read_dataset(const Stmt& s) {
  DatasetRow row;
  DatasetInfo& d = row.info;
  d.id = s.col_text(0);
  d.title = s.col_text(1);
  d.description = s.col_text(2);
  d.kind = dataset_kind_from_string(s.col_text(3)).value_or(DatasetKind::vector);
  d.schema = schema_from_json(s.col_text(4));
  d.geometry_type = geo::geometry_type_from_name(s.col_text(5));
  if (!s.is_null(6)) {
    d.extent = Envelope::of(s.col_double(6), s.col_double(7), s.col_double(8), s.col_double(9));
  }
  if (!s.is_null(10)) d.time_extent.start = Instant{s.col_int(10)};
  if (!s.is_null(11)) d.time_extent.end = Instant{s.col_int(11)};
  d.time_start_field = s.col_text(12);
  d.time_end_field = s.col_text(13);
  d.crs = s.col_text(14);
  d.source_crs = s.col_text(15);
  d.source_format = s.col_text(16);
  d.source_name = s.col_text(17);
  d.vertical_datum = s.col_text(18);
  d.owner = s.col_text(19);
  d.access = s.col_text(20);
  d.version = s.col_int(21);
  d.feature_count = s.col_int(22);
  d.created = Instant{s.col_int(23)};
  d.updated = Instant{s.col_int(24)};
  row.file = s.col_text(25);
  return row;
}

std::optional<std::int64_t> micros_of(const std::optional<Instant>& t) {
  if (!t) return std::nullopt;
  return t->micros;
}

}  // namespace

std::vector<StoredStyle> list_style_rows(Db& db, std::string_view dataset_id) {
  Stmt& s = db.cached(
      "SELECT dataset_id, name, json, updated_by, updated FROM styles WHERE dataset_id = ?"
      " ORDER BY name");
  s.bind_text(1, dataset_id);
  std::vector<StoredStyle> out;
  while (s.step())
    out.push_back(StoredStyle{std::string(s.col_text(0)), std::string(s.col_text(1)),
                              std::string(s.col_text(2)), std::string(s.col_text(3)),
                              Instant{s.col_int(4)}});
  s.reset();
  return out;
}

void upsert_style_row(Db& db, const StoredStyle& style) {
  Stmt& s = db.cached(
      "INSERT OR REPLACE INTO styles (dataset_id, name, json, updated_by, updated)"
      " VALUES (?, ?, ?, ?, ?)");
  s.bind_text(1, style.dataset_id);
  s.bind_text(2, style.name);
  s.bind_text(3, style.json);
  s.bind_text(4, style.updated_by);
  s.bind_int(5, style.updated.micros);
  s.step();
  s.reset();
}

bool delete_style_rows(Db& db, std::string_view dataset_id, std::optional<std::string_view> name) {
  Stmt& s = db.cached(name ? "DELETE FROM styles WHERE dataset_id = ? AND name = ?"
                           : "DELETE FROM styles WHERE dataset_id = ?");
  s.bind_text(1, dataset_id);
  if (name) s.bind_text(2, *name);
  s.step();
  s.reset();
  return db.changes() > 0;
}

Instant now_utc() {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return Instant{us.count()};
}

void configure_catalog_connection(Db& db) {
  // WAL lets readers run while an import commits; NORMAL is durable against process crashes,
  // and commit points that delete files switch to FULL (see the store's commit).
  db.exec(
      "PRAGMA busy_timeout = 10000;"
      "PRAGMA journal_mode = WAL;"
      "PRAGMA synchronous = NORMAL;"
      "PRAGMA foreign_keys = ON;");
}

void init_catalog(Db& db) {
  Transaction tx(db);
  const bool had_records =
      db.query_int("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'records'") >
      0;
  db.exec(
      "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS datasets ("
      " id TEXT PRIMARY KEY, title TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '',"
      " kind TEXT NOT NULL, schema_json TEXT NOT NULL, geometry_type TEXT NOT NULL,"
      " min_x REAL, min_y REAL, max_x REAL, max_y REAL, time_start INTEGER, time_end INTEGER,"
      " time_start_field TEXT NOT NULL DEFAULT '', time_end_field TEXT NOT NULL DEFAULT '',"
      " crs TEXT NOT NULL, source_crs TEXT NOT NULL DEFAULT '',"
      " source_format TEXT NOT NULL DEFAULT '', source_name TEXT NOT NULL DEFAULT '',"
      " vertical_datum TEXT NOT NULL DEFAULT '', owner TEXT NOT NULL DEFAULT '',"
      " access TEXT NOT NULL DEFAULT 'public', version INTEGER NOT NULL,"
      " feature_count INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL,"
      " updated INTEGER NOT NULL, file TEXT NOT NULL DEFAULT '');"
      "CREATE TABLE IF NOT EXISTS dataset_versions (id TEXT PRIMARY KEY,"
      " last_version INTEGER NOT NULL);"
      "CREATE TABLE IF NOT EXISTS jobs ("
      " id TEXT PRIMARY KEY, kind TEXT NOT NULL, state TEXT NOT NULL,"
      " dataset_id TEXT NOT NULL DEFAULT '', owner TEXT NOT NULL DEFAULT '',"
      " rows_done INTEGER NOT NULL DEFAULT 0, rows_rejected INTEGER NOT NULL DEFAULT 0,"
      " error_code TEXT NOT NULL DEFAULT '', message TEXT NOT NULL DEFAULT '',"
      " report_json TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL, updated INTEGER NOT "
      "NULL);"
      "CREATE TABLE IF NOT EXISTS styles (dataset_id TEXT NOT NULL, name TEXT NOT NULL,"
      " json TEXT NOT NULL, updated_by TEXT NOT NULL DEFAULT '', updated INTEGER NOT NULL,"
      " PRIMARY KEY (dataset_id, name));"
      // The directory service (storage/records.hpp, record_store.cpp). Record rows are never
      // removed (a deletion leaves a tombstone), so max(seq) only grows and other processes
      // follow changes with records_since.
      "CREATE TABLE IF NOT EXISTS records (id TEXT PRIMARY KEY, state TEXT NOT NULL,"
      " owner TEXT NOT NULL DEFAULT '', dataset_id TEXT NOT NULL DEFAULT '',"
      " source_id TEXT NOT NULL DEFAULT '', version INTEGER NOT NULL, seq INTEGER NOT NULL,"
      " deleted INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL, updated INTEGER NOT NULL,"
      " document TEXT NOT NULL);"
      "CREATE UNIQUE INDEX IF NOT EXISTS records_seq ON records (seq);"
      "CREATE INDEX IF NOT EXISTS records_source ON records (source_id);"
      "CREATE TABLE IF NOT EXISTS record_changes (n INTEGER PRIMARY KEY AUTOINCREMENT,"
      " record_id TEXT NOT NULL, version INTEGER NOT NULL, actor TEXT NOT NULL,"
      " action TEXT NOT NULL, from_state TEXT NOT NULL, to_state TEXT NOT NULL,"
      " comment TEXT NOT NULL, diff_json TEXT NOT NULL, at INTEGER NOT NULL);"
      "CREATE INDEX IF NOT EXISTS record_changes_record ON record_changes (record_id, n);"
      "CREATE TABLE IF NOT EXISTS harvest_sources (id TEXT PRIMARY KEY, kind TEXT NOT NULL,"
      " url TEXT NOT NULL, title TEXT NOT NULL, allow_private INTEGER NOT NULL,"
      " interval_minutes INTEGER NOT NULL, enabled INTEGER NOT NULL, etag TEXT NOT NULL,"
      " last_modified TEXT NOT NULL, last_run INTEGER, last_status TEXT NOT NULL,"
      " last_message TEXT NOT NULL, created_by TEXT NOT NULL, created INTEGER NOT NULL);"
      "CREATE TABLE IF NOT EXISTS harvest_runs (id INTEGER PRIMARY KEY AUTOINCREMENT,"
      " source_id TEXT NOT NULL, started INTEGER NOT NULL, finished INTEGER NOT NULL,"
      " status TEXT NOT NULL, added INTEGER NOT NULL, updated INTEGER NOT NULL,"
      " unchanged INTEGER NOT NULL, retired INTEGER NOT NULL, rejected INTEGER NOT NULL,"
      " message TEXT NOT NULL);"
      "CREATE INDEX IF NOT EXISTS harvest_runs_source ON harvest_runs (source_id, id);"
      "CREATE TABLE IF NOT EXISTS usage_daily (dataset_id TEXT NOT NULL, day TEXT NOT NULL,"
      " kind TEXT NOT NULL, count INTEGER NOT NULL,"
      " PRIMARY KEY (dataset_id, day, kind)) WITHOUT ROWID;"
      "CREATE TABLE IF NOT EXISTS used_together (a TEXT NOT NULL, b TEXT NOT NULL,"
      " count INTEGER NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;");
  if (!had_records) {
    // When the directory service's tables appeared: datasets older than this were public
    // before there was a workflow (catalog/ publishes their records; later ones it does not).
    Stmt put = db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('records_created', ?)");
    put.bind_text(1, std::to_string(now_utc().micros));
    put.step();
  }
  Stmt get = db.prepare("SELECT value FROM meta WHERE key = 'storage_schema_version'");
  if (get.step()) {
    std::string v(get.col_text(0));
    int version = std::atoi(v.c_str());
    if (version > kCatalogSchemaVersion) {
      log::error("storage: catalog schema version {} is newer than supported {}", version,
                 kCatalogSchemaVersion);
      throw Unavailable("catalog-too-new",
                        "The catalog was written by a newer shikong; upgrade to open it.");
    }
  } else {
    Stmt put = db.prepare("INSERT INTO meta (key, value) VALUES ('storage_schema_version', ?)");
    put.bind_text(1, std::to_string(kCatalogSchemaVersion));
    put.step();
  }
  get = Stmt();
  tx.commit();
}

std::vector<DatasetRow> list_dataset_rows(Db& db) {
  Stmt& s = db.cached(std::string("SELECT ") + std::string(kDatasetColumns) +
                      " FROM datasets ORDER BY id");
  std::vector<DatasetRow> out;
  while (s.step()) out.push_back(read_dataset(s));
  s.reset();
  return out;
}

std::optional<DatasetRow> find_dataset_row(Db& db, std::string_view id) {
  Stmt& s = db.cached(std::string("SELECT ") + std::string(kDatasetColumns) +
                      " FROM datasets WHERE id = ?");
  s.bind_text(1, id);
  std::optional<DatasetRow> out;
  if (s.step()) out = read_dataset(s);
  s.reset();
  return out;
}

void upsert_dataset_row(Db& db, const DatasetRow& row) {
  Stmt& s =
      db.cached(std::string("INSERT OR REPLACE INTO datasets (") + std::string(kDatasetColumns) +
                ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  const DatasetInfo& d = row.info;
  s.bind_text(1, d.id);
  s.bind_text(2, d.title);
  s.bind_text(3, d.description);
  s.bind_text(4, to_string(d.kind));
  s.bind_text(5, schema_to_json(d.schema));
  s.bind_text(6, geo::to_sql_name(d.geometry_type));
  if (!d.extent.empty()) {
    s.bind_double(7, d.extent.min_x);
    s.bind_double(8, d.extent.min_y);
    s.bind_double(9, d.extent.max_x);
    s.bind_double(10, d.extent.max_y);
  }
  s.bind_optional_int(11, micros_of(d.time_extent.start));
  s.bind_optional_int(12, micros_of(d.time_extent.end));
  s.bind_text(13, d.time_start_field);
  s.bind_text(14, d.time_end_field);
  s.bind_text(15, d.crs);
  s.bind_text(16, d.source_crs);
  s.bind_text(17, d.source_format);
  s.bind_text(18, d.source_name);
  s.bind_text(19, d.vertical_datum);
  s.bind_text(20, d.owner);
  s.bind_text(21, d.access);
  s.bind_int(22, d.version);
  s.bind_int(23, d.feature_count);
  s.bind_int(24, d.created.micros);
  s.bind_int(25, d.updated.micros);
  s.bind_text(26, row.file);
  s.step();
  s.reset();
  Stmt& v = db.cached(
      "INSERT INTO dataset_versions (id, last_version) VALUES (?, ?) ON CONFLICT (id) DO UPDATE"
      " SET last_version = max(last_version, excluded.last_version)");
  v.bind_text(1, d.id);
  v.bind_int(2, d.version);
  v.step();
  v.reset();
}

bool delete_dataset_row(Db& db, std::string_view id) {
  Stmt& s = db.cached("DELETE FROM datasets WHERE id = ?");
  s.bind_text(1, id);
  s.step();
  s.reset();
  return db.changes() > 0;
}

std::int64_t next_version(Db& db, std::string_view id) {
  Stmt& s = db.cached(
      "SELECT max(coalesce((SELECT last_version FROM dataset_versions WHERE id = ?1), 0),"
      " coalesce((SELECT version FROM datasets WHERE id = ?1), 0))");
  s.bind_text(1, id);
  std::int64_t v = s.step() ? s.col_int(0) : 0;
  s.reset();
  return v + 1;
}

std::vector<std::string> referenced_files(Db& db) {
  Stmt s = db.prepare("SELECT file FROM datasets WHERE file != ''");
  std::vector<std::string> out;
  while (s.step()) out.emplace_back(s.col_text(0));
  return out;
}

void upsert_job(Db& db, const Job& job) {
  Stmt& s = db.cached(
      "INSERT OR REPLACE INTO jobs (id, kind, state, dataset_id, owner, rows_done, rows_rejected,"
      " error_code, message, report_json, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  s.bind_text(1, job.id);
  s.bind_text(2, job.kind);
  s.bind_text(3, to_string(job.state));
  s.bind_text(4, job.dataset_id);
  s.bind_text(5, job.owner);
  s.bind_int(6, job.rows_done);
  s.bind_int(7, job.rows_rejected);
  s.bind_text(8, job.error_code);
  s.bind_text(9, job.message);
  s.bind_text(10, job.report_json);
  s.bind_int(11, job.created.micros);
  s.bind_int(12, job.updated.micros);
  s.step();
  s.reset();
}

std::optional<Job> find_job_row(Db& db, std::string_view id) {
  Stmt& s = db.cached(
      "SELECT id, kind, state, dataset_id, owner, rows_done, rows_rejected, error_code, message,"
      " report_json, created, updated FROM jobs WHERE id = ?");
  s.bind_text(1, id);
  std::optional<Job> out;
  if (s.step()) {
    Job j;
    j.id = s.col_text(0);
    j.kind = s.col_text(1);
    j.state = job_state_from_string(s.col_text(2)).value_or(JobState::failed);
    j.dataset_id = s.col_text(3);
    j.owner = s.col_text(4);
    j.rows_done = s.col_int(5);
    j.rows_rejected = s.col_int(6);
    j.error_code = s.col_text(7);
    j.message = s.col_text(8);
    j.report_json = s.col_text(9);
    j.created = Instant{s.col_int(10)};
    j.updated = Instant{s.col_int(11)};
    out = std::move(j);
  }
  s.reset();
  return out;
}

std::int64_t fail_interrupted_jobs(Db& db) {
  Stmt s = db.prepare(
      "UPDATE jobs SET state = 'failed', error_code = 'interrupted',"
      " message = 'the server stopped during this job', updated = ?"
      " WHERE state IN ('queued', 'running')");
  s.bind_int(1, now_utc().micros);
  s.step();
  return db.changes();
}

}  // namespace shikong::storage::sqlite
