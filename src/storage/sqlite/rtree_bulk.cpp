// STR bulk loading for SQLite R*Trees. Node layout (SQLite's ext/rtree, also described in its
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

void bulk_load_rtree(Db& db, std::string_view table, int dims, std::vector<RtreeEntry>& entries) {
  if (entries.empty()) return;
  const std::string node_table = quote_identifier(std::string(table) + "_node");
  const std::string rowid_table = quote_identifier(std::string(table) + "_rowid");
  const std::string parent_table = quote_identifier(std::string(table) + "_parent");
  const std::size_t cell_bytes = 8 + 8 * static_cast<std::size_t>(dims);
  const auto node_size = static_cast<std::size_t>(
      db.query_int(fmt::format("SELECT length(data) FROM {} WHERE nodeno = 1", node_table)));
  if (node_size < 4 + 2 * cell_bytes || db.query_int("SELECT count(*) FROM " + node_table) != 1) {
    log::error("storage: R-tree {} is not empty or has an unexpected node size {}", table,
               node_size);
    throw InternalError("storage-rtree", "The data store could not build a spatial index.");
  }
  const std::size_t m = std::min<std::size_t>((node_size - 4) / cell_bytes, 51);

  Stmt insert_node =
      db.prepare(fmt::format("INSERT INTO {} (nodeno, data) VALUES (?, ?)", node_table));
  Stmt update_root = db.prepare(fmt::format("UPDATE {} SET data = ? WHERE nodeno = 1", node_table));
  Stmt insert_rowid =
      db.prepare(fmt::format("INSERT INTO {} (rowid, nodeno) VALUES (?, ?)", rowid_table));
  Stmt insert_parent =
      db.prepare(fmt::format("INSERT INTO {} (nodeno, parentnode) VALUES (?, ?)", parent_table));

  std::vector<unsigned char> blob(node_size);
  std::int64_t next_node = 2;
  int depth = 0;
  std::vector<RtreeEntry> level = std::move(entries);
  std::vector<RtreeEntry> parents;
  // Written at the end in key order: appending to a b-tree is much cheaper than inserting at
  // random places.
  std::vector<std::pair<std::int64_t, std::int64_t>> rowid_links, parent_links;
  rowid_links.reserve(level.size());
  bool leaves = true;
  for (;;) {
    str_sort(level.data(), level.size(), 0, dims, m);
    std::size_t groups = (level.size() + m - 1) / m;
    bool root_level = groups == 1;
    parents.clear();
    parents.reserve(groups);
    for (std::size_t g = 0; g < groups; ++g) {
      std::size_t begin = g * m, end = std::min(level.size(), begin + m);
      std::int64_t nodeno = root_level ? 1 : next_node++;
      std::fill(blob.begin(), blob.end(), 0);
      if (root_level) {
        blob[0] = static_cast<unsigned char>(depth >> 8);
        blob[1] = static_cast<unsigned char>(depth & 0xFF);
      }
      auto count = end - begin;
      blob[2] = static_cast<unsigned char>(count >> 8);
      blob[3] = static_cast<unsigned char>(count & 0xFF);
      RtreeEntry parent;
      parent.id = nodeno;
      for (int d = 0; d < dims; ++d) {
        parent.box[2 * d] = std::numeric_limits<float>::infinity();
        parent.box[2 * d + 1] = -std::numeric_limits<float>::infinity();
      }
      for (std::size_t i = begin; i < end; ++i) {
        const RtreeEntry& e = level[i];
        unsigned char* cell = blob.data() + 4 + (i - begin) * cell_bytes;
        put_be64(cell, e.id);
        for (int d = 0; d < 2 * dims; ++d) put_be32f(cell + 8 + 4 * d, e.box[d]);
        for (int d = 0; d < dims; ++d) {
          parent.box[2 * d] = std::min(parent.box[2 * d], e.box[2 * d]);
          parent.box[2 * d + 1] = std::max(parent.box[2 * d + 1], e.box[2 * d + 1]);
        }
        (leaves ? rowid_links : parent_links).emplace_back(e.id, nodeno);
      }
      Stmt& write = root_level ? update_root : insert_node;
      write.reset();
      std::string_view data(reinterpret_cast<const char*>(blob.data()), blob.size());
      if (root_level) {
        write.bind_blob_static(1, data);
      } else {
        write.bind_int(1, nodeno);
        write.bind_blob_static(2, data);
      }
      write.step();
      parents.push_back(parent);
    }
    if (root_level) break;
    level.swap(parents);
    leaves = false;
    ++depth;
  }
  for (auto* links : {&rowid_links, &parent_links}) {
    std::sort(links->begin(), links->end());
    Stmt& link = links == &rowid_links ? insert_rowid : insert_parent;
    for (const auto& [key, node] : *links) {
      link.reset();
      link.bind_int(1, key);
      link.bind_int(2, node);
      link.step();
    }
  }
  entries.clear();
}

}  // namespace shikong::storage::sqlite
