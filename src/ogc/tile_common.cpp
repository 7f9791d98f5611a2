// Helpers shared by the tile adapters: visibility, dataset lists, tile response headers, tile
// indexes and tile ranges of extents.
#include "ogc/tile_common.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/error.hpp"
#include "core/log.hpp"
#include "style/style.hpp"

namespace shikong::ogc {

storage::DatasetInfo visible_dataset(const MapsContext& context, const protocol::Request& req,
                                     std::string_view id, std::string_view code,
                                     std::string_view parameter) {
  auto ds = context.store.find_dataset(id);
  if (!ds || ds->kind != storage::DatasetKind::vector ||
      (context.can_read && !context.can_read(req, *ds)))
    throw NotFound(std::string(code), "There is no dataset with this id.", std::string(parameter));
  return std::move(*ds);
}

std::vector<storage::DatasetInfo> visible_datasets(const MapsContext& context,
                                                   const protocol::Request& req) {
  std::vector<storage::DatasetInfo> out;
  for (auto& ds : context.store.list_datasets()) {
    if (ds.kind != storage::DatasetKind::vector) continue;
    if (context.can_read && !context.can_read(req, ds)) continue;
    out.push_back(std::move(ds));
  }
  return out;
}

std::vector<std::string_view> split_commas(std::string_view text) {
  std::vector<std::string_view> out;
  while (true) {
    const auto comma = text.find(',');
    out.push_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

std::vector<storage::DatasetInfo> dataset_list(const MapsContext& context,
                                               const protocol::Request& req, std::string_view text,
                                               std::string_view parameter) {
  const auto ids = split_commas(text);
  const int max_layers = context.maps.settings().max_layers;
  if (static_cast<int>(ids.size()) > max_layers)
    throw InvalidInput("invalid-datasets",
                       "At most " + std::to_string(max_layers) + " datasets fit in one tile.",
                       std::string(parameter));
  std::set<std::string_view> seen;
  std::vector<storage::DatasetInfo> out;
  for (auto id : ids) {
    if (id.empty())
      throw InvalidInput("invalid-datasets", "The list of datasets has an empty item.",
                         std::string(parameter));
    if (!seen.insert(id).second)
      throw InvalidInput("invalid-datasets", "A dataset is named twice in the list.",
                         std::string(parameter));
    out.push_back(visible_dataset(context, req, id, "unknown-dataset", parameter));
  }
  return out;
}

bool is_public(const storage::DatasetInfo& ds) {
  return ds.access == "public";
}

bool has_valid_time(const storage::DatasetInfo& ds) {
  return !ds.time_start_field.empty() || !ds.time_end_field.empty() || !ds.time_extent.unbounded();
}

protocol::Response tile_response(const maps::TileResult& tile, bool all_public) {
  protocol::Response r;
  r.status = 200;
  if (tile.bytes) r.body = *tile.bytes;
  r.headers.set("Content-Type", tile.content_type);
  if (!tile.etag.empty()) r.headers.set("ETag", tile.etag);
  // Tiles of datasets not everyone may read must stay out of shared caches.
  r.headers.set("Cache-Control", all_public ? "public, max-age=60" : "private, max-age=60");
  r.headers.set("X-Cache", tile.from_cache ? "hit" : "miss");
  return r;
}

std::int64_t parse_tile_index(std::string_view text, std::string_view parameter) {
  std::int64_t v = 0;
  bool ok = !text.empty() && text.size() <= 12;
  for (char c : text) {
    if (c < '0' || c > '9') {
      ok = false;
      break;
    }
    v = v * 10 + (c - '0');
  }
  if (!ok)
    throw NotFound("tile-out-of-range", "There is no tile with this index.",
                   std::string(parameter));
  return v;
}

tiles::TileAddress tile_at(const tiles::TileMatrixSet& set, std::string_view matrix_id,
                           std::int64_t col, std::int64_t row, std::string_view matrix_parameter,
                           std::string_view col_parameter, std::string_view row_parameter) {
  const tiles::TileMatrix* m = set.find(matrix_id);
  if (!m)
    throw NotFound("tile-out-of-range",
                   "The tile matrix set " + set.id + " has no tile matrix of this id.",
                   std::string(matrix_parameter));
  if (col < 0 || col >= m->matrix_width)
    throw NotFound("tile-out-of-range",
                   "The tile column is outside tile matrix " + m->id + " (0.." +
                       std::to_string(m->matrix_width - 1) + ").",
                   std::string(col_parameter));
  if (row < 0 || row >= m->matrix_height)
    throw NotFound("tile-out-of-range",
                   "The tile row is outside tile matrix " + m->id + " (0.." +
                       std::to_string(m->matrix_height - 1) + ").",
                   std::string(row_parameter));
  return tiles::TileAddress{&set, m, col, row};
}

std::optional<TileRange> tile_range(const tiles::TileMatrixSet& set, const tiles::TileMatrix& m,
                                    const Envelope& lonlat) {
  if (lonlat.empty()) return std::nullopt;
  double x0 = lonlat.min_x, y0 = lonlat.min_y, x1 = lonlat.max_x, y1 = lonlat.max_y;
  tiles::project_lonlat(set, x0, y0);
  tiles::project_lonlat(set, x1, y1);
  const double span_x = (set.bounds.max_x - set.bounds.min_x) / static_cast<double>(m.matrix_width);
  const double span_y =
      (set.bounds.max_y - set.bounds.min_y) / static_cast<double>(m.matrix_height);
  auto clamp_index = [](double v, std::int64_t n) {
    if (!(v > 0)) return std::int64_t{0};  // also NaN
    if (v >= static_cast<double>(n)) return n - 1;
    return static_cast<std::int64_t>(v);
  };
  // A box ending exactly on a tile edge does not reach into the next tile (a point on the edge
  // still touches the tile it starts).
  const double c0 = (x0 - m.origin_x) / span_x, c1 = (x1 - m.origin_x) / span_x;
  const double r0 = (m.origin_y - y1) / span_y, r1 = (m.origin_y - y0) / span_y;
  TileRange r;
  r.min_col = clamp_index(std::floor(c0), m.matrix_width);
  r.max_col = clamp_index(std::max(std::floor(c0), std::ceil(c1) - 1), m.matrix_width);
  r.min_row = clamp_index(std::floor(r0), m.matrix_height);
  r.max_row = clamp_index(std::max(std::floor(r0), std::ceil(r1) - 1), m.matrix_height);
  return r;
}

Envelope extent_or_world(const storage::DatasetInfo& ds) {
  if (ds.extent.empty()) return Envelope::of(-180, -90, 180, 90);
  return ds.extent;
}

std::vector<StyleName> style_names(const MapsContext& context, const storage::DatasetInfo& ds) {
  std::vector<StyleName> out;
  out.push_back({"default", "Default style"});
  for (const auto& stored : context.store.list_styles(ds.id)) {
    std::string title;
    try {
      title = style::parse_style(stored.json).title;
    } catch (const Error&) {
      log::warn("style {} of {} could not be read", stored.name, ds.id);
    }
    if (stored.name == "default") {
      if (!title.empty()) out.front().title = title;
      continue;
    }
    out.push_back({stored.name, title.empty() ? stored.name : title});
  }
  return out;
}

void add_tile_route(protocol::Router& router, std::string pattern, std::string summary,
                    std::string operation_id, protocol::Handler handler) {
  protocol::Route r;
  r.method = "GET";
  r.pattern = std::move(pattern);
  r.handler = std::move(handler);
  r.route_class = protocol::RouteClass::tiles;
  r.summary = std::move(summary);
  r.operation_id = std::move(operation_id);
  router.add(std::move(r));
}

}  // namespace shikong::ogc
