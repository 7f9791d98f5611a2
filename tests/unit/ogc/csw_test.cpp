// CSW 2.0.2 in process: a real catalog and search engine over an embedded store in a temporary
// directory, the routes in a Router, answers read back with the xml reader: record documents
// (Dublin Core at three element sets, ISO 19139), GetRecords with KVP and XML, paging, sorting,
// visibility, and the exception reports.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>

#include "catalog/catalog_service.hpp"
#include "core/error.hpp"
#include "ogc/csw.hpp"
#include "protocol/query.hpp"
#include "search/search_service.hpp"
#include "storage/records.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "xml/xml.hpp"

namespace shikong::ogc {
namespace {

namespace fs = std::filesystem;
namespace ns = xml::ns;

struct Reply {
  int status = 0;
  protocol::Headers headers;
  std::string body;
  xml::Element root;
};

std::vector<std::string> texts(const xml::Element& e, std::string_view n, std::string_view name) {
  std::vector<std::string> out;
  for (const auto* c : e.children_named(n, name)) out.push_back(c->text);
  return out;
}

std::vector<std::string> record_ids(const xml::Element& parent, std::string_view tag) {
  std::vector<std::string> out;
  for (const auto* r : parent.children_named(ns::csw, tag))
    out.push_back(r->child_text(ns::dc, "identifier"));
  return out;
}

catalog::Record sample_record() {
  catalog::Record r;
  r.id = "beijing-roads";
  r.dataset_id = "beijing-roads";
  r.kind = "vector";
  r.title = "北京市主要道路 & <main>";
  r.abstract = "Main roads of Beijing";
  r.keywords = {"道路", "roads"};
  r.topic = "transportation";
  r.publisher = "北京市测绘院";
  r.licence = "CC-BY-4.0";
  r.language = "zh";
  r.lineage = "surveyed 2020";
  r.update_frequency = "annually";
  r.contact.name = "Li Lei";
  r.contact.email = "li@example.org";
  r.extent = Envelope::of(115.5, 39.25, 117.5, 41.125);
  r.time_extent = Interval{Instant::from_seconds(1577836800), std::nullopt};
  r.crs = "EPSG:4490";
  r.formats = {"GeoJSON", "CSV"};
  r.state = catalog::RecordState::published;
  r.created = Instant::from_seconds(1700000000);
  r.updated = Instant::from_seconds(1764115200);
  r.published = Instant::from_seconds(1700000100);
  r.links.push_back({"https://example.org/doc", "describedby", "text/html", "Guide", ""});
  return r;
}

const RecordUrls kUrls{"http://test", "/ogc", "/api/v1"};

xml::Element wrap_records(const std::string& records) {
  return xml::parse(
      "<r xmlns:csw=\"http://www.opengis.net/cat/csw/2.0.2\" "
      "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dct=\"http://purl.org/dc/terms/\" "
      "xmlns:ows=\"http://www.opengis.net/ows\">" +
      records + "</r>");
}

std::vector<std::string> child_names(const xml::Element& e) {
  std::vector<std::string> out;
  for (const auto& c : e.children) out.push_back(c.prefix + ":" + c.name);
  return out;
}

TEST(CswRecordXml, BriefSummaryFull) {
  const catalog::Record r = sample_record();
  xml::Element brief = wrap_records(csw_record_xml(r, ElementSet::brief, kUrls));
  ASSERT_EQ(brief.children.size(), 1u);
  EXPECT_EQ(brief.children[0].name, "BriefRecord");
  EXPECT_EQ(child_names(brief.children[0]),
            (std::vector<std::string>{"dc:identifier", "dc:title", "dc:type", "ows:BoundingBox"}));
  EXPECT_EQ(brief.children[0].child_text(ns::dc, "title"), "北京市主要道路 & <main>");

  xml::Element summary = wrap_records(csw_record_xml(r, ElementSet::summary, kUrls));
  EXPECT_EQ(child_names(summary.children[0]),
            (std::vector<std::string>{"dc:identifier", "dc:title", "dc:type", "dc:subject",
                                      "dc:subject", "dc:subject", "dc:format", "dc:format",
                                      "dct:modified", "dct:abstract", "ows:BoundingBox"}));
  EXPECT_EQ(texts(summary.children[0], ns::dc, "subject"),
            (std::vector<std::string>{"道路", "roads", "transportation"}));
  EXPECT_EQ(summary.children[0].child_text(ns::dct, "modified"), "2025-11-26T00:00:00Z");

  xml::Element full = wrap_records(csw_record_xml(r, ElementSet::full, kUrls));
  const xml::Element& rec = full.children[0];
  EXPECT_EQ(rec.name, "Record");
  EXPECT_EQ(rec.child_text(ns::dc, "publisher"), "北京市测绘院");
  EXPECT_EQ(rec.child_text(ns::dc, "rights"), "CC-BY-4.0");
  EXPECT_EQ(rec.child_text(ns::dc, "language"), "zh");
  EXPECT_EQ(rec.child_text(ns::dct, "issued"), "2023-11-14T22:15:00Z");
  EXPECT_EQ(rec.child_text(ns::dct, "temporal"), "2020-01-01T00:00:00Z/..");
  std::vector<std::string> refs;
  for (const auto* ref : rec.children_named(ns::dct, "references"))
    refs.push_back(ref->attribute("scheme") + " " + ref->text);
  EXPECT_EQ(refs, (std::vector<std::string>{
                      "WWW:LINK http://test/api/v1/records/beijing-roads",
                      "OGC API - Features http://test/ogc/collections/beijing-roads",
                      "OGC:WMS http://test/ogc/wms?service=WMS&request=GetCapabilities",
                      "OGC:WMTS http://test/ogc/wmts?service=WMTS&request=GetCapabilities",
                      "WWW:DOWNLOAD-1.0-http--download "
                      "http://test/api/v1/datasets/beijing-roads/download",
                      "describedby https://example.org/doc"}));
  // Latitude first under the EPSG URN; longitude first in the WGS 84 box.
  const xml::Element* box = rec.child(ns::ows, "BoundingBox");
  ASSERT_NE(box, nullptr);
  EXPECT_EQ(box->attribute("crs"), "urn:ogc:def:crs:EPSG:6.6:4326");
  EXPECT_EQ(box->child_text(ns::ows, "LowerCorner"), "39.25 115.5");
  EXPECT_EQ(box->child_text(ns::ows, "UpperCorner"), "41.125 117.5");
  const xml::Element* wgs = rec.child(ns::ows, "WGS84BoundingBox");
  ASSERT_NE(wgs, nullptr);
  EXPECT_EQ(wgs->child_text(ns::ows, "LowerCorner"), "115.5 39.25");
  // The boxes close the record.
  EXPECT_EQ(child_names(rec).back(), "ows:WGS84BoundingBox");

  catalog::Record bare;
  bare.id = "x";
  bare.title = "";
  xml::Element b = wrap_records(csw_record_xml(bare, ElementSet::brief, kUrls));
  EXPECT_EQ(child_names(b.children[0]),
            (std::vector<std::string>{"dc:identifier", "dc:title", "dc:type"}));
}

TEST(CswRecordXml, Iso19139) {
  const catalog::Record r = sample_record();
  xml::Element md = xml::parse(iso_record_xml(r, ElementSet::full, kUrls));
  EXPECT_EQ(md.ns, ns::gmd);
  EXPECT_EQ(md.name, "MD_Metadata");
  std::vector<std::string> order;
  for (const auto& c : md.children) order.push_back(c.name);
  EXPECT_EQ(order, (std::vector<std::string>{"fileIdentifier", "language", "characterSet",
                                             "hierarchyLevel", "contact", "dateStamp",
                                             "metadataStandardName", "metadataStandardVersion",
                                             "referenceSystemInfo", "identificationInfo",
                                             "distributionInfo", "dataQualityInfo"}));
  EXPECT_EQ(md.child(ns::gmd, "fileIdentifier")->child_text(ns::gco, "CharacterString"),
            "beijing-roads");
  EXPECT_EQ(
      md.child(ns::gmd, "language")->child(ns::gmd, "LanguageCode")->attribute("codeListValue"),
      "chi");
  EXPECT_EQ(md.child(ns::gmd, "dateStamp")->child_text(ns::gco, "DateTime"),
            "2025-11-26T00:00:00Z");
  const xml::Element* id =
      md.child(ns::gmd, "identificationInfo")->child(ns::gmd, "MD_DataIdentification");
  ASSERT_NE(id, nullptr);
  std::vector<std::string> id_order;
  for (const auto& c : id->children) id_order.push_back(c.name);
  EXPECT_EQ(id_order, (std::vector<std::string>{"citation", "abstract", "pointOfContact",
                                                "resourceMaintenance", "descriptiveKeywords",
                                                "resourceConstraints", "language", "topicCategory",
                                                "extent"}));
  const xml::Element* citation = id->child(ns::gmd, "citation")->child(ns::gmd, "CI_Citation");
  EXPECT_EQ(citation->child(ns::gmd, "title")->child_text(ns::gco, "CharacterString"),
            "北京市主要道路 & <main>");
  std::vector<std::string> dates;
  for (const auto* d : citation->children_named(ns::gmd, "date")) {
    const xml::Element* ci = d->child(ns::gmd, "CI_Date");
    dates.push_back(ci->child(ns::gmd, "dateType")->child(ns::gmd, "CI_DateTypeCode")->text + "=" +
                    ci->child(ns::gmd, "date")->child_text(ns::gco, "DateTime"));
  }
  EXPECT_EQ(dates, (std::vector<std::string>{"creation=2023-11-14T22:13:20Z",
                                             "publication=2023-11-14T22:15:00Z",
                                             "revision=2025-11-26T00:00:00Z"}));
  std::vector<std::string> keywords;
  for (const auto* k : id->child(ns::gmd, "descriptiveKeywords")
                           ->child(ns::gmd, "MD_Keywords")
                           ->children_named(ns::gmd, "keyword"))
    keywords.push_back(k->child_text(ns::gco, "CharacterString"));
  EXPECT_EQ(keywords, (std::vector<std::string>{"道路", "roads"}));
  EXPECT_EQ(id->child_text(ns::gmd, "topicCategory"), "");  // the code is one level down
  EXPECT_EQ(id->child(ns::gmd, "topicCategory")->child_text(ns::gmd, "MD_TopicCategoryCode"),
            "transportation");
  const xml::Element* ex = id->child(ns::gmd, "extent")->child(ns::gmd, "EX_Extent");
  const xml::Element* geo =
      ex->child(ns::gmd, "geographicElement")->child(ns::gmd, "EX_GeographicBoundingBox");
  EXPECT_EQ(geo->child(ns::gmd, "westBoundLongitude")->child_text(ns::gco, "Decimal"), "115.5");
  EXPECT_EQ(geo->child(ns::gmd, "eastBoundLongitude")->child_text(ns::gco, "Decimal"), "117.5");
  EXPECT_EQ(geo->child(ns::gmd, "southBoundLatitude")->child_text(ns::gco, "Decimal"), "39.25");
  EXPECT_EQ(geo->child(ns::gmd, "northBoundLatitude")->child_text(ns::gco, "Decimal"), "41.125");
  const xml::Element* period = ex->child(ns::gmd, "temporalElement")
                                   ->child(ns::gmd, "EX_TemporalExtent")
                                   ->child(ns::gmd, "extent")
                                   ->child(ns::gml32, "TimePeriod");
  ASSERT_NE(period, nullptr);
  EXPECT_EQ(period->child_text(ns::gml32, "beginPosition"), "2020-01-01T00:00:00Z");
  EXPECT_EQ(period->child(ns::gml32, "endPosition")->attribute("indeterminatePosition"), "unknown");
  const xml::Element* legal =
      id->child(ns::gmd, "resourceConstraints")->child(ns::gmd, "MD_LegalConstraints");
  EXPECT_EQ(legal->child(ns::gmd, "otherConstraints")->child_text(ns::gco, "CharacterString"),
            "CC-BY-4.0");
  std::vector<std::string> urls;
  const xml::Element* dto = md.child(ns::gmd, "distributionInfo")
                                ->child(ns::gmd, "MD_Distribution")
                                ->child(ns::gmd, "transferOptions")
                                ->child(ns::gmd, "MD_DigitalTransferOptions");
  for (const auto* on : dto->children_named(ns::gmd, "onLine"))
    urls.push_back(on->child(ns::gmd, "CI_OnlineResource")
                       ->child(ns::gmd, "linkage")
                       ->child_text(ns::gmd, "URL"));
  ASSERT_EQ(urls.size(), 6u);
  EXPECT_EQ(urls[0], "http://test/api/v1/records/beijing-roads");

  xml::Element brief = xml::parse(iso_record_xml(r, ElementSet::brief, kUrls));
  std::vector<std::string> brief_order;
  for (const auto& c : brief.children) brief_order.push_back(c.name);
  EXPECT_EQ(brief_order,
            (std::vector<std::string>{"fileIdentifier", "hierarchyLevel", "identificationInfo"}));
}

// ---- the routes ----

class CswTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::random_device rd;
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("shikong-csw-test-" + std::to_string(rd()) + std::to_string(rd())));
    fs::create_directories(*dir_);
    storage::SqliteOptions o;
    o.data_dir = *dir_;
    store_ = storage::open_sqlite_store(o).release();
    record_store_ = storage::open_sqlite_record_store(*dir_).release();
    catalog_ = new catalog::CatalogService(*store_, *record_store_, [] {
      // Every change a second later than the one before, so "newest" is a strict order.
      static std::int64_t tick = 0;
      return Instant::from_seconds(1764115200 + tick++);
    });
    catalog_->load();
    const catalog::Actor admin = catalog::Actor::system("admin");
    auto add = [&](std::string id, std::string title, std::vector<std::string> keywords,
                   std::optional<Envelope> extent, bool publish) {
      catalog::RecordPatch p;
      p.title = std::move(title);
      p.keywords = std::move(keywords);
      p.abstract = "about " + id;
      if (extent) p.extent = *extent;
      catalog_->create(id, p, admin);
      if (publish) catalog_->publish(id, admin);
    };
    add("beijing-roads", "Beijing roads", {"roads", "traffic"},
        Envelope::of(115.5, 39.5, 117.5, 41), true);
    add("shanghai-parks", "Shanghai parks", {"parks"}, Envelope::of(120.8, 30.6, 122, 31.9), true);
    add("china-rivers", "China rivers", {"rivers", "water"}, Envelope::of(73, 18, 135, 53), true);
    add("world-ports", "World ports", {"ports", "water"}, std::nullopt, true);
    add("draft-roads", "Draft roads", {"roads"}, Envelope::of(116, 39.8, 116.5, 40), false);
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
    // The test's stand-in for the access rule: an X-Admin header sees drafts too.
    context_->can_see = [](const protocol::Request& req, const catalog::Record& r) {
      return r.state == catalog::RecordState::published || req.header("X-Admin").has_value();
    };
    register_csw_routes(router_, *context_);
  }

  Reply call(std::string method, protocol::QueryParams query, std::string body = {},
             protocol::Headers headers = {}) {
    protocol::Request req;
    req.method = method;
    req.path = "/ogc/csw";
    req.query = std::move(query);
    req.headers = std::move(headers);
    req.body = std::move(body);
    req.target = req.path + (req.query.empty() ? "" : "?" + protocol::build_query(req.query));
    req.base_url = "http://test";
    auto m = router_.match(method, req.path);
    EXPECT_NE(m.route, nullptr);
    Reply out;
    protocol::Response r = m.route->handler(req);
    out.status = r.status;
    out.headers = r.headers;
    out.body = r.body;
    out.root = xml::parse(out.body);
    EXPECT_EQ(std::string(r.headers.get("Content-Type").value_or("")),
              "application/xml; charset=UTF-8");
    return out;
  }

  Reply get(protocol::QueryParams query, protocol::Headers headers = {}) {
    return call("GET", std::move(query), {}, std::move(headers));
  }

  static protocol::QueryParams records(protocol::QueryParams more) {
    protocol::QueryParams q = std::move(more);
    const protocol::QueryParams defaults{{"service", "CSW"},        {"version", "2.0.2"},
                                         {"request", "GetRecords"}, {"typeNames", "csw:Record"},
                                         {"resultType", "results"}, {"elementSetName", "brief"}};
    for (const auto& d : defaults) {
      bool given = false;
      for (const auto& [k, v] : q) given = given || k == d.first;
      if (!given) q.push_back(d);
    }
    return q;
  }

  static const xml::Element& results(const Reply& r) {
    const xml::Element* sr = r.root.child(ns::csw, "SearchResults");
    if (!sr) throw std::runtime_error("no SearchResults in " + r.body.substr(0, 300));
    return *sr;
  }

  static std::pair<std::string, std::string> exception_of(const Reply& r) {
    EXPECT_EQ(r.root.ns, ns::ows);
    EXPECT_EQ(r.root.name, "ExceptionReport");
    EXPECT_EQ(r.root.attribute("version"), "1.2.0");
    const xml::Element* e = r.root.child(ns::ows, "Exception");
    if (!e) return {};
    return {e->attribute("exceptionCode"), e->attribute("locator")};
  }

  static fs::path* dir_;
  static storage::Store* store_;
  static storage::RecordStore* record_store_;
  static catalog::CatalogService* catalog_;
  static search::SearchService* search_;
  std::unique_ptr<CatalogContext> context_;
  protocol::Router router_;
};

