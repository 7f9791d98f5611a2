// Geometry model: type names, emptiness, envelopes and type promotion.
#include "geo/geometry.hpp"

#include <gtest/gtest.h>

#include "test_geometries.hpp"

namespace shikong::geo {
namespace {

using namespace testing;

TEST(GeometryType, NamesRoundTrip) {
  EXPECT_EQ(to_string(GeometryType::multi_polygon), "MultiPolygon");
  EXPECT_EQ(to_sql_name(GeometryType::line_string), "LINESTRING");
  EXPECT_EQ(to_string(GeometryType::unknown), "Geometry");
  EXPECT_EQ(geometry_type_from_name("MultiLineString"), GeometryType::multi_line_string);
  EXPECT_EQ(geometry_type_from_name("POLYGON"), GeometryType::polygon);
  EXPECT_EQ(geometry_type_from_name("point"), GeometryType::point);
  EXPECT_EQ(geometry_type_from_name("GeometryCollection"), GeometryType::geometry_collection);
  EXPECT_EQ(geometry_type_from_name("GEOMETRY"), GeometryType::unknown);
  EXPECT_EQ(geometry_type_from_name("Circle"), GeometryType::unknown);
}

TEST(Geometry, Empty) {
  EXPECT_TRUE(empty_of(GeometryType::point).empty());
  EXPECT_FALSE(point(1, 2).empty());
  EXPECT_TRUE(empty_of(GeometryType::polygon).empty());
  EXPECT_TRUE(multi(GeometryType::multi_point, {empty_of(GeometryType::point)}).empty());
  EXPECT_FALSE(multi(GeometryType::geometry_collection,
                     {empty_of(GeometryType::point), line({{0, 0, 0}, {1, 1, 0}})})
                   .empty());
}

TEST(Geometry, Envelope) {
  auto g = multi(GeometryType::geometry_collection,
                 {point(5, -3), polygon({square(0, 0, 2)}), empty_of(GeometryType::point)});
  EXPECT_EQ(g.envelope(), Envelope::of(0, -3, 5, 2));
  EXPECT_TRUE(empty_of(GeometryType::line_string).envelope().empty());
}

TEST(Geometry, CommonType) {
  EXPECT_EQ(common_type(GeometryType::point, GeometryType::point), GeometryType::point);
  EXPECT_EQ(common_type(GeometryType::point, GeometryType::multi_point), GeometryType::multi_point);
  EXPECT_EQ(common_type(GeometryType::multi_polygon, GeometryType::polygon),
            GeometryType::multi_polygon);
  EXPECT_EQ(common_type(GeometryType::polygon, GeometryType::polygon), GeometryType::polygon);
  EXPECT_EQ(common_type(GeometryType::point, GeometryType::line_string), GeometryType::unknown);
  EXPECT_EQ(common_type(GeometryType::unknown, GeometryType::point), GeometryType::unknown);
}

}  // namespace
}  // namespace shikong::geo
