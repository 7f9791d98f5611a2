// OGC API - Tiles and the XYZ /tiles routes in process: tile matrix set definitions, tileset
// metadata and links, TileJSON, tiles of known features, cache headers and the error answers.
#include "ogc/tiles.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "api/tiles.hpp"
#include "maps_fixture.hpp"
#include "ogc/features.hpp"
#include "ogc/tile_common.hpp"

namespace shikong::ogc {
namespace {

using testing::MapsFixture;
using testing::Reply;

std::string str(simdjson::dom::element e) {
  return std::string(std::string_view(e.get_string()));
}

// The links of a document with this rel.
std::vector<simdjson::dom::element> links_of(simdjson::dom::element links, std::string_view rel) {
  std::vector<simdjson::dom::element> out;
  for (auto l : links.get_array())
    if (std::string_view(l["rel"].get_string()) == rel) out.push_back(l);
  return out;
}

bool is_png(const std::string& body) {
  return body.rfind("\x89PNG\r\n\x1a\n", 0) == 0;
}

class TilesTest : public MapsFixture {
 protected:
  void SetUp() override {
    const MapsContext ctx = context();
    FeaturesContext fctx{*store_, {}, ctx.can_read};
    register_features_routes(router_, fctx);
    register_ogc_tiles_routes(router_, ctx);
    api::register_tile_routes(router_, ctx);
  }
};

TEST(TileRange, CoversTheTilesAnExtentTouches) {
  const auto& c = tiles::cgcs2000_quad();
  const Envelope square = Envelope::of(100, 20, 120, 40);
  EXPECT_EQ(*tile_range(c, *c.find("1"), square), (TileRange{1, 1, 0, 0}));
  EXPECT_EQ(*tile_range(c, *c.find("3"), square), (TileRange{6, 6, 1, 1}));
  EXPECT_EQ(*tile_range(c, *c.find("4"), square), (TileRange{12, 13, 2, 3}));
  // A box ending on a tile edge does not reach into the next tile.
  EXPECT_EQ(*tile_range(c, *c.find("1"), Envelope::of(-180, 0, 0, 90)), (TileRange{0, 0, 0, 0}));
  EXPECT_EQ(*tile_range(c, *c.find("2"), Envelope::of(-180, -90, 180, 90)),
            (TileRange{0, 3, 0, 1}));
  const auto& w = tiles::web_mercator_quad();
  EXPECT_EQ(*tile_range(w, *w.find("0"), square), (TileRange{0, 0, 0, 0}));
  EXPECT_EQ(*tile_range(w, *w.find("2"), square), (TileRange{3, 3, 1, 1}));
  // Latitudes beyond the Mercator limit stay in the matrix.
  EXPECT_EQ(*tile_range(w, *w.find("1"), Envelope::of(-180, -90, 180, 90)),
            (TileRange{0, 1, 0, 1}));
  EXPECT_FALSE(tile_range(w, *w.find("1"), Envelope{}).has_value());
}

TEST(TileIndex, OnlyDecimalIntegers) {
  EXPECT_EQ(parse_tile_index("0", "z"), 0);
  EXPECT_EQ(parse_tile_index("1048575", "x"), 1048575);
  for (const char* bad : {"", "-1", "1.5", "x", "99999999999999"}) {
    try {
      parse_tile_index(bad, "y");
      ADD_FAILURE() << bad;
    } catch (const NotFound& e) {
      EXPECT_EQ(e.code(), "tile-out-of-range");
      EXPECT_EQ(e.parameter(), "y");
    }
  }
  EXPECT_EQ(split_commas("a,,b"), (std::vector<std::string_view>{"a", "", "b"}));
}

TEST_F(TilesTest, TileMatrixSetList) {
  auto r = call("/ogc/tileMatrixSets");
  ASSERT_EQ(r.status, 200);
  auto sets = r.parse()["tileMatrixSets"].get_array();
  ASSERT_EQ(sets.size(), 2u);
  EXPECT_EQ(str(sets.at(0)["id"]), "WebMercatorQuad");
  EXPECT_EQ(str(sets.at(1)["id"]), "CGCS2000Quad");
  auto self = links_of(sets.at(1)["links"], "self");
  ASSERT_EQ(self.size(), 1u);
  EXPECT_EQ(str(self[0]["href"]), "http://test/ogc/tileMatrixSets/CGCS2000Quad");
  EXPECT_EQ(call("/ogc/tileMatrixSets", {{"f", "xml"}}).status, 400);
}

TEST_F(TilesTest, Cgcs2000QuadDefinitionInLatLonOrder) {
  auto r = call("/ogc/tileMatrixSets/CGCS2000Quad");
  ASSERT_EQ(r.status, 200);
  auto j = r.parse();
  EXPECT_EQ(str(j["id"]), "CGCS2000Quad");
  EXPECT_EQ(str(j["crs"]), "http://www.opengis.net/def/crs/EPSG/0/4490");
  EXPECT_EQ(str(j["orderedAxes"].at(0)), "Lat");
  EXPECT_EQ(str(j["orderedAxes"].at(1)), "Lon");
  auto ms = j["tileMatrices"].get_array();
  ASSERT_EQ(ms.size(), 20u);
  auto m1 = ms.at(0);
  EXPECT_EQ(str(m1["id"]), "1");
  EXPECT_EQ(str(m1["cornerOfOrigin"]), "topLeft");
  EXPECT_EQ(double(m1["pointOfOrigin"].at(0)), 90.0);
  EXPECT_EQ(double(m1["pointOfOrigin"].at(1)), -180.0);
  EXPECT_EQ(double(m1["cellSize"]), 0.703125);
  EXPECT_NEAR(double(m1["scaleDenominator"]), 279541132.0143589, 1e-3);
  EXPECT_EQ(int64_t(m1["matrixWidth"]), 2);
  EXPECT_EQ(int64_t(m1["matrixHeight"]), 1);
  EXPECT_EQ(int64_t(m1["tileWidth"]), 256);
  EXPECT_EQ(int64_t(ms.at(19)["matrixWidth"]), 1 << 20);
}

TEST_F(TilesTest, WebMercatorQuadDefinition) {
  auto r = call("/ogc/tileMatrixSets/WebMercatorQuad");
  ASSERT_EQ(r.status, 200);
  auto j = r.parse();
  EXPECT_EQ(str(j["uri"]), "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad");
  EXPECT_EQ(str(j["crs"]), "http://www.opengis.net/def/crs/EPSG/0/3857");
  EXPECT_EQ(str(j["wellKnownScaleSet"]),
            "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible");
  auto ms = j["tileMatrices"].get_array();
  ASSERT_EQ(ms.size(), 25u);
  EXPECT_NEAR(double(ms.at(0)["scaleDenominator"]), 559082264.0287178, 1e-6);
  EXPECT_EQ(double(ms.at(0)["pointOfOrigin"].at(0)), -20037508.3427892);
  EXPECT_EQ(double(ms.at(0)["pointOfOrigin"].at(1)), 20037508.3427892);
  EXPECT_EQ(call("/ogc/tileMatrixSets/Nope").status, 404);
}

TEST_F(TilesTest, CollectionTilesetsListAndMetadata) {
  auto list = call("/ogc/collections/regions/tiles");
  ASSERT_EQ(list.status, 200);
  auto sets = list.parse()["tilesets"].get_array();
  ASSERT_EQ(sets.size(), 2u);
  EXPECT_EQ(str(sets.at(0)["dataType"]), "vector");
  EXPECT_EQ(str(sets.at(0)["tileMatrixSetURI"]),
            "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad");
  EXPECT_EQ(str(links_of(sets.at(1)["links"], "self").at(0)["href"]),
            "http://test/ogc/collections/regions/tiles/CGCS2000Quad");
  EXPECT_EQ(str(links_of(sets.at(1)["links"],
                         "http://www.opengis.net/def/rel/ogc/1.0/"
                         "tiling-scheme")
                    .at(0)["href"]),
            "http://test/ogc/tileMatrixSets/CGCS2000Quad");

  auto r = call("/ogc/collections/regions/tiles/CGCS2000Quad", {{"tk", "k1"}});
  ASSERT_EQ(r.status, 200);
  auto j = r.parse();
  EXPECT_EQ(str(j["dataType"]), "vector");
  EXPECT_EQ(str(j["crs"]), "http://www.opengis.net/def/crs/EPSG/0/4490");
  auto items = links_of(j["links"], "item");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(str(items[0]["href"]),
            "http://test/ogc/collections/regions/tiles/CGCS2000Quad/{tileMatrix}/{tileRow}/"
            "{tileCol}?f=mvt&tk=k1");
  EXPECT_EQ(str(items[0]["type"]), "application/vnd.mapbox-vector-tile");
  EXPECT_TRUE(bool(items[0]["templated"]));
  auto limits = j["tileMatrixSetLimits"].get_array();
  ASSERT_EQ(limits.size(), 20u);
  EXPECT_EQ(str(limits.at(3)["tileMatrix"]), "4");
  EXPECT_EQ(int64_t(limits.at(3)["minTileCol"]), 12);
  EXPECT_EQ(int64_t(limits.at(3)["maxTileCol"]), 13);
  EXPECT_EQ(int64_t(limits.at(3)["minTileRow"]), 2);
  EXPECT_EQ(int64_t(limits.at(3)["maxTileRow"]), 3);
  EXPECT_EQ(str(j["layers"].at(0)["id"]), "regions");
  EXPECT_EQ(int64_t(j["layers"].at(0)["geometryDimension"]), 2);
  EXPECT_EQ(str(j["layers"].at(0)["propertiesSchema"]["properties"]["area"]["type"]), "number");

  auto map = call("/ogc/collections/regions/map/tiles/WebMercatorQuad");
  ASSERT_EQ(map.status, 200);
  auto m = map.parse();
  EXPECT_EQ(str(m["dataType"]), "map");
  auto map_items = links_of(m["links"], "item");
  ASSERT_EQ(map_items.size(), 3u);
  EXPECT_EQ(str(map_items[0]["href"]),
            "http://test/ogc/collections/regions/map/tiles/WebMercatorQuad/{tileMatrix}/"
            "{tileRow}/{tileCol}?f=png");
  EXPECT_EQ(str(map_items[2]["type"]), "image/webp");

  EXPECT_EQ(call("/ogc/collections/hidden/tiles").status, 404);
  EXPECT_EQ(call("/ogc/collections/hidden/tiles/WebMercatorQuad").status, 404);
  EXPECT_EQ(call("/ogc/collections/nosuch/map/tiles").status, 404);
  EXPECT_EQ(call("/ogc/collections/regions/tiles/Nope").status, 404);
}

TEST_F(TilesTest, ConformanceAndCollectionLinks) {
  auto c = call("/ogc/conformance");
  ASSERT_EQ(c.status, 200);
  std::vector<std::string> classes;
  for (auto v : c.parse()["conformsTo"].get_array()) classes.push_back(str(v));
  for (const auto& t : tiles_conformance_classes())
    EXPECT_NE(std::find(classes.begin(), classes.end(), t), classes.end()) << t;
  EXPECT_NE(std::find(classes.begin(), classes.end(),
                      "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt"),
            classes.end());

  auto col = call("/ogc/collections/regions");
  ASSERT_EQ(col.status, 200);
  auto j = col.parse();
  EXPECT_EQ(str(links_of(j["links"], "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector")
                    .at(0)["href"]),
            "http://test/ogc/collections/regions/tiles");
  EXPECT_EQ(str(links_of(j["links"], "http://www.opengis.net/def/rel/ogc/1.0/tilesets-map")
                    .at(0)["href"]),
            "http://test/ogc/collections/regions/map/tiles");
}

TEST_F(TilesTest, OgcVectorAndMapTiles) {
  // Regions is the square 100..120 E, 20..40 N: tile 2/1/3 (row 1, col 3) holds it.
  auto first = call("/ogc/collections/regions/tiles/WebMercatorQuad/2/1/3");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.header("Content-Type"), "application/vnd.mapbox-vector-tile");
  EXPECT_FALSE(first.body.empty());
  EXPECT_NE(first.body.find("regions"), std::string::npos);
  EXPECT_EQ(first.header("X-Cache"), "miss");
  EXPECT_EQ(first.header("Cache-Control"), "public, max-age=60");
  EXPECT_FALSE(first.header("ETag").empty());
  auto again = call("/ogc/collections/regions/tiles/WebMercatorQuad/2/1/3");
  EXPECT_EQ(again.header("X-Cache"), "hit");
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("ETag"), first.header("ETag"));

