// OGC API - Features end to end in process: a real embedded store in a temporary directory,
// the routes in a Router, requests built by hand and JSON read back with simdjson.
#include "ogc/features.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <map>
#include <memory>
#include <random>

#include "core/error.hpp"
#include "datum/time.hpp"
#include "geo/wkb.hpp"
#include "protocol/problem.hpp"
#include "protocol/query.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace shikong::ogc {
namespace {

namespace fs = std::filesystem;

struct Result {
  int status = 0;
  protocol::Headers headers;
  std::string body;
  std::unique_ptr<simdjson::dom::parser> parser = std::make_unique<simdjson::dom::parser>();
  simdjson::dom::element json;
  std::string error_parameter;

  std::string header(std::string_view name) const {
    return std::string(headers.get(name).value_or(""));
  }
};

std::int64_t day0() {
  return Instant::from_seconds(1577836800).micros;
}  // 2020-01-01T00:00:00Z

class FeaturesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::random_device rd;
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("shikong-ogc-test-" + std::to_string(rd()) + std::to_string(rd())));
    fs::create_directories(*dir_);
    storage::SqliteOptions o;
    o.data_dir = *dir_;
    store_ = storage::open_sqlite_store(o).release();

    storage::DatasetInfo draft;
    draft.id = "cities";
    draft.title = "Cities";
    draft.description = "25 test points";
    draft.schema.fields = {{"name", FieldType::text},
                           {"pop", FieldType::integer},
                           {"founded", FieldType::date},
                           {"obs", FieldType::datetime}};
    draft.geometry_type = geo::GeometryType::point;
    draft.time_start_field = "obs";
    draft.source_format = "test";
    auto session = store_->begin_import(draft);
    for (int i = 0; i < 25; ++i) {
      Feature f;
      geo::Geometry g;
      g.type = geo::GeometryType::point;
      g.coords.push_back({100.0 + i, 20.0 + i * 0.5, 0});
      f.wkb = geo::to_wkb(g);
      f.envelope = g.envelope();
      const Instant t{day0() + std::int64_t{i} * 86'400'000'000LL};
      f.valid_time = Interval::at(t);
      f.properties = {Value(std::string("city") + std::to_string(i)), Value(std::int64_t{i * 1000}),
                      Value(Date{18262 + i}), Value(t)};
      session->write(f);
    }
    session->commit();

    storage::DatasetInfo hidden = draft;
    hidden.id = "hidden";
    hidden.title = "Hidden";
    auto s2 = store_->begin_import(hidden);
    s2->commit();
  }
  static void TearDownTestSuite() {
    delete store_;
    store_ = nullptr;
    std::error_code ec;
    fs::remove_all(*dir_, ec);
    delete dir_;
  }

  void SetUp() override {
    FeaturesContext ctx{*store_, {}, [](const protocol::Request&, const storage::DatasetInfo& d) {
                          return d.id != "hidden";
                        }};
    register_features_routes(router_, ctx);
  }

  Result call(std::string path, protocol::QueryParams query = {}) {
    protocol::Request req;
    req.method = "GET";
    req.path = path;
    req.query = std::move(query);
    req.target = path + (req.query.empty() ? "" : "?" + protocol::build_query(req.query));
    req.base_url = "http://test";
    Result r;
    protocol::Response resp;
    auto m = router_.match("GET", path);
    if (!m.route) {
      r.status = 404;
      return r;
    }
    req.path_params = m.params;
    try {
      resp = m.route->handler(req);
      if (resp.stream) {
        std::string chunk;
        int pieces = 0;
        while (resp.stream(chunk)) ++pieces;
        EXPECT_LT(pieces, 10000);
        resp.body = std::move(chunk);
      }
    } catch (const Error& e) {
      resp = protocol::problem_response(e);
      r.error_parameter = e.parameter();
    }
    r.status = resp.status;
    r.headers = resp.headers;
    r.body = std::move(resp.body);
    if (r.parser->parse(r.body).get(r.json) != simdjson::SUCCESS)
      ADD_FAILURE() << "not JSON: " << r.body.substr(0, 200);
    return r;
  }

  static std::vector<std::string> rels(const simdjson::dom::element& links, std::string_view rel) {
    std::vector<std::string> out;
    for (auto l : links.get_array()) {
      if (std::string_view(l["rel"].get_string()) == rel)
        out.emplace_back(std::string_view(l["href"].get_string()));
    }
    return out;
  }

  static inline fs::path* dir_ = nullptr;
  static inline storage::Store* store_ = nullptr;
  protocol::Router router_;
};

