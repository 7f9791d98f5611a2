// Bulk loading for SQLite R*Trees. Node layout (SQLite's ext/rtree, also described in its
// rtree.c header comment): a node is a blob of fixed size holding a 2-byte depth (root only), a
// 2-byte cell count and cells of an 8-byte id followed by min/max float32 pairs, all big-endian.
// Leaf cells hold feature ids, inner cells child node numbers; %_rowid maps ids to leaves and
// %_parent maps nodes to parents; the root is node 1.
#include "storage/sqlite/rtree_bulk.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/error.hpp"
#include "core/log.hpp"

namespace shikong::storage::sqlite {

float round_down(double v) {
  auto f = static_cast<float>(v);
  if (static_cast<double>(f) > v) f = std::nextafter(f, -std::numeric_limits<float>::infinity());
  return f;
}

float round_up(double v) {
  auto f = static_cast<float>(v);
  if (static_cast<double>(f) < v) f = std::nextafter(f, std::numeric_limits<float>::infinity());
  return f;
}

namespace {

void put_be64(unsigned char* p, std::int64_t v) {
  auto u = static_cast<std::uint64_t>(v);
  for (int i = 7; i >= 0; --i) {
    p[i] = static_cast<unsigned char>(u & 0xFF);
    u >>= 8;
  }
}

void put_be32f(unsigned char* p, float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  p[0] = static_cast<unsigned char>(u >> 24);
  p[1] = static_cast<unsigned char>(u >> 16);
  p[2] = static_cast<unsigned char>(u >> 8);
  p[3] = static_cast<unsigned char>(u);
}

double center(const RtreeEntry& e, int dim) {
  return (static_cast<double>(e.box[2 * dim]) + static_cast<double>(e.box[2 * dim + 1])) / 2;
}

// Sort-Tile-Recursive: orders entries so that consecutive runs of `m` form compact nodes.
void str_sort(RtreeEntry* first, std::size_t n, int dim, int dims, std::size_t m) {
  auto by_dim = [dim](const RtreeEntry& a, const RtreeEntry& b) {
    return center(a, dim) < center(b, dim);
  };
  std::sort(first, first + n, by_dim);
  if (dim == dims - 1 || n <= m) return;
  std::size_t pages = (n + m - 1) / m;
  auto slabs = static_cast<std::size_t>(
      std::ceil(std::pow(static_cast<double>(pages), 1.0 / static_cast<double>(dims - dim))));
  std::size_t slab = m * ((pages + slabs - 1) / slabs);
  for (std::size_t start = 0; start < n; start += slab)
    str_sort(first + start, std::min(slab, n - start), dim + 1, dims, m);
}

}  // namespace

std::uint64_t hilbert_key(double x, double y) {
  constexpr std::uint32_t n = 1u << 16;
  auto cell = [](double v) {
    double c = std::clamp(v, 0.0, 1.0) * (n - 1);
    return static_cast<std::uint32_t>(c);
  };
  std::uint32_t hx = cell(x), hy = cell(y);
  std::uint64_t d = 0;
  for (std::uint32_t s = n / 2; s > 0; s /= 2) {
    std::uint32_t rx = (hx & s) ? 1 : 0;
    std::uint32_t ry = (hy & s) ? 1 : 0;
    d += static_cast<std::uint64_t>(s) * s * ((3 * rx) ^ ry);
    if (ry == 0) {  // rotate the quadrant
      if (rx == 1) {
        hx = n - 1 - hx;
        hy = n - 1 - hy;
      }
      std::swap(hx, hy);
    }
  }
  return d;
}

std::uint64_t morton_key(double x, double y, double t) {
  auto spread = [](double v) {
    auto c = static_cast<std::uint64_t>(std::clamp(v, 0.0, 1.0) * ((1u << 21) - 1));
    c &= 0x1FFFFF;
    c = (c | c << 32) & 0x1F00000000FFFFULL;
    c = (c | c << 16) & 0x1F0000FF0000FFULL;
    c = (c | c << 8) & 0x100F00F00F00F00FULL;
    c = (c | c << 4) & 0x10C30C30C30C30C3ULL;
    c = (c | c << 2) & 0x1249249249249249ULL;
    return c;
  };
  return spread(x) << 2 | spread(y) << 1 | spread(t);
}

namespace {

class NodeWriter {
 public:
  NodeWriter(Db& db, std::string_view table, int dims, bool memory_links)
      : db_(db), dims_(dims), memory_links_(memory_links) {
    node_table_ = quote_identifier(std::string(table) + "_node");
    rowid_table_ = quote_identifier(std::string(table) + "_rowid");
    parent_table_ = quote_identifier(std::string(table) + "_parent");
    cell_bytes_ = 8 + 8 * static_cast<std::size_t>(dims);
    node_size_ = static_cast<std::size_t>(
        db.query_int(fmt::format("SELECT length(data) FROM {} WHERE nodeno = 1", node_table_)));
    if (node_size_ < 4 + 2 * cell_bytes_ ||
        db.query_int("SELECT count(*) FROM " + node_table_) != 1) {
      log::error("storage: R-tree {} is not empty or has an unexpected node size {}", table,
                 node_size_);
      throw InternalError("storage-rtree", "The data store could not build a spatial index.");
    }
    m_ = std::min<std::size_t>((node_size_ - 4) / cell_bytes_, 51);
    blob_.resize(node_size_);
    insert_node_ =
        db.prepare(fmt::format("INSERT INTO {} (nodeno, data) VALUES (?, ?)", node_table_));
    update_root_ = db.prepare(fmt::format("UPDATE {} SET data = ? WHERE nodeno = 1", node_table_));
    insert_parent_ =
        db.prepare(fmt::format("INSERT INTO {} (nodeno, parentnode) VALUES (?, ?)", parent_table_));
    // Leaf links are sorted by feature id before they reach %_rowid: appending to a b-tree is
    // much cheaper than inserting at random places, and SQLite's sorter spills to disk.
    insert_rowid_ =
        db.prepare(fmt::format("INSERT INTO {} (rowid, nodeno) VALUES (?, ?)", rowid_table_));
    if (memory_links_) return;
    db.exec(
        "DROP TABLE IF EXISTS temp.shikong_rtree_links;"
        "CREATE TEMP TABLE shikong_rtree_links (id INTEGER, node INTEGER)");
    insert_link_ = db.prepare("INSERT INTO temp.shikong_rtree_links VALUES (?, ?)");
  }

