// Mapbox Vector Tile 2.1 tiles built from the store on protozero: one layer per dataset, WKB
// read straight from the stored bytes, projected into the tile, clipped to the tile plus a
// buffer, simplified by zoom (polygons stay valid), points thinned or clustered at low zooms.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/instant.hpp"
#include "storage/store.hpp"
#include "tiles/tile_matrix_set.hpp"

namespace shikong::tiles {

enum class PointMode { all, thin, cluster };

struct VectorTileOptions {
  std::uint32_t extent = 4096;
  std::uint32_t buffer = 64;  // extent units kept beyond each tile edge
  double simplify = 1.0;      // Douglas-Peucker tolerance in extent units; 0 = off
  PointMode points = PointMode::thin;
  std::uint32_t point_cell = 16;       // thin/cluster: one point (or cluster) per cell of this size
  int point_full_level = 12;           // at and above this matrix level every point is kept
  std::optional<Interval> time;        // valid time overlaps (temporal datasets)
  std::int64_t max_features = 500000;  // per layer; beyond it the tile is refused (InvalidInput
                                       // "tile-too-large") rather than truncated silently
};

struct VectorTileLayer {
  storage::DatasetInfo dataset;     // the MVT layer is named after dataset.id
  std::vector<std::string> fields;  // attributes to include; empty = all
};

// An empty result (no features in any layer) is a valid empty tile (zero bytes).
// Clusters carry the attributes "point_count" and "point_count_abbreviated".
std::string build_vector_tile(storage::Store& store, std::span<const VectorTileLayer> layers,
                              const TileAddress& tile, const VectorTileOptions& options);

}  // namespace shikong::tiles