TEST_F(FeaturesTest, LandingPageAndConformance) {
  auto r = call("/ogc");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(rels(r.json["links"], "service-desc"), std::vector<std::string>{"http://test/ogc/api"});
  EXPECT_EQ(rels(r.json["links"], "conformance"),
            std::vector<std::string>{"http://test/ogc/conformance"});
  EXPECT_EQ(rels(r.json["links"], "data"), std::vector<std::string>{"http://test/ogc/collections"});

  auto c = call("/ogc/conformance");
  ASSERT_EQ(c.status, 200);
  std::vector<std::string> classes;
  for (auto v : c.json["conformsTo"].get_array())
    classes.emplace_back(std::string_view(v.get_string()));
  EXPECT_EQ(classes, features_conformance_classes());
  EXPECT_NE(std::find(classes.begin(), classes.end(),
                      "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"),
            classes.end());

  EXPECT_EQ(call("/ogc", {{"f", "xml"}}).status, 400);
}

TEST_F(FeaturesTest, CollectionsHideInvisibleDatasets) {
  auto r = call("/ogc/collections");
  ASSERT_EQ(r.status, 200);
  auto list = r.json["collections"].get_array();
  ASSERT_EQ(list.size(), 1u);
  auto c = list.at(0);
  EXPECT_EQ(std::string_view(c["id"].get_string()), "cities");
  EXPECT_EQ(std::string_view(c["itemType"].get_string()), "feature");
  EXPECT_EQ(std::string_view(c["storageCrs"].get_string()),
            "http://www.opengis.net/def/crs/EPSG/0/4490");
  EXPECT_EQ(c["crs"].get_array().size(), 5u);
  EXPECT_EQ(std::string_view(c["crs"].at(0).get_string()),
            "http://www.opengis.net/def/crs/OGC/1.3/CRS84");
  auto bbox = c["extent"]["spatial"]["bbox"].at(0);
  EXPECT_NEAR(double(bbox.at(0)), 100.0, 1e-9);
  EXPECT_NEAR(double(bbox.at(1)), 20.0, 1e-9);
  EXPECT_NEAR(double(bbox.at(2)), 124.0, 1e-9);
  EXPECT_NEAR(double(bbox.at(3)), 32.0, 1e-9);
  auto interval = c["extent"]["temporal"]["interval"].at(0);
  EXPECT_EQ(std::string_view(interval.at(0).get_string()), "2020-01-01T00:00:00Z");
  EXPECT_EQ(std::string_view(interval.at(1).get_string()), "2020-01-25T00:00:00Z");
  EXPECT_EQ(rels(c["links"], "items"),
            std::vector<std::string>{"http://test/ogc/collections/cities/items"});
  EXPECT_EQ(rels(c["links"], "enclosure").size(), 4u);

  EXPECT_EQ(call("/ogc/collections/cities").status, 200);
  EXPECT_EQ(call("/ogc/collections/nosuch").status, 404);
  EXPECT_EQ(call("/ogc/collections/hidden").status, 404);
  EXPECT_EQ(call("/ogc/collections/hidden/items").status, 404);
  EXPECT_EQ(call("/ogc/collections/hidden/queryables").status, 404);
}

