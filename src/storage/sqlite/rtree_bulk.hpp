// Bulk loading of SQLite R*Trees: leaf entries arrive already ordered along a space-filling
// curve (sorted by SQLite's external sorter, so memory stays flat in the number of features),
// are packed into full leaves, and the small upper levels are packed in memory with
// Sort-Tile-Recursive; nodes go straight into the table's shadow tables instead of one
// R*-insert (choose-subtree, split, re-insert) per feature.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "storage/sqlite/sqlite_db.hpp"

namespace shikong::storage::sqlite {

// Boxes as SQLite stores them: float32, minimum rounded down and maximum rounded up so that
// the stored box always contains the exact one.
float round_down(double v);
float round_up(double v);

struct RtreeEntry {
  std::int64_t id = 0;
  float box[6] = {0, 0, 0, 0, 0, 0};  // min0, max0, min1, max1[, min2, max2]
};

// Position of a point along a Hilbert curve over a 2^16 x 2^16 grid, x and y in [0, 1].
std::uint64_t hilbert_key(double x, double y);
// Morton (Z-order) position of a point in a 2^21 cube, coordinates in [0, 1].
std::uint64_t morton_key(double x, double y, double t);

// Fills `table`, an empty R*Tree with `dims` (2 or 3) dimensions just created on `db`, with the
// entries `next` yields (it returns false at the end), packed in the order given. Must run
// before anything queries the table on this connection. The result passes rtreecheck().
void bulk_load_rtree(Db& db, std::string_view table, int dims,
                     const std::function<bool(RtreeEntry&)>& next);
// The same from entries held in memory (when a dataset is small enough): packed with
// Sort-Tile-Recursive over all of them, which gives tighter nodes than a curve order.
// Reorders `entries`.
void bulk_load_rtree(Db& db, std::string_view table, int dims, std::vector<RtreeEntry>& entries);

}  // namespace shikong::storage::sqlite
