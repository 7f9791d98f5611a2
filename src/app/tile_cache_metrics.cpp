// Counters are cumulative since start; the memory figures are gauges.
#include "app/tile_cache_metrics.hpp"

#include <utility>

namespace shikong::app {

void add_tile_cache_metrics(protocol::MetricsRegistry& metrics,
                            std::function<tiles::TileCacheStats()> stats) {
  using Type = protocol::MetricsRegistry::Type;
  metrics.describe("shikong_tile_cache_hits_total", Type::counter,
                   "Tiles answered from the tile cache, by tier (memory, disk).");
  metrics.describe("shikong_tile_cache_misses_total", Type::counter,
                   "Tiles the tile cache did not hold, built anew.");
  metrics.describe("shikong_tile_cache_stores_total", Type::counter,
                   "Tiles written into the tile cache.");
  metrics.describe("shikong_tile_cache_evictions_total", Type::counter,
                   "Tiles dropped from the memory tier to keep it within cache.memory_mb.");
  metrics.describe("shikong_tile_cache_memory_bytes", Type::gauge,
                   "Bytes of tiles held in the memory tier.");
  metrics.describe("shikong_tile_cache_memory_entries", Type::gauge,
                   "Tiles held in the memory tier.");
  metrics.add_collector([stats = std::move(stats)](protocol::MetricsRegistry& m) {
    const tiles::TileCacheStats s = stats();
    m.set_counter("shikong_tile_cache_hits_total", {{"tier", "memory"}},
                  static_cast<double>(s.memory_hits));
    m.set_counter("shikong_tile_cache_hits_total", {{"tier", "disk"}},
                  static_cast<double>(s.disk_hits));
    m.set_counter("shikong_tile_cache_misses_total", {}, static_cast<double>(s.misses));
    m.set_counter("shikong_tile_cache_stores_total", {}, static_cast<double>(s.stores));
    m.set_counter("shikong_tile_cache_evictions_total", {}, static_cast<double>(s.evictions));
    m.set("shikong_tile_cache_memory_bytes", {}, static_cast<double>(s.memory_bytes));
    m.set("shikong_tile_cache_memory_entries", {}, static_cast<double>(s.memory_entries));
  });
}

}  // namespace shikong::app
