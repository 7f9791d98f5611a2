// The WMS route in process: a real embedded store in a temporary directory, a MapService over
// it, requests run through a Router as the server runs them; images checked by their PNG header.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <random>

#include "core/error.hpp"
#include "geo/wkb.hpp"
#include "maps/map_service.hpp"
#include "ogc/wms.hpp"
#include "protocol/query.hpp"
#include "protocol/router.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace shikong::ogc {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kDay = 86'400'000'000LL;
const Instant kDay0 = Instant::from_seconds(1577836800);  // 2020-01-01T00:00:00Z

class WmsRoutes : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::random_device rd;
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("shikong-wms-test-" + std::to_string(rd()) + std::to_string(rd())));
    fs::create_directories(*dir_);
    storage::SqliteOptions o;
    o.data_dir = *dir_;
    store_ = storage::open_sqlite_store(o).release();

    // 10 points from (110, 30) to (119, 34.5), one a day from 2020-01-01.
    storage::DatasetInfo points;
    points.id = "points";
    points.title = "Points";
    points.schema.fields = {{"name", FieldType::text}, {"obs", FieldType::datetime}};
    points.geometry_type = geo::GeometryType::point;
    points.time_start_field = "obs";
    points.source_format = "test";
    auto s1 = store_->begin_import(points);
    for (int i = 0; i < 10; ++i) {
      geo::Geometry g;
      g.type = geo::GeometryType::point;
      g.coords.push_back({110.0 + i, 30.0 + i * 0.5, 0});
      Feature f;
      f.wkb = geo::to_wkb(g);
      f.envelope = g.envelope();
      const Instant t{kDay0.micros + i * kDay};
      f.valid_time = Interval::at(t);
      f.properties = {Value(std::string("p") + std::to_string(i)), Value(t)};
      s1->write(f);
    }
    s1->commit();

    // One square zone 100..120 x 20..40, and a hidden copy.
    for (const char* id : {"zones", "hidden"}) {
      storage::DatasetInfo zones;
      zones.id = id;
      zones.title = "Zones";
      zones.schema.fields = {{"name", FieldType::text}};
      zones.geometry_type = geo::GeometryType::polygon;
      zones.source_format = "test";
      auto s2 = store_->begin_import(zones);
      geo::Geometry g;
      g.type = geo::GeometryType::polygon;
      g.rings = {{{100, 20, 0}, {120, 20, 0}, {120, 40, 0}, {100, 40, 0}, {100, 20, 0}}};
      Feature f;
      f.wkb = geo::to_wkb(g);
      f.envelope = g.envelope();
      f.properties = {Value(std::string("A & B"))};
      s2->write(f);
      s2->commit();
    }
    maps_ = new maps::MapService(*store_, maps::MapSettings{}, nullptr);
  }
  static void TearDownTestSuite() {
    delete maps_;
    delete store_;
    std::error_code ec;
    fs::remove_all(*dir_, ec);
    delete dir_;
  }

  void SetUp() override {
    MapsContext ctx{*store_, *maps_};
    ctx.can_read = [](const protocol::Request&, const storage::DatasetInfo& d) {
      return d.id != "hidden";
    };
    register_wms_routes(router_, ctx);
  }

  protocol::Response call(protocol::QueryParams query) {
    protocol::Request req;
    req.method = "GET";
    req.path = "/ogc/wms";
    req.query = std::move(query);
    req.target = req.path + "?" + protocol::build_query(req.query);
    req.base_url = "http://test";
    auto m = router_.match("GET", req.path);
    EXPECT_TRUE(m.route);
    EXPECT_EQ(m.route->route_class, protocol::RouteClass::maps);
    return m.route->handler(req);
  }

  static protocol::QueryParams get_map(protocol::QueryParams extra = {}) {
    protocol::QueryParams q = {
        {"SERVICE", "WMS"}, {"VERSION", "1.3.0"},   {"REQUEST", "GetMap"},    {"LAYERS", "zones"},
        {"STYLES", ""},     {"CRS", "CRS:84"},      {"BBOX", "90,10,130,50"}, {"WIDTH", "100"},
        {"HEIGHT", "80"},   {"FORMAT", "image/png"}};
    for (auto& [k, v] : extra) {
      std::erase_if(q, [&](const auto& kv) { return kv.first == k; });
      if (v != "<absent>") q.emplace_back(k, v);
    }
    return q;
  }

  static inline fs::path* dir_ = nullptr;
  static inline storage::Store* store_ = nullptr;
  static inline maps::MapService* maps_ = nullptr;
  protocol::Router router_;
};

