// The tile cache's counters as /metrics shows them, from a real cache on disk.
#include "app/tile_cache_metrics.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>

namespace shikong::app {
namespace {

namespace fs = std::filesystem;

TEST(TileCacheMetrics, MirrorTheCacheCounters) {
  std::random_device rd;
  const fs::path dir =
      fs::temp_directory_path() / ("shikong-tcm-" + std::to_string(rd()) + std::to_string(rd()));
  tiles::TileCacheSettings settings;
  settings.directory = dir;
  settings.memory_bytes = 1 << 20;
  auto cache = std::make_shared<tiles::TileCache>(settings);
  protocol::MetricsRegistry metrics;
  add_tile_cache_metrics(metrics, [cache] { return cache->stats(); });

  tiles::TileKey key;
  key.datasets = {{"roads", 3}};
  key.tile_matrix_set = "WebMercatorQuad";
  key.tile_matrix = "5";
  key.col = 26;
  key.row = 12;
  key.format = "pbf";
  EXPECT_EQ(cache->get(key), nullptr);                                          // miss
  cache->put(key, std::make_shared<const std::string>(std::string(100, 'x')));  // store
  EXPECT_NE(cache->get(key), nullptr);                                          // memory hit
  tiles::TileCache reopened(settings);
  EXPECT_NE(reopened.get(key), nullptr);  // disk hit, in another instance: not counted here

  const std::string text = metrics.render();
  EXPECT_NE(text.find("# TYPE shikong_tile_cache_hits_total counter"), std::string::npos);
  EXPECT_NE(text.find("shikong_tile_cache_hits_total{tier=\"memory\"} 1"), std::string::npos)
      << text;
  EXPECT_NE(text.find("shikong_tile_cache_hits_total{tier=\"disk\"} 0"), std::string::npos);
  EXPECT_NE(text.find("shikong_tile_cache_misses_total 1"), std::string::npos);
  EXPECT_NE(text.find("shikong_tile_cache_stores_total 1"), std::string::npos);
  EXPECT_NE(text.find("shikong_tile_cache_memory_entries 1"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace shikong::app