  std::size_t capacity() const { return m_; }
  std::int64_t next_number() { return next_node_++; }

  // Writes one node holding `cells`; returns its bounding entry for the level above.
  RtreeEntry write(const RtreeEntry* cells, std::size_t count, std::int64_t nodeno, bool leaf,
                   int root_depth) {
    std::fill(blob_.begin(), blob_.end(), 0);
    if (nodeno == 1) {
      blob_[0] = static_cast<unsigned char>(root_depth >> 8);
      blob_[1] = static_cast<unsigned char>(root_depth & 0xFF);
    }
    blob_[2] = static_cast<unsigned char>(count >> 8);
    blob_[3] = static_cast<unsigned char>(count & 0xFF);
    RtreeEntry bound;
    bound.id = nodeno;
    for (int d = 0; d < dims_; ++d) {
      bound.box[2 * d] = std::numeric_limits<float>::infinity();
      bound.box[2 * d + 1] = -std::numeric_limits<float>::infinity();
    }
    for (std::size_t i = 0; i < count; ++i) {
      const RtreeEntry& e = cells[i];
      unsigned char* cell = blob_.data() + 4 + i * cell_bytes_;
      put_be64(cell, e.id);
      for (int d = 0; d < 2 * dims_; ++d) put_be32f(cell + 8 + 4 * d, e.box[d]);
      for (int d = 0; d < dims_; ++d) {
        bound.box[2 * d] = std::min(bound.box[2 * d], e.box[2 * d]);
        bound.box[2 * d + 1] = std::max(bound.box[2 * d + 1], e.box[2 * d + 1]);
      }
      if (leaf && memory_links_) {
        links_.emplace_back(e.id, nodeno);
        continue;
      }
      Stmt& link = leaf ? insert_link_ : insert_parent_;
      link.reset();
      link.bind_int(1, e.id);
      link.bind_int(2, nodeno);
      link.step();
    }
    std::string_view data(reinterpret_cast<const char*>(blob_.data()), blob_.size());
    if (nodeno == 1) {
      update_root_.reset();
      update_root_.bind_blob_static(1, data);
      update_root_.step();
    } else {
      insert_node_.reset();
      insert_node_.bind_int(1, nodeno);
      insert_node_.bind_blob_static(2, data);
      insert_node_.step();
    }
    return bound;
  }

