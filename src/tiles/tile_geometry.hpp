// Internal to tiles/: the geometry path of a vector tile, from stored WKB to integer tile
// coordinates (walk, project, clip, round, simplify, orient) and MVT command encoding. Every
// function appends to caller-owned buffers so a tile reuses its memory feature after feature.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "tiles/tile_matrix_set.hpp"

namespace shikong::tiles::detail {

struct DPoint {
  double x = 0;
  double y = 0;
};

struct TilePoint {
  std::int32_t x = 0;
  std::int32_t y = 0;
  bool operator==(const TilePoint&) const = default;
};

// What a run of vertices is: a point, a line string, or a polygon's exterior or interior ring.
enum class PartKind : std::uint8_t { point, line, outer, inner };

struct Part {
  PartKind kind = PartKind::point;
  std::uint32_t begin = 0;  // index of the first vertex in the owning buffer
  std::uint32_t size = 0;
};

// A feature's geometry after projection into tile pixel space (doubles, y down), flattened:
// collections and multi-geometries become a list of parts.
struct FlatGeometry {
  std::vector<DPoint> points;
  std::vector<Part> parts;
  void clear() {
    points.clear();
    parts.clear();
  }
};

// The same after clipping, rounding and simplification; rings are stored without their closing
// vertex and with the MVT orientation (exterior positive area, y down).
struct TileGeometry {
  std::vector<TilePoint> points;
  std::vector<Part> parts;
  void clear() {
    points.clear();
    parts.clear();
  }
};

// Lon/lat (platform datum) -> tile pixel space at `extent` for one tile.
struct TileProjector {
  const TileMatrixSet* set = nullptr;
  double min_x = 0;  // tile envelope in the set's CRS
  double max_y = 0;
  double scale_x = 0;  // extent units per CRS unit
  double scale_y = 0;

  TileProjector(const TileMatrixSet& s, const Envelope& tile, std::uint32_t extent)
      : set(&s),
        min_x(tile.min_x),
        max_y(tile.max_y),
        scale_x(extent / (tile.max_x - tile.min_x)),
        scale_y(extent / (tile.max_y - tile.min_y)) {}
  DPoint operator()(double lon, double lat) const {
    project_lonlat(*set, lon, lat);
    return DPoint{(lon - min_x) * scale_x, (max_y - lat) * scale_y};
  }
};

struct ClipBox {
  double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
  bool contains(DPoint p) const {
    return p.x >= min_x && p.x <= max_x && p.y >= min_y && p.y <= max_y;
  }
};

// Appends the feature's vertices, projected, to `out`. Returns false (with `out` in an
// unspecified state) on malformed WKB; empty points are skipped.
bool walk_wkb(std::string_view wkb, const TileProjector& project, FlatGeometry& out);

// Scratch memory reused across features.
struct Scratch {
  std::vector<DPoint> a, b;
  std::vector<std::uint8_t> keep;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> stack;
};

// Clips one line string to the box, splitting it where it leaves; each piece is rounded, rid of
// repeated vertices, simplified with `tolerance` (0 = off) and appended as a line part if it
// keeps two vertices.
void clip_line(std::span<const DPoint> line, const ClipBox& box, double tolerance,
               TileGeometry& out, Scratch& scratch);

// Clips one ring (Sutherland-Hodgman), rounds, removes repeats, simplifies and orients it.
// Appends it as `kind` (outer or inner) and returns true if it keeps at least three distinct
// vertices and a non-zero area; returns false and appends nothing otherwise.
bool clip_ring(std::span<const DPoint> ring, PartKind kind, const ClipBox& box, double tolerance,
               TileGeometry& out, Scratch& scratch);

// Douglas-Peucker on p[0..n) keeping both ends; compacts in place and returns the new size.
std::size_t simplify(TilePoint* p, std::size_t n, double tolerance, Scratch& scratch);

// Twice the signed area by the MVT spec's surveyor's formula (positive = exterior, y down).
std::int64_t ring_area2(std::span<const TilePoint> ring);

// MVT geometry commands (spec 4.3) appended to `out`; the cursor starts at (0, 0).
enum class GeomType : std::uint8_t { unknown = 0, point = 1, linestring = 2, polygon = 3 };
void encode_points(std::span<const TilePoint> points, std::vector<std::uint32_t>& out);
// Parts of g with the given kinds, as line strings or polygon rings.
void encode_lines(const TileGeometry& g, std::vector<std::uint32_t>& out);
void encode_polygons(const TileGeometry& g, std::vector<std::uint32_t>& out);

}  // namespace shikong::tiles::detail
