// build_vector_tile: per layer, one store query for the tile plus its buffer, then each stored
// WKB is walked, projected, clipped, simplified and encoded straight into the MVT layer; points
// are thinned or clustered on a grid below options.point_full_level.
#include "tiles/vector_tile.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>

#include "core/error.hpp"
#include "core/log.hpp"
#include "datum/time.hpp"
#include "tiles/mvt_encoder.hpp"
#include "tiles/tile_geometry.hpp"

namespace shikong::tiles {
namespace {

using detail::ClipBox;
using detail::DPoint;
using detail::FlatGeometry;
using detail::GeomType;
using detail::LayerEncoder;
using detail::Part;
using detail::PartKind;
using detail::TileGeometry;
using detail::TilePoint;

constexpr double kMaxMercatorLat = 85.05112877980659;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// "1.2k" as map clients label clusters: one decimal below 10 000, whole thousands above.
std::string abbreviate(std::int64_t n) {
  if (n >= 10000) return std::to_string((n + 500) / 1000) + "k";
  if (n >= 1000) {
    std::int64_t tenths = (n + 50) / 100;
    std::string s = std::to_string(tenths / 10);
    if (tenths % 10 != 0) s += "." + std::to_string(tenths % 10);
    return s + "k";
  }
  return std::to_string(n);
}

// The lon/lat box to query: the tile grown by the buffer in the set's CRS, back in lon/lat.
// Edge tiles of WebMercatorQuad reach the poles, since vertices beyond 85.05 degrees are
// clamped onto the tile's edge.
Envelope query_envelope(const TileAddress& t, const VectorTileOptions& o) {
  const TileMatrixSet& set = *t.set;
  Envelope e = set.tile_envelope(*t.matrix, t.col, t.row);
  double fx = (e.max_x - e.min_x) * o.buffer / o.extent;
  double fy = (e.max_y - e.min_y) * o.buffer / o.extent;
  Envelope g = Envelope::of(e.min_x - fx, e.min_y - fy, e.max_x + fx, e.max_y + fy);
  if (set.crs.epsg != 3857) return g;
  constexpr double r = 6378137.0;
  constexpr double deg = 180.0 / 3.14159265358979323846;
  auto lat = [&](double y) { return std::atan(std::sinh(y / r)) * deg; };
  double min_lat = lat(g.min_y), max_lat = lat(g.max_y);
  if (min_lat <= -kMaxMercatorLat + 1e-9) min_lat = -90;
  if (max_lat >= kMaxMercatorLat - 1e-9) max_lat = 90;
  constexpr double half = 20037508.3427892;
  return Envelope::of(g.min_x / half * 180, min_lat, g.max_x / half * 180, max_lat);
}

struct Cluster {
  std::int64_t sum_x = 0, sum_y = 0;
  std::int64_t count = 0;
  TilePoint first;
  std::int64_t first_id = 0;
  std::uint32_t first_props = 0;  // index into LayerBuilder::cluster_props_
};

// Builds one layer; its buffers live as long as the tile.
class LayerBuilder {
 public:
  LayerBuilder(const TileAddress& tile, const VectorTileOptions& o)
      : options_(o),
        project_(*tile.set, tile.set->tile_envelope(*tile.matrix, tile.col, tile.row), o.extent) {
    double b = o.buffer;
    box_ = ClipBox{-b, -b, o.extent + b, o.extent + b};
    bool finest = tile.matrix->level == tile.set->matrices.back().level;
    tolerance_ = finest ? 0.0 : std::max(0.0, o.simplify);
    mode_ = tile.matrix->level >= o.point_full_level ? PointMode::all : o.points;
    cell_ = std::max<std::uint32_t>(1, o.point_cell);
    cell_origin_ = floor_div(-static_cast<std::int64_t>(o.buffer), cell_);
    grid_ = static_cast<std::size_t>(
        floor_div(static_cast<std::int64_t>(o.extent) + o.buffer, cell_) - cell_origin_ + 1);
  }