  void finish() {
    if (memory_links_) {
      std::sort(links_.begin(), links_.end());
      for (const auto& [id, node] : links_) {
        insert_rowid_.reset();
        insert_rowid_.bind_int(1, id);
        insert_rowid_.bind_int(2, node);
        insert_rowid_.step();
      }
      links_.clear();
      return;
    }
    db_.exec(fmt::format(
        "INSERT INTO {} (rowid, nodeno) SELECT id, node FROM temp.shikong_rtree_links ORDER BY id;"
        "DROP TABLE temp.shikong_rtree_links",
        rowid_table_));
  }

 private:
  Db& db_;
  int dims_;
  std::string node_table_, rowid_table_, parent_table_;
  std::size_t cell_bytes_ = 0, node_size_ = 0, m_ = 51;
  std::vector<unsigned char> blob_;
  bool memory_links_;
  std::vector<std::pair<std::int64_t, std::int64_t>> links_;
  Stmt insert_node_, update_root_, insert_parent_, insert_link_, insert_rowid_;
  std::int64_t next_node_ = 2;
};

void load(Db& db, std::string_view table, int dims, bool memory_links,
          const std::function<bool(RtreeEntry&)>& next) {
  NodeWriter w(db, table, dims, memory_links);
  const std::size_t m = w.capacity();
  // Leaves, streamed. The first leaf waits until a second one exists: a single leaf is the root.
  std::vector<RtreeEntry> first, group, level;
  group.reserve(m);
  RtreeEntry e;
  bool more = next(e);
  while (more) {
    group.clear();
    while (more && group.size() < m) {
      group.push_back(e);
      more = next(e);
    }
    if (first.empty() && level.empty()) {
      first = group;
      continue;
    }
    if (!first.empty()) {
      level.push_back(w.write(first.data(), first.size(), w.next_number(), true, 0));
      first.clear();
    }
    level.push_back(w.write(group.data(), group.size(), w.next_number(), true, 0));
  }
  if (!first.empty()) {
    w.write(first.data(), first.size(), 1, true, 0);
    w.finish();
    return;
  }
  if (level.empty()) {
    w.finish();
    return;
  }
  // Upper levels (1/m of the entries each) are packed in memory.
  std::vector<RtreeEntry> parents;
  for (int depth = 1;; ++depth) {
    str_sort(level.data(), level.size(), 0, dims, m);
    std::size_t groups = (level.size() + m - 1) / m;
    parents.clear();
    for (std::size_t g = 0; g < groups; ++g) {
      std::size_t begin = g * m, end = std::min(level.size(), begin + m);
      std::int64_t nodeno = groups == 1 ? 1 : w.next_number();
      parents.push_back(w.write(level.data() + begin, end - begin, nodeno, false, depth));
    }
    if (groups == 1) break;
    level.swap(parents);
  }
  w.finish();
}

}  // namespace

void bulk_load_rtree(Db& db, std::string_view table, int dims,
                     const std::function<bool(RtreeEntry&)>& next) {
  load(db, table, dims, false, next);
}

void bulk_load_rtree(Db& db, std::string_view table, int dims, std::vector<RtreeEntry>& entries) {
  str_sort(entries.data(), entries.size(), 0, dims, 51);
  std::size_t i = 0;
  load(db, table, dims, true, [&](RtreeEntry& e) {
    if (i == entries.size()) return false;
    e = entries[i++];
    return true;
  });
}

}  // namespace shikong::storage::sqlite
