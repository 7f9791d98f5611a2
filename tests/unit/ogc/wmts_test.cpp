// WMTS 1.0.0 in process: the capabilities document (layers, styles, time dimension, both tile
// matrix sets in their CRS axis order, resource templates), GetTile and GetFeatureInfo in KVP and
// RESTful form, and the exception codes and statuses of bad requests.
#include "ogc/wmts.hpp"

#include <gtest/gtest.h>

#include <string>

#include "maps_fixture.hpp"
#include "ogc/wmts_internal.hpp"

namespace shikong::ogc {
namespace {

using testing::MapsFixture;
using testing::Reply;

std::size_t count_of(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
  return n;
}

bool contains(const std::string& text, std::string_view what) {
  return text.find(what) != std::string::npos;
}

class WmtsTest : public MapsFixture {
 protected:
  void SetUp() override { register_wmts_routes(router_, context()); }

  static protocol::QueryParams get_tile(std::string layer, std::string format, std::string set,
                                        std::string matrix, std::string row, std::string col) {
    return {{"SERVICE", "WMTS"},
            {"REQUEST", "GetTile"},
            {"VERSION", "1.0.0"},
            {"LAYER", std::move(layer)},
            {"STYLE", "default"},
            {"FORMAT", std::move(format)},
            {"TILEMATRIXSET", std::move(set)},
            {"TILEMATRIX", std::move(matrix)},
            {"TILEROW", std::move(row)},
            {"TILECOL", std::move(col)}};
  }
  static protocol::QueryParams with(protocol::QueryParams q, std::string name, std::string value) {
    for (auto& kv : q)
      if (kv.first == name) {
        kv.second = std::move(value);
        return q;
      }
    q.emplace_back(std::move(name), std::move(value));
    return q;
  }
  static protocol::QueryParams without(protocol::QueryParams q, std::string_view name) {
    std::erase_if(q, [&](const auto& kv) { return kv.first == name; });
    return q;
  }
  // An exception report with this code and locator, at this status.
  void expect_exception(const Reply& r, int status, std::string_view code,
                        std::string_view locator) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_TRUE(contains(r.body, "xmlns:ows=\"http://www.opengis.net/ows/1.1\"")) << r.body;
    EXPECT_TRUE(contains(r.body, "exceptionCode=\"" + std::string(code) + "\"")) << r.body;
    if (!locator.empty()) {
      EXPECT_TRUE(contains(r.body, "locator=\"" + std::string(locator) + "\"")) << r.body;
    }
  }
};

TEST_F(WmtsTest, ExceptionReportIsOws11) {
  const std::string x = wmts_exception_report("TileOutOfRange", "TILEROW", "row < 4 & col");
  EXPECT_TRUE(contains(x, "<ows:ExceptionReport xmlns:ows=\"http://www.opengis.net/ows/1.1\""));
  EXPECT_TRUE(contains(x, "version=\"1.0.0\""));
  EXPECT_TRUE(contains(x, "<ows:Exception exceptionCode=\"TileOutOfRange\" locator=\"TILEROW\">"));
  EXPECT_TRUE(contains(x, "<ows:ExceptionText>row &lt; 4 &amp; col</ows:ExceptionText>"));

  EXPECT_EQ(wmts_exception_response(NotFound("tile-out-of-range", "x", "TILEROW"), false).status,
            400);
  EXPECT_EQ(wmts_exception_response(NotFound("tile-out-of-range", "x", "TileRow"), true).status,
            404);
  EXPECT_EQ(wmts_exception_response(InvalidInput("operation-not-supported", "x", "REQUEST"), false)
                .status,
            501);
  EXPECT_EQ(wmts_exception_response(InternalError("io", "x"), false).status, 500);
}

TEST_F(WmtsTest, Capabilities) {
  auto r = call("/ogc/wmts", {{"service", "WMTS"}, {"request", "GetCapabilities"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Type"), "application/xml; charset=UTF-8");
  const std::string& x = r.body;
  EXPECT_TRUE(contains(x, "<Capabilities xmlns=\"http://www.opengis.net/wmts/1.0\""));
  EXPECT_EQ(count_of(x, "<Layer>"), 2u);
  EXPECT_EQ(count_of(x, "</Layer>"), 2u);
  EXPECT_TRUE(contains(x, "<ows:Identifier>regions</ows:Identifier>"));
  EXPECT_TRUE(contains(x, "<ows:Identifier>cities</ows:Identifier>"));
  EXPECT_FALSE(contains(x, "hidden"));
  EXPECT_TRUE(contains(x, "<ows:LowerCorner>100 20</ows:LowerCorner>"));
  EXPECT_TRUE(contains(x, "<ows:UpperCorner>120 40</ows:UpperCorner>"));
  EXPECT_EQ(count_of(x, "<Style isDefault=\"true\">"), 2u);
  EXPECT_TRUE(contains(x,
                       "<LegendURL format=\"image/png\" xlink:href=\"http://test/api/v1/"
                       "datasets/regions/styles/default/legend.png\"/>"));
  EXPECT_EQ(count_of(x, "<Format>image/png</Format>"), 2u);
  EXPECT_EQ(count_of(x, "<Format>application/vnd.mapbox-vector-tile</Format>"), 2u);
  EXPECT_EQ(count_of(x, "<InfoFormat>text/html</InfoFormat>"), 2u);
  // Only the temporal layer has a time dimension: the whole valid time is the default.
  EXPECT_EQ(count_of(x, "<Dimension>"), 1u);
  EXPECT_TRUE(contains(x, "<Default>2020-01-01T00:00:00Z/2020-01-10T00:00:00Z</Default>"));
  EXPECT_TRUE(contains(x, "<Value>2020-01-01T00:00:00Z/2020-01-10T00:00:00Z</Value>"));
  EXPECT_TRUE(contains(x,
                       "template=\"http://test/ogc/wmts/1.0.0/cities/{Style}/{Time}/"
                       "{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}.png\""));
  EXPECT_TRUE(contains(x,
                       "template=\"http://test/ogc/wmts/1.0.0/regions/{Style}/"
                       "{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}.pbf\""));
  EXPECT_TRUE(contains(x,
                       "resourceType=\"FeatureInfo\" template=\"http://test/ogc/wmts/1.0.0/"
                       "regions/{Style}/{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}/{J}/"
                       "{I}.json\""));
  EXPECT_EQ(count_of(x, "<TileMatrixSet>WebMercatorQuad</TileMatrixSet>"), 2u);
  EXPECT_EQ(count_of(x, "<TileMatrixSet>CGCS2000Quad</TileMatrixSet>"), 2u);
  // Regions in CGCS2000Quad level 4: columns 12..13, rows 2..3.
  EXPECT_TRUE(contains(x,
                       "<TileMatrix>4</TileMatrix>\n<MinTileRow>2</MinTileRow>\n<MaxTileRow>3</"
                       "MaxTileRow>\n<MinTileCol>12</MinTileCol>\n<MaxTileCol>13</MaxTileCol>"));
  // The definitions, in the CRS axis order.
  EXPECT_TRUE(contains(x,
                       "<ows:SupportedCRS>urn:ogc:def:crs:EPSG::3857</ows:SupportedCRS>\n"
                       "<WellKnownScaleSet>urn:ogc:def:wkss:OGC:1.0:GoogleMapsCompatible"
                       "</WellKnownScaleSet>"));
  EXPECT_TRUE(contains(x, "<ows:SupportedCRS>urn:ogc:def:crs:EPSG::4490</ows:SupportedCRS>"));
  EXPECT_TRUE(contains(x,
                       "<ows:Identifier>0</ows:Identifier>\n<ScaleDenominator>559082264."
                       "0287178</ScaleDenominator>\n<TopLeftCorner>-20037508.3427892 "
                       "20037508.3427892</TopLeftCorner>"));
  EXPECT_EQ(count_of(x, "<TopLeftCorner>90 -180</TopLeftCorner>"), 20u);
  EXPECT_TRUE(contains(x,
                       "<ows:Identifier>1</ows:Identifier>\n<ScaleDenominator>"
                       "279541132.0143589</ScaleDenominator>\n<TopLeftCorner>90 -180"
                       "</TopLeftCorner>\n<TileWidth>256</TileWidth>\n<TileHeight>256"
                       "</TileHeight>\n<MatrixWidth>2</MatrixWidth>\n<MatrixHeight>1"
                       "</MatrixHeight>"));
  EXPECT_TRUE(contains(x, "<ows:Get xlink:href=\"http://test/ogc/wmts?\">"));
  EXPECT_TRUE(contains(x,
                       "<ServiceMetadataURL xlink:href=\"http://test/ogc/wmts/1.0.0/"
                       "WMTSCapabilities.xml\"/>"));

  auto rest = call("/ogc/wmts/1.0.0/WMTSCapabilities.xml");
  ASSERT_EQ(rest.status, 200);
  EXPECT_EQ(rest.body, r.body);
}

TEST_F(WmtsTest, CapabilitiesCarryTheKey) {
  auto r = call("/ogc/wmts/1.0.0/WMTSCapabilities.xml", {{"tk", "k1"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(contains(r.body, "{TileRow}/{TileCol}.png?tk=k1\""));
  EXPECT_TRUE(contains(r.body, "<ows:Get xlink:href=\"http://test/ogc/wmts?tk=k1&amp;\">"));
  EXPECT_TRUE(contains(r.body, "legend.png?tk=k1\""));
}

TEST_F(WmtsTest, KvpGetTile) {
  auto png = call("/ogc/wmts", get_tile("regions", "image/png", "WebMercatorQuad", "2", "1", "3"));
  ASSERT_EQ(png.status, 200) << png.body;
  EXPECT_EQ(png.header("Content-Type"), "image/png");
  EXPECT_EQ(png.body.rfind("\x89PNG", 0), 0u);
  EXPECT_EQ(png.header("Cache-Control"), "public, max-age=60");

  auto mvt = call("/ogc/wmts", get_tile("regions", "application/vnd.mapbox-vector-tile",
                                        "WebMercatorQuad", "2", "1", "3"));
  ASSERT_EQ(mvt.status, 200);
  EXPECT_TRUE(contains(mvt.body, "square"));
  auto east = call("/ogc/wmts", get_tile("regions", "application/vnd.mapbox-vector-tile",
                                         "CGCS2000Quad", "1", "0", "1"));
  ASSERT_EQ(east.status, 200);
  EXPECT_TRUE(contains(east.body, "square"));
  auto west = call("/ogc/wmts", get_tile("regions", "application/vnd.mapbox-vector-tile",
                                         "CGCS2000Quad", "1", "0", "0"));
  ASSERT_EQ(west.status, 200);
  EXPECT_TRUE(west.body.empty());

  // TIME filters the temporal layer; the default (no TIME) shows every feature.
  const auto q =
      get_tile("cities", "application/vnd.mapbox-vector-tile", "WebMercatorQuad", "0", "0", "0");
  EXPECT_TRUE(contains(call("/ogc/wmts", q).body, "city9"));
  auto day = call("/ogc/wmts", with(q, "TIME", "2020-01-02"));
  ASSERT_EQ(day.status, 200);
  EXPECT_TRUE(contains(day.body, "city1"));
  EXPECT_FALSE(contains(day.body, "city5"));
  EXPECT_TRUE(call("/ogc/wmts", with(q, "TIME", "2021-01-01")).body.empty());
  EXPECT_TRUE(contains(call("/ogc/wmts", with(q, "STYLE", "")).body, "city9"));
}

TEST_F(WmtsTest, KvpErrors) {
  const auto q = get_tile("regions", "image/png", "WebMercatorQuad", "2", "1", "3");
  expect_exception(call("/ogc/wmts", without(q, "LAYER")), 400, "MissingParameterValue", "LAYER");
  expect_exception(call("/ogc/wmts", without(q, "TILEROW")), 400, "MissingParameterValue",
                   "TILEROW");
  expect_exception(call("/ogc/wmts", without(q, "SERVICE")), 400, "MissingParameterValue",
                   "SERVICE");
  expect_exception(call("/ogc/wmts", without(q, "VERSION")), 400, "MissingParameterValue",
                   "VERSION");
  expect_exception(call("/ogc/wmts", with(q, "VERSION", "2.0.0")), 400, "InvalidParameterValue",
                   "VERSION");
  expect_exception(call("/ogc/wmts", with(q, "REQUEST", "GetMap")), 501, "OperationNotSupported",
                   "REQUEST");
  expect_exception(call("/ogc/wmts", with(q, "SERVICE", "WMS")), 400, "InvalidParameterValue",
                   "SERVICE");
  expect_exception(call("/ogc/wmts", with(q, "LAYER", "hidden")), 400, "InvalidParameterValue",
                   "LAYER");
  expect_exception(call("/ogc/wmts", with(q, "LAYER", "nosuch")), 400, "InvalidParameterValue",
                   "LAYER");
  expect_exception(call("/ogc/wmts", with(q, "STYLE", "nosuch")), 400, "InvalidParameterValue",
                   "STYLE");
  expect_exception(call("/ogc/wmts", with(q, "FORMAT", "image/gif")), 400, "InvalidParameterValue",
                   "FORMAT");
  expect_exception(call("/ogc/wmts", with(q, "TILEMATRIXSET", "EPSG:9999")), 400,
                   "InvalidParameterValue", "TILEMATRIXSET");
  expect_exception(call("/ogc/wmts", with(q, "TILEMATRIX", "99")), 400, "InvalidParameterValue",
                   "TILEMATRIX");
  expect_exception(call("/ogc/wmts", with(q, "TILEROW", "4")), 400, "TileOutOfRange", "TILEROW");
  expect_exception(call("/ogc/wmts", with(q, "TILECOL", "-1")), 400, "TileOutOfRange", "TILECOL");
  expect_exception(call("/ogc/wmts", with(q, "TILECOL", "abc")), 400, "InvalidParameterValue",
                   "TILECOL");
  expect_exception(call("/ogc/wmts", with(with(q, "LAYER", "cities"), "TIME", "not-a-time")), 400,
                   "InvalidParameterValue", "TIME");
  // A layer without a time dimension ignores TIME, as WMTS asks of unknown dimensions.
  EXPECT_EQ(call("/ogc/wmts", with(q, "TIME", "not-a-time")).status, 200);
  expect_exception(
      call("/ogc/wmts",
           {{"SERVICE", "WMTS"}, {"REQUEST", "GetCapabilities"}, {"AcceptVersions", "2.0.0"}}),
      400, "VersionNegotiationFailed", "AcceptVersions");
  expect_exception(call("/ogc/wmts"), 400, "MissingParameterValue", "SERVICE");
}

TEST_F(WmtsTest, RestTiles) {
  auto png = call("/ogc/wmts/1.0.0/regions/default/WebMercatorQuad/2/1/3.png");
  ASSERT_EQ(png.status, 200) << png.body;
  EXPECT_EQ(png.body.rfind("\x89PNG", 0), 0u);
  auto jpeg = call("/ogc/wmts/1.0.0/regions/default/CGCS2000Quad/1/0/1.jpeg");
  ASSERT_EQ(jpeg.status, 200);
  EXPECT_EQ(jpeg.header("Content-Type"), "image/jpeg");
  auto mvt = call("/ogc/wmts/1.0.0/regions/default/CGCS2000Quad/1/0/1.pbf");
  ASSERT_EQ(mvt.status, 200);
  EXPECT_TRUE(contains(mvt.body, "square"));

  // The time segment: an instant, or an interval whose '/' spans two segments.
  auto all = call(
      "/ogc/wmts/1.0.0/cities/default/2020-01-01T00:00:00Z/2020-01-10T00:00:00Z/WebMercatorQuad/"
      "0/0/0.pbf");
  ASSERT_EQ(all.status, 200);
  EXPECT_TRUE(contains(all.body, "city0"));
  EXPECT_TRUE(contains(all.body, "city9"));
  auto none = call("/ogc/wmts/1.0.0/cities/default/2021-01-01/WebMercatorQuad/0/0/0.pbf");
  ASSERT_EQ(none.status, 200);
  EXPECT_TRUE(none.body.empty());

  expect_exception(call("/ogc/wmts/1.0.0/nosuch/default/WebMercatorQuad/0/0/0.png"), 404,
                   "InvalidParameterValue", "layer");
  expect_exception(call("/ogc/wmts/1.0.0/hidden/default/WebMercatorQuad/0/0/0.png"), 404,
                   "InvalidParameterValue", "layer");
  expect_exception(call("/ogc/wmts/1.0.0/regions/nosuch/WebMercatorQuad/0/0/0.png"), 404,
                   "InvalidParameterValue", "style");
  expect_exception(call("/ogc/wmts/1.0.0/regions/default/Nope/0/0/0.png"), 404,
                   "InvalidParameterValue", "TileMatrixSet");
  expect_exception(call("/ogc/wmts/1.0.0/regions/default/WebMercatorQuad/99/0/0.png"), 404,
                   "InvalidParameterValue", "TileMatrix");
  expect_exception(call("/ogc/wmts/1.0.0/regions/default/WebMercatorQuad/1/2/0.png"), 404,
                   "TileOutOfRange", "TileRow");
  expect_exception(call("/ogc/wmts/1.0.0/regions/default/WebMercatorQuad/1/0/0.gif"), 404,
                   "InvalidParameterValue", "path");
  expect_exception(call("/ogc/wmts/1.0.0/regions/default/0/0.png"), 404, "InvalidParameterValue",
                   "path");
  expect_exception(call("/ogc/wmts/1.0.0/cities/default/yesterday/WebMercatorQuad/0/0/0.png"), 400,
                   "InvalidParameterValue", "Time");
}

TEST_F(WmtsTest, FeatureInfo) {
  // Tile 2/1/3 spans 90..180 E, 0..66.5 N: pixel (57, 166) is near (110 E, 30 N) in the square.
  auto q = get_tile("regions", "image/png", "WebMercatorQuad", "2", "1", "3");
  q = with(
      with(with(with(q, "REQUEST", "GetFeatureInfo"), "INFOFORMAT", "application/json"), "I", "57"),
      "J", "166");
  auto json = call("/ogc/wmts", q);
  ASSERT_EQ(json.status, 200) << json.body;
  EXPECT_EQ(json.header("Content-Type"), "application/json");
  auto j = json.parse();
  ASSERT_EQ(j["features"].get_array().size(), 1u);
  EXPECT_EQ(std::string_view(j["features"].at(0)["properties"]["name"].get_string()), "square");
  EXPECT_EQ(std::string_view(j["features"].at(0)["layer"].get_string()), "regions");

  auto text = call("/ogc/wmts", with(q, "INFOFORMAT", "text/plain"));
  ASSERT_EQ(text.status, 200);
  EXPECT_TRUE(contains(text.body, "name = 'square'")) << text.body;
  auto html = call("/ogc/wmts", with(q, "INFOFORMAT", "text/html"));
  ASSERT_EQ(html.status, 200);
  EXPECT_TRUE(contains(html.body, "<td>square</td>")) << html.body;

  auto rest = call("/ogc/wmts/1.0.0/regions/default/WebMercatorQuad/2/1/3/166/57.json");
  ASSERT_EQ(rest.status, 200) << rest.body;
  EXPECT_TRUE(contains(rest.body, "\"square\""));
  // The top-left pixel (90 E, 66.5 N) is outside the square.
  auto miss = call("/ogc/wmts/1.0.0/regions/default/WebMercatorQuad/2/1/3/0/0.json");
  ASSERT_EQ(miss.status, 200);
  EXPECT_EQ(miss.parse()["features"].get_array().size(), 0u);

  expect_exception(call("/ogc/wmts", with(q, "I", "256")), 400, "PointIJOutOfRange", "I");
  expect_exception(call("/ogc/wmts", with(q, "J", "-1")), 400, "PointIJOutOfRange", "J");
  expect_exception(call("/ogc/wmts", with(q, "INFOFORMAT", "application/xml")), 400,
                   "InvalidParameterValue", "INFOFORMAT");
  expect_exception(call("/ogc/wmts", without(q, "I")), 400, "MissingParameterValue", "I");
}

}  // namespace
}  // namespace shikong::ogc
