// Process-wide set-up shared by every subcommand: logging, the platform datum and zone, and
// opening the configured store and the security engine's account store.
#pragma once

#include <memory>

#include "app/config.hpp"
#include "harvest/harvest.hpp"
#include "maps/map_service.hpp"
#include "security/security.hpp"
#include "storage/accounts.hpp"
#include "storage/records.hpp"
#include "storage/store.hpp"

namespace shikong::app {

void install_logging(const Config& config);
void apply_platform_datum(const Config& config);
std::unique_ptr<storage::Store> open_store(const Config& config);
// <data_dir>/security.sqlite (users, sessions, keys, usage, grants, bans, audit).
std::unique_ptr<storage::AccountStore> open_account_store(const Config& config);
// The security engine's clock: the system clock shifted by security.clock_offset_s.
security::SecurityService::Clock security_clock(const Config& config);
// The tile cache shared by `serve` and `tiles seed`: cache.memory_mb in memory, and
// <data_dir>/cache/tiles on disk when cache.disk is on.
tiles::TileCacheSettings tile_cache_settings(const Config& config);
// [maps] and [tiles] settings of the map engine.
maps::MapSettings map_settings(const Config& config);
// The directory service's records, harvest sources and usage counts (catalog.sqlite).
std::unique_ptr<storage::RecordStore> open_record_store(const Config& config);
// The system clock as an Instant (the catalog's and the harvester's clock).
Instant system_now();
// [harvest] settings of the harvester.
harvest::HarvestSettings harvest_settings(const Config& config);

}  // namespace shikong::app
