#include "app/platform.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>

#include "core/log.hpp"
#include "datum/crs.hpp"
#include "datum/time.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace shikong::app {

void install_logging(const Config& config) {
  auto logger = spdlog::stderr_color_mt("shikong");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v");
  logger->set_level(spdlog::level::from_str(config.log_level));
  shikong::log::set_sink([logger](log::Level level, std::string_view message) {
    switch (level) {
      case log::Level::debug:
        logger->debug("{}", message);
        break;
      case log::Level::info:
        logger->info("{}", message);
        break;
      case log::Level::warn:
        logger->warn("{}", message);
        break;
      case log::Level::error:
        logger->error("{}", message);
        break;
    }
  });
}

void apply_platform_datum(const Config& config) {
  datum::set_platform_crs(datum::parse_crs(config.crs, "datum.crs"));
  datum::set_platform_zone(datum::parse_zone(config.time_zone));
}

std::unique_ptr<storage::Store> open_store(const Config& config) {
  storage::SqliteOptions options;
  options.data_dir = config.data_dir;
  return storage::open_sqlite_store(options);
}

std::unique_ptr<storage::AccountStore> open_account_store(const Config& config) {
  std::filesystem::create_directories(config.data_dir);
  return storage::open_sqlite_account_store(config.data_dir);
}

std::unique_ptr<storage::RecordStore> open_record_store(const Config& config) {
  std::filesystem::create_directories(config.data_dir);
  return storage::open_sqlite_record_store(config.data_dir);
}

Instant system_now() {
  return Instant{std::chrono::duration_cast<std::chrono::microseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count()};
}

harvest::HarvestSettings harvest_settings(const Config& config) {
  harvest::HarvestSettings s;
  s.timeout = std::chrono::seconds(config.harvest_timeout_s);
  s.max_bytes = static_cast<std::uint64_t>(config.harvest_max_mb) << 20;
  s.max_redirects = config.harvest_max_redirects;
  s.max_pages = static_cast<std::size_t>(config.harvest_max_pages);
  return s;
}

security::SecurityService::Clock security_clock(const Config& config) {
  const std::int64_t offset = config.clock_offset_s * 1'000'000;
  return [offset] {
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    return Instant{micros + offset};
  };
}

tiles::TileCacheSettings tile_cache_settings(const Config& config) {
  tiles::TileCacheSettings s;
  s.memory_bytes = static_cast<std::size_t>(config.cache_memory_mb) << 20;
  s.disk = config.cache_disk;
  s.directory = config.data_dir / "cache" / "tiles";
  return s;
}

maps::MapSettings map_settings(const Config& config) {
  maps::MapSettings s;
  s.max_width = config.maps_max_width;
  s.max_height = config.maps_max_height;
  s.max_pixels = config.maps_max_pixels;
  s.max_layers = config.maps_max_layers;
  s.tile_render_buffer = config.maps_tile_buffer_px;
  s.vector_tiles.extent = static_cast<std::uint32_t>(config.tiles_extent);
  s.vector_tiles.buffer = static_cast<std::uint32_t>(config.tiles_buffer);
  s.vector_tiles.simplify = config.tiles_simplify;
  s.vector_tiles.points = config.tiles_points == "cluster" ? tiles::PointMode::cluster
                          : config.tiles_points == "all"   ? tiles::PointMode::all
                                                           : tiles::PointMode::thin;
  return s;
}

}  // namespace shikong::app
