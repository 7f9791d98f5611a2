// The tile cache on /metrics: hits by tier (memory, disk), misses, stores, evictions, and the
// memory tier's size, read from the cache's own counters at every scrape.
#pragma once

#include <functional>

#include "protocol/metrics.hpp"
#include "tiles/tile_cache.hpp"

namespace shikong::app {

// Declares the families and adds a collector calling `stats` (which must stay callable for
// as long as the registry renders).
void add_tile_cache_metrics(protocol::MetricsRegistry& metrics,
                            std::function<tiles::TileCacheStats()> stats);

}  // namespace shikong::app
