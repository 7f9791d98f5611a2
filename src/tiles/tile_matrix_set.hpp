// Tile matrix sets (OGC 2D Tile Matrix Set 17-083r4): WebMercatorQuad and CGCS2000Quad, the
// CGCS2000 geographic quad of TIANDITU's "c" grid (level 1 = 2 x 1 tiles of 256 px over
// -180..180, -90..90), and the arithmetic of tiles in them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/envelope.hpp"
#include "datum/crs.hpp"

namespace shikong::tiles {

struct TileMatrix {
  std::string id;                // "0".."24" (WebMercatorQuad), "1".."20" (CGCS2000Quad)
  int level = 0;                 // the number in id
  double scale_denominator = 0;  // OGC 0.28 mm pixel
  double cell_size = 0;          // CRS units per pixel
  double origin_x = 0;           // top-left corner, GIS order (x = lon/easting)
  double origin_y = 0;
  int tile_width = 256;
  int tile_height = 256;
  std::int64_t matrix_width = 0;   // tiles per row
  std::int64_t matrix_height = 0;  // rows
};

struct TileMatrixSet {
  std::string id;  // "WebMercatorQuad", "CGCS2000Quad"
  std::string title;
  std::string uri;  // http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad; ours
                    // for CGCS2000Quad
  std::string well_known_scale_set;  // GoogleMapsCompatible / GoogleCRS84Quad-like URN or empty
  datum::Crs crs;                    // EPSG:3857, EPSG:4490
  Envelope bounds;                   // GIS order, CRS units
  std::vector<TileMatrix> matrices;

  // nullptr when unknown.
  const TileMatrix* find(std::string_view matrix_id) const;
  const TileMatrix* find_level(int level) const;
  // CRS units, GIS order. col/row must be in range (checked by locate_tile).
  Envelope tile_envelope(const TileMatrix& m, std::int64_t col, std::int64_t row) const;
  // The same envelope in the platform datum (lon/lat), for store queries.
  Envelope tile_envelope_lonlat(const TileMatrix& m, std::int64_t col, std::int64_t row) const;
};

const TileMatrixSet& web_mercator_quad();
const TileMatrixSet& cgcs2000_quad();
std::vector<const TileMatrixSet*> tile_matrix_sets();            // both, WebMercatorQuad first
const TileMatrixSet* find_tile_matrix_set(std::string_view id);  // also case-insensitive aliases
                                                                 // "3857", "4490", "c", "w"

struct TileAddress {
  const TileMatrixSet* set = nullptr;
  const TileMatrix* matrix = nullptr;
  std::int64_t col = 0;
  std::int64_t row = 0;
};
// Throws NotFound("unknown-tile-matrix-set" / "unknown-tile-matrix") and
// NotFound("tile-out-of-range") with the parameter name ("tileMatrix", "tileRow", "tileCol").
TileAddress locate_tile(std::string_view set_id, std::string_view matrix_id, std::int64_t row,
                        std::int64_t col);

// Fast forward projection of platform lon/lat into the set's CRS (spherical Web Mercator with
// latitude clamped to +-85.0511, identity for CGCS2000Quad), used per vertex on hot paths.
void project_lonlat(const TileMatrixSet& set, double& x, double& y);

}  // namespace shikong::tiles