  auto empty = call("/ogc/collections/regions/tiles/WebMercatorQuad/2/1/0");
  ASSERT_EQ(empty.status, 200);
  EXPECT_TRUE(empty.body.empty());
  EXPECT_EQ(call("/ogc/collections/regions/tiles/WebMercatorQuad/2/1/4").status, 404);
  EXPECT_EQ(call("/ogc/collections/regions/tiles/WebMercatorQuad/25/0/0").status, 404);
  EXPECT_EQ(call("/ogc/collections/regions/tiles/WebMercatorQuad/2/1/3", {{"f", "png"}}).status,
            400);
  EXPECT_EQ(
      call("/ogc/collections/regions/tiles/WebMercatorQuad/2/1/3", {{"datetime", "soon"}}).status,
      400);

  // CGCS2000Quad level 1: the eastern tile holds the square, the western one nothing.
  auto east = call("/ogc/collections/regions/tiles/CGCS2000Quad/1/0/1");
  ASSERT_EQ(east.status, 200);
  EXPECT_FALSE(east.body.empty());
  auto west = call("/ogc/collections/regions/tiles/CGCS2000Quad/1/0/0");
  ASSERT_EQ(west.status, 200);
  EXPECT_TRUE(west.body.empty());

  auto png = call("/ogc/collections/regions/map/tiles/WebMercatorQuad/2/1/3", {{"f", "png"}});
  ASSERT_EQ(png.status, 200);
  EXPECT_EQ(png.header("Content-Type"), "image/png");
  EXPECT_TRUE(is_png(png.body));
  auto jpeg = call("/ogc/collections/regions/map/tiles/CGCS2000Quad/1/0/1", {{"f", "jpeg"}});
  ASSERT_EQ(jpeg.status, 200);
  EXPECT_EQ(jpeg.header("Content-Type"), "image/jpeg");
  EXPECT_EQ(jpeg.body.substr(0, 2), "\xff\xd8");
  EXPECT_EQ(call("/ogc/collections/regions/map/tiles/WebMercatorQuad/2/1/3", {{"f", "mvt"}}).status,
            400);
  EXPECT_EQ(call("/ogc/collections/regions/map/tiles/WebMercatorQuad/2/1/3", {{"style", "nosuch"}})
                .status,
            404);
  EXPECT_EQ(call("/ogc/collections/hidden/tiles/WebMercatorQuad/0/0/0").status, 404);
}