fs::path* CswTest::dir_ = nullptr;
storage::Store* CswTest::store_ = nullptr;
storage::RecordStore* CswTest::record_store_ = nullptr;
catalog::CatalogService* CswTest::catalog_ = nullptr;
search::SearchService* CswTest::search_ = nullptr;

TEST_F(CswTest, Capabilities) {
  Reply r = get({{"service", "CSW"}, {"request", "GetCapabilities"}, {"tk", "k1"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.root.ns, ns::csw);
  EXPECT_EQ(r.root.name, "Capabilities");
  EXPECT_EQ(r.root.attribute("version"), "2.0.2");
  EXPECT_EQ(r.root.child(ns::ows, "ServiceIdentification")->child_text(ns::ows, "ServiceType"),
            "CSW");
  std::vector<std::string> ops;
  for (const auto* op :
       r.root.child(ns::ows, "OperationsMetadata")->children_named(ns::ows, "Operation")) {
    ops.push_back(op->attribute("name"));
    const xml::Element* http = op->child(ns::ows, "DCP")->child(ns::ows, "HTTP");
    EXPECT_EQ(http->child(ns::ows, "Get")->attribute("href"), "http://test/ogc/csw?tk=k1&");
    EXPECT_EQ(http->child(ns::ows, "Post")->attribute("href"), "http://test/ogc/csw?tk=k1");
  }
  EXPECT_EQ(ops, (std::vector<std::string>{"GetCapabilities", "DescribeRecord", "GetRecords",
                                           "GetRecordById"}));
  EXPECT_NE(r.root.child(ns::ogc, "Filter_Capabilities"), nullptr);

  Reply v = get({{"service", "CSW"}, {"request", "GetCapabilities"}, {"AcceptVersions", "1.0.0"}});
  EXPECT_EQ(v.status, 400);
  EXPECT_EQ(exception_of(v),
            (std::pair<std::string, std::string>{"VersionNegotiationFailed", "AcceptVersions"}));
}

TEST_F(CswTest, GetRecordsCountsFiltersAndVisibility) {
  Reply all = get(records({{"resultType", "hits"}}));
  EXPECT_EQ(results(all).attribute("numberOfRecordsMatched"), "4");
  EXPECT_EQ(results(all).attribute("numberOfRecordsReturned"), "0");
  EXPECT_TRUE(results(all).children.empty());
  Reply admin = get(records({{"resultType", "hits"}}), [] {
    protocol::Headers h;
    h.set("X-Admin", "1");
    return h;
  }());
  EXPECT_EQ(results(admin).attribute("numberOfRecordsMatched"), "5");

  Reply cql = get(
      records({{"constraintLanguage", "CQL_TEXT"}, {"constraint", "csw:AnyText LIKE '%roads%'"}}));
  EXPECT_EQ(record_ids(results(cql), "BriefRecord"), (std::vector<std::string>{"beijing-roads"}));

  Reply bbox = get(records({{"constraintLanguage", "CQL_TEXT"},
                            {"constraint", "BBOX(ows:BoundingBox, 110, 30, 125, 45)"}}));
  EXPECT_EQ(results(bbox).attribute("numberOfRecordsMatched"), "3");

  const std::string within =
      "<ogc:Filter xmlns:ogc=\"http://www.opengis.net/ogc\" "
      "xmlns:gml=\"http://www.opengis.net/gml\"><ogc:Within><ogc:PropertyName>ows:BoundingBox"
      "</ogc:PropertyName><gml:Envelope srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:lowerCorner>"
      "30 110</gml:lowerCorner><gml:upperCorner>45 125</gml:upperCorner></gml:Envelope>"
      "</ogc:Within></ogc:Filter>";
  Reply w = get(records({{"constraintLanguage", "FILTER"}, {"constraint", within}}));
  auto ids = record_ids(results(w), "BriefRecord");
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"beijing-roads", "shanghai-parks"}));

  Reply nested =
      get(records({{"constraintLanguage", "CQL_TEXT"},
                   {"constraint", "dc:title = 'x' OR WITHIN(ows:BoundingBox, 110, 30, 125, 45)"}}));
  EXPECT_EQ(nested.status, 400);
  EXPECT_EQ(exception_of(nested),
            (std::pair<std::string, std::string>{"InvalidParameterValue", "Constraint"}));
}

