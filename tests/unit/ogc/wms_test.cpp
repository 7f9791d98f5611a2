// WMS 1.3.0 parameter parsing (axis order of BBOX per CRS, sizes, colours, time, formats,
// exception codes) and the capabilities document written from a fixed description.
#include <gtest/gtest.h>

#include <functional>

#include "core/error.hpp"
#include "datum/time.hpp"
#include "ogc/wms_capabilities.hpp"
#include "ogc/wms_request.hpp"
#include "protocol/query.hpp"

namespace shikong::ogc::wms {
namespace {

// The WMS exception code and locator an expression throws, "<accepted>" when it does not.
std::string rejection(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return std::string(wms_exception_code(e)) + "@" + e.parameter();
  }
  return "<accepted>";
}

protocol::Request kvp(protocol::QueryParams q) {
  protocol::Request r;
  r.method = "GET";
  r.path = "/ogc/wms";
  r.query = std::move(q);
  return r;
}

protocol::QueryParams get_map_params() {
  return {{"service", "WMS"},         {"version", "1.3.0"}, {"request", "GetMap"},
          {"layers", "cities,roads"}, {"styles", ""},       {"crs", "EPSG:4326"},
          {"bbox", "20,100,40,130"},  {"width", "300"},     {"height", "200"},
          {"format", "image/png"}};
}

protocol::QueryParams with(protocol::QueryParams q, std::string name, std::string value) {
  for (auto& kv : q)
    if (kv.first == name) {
      kv.second = std::move(value);
      return q;
    }
  q.emplace_back(std::move(name), std::move(value));
  return q;
}

protocol::QueryParams without(protocol::QueryParams q, std::string_view name) {
  std::erase_if(q, [&](const auto& kv) { return kv.first == name; });
  return q;
}

TEST(WmsBbox, AxisOrderFollowsTheCrs) {
  // EPSG:4326 and EPSG:4490: latitude first.
  EXPECT_EQ(parse_bbox("20,100,40,130", datum::epsg(4326)), Envelope::of(100, 20, 130, 40));
  EXPECT_EQ(parse_bbox("20,100,40,130", datum::epsg(4490)), Envelope::of(100, 20, 130, 40));
  // CRS:84: longitude first.
  EXPECT_EQ(parse_bbox("100,20,130,40", datum::parse_crs("CRS:84")),
            Envelope::of(100, 20, 130, 40));
  // EPSG:3857: x, y.
  EXPECT_EQ(parse_bbox("-20037508.34,-1000,0,5e6", datum::epsg(3857)),
            Envelope::of(-20037508.34, -1000, 0, 5e6));
  // EPSG:4547 (CGCS2000 GK CM 114E): northing first.
  EXPECT_EQ(parse_bbox("3000000,400000,3100000,500000", datum::epsg(4547)),
            Envelope::of(400000, 3000000, 500000, 3100000));
  EXPECT_EQ(parse_bbox(" 1 , +2,3,4", datum::crs84()), Envelope::of(1, 2, 3, 4));
}

TEST(WmsBbox, RejectsInvertedEmptyAndMalformedBoxes) {
  const auto wgs = datum::epsg(4326);
  for (const char* bad :
       {"40,100,20,130", "20,130,40,100", "20,100,20,130", "20,100,40,100", "a,b,c,d", "1,2,3",
        "1,2,3,4,5", "", "1,2,,4", "1,2,3,nan", "1,2,3,inf", "0x1,2,3,4", "1;2;3;4"})
    EXPECT_EQ(rejection([&] { parse_bbox(bad, wgs); }), "InvalidParameterValue@BBOX") << bad;
  // Inverted in the CRS's own axis order, whatever GIS order would say.
  EXPECT_EQ(rejection([&] { parse_bbox("130,20,100,40", datum::crs84()); }),
            "InvalidParameterValue@BBOX");
}

TEST(WmsCrs, OfferedListAndNames) {
  const auto& list = offered_crs();
  ASSERT_GE(list.size(), 25u);
  EXPECT_EQ(wms_crs_name(list[0]), "EPSG:4490");
  std::vector<std::string> names;
  for (const auto& c : list) names.push_back(wms_crs_name(c));
  for (const char* want :
       {"EPSG:4326", "CRS:84", "EPSG:3857", "EPSG:4534", "EPSG:4547", "EPSG:4554"})
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
  EXPECT_EQ(std::find(names.begin(), names.end(), "EPSG:4533"), names.end());

  EXPECT_EQ(parse_crs("EPSG:4326", list).epsg, 4326);
  EXPECT_EQ(parse_crs("epsg:3857", list).epsg, 3857);
  EXPECT_EQ(parse_crs("CRS:84", list), datum::crs84());
  EXPECT_TRUE(parse_crs("EPSG:4547", list).lat_first);
  EXPECT_EQ(parse_crs("urn:ogc:def:crs:EPSG::4490", list).epsg, 4490);
  EXPECT_EQ(parse_crs("http://www.opengis.net/def/crs/EPSG/0/4326", list).epsg, 4326);
  for (const char* bad :
       {"EPSG:999999", "EPSG:32650", "foo", "", "EPSG:4533", "EPSG:4326;x",
        R"(GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],)"
        R"(PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]])",
        R"({"type":"GeographicCRS","id":{"authority":"EPSG","code":4326}})"})
    EXPECT_EQ(rejection([&] { parse_crs(bad, list); }), "InvalidCRS@CRS") << bad;
}

TEST(WmsValues, SizesColoursTransparencyFormats) {
  EXPECT_EQ(parse_size("256", "WIDTH", 4096), 256);
  EXPECT_EQ(parse_size("4096", "WIDTH", 4096), 4096);
  for (const char* bad : {"0", "-5", "4097", "100000", "1.5", "abc", ""})
    EXPECT_EQ(rejection([&] { parse_size(bad, "WIDTH", 4096); }), "InvalidParameterValue@WIDTH")
        << bad;

  EXPECT_EQ(parse_bgcolor("0xFF8000"), (style::Color{255, 128, 0, 255}));
  EXPECT_EQ(parse_bgcolor("0x0a0B0c"), (style::Color{10, 11, 12, 255}));
  for (const char* bad : {"FF8000", "#FF8000", "0xFF80", "0xFF80001", "0xGG0000", "red"})
    EXPECT_EQ(rejection([&] { parse_bgcolor(bad); }), "InvalidParameterValue@BGCOLOR") << bad;

  EXPECT_TRUE(parse_transparent("TRUE"));
  EXPECT_TRUE(parse_transparent("true"));
  EXPECT_FALSE(parse_transparent("FALSE"));
  EXPECT_EQ(rejection([&] { parse_transparent("yes"); }), "InvalidParameterValue@TRANSPARENT");

  EXPECT_EQ(parse_image_format("image/png", "FORMAT"), render::ImageFormat::png);
  EXPECT_EQ(parse_image_format("IMAGE/JPEG", "FORMAT"), render::ImageFormat::jpeg);
  EXPECT_EQ(parse_image_format("image/png; mode=8bit", "FORMAT"), render::ImageFormat::png);
  EXPECT_EQ(parse_image_format("image/webp", "FORMAT"), render::ImageFormat::webp);
  for (const char* bad : {"image/gif", "png", "image/svg+xml", ""})
    EXPECT_EQ(rejection([&] { parse_image_format(bad, "FORMAT"); }), "InvalidFormat@FORMAT") << bad;

  EXPECT_EQ(parse_exceptions(std::nullopt), ExceptionFormat::xml);
  EXPECT_EQ(parse_exceptions("XML"), ExceptionFormat::xml);
  EXPECT_EQ(parse_exceptions("application/vnd.ogc.se_xml"), ExceptionFormat::xml);
  EXPECT_EQ(parse_exceptions("INIMAGE"), ExceptionFormat::inimage);
  EXPECT_EQ(parse_exceptions("application/vnd.ogc.se_inimage"), ExceptionFormat::inimage);
  EXPECT_EQ(parse_exceptions("blank"), ExceptionFormat::blank);
  EXPECT_EQ(parse_exceptions("application/vnd.ogc.se_blank"), ExceptionFormat::blank);
  EXPECT_EQ(rejection([&] { parse_exceptions("image"); }), "InvalidParameterValue@EXCEPTIONS");
}

TEST(WmsValues, Time) {
  const Instant t0 = Instant::from_seconds(1577836800);  // 2020-01-01T00:00:00Z
  EXPECT_EQ(parse_time("2020-01-01T00:00:00Z"), Interval::at(t0));
  EXPECT_EQ(parse_time("2020-01-01T00:00:00Z/2020-01-02T00:00:00Z"),
            (Interval{t0, Instant::from_seconds(1577836800 + 86400)}));
  EXPECT_EQ(parse_time("2020-01-01T00:00:00Z/.."), (Interval{t0, std::nullopt}));
  for (const char* bad :
       {"yesterday", "2020-13-01", "2020-01-01/2020-02-01/P1D", "2020-02-01/2020-01-01"})
    EXPECT_EQ(rejection([&] { parse_time(bad); }), "InvalidDimensionValue@TIME") << bad;
}

TEST(WmsValues, Lists) {
  EXPECT_EQ(split_list(""), std::vector<std::string>{});
  EXPECT_EQ(split_list("a"), std::vector<std::string>{"a"});
  EXPECT_EQ(split_list("a,,b"), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(split_list(","), (std::vector<std::string>{"", ""}));
}

TEST(WmsExceptionCodes, FromErrors) {
  EXPECT_EQ(wms_exception_code(InvalidInput("missing-parameter", "x")), "MissingParameterValue");
  EXPECT_EQ(wms_exception_code(InvalidInput("operation-not-supported", "x")),
            "OperationNotSupported");
  EXPECT_EQ(wms_exception_code(InvalidInput("unknown-crs", "x")), "InvalidCRS");
  EXPECT_EQ(wms_exception_code(NotFound("unknown-style", "x")), "StyleNotDefined");
  EXPECT_EQ(wms_exception_code(InvalidInput("invalid-datetime", "x")), "InvalidDimensionValue");
  EXPECT_EQ(wms_exception_code(InvalidInput(error_code::layer_not_queryable, "x")),
            "LayerNotQueryable");
  EXPECT_EQ(wms_exception_code(InvalidInput(error_code::missing_dimension_value, "x")),
            "MissingDimensionValue");
  EXPECT_EQ(wms_exception_code(InvalidInput("size-too-large", "x")), "InvalidParameterValue");
  EXPECT_EQ(wms_exception_code(Unavailable("busy", "x")), "NoApplicableCode");
  EXPECT_EQ(wms_exception_code(InternalError("bug", "x")), "NoApplicableCode");
  EXPECT_EQ(wms_exception_status(InvalidInput(error_code::layer_not_defined, "x")), 400);
  EXPECT_EQ(wms_exception_status(NotFound("unknown-style", "x")), 400);
  EXPECT_EQ(wms_exception_status(Unavailable("busy", "x")), 503);
  EXPECT_EQ(wms_exception_status(InternalError("bug", "x")), 500);
}

TEST(WmsServiceVersion, Checks) {
  EXPECT_EQ(rejection([&] { check_service_and_version(kvp(get_map_params())); }), "<accepted>");
  EXPECT_EQ(
      rejection([&] { check_service_and_version(kvp(without(get_map_params(), "service"))); }),
      "<accepted>");
  EXPECT_EQ(
      rejection([&] { check_service_and_version(kvp(without(get_map_params(), "version"))); }),
      "MissingParameterValue@VERSION");
  EXPECT_EQ(rejection([&] {
              check_service_and_version(kvp(with(get_map_params(), "version", "1.1.1")));
            }),
            "InvalidParameterValue@VERSION");
  EXPECT_EQ(
      rejection([&] { check_service_and_version(kvp(with(get_map_params(), "service", "WFS"))); }),
      "InvalidParameterValue@SERVICE");
}

TEST(WmsGetMap, ParsesEveryParameter) {
  auto q = get_map_params();
  q = with(q, "TRANSPARENT", "TRUE");
  q = with(q, "BgColor", "0x102030");
  q = with(q, "TIME", "2020-01-01T00:00:00Z");
  q = with(q, "Styles", ",red");
  q = without(q, "styles");
  q = with(q, "exceptions", "INIMAGE");
  MapRequest m;
  parse_map_request(kvp(q), Limits{}, true, m);
  EXPECT_EQ(m.layers, (std::vector<std::string>{"cities", "roads"}));
  EXPECT_EQ(m.styles, (std::vector<std::string>{"", "red"}));
  EXPECT_EQ(m.crs.epsg, 4326);
  EXPECT_EQ(m.bbox, Envelope::of(100, 20, 130, 40));
  EXPECT_EQ(m.width, 300);
  EXPECT_EQ(m.height, 200);
  EXPECT_EQ(m.format, render::ImageFormat::png);
  EXPECT_TRUE(m.transparent);
  EXPECT_EQ(m.bgcolor, (style::Color{16, 32, 48, 255}));
  ASSERT_TRUE(m.time);
  EXPECT_EQ(*m.time, Interval::at(Instant::from_seconds(1577836800)));
  EXPECT_EQ(m.exceptions, ExceptionFormat::inimage);

  MapRequest d;
  parse_map_request(kvp(without(get_map_params(), "styles")), Limits{}, true, d);
  EXPECT_EQ(d.styles, (std::vector<std::string>{"", ""}));
  EXPECT_FALSE(d.time);
  EXPECT_FALSE(d.transparent);
  EXPECT_EQ(d.exceptions, ExceptionFormat::xml);
}

TEST(WmsGetMap, EachBadParameterHasItsCode) {
  auto bad = [](protocol::QueryParams q, Limits limits = {}) {
    return rejection([&] {
      MapRequest m;
      parse_map_request(kvp(q), limits, true, m);
    });
  };
  const auto q = get_map_params();
  EXPECT_EQ(bad(without(q, "layers")), "MissingParameterValue@LAYERS");
  EXPECT_EQ(bad(with(q, "layers", "a,,b")), "LayerNotDefined@LAYERS");
  EXPECT_EQ(bad(with(q, "styles", "a,b,c")), "StyleNotDefined@STYLES");
  EXPECT_EQ(bad(without(q, "crs")), "MissingParameterValue@CRS");
  EXPECT_EQ(bad(with(q, "crs", "EPSG:99999")), "InvalidCRS@CRS");
  EXPECT_EQ(bad(with(q, "bbox", "40,100,20,130")), "InvalidParameterValue@BBOX");
  EXPECT_EQ(bad(with(q, "bbox", "a,b,c,d")), "InvalidParameterValue@BBOX");
  EXPECT_EQ(bad(with(q, "width", "100000")), "InvalidParameterValue@WIDTH");
  EXPECT_EQ(bad(with(q, "height", "0")), "InvalidParameterValue@HEIGHT");
  EXPECT_EQ(bad(without(q, "height")), "MissingParameterValue@HEIGHT");
  Limits small;
  small.max_pixels = 300 * 200 - 1;
  EXPECT_EQ(bad(q, small), "InvalidParameterValue@WIDTH");
  small = Limits{};
  small.max_layers = 1;
  EXPECT_EQ(bad(q, small), "InvalidParameterValue@LAYERS");
  EXPECT_EQ(bad(with(q, "format", "image/gif")), "InvalidFormat@FORMAT");
  EXPECT_EQ(bad(without(q, "format")), "MissingParameterValue@FORMAT");
  EXPECT_EQ(bad(with(q, "time", "not-a-time")), "InvalidDimensionValue@TIME");
  EXPECT_EQ(bad(with(q, "bgcolor", "white")), "InvalidParameterValue@BGCOLOR");
  EXPECT_EQ(bad(with(q, "exceptions", "PDF")), "InvalidParameterValue@EXCEPTIONS");
}

TEST(WmsGetMap, ExceptionFormatIsKnownBeforeLaterErrors) {
  MapRequest m;
  auto q = with(with(get_map_params(), "exceptions", "BLANK"), "crs", "EPSG:1");
  EXPECT_EQ(rejection([&] { parse_map_request(kvp(q), Limits{}, true, m); }), "InvalidCRS@CRS");
  EXPECT_EQ(m.exceptions, ExceptionFormat::blank);
  EXPECT_EQ(m.width, 300);
  EXPECT_EQ(m.height, 200);
}

TEST(WmsGetFeatureInfo, ParsesAndChecks) {
  auto q = with(without(get_map_params(), "format"), "request", "GetFeatureInfo");
  q = with(q, "QUERY_LAYERS", "roads");
  q = with(q, "I", "299");
  q = with(q, "J", "0");
  q = with(q, "INFO_FORMAT", "text/html");
  q = with(q, "FEATURE_COUNT", "5000");
  const FeatureInfoRequest f = parse_feature_info_request(kvp(q), Limits{});
  EXPECT_EQ(f.query_layers, std::vector<std::string>{"roads"});
  EXPECT_EQ(f.i, 299);
  EXPECT_EQ(f.j, 0);
  EXPECT_EQ(f.info_format, "text/html");
  EXPECT_EQ(f.feature_count, kMaxFeatureCount);

  const FeatureInfoRequest d = parse_feature_info_request(
      kvp(without(without(q, "INFO_FORMAT"), "FEATURE_COUNT")), Limits{});
  EXPECT_EQ(d.info_format, "application/json");
  EXPECT_EQ(d.feature_count, 1);

  auto bad = [](protocol::QueryParams p) {
    return rejection([&] { parse_feature_info_request(kvp(p), Limits{}); });
  };
  EXPECT_EQ(bad(with(q, "I", "300")), "InvalidPoint@I");
  EXPECT_EQ(bad(with(q, "I", "-1")), "InvalidPoint@I");
  EXPECT_EQ(bad(with(q, "J", "200")), "InvalidPoint@J");
  EXPECT_EQ(bad(with(q, "J", "1.5")), "InvalidPoint@J");
  EXPECT_EQ(bad(without(q, "I")), "MissingParameterValue@I");
  EXPECT_EQ(bad(with(q, "QUERY_LAYERS", "rivers")), "LayerNotDefined@QUERY_LAYERS");
  EXPECT_EQ(bad(without(q, "QUERY_LAYERS")), "MissingParameterValue@QUERY_LAYERS");
  EXPECT_EQ(bad(with(q, "INFO_FORMAT", "application/vnd.ogc.gml")), "InvalidFormat@INFO_FORMAT");
  EXPECT_EQ(bad(with(q, "FEATURE_COUNT", "0")), "InvalidParameterValue@FEATURE_COUNT");
}

TEST(WmsGetLegendGraphic, Parses) {
  protocol::QueryParams q = {{"REQUEST", "GetLegendGraphic"}, {"LAYER", "cities"}};
  LegendRequest l = parse_legend_request(kvp(q), Limits{});
  EXPECT_EQ(l.layer, "cities");
  EXPECT_EQ(l.style, "");
  EXPECT_EQ(l.format, render::ImageFormat::png);
  EXPECT_EQ(l.width, 0);
  q = with(with(with(with(q, "STYLE", "red"), "FORMAT", "image/webp"), "WIDTH", "120"), "HEIGHT",
           "80");
  l = parse_legend_request(kvp(q), Limits{});
  EXPECT_EQ(l.style, "red");
  EXPECT_EQ(l.format, render::ImageFormat::webp);
  EXPECT_EQ(l.width, 120);
  EXPECT_EQ(l.height, 80);
  EXPECT_EQ(rejection([&] { parse_legend_request(kvp(without(q, "LAYER")), Limits{}); }),
            "MissingParameterValue@LAYER");
  EXPECT_EQ(
      rejection([&] { parse_legend_request(kvp(with(q, "FORMAT", "image/tiff")), Limits{}); }),
      "InvalidFormat@FORMAT");
}

CapabilitiesDocument sample_document() {
  CapabilitiesDocument doc;
  doc.title = "Maps & more";
  doc.abstract = "test <service>";
  doc.online_resource = "http://test/ogc/wms?tk=k1";
  doc.max_width = 2048;
  doc.max_height = 1024;
  doc.layer_limit = 8;
  doc.crs = {datum::epsg(4490), datum::epsg(4326), datum::crs84(), datum::epsg(3857),
             datum::epsg(4547)};
  CapabilitiesLayer a;
  a.name = "cities";
  a.title = "Cities";
  a.abstract = "points";
  a.extent = Envelope::of(100, 20, 124, 32);
  a.time_extent = Interval{Instant::from_seconds(1577836800), Instant::from_seconds(1579910400)};
  a.styles = {{"default", "Default", "", "http://test/legend?a=1&b=2"},
              {"pop", "", "by population", ""}};
  CapabilitiesLayer b;
  b.name = "empty";
  doc.layers = {a, b};
  return doc;
}

bool has(const std::string& doc, std::string_view fragment) {
  return doc.find(fragment) != std::string::npos;
}

TEST(WmsCapabilities, ServiceAndOperations) {
  const std::string x = capabilities_xml(sample_document());
  EXPECT_TRUE(has(x, R"(<WMS_Capabilities version="1.3.0" xmlns="http://www.opengis.net/wms")"));
  EXPECT_TRUE(has(x, R"(xmlns:xlink="http://www.w3.org/1999/xlink")"));
  EXPECT_TRUE(has(x,
                  "http://www.opengis.net/wms "
                  "http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd"));
  EXPECT_TRUE(
      has(x,
          "<Name>WMS</Name>\n    <Title>Maps &amp; more</Title>\n"
          "    <Abstract>test &lt;service&gt;</Abstract>\n"
          R"(    <OnlineResource xlink:type="simple" xlink:href="http://test/ogc/wms?tk=k1"/>)"));
  EXPECT_TRUE(has(x,
                  "<LayerLimit>8</LayerLimit>\n    <MaxWidth>2048</MaxWidth>\n"
                  "    <MaxHeight>1024</MaxHeight>\n  </Service>"));
  EXPECT_TRUE(has(x,
                  "<GetMap>\n        <Format>image/png</Format>\n"
                  "        <Format>image/jpeg</Format>\n        <Format>image/webp</Format>\n"));
  EXPECT_TRUE(has(x,
                  "<GetFeatureInfo>\n        <Format>application/json</Format>\n"
                  "        <Format>text/html</Format>\n        <Format>text/plain</Format>\n"));
  EXPECT_TRUE(has(x, "<sld:GetLegendGraphic>\n        <Format>image/png</Format>"));
  EXPECT_TRUE(has(x,
                  "<Exception>\n      <Format>XML</Format>\n      <Format>INIMAGE</Format>\n"
                  "      <Format>BLANK</Format>\n    </Exception>"));
  // Operations come in the schema's order.
  EXPECT_LT(x.find("<GetCapabilities>"), x.find("<GetMap>"));
  EXPECT_LT(x.find("<GetMap>"), x.find("<GetFeatureInfo>"));
  EXPECT_LT(x.find("<GetFeatureInfo>"), x.find("<sld:GetLegendGraphic>"));
}

TEST(WmsCapabilities, LayersWithExtentsTimeAndStyles) {
  const std::string x = capabilities_xml(sample_document());
  // Root layer: CRS list, then the union of the extents.
  EXPECT_TRUE(has(x,
                  "<CRS>EPSG:4490</CRS>\n      <CRS>EPSG:4326</CRS>\n      <CRS>CRS:84</CRS>\n"
                  "      <CRS>EPSG:3857</CRS>\n      <CRS>EPSG:4547</CRS>\n"));
  // Layer: lat/lon order for EPSG:4490 (minx = minimum latitude), x/y for EPSG:3857.
  EXPECT_TRUE(has(
      x, R"(<Layer queryable="1" opaque="0">)"
         "\n        <Name>cities</Name>\n        <Title>Cities</Title>\n"
         "        <Abstract>points</Abstract>\n        <EX_GeographicBoundingBox>\n"
         "          <westBoundLongitude>100</westBoundLongitude>\n"
         "          <eastBoundLongitude>124</eastBoundLongitude>\n"
         "          <southBoundLatitude>20</southBoundLatitude>\n"
         "          <northBoundLatitude>32</northBoundLatitude>\n"
         "        </EX_GeographicBoundingBox>\n"
         R"(        <BoundingBox CRS="EPSG:4490" minx="20" miny="100" maxx="32" maxy="124"/>)"));
  EXPECT_TRUE(has(x, R"(<BoundingBox CRS="EPSG:3857" minx="11131949.07932)"));
  EXPECT_TRUE(has(x, R"(<Dimension name="time" units="ISO8601" )"
                     R"(default="2020-01-01T00:00:00Z/2020-01-25T00:00:00Z" nearestValue="0">)"
                     "2020-01-01T00:00:00Z/2020-01-25T00:00:00Z</Dimension>"));
  EXPECT_TRUE(has(
      x,
      "<Style>\n          <Name>default</Name>\n          <Title>Default</Title>\n"
      "          <LegendURL>\n            <Format>image/png</Format>\n"
      R"(            <OnlineResource xlink:type="simple" xlink:href="http://test/legend?a=1&amp;b=2"/>)"));
  EXPECT_TRUE(has(x,
                  "<Style>\n          <Name>pop</Name>\n          <Title>pop</Title>\n"
                  "          <Abstract>by population</Abstract>\n        </Style>"));
  // A layer without features or time: a title from its name, no box, no dimension.
  EXPECT_TRUE(has(x, R"(<Layer queryable="1" opaque="0">)"
                     "\n        <Name>empty</Name>\n        <Title>empty</Title>\n"
                     "      </Layer>"));
  // The root box spans the only extent; the root has boxes in geographic CRSs and EPSG:3857.
  EXPECT_TRUE(
      has(x, R"(      <BoundingBox CRS="CRS:84" minx="100" miny="20" maxx="124" maxy="32"/>)"));
  EXPECT_TRUE(
      has(x, R"(      <BoundingBox CRS="EPSG:4326" minx="20" miny="100" maxx="32" maxy="124"/>)"));
  EXPECT_FALSE(has(x, R"(CRS="EPSG:4547" minx)"));
}

TEST(WmsCapabilities, NoLayersGivesTheWorld) {
  CapabilitiesDocument doc = sample_document();
  doc.layers.clear();
  const std::string x = capabilities_xml(doc);
  EXPECT_TRUE(has(x, "<westBoundLongitude>-180</westBoundLongitude>"));
  EXPECT_TRUE(has(x, "<northBoundLatitude>90</northBoundLatitude>"));
  EXPECT_TRUE(has(x, R"(<BoundingBox CRS="EPSG:3857" minx="-20037508.342789244" )"));
  EXPECT_FALSE(has(x, "<Layer queryable"));
}

TEST(WmsCapabilities, ExtentInCrs) {
  auto m = extent_in(Envelope::of(-180, -90, 180, 90), datum::epsg(3857));
  ASSERT_TRUE(m);
  EXPECT_NEAR(m->min_x, -20037508.342789244, 1e-6);
  EXPECT_NEAR(m->max_y, 20037508.34, 0.01);
  EXPECT_FALSE(extent_in(Envelope{}, datum::epsg(3857)));
  EXPECT_EQ(extent_in(Envelope::of(1, 2, 3, 4), datum::epsg(4326)), Envelope::of(1, 2, 3, 4));
}

}  // namespace
}  // namespace shikong::ogc::wms
