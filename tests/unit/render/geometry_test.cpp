// The renderer's WKB walker and projector: every geometry type, Z/M, both byte orders, EWKB,
// hostile bytes refused without allocating; pixels of the identity, Mercator and PROJ paths.
#include <cmath>
#include <cstring>
#include <numbers>
#include <string>

#include "geo/wkb.hpp"
#include "render/render_internal.hpp"
#include "render_fixture.hpp"

namespace shikong::render::detail {
namespace {

using namespace render::testing;

std::string le32(std::uint32_t v) {
  return std::string(reinterpret_cast<const char*>(&v), 4);
}
std::string le64(double d) {
  return std::string(reinterpret_cast<const char*>(&d), 8);
}
std::string be32(std::uint32_t v) {
  v = __builtin_bswap32(v);
  return std::string(reinterpret_cast<const char*>(&v), 4);
}
std::string be64(double d) {
  std::uint64_t v;
  std::memcpy(&v, &d, 8);
  v = __builtin_bswap64(v);
  return std::string(reinterpret_cast<const char*>(&v), 8);
}

TEST(ReadWkbTest, EveryTypeIntoParts) {
  FlatGeometry g;
  ASSERT_TRUE(read_wkb(geo::to_wkb(point(1, 2)), g));
  ASSERT_EQ(g.parts.size(), 1u);
  EXPECT_EQ(g.parts[0].kind, PartKind::point);
  EXPECT_EQ(g.xy, (std::vector<double>{1, 2}));

  ASSERT_TRUE(read_wkb(geo::to_wkb(line({{0, 0, 0}, {1, 1, 0}, {2, 0, 0}})), g));
  ASSERT_EQ(g.parts.size(), 1u);
  EXPECT_EQ(g.parts[0].kind, PartKind::line);
  EXPECT_EQ(g.parts[0].end - g.parts[0].begin, 3u);

  geo::Geometry mp;
  mp.type = geo::GeometryType::multi_polygon;
  geo::Geometry holed = box(0, 0, 10, 10);
  holed.rings.push_back(box_ring(2, 2, 3, 3));
  mp.parts = {holed, box(20, 20, 30, 30)};
  ASSERT_TRUE(read_wkb(geo::to_wkb(mp), g));
  ASSERT_EQ(g.parts.size(), 3u);
  EXPECT_EQ(g.parts[0].polygon, g.parts[1].polygon);  // exterior and hole
  EXPECT_NE(g.parts[1].polygon, g.parts[2].polygon);
  for (const auto& p : g.parts) EXPECT_EQ(p.kind, PartKind::ring);
  EXPECT_EQ(g.points(), 15u);
  EXPECT_EQ(g.xy[2 * 10], 20);

  geo::Geometry gc;
  gc.type = geo::GeometryType::geometry_collection;
  gc.parts = {point(5, 6), line({{0, 0, 0}, {1, 0, 0}}), box(0, 0, 1, 1)};
  ASSERT_TRUE(read_wkb(geo::to_wkb(gc), g));
  ASSERT_EQ(g.parts.size(), 3u);
  EXPECT_EQ(g.parts[0].kind, PartKind::point);
  EXPECT_EQ(g.parts[1].kind, PartKind::line);
  EXPECT_EQ(g.parts[2].kind, PartKind::ring);

  geo::Geometry z = point(7, 8);
  z.has_z = true;
  z.coords[0].z = 99;
  ASSERT_TRUE(read_wkb(geo::to_wkb(z), g));
  EXPECT_EQ(g.xy, (std::vector<double>{7, 8}));

  geo::Geometry empty;
  empty.type = geo::GeometryType::point;
  ASSERT_TRUE(read_wkb(geo::to_wkb(empty), g));
  EXPECT_TRUE(g.parts.empty());
}

TEST(ReadWkbTest, BigEndianMeasuresAndEwkb) {
  FlatGeometry g;
  // Big-endian LineString M (ISO 2002) of two points.
  std::string be = std::string(1, '\0') + be32(2002) + be32(2) + be64(1) + be64(2) + be64(100) +
                   be64(3) + be64(4) + be64(200);
  ASSERT_TRUE(read_wkb(be, g));
  EXPECT_EQ(g.xy, (std::vector<double>{1, 2, 3, 4}));
  // EWKB point with Z and SRID flags.
  std::string ewkb =
      "\x01" + le32(0x80000000u | 0x20000000u | 1) + le32(4490) + le64(5) + le64(6) + le64(7);
  ASSERT_TRUE(read_wkb(ewkb, g));
  EXPECT_EQ(g.xy, (std::vector<double>{5, 6}));
}

TEST(ReadWkbTest, HostileBytesAreRefused) {
  FlatGeometry g;
  const std::string good = geo::to_wkb(box(0, 0, 1, 1));
  for (std::size_t n = 0; n < good.size(); ++n) EXPECT_FALSE(read_wkb(good.substr(0, n), g)) << n;
  EXPECT_TRUE(g.parts.empty());
  // A line claiming four billion points in a few bytes.
  EXPECT_FALSE(read_wkb("\x01" + le32(2) + le32(0xffffffffu) + le64(1), g));
  // A collection claiming many parts.
  EXPECT_FALSE(read_wkb("\x01" + le32(7) + le32(0x7fffffffu), g));
  // Unknown type and dimension codes.
  EXPECT_FALSE(read_wkb("\x01" + le32(17) + le64(1) + le64(2), g));
  EXPECT_FALSE(read_wkb("\x01" + le32(4001) + le64(1) + le64(2), g));
  // Collections nested deeper than the limit.
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "\x01" + le32(7) + le32(1);
  deep += geo::to_wkb(point(1, 1));
  EXPECT_FALSE(read_wkb(deep, g));
}

TEST(ProjectorTest, IdentityMercatorAndProj) {
  // 4490 view: a plain affine map to pixels (y down).
  Projector geo4490(datum::epsg(4490), Envelope::of(100, 20, 140, 60), 400, 400);
  std::vector<double> xy = {110, 50, 140, 20};
  ASSERT_TRUE(geo4490.apply(xy));
  EXPECT_EQ(xy, (std::vector<double>{100, 100, 400, 400}));

  const double half = 6378137.0 * std::numbers::pi;
  Projector merc(datum::epsg(3857), Envelope::of(-half, -half, half, half), 256, 256);
  xy = {0, 0, 180, 0, -90, 85.0511287798066};
  ASSERT_TRUE(merc.apply(xy));
  EXPECT_NEAR(xy[0], 128, 1e-9);
  EXPECT_NEAR(xy[1], 128, 1e-9);
  EXPECT_NEAR(xy[2], 256, 1e-9);
  EXPECT_NEAR(xy[4], 64, 1e-9);
  EXPECT_NEAR(xy[5], 0, 1e-6);
  // Poles are clamped, not infinite.
  xy = {0, 90};
  ASSERT_TRUE(merc.apply(xy));
  EXPECT_TRUE(std::isfinite(xy[1]));

  // Gauss-Kruger through PROJ: the same as transforming point by point.
  double ex = 114.5, ey = 30.5;
  datum::transformer(datum::platform_crs(), datum::epsg(4547))->transform(ex, ey);
  Projector gk(datum::epsg(4547), Envelope::of(ex - 1000, ey - 1000, ex + 1000, ey + 1000), 200,
               200);
  xy = {114.5, 30.5};
  ASSERT_TRUE(gk.apply(xy));
  EXPECT_NEAR(xy[0], 100, 1e-6);
  EXPECT_NEAR(xy[1], 100, 1e-6);
}

}  // namespace
}  // namespace shikong::render::detail
