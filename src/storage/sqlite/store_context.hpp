// State shared by the store, its import sessions and its cursors, which may outlive each other.
#pragma once

#include <filesystem>

#include "storage/sqlite/connection_pool.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace shikong::storage::sqlite {

struct StoreContext {
  explicit StoreContext(const SqliteOptions& options);
  ~StoreContext();
  StoreContext(const StoreContext&) = delete;
  StoreContext& operator=(const StoreContext&) = delete;

  SqliteOptions options;
  std::filesystem::path data_dir;
  std::filesystem::path datasets_dir;
  std::filesystem::path tmp_dir;
  std::filesystem::path catalog_path;
  ConnectionPool catalog;  // read-write connections to catalog.sqlite
  ConnectionPool files;    // read-only connections to committed (immutable) dataset files
  // store.lock, held shared for as long as this process has the store open (see
  // open_sqlite_store: leftovers are cleaned only by a process that has it alone).
  int lock_fd = -1;

  ConnectionPool::Lease catalog_db() { return catalog.acquire(catalog_path); }
  std::filesystem::path dataset_path(const std::string& file) const { return datasets_dir / file; }
};

// fsync of a file or directory; throws InternalError("storage-fsync") on failure (never retried:
// SECURITY.md rule 9).
void fsync_path(const std::filesystem::path& path, bool directory);

}  // namespace shikong::storage::sqlite
