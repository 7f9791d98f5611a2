// OGC API - Records and the DCAT catalog in process: a real catalog and search engine over an
// embedded store in a temporary directory, the routes in a Router, JSON read back with simdjson.
#include "ogc/records.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <random>
#include <set>

#include "api/catalog.hpp"
#include "catalog/catalog_service.hpp"
#include "core/error.hpp"
#include "protocol/problem.hpp"
#include "protocol/query.hpp"
#include "search/search_service.hpp"
#include "storage/records.hpp"
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

std::string str(simdjson::dom::element e) {
  return std::string(std::string_view(e.get_string()));
}

constexpr std::int64_t kDay = 86'400'000'000LL;
const Instant kNow = Instant::from_seconds(1764115200);  // 2025-11-26T00:00:00Z

class RecordsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::random_device rd;
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("shikong-records-test-" + std::to_string(rd()) + std::to_string(rd())));
    fs::create_directories(*dir_);
    storage::SqliteOptions o;
    o.data_dir = *dir_;
    store_ = storage::open_sqlite_store(o).release();
    record_store_ = storage::open_sqlite_record_store(*dir_).release();
    catalog_ = new catalog::CatalogService(*store_, *record_store_, [] { return kNow; });
    catalog_->load();
    const catalog::Actor admin = catalog::Actor::system("admin");

    catalog::RecordPatch roads;
    roads.title = "北京市主要道路";
    roads.abstract = "Main roads of Beijing";
    roads.keywords = std::vector<std::string>{"道路", "交通", "roads"};
    roads.topic = "transportation";
    roads.publisher = "北京市测绘院";
    roads.licence = "CC-BY-4.0";
    roads.language = "zh";
    catalog::Contact contact;
    contact.name = "Li Lei";
    contact.email = "li@example.org";
    contact.phone = "+86 10 1234 5678";
    roads.contact = contact;
    roads.extent = Envelope::of(115.4, 39.4, 117.5, 41.1);
    roads.time_extent = Interval{Instant::from_seconds(1577836800), std::nullopt};  // 2020-01-01
    catalog_->create("beijing-roads", roads, admin);
    catalog_->publish("beijing-roads", admin);

    catalog::RecordPatch parks;
    parks.type = "document";
    parks.title = "Shanghai parks guide";
    parks.abstract = "Parks of Shanghai";
    parks.keywords = std::vector<std::string>{"parks"};
    parks.licence = "https://example.org/licence.html";
    parks.language = "en";
    parks.extent = Envelope::of(120.8, 30.6, 122.0, 31.9);
    catalog_->create("shanghai-parks", parks, admin);
    catalog_->publish("shanghai-parks", admin);

    catalog::RecordPatch secret;
    secret.title = "Secret roads draft";
    secret.keywords = std::vector<std::string>{"roads"};
    catalog_->create("secret", secret, admin);  // stays a draft

    catalog::Record remote;
    remote.id = "remote--abc-1";
    remote.type = "service";
    remote.kind = "wms";
    remote.title = "Remote rivers WMS";
    remote.abstract = "Rivers served by another node";
    remote.licence = "free for non-commercial use";
    remote.source_id = "remote";
    remote.source_url = "https://remote.example.org/records/abc-1";
    remote.external_id = "abc-1";
    remote.state = catalog::RecordState::published;
    remote.extent = Envelope::of(100, 20, 101, 21);
    remote.time_extent = Interval::at(Instant::from_seconds(1609459200));  // 2021-01-01
    remote.links.push_back(
        {"https://remote.example.org/wms", "service", "text/xml", "Rivers", "OGC:WMS"});
    catalog_->upsert_harvested(remote);
    search_ = new search::SearchService(*catalog_);
  }
  static void TearDownTestSuite() {
    delete search_;
    delete catalog_;
    delete record_store_;
    delete store_;
    std::error_code ec;
    fs::remove_all(*dir_, ec);
    delete dir_;
  }

  void SetUp() override {
    context_ = std::make_unique<CatalogContext>(CatalogContext{*catalog_, *search_});
    register_records_routes(router_, *context_);
    FeaturesContext features{*store_};
    add_catalog_to_features(features, *context_);
    register_features_routes(router_, features);
    api::register_dcat_routes(router_, *context_, api::ApiSettings{});
  }

  Result call(std::string path, protocol::QueryParams query = {}, protocol::Headers headers = {}) {
    protocol::Request req;
    req.method = "GET";
    req.path = path;
    req.query = std::move(query);
    req.headers = std::move(headers);
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

  // The ids of an items answer, in order.
  static std::vector<std::string> ids(const Result& r) {
    std::vector<std::string> out;
    for (auto f : r.json["features"].get_array()) out.push_back(str(f["id"]));
    return out;
  }
  static std::set<std::string> id_set(const Result& r) {
    auto v = ids(r);
    return {v.begin(), v.end()};
  }
  static std::vector<std::string> rels(simdjson::dom::element links, std::string_view rel) {
    std::vector<std::string> out;
    for (auto l : links.get_array())
      if (std::string_view(l["rel"].get_string()) == rel) out.push_back(str(l["href"]));
    return out;
  }
  // Splits an absolute link of the test server into path and query.
  static std::pair<std::string, protocol::QueryParams> split(const std::string& href) {
    const std::string rest = href.substr(std::string("http://test").size());
    auto [path, query] = protocol::split_target(rest);
    return {std::string(path), protocol::parse_query(query)};
  }

  static inline fs::path* dir_ = nullptr;
  static inline storage::Store* store_ = nullptr;
  static inline storage::RecordStore* record_store_ = nullptr;
  static inline catalog::CatalogService* catalog_ = nullptr;
  static inline search::SearchService* search_ = nullptr;
  std::unique_ptr<CatalogContext> context_;
  protocol::Router router_;
};

