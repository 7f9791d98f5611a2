// The embedded backend's import session: features go into a private GeoPackage under tmp/ and
// become visible in one catalog transaction at commit.
#pragma once

#include <memory>

#include "storage/sqlite/store_context.hpp"
#include "storage/store.hpp"

namespace shikong::storage::sqlite {

std::unique_ptr<ImportSession> begin_sqlite_import(std::shared_ptr<StoreContext> ctx,
                                                   const DatasetInfo& draft);

// File name (under datasets/) of a dataset version: "<id>.v<version>.gpkg".
std::string dataset_file_name(std::string_view id, std::int64_t version);

}  // namespace shikong::storage::sqlite