TEST_F(CswTest, PagingAndSorting) {
  // Newest first by default; the records were made in the order added.
  Reply p1 = get(records({{"maxRecords", "3"}}));
  EXPECT_EQ(record_ids(results(p1), "BriefRecord"),
            (std::vector<std::string>{"world-ports", "china-rivers", "shanghai-parks"}));
  EXPECT_EQ(results(p1).attribute("nextRecord"), "4");
  Reply p2 = get(records({{"maxRecords", "3"}, {"startPosition", "4"}}));
  EXPECT_EQ(record_ids(results(p2), "BriefRecord"), (std::vector<std::string>{"beijing-roads"}));
  EXPECT_EQ(results(p2).attribute("nextRecord"), "0");
  EXPECT_EQ(results(p2).attribute("numberOfRecordsReturned"), "1");
  Reply past = get(records({{"startPosition", "9"}}));
  EXPECT_EQ(results(past).attribute("numberOfRecordsReturned"), "0");
  EXPECT_EQ(results(past).attribute("nextRecord"), "0");

  Reply asc =
      get(records({{"sortBy", "dct:modified:A"}, {"maxRecords", "2"}, {"startPosition", "2"}}));
  EXPECT_EQ(record_ids(results(asc), "BriefRecord"),
            (std::vector<std::string>{"shanghai-parks", "china-rivers"}));
  EXPECT_EQ(results(asc).attribute("nextRecord"), "4");
  Reply title = get(records({{"sortBy", "dc:title:A"}}));
  EXPECT_EQ(
      record_ids(results(title), "BriefRecord"),
      (std::vector<std::string>{"beijing-roads", "china-rivers", "shanghai-parks", "world-ports"}));
  Reply title_d = get(records({{"sortBy", "title:D"}, {"maxRecords", "3"}}));
  EXPECT_EQ(record_ids(results(title_d), "BriefRecord"),
            (std::vector<std::string>{"world-ports", "shanghai-parks", "china-rivers"}));
  Reply cap = get(records({{"maxRecords", "1000"}}));
  EXPECT_EQ(results(cap).attribute("numberOfRecordsReturned"), "4");
}