using Set = std::set<std::string>;

TEST_F(RecordsTest, CatalogCollectionIsListedAndDescribed) {
  auto r = call("/ogc/collections/catalog");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(str(r.json["id"]), "catalog");
  EXPECT_EQ(str(r.json["type"]), "Collection");
  EXPECT_EQ(str(r.json["itemType"]), "record");
  EXPECT_EQ(rels(r.json["links"], "items"),
            std::vector<std::string>{"http://test/ogc/collections/catalog/items"});
  EXPECT_EQ(rels(r.json["links"], "self"),
            std::vector<std::string>{"http://test/ogc/collections/catalog"});
  // The extent covers the three published records (not the draft, which has none anyway).
  auto bbox = r.json["extent"]["spatial"]["bbox"].at(0);
  EXPECT_DOUBLE_EQ(double(bbox.at(0)), 100.0);
  EXPECT_DOUBLE_EQ(double(bbox.at(1)), 20.0);
  EXPECT_DOUBLE_EQ(double(bbox.at(2)), 122.0);
  EXPECT_DOUBLE_EQ(double(bbox.at(3)), 41.1);
  auto interval = r.json["extent"]["temporal"]["interval"].at(0);
  EXPECT_EQ(str(interval.at(0)), "2020-01-01T00:00:00Z");
  EXPECT_TRUE(interval.at(1).is_null());  // the roads' time is open-ended

  auto c = call("/ogc/collections/catalog", {{"f", "ogc-catalog"}});
  EXPECT_EQ(c.header("Content-Type"), "application/ogc-catalog+json");

  auto list = call("/ogc/collections");
  ASSERT_EQ(list.status, 200);
  std::vector<std::string> collection_ids;
  for (auto e : list.json["collections"].get_array()) collection_ids.push_back(str(e["id"]));
  EXPECT_EQ(collection_ids, std::vector<std::string>{"catalog"});  // the store has no dataset

  auto conf = call("/ogc/conformance");
  std::vector<std::string> classes;
  for (auto v : conf.json["conformsTo"].get_array()) classes.push_back(str(v));
  for (const auto& cls : records_conformance_classes())
    EXPECT_NE(std::find(classes.begin(), classes.end(), cls), classes.end()) << cls;
  EXPECT_NE(std::find(classes.begin(), classes.end(),
                      "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/records-api"),
            classes.end());

  auto landing = call("/ogc");
  EXPECT_EQ(rels(landing.json["links"], "http://www.opengis.net/def/rel/ogc/1.0/ogc-catalog"),
            std::vector<std::string>{"http://test/ogc/collections/catalog/items"});
}