// Width and height from a PNG's IHDR chunk; {0, 0} when the bytes are not a PNG.
std::pair<int, int> png_size(const std::string& b) {
  if (b.size() < 24 || b.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) return {0, 0};
  auto be = [&](std::size_t at) {
    return (static_cast<unsigned char>(b[at]) << 24) |
           (static_cast<unsigned char>(b[at + 1]) << 16) |
           (static_cast<unsigned char>(b[at + 2]) << 8) | static_cast<unsigned char>(b[at + 3]);
  };
  return {static_cast<int>(be(16)), static_cast<int>(be(20))};
}

// "Code@locator" of a ServiceExceptionReport body.
std::string exception_of(const protocol::Response& r) {
  auto attr = [&](std::string_view name) {
    const std::string key = std::string(name) + "=\"";
    auto at = r.body.find(key);
    if (at == std::string::npos) return std::string("?");
    at += key.size();
    return r.body.substr(at, r.body.find('"', at) - at);
  };
  if (r.body.find("<ServiceExceptionReport version=\"1.3.0\"") == std::string::npos)
    return "not a report: " + r.body.substr(0, 100);
  return attr("code") + "@" + attr("locator");
}

TEST_F(WmsRoutes, CapabilitiesListVisibleLayersWithStylesAndTime) {
  auto r = call({{"service", "WMS"}, {"request", "GetCapabilities"}, {"tk", "k 1"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "text/xml; charset=UTF-8");
  EXPECT_EQ(r.headers.get("Cache-Control").value_or(""), "private, no-cache");
  const std::string& x = r.body;
  EXPECT_NE(x.find("<Name>points</Name>"), std::string::npos);
  EXPECT_NE(x.find("<Name>zones</Name>"), std::string::npos);
  EXPECT_EQ(x.find("hidden"), std::string::npos);
  EXPECT_NE(
      x.find(R"(<OnlineResource xlink:type="simple" xlink:href="http://test/ogc/wms?tk=k%201"/>)"),
      std::string::npos);
  EXPECT_NE(x.find(R"(<Dimension name="time" units="ISO8601" )"
                   R"(default="2020-01-01T00:00:00Z/2020-01-10T00:00:00Z")"),
            std::string::npos);
  EXPECT_NE(x.find("xlink:href=\"http://test/ogc/wms?SERVICE=WMS&amp;VERSION=1.3.0&amp;"
                   "REQUEST=GetLegendGraphic&amp;LAYER=zones&amp;STYLE=default&amp;"
                   "FORMAT=image%2Fpng&amp;SLD_VERSION=1.1.0&amp;tk=k%201\""),
            std::string::npos);
  EXPECT_NE(x.find(R"(<BoundingBox CRS="EPSG:4490" minx="20" miny="100" maxx="40" maxy="120"/>)"),
            std::string::npos);
}

TEST_F(WmsRoutes, GetMapAnswersAnImageOfTheRequestedSize) {
  auto r = call(get_map());
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "image/png");
  EXPECT_EQ(r.headers.get("Cache-Control").value_or(""), "public, max-age=60");
  EXPECT_EQ(png_size(r.body), std::make_pair(100, 80));
  r = call(get_map({{"FORMAT", "image/jpeg"}, {"LAYERS", "zones,points"}, {"STYLES", "default,"}}));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "image/jpeg");
  EXPECT_EQ(r.body.compare(0, 3, "\xFF\xD8\xFF"), 0);
}

TEST_F(WmsRoutes, GetMapErrors) {
  struct Case {
    protocol::QueryParams change;
    std::string want;
  };
  const std::vector<Case> cases = {
      {{{"LAYERS", "nope"}}, "LayerNotDefined@LAYERS"},
      {{{"LAYERS", "hidden"}}, "LayerNotDefined@LAYERS"},
      {{{"LAYERS", "zones,hidden"}}, "LayerNotDefined@LAYERS"},
      {{{"STYLES", "nope"}}, "StyleNotDefined@STYLES"},
      {{{"VERSION", "<absent>"}}, "MissingParameterValue@VERSION"},
      {{{"VERSION", "1.1.1"}}, "InvalidParameterValue@VERSION"},
      {{{"CRS", "EPSG:1"}}, "InvalidCRS@CRS"},
      {{{"BBOX", "130,10,90,50"}}, "InvalidParameterValue@BBOX"},
      {{{"WIDTH", "100000"}}, "InvalidParameterValue@WIDTH"},
      {{{"TIME", "soon"}}, "InvalidDimensionValue@TIME"},
      {{{"FORMAT", "image/gif"}}, "InvalidFormat@FORMAT"},
      {{{"REQUEST", "GetStyles"}}, "OperationNotSupported@REQUEST"},
      {{{"REQUEST", "<absent>"}}, "MissingParameterValue@REQUEST"},
  };
  for (const auto& c : cases) {
    auto r = call(get_map(c.change));
    EXPECT_EQ(r.status, 400) << c.want;
    EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "text/xml; charset=UTF-8");
    EXPECT_EQ(exception_of(r), c.want);
  }
}

