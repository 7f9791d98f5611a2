// The embedded backend: catalog.sqlite plus one GeoPackage per vector dataset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "storage/store.hpp"

namespace shikong::storage {

struct SqliteOptions {
  std::filesystem::path data_dir = "var";
  std::int64_t mmap_bytes = 256LL << 20;
  // Imports keep the R-tree boxes of up to this many features in memory (32 bytes each) and
  // pack them with STR at commit; larger imports stream them from the file (flat memory).
  std::size_t rtree_memory_entries = std::size_t{1} << 20;
};
// Opens (creating if needed) the embedded store in `data_dir`: catalog.sqlite and
// datasets/<id>.gpkg. Cleans leftovers of interrupted imports before returning.
std::unique_ptr<Store> open_sqlite_store(const SqliteOptions& options);

}  // namespace shikong::storage
