// catalog.sqlite: the single point of truth for which datasets exist, at which version, in which
// file; and the import jobs. Every function takes a connection the caller holds exclusively.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/sqlite/sqlite_db.hpp"
#include "storage/store.hpp"

namespace shikong::storage::sqlite {

inline constexpr int kCatalogSchemaVersion = 1;

// Connection settings for catalog connections (WAL, busy timeout, foreign keys).
void configure_catalog_connection(Db& db);
// Creates or checks the catalog tables; throws Unavailable when the catalog was written by a
// newer shikong.
void init_catalog(Db& db);

struct DatasetRow {
  DatasetInfo info;
  std::string file;  // file name under datasets/, empty for datasets without one
};

std::vector<DatasetRow> list_dataset_rows(Db& db);
std::optional<DatasetRow> find_dataset_row(Db& db, std::string_view id);
void upsert_dataset_row(Db& db, const DatasetRow& row);
bool delete_dataset_row(Db& db, std::string_view id);
// The next version for `id`: one more than any version it ever had, even if it was deleted
// since, so that caches keyed by (id, version) never see a reused version. Call inside a
// write transaction.
std::int64_t next_version(Db& db, std::string_view id);
std::vector<std::string> referenced_files(Db& db);

void upsert_job(Db& db, const Job& job);
std::optional<Job> find_job_row(Db& db, std::string_view id);
// Jobs queued or running when the process stopped cannot resume (their uploads were in tmp/):
// marks them failed with error_code "interrupted". Returns how many.
std::int64_t fail_interrupted_jobs(Db& db);

// Styles of datasets (delete with no name: all of a dataset's styles).
std::vector<StoredStyle> list_style_rows(Db& db, std::string_view dataset_id);
void upsert_style_row(Db& db, const StoredStyle& style);
bool delete_style_rows(Db& db, std::string_view dataset_id, std::optional<std::string_view> name);

Instant now_utc();

}  // namespace shikong::storage::sqlite