TEST_F(WmsRoutes, ImageExceptions) {
  auto r = call(get_map({{"LAYERS", "nope"}, {"EXCEPTIONS", "INIMAGE"}, {"WIDTH", "120"}}));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "image/png");
  EXPECT_EQ(png_size(r.body), std::make_pair(120, 80));
  r = call(get_map({{"CRS", "EPSG:1"}, {"EXCEPTIONS", "BLANK"}, {"HEIGHT", "30"}}));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(png_size(r.body), std::make_pair(100, 30));
  // The format itself at fault: XML.
  r = call(get_map({{"FORMAT", "image/gif"}, {"EXCEPTIONS", "INIMAGE"}}));
  EXPECT_EQ(exception_of(r), "InvalidFormat@FORMAT");
}

TEST_F(WmsRoutes, GetFeatureInfoFormatsAndTime) {
  protocol::QueryParams q = {{"SERVICE", "WMS"},
                             {"VERSION", "1.3.0"},
                             {"REQUEST", "GetFeatureInfo"},
                             {"LAYERS", "zones,points"},
                             {"QUERY_LAYERS", "zones,points"},
                             {"STYLES", ""},
                             {"CRS", "EPSG:4326"},
                             {"BBOX", "31,112.5,32,113.5"},
                             {"WIDTH", "101"},
                             {"HEIGHT", "101"},
                             {"I", "50"},
                             {"J", "50"},
                             {"INFO_FORMAT", "application/json"},
                             {"FEATURE_COUNT", "10"}};
  auto r = call(q);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "application/json");
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(r.body);
  EXPECT_EQ(std::string_view(doc["type"]), "FeatureCollection");
  simdjson::dom::array features = doc["features"];
  ASSERT_EQ(features.size(), 2u);
  // Topmost layer (last in LAYERS) first.
  EXPECT_EQ(std::string_view(features.at(0)["layer"]), "points");
  EXPECT_EQ(std::string_view(features.at(0)["properties"]["name"]), "p3");
  EXPECT_EQ(std::string_view(features.at(1)["layer"]), "zones");
  EXPECT_EQ(std::string_view(features.at(1)["properties"]["name"]), "A & B");

  auto with = [&](std::string name, std::string value) {
    auto p = q;
    std::erase_if(p, [&](const auto& kv) { return kv.first == name; });
    p.emplace_back(std::move(name), std::move(value));
    return p;
  };
  // TIME of point 3's day finds it; another day does not (the zones have no time: still hit).
  r = call(with("TIME", "2020-01-04T00:00:00Z"));
  EXPECT_EQ(parser.parse(r.body)["features"].get_array().size(), 2u);
  r = call(with("TIME", "2020-01-05T00:00:00Z"));
  simdjson::dom::array only = parser.parse(r.body)["features"];
  ASSERT_EQ(only.size(), 1u);
  EXPECT_EQ(std::string_view(only.at(0)["layer"]), "zones");

  r = call(with("FEATURE_COUNT", "1"));
  EXPECT_EQ(parser.parse(r.body)["features"].get_array().size(), 1u);

  r = call(with("INFO_FORMAT", "text/plain"));
  EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "text/plain; charset=UTF-8");
  EXPECT_NE(r.body.find("Layer 'points'\n  Feature"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("    name = 'A & B'\n"), std::string::npos) << r.body;
  r = call(with("INFO_FORMAT", "text/html"));
  EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "text/html; charset=UTF-8");
  EXPECT_NE(r.body.find("<td>A &amp; B</td>"), std::string::npos) << r.body;

  r = call(with("QUERY_LAYERS", "hidden"));
  EXPECT_EQ(exception_of(r), "LayerNotDefined@QUERY_LAYERS");
  r = call(with("I", "101"));
  EXPECT_EQ(exception_of(r), "InvalidPoint@I");
}

TEST_F(WmsRoutes, GetLegendGraphic) {
  auto r = call({{"SERVICE", "WMS"},
                 {"REQUEST", "GetLegendGraphic"},
                 {"LAYER", "zones"},
                 {"FORMAT", "image/png"},
                 {"WIDTH", "90"},
                 {"HEIGHT", "40"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(png_size(r.body), std::make_pair(90, 40));
  r = call({{"REQUEST", "GetLegendGraphic"}, {"LAYER", "hidden"}});
  EXPECT_EQ(exception_of(r), "LayerNotDefined@LAYER");
  r = call({{"REQUEST", "GetLegendGraphic"}, {"LAYER", "zones"}, {"STYLE", "x"}});
  EXPECT_EQ(exception_of(r), "StyleNotDefined@STYLE");
}

}  // namespace
}  // namespace shikong::ogc