TEST_F(RecordsTest, ItemsListPublishedRecordsOnly) {
  auto r = call("/ogc/collections/catalog/items");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Type"), "application/geo+json");
  EXPECT_EQ(str(r.json["type"]), "FeatureCollection");
  EXPECT_EQ(int64_t(r.json["numberMatched"]), 3);
  EXPECT_EQ(int64_t(r.json["numberReturned"]), 3);
  EXPECT_EQ(id_set(r), (Set{"beijing-roads", "shanghai-parks", "remote--abc-1"}));
  EXPECT_EQ(str(r.json["timeStamp"]), "2025-11-26T00:00:00Z");
  EXPECT_TRUE(rels(r.json["links"], "next").empty());
  EXPECT_TRUE(rels(r.json["links"], "prev").empty());
  EXPECT_EQ(rels(r.json["links"], "collection"),
            std::vector<std::string>{"http://test/ogc/collections/catalog"});

  EXPECT_EQ(call("/ogc/collections/catalog/items/secret").status, 404);
  EXPECT_EQ(call("/ogc/collections/catalog/items/nosuch").status, 404);
  EXPECT_EQ(call("/ogc/collections/catalog/items", {{"ids", "secret"}})
                .json["numberMatched"]
                .get_int64()
                .value(),
            0);
}

TEST_F(RecordsTest, Filters) {
  auto q = [&](protocol::QueryParams p) {
    return id_set(call("/ogc/collections/catalog/items", p));
  };
  EXPECT_EQ(q({{"type", "document"}}), (Set{"shanghai-parks"}));
  EXPECT_EQ(q({{"type", "document,service"}}), (Set{"shanghai-parks", "remote--abc-1"}));
  EXPECT_EQ(q({{"ids", "beijing-roads,secret,nosuch"}}), (Set{"beijing-roads"}));
  EXPECT_EQ(q({{"externalIds", "abc-1"}}), (Set{"remote--abc-1"}));
  EXPECT_EQ(q({{"externalIds", "remote:abc-1"}}), (Set{"remote--abc-1"}));
  EXPECT_EQ(q({{"externalIds", "remote:"}}), (Set{"remote--abc-1"}));
  EXPECT_EQ(q({{"externalIds", "other:abc-1"}}), Set{});
  EXPECT_EQ(q({{"externalIds", "abc-1"}, {"ids", "beijing-roads"}}), Set{});
  // bbox in CRS84 (lon,lat): Beijing only; 6 numbers too.
  EXPECT_EQ(q({{"bbox", "116,39.5,117,40.5"}}), (Set{"beijing-roads"}));
  EXPECT_EQ(q({{"bbox", "116,39.5,0,117,40.5,100"}}), (Set{"beijing-roads"}));
  EXPECT_EQ(q({{"bbox", "0,0,180,90"}}), (Set{"beijing-roads", "shanghai-parks", "remote--abc-1"}));
  // datetime: records without time fail a time filter.
  EXPECT_EQ(q({{"datetime", "2019-01-01/2019-12-31"}}), Set{});
  EXPECT_EQ(q({{"datetime", "2021-01-01"}}), (Set{"beijing-roads", "remote--abc-1"}));
  EXPECT_EQ(q({{"datetime", "2022-06-01T00:00:00Z/.."}}), (Set{"beijing-roads"}));
  // q: one term, then comma-separated alternatives (OR).
  EXPECT_EQ(q({{"q", "parks"}}), (Set{"shanghai-parks"}));
  EXPECT_EQ(q({{"q", "北京 道路"}}), (Set{"beijing-roads"}));
  EXPECT_EQ(q({{"q", "parks,rivers"}}), (Set{"shanghai-parks", "remote--abc-1"}));
  EXPECT_EQ(q({{"q", "roads"}}), (Set{"beijing-roads"}));  // the draft stays hidden
  EXPECT_EQ(q({{"q", "parks,rivers"}, {"type", "service"}}), (Set{"remote--abc-1"}));
}