TEST_F(TilesTest, TileJson) {
  auto r = call("/tiles/regions.json");
  ASSERT_EQ(r.status, 200);
  auto j = r.parse();
  EXPECT_EQ(str(j["tilejson"]), "3.0.0");
  EXPECT_EQ(str(j["name"]), "Regions");
  EXPECT_EQ(str(j["scheme"]), "xyz");
  EXPECT_EQ(str(j["tiles"].at(0)), "http://test/tiles/regions/{z}/{x}/{y}.pbf");
  EXPECT_EQ(int64_t(j["minzoom"]), 0);
  EXPECT_EQ(int64_t(j["maxzoom"]), 22);
  auto b = j["bounds"];
  EXPECT_EQ(double(b.at(0)), 100.0);
  EXPECT_EQ(double(b.at(1)), 20.0);
  EXPECT_EQ(double(b.at(2)), 120.0);
  EXPECT_EQ(double(b.at(3)), 40.0);
  EXPECT_EQ(double(j["center"].at(0)), 110.0);
  EXPECT_EQ(double(j["center"].at(1)), 30.0);
  EXPECT_EQ(int64_t(j["center"].at(2)), 3);
  auto layer = j["vector_layers"].at(0);
  EXPECT_EQ(str(layer["id"]), "regions");
  EXPECT_EQ(str(layer["fields"]["name"]), "String");
  EXPECT_EQ(str(layer["fields"]["area"]), "Number");

  auto two = call("/tiles/regions,cities.json", {{"tk", "abc"}, {"datetime", "2020-01-01"}});
  ASSERT_EQ(two.status, 200);
  auto t = two.parse();
  EXPECT_EQ(str(t["tiles"].at(0)),
            "http://test/tiles/regions,cities/{z}/{x}/{y}.pbf?datetime=2020-01-01&tk=abc");
  ASSERT_EQ(t["vector_layers"].get_array().size(), 2u);
  EXPECT_EQ(str(t["vector_layers"].at(1)["id"]), "cities");
  EXPECT_EQ(str(t["vector_layers"].at(1)["fields"]["pop"]), "Number");
  EXPECT_EQ(str(t["name"]), "Regions, Cities");

  EXPECT_EQ(call("/tiles/nosuch.json").status, 404);
  EXPECT_EQ(call("/tiles/hidden.json").status, 404);
  EXPECT_EQ(call("/tiles/regions,regions.json").status, 400);
  EXPECT_EQ(call("/tiles/regions,.json").status, 400);
  EXPECT_EQ(call("/tiles/regions.json", {{"datetime", "2020-13-45"}}).status, 400);
}