  void build(storage::Store& store, const VectorTileLayer& layer, const Envelope& bbox,
             std::string& tile) {
    const auto& ds = layer.dataset;
    enc_.reset(ds.id, options_.extent);
    storage::FeatureQuery q;
    q.bbox = bbox;
    q.time = options_.time;
    selected_.clear();
    for (const auto& name : layer.fields) {
      auto idx = ds.schema.find(name);
      if (!idx)
        throw InvalidInput("unknown-field",
                           "The field " + name + " is not an attribute of dataset " + ds.id + ".",
                           "fields");
      if (std::find(selected_.begin(), selected_.end(), *idx) == selected_.end())
        selected_.push_back(*idx);
    }
    if (layer.fields.empty())
      for (std::size_t i = 0; i < ds.schema.size(); ++i) selected_.push_back(i);
    q.fields = selected_;
    field_keys_.assign(ds.schema.size(), kNoKey);
    schema_ = &ds.schema;
    occupied_.assign(mode_ == PointMode::thin ? (grid_ * grid_ + 63) / 64 : 0, 0);
    clusters_.clear();
    cluster_index_.clear();
    cluster_props_.clear();

    auto cursor = store.query(ds, q);
    std::int64_t malformed = 0;
    while (cursor->next(feature_)) {
      if (feature_.wkb.empty()) continue;
      flat_.clear();
      if (!detail::walk_wkb(feature_.wkb, project_, flat_)) {
        ++malformed;
        continue;
      }
      add_feature();
    }
    if (malformed > 0)
      log::warn("vector tile: {} stored geometries of dataset {} could not be read", malformed,
                ds.id);
    if (mode_ == PointMode::cluster) emit_clusters();
    if (enc_.feature_count() > 0) enc_.finish(tile);
  }

 private:
  static constexpr std::uint32_t kNoKey = 0xffffffffu;

  void add_feature() {
    tags_ready_ = false;
    points_.clear();
    bool any_line = false, any_polygon = false;
    for (const Part& p : flat_.parts) {
      if (p.kind == PartKind::point) {
        DPoint d = flat_.points[p.begin];
        if (box_.contains(d))
          points_.push_back(TilePoint{static_cast<std::int32_t>(std::lround(d.x)),
                                      static_cast<std::int32_t>(std::lround(d.y))});
      } else if (p.kind == PartKind::line) {
        any_line = true;
      } else {
        any_polygon = true;
      }
    }
    if (!points_.empty()) add_points();
    if (any_line) {
      geom_.clear();
      for (const Part& p : flat_.parts)
        if (p.kind == PartKind::line)
          detail::clip_line(std::span(flat_.points).subspan(p.begin, p.size), box_, tolerance_,
                            geom_, scratch_);
      if (!geom_.parts.empty()) {
        commands_.clear();
        detail::encode_lines(geom_, commands_);
        emit(GeomType::linestring);
      }
    }
    if (any_polygon) {
      geom_.clear();
      bool outer_kept = false;
      for (const Part& p : flat_.parts) {
        if (p.kind == PartKind::outer)
          outer_kept = detail::clip_ring(std::span(flat_.points).subspan(p.begin, p.size),
                                         PartKind::outer, box_, tolerance_, geom_, scratch_);
        else if (p.kind == PartKind::inner && outer_kept)
          detail::clip_ring(std::span(flat_.points).subspan(p.begin, p.size), PartKind::inner, box_,
                            tolerance_, geom_, scratch_);
        else if (p.kind != PartKind::inner)
          outer_kept = false;  // a point or line between polygons of a collection
      }
      if (!geom_.parts.empty()) {
        commands_.clear();
        detail::encode_polygons(geom_, commands_);
        emit(GeomType::polygon);
      }
    }
  }

  std::size_t cell_of(TilePoint p) const {
    auto cx = static_cast<std::size_t>(floor_div(p.x, cell_) - cell_origin_);
    auto cy = static_cast<std::size_t>(floor_div(p.y, cell_) - cell_origin_);
    return cy * grid_ + cx;
  }

  void add_points() {
    if (mode_ == PointMode::thin) {
      std::size_t w = 0;
      for (TilePoint p : points_) {
        std::size_t c = cell_of(p);
        std::uint64_t bit = std::uint64_t{1} << (c % 64);
        if (occupied_[c / 64] & bit) continue;
        occupied_[c / 64] |= bit;
        points_[w++] = p;
      }
      points_.resize(w);
    } else if (mode_ == PointMode::cluster) {
      for (TilePoint p : points_) {
        auto [it, fresh] = cluster_index_.try_emplace(cell_of(p), clusters_.size());
        if (fresh) {
          Cluster c;
          c.first = p;
          c.first_id = feature_.id;
          c.first_props = static_cast<std::uint32_t>(cluster_props_.size());
          cluster_props_.push_back(feature_.properties);
          clusters_.push_back(c);
        }
        Cluster& c = clusters_[it->second];
        c.sum_x += p.x;
        c.sum_y += p.y;
        ++c.count;
      }
      return;
    }
    if (points_.empty()) return;
    commands_.clear();
    detail::encode_points(points_, commands_);
    emit(GeomType::point);
  }