TEST_F(RecordsTest, SortAndPaging) {
  auto sorted = ids(call("/ogc/collections/catalog/items", {{"sortby", "title"}}));
  EXPECT_EQ(sorted, (std::vector<std::string>{"remote--abc-1", "shanghai-parks", "beijing-roads"}));

  // limit=1: following next from the first page gives every record once, then no next.
  std::vector<std::string> seen;
  std::string path = "/ogc/collections/catalog/items";
  protocol::QueryParams query = {{"limit", "1"}, {"sortby", "title"}};
  for (int page = 0; page < 10; ++page) {
    auto r = call(path, query);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(int64_t(r.json["numberMatched"]), 3);
    EXPECT_EQ(int64_t(r.json["numberReturned"]), 1);
    for (auto& id : ids(r)) seen.push_back(id);
    if (page > 0) {
      EXPECT_EQ(rels(r.json["links"], "prev").size(), 1u);
    }
    auto next = rels(r.json["links"], "next");
    if (next.empty()) break;
    std::tie(path, query) = split(next.front());
  }
  EXPECT_EQ(seen, sorted);

  auto last = call("/ogc/collections/catalog/items", {{"limit", "2"}, {"offset", "2"}});
  EXPECT_EQ(rels(last.json["links"], "prev"),
            std::vector<std::string>{"http://test/ogc/collections/catalog/items?limit=2"});
  auto beyond = call("/ogc/collections/catalog/items", {{"offset", "10"}});
  EXPECT_EQ(int64_t(beyond.json["numberReturned"]), 0);
  EXPECT_EQ(int64_t(beyond.json["numberMatched"]), 3);
  // limit above 100 is reduced to 100 (OGC API - Features), not refused.
  EXPECT_EQ(call("/ogc/collections/catalog/items", {{"limit", "1000"}}).status, 200);
}

TEST_F(RecordsTest, InvalidParametersAre400) {
  auto bad = [&](protocol::QueryParams p, std::string_view parameter) {
    auto r = call("/ogc/collections/catalog/items", p);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.error_parameter, parameter);
  };
  bad({{"bbox", "1,2,3"}}, "bbox");
  bad({{"bbox", "10,0,5,1"}}, "bbox");
  bad({{"datetime", "yesterday"}}, "datetime");
  bad({{"limit", "0"}}, "limit");
  bad({{"offset", "-1"}}, "offset");
  bad({{"sortby", "publisher"}}, "sortby");
  bad({{"colour", "red"}}, "colour");
  bad({{"f", "xml"}}, "f");
  bad({{"externalIds", ""}}, "externalIds");
  std::string many = "a";
  for (int i = 0; i < 20; ++i) many += ",a";  // 21 terms
  bad({{"q", many}}, "q");
  EXPECT_EQ(call("/ogc/collections/catalog/items", {{"q", many.substr(2)}}).status, 200);  // 20
  EXPECT_EQ(call("/ogc/collections/catalog/items", {{"tk", "x"}}).status, 200);
}