TEST_F(TilesTest, XyzVectorTiles) {
  auto r = call("/tiles/regions/2/3/1.pbf");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Type"), "application/vnd.mapbox-vector-tile");
  EXPECT_NE(r.body.find("regions"), std::string::npos);
  EXPECT_NE(r.body.find("square"), std::string::npos);

  auto both = call("/tiles/regions,cities/2/3/1.pbf");
  ASSERT_EQ(both.status, 200);
  EXPECT_NE(both.body.find("regions"), std::string::npos);
  EXPECT_NE(both.body.find("cities"), std::string::npos);

  // Valid time: the cities exist on 2020-01-01 .. 2020-01-10 only.
  EXPECT_FALSE(
      call("/tiles/cities/0/0/0.pbf", {{"datetime", "2020-01-01T00:00:00Z"}}).body.empty());
  auto later = call("/tiles/cities/0/0/0.pbf", {{"datetime", "2021-01-01T00:00:00Z/.."}});
  ASSERT_EQ(later.status, 200);
  EXPECT_TRUE(later.body.empty());

  auto named = call("/tiles/cities/0/0/0.pbf", {{"fields", "name"}});
  ASSERT_EQ(named.status, 200);
  EXPECT_NE(named.body.find("city3"), std::string::npos);
  EXPECT_EQ(named.body.find("pop"), std::string::npos);

  auto east = call("/tiles/regions/CGCS2000Quad/1/1/0.pbf");
  ASSERT_EQ(east.status, 200);
  EXPECT_FALSE(east.body.empty());
  auto west = call("/tiles/regions/CGCS2000Quad/1/0/0.pbf");
  ASSERT_EQ(west.status, 200);
  EXPECT_TRUE(west.body.empty());

  auto z99 = call("/tiles/regions/99/0/0.pbf");
  EXPECT_EQ(z99.status, 404);
  EXPECT_EQ(z99.error_code, "tile-out-of-range");
  EXPECT_EQ(call("/tiles/regions/2/4/0.pbf").error_code, "tile-out-of-range");
  EXPECT_EQ(call("/tiles/regions/2/0/4.pbf").error_code, "tile-out-of-range");
  EXPECT_EQ(call("/tiles/regions/CGCS2000Quad/0/0/0.pbf").error_code, "tile-out-of-range");
  EXPECT_EQ(call("/tiles/regions/CGCS2000Quad/1/2/0.pbf").error_code, "tile-out-of-range");
  EXPECT_EQ(call("/tiles/regions/Nope/1/0/0.pbf").error_code, "unknown-tile-matrix-set");
  EXPECT_EQ(call("/tiles/nosuch/0/0/0.pbf").error_code, "unknown-dataset");
  EXPECT_EQ(call("/tiles/hidden/0/0/0.pbf").error_code, "unknown-dataset");
  auto bad_time = call("/tiles/regions/0/0/0.pbf", {{"datetime", "yesterday"}});
  EXPECT_EQ(bad_time.status, 400);
  EXPECT_EQ(bad_time.error_code, "invalid-datetime");
  EXPECT_EQ(call("/tiles/regions/0/0/0.pbf", {{"fields", "nosuch"}}).status, 400);
  EXPECT_EQ(call("/tiles/regions/0/0/0.gif").error_code, "unknown-format");
  EXPECT_EQ(call("/tiles/regions/0/0/0").error_code, "unknown-format");
}

TEST_F(TilesTest, XyzRasterTiles) {
  auto png = call("/tiles/regions/2/3/1.png");
  ASSERT_EQ(png.status, 200) << png.body;
  EXPECT_EQ(png.header("Content-Type"), "image/png");
  EXPECT_TRUE(is_png(png.body));
  auto styled = call("/tiles/regions,cities/2/3/1.webp", {{"style", "default,default"}});
  ASSERT_EQ(styled.status, 200);
  EXPECT_EQ(styled.body.substr(0, 4), "RIFF");
  EXPECT_EQ(call("/tiles/regions/2/3/1.png", {{"style", "nosuch"}}).error_code, "unknown-style");
  EXPECT_EQ(call("/tiles/regions,cities/2/3/1.png", {{"style", "a,b,c"}}).status, 400);
}

}  // namespace
}  // namespace shikong::ogc