TEST_F(CswTest, PostXmlAndForms) {
  const std::string body =
      R"(<csw:GetRecords xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" )"
      R"(xmlns:ogc="http://www.opengis.net/ogc" service="CSW" version="2.0.2" )"
      R"(resultType="results" maxRecords="5" outputSchema="http://www.isotc211.org/2005/gmd">)"
      R"(<csw:Query typeNames="gmd:MD_Metadata"><csw:ElementSetName>full</csw:ElementSetName>)"
      R"(<csw:Constraint version="1.1.0"><ogc:Filter><ogc:PropertyIsLike wildCard="%" )"
      R"(singleChar="_" escapeChar="\"><ogc:PropertyName>dc:subject</ogc:PropertyName>)"
      R"(<ogc:Literal>water</ogc:Literal></ogc:PropertyIsLike></ogc:Filter></csw:Constraint>)"
      R"(<ogc:SortBy><ogc:SortProperty><ogc:PropertyName>dc:title</ogc:PropertyName>)"
      R"(<ogc:SortOrder>ASC</ogc:SortOrder></ogc:SortProperty></ogc:SortBy></csw:Query>)"
      R"(</csw:GetRecords>)";
  Reply r = call("POST", {}, body);
  ASSERT_EQ(r.status, 200) << r.body;
  const xml::Element& sr = results(r);
  EXPECT_EQ(sr.attribute("recordSchema"), "http://www.isotc211.org/2005/gmd");
  std::vector<std::string> ids;
  for (const auto* md : sr.children_named(ns::gmd, "MD_Metadata"))
    ids.push_back(md->child(ns::gmd, "fileIdentifier")->child_text(ns::gco, "CharacterString"));
  EXPECT_EQ(ids, (std::vector<std::string>{"china-rivers", "world-ports"}));

  protocol::Headers form;
  form.set("Content-Type", "application/x-www-form-urlencoded");
  Reply f = call("POST", {},
                 "service=CSW&version=2.0.2&request=GetRecordById&id=china-rivers,draft-roads"
                 "&elementSetName=full",
                 form);
  EXPECT_EQ(f.root.name, "GetRecordByIdResponse");
  EXPECT_EQ(record_ids(f.root, "Record"), (std::vector<std::string>{"china-rivers"}));

  Reply byid = call("POST", {},
                    R"(<csw:GetRecordById xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" )"
                    R"(service="CSW" version="2.0.2"><csw:Id>beijing-roads</csw:Id>)"
                    R"(<csw:ElementSetName>brief</csw:ElementSetName></csw:GetRecordById>)");
  EXPECT_EQ(record_ids(byid.root, "BriefRecord"), (std::vector<std::string>{"beijing-roads"}));
}