  void emit_clusters() {
    for (const Cluster& c : clusters_) {
      commands_.clear();
      if (c.count == 1) {
        // A lone point stays itself, with its id and attributes.
        feature_.id = c.first_id;
        feature_.properties = std::move(cluster_props_[c.first_props]);
        tags_ready_ = false;
        detail::encode_points(std::span(&c.first, 1), commands_);
        emit(GeomType::point);
        continue;
      }
      auto mean = [&](std::int64_t sum) {
        return static_cast<std::int32_t>(std::llround(static_cast<double>(sum) / c.count));
      };
      TilePoint at{mean(c.sum_x), mean(c.sum_y)};
      detail::encode_points(std::span(&at, 1), commands_);
      tags_.clear();
      tags_.push_back(enc_.key("point_count"));
      tags_.push_back(enc_.int_value(c.count));
      tags_.push_back(enc_.key("point_count_abbreviated"));
      tags_.push_back(enc_.string_value(abbreviate(c.count)));
      write(std::nullopt, GeomType::point);
    }
  }

  void emit(GeomType type) {
    if (!tags_ready_) {
      make_tags();
      tags_ready_ = true;
    }
    write(feature_.id >= 0 ? std::optional<std::uint64_t>(feature_.id) : std::nullopt, type);
  }

  void write(std::optional<std::uint64_t> id, GeomType type) {
    if (static_cast<std::int64_t>(enc_.feature_count()) >= options_.max_features)
      throw InvalidInput("tile-too-large",
                         "The tile would hold more than " + std::to_string(options_.max_features) +
                             " features of one layer; ask for a more detailed tile.");
    enc_.add_feature(id, type, tags_, commands_);
  }

  void make_tags() {
    tags_.clear();
    const auto& props = feature_.properties;
    for (std::size_t i : selected_) {
      if (i >= props.size()) continue;
      const Value& v = props[i];
      if (is_null(v)) continue;
      std::uint32_t value;
      if (const auto* b = std::get_if<bool>(&v))
        value = enc_.bool_value(*b);
      else if (const auto* n = std::get_if<std::int64_t>(&v))
        value = enc_.int_value(*n);
      else if (const auto* d = std::get_if<double>(&v))
        value = enc_.double_value(*d);
      else if (const auto* s = std::get_if<std::string>(&v))
        value = enc_.string_value(*s);
      else if (const auto* day = std::get_if<Date>(&v))
        value = enc_.string_value(format_date(*day));
      else
        value = enc_.string_value(datum::format_rfc3339_utc(std::get<Instant>(v)));
      if (field_keys_[i] == kNoKey) field_keys_[i] = enc_.key(schema_->fields[i].name);
      tags_.push_back(field_keys_[i]);
      tags_.push_back(value);
    }
  }

  const VectorTileOptions& options_;
  detail::TileProjector project_;
  ClipBox box_;
  double tolerance_ = 0;
  PointMode mode_ = PointMode::all;
  std::int64_t cell_ = 16;
  std::int64_t cell_origin_ = 0;
  std::size_t grid_ = 0;

  LayerEncoder enc_;
  const Schema* schema_ = nullptr;
  std::vector<std::size_t> selected_;
  std::vector<std::uint32_t> field_keys_;
  Feature feature_;
  FlatGeometry flat_;
  TileGeometry geom_;
  detail::Scratch scratch_;
  std::vector<TilePoint> points_;
  std::vector<std::uint32_t> commands_;
  std::vector<std::uint32_t> tags_;
  bool tags_ready_ = false;
  std::vector<std::uint64_t> occupied_;
  std::vector<Cluster> clusters_;
  std::unordered_map<std::size_t, std::size_t> cluster_index_;
  std::vector<std::vector<Value>> cluster_props_;
};

}  // namespace

std::string build_vector_tile(storage::Store& store, std::span<const VectorTileLayer> layers,
                              const TileAddress& tile, const VectorTileOptions& options) {
  if (!tile.set || !tile.matrix)
    throw InternalError("tile-not-located", "The tile was not located in a tile matrix set.");
  if (options.extent == 0 || options.extent > (1u << 24) || options.buffer > options.extent)
    throw InvalidInput("invalid-tile-options",
                       "The tile extent must be between 1 and 16777216 and the buffer at most "
                       "the extent.",
                       "extent");
  Envelope bbox = query_envelope(tile, options);
  std::string out;
  LayerBuilder builder(tile, options);
  std::vector<std::string_view> done;
  for (const auto& layer : layers) {
    // Layer names are unique in a tile (spec 4.1): a dataset asked for twice is built once.
    if (std::find(done.begin(), done.end(), layer.dataset.id) != done.end()) continue;
    done.push_back(layer.dataset.id);
    builder.build(store, layer, bbox, out);
  }
  return out;
}

}  // namespace shikong::tiles
