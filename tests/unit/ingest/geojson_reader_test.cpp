// Streaming GeoJSON reader: FeatureCollection, NDJSON, text sequences, single objects, errors.
#include "ingest/readers/geojson_reader.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "core/error.hpp"
#include "test_util.hpp"

namespace shikong::ingest {
namespace {

using test::data;
using test::get;
using test::read_all;
using test::shared;
using test::type_of;

TEST(GeoJsonReader, LondonCycleHire) {
  auto r = open_reader(shared("london_cycle_hire.geojson"), ImportOptions{});
  EXPECT_EQ(r->format_name(), "geojson");
  EXPECT_EQ(r->geometry_type(), geo::GeometryType::point);
  EXPECT_EQ(r->source_crs(), "");
  ASSERT_EQ(r->schema().size(), 5u);
  EXPECT_EQ(r->schema().fields[0].name, "id");
  EXPECT_EQ(type_of(*r, "id"), FieldType::integer);
  EXPECT_EQ(type_of(*r, "name"), FieldType::text);
  EXPECT_EQ(type_of(*r, "nbikes"), FieldType::integer);
  auto recs = read_all(*r);
  ASSERT_EQ(recs.size(), 742u);
  for (const auto& rec : recs) ASSERT_TRUE(rec.error.empty()) << rec.number << rec.error;
  EXPECT_EQ(recs[0].line, 4);
  EXPECT_EQ(get<std::string>(recs[0], *r, "name"), "River Street");
  EXPECT_EQ(recs[0].geometry->coords.at(0), (geo::Coord{-0.109970527, 51.52916347, 0}));
  EXPECT_EQ(get<std::int64_t>(recs.back(), *r, "id"), 777);
  EXPECT_EQ(get<std::string>(recs.back(), *r, "area"), "Clapham Common");
  EXPECT_EQ(recs.back().geometry->coords.at(0), (geo::Coord{-0.165297856693, 51.4619230679, 0}));
  EXPECT_EQ(recs.back().number, 742);
}

TEST(GeoJsonReader, ChinaProvinces) {
  auto r = open_reader(shared("china_provinces_echarts.geojson"), ImportOptions{});
  EXPECT_EQ(r->geometry_type(), geo::GeometryType::multi_polygon);  // Polygon + MultiPolygon
  EXPECT_EQ(type_of(*r, "adcode"), FieldType::text);                // a JSON string stays text
  EXPECT_EQ(type_of(*r, "cp_lon"), FieldType::real);
  EXPECT_EQ(type_of(*r, "child_num"), FieldType::integer);
  auto recs = read_all(*r);
  ASSERT_EQ(recs.size(), 34u);
  EXPECT_EQ(get<std::string>(recs[0], *r, "name"), "台湾");
  EXPECT_EQ(get<std::string>(recs[0], *r, "adcode"), "710000");
  EXPECT_EQ(recs[0].geometry->type, geo::GeometryType::multi_polygon);
  // The first ring of Taiwan as written: three positions, not closed into a valid ring.
  EXPECT_EQ(recs[0].geometry->parts.at(0).rings.at(0).size(), 3u);
  EXPECT_EQ(recs[0].geometry->parts[0].rings[0][0], (geo::Coord{120.005859375, 23.4697265625, 0}));
}

TEST(GeoJsonReader, NewlineDelimited) {
  auto r = open_reader(data("points.ndjson"), ImportOptions{});
  EXPECT_EQ(type_of(*r, "name"), FieldType::text);
  EXPECT_EQ(type_of(*r, "n"), FieldType::real);
  EXPECT_EQ(type_of(*r, "when"), FieldType::datetime);
  EXPECT_EQ(type_of(*r, "tags"), FieldType::text);
  auto recs = read_all(*r);
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].line, 1);
  EXPECT_EQ(recs[1].line, 2);
  EXPECT_EQ(recs[2].line, 4);
  EXPECT_DOUBLE_EQ(get<double>(recs[0], *r, "n"), 1.0);
  EXPECT_EQ(get<Instant>(recs[1], *r, "when"), Instant::from_seconds(1614925800));
  EXPECT_TRUE(is_null(recs[0].values[*r->schema().find("when")]));
  EXPECT_EQ(get<std::string>(recs[2], *r, "tags"), "[\"x\",\"y\"]");
  EXPECT_FALSE(recs[2].geometry);
  EXPECT_TRUE(recs[2].error.empty());
}

