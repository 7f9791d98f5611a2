// Bulk loading of SQLite R*Tree virtual tables: entries are packed bottom-up with Sort-Tile-
// Recursive and the nodes written straight into the table's shadow tables, instead of one
// R*-insert (choose-subtree, split, re-insert) per feature.
#pragma once

#include <cstdint>
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

// Fills `table`, an empty R*Tree with `dims` (2 or 3) dimensions just created on `db`, with
// `entries` (reordered in place). Must run before anything queries the table on this
// connection. The result passes SQLite's rtreecheck().
void bulk_load_rtree(Db& db, std::string_view table, int dims, std::vector<RtreeEntry>& entries);

}  // namespace shikong::storage::sqlite
