// GeoJSON geometries: exact writer output and reader errors that name the faulty position.
#include "geo/geojson.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "test_geometries.hpp"

namespace shikong::geo {
namespace {

using namespace testing;

std::string json(const Geometry& g, int precision = -1, bool swap = false) {
  std::string out;
  write_geojson_geometry(out, g, precision, swap);
  return out;
}

TEST(GeoJsonWriter, ExactStrings) {
  EXPECT_EQ(json(point(116.391, 39.907)), R"({"type":"Point","coordinates":[116.391,39.907]})");
  EXPECT_EQ(json(point(1, -2)), R"({"type":"Point","coordinates":[1,-2]})");
  EXPECT_EQ(json(point(0.1 + 0.2, 1e21)),
            R"({"type":"Point","coordinates":[0.30000000000000004,1e+21]})");
  EXPECT_EQ(json(point_z(1, 2, 3.5)), R"({"type":"Point","coordinates":[1,2,3.5]})");
  EXPECT_EQ(json(empty_of(GeometryType::point)), R"({"type":"Point","coordinates":[]})");
  EXPECT_EQ(json(line({{0, 0, 0}, {1, 1, 0}})),
            R"({"type":"LineString","coordinates":[[0,0],[1,1]]})");
  EXPECT_EQ(json(polygon({square(0, 0, 1)})),
            R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]})");
  EXPECT_EQ(json(multi(GeometryType::multi_point, {point(1, 2), point(3, 4)})),
            R"({"type":"MultiPoint","coordinates":[[1,2],[3,4]]})");
  EXPECT_EQ(json(multi(GeometryType::multi_line_string, {line({{0, 0, 0}, {1, 1, 0}})})),
            R"({"type":"MultiLineString","coordinates":[[[0,0],[1,1]]]})");
  EXPECT_EQ(json(multi(GeometryType::multi_polygon, {polygon({square(0, 0, 1)})})),
            R"({"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,1],[0,0]]]]})");
  EXPECT_EQ(
      json(multi(GeometryType::geometry_collection,
                 {point(1, 2), empty_of(GeometryType::line_string)})),
      R"({"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"LineString","coordinates":[]}]})");
}

TEST(GeoJsonWriter, PrecisionAndSwap) {
  EXPECT_EQ(json(point(116.3912345678, 39.9), 6),
            R"({"type":"Point","coordinates":[116.391235,39.9]})");
  EXPECT_EQ(json(point(3, -0.0000001), 3), R"({"type":"Point","coordinates":[3,0]})");
  EXPECT_EQ(json(point(1e300, -2.5e15), 6),
            R"({"type":"Point","coordinates":[1e+300,-2500000000000000]})");
  EXPECT_EQ(json(point(116.5, 39.5), -1, true), R"({"type":"Point","coordinates":[39.5,116.5]})");
}

TEST(GeoJsonReader, RoundTrips) {
  std::vector<Geometry> gs = {
      point(116.391, 39.907),
      point_z(1, 2, 3),
      empty_of(GeometryType::point),
      line({{0, 0, 0}, {1e-7, 123456.789, 0}}),
      polygon({square(0, 0, 10), square(1, 1, 1)}),
      multi(GeometryType::multi_point, {point(1, 2), point(3, 4)}),
      multi(GeometryType::multi_line_string, {line({{0, 0, 0}, {1, 1, 0}})}),
      multi(GeometryType::multi_polygon, {polygon({square(0, 0, 1)}), polygon({square(3, 3, 1)})}),
      multi(
          GeometryType::geometry_collection,
          {point(1, 2), multi(GeometryType::geometry_collection, {line({{0, 0, 0}, {1, 1, 0}})})}),
  };
  for (const auto& g : gs) EXPECT_EQ(geometry_from_geojson(json(g)), g) << json(g);
}

TEST(GeoJsonReader, AcceptsIntegersWhitespaceAndExtraMembers) {
  Geometry g = geometry_from_geojson(
      R"( { "bbox": [0,0,1,1], "coordinates" : [ 116 , 40 ], "type" : "Point" } )");
  EXPECT_EQ(g, point(116, 40));
}

std::string error_of(std::string_view text) {
  try {
    geometry_from_geojson(text);
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "invalid-geojson-geometry");
    return e.detail();
  }
  return "accepted";
}

TEST(GeoJsonReader, ErrorsNameThePosition) {
  EXPECT_EQ(error_of(R"({"type":"Point","coordinates":[1,2)"), "The geometry is not valid JSON.");
  EXPECT_EQ(error_of(R"([1,2])"), "The geometry at geometry must be a JSON object.");
  EXPECT_EQ(error_of(R"({"coordinates":[1,2]})"),
            "The geometry at geometry has no \"type\" string.");
  EXPECT_EQ(error_of(R"({"type":"Circle","coordinates":[1,2]})"),
            "The geometry type \"Circle\" at geometry is not a GeoJSON geometry type.");
  EXPECT_EQ(error_of(R"({"type":"point","coordinates":[1,2]})"),
            "The geometry type \"point\" at geometry is not a GeoJSON geometry type.");
  EXPECT_EQ(error_of(R"({"type":"Point"})"),
            "The Point at geometry has no \"coordinates\" member.");
  EXPECT_EQ(error_of(R"({"type":"Point","coordinates":[1,"2"]})"),
            "The coordinate at geometry.coordinates[1] is not a number.");
  EXPECT_EQ(error_of(R"({"type":"Point","coordinates":[1]})"),
            "The position at geometry.coordinates has 1 value; a position needs 2 or 3.");
  EXPECT_EQ(error_of(R"({"type":"LineString","coordinates":[[1,2],[3,4,5,6]]})"),
            "The position at geometry.coordinates[1] has 4 values; a position needs 2 or 3.");
  EXPECT_EQ(error_of(R"({"type":"LineString","coordinates":[[1,2]]})"),
            "The line string at geometry.coordinates has 1 position; a line string needs at "
            "least 2.");
  EXPECT_EQ(error_of(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]})"),
            "The polygon ring at geometry.coordinates[0] has 3 positions; a linear ring needs "
            "at least 4.");
  EXPECT_EQ(error_of(R"({"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],
               [[[0,0],[1,0],[1,1],[0,1]]]]})"),
            "The polygon ring at geometry.coordinates[1][0] is not closed: its first and last "
            "positions differ.");
  EXPECT_EQ(error_of(R"({"type":"Polygon","coordinates":{"a":1}})"),
            "The value at geometry.coordinates must be an array of linear rings.");
  EXPECT_EQ(
      error_of(
          R"({"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[[1,2]]}]})"),
      "The position at geometry.geometries[0].coordinates has 1 value; a position needs 2 "
      "or 3.");
}

TEST(GeoJsonReader, NestingDepthIsLimited) {
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += R"({"type":"GeometryCollection","geometries":[)";
  deep += R"({"type":"Point","coordinates":[1,2]})";
  for (int i = 0; i < 40; ++i) deep += "]}";
  EXPECT_EQ(error_of(deep), "Geometry collections are nested too deeply.");
}

}  // namespace
}  // namespace shikong::geo