TEST(GeoJsonReader, TextSequence) {
  auto r = open_reader(data("lines.geojsons"), ImportOptions{});
  EXPECT_EQ(r->geometry_type(), geo::GeometryType::line_string);
  auto recs = read_all(*r);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(get<std::string>(recs[1], *r, "k"), "v2");
  EXPECT_EQ(recs[1].geometry->coords.size(), 3u);
  EXPECT_EQ(recs[1].geometry->coords[1], (geo::Coord{2, 3, 0}));
}

TEST(GeoJsonReader, BrokenJsonIsInvalidInputWithPosition) {
  try {
    open_reader(data("broken_json.geojson"), ImportOptions{});
    FAIL();
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "invalid-json");
    EXPECT_NE(e.detail().find("byte"), std::string::npos) << e.detail();
  }
}

TEST(GeoJsonReader, BrokenGeometryIsARecordError) {
  auto r = open_reader(data("broken_geometry.geojson"), ImportOptions{});
  EXPECT_EQ(r->source_crs(), "urn:ogc:def:crs:EPSG::4326");
  auto recs = read_all(*r);
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_TRUE(recs[0].error.empty());
  EXPECT_EQ(recs[1].error, "broken geometry: a coordinate is not a number");
  EXPECT_EQ(recs[1].error_column, "geometry");
  EXPECT_EQ(recs[1].line, 3);
  EXPECT_EQ(get<std::int64_t>(recs[1], *r, "a"), 2);
  EXPECT_EQ(recs[2].geometry->coords[0], (geo::Coord{5, 6, 0}));
}

TEST(GeoJsonReader, SingleFeatureAndBareGeometry) {
  test::TempDir dir;
  auto f = dir.write("one.json",
                     R"({"type":"Feature","id":7,"geometry":{"type":"Polygon","coordinates":)"
                     R"([[[0,0,1],[1,0,1],[1,1,1],[0,0,1]]]},"properties":{"features":1}})");
  auto r = open_reader(f, ImportOptions{});
  auto recs = read_all(*r);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_TRUE(recs[0].geometry->has_z);
  EXPECT_EQ(recs[0].geometry->rings[0][2], (geo::Coord{1, 1, 1}));
  EXPECT_EQ(get<std::int64_t>(recs[0], *r, "features"), 1);

  auto g = dir.write("g.geojson", R"(  {"coordinates":[[1,2],[3,4]],"type":"MultiPoint"} )");
  auto r2 = open_reader(g, ImportOptions{});
  EXPECT_EQ(r2->geometry_type(), geo::GeometryType::multi_point);
  EXPECT_EQ(r2->schema().size(), 0u);
  auto recs2 = read_all(*r2);
  ASSERT_EQ(recs2.size(), 1u);
  EXPECT_EQ(recs2[0].geometry->parts.at(1).coords.at(0), (geo::Coord{3, 4, 0}));
}

TEST(GeoJsonReader, TruncatedCollection) {
  test::TempDir dir;
  auto f = dir.write("cut.geojson",
                     R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":)"
                     R"({},"geometry":null},{"type":"Feature","prop)");
  try {
    open_reader(f, ImportOptions{});
    FAIL();
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "invalid-json");
  }
}

// Features cut by the end of the 1 MiB read block; strings with escaped quotes and braces.
TEST(GeoJsonReader, FeaturesAcrossChunkBoundaries) {
  test::TempDir dir;
  std::string text = "{\"type\":\"FeatureCollection\",\"features\":[\n";
  const int n = 40000;
  for (int i = 1; i <= n; ++i) {
    if (i > 1) text += ",\n";
    text += fmt::format(
        R"({{"type":"Feature","properties":{{"i":{},"s":"a \"{{quoted}}\" ] brace {}"}},)"
        R"("geometry":{{"type":"Point","coordinates":[{}.5,{}.25]}}}})",
        i, i, i % 170, i % 80);
  }
  text += "\n]}\n";
  ASSERT_GT(text.size(), 4u << 20);
  auto p = dir.write("big.geojson", text);
  auto r = open_reader(p, ImportOptions{});
  RawRecord rec;
  int count = 0;
  while (r->next(rec)) {
    ++count;
    ASSERT_TRUE(rec.error.empty()) << rec.error;
    ASSERT_EQ(get<std::int64_t>(rec, *r, "i"), count);
    ASSERT_EQ(rec.line, count + 1);
    ASSERT_EQ(get<std::string>(rec, *r, "s"), fmt::format("a \"{{quoted}}\" ] brace {}", count));
    ASSERT_EQ(rec.geometry->coords[0].y, count % 80 + 0.25);
  }
  EXPECT_EQ(count, n);
}

}  // namespace
}  // namespace shikong::ingest
