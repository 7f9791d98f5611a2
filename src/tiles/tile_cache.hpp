// The tile cache: a bounded in-memory LRU in front of a disk cache under the data directory.
// Keys carry every dataset's version and the style's digest, so an edit (a new version) can
// never be answered with an older tile, across restarts too (versions are never reused).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shikong::tiles {

struct TileKey {
  // (dataset id, version) of every layer, in request order.
  std::vector<std::pair<std::string, std::int64_t>> datasets;
  std::string style;  // style name + "@" + digest for raster tiles; empty for vector
  std::string tile_matrix_set;
  std::string tile_matrix;
  std::int64_t col = 0;
  std::int64_t row = 0;
  std::string format;   // "pbf", "png", "jpeg", "webp"
  std::string variant;  // anything else that changes the bytes (time, fields); "" = none
  // Path relative to the cache root: <datasets>/<style>/<set>/<matrix>/<col>/<row>[~variant].fmt
  // with every component made file-name safe (variants hashed).
  std::string relative_path() const;
  // 16 hex digits of a stable hash of the whole key (variant included), for ETags.
  std::string digest() const;
};

// FNV-1a, 64 bits: a stable hash (the same across runs and builds) for file names and ETags.
std::uint64_t fnv1a64(std::string_view bytes);

struct TileCacheSettings {
  std::size_t memory_bytes = 256u << 20;  // 0 = no memory cache
  bool disk = true;
  std::filesystem::path directory;  // <data>/cache/tiles
};

struct TileCacheStats {
  std::uint64_t memory_hits = 0, disk_hits = 0, misses = 0, stores = 0, evictions = 0;
  std::size_t memory_bytes = 0, memory_entries = 0;
};

class TileCache {
 public:
  explicit TileCache(TileCacheSettings settings);
  // Thread-safe. nullptr when absent. A second look for a tile already counted as missed
  // (count_miss false) leaves the miss count alone.
  std::shared_ptr<const std::string> get(const TileKey& key, bool count_miss = true);
  // Stores in memory and on disk (written to a temp file, then renamed: never half a tile).
  void put(const TileKey& key, std::shared_ptr<const std::string> bytes);
  // Removes every entry of a dataset whose version differs from `current_version` (or all of
  // them when current_version < 0: the dataset was deleted), in memory and on disk.
  void purge_dataset(std::string_view dataset_id, std::int64_t current_version);
  // Removes, in memory and on disk, the tiles of every dataset absent from `live` or in another
  // version there: run at start for the changes made while no server ran.
  void retain(const std::vector<std::pair<std::string, std::int64_t>>& live);
  TileCacheStats stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace shikong::tiles