TEST_F(RecordsTest, RecordEncoding) {
  auto r = call("/ogc/collections/catalog/items/beijing-roads");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Type"), "application/geo+json");
  auto j = r.json;
  EXPECT_EQ(str(j["type"]), "Feature");
  EXPECT_EQ(str(j["id"]), "beijing-roads");
  EXPECT_EQ(str(j["conformsTo"].at(0)),
            "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/record-core");
  EXPECT_EQ(str(j["geometry"]["type"]), "Polygon");
  auto ring = j["geometry"]["coordinates"].at(0);
  ASSERT_EQ(ring.get_array().size(), 5u);
  EXPECT_DOUBLE_EQ(double(ring.at(1).at(0)), 117.5);
  EXPECT_DOUBLE_EQ(double(ring.at(1).at(1)), 39.4);
  EXPECT_DOUBLE_EQ(double(ring.at(3).at(0)), 115.4);
  EXPECT_DOUBLE_EQ(double(ring.at(3).at(1)), 41.1);
  EXPECT_EQ(str(j["time"]["interval"].at(0)), "2020-01-01T00:00:00Z");
  EXPECT_EQ(str(j["time"]["interval"].at(1)), "..");
  auto p = j["properties"];
  EXPECT_EQ(str(p["type"]), "dataset");
  EXPECT_EQ(str(p["title"]), "北京市主要道路");
  EXPECT_EQ(str(p["description"]), "Main roads of Beijing");
  EXPECT_EQ(p["keywords"].get_array().size(), 3u);
  EXPECT_EQ(str(p["themes"].at(0)["concepts"].at(0)["id"]), "transportation");
  EXPECT_EQ(str(p["themes"].at(0)["scheme"]), "ISO 19115 topic category");
  EXPECT_EQ(str(p["language"]["code"]), "zh");
  EXPECT_EQ(str(p["license"]), "CC-BY-4.0");
  EXPECT_TRUE(p["rights"].error() == simdjson::NO_SUCH_FIELD);
  EXPECT_TRUE(p["externalIds"].error() == simdjson::NO_SUCH_FIELD);
  EXPECT_EQ(str(p["created"]), "2025-11-26T00:00:00Z");
  EXPECT_EQ(str(p["updated"]), "2025-11-26T00:00:00Z");
  auto contacts = p["contacts"].get_array();
  ASSERT_EQ(contacts.size(), 2u);
  EXPECT_EQ(str(contacts.at(0)["name"]), "Li Lei");
  EXPECT_EQ(str(contacts.at(0)["emails"].at(0)["value"]), "li@example.org");
  EXPECT_EQ(str(contacts.at(0)["phones"].at(0)["value"]), "+861012345678");
  EXPECT_EQ(str(contacts.at(0)["roles"].at(0)), "pointOfContact");
  EXPECT_EQ(str(contacts.at(1)["organization"]), "北京市测绘院");
  EXPECT_EQ(str(contacts.at(1)["roles"].at(0)), "publisher");
  EXPECT_EQ(str(p["shikong"]["access"]), "public");
  EXPECT_EQ(str(p["shikong"]["licence"]), "CC-BY-4.0");
  EXPECT_EQ(rels(j["links"], "self"),
            std::vector<std::string>{"http://test/ogc/collections/catalog/items/beijing-roads"});
  EXPECT_EQ(rels(j["links"], "alternate"),
            std::vector<std::string>{"http://test/api/v1/records/beijing-roads"});
  EXPECT_EQ(rels(j["links"], "collection"),
            std::vector<std::string>{"http://test/ogc/collections/catalog"});
  EXPECT_EQ(rels(j["links"], "profile"),
            std::vector<std::string>{"http://www.opengis.net/def/profile/OGC/0/ogc-catalog"});

  // A URL licence: "other" with a license link.
  auto parks_result = call("/ogc/collections/catalog/items/shanghai-parks");
  auto parks = parks_result.json;
  EXPECT_EQ(str(parks["properties"]["license"]), "other");
  EXPECT_EQ(rels(parks["links"], "license"),
            std::vector<std::string>{"https://example.org/licence.html"});
  EXPECT_TRUE(parks["time"].is_null());

  // A harvested record: external id with its source as scheme, free-text licence as rights,
  // the source's link and the service link with its protocol.
  auto remote_result = call("/ogc/collections/catalog/items/remote--abc-1");
  auto remote = remote_result.json;
  EXPECT_EQ(str(remote["properties"]["externalIds"].at(0)["scheme"]), "remote");
  EXPECT_EQ(str(remote["properties"]["externalIds"].at(0)["value"]), "abc-1");
  EXPECT_EQ(str(remote["properties"]["license"]), "other");
  EXPECT_EQ(str(remote["properties"]["rights"]), "free for non-commercial use");
  EXPECT_EQ(str(remote["time"]["timestamp"]), "2021-01-01T00:00:00Z");
  EXPECT_EQ(rels(remote["links"], "via"),
            std::vector<std::string>{"https://remote.example.org/records/abc-1"});
  bool found = false;
  for (auto l : remote["links"].get_array())
    if (str(l["rel"]) == "service") {
      found = true;
      EXPECT_EQ(str(l["protocol"]), "OGC:WMS");
      EXPECT_EQ(str(l["href"]), "https://remote.example.org/wms");
    }
  EXPECT_TRUE(found);
}

TEST_F(RecordsTest, Queryables) {
  auto r = call("/ogc/collections/catalog/queryables");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "application/schema+json");
  EXPECT_EQ(str(r.json["$id"]), "http://test/ogc/collections/catalog/queryables");
  for (const char* name : {"id", "geometry", "time", "q", "type", "externalIds", "title"})
    EXPECT_FALSE(r.json["properties"][name].error()) << name;
}