TEST_F(CswTest, Exceptions) {
  using P = std::pair<std::string, std::string>;
  auto ex = [&](protocol::QueryParams q) {
    Reply r = get(std::move(q));
    EXPECT_EQ(r.status, 400) << r.body;
    return exception_of(r);
  };
  EXPECT_EQ(ex({{"service", "CSW"}}), (P{"MissingParameterValue", "request"}));
  EXPECT_EQ(ex({{"request", "GetCapabilities"}}), (P{"MissingParameterValue", "service"}));
  EXPECT_EQ(ex({{"service", "CSW"}, {"request", "Harvest"}, {"version", "2.0.2"}}),
            (P{"OperationNotSupported", "request"}));
  EXPECT_EQ(ex({{"service", "CSW"}, {"request", "GetRecords"}}),
            (P{"MissingParameterValue", "version"}));
  EXPECT_EQ(ex(records({{"elementSetName", "all"}})),
            (P{"InvalidParameterValue", "ElementSetName"}));
  EXPECT_EQ(ex(records({{"resultType", "many"}})), (P{"InvalidParameterValue", "resultType"}));
  EXPECT_EQ(ex(records({{"outputFormat", "application/json"}})),
            (P{"InvalidParameterValue", "outputFormat"}));
  EXPECT_EQ(ex(records({{"maxRecords", "ten"}})), (P{"InvalidParameterValue", "maxRecords"}));
  EXPECT_EQ(ex(records({{"constraintLanguage", "SQL"}, {"constraint", "1=1"}})),
            (P{"InvalidParameterValue", "constraintLanguage"}));
  EXPECT_EQ(ex(records({{"constraintLanguage", "CQL_TEXT"}, {"constraint", "dc:title = "}})),
            (P{"InvalidParameterValue", "Constraint"}));
  EXPECT_EQ(ex(records({{"typeNames", "gmd:Other"}})), (P{"InvalidParameterValue", "typeNames"}));
  EXPECT_EQ(ex(records({{"namespace", "xmlns(csw=http://example.org/other)"},
                        {"typeNames", "csw:Record"}})),
            (P{"InvalidParameterValue", "typeNames"}));
  EXPECT_EQ(ex(records({{"sortBy", "dc:subject:A"}})), (P{"InvalidParameterValue", "sortBy"}));
  EXPECT_EQ(ex({{"service", "CSW"}, {"version", "2.0.2"}, {"request", "GetRecordById"}}),
            (P{"MissingParameterValue", "id"}));
  EXPECT_EQ(ex({{"service", "CSW"},
                {"version", "2.0.2"},
                {"request", "DescribeRecord"},
                {"typeName", "csw:Other"}}),
            (P{"InvalidParameterValue", "typeName"}));

  Reply bad = call("POST", {}, "<csw:GetRecords");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(exception_of(bad).first, "InvalidParameterValue");
  Reply dtd = call("POST", {}, R"(<!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>)");
  EXPECT_EQ(exception_of(dtd).first, "InvalidParameterValue");
  Reply other = call("POST", {}, R"(<x xmlns="urn:x"/>)");
  EXPECT_EQ(exception_of(other), (P{"OperationNotSupported", "request"}));
  Reply no_query = call("POST", {},
                        R"(<csw:GetRecords xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" )"
                        R"(service="CSW" version="2.0.2"/>)");
  EXPECT_EQ(exception_of(no_query), (P{"MissingParameterValue", "Query"}));
}

