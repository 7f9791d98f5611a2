// Tile matrix sets: the OGC WebMercatorQuad numbers, the CGCS2000Quad (TIANDITU c) grid, tile
// envelopes of known tiles in both, lookup aliases, locate_tile errors and the projection.
#include "tiles/tile_matrix_set.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"

namespace shikong::tiles {
namespace {

constexpr double kHalf = 20037508.3427892;
constexpr double kMaxLat = 85.0511287798066;

TEST(TileMatrixSet, WebMercatorQuadFollowsOgc17083) {
  const auto& s = web_mercator_quad();
  EXPECT_EQ(s.id, "WebMercatorQuad");
  EXPECT_EQ(s.uri, "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad");
  EXPECT_EQ(s.crs.id, "EPSG:3857");
  EXPECT_EQ(s.bounds, Envelope::of(-kHalf, -kHalf, kHalf, kHalf));
  ASSERT_EQ(s.matrices.size(), 25u);
  const auto& m0 = s.matrices[0];
  EXPECT_EQ(m0.id, "0");
  EXPECT_EQ(m0.scale_denominator, 559082264.0287178);
  EXPECT_EQ(m0.cell_size, 156543.03392804097);
  EXPECT_EQ(m0.origin_x, -kHalf);
  EXPECT_EQ(m0.origin_y, kHalf);
  EXPECT_EQ(m0.matrix_width, 1);
  EXPECT_EQ(m0.matrix_height, 1);
  const auto& m24 = s.matrices[24];
  EXPECT_EQ(m24.id, "24");
  EXPECT_EQ(m24.level, 24);
  EXPECT_EQ(m24.scale_denominator, 559082264.0287178 / 16777216.0);
  EXPECT_EQ(m24.cell_size, 156543.03392804097 / 16777216.0);
  EXPECT_EQ(m24.matrix_width, 16777216);
  EXPECT_EQ(m24.tile_width, 256);
  EXPECT_EQ(s.find("18")->scale_denominator, 559082264.0287178 / 262144);
  EXPECT_EQ(s.find("25"), nullptr);
  EXPECT_EQ(s.find_level(7), &s.matrices[7]);
}

TEST(TileMatrixSet, WebMercatorQuadTileEnvelopes) {
  const auto& s = web_mercator_quad();
  EXPECT_EQ(s.tile_envelope(*s.find("0"), 0, 0), s.bounds);
  EXPECT_EQ(s.tile_envelope(*s.find("1"), 0, 0), Envelope::of(-kHalf, 0, 0, kHalf));
  EXPECT_EQ(s.tile_envelope(*s.find("1"), 1, 1), Envelope::of(0, -kHalf, kHalf, 0));
  Envelope e = s.tile_envelope(*s.find("2"), 3, 1);
  EXPECT_EQ(e, Envelope::of(kHalf / 2, 0, kHalf, kHalf / 2));

  Envelope ll = s.tile_envelope_lonlat(*s.find("0"), 0, 0);
  EXPECT_DOUBLE_EQ(ll.min_x, -180);
  EXPECT_DOUBLE_EQ(ll.max_x, 180);
  EXPECT_NEAR(ll.min_y, -kMaxLat, 1e-10);
  EXPECT_NEAR(ll.max_y, kMaxLat, 1e-10);
  ll = s.tile_envelope_lonlat(*s.find("1"), 1, 0);
  EXPECT_EQ(ll.min_x, 0);
  EXPECT_DOUBLE_EQ(ll.max_x, 180);
  EXPECT_EQ(ll.min_y, 0);
  EXPECT_NEAR(ll.max_y, kMaxLat, 1e-10);
  // z=2, x=3, y=1: lon 90..180, lat 0..66.51326044311179.
  ll = s.tile_envelope_lonlat(*s.find("2"), 3, 1);
  EXPECT_DOUBLE_EQ(ll.min_x, 90);
  EXPECT_DOUBLE_EQ(ll.max_x, 180);
  EXPECT_EQ(ll.min_y, 0);
  EXPECT_NEAR(ll.max_y, 66.51326044311179, 1e-10);
}

TEST(TileMatrixSet, Cgcs2000QuadIsTiandituC) {
  const auto& s = cgcs2000_quad();
  EXPECT_EQ(s.id, "CGCS2000Quad");
  EXPECT_EQ(s.crs.id, "EPSG:4490");
  EXPECT_TRUE(s.crs.lat_first);
  EXPECT_EQ(s.bounds, Envelope::of(-180, -90, 180, 90));
  ASSERT_EQ(s.matrices.size(), 20u);
  EXPECT_EQ(s.matrices.front().id, "1");
  EXPECT_EQ(s.matrices.back().id, "20");
  EXPECT_EQ(s.find("0"), nullptr);
  const auto& m1 = *s.find("1");
  EXPECT_EQ(m1.matrix_width, 2);
  EXPECT_EQ(m1.matrix_height, 1);
  EXPECT_EQ(m1.cell_size, 0.703125);
  EXPECT_EQ(m1.origin_x, -180);
  EXPECT_EQ(m1.origin_y, 90);
  EXPECT_NEAR(m1.scale_denominator, 279541132.0143589, 1e-6);
  const auto& m20 = *s.find("20");
  EXPECT_EQ(m20.matrix_width, 1048576);
  EXPECT_EQ(m20.matrix_height, 524288);
  EXPECT_EQ(m20.cell_size, 0.703125 / 524288);
  EXPECT_NEAR(m20.scale_denominator, 279541132.0143589 / 524288, 1e-9);
}

TEST(TileMatrixSet, Cgcs2000QuadTileEnvelopes) {
  const auto& s = cgcs2000_quad();
  EXPECT_EQ(s.tile_envelope(*s.find("1"), 0, 0), Envelope::of(-180, -90, 0, 90));
  EXPECT_EQ(s.tile_envelope(*s.find("1"), 1, 0), Envelope::of(0, -90, 180, 90));
  EXPECT_EQ(s.tile_envelope_lonlat(*s.find("1"), 1, 0), Envelope::of(0, -90, 180, 90));
  EXPECT_EQ(s.tile_envelope(*s.find("2"), 3, 1), Envelope::of(90, -90, 180, 0));
  // Beijing's tile at level 10: 116.3..116.5 E, 39.9 N.
  Envelope e = s.tile_envelope(*s.find("10"), 843, 142);
  EXPECT_EQ(e, Envelope::of(116.3671875, 39.7265625, 116.71875, 40.078125));
}

TEST(TileMatrixSet, FindsSetsByIdAndAlias) {
  EXPECT_EQ(find_tile_matrix_set("WebMercatorQuad"), &web_mercator_quad());
  EXPECT_EQ(find_tile_matrix_set("webmercatorquad"), &web_mercator_quad());
  EXPECT_EQ(find_tile_matrix_set("3857"), &web_mercator_quad());
  EXPECT_EQ(find_tile_matrix_set("W"), &web_mercator_quad());
  EXPECT_EQ(find_tile_matrix_set("CGCS2000Quad"), &cgcs2000_quad());
  EXPECT_EQ(find_tile_matrix_set("cgcs2000quad"), &cgcs2000_quad());
  EXPECT_EQ(find_tile_matrix_set("4490"), &cgcs2000_quad());
  EXPECT_EQ(find_tile_matrix_set("c"), &cgcs2000_quad());
  EXPECT_EQ(find_tile_matrix_set("WorldCRS84Quad"), nullptr);
  EXPECT_EQ(find_tile_matrix_set(""), nullptr);
  auto sets = tile_matrix_sets();
  ASSERT_EQ(sets.size(), 2u);
  EXPECT_EQ(sets[0]->id, "WebMercatorQuad");
  EXPECT_EQ(sets[1]->id, "CGCS2000Quad");
}

void expect_not_found(std::string_view set, std::string_view matrix, std::int64_t row,
                      std::int64_t col, const std::string& code, const std::string& parameter) {
  try {
    locate_tile(set, matrix, row, col);
    ADD_FAILURE() << "no error for " << set << "/" << matrix << "/" << row << "/" << col;
  } catch (const NotFound& e) {
    EXPECT_EQ(e.code(), code);
    EXPECT_EQ(e.parameter(), parameter);
  }
}

TEST(TileMatrixSet, LocateTile) {
  TileAddress a = locate_tile("WebMercatorQuad", "3", 5, 7);
  EXPECT_EQ(a.set, &web_mercator_quad());
  EXPECT_EQ(a.matrix->level, 3);
  EXPECT_EQ(a.row, 5);
  EXPECT_EQ(a.col, 7);
  a = locate_tile("c", "1", 0, 1);
  EXPECT_EQ(a.set, &cgcs2000_quad());
  EXPECT_EQ(a.matrix->id, "1");

  expect_not_found("Mars", "0", 0, 0, "unknown-tile-matrix-set", "tileMatrixSetId");
  expect_not_found("WebMercatorQuad", "25", 0, 0, "unknown-tile-matrix", "tileMatrix");
  expect_not_found("WebMercatorQuad", "99", 0, 0, "unknown-tile-matrix", "tileMatrix");
  expect_not_found("WebMercatorQuad", "-1", 0, 0, "unknown-tile-matrix", "tileMatrix");
  expect_not_found("WebMercatorQuad", "1a", 0, 0, "unknown-tile-matrix", "tileMatrix");
  expect_not_found("CGCS2000Quad", "0", 0, 0, "unknown-tile-matrix", "tileMatrix");
  expect_not_found("WebMercatorQuad", "3", 8, 0, "tile-out-of-range", "tileRow");
  expect_not_found("WebMercatorQuad", "3", -1, 0, "tile-out-of-range", "tileRow");
  expect_not_found("WebMercatorQuad", "3", 0, 8, "tile-out-of-range", "tileCol");
  expect_not_found("CGCS2000Quad", "1", 1, 0, "tile-out-of-range", "tileRow");  // 2 x 1
  expect_not_found("CGCS2000Quad", "1", 0, 2, "tile-out-of-range", "tileCol");
  EXPECT_EQ(locate_tile("CGCS2000Quad", "1", 0, 1).col, 1);
}

TEST(TileMatrixSet, ProjectLonLat) {
  double x = 180, y = 0;
  project_lonlat(web_mercator_quad(), x, y);
  EXPECT_NEAR(x, kHalf, 1e-6);
  EXPECT_EQ(y, 0);
  x = -90;
  y = kMaxLat;
  project_lonlat(web_mercator_quad(), x, y);
  EXPECT_NEAR(x, -kHalf / 2, 1e-6);
  EXPECT_NEAR(y, kHalf, 1e-4);
  x = 0;
  y = 89.9;  // clamped onto the square's top
  project_lonlat(web_mercator_quad(), x, y);
  EXPECT_NEAR(y, kHalf, 1e-4);
  x = 116.39;
  y = 39.91;
  project_lonlat(web_mercator_quad(), x, y);
  EXPECT_NEAR(x, 12956475.533429112, 1e-6);
  EXPECT_NEAR(y, 4852872.33096687, 1e-6);
  x = 116.39;
  y = 39.91;
  project_lonlat(cgcs2000_quad(), x, y);
  EXPECT_EQ(x, 116.39);
  EXPECT_EQ(y, 39.91);
}

}  // namespace
}  // namespace shikong::tiles
