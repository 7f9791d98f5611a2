// The two tile matrix sets shikong serves (OGC WebMercatorQuad and the CGCS2000 "c" grid of
// TIANDITU), their lookup by id or alias, tile addressing and the per-vertex projection.
#include "tiles/tile_matrix_set.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "core/ascii.hpp"
#include "core/error.hpp"

namespace shikong::tiles {
namespace {

constexpr double kEarthRadius = 6378137.0;             // WGS 84 / CGCS2000 semi-major
constexpr double kMercatorHalf = 20037508.3427892;     // OGC 17-083r4 Annex D.1
constexpr double kMercatorScale0 = 559082264.0287178;  // level 0 scale denominator
constexpr double kMercatorCell0 = 156543.03392804097;  // level 0 cell size (m)
constexpr double kMaxMercatorLat = 85.05112877980659;  // atan(sinh(pi)) in degrees
constexpr double kMetresPerDegree = kEarthRadius * 2 * std::numbers::pi / 360.0;
constexpr double kPixel = 0.00028;  // the OGC "standardized rendering pixel" (m)

TileMatrixSet make_web_mercator_quad() {
  TileMatrixSet s;
  s.id = "WebMercatorQuad";
  s.title = "Google Maps Compatible for the World";
  s.uri = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad";
  s.well_known_scale_set = "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible";
  s.crs = datum::Crs{"EPSG:3857", 3857, "EPSG:3857", "WGS 84 / Pseudo-Mercator", false, false};
  s.bounds = Envelope::of(-kMercatorHalf, -kMercatorHalf, kMercatorHalf, kMercatorHalf);
  for (int z = 0; z <= 24; ++z) {
    TileMatrix m;
    m.id = std::to_string(z);
    m.level = z;
    double n = std::ldexp(1.0, z);
    m.scale_denominator = kMercatorScale0 / n;
    m.cell_size = kMercatorCell0 / n;
    m.origin_x = -kMercatorHalf;
    m.origin_y = kMercatorHalf;
    m.matrix_width = std::int64_t{1} << z;
    m.matrix_height = std::int64_t{1} << z;
    s.matrices.push_back(std::move(m));
  }
  return s;
}

TileMatrixSet make_cgcs2000_quad() {
  TileMatrixSet s;
  s.id = "CGCS2000Quad";
  s.title = "CGCS2000 geographic quad (TIANDITU c grid)";
  s.uri = "https://shikong.dev/def/tilematrixset/CGCS2000Quad";
  // Same cell sizes as GoogleCRS84Quad level for level (level 1 = 0.703125 degrees a pixel).
  s.well_known_scale_set = "http://www.opengis.net/def/wkss/OGC/1.0/GoogleCRS84Quad";
  s.crs = datum::Crs{"EPSG:4490", 4490, "EPSG:4490", "China Geodetic Coordinate System 2000",
                     true,        true};
  s.bounds = Envelope::of(-180, -90, 180, 90);
  for (int n = 1; n <= 20; ++n) {
    TileMatrix m;
    m.id = std::to_string(n);
    m.level = n;
    m.cell_size = std::ldexp(180.0 / 256.0, -(n - 1));
    m.scale_denominator = m.cell_size * kMetresPerDegree / kPixel;
    m.origin_x = -180;
    m.origin_y = 90;
    m.matrix_width = std::int64_t{1} << n;
    m.matrix_height = std::int64_t{1} << (n - 1);
    s.matrices.push_back(std::move(m));
  }
  return s;
}

// Tile span in CRS units: the set's width divided by a power of two, so tile edges are exact
// (1/0/0 of WebMercatorQuad ends at exactly 0) rather than accumulated cell-size products.
double tile_span_x(const TileMatrixSet& set, const TileMatrix& m) {
  return (set.bounds.max_x - set.bounds.min_x) / static_cast<double>(m.matrix_width);
}
double tile_span_y(const TileMatrixSet& set, const TileMatrix& m) {
  return (set.bounds.max_y - set.bounds.min_y) / static_cast<double>(m.matrix_height);
}

std::int64_t parse_level(std::string_view id) {
  if (id.empty() || id.size() > 3) return -1;
  std::int64_t v = 0;
  for (char c : id) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

const TileMatrix* TileMatrixSet::find(std::string_view matrix_id) const {
  for (const auto& m : matrices)
    if (m.id == matrix_id) return &m;
  return nullptr;
}

const TileMatrix* TileMatrixSet::find_level(int level) const {
  for (const auto& m : matrices)
    if (m.level == level) return &m;
  return nullptr;
}

Envelope TileMatrixSet::tile_envelope(const TileMatrix& m, std::int64_t col,
                                      std::int64_t row) const {
  // Counted from the centre of the set (0, 0 for both): an integer number of spans, which are
  // the set's size over a power of two, so every edge is one rounding away from exact (tile
  // 2/3/1 of WebMercatorQuad starts at exactly half the origin's easting).
  double sx = tile_span_x(*this, m);
  double sy = tile_span_y(*this, m);
  double cx = (bounds.min_x + bounds.max_x) / 2, cy = (bounds.min_y + bounds.max_y) / 2;
  auto hw = static_cast<double>(m.matrix_width) / 2, hh = static_cast<double>(m.matrix_height) / 2;
  double x0 = cx + (static_cast<double>(col) - hw) * sx;
  double x1 = cx + (static_cast<double>(col + 1) - hw) * sx;
  double y1 = cy + (hh - static_cast<double>(row)) * sy;
  double y0 = cy + (hh - static_cast<double>(row + 1)) * sy;
  return Envelope::of(x0, y0, x1, y1);
}

Envelope TileMatrixSet::tile_envelope_lonlat(const TileMatrix& m, std::int64_t col,
                                             std::int64_t row) const {
  Envelope e = tile_envelope(m, col, row);
  if (crs.epsg != 3857) return e;
  // x / kMercatorHalf * 180 rather than through the radius: the set's half width is 180
  // degrees by definition, and this keeps the world's edges and halves exact.
  auto lon = [](double x) { return std::clamp(x / kMercatorHalf * 180.0, -180.0, 180.0); };
  auto lat = [](double y) {
    return std::atan(std::sinh(y / kEarthRadius)) * 180.0 / std::numbers::pi;
  };
  return Envelope::of(lon(e.min_x), lat(e.min_y), lon(e.max_x), lat(e.max_y));
}

const TileMatrixSet& web_mercator_quad() {
  static const TileMatrixSet set = make_web_mercator_quad();
  return set;
}

const TileMatrixSet& cgcs2000_quad() {
  static const TileMatrixSet set = make_cgcs2000_quad();
  return set;
}

std::vector<const TileMatrixSet*> tile_matrix_sets() {
  return {&web_mercator_quad(), &cgcs2000_quad()};
}

const TileMatrixSet* find_tile_matrix_set(std::string_view id) {
  for (std::string_view alias :
       {"WebMercatorQuad", "3857", "EPSG:3857", "w", "GoogleMapsCompatible"})
    if (ascii_iequals(id, alias)) return &web_mercator_quad();
  for (std::string_view alias : {"CGCS2000Quad", "4490", "EPSG:4490", "c"})
    if (ascii_iequals(id, alias)) return &cgcs2000_quad();
  return nullptr;
}

TileAddress locate_tile(std::string_view set_id, std::string_view matrix_id, std::int64_t row,
                        std::int64_t col) {
  const TileMatrixSet* set = find_tile_matrix_set(set_id);
  if (!set)
    throw NotFound("unknown-tile-matrix-set",
                   "The tile matrix set is not one of WebMercatorQuad or CGCS2000Quad.",
                   "tileMatrixSetId");
  const TileMatrix* m = set->find(matrix_id);
  if (!m) {
    // Tolerate leading zeros ("05") but nothing else that is not a level of the set.
    std::int64_t level = parse_level(matrix_id);
    if (level >= 0 && level <= 1000) m = set->find_level(static_cast<int>(level));
  }
  if (!m)
    throw NotFound("unknown-tile-matrix",
                   "The tile matrix is not a level of the tile matrix set " + set->id + ".",
                   "tileMatrix");
  if (row < 0 || row >= m->matrix_height)
    throw NotFound("tile-out-of-range",
                   "The tile row is outside tile matrix " + m->id + " (0.." +
                       std::to_string(m->matrix_height - 1) + ").",
                   "tileRow");
  if (col < 0 || col >= m->matrix_width)
    throw NotFound("tile-out-of-range",
                   "The tile column is outside tile matrix " + m->id + " (0.." +
                       std::to_string(m->matrix_width - 1) + ").",
                   "tileCol");
  return TileAddress{set, m, col, row};
}

void project_lonlat(const TileMatrixSet& set, double& x, double& y) {
  if (set.crs.epsg != 3857) return;
  constexpr double k = std::numbers::pi / 180.0;
  double lat = std::clamp(y, -kMaxMercatorLat, kMaxMercatorLat);
  x = x / 180.0 * kMercatorHalf;
  y = kEarthRadius * std::atanh(std::sin(lat * k));
}

}  // namespace shikong::tiles