TEST_F(FeaturesTest, ItemsPagingWithNextAndPrevLinks) {
  auto r = call("/ogc/collections/cities/items", {{"pop", "5000"}, {"limit", "10"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(int64_t(r.json["numberMatched"]), 1);

  auto p1 = call("/ogc/collections/cities/items");
  ASSERT_EQ(p1.status, 200);
  EXPECT_EQ(p1.header("Content-Type"), "application/geo+json");
  EXPECT_EQ(std::string_view(p1.json["type"].get_string()), "FeatureCollection");
  EXPECT_EQ(int64_t(p1.json["numberMatched"]), 25);
  EXPECT_EQ(int64_t(p1.json["numberReturned"]), 10);
  EXPECT_EQ(p1.json["features"].get_array().size(), 10u);
  EXPECT_EQ(rels(p1.json["links"], "next"),
            std::vector<std::string>{"http://test/ogc/collections/cities/items?offset=10"});
  EXPECT_TRUE(rels(p1.json["links"], "prev").empty());
  EXPECT_EQ(rels(p1.json["links"], "alternate"),
            std::vector<std::string>{"http://test/ogc/collections/cities/items?f=json"});

  auto p3 = call("/ogc/collections/cities/items",
                 {{"limit", "10"}, {"offset", "20"}, {"datetime", "../2021-01-01T00:00:00Z"}});
  ASSERT_EQ(p3.status, 200);
  EXPECT_EQ(int64_t(p3.json["numberMatched"]), 25);
  EXPECT_EQ(int64_t(p3.json["numberReturned"]), 5);
  EXPECT_TRUE(rels(p3.json["links"], "next").empty());
  EXPECT_EQ(rels(p3.json["links"], "prev"),
            std::vector<std::string>{"http://test/ogc/collections/cities/items?limit=10&"
                                     "datetime=..%2F2021-01-01T00%3A00%3A00Z&offset=10"});

  auto far = call("/ogc/collections/cities/items", {{"offset", "9223372036854775000"}});
  ASSERT_EQ(far.status, 200);
  EXPECT_EQ(int64_t(far.json["numberReturned"]), 0);
  EXPECT_TRUE(rels(far.json["links"], "next").empty());

  auto p2 = call("/ogc/collections/cities/items", {{"limit", "7"}, {"offset", "14"}});
  EXPECT_EQ(rels(p2.json["links"], "next"),
            std::vector<std::string>{"http://test/ogc/collections/cities/items?limit=7&offset=21"});
  EXPECT_EQ(int64_t(p2.json["features"].at(0)["properties"]["pop"]), 14000);
}

TEST_F(FeaturesTest, LimitValidation) {
  EXPECT_EQ(call("/ogc/collections/cities/items", {{"limit", "0"}}).status, 400);
  auto bad = call("/ogc/collections/cities/items", {{"limit", "abc"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.error_parameter, "limit");
  EXPECT_EQ(bad.header("Content-Type"), "application/problem+json");
  auto big = call("/ogc/collections/cities/items", {{"limit", "100000"}});
  ASSERT_EQ(big.status, 200);
  EXPECT_EQ(int64_t(big.json["numberReturned"]), 25);
}

TEST_F(FeaturesTest, FeatureEncoding) {
  auto r = call("/ogc/collections/cities/items", {{"limit", "1"}, {"offset", "2"}});
  ASSERT_EQ(r.status, 200);
  auto f = r.json["features"].at(0);
  EXPECT_EQ(std::string_view(f["type"].get_string()), "Feature");
  const std::int64_t id = f["id"];
  EXPECT_GT(id, 0);
  EXPECT_EQ(std::string_view(f["properties"]["name"].get_string()), "city2");
  EXPECT_EQ(std::string_view(f["properties"]["founded"].get_string()), "2020-01-03");
  // Datetimes in the platform zone (UTC+8).
  EXPECT_EQ(std::string_view(f["properties"]["obs"].get_string()), "2020-01-03T08:00:00+08:00");

  auto one = call("/ogc/collections/cities/items/" + std::to_string(id));
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(std::string_view(one.json["properties"]["name"].get_string()), "city2");
  EXPECT_EQ(one.header("Content-Crs"), "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>");
  EXPECT_EQ(
      call("/ogc/collections/cities/items/" + std::to_string(id), {{"limit", "1"}}).error_parameter,
      "limit");
  auto latlon = call("/ogc/collections/cities/items/" + std::to_string(id),
                     {{"crs", "EPSG:4490"}, {"properties", "pop"}, {"f", "json"}});
  ASSERT_EQ(latlon.status, 200);
  EXPECT_EQ(latlon.header("Content-Type"), "application/json");
  EXPECT_EQ(latlon.header("Content-Crs"), "<http://www.opengis.net/def/crs/EPSG/0/4490>");
  EXPECT_NEAR(double(latlon.json["geometry"]["coordinates"].at(0)), 21.0, 1e-9);
  EXPECT_EQ(latlon.json["properties"].get_object().size(), 1u);
  EXPECT_EQ(call("/ogc/collections/cities/items/999999").status, 404);
  EXPECT_EQ(call("/ogc/collections/cities/items/abc").status, 404);
  EXPECT_EQ(call("/ogc/collections/hidden/items/" + std::to_string(id)).status, 404);
}

TEST_F(FeaturesTest, AxisOrderFollowsTheCrs) {
  auto lonlat = call("/ogc/collections/cities/items", {{"limit", "1"}, {"offset", "3"}});
  ASSERT_EQ(lonlat.status, 200);
  EXPECT_EQ(lonlat.header("Content-Crs"), "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>");
  auto c = lonlat.json["features"].at(0)["geometry"]["coordinates"];
  EXPECT_NEAR(double(c.at(0)), 103.0, 1e-9);
  EXPECT_NEAR(double(c.at(1)), 21.5, 1e-9);

  auto latlon = call(
      "/ogc/collections/cities/items",
      {{"limit", "1"}, {"offset", "3"}, {"crs", "http://www.opengis.net/def/crs/EPSG/0/4326"}});
  ASSERT_EQ(latlon.status, 200);
  EXPECT_EQ(latlon.header("Content-Crs"), "<http://www.opengis.net/def/crs/EPSG/0/4326>");
  auto d = latlon.json["features"].at(0)["geometry"]["coordinates"];
  EXPECT_NEAR(double(d.at(0)), 21.5, 1e-6);
  EXPECT_NEAR(double(d.at(1)), 103.0, 1e-6);

  auto merc = call("/ogc/collections/cities/items",
                   {{"limit", "1"}, {"offset", "0"}, {"crs", "EPSG:3857"}});
  ASSERT_EQ(merc.status, 200);
  auto m = merc.json["features"].at(0)["geometry"]["coordinates"];
  EXPECT_NEAR(double(m.at(0)), 11131949.079327356, 1e-3);  // 100 degrees east

  auto unsupported = call("/ogc/collections/cities/items", {{"crs", "EPSG:32650"}});
  EXPECT_EQ(unsupported.status, 400);
  EXPECT_EQ(unsupported.error_parameter, "crs");
  EXPECT_EQ(call("/ogc/collections/cities/items", {{"crs", "EPSG:99999999"}}).status, 400);
}

TEST_F(FeaturesTest, BboxAndBboxCrs) {
  // Points at lon 100+i, lat 20+i/2: lon 104.5..107.5 takes i = 5, 6, 7.
  auto r = call("/ogc/collections/cities/items", {{"bbox", "104.5,0,107.5,90"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(int64_t(r.json["numberMatched"]), 3);
  // The same box in EPSG:4326 axis order (lat, lon).
  auto s = call(
      "/ogc/collections/cities/items",
      {{"bbox", "0,104.5,90,107.5"}, {"bbox-crs", "http://www.opengis.net/def/crs/EPSG/0/4326"}});
  ASSERT_EQ(s.status, 200);
  EXPECT_EQ(int64_t(s.json["numberMatched"]), 3);

  for (const char* bad : {"1,2,3", "a,b,c,d", "107,0,104,90"}) {
    auto b = call("/ogc/collections/cities/items", {{"bbox", bad}});
    EXPECT_EQ(b.status, 400) << bad;
    EXPECT_EQ(b.error_parameter, "bbox") << bad;
  }
  EXPECT_EQ(call("/ogc/collections/cities/items", {{"bbox", "0,0,1,1"}, {"bbox-crs", "EPSG:32650"}})
                .error_parameter,
            "bbox-crs");
}

TEST_F(FeaturesTest, DatetimeFilter) {
  auto r = call("/ogc/collections/cities/items",
                {{"datetime", "2020-01-03T00:00:00Z/2020-01-05T00:00:00Z"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(int64_t(r.json["numberMatched"]), 3);
  auto open = call("/ogc/collections/cities/items", {{"datetime", "2020-01-20T00:00:00Z/.."}});
  EXPECT_EQ(int64_t(open.json["numberMatched"]), 6);
  auto bad = call("/ogc/collections/cities/items", {{"datetime", "tomorrow"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.error_parameter, "datetime");
}

TEST_F(FeaturesTest, PropertiesQueryablesAndFilters) {
  auto sel = call("/ogc/collections/cities/items", {{"properties", "name"}, {"limit", "1"}});
  ASSERT_EQ(sel.status, 200);
  auto props = sel.json["features"].at(0)["properties"].get_object();
  EXPECT_EQ(props.size(), 1u);
  auto unknown = call("/ogc/collections/cities/items", {{"properties", "name,nosuch"}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.error_parameter, "properties");

  auto eq = call("/ogc/collections/cities/items", {{"name", "city7"}});
  ASSERT_EQ(eq.status, 200);
  EXPECT_EQ(int64_t(eq.json["numberMatched"]), 1);
  EXPECT_EQ(call("/ogc/collections/cities/items", {{"pop", "many"}}).error_parameter, "pop");

  auto unknown_param = call("/ogc/collections/cities/items", {{"colour", "red"}});
  EXPECT_EQ(unknown_param.status, 400);
  EXPECT_EQ(unknown_param.error_parameter, "colour");
  EXPECT_EQ(call("/ogc/collections/cities/items", {{"tk", "key"}}).status, 200);

  auto f = call("/ogc/collections/cities/items",
                {{"filter", "pop >= 20000 OR name IN ('city1', 'city2')"}});
  ASSERT_EQ(f.status, 200);
  EXPECT_EQ(int64_t(f.json["numberMatched"]), 7);
  auto sp = call("/ogc/collections/cities/items",
                 {{"filter", "S_INTERSECTS(geometry, BBOX(104.5, 0, 107.5, 90)) AND pop > 5000"},
                  {"filter-lang", "cql2-text"}});
  ASSERT_EQ(sp.status, 200);
  EXPECT_EQ(int64_t(sp.json["numberMatched"]), 2);
  auto tm = call("/ogc/collections/cities/items",
                 {{"filter", "T_INTERSECTS(datetime, INTERVAL('2020-01-24T00:00:00Z', '..'))"}});
  ASSERT_EQ(tm.status, 200);
  EXPECT_EQ(int64_t(tm.json["numberMatched"]), 2);
  auto bad = call("/ogc/collections/cities/items", {{"filter", "nosuch = 1"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.error_parameter, "filter");
  EXPECT_EQ(
      call("/ogc/collections/cities/items", {{"filter", "pop = 1"}, {"filter-lang", "cql2-json"}})
          .error_parameter,
      "filter-lang");

  auto q = call("/ogc/collections/cities/queryables");
  ASSERT_EQ(q.status, 200);
  EXPECT_EQ(q.header("Content-Type"), "application/schema+json");
  EXPECT_EQ(std::string_view(q.json["properties"]["pop"]["type"].get_string()), "integer");
  EXPECT_EQ(std::string_view(q.json["properties"]["obs"]["format"].get_string()), "date-time");
  EXPECT_EQ(std::string_view(q.json["properties"]["geometry"]["format"].get_string()),
            "geometry-point");
  EXPECT_EQ(std::string_view(q.json["properties"]["datetime"]["format"].get_string()), "date-time");
  EXPECT_FALSE(bool(q.json["additionalProperties"]));
}

TEST_F(FeaturesTest, OpenApiDocumentDeclaresLimit) {
  auto r = call("/ogc/api");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "application/vnd.oai.openapi+json;version=3.0");
  EXPECT_EQ(std::string_view(r.json["openapi"].get_string()), "3.0.3");
  EXPECT_EQ(std::string_view(r.json["servers"].at(0)["url"].get_string()), "http://test/ogc");
  // API keys (tk=, X-API-Key) and the session cookie are declared, each optional.
  auto schemes = r.json["components"]["securitySchemes"];
  EXPECT_EQ(std::string_view(schemes["apiKeyQuery"]["name"].get_string()), "tk");
  EXPECT_EQ(std::string_view(schemes["apiKeyQuery"]["in"].get_string()), "query");
  EXPECT_EQ(std::string_view(schemes["apiKeyHeader"]["name"].get_string()), "X-API-Key");
  EXPECT_EQ(std::string_view(schemes["sessionCookie"]["in"].get_string()), "cookie");
  EXPECT_EQ(r.json["security"].get_array().size(), 4u);
  auto items = r.json["paths"]["/collections/{collectionId}/items"]["get"];
  EXPECT_EQ(std::string_view(items["operationId"].get_string()), "getFeatures");
  bool found = false;
  for (auto p : items["parameters"].get_array()) {
    if (std::string_view(p["name"].get_string()) != "limit") continue;
    found = true;
    EXPECT_EQ(int64_t(p["schema"]["minimum"]), 1);
    EXPECT_EQ(int64_t(p["schema"]["maximum"]), 10000);
    EXPECT_EQ(int64_t(p["schema"]["default"]), 10);
  }
  EXPECT_TRUE(found);
  // The collection's own items path lists its queryables (and hidden collections are absent).
  std::map<std::string, std::string> params;
  for (auto p : r.json["paths"]["/collections/cities/items"]["get"]["parameters"].get_array())
    params[std::string(std::string_view(p["name"].get_string()))] =
        std::string(std::string_view(p["schema"]["type"].get_string()));
  EXPECT_EQ(params["pop"], "integer");
  EXPECT_EQ(params["name"], "string");
  EXPECT_EQ(params["limit"], "integer");
  EXPECT_EQ(params.count("collectionId"), 0u);
  EXPECT_NE(r.json["paths"]["/collections/hidden/items"].error(), simdjson::SUCCESS);
  for (const char* path : {"/", "/conformance", "/collections", "/collections/{collectionId}",
                           "/collections/{collectionId}/items/{featureId}",
                           "/collections/{collectionId}/queryables", "/api"})
    EXPECT_EQ(r.json["paths"][path].error(), simdjson::SUCCESS) << path;
}

}  // namespace
}  // namespace shikong::ogc