TEST_F(CswTest, DescribeRecordAndValidate) {
  Reply d = get({{"service", "CSW"}, {"version", "2.0.2"}, {"request", "DescribeRecord"}});
  EXPECT_EQ(d.root.name, "DescribeRecordResponse");
  auto comps = d.root.children_named(ns::csw, "SchemaComponent");
  ASSERT_EQ(comps.size(), 2u);
  EXPECT_EQ(comps[0]->attribute("targetNamespace"), "http://www.opengis.net/cat/csw/2.0.2");
  EXPECT_EQ(comps[1]->attribute("targetNamespace"), "http://www.isotc211.org/2005/gmd");

  Reply v = get(records({{"resultType", "validate"},
                         {"constraintLanguage", "CQL_TEXT"},
                         {"constraint", "dc:title LIKE '%a%'"}}));
  EXPECT_EQ(v.root.name, "Acknowledgement");
  const xml::Element* echoed = v.root.child(ns::csw, "EchoedRequest");
  ASSERT_NE(echoed, nullptr);
  EXPECT_EQ(echoed->child(ns::csw, "GetRecords")
                ->child(ns::csw, "Query")
                ->child(ns::csw, "Constraint")
                ->child_text(ns::csw, "CqlText"),
            "dc:title LIKE '%a%'");
}

}  // namespace
}  // namespace shikong::ogc
