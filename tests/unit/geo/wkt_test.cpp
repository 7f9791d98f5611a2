// WKT codec: exact output, round trips, dialects (Z, M, ZM, case) and malformed text.
#include "geo/wkt.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "test_geometries.hpp"

namespace shikong::geo {
namespace {

using namespace testing;

TEST(Wkt, WritesExactText) {
  EXPECT_EQ(to_wkt(point(116.391, 39.907)), "POINT (116.391 39.907)");
  EXPECT_EQ(to_wkt(point_z(1, 2, 3)), "POINT Z (1 2 3)");
  EXPECT_EQ(to_wkt(empty_of(GeometryType::point)), "POINT EMPTY");
  EXPECT_EQ(to_wkt(line({{0, 0, 0}, {1.5, 2, 0}})), "LINESTRING (0 0, 1.5 2)");
  EXPECT_EQ(to_wkt(polygon({square(0, 0, 2), square(0.5, 0.5, 1)})),
            "POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0), (0.5 0.5, 1.5 0.5, 1.5 1.5, 0.5 1.5, 0.5 0.5))");
  EXPECT_EQ(to_wkt(multi(GeometryType::multi_point, {point(1, 2), point(3, 4)})),
            "MULTIPOINT ((1 2), (3 4))");
  EXPECT_EQ(to_wkt(multi(GeometryType::multi_line_string, {line({{0, 0, 0}, {1, 1, 0}})})),
            "MULTILINESTRING ((0 0, 1 1))");
  EXPECT_EQ(to_wkt(multi(GeometryType::multi_polygon, {polygon({square(0, 0, 1)})})),
            "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 1, 0 0)))");
  EXPECT_EQ(to_wkt(multi(GeometryType::geometry_collection,
                         {point(1, 2), empty_of(GeometryType::line_string)})),
            "GEOMETRYCOLLECTION (POINT (1 2), LINESTRING EMPTY)");
  EXPECT_EQ(to_wkt(empty_of(GeometryType::multi_polygon)), "MULTIPOLYGON EMPTY");
  EXPECT_EQ(to_wkt(point(1.0 / 3, 2), 4), "POINT (0.3333 2)");
  EXPECT_EQ(to_wkt(point(0.1 + 0.2, 2), -1), "POINT (0.30000000000000004 2)");
}

TEST(Wkt, RoundTrips) {
  std::vector<Geometry> gs = {
      point(-73.98, 40.75),
      point_z(1, 2, 3),
      empty_of(GeometryType::point),
      line({{0, 0, 0}, {1e-7, 123456.789, 0}}),
      line({{0, 0, 1}, {1, 1, 2}}, true),
      polygon({square(0, 0, 10), square(1, 1, 1)}),
      empty_of(GeometryType::polygon),
      multi(GeometryType::multi_point, {point(1, 2), point(3, 4)}),
      multi(GeometryType::multi_line_string,
            {line({{0, 0, 0}, {1, 1, 0}}), line({{2, 2, 0}, {3, 3, 0}})}),
      multi(GeometryType::multi_polygon, {polygon({square(0, 0, 1)}), polygon({square(3, 3, 1)})}),
      multi(
          GeometryType::geometry_collection,
          {point(1, 2), multi(GeometryType::geometry_collection, {line({{0, 0, 0}, {1, 1, 0}})})}),
      empty_of(GeometryType::geometry_collection),
  };
  for (const auto& g : gs) EXPECT_EQ(from_wkt(to_wkt(g, -1)), g) << to_wkt(g);
}

TEST(Wkt, ReadsDialects) {
  EXPECT_EQ(from_wkt("point(1 2)"), point(1, 2));
  EXPECT_EQ(from_wkt("  Point  ( 1e2   -2.5 )  "), point(100, -2.5));
  EXPECT_EQ(from_wkt("POINTZ (1 2 3)"), point_z(1, 2, 3));
  EXPECT_EQ(from_wkt("POINT (1 2 3)"), point_z(1, 2, 3));
  EXPECT_EQ(from_wkt("POINT M (1 2 4)"), point(1, 2));
  EXPECT_EQ(from_wkt("POINT ZM (1 2 3 4)"), point_z(1, 2, 3));
  EXPECT_EQ(from_wkt("MULTIPOINT (1 2, 3 4)"),
            multi(GeometryType::multi_point, {point(1, 2), point(3, 4)}));
  EXPECT_EQ(from_wkt("multipoint z ((1 2 3))"),
            multi(GeometryType::multi_point, {point_z(1, 2, 3)}, true));
  EXPECT_EQ(from_wkt("LINESTRING EMPTY"), empty_of(GeometryType::line_string));
  EXPECT_EQ(from_wkt("POLYGON Z EMPTY"), empty_of(GeometryType::polygon, true));
}

std::string error_of(std::string_view text) {
  try {
    from_wkt(text);
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "invalid-wkt");
    return e.detail();
  }
  return "accepted";
}

TEST(Wkt, RejectsMalformedText) {
  EXPECT_EQ(error_of(""),
            "The WKT geometry is malformed at character 1: a geometry type expected.");
  EXPECT_EQ(error_of("CIRCLE (1 2)"),
            "The WKT geometry is malformed at character 7: unknown geometry type.");
  EXPECT_EQ(error_of("POINT (1)"),
            "The WKT geometry is malformed at character 9: a number expected.");
  EXPECT_EQ(error_of("POINT (1 2"), "The WKT geometry is malformed at character 11: ')' expected.");
  EXPECT_EQ(error_of("POINT (1 2) x"),
            "The WKT geometry is malformed at character 13: text follows the end of the geometry.");
  EXPECT_EQ(error_of("LINESTRING (1 2,)"),
            "The WKT geometry is malformed at character 17: a number expected.");
  EXPECT_EQ(error_of("POINT (nan 2)"),
            "The WKT geometry is malformed at character 8: a coordinate is not finite.");
  EXPECT_EQ(error_of("POINT FULL"),
            "The WKT geometry is malformed at character 11: '(' or EMPTY expected.");
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "GEOMETRYCOLLECTION (";
  deep += "POINT (1 2)";
  for (int i = 0; i < 40; ++i) deep += ")";
  EXPECT_NE(error_of(deep).find("nested too deeply"), std::string::npos);
}

}  // namespace
}  // namespace shikong::geo