TEST_F(RecordsTest, DcatCatalog) {
  auto r = call("/api/v1/catalog.jsonld");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Type"), "application/ld+json");
  auto j = r.json;
  EXPECT_EQ(str(j["@type"]), "dcat:Catalog");
  EXPECT_EQ(str(j["@context"]["dcat"]), "http://www.w3.org/ns/dcat#");
  EXPECT_EQ(str(j["@context"]["dct"]), "http://purl.org/dc/terms/");
  EXPECT_EQ(str(j["@id"]), "http://test/api/v1/catalog.jsonld");
  std::map<std::string, simdjson::dom::element> by_id;
  for (auto d : j["dcat:dataset"].get_array()) by_id[str(d["dct:identifier"])] = d;
  ASSERT_EQ(by_id.size(), 3u);  // published only: no draft
  EXPECT_EQ(by_id.count("secret"), 0u);
  auto roads = by_id["beijing-roads"];
  EXPECT_EQ(str(roads["@id"]), "http://test/api/v1/records/beijing-roads");
  EXPECT_EQ(str(roads["@type"]), "dcat:Dataset");
  EXPECT_EQ(str(roads["dct:title"]), "北京市主要道路");
  EXPECT_EQ(str(roads["dcat:theme"]["@id"]),
            "http://inspire.ec.europa.eu/metadata-codelist/TopicCategory/transportation");
  EXPECT_EQ(str(roads["dct:license"]["@id"]), "http://spdx.org/licenses/CC-BY-4.0");
  EXPECT_EQ(str(roads["dct:publisher"]["foaf:name"]), "北京市测绘院");
  EXPECT_EQ(str(roads["dct:spatial"]["@type"]), "dct:Location");
  EXPECT_EQ(str(roads["dct:spatial"]["dcat:bbox"]["@value"]),
            "POLYGON((115.4 39.4,117.5 39.4,117.5 41.1,115.4 41.1,115.4 39.4))");
  EXPECT_EQ(str(roads["dct:spatial"]["dcat:bbox"]["@type"]), "gsp:wktLiteral");
  EXPECT_EQ(str(roads["dct:temporal"]["dcat:startDate"]["@value"]), "2020-01-01T00:00:00Z");
  EXPECT_TRUE(roads["dct:temporal"]["dcat:endDate"].error() == simdjson::NO_SUCH_FIELD);
  EXPECT_EQ(str(roads["dct:modified"]["@value"]), "2025-11-26T00:00:00Z");
  EXPECT_EQ(str(roads["dcat:contactPoint"]["vcard:hasEmail"]["@id"]), "mailto:li@example.org");
  auto remote = by_id["remote--abc-1"];
  ASSERT_EQ(remote["dcat:distribution"].get_array().size(), 1u);
  auto dist = remote["dcat:distribution"].at(0);
  EXPECT_EQ(str(dist["@type"]), "dcat:Distribution");
  EXPECT_EQ(str(dist["dcat:accessURL"]["@id"]), "https://remote.example.org/wms");
  EXPECT_EQ(str(dist["dct:format"]), "OGC:WMS");
  EXPECT_EQ(str(dist["dcat:mediaType"]["@id"]),
            "https://www.iana.org/assignments/media-types/text/xml");
  EXPECT_EQ(str(remote["dct:license"]["rdfs:label"]), "free for non-commercial use");
}

TEST(RecordsEncoding, Licences) {
  auto spdx = split_licence("CC-BY-4.0");
  EXPECT_EQ(spdx.license, "CC-BY-4.0");
  EXPECT_EQ(spdx.link, "");
  EXPECT_EQ(spdx.rights, "");
  auto url = split_licence(" https://example.org/l ");
  EXPECT_EQ(url.license, "other");
  EXPECT_EQ(url.link, "https://example.org/l");
  auto text = split_licence("仅限非商业使用");
  EXPECT_EQ(text.license, "other");
  EXPECT_EQ(text.rights, "仅限非商业使用");
  EXPECT_EQ(split_licence("").license, "");
  EXPECT_EQ(split_licence("ODbL-1.0").license, "ODbL-1.0");
  EXPECT_EQ(split_licence("public domain").license, "other");
}

TEST(RecordsEncoding, FormatMediaTypes) {
  EXPECT_EQ(format_media_type("GeoJSON"), "application/geo+json");
  EXPECT_EQ(format_media_type("geopackage"), "application/geopackage+sqlite3");
  EXPECT_EQ(format_media_type("CSV"), "text/csv");
  EXPECT_EQ(format_media_type("Esri grid"), "");
}

}  // namespace
}  // namespace shikong::ogc
