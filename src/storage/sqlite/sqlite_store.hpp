// The embedded backend: catalog.sqlite plus one GeoPackage per vector dataset.
#pragma once

#include <filesystem>
#include <memory>

#include "storage/store.hpp"

namespace shikong::storage {

struct SqliteOptions {
  std::filesystem::path data_dir = "var";
  std::int64_t mmap_bytes = 256LL << 20;
};
// Opens (creating if needed) the embedded store in `data_dir`: catalog.sqlite and
// datasets/<id>.gpkg. Cleans leftovers of interrupted imports before returning.
std::unique_ptr<Store> open_sqlite_store(const SqliteOptions& options);

}  // namespace shikong::storage
