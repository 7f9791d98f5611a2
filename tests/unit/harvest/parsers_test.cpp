// The harvester's parsers on fixtures: MapServer's WMS/WFS capabilities, hand-written WMTS, CSW
// and OGC API - Records pages: exact counts, titles, extents, times, links and paging.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "harvest/harvest.hpp"

namespace shikong::harvest {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(SHIKONG_TEST_DATA) + "/harvest/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Instant at(std::int64_t seconds) {
  return Instant::from_seconds(seconds);
}
// The last microsecond of the day starting at `seconds`.
Instant day_end(std::int64_t seconds) {
  return Instant{(seconds + 86400) * 1'000'000 - 1};
}

const catalog::Record* by_external(const Page& page, std::string_view id) {
  for (const auto& r : page.records)
    if (r.external_id == id) return &r;
  return nullptr;
}

std::vector<std::string> external_ids(const Page& page) {
  std::vector<std::string> out;
  for (const auto& r : page.records) out.push_back(r.external_id);
  return out;
}

using Strings = std::vector<std::string>;

void expect_error(const std::function<void()>& f, const std::string& code) {
  try {
    f();
    ADD_FAILURE() << "no error, expected " << code;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.detail();
  }
}

constexpr const char* kMapserv = "http://maps.example.org/cgi-bin/mapserv?map=tiny.map&";

TEST(WmsCapabilities, MapServer130) {
  const std::string url = "http://maps.example.org/cgi-bin/mapserv?map=tiny.map&service=WMS";
  Page page = parse_wms_capabilities(fixture("mapserver_wms130.xml"), url);
  EXPECT_EQ(page.rejected, 0);
  EXPECT_EQ(page.next_url, "");
  ASSERT_EQ(external_ids(page), (Strings{url, "tiny", "transport", "roads", "rail", "stations"}));

  const auto& svc = page.records[0];
  EXPECT_EQ(svc.type, "service");
  EXPECT_EQ(svc.kind, "wms");
  EXPECT_EQ(svc.title, "Tiny test service");
  EXPECT_EQ(svc.abstract, "A tiny MapServer service for the harvester tests.");
  EXPECT_EQ(svc.keywords, (Strings{"test", "china"}));
  EXPECT_EQ(svc.publisher, "Example Mapping Office");
  EXPECT_EQ(svc.contact.name, "Li Lei");
  EXPECT_EQ(svc.contact.email, "maps@example.org");
  ASSERT_TRUE(svc.extent);
  EXPECT_EQ(*svc.extent, Envelope::of(73, 18, 135, 54));
  ASSERT_EQ(svc.links.size(), 1u);
  EXPECT_EQ(svc.links[0].href, url);
  EXPECT_EQ(svc.links[0].protocol, "OGC:WMS");

  const auto* transport = by_external(page, "transport");
  ASSERT_NE(transport, nullptr);
  EXPECT_EQ(transport->title, "Transport");
  ASSERT_TRUE(transport->extent);  // none of its own: the root layer's
  EXPECT_EQ(*transport->extent, Envelope::of(73, 18, 135, 54));
  EXPECT_FALSE(transport->time_extent);

  const auto* roads = by_external(page, "roads");
  ASSERT_NE(roads, nullptr);
  EXPECT_EQ(roads->type, "dataset");
  EXPECT_EQ(roads->kind, "wms");
  EXPECT_EQ(roads->title, "Main roads of Beijing");
  EXPECT_EQ(roads->abstract, "Major roads.");
  EXPECT_EQ(roads->keywords, (Strings{"roads", "transport"}));
  EXPECT_EQ(*roads->extent, Envelope::of(116, 39.5, 117, 40.5));
  EXPECT_EQ(roads->source_url, url);
  EXPECT_EQ(roads->publisher, "Example Mapping Office");
  EXPECT_EQ(roads->formats, (Strings{"WMS"}));
  ASSERT_EQ(roads->links.size(), 1u);
  EXPECT_EQ(roads->links[0].href, kMapserv);
  EXPECT_EQ(roads->links[0].title, "roads");
  EXPECT_EQ(roads->links[0].protocol, "OGC:WMS");
  EXPECT_EQ(roads->links[0].rel, "service");
  EXPECT_FALSE(roads->time_extent);

  const auto* rail = by_external(page, "rail");
  ASSERT_NE(rail, nullptr);
  EXPECT_EQ(*rail->extent, Envelope::of(115, 39, 118, 41));
  ASSERT_TRUE(rail->time_extent);  // start/end/period
  EXPECT_EQ(rail->time_extent->start, at(946684800));
  EXPECT_EQ(rail->time_extent->end, day_end(1609372800));

  const auto* stations = by_external(page, "stations");
  ASSERT_NE(stations, nullptr);
  ASSERT_TRUE(stations->time_extent);  // a list of dates
  EXPECT_EQ(stations->time_extent->start, at(1546300800));
  EXPECT_EQ(stations->time_extent->end, day_end(1583020800));
}

TEST(WmsCapabilities, MapServer111WithItsDoctype) {
  const std::string url = "http://maps.example.org/wms111";
  Page page = parse_wms_capabilities(fixture("mapserver_wms111.xml"), url);
  EXPECT_EQ(page.rejected, 0);
  ASSERT_EQ(external_ids(page), (Strings{url, "tiny", "transport", "roads", "rail", "stations"}));
  EXPECT_EQ(page.records[0].title, "Tiny test service");
  const auto* roads = by_external(page, "roads");
  EXPECT_EQ(*roads->extent, Envelope::of(116, 39.5, 117, 40.5));  // LatLonBoundingBox
  EXPECT_EQ(roads->links[0].href, kMapserv);
  const auto* rail = by_external(page, "rail");
  ASSERT_TRUE(rail->time_extent);  // Dimension + Extent
  EXPECT_EQ(rail->time_extent->start, at(946684800));
  EXPECT_EQ(rail->time_extent->end, day_end(1609372800));
  EXPECT_EQ(*by_external(page, "transport")->extent, Envelope::of(73, 18, 135, 54));
}

TEST(WmsCapabilities, NestingInheritanceAndRejects) {
  Page page = parse_wms_capabilities(fixture("wms130_edge.xml"), "https://edge.example.org/caps");
  EXPECT_EQ(page.rejected, 1);  // no_title
  ASSERT_EQ(external_ids(page), (Strings{"https://edge.example.org/caps", "inherits", "deep"}));
  EXPECT_EQ(page.records[0].title, "Edge cases");
  const auto& inherits = page.records[1];
  EXPECT_EQ(inherits.title, "Inherits <everything>");
  EXPECT_EQ(*inherits.extent, Envelope::of(100, 20, 110, 30));
  ASSERT_TRUE(inherits.time_extent);
  EXPECT_EQ(inherits.time_extent->start, at(1262304000));
  EXPECT_EQ(inherits.time_extent->end, at(1309435200));
  EXPECT_EQ(inherits.links[0].href, "https://edge.example.org/wms?");
  const auto& deep = page.records[2];
  EXPECT_EQ(deep.title, "Deep 深层");
  EXPECT_EQ(*deep.extent, Envelope::of(101, 21, 102, 22));
  EXPECT_EQ(deep.time_extent, inherits.time_extent);  // "current" is no time: inherited
  EXPECT_EQ(*page.records[0].extent, Envelope::of(100, 20, 110, 30));
}

TEST(WmsCapabilities, RefusesOtherDocumentsAndEntities) {
  expect_error([] { parse_wms_capabilities("<html><body>hi</body></html>", "http://x/"); },
               "invalid-source");
  expect_error(
      [] {
        parse_wms_capabilities(
            "<?xml version=\"1.0\"?><ServiceExceptionReport><ServiceException>no"
            "</ServiceException></ServiceExceptionReport>",
            "http://x/");
      },
      "invalid-source");
  expect_error([] { parse_wms_capabilities("not xml at all <", "http://x/"); }, "invalid-xml");
  // A DOCTYPE that declares an entity is never cut out: the reader refuses it.
  expect_error(
      [] {
        parse_wms_capabilities(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE WMT_MS_Capabilities [\n<!ENTITY xxe SYSTEM "
            "\"file:///etc/passwd\">\n]>\n<WMT_MS_Capabilities><Service><Title>&xxe;</Title>"
            "</Service><Capability/></WMT_MS_Capabilities>",
            "http://x/");
      },
      "invalid-xml");
  expect_error(
      [] {
        parse_wms_capabilities(
            "<?xml version=\"1.0\"?><!DOCTYPE WMT_MS_Capabilities SYSTEM \"http://e/x.dtd\" "
            "[<!ENTITY % p SYSTEM \"http://e/p\"> %p;]><WMT_MS_Capabilities/>",
            "http://x/");
      },
      "invalid-xml");
  expect_error([] { parse_wms_capabilities("<WMS_Capabilities/>", "http://x/"); },
               "invalid-source");
}

TEST(WmtsCapabilities, LayersBoxesTimesAndTemplates) {
  const std::string url = "https://tiles.example.org/wmts/1.0.0/WMTSCapabilities.xml";
  Page page = parse_wmts_capabilities(fixture("wmts100.xml"), url);
  EXPECT_EQ(page.rejected, 1);  // the layer without identifier
  ASSERT_EQ(external_ids(page), (Strings{"provinces", "roads"}));
  const auto& p = page.records[0];
  EXPECT_EQ(p.kind, "wmts");
  EXPECT_EQ(p.type, "dataset");
  EXPECT_EQ(p.title, "China provinces");
  EXPECT_EQ(p.abstract, "Province boundaries of China.");
  EXPECT_EQ(p.keywords, (Strings{"boundaries", "省界"}));
  EXPECT_EQ(*p.extent, Envelope::of(73.5, 18.1, 135.1, 53.6));
  EXPECT_EQ(p.publisher, "Tiles Bureau");
  ASSERT_TRUE(p.time_extent);
  EXPECT_EQ(p.time_extent->start, at(1420070400));
  EXPECT_EQ(p.time_extent->end, day_end(1577836800));
  ASSERT_EQ(p.links.size(), 3u);
  EXPECT_EQ(p.links[0].href, url);
  EXPECT_EQ(p.links[0].protocol, "OGC:WMTS");
  EXPECT_EQ(p.links[1].href,
            "https://tiles.example.org/wmts/provinces/{TileMatrixSet}/{TileMatrix}/{TileRow}/"
            "{TileCol}.png");
  EXPECT_EQ(p.links[1].type, "image/png");
  EXPECT_EQ(p.links[1].protocol, "OGC:WMTS");
  EXPECT_EQ(p.links[2].href,
            "https://tiles.example.org/wmts/provinces/{TileMatrixSet}/{TileMatrix}/{TileRow}/"
            "{TileCol}.mvt");
  EXPECT_EQ(p.links[2].type, "application/vnd.mapbox-vector-tile");
  const auto& roads = page.records[1];
  // ows:BoundingBox in urn EPSG::4326: latitude first, turned to lon/lat
  EXPECT_EQ(*roads.extent, Envelope::of(116, 39.5, 117, 40.5));
  EXPECT_FALSE(roads.time_extent);
  expect_error([] { parse_wmts_capabilities("<Capabilities/>", "http://x/"); }, "invalid-source");
}

TEST(WfsCapabilities, MapServer110And200) {
  for (const char* file : {"mapserver_wfs110.xml", "mapserver_wfs200.xml"}) {
    SCOPED_TRACE(file);
    Page page = parse_wfs_capabilities(fixture(file), "http://maps.example.org/wfs");
    EXPECT_EQ(page.rejected, 0);
    ASSERT_EQ(page.records.size(), 3u);
    bool v2 = std::string(file).find("200") != std::string::npos;
    std::string prefix = v2 ? "ms:" : "";
    EXPECT_EQ(external_ids(page),
              (Strings{prefix + "roads", prefix + "rail", prefix + "stations"}));
    const auto& roads = page.records[0];
    EXPECT_EQ(roads.kind, "wfs");
    EXPECT_EQ(roads.title, "Main roads of Beijing");
    EXPECT_EQ(roads.abstract, "Major roads.");
    EXPECT_EQ(roads.keywords, (Strings{"roads", "transport"}));
    EXPECT_EQ(*roads.extent, Envelope::of(116, 39.5, 117, 40.5));
    EXPECT_EQ(roads.publisher, "Example Mapping Office");
    ASSERT_EQ(roads.links.size(), 1u);
    EXPECT_EQ(roads.links[0].href, kMapserv);
    EXPECT_EQ(roads.links[0].protocol, "OGC:WFS");
    EXPECT_EQ(roads.links[0].title, prefix + "roads");
    EXPECT_EQ(*page.records[2].extent, Envelope::of(100, 20, 120, 40));
    EXPECT_EQ(page.records[2].keywords, (Strings{"weather"}));
  }
}

TEST(CswRecords, FirstRequestIsAGetRecordsPost) {
  FetchRequest req = csw_first_request("https://csw.example.org/csw");
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://csw.example.org/csw");
  EXPECT_NE(req.body.find("<csw:GetRecords"), std::string::npos);
  EXPECT_NE(req.body.find("startPosition=\"1\""), std::string::npos);
  EXPECT_NE(req.body.find("maxRecords=\"100\""), std::string::npos);
  EXPECT_NE(req.body.find("<csw:ElementSetName>full</csw:ElementSetName>"), std::string::npos);
  EXPECT_NE(req.body.find("typeNames=\"csw:Record\""), std::string::npos);
}

TEST(CswRecords, PageOne) {
  const std::string endpoint = "https://csw.example.org/csw";
  Page page = parse_csw_records(fixture("csw_page1.xml"), endpoint);
  EXPECT_EQ(page.rejected, 2);  // the entry without title and the ISO record
  ASSERT_EQ(external_ids(page),
            (Strings{"urn:uuid:0001", "urn:uuid:0002", "summary-3", "brief-4"}));
  EXPECT_EQ(page.next_url, endpoint);
  EXPECT_NE(page.next_body.find("startPosition=\"7\""), std::string::npos);

  const auto& r = page.records[0];
  EXPECT_EQ(r.kind, "csw");
  EXPECT_EQ(r.type, "dataset");
  EXPECT_EQ(r.title, "Land cover of Hebei 2020");
  EXPECT_EQ(r.abstract, "Thirty-metre land cover classes.");
  EXPECT_EQ(r.keywords, (Strings{"land cover", "Hebei"}));  // a topic category is the topic
  EXPECT_EQ(r.topic, "environment");
  EXPECT_EQ(r.formats, (Strings{"GeoTIFF"}));
  EXPECT_EQ(r.publisher, "Hebei Survey Institute");
  EXPECT_EQ(r.language, "en");
  EXPECT_EQ(r.licence, "CC-BY-4.0");
  EXPECT_EQ(r.updated, at(1709251200));
  EXPECT_EQ(*r.extent, Envelope::of(113.5, 36.0, 119.8, 42.6));  // EPSG::4326 urn: lat/lon
  ASSERT_EQ(r.links.size(), 2u);
  EXPECT_EQ(r.links[0].href, "https://hebei.example.org/wms?layer=landcover");
  EXPECT_EQ(r.links[0].protocol, "OGC:WMS");
  EXPECT_EQ(r.links[1].href, "https://hebei.example.org/landcover.tif");
  EXPECT_EQ(r.links[1].title, "landcover.tif");
  EXPECT_EQ(r.links[1].protocol, "WWW:DOWNLOAD-1.0-http--download");
  EXPECT_EQ(r.source_url,
            "https://csw.example.org/csw?service=CSW&version=2.0.2&request=GetRecordById&"
            "elementSetName=full&outputSchema=http%3A%2F%2Fwww.opengis.net%2Fcat%2Fcsw%2F2.0.2&"
            "id=urn%3Auuid%3A0001");

  const auto& s = page.records[1];
  EXPECT_EQ(s.type, "service");  // a DCMI type URI
  EXPECT_EQ(s.abstract, "River network (description only).");
  EXPECT_EQ(s.updated, at(1735758245));
  EXPECT_EQ(*s.extent, Envelope::of(100, 25, 110, 35));  // WGS84BoundingBox: lon/lat

  EXPECT_EQ(page.records[2].type, "series");
  EXPECT_EQ(*page.records[2].extent, Envelope::of(10, 20, 11, 21));  // plain EPSG:4326: lon/lat
  EXPECT_FALSE(page.records[3].extent);  // EPSG:3857 is not an extent we take
  EXPECT_EQ(page.records[3].updated, Instant{});
}

TEST(CswRecords, LastPage) {
  Page page = parse_csw_records(fixture("csw_page2.xml"), "https://csw.example.org/csw");
  EXPECT_EQ(page.rejected, 1);
  ASSERT_EQ(external_ids(page), (Strings{"urn:uuid:0006"}));
  EXPECT_EQ(page.records[0].topic, "climatologyMeteorologyAtmosphere");
  EXPECT_EQ(page.records[0].keywords, (Strings{"weather"}));
  EXPECT_EQ(page.records[0].updated, at(1689379200));
  EXPECT_EQ(page.next_url, "");
  EXPECT_EQ(page.next_body, "");
}

TEST(CswRecords, PagingEndsWhenNextPassesTheMatches) {
  const char* doc =
      R"(<csw:GetRecordsResponse xmlns:csw="http://www.opengis.net/cat/csw/2.0.2">
  <csw:SearchResults numberOfRecordsMatched="3" numberOfRecordsReturned="1" nextRecord="4"/>
</csw:GetRecordsResponse>)";
  EXPECT_EQ(parse_csw_records(doc, "http://x/csw").next_url, "");
  expect_error(
      [] {
        parse_csw_records(
            "<csw:GetRecordsResponse xmlns:csw=\"http://www.opengis.net/cat/csw/2.0.2\"/>",
            "http://x/");
      },
      "invalid-source");
  expect_error(
      [] {
        parse_csw_records("<ows:ExceptionReport xmlns:ows=\"http://www.opengis.net/ows\"/>",
                          "http://x/");
      },
      "invalid-source");
}

TEST(RecordsItems, PageOne) {
  const std::string url = "https://records.example.org/collections/main/items?limit=4";
  Page page = parse_records_items(fixture("records_page1.json"), url);
  EXPECT_EQ(page.rejected, 1);  // "untitled"
  ASSERT_EQ(external_ids(page), (Strings{"lakes", "42", "point"}));
  EXPECT_EQ(page.next_url, "https://records.example.org/collections/main/items?limit=4&offset=4");
  EXPECT_EQ(page.next_body, "");

  const auto& lakes = page.records[0];
  EXPECT_EQ(lakes.kind, "records");
  EXPECT_EQ(lakes.type, "dataset");
  EXPECT_EQ(lakes.title, "Lakes of Qinghai");
  EXPECT_EQ(lakes.abstract, "Lake polygons.");
  EXPECT_EQ(lakes.keywords, (Strings{"lakes", "water", "hydrography"}));
  EXPECT_EQ(lakes.topic, "inlandWaters");
  EXPECT_EQ(lakes.updated, at(1746515289));
  EXPECT_EQ(lakes.formats, (Strings{"GeoJSON", "GeoPackage"}));
  EXPECT_EQ(lakes.licence, "CC-BY-4.0");
  EXPECT_EQ(lakes.language, "en");
  EXPECT_EQ(lakes.publisher, "Qinghai Water Bureau");
  EXPECT_EQ(*lakes.extent, Envelope::of(100, 30, 104, 33));
  ASSERT_TRUE(lakes.time_extent);
  EXPECT_EQ(lakes.time_extent->start, at(978307200));
  EXPECT_FALSE(lakes.time_extent->end);
  EXPECT_EQ(lakes.source_url, "https://records.example.org/collections/main/items/lakes?f=json");
  ASSERT_EQ(lakes.links.size(), 2u);  // self and collection are not kept as links
  EXPECT_EQ(lakes.links[0].rel, "alternate");
  EXPECT_EQ(lakes.links[0].href, "https://records.example.org/html/lakes");
  EXPECT_EQ(lakes.links[1].rel, "service");
  EXPECT_EQ(lakes.links[1].title, "WMS");
  EXPECT_EQ(lakes.links[1].type, "image/png");

  const auto& n = page.records[1];
  EXPECT_EQ(n.type, "service");
  EXPECT_EQ(*n.extent, Envelope::of(110, 20, 112, 22));  // from "bbox"
  ASSERT_TRUE(n.time_extent);
  EXPECT_EQ(n.time_extent->start, at(1580688000));
  EXPECT_EQ(n.time_extent->end, day_end(1580688000));
  EXPECT_EQ(n.updated, at(1546300800));  // no "updated": "created"
  EXPECT_EQ(n.source_url, "https://records.example.org/html/42");

  const auto& p = page.records[2];
  EXPECT_EQ(*p.extent, Envelope::of(116.4, 39.9, 116.4, 39.9));
  EXPECT_EQ(p.source_url, "https://records.example.org/collections/main/items/point");
  EXPECT_EQ(p.updated, Instant{});
  EXPECT_EQ(p.publisher, "Point Org");  // no publisher entry: the first contact's organisation
  EXPECT_EQ(p.contact.name, "Zhao");
  EXPECT_EQ(p.contact.role, "author");
  EXPECT_EQ(p.licence, "https://example.org/licence");  // from the license link
  EXPECT_TRUE(p.links.empty());
}

TEST(RecordsItems, LastPageAndErrors) {
  Page page = parse_records_items(fixture("records_page2.json"),
                                  "https://records.example.org/collections/main/items?offset=4");
  ASSERT_EQ(external_ids(page), (Strings{"last"}));
  EXPECT_EQ(page.records[0].updated, at(1704067200));
  EXPECT_EQ(page.next_url, "");
  expect_error([] { parse_records_items("<html/>", "http://x/items"); }, "invalid-source");
  expect_error([] { parse_records_items("[1,2]", "http://x/items"); }, "invalid-source");
  expect_error([] { parse_records_items(R"({"type":"Feature"})", "http://x/items"); },
               "invalid-source");
}

TEST(ShikongItems, OurEncodingReadInFull) {
  const std::string url = "http://node2.example.cn:8080/ogc/collections/catalog/items?limit=100";
  Page page = parse_shikong_items(fixture("shikong_items.json"), url);
  EXPECT_EQ(page.rejected, 0);
  ASSERT_EQ(external_ids(page), (Strings{"beijing_roads", "no_theme"}));
  EXPECT_EQ(page.next_url, "");
  const auto& r = page.records[0];
  EXPECT_EQ(r.kind, "shikong");
  EXPECT_EQ(r.title, "北京市主要道路");
  EXPECT_EQ(r.abstract, "北京市主要道路网。");
  EXPECT_EQ(r.keywords, (Strings{"道路", "交通"}));
  EXPECT_EQ(r.topic, "transportation");
  EXPECT_EQ(r.publisher, "北京市测绘院");
  EXPECT_EQ(r.contact.name, "张三");
  EXPECT_EQ(r.contact.organisation, "北京市测绘院");
  EXPECT_EQ(r.contact.email, "zhang@example.cn");
  EXPECT_EQ(r.contact.phone, "010 1234");  // written as contactInstructions
  EXPECT_EQ(r.contact.role, "pointOfContact");
  EXPECT_EQ(r.licence, "CC-BY-4.0");
  EXPECT_EQ(r.language, "zh");
  // properties.shikong
  EXPECT_EQ(r.access, "registered");
  EXPECT_EQ(r.lineage, "Surveyed 2020.");
  EXPECT_EQ(r.update_frequency, "annually");
  EXPECT_EQ(r.crs, "EPSG:4490");
  EXPECT_EQ(r.vertical_datum, "");
  EXPECT_EQ(r.feature_count, 1234);
  EXPECT_EQ(r.fields, (Strings{"name:string", "lanes:integer"}));
  EXPECT_EQ(r.source_format, "GeoPackage");
  EXPECT_EQ(r.formats, (Strings{"GeoJSON", "GeoPackage", "MVT", "WMS"}));
  EXPECT_EQ(r.updated, at(1795161600));
  EXPECT_EQ(*r.extent, Envelope::of(115.4, 39.4, 117.5, 41.1));
  ASSERT_TRUE(r.time_extent);
  EXPECT_EQ(r.time_extent->start, at(1577836800));
  EXPECT_EQ(r.time_extent->end, at(1609459199));
  EXPECT_EQ(r.source_url,
            "http://node2.example.cn:8080/ogc/collections/catalog/items/beijing_roads");
  ASSERT_EQ(r.links.size(), 3u);  // self, collection, profile and license are not kept
  EXPECT_EQ(r.links[0].href, "http://node2.example.cn:8080/api/v1/records/beijing_roads");
  EXPECT_EQ(r.links[1].href, "http://node2.example.cn:8080/ogc/wms");
  EXPECT_EQ(r.links[2].title, "OGC API - Features");

  const auto& d = page.records[1];
  EXPECT_EQ(d.type, "document");
  EXPECT_EQ(d.topic, "");
  EXPECT_EQ(d.keywords, (Strings{"notATopic"}));
  ASSERT_TRUE(d.time_extent);
  EXPECT_EQ(d.time_extent->start, at(1619827200));
  EXPECT_EQ(d.time_extent->end, at(1619827200));
  EXPECT_EQ(d.publisher, "");  // our encoding names a publisher only in a publisher entry
  EXPECT_EQ(d.contact.name, "Li Si");
  EXPECT_EQ(d.access, "public");
  EXPECT_EQ(d.feature_count, -1);
  EXPECT_FALSE(d.extent);
  EXPECT_EQ(d.source_url, "http://node2.example.cn:8080/ogc/collections/catalog/items/no_theme");
}

TEST(ShikongItems, ItemsUrlOfANode) {
  EXPECT_EQ(shikong_items_url("http://127.0.0.1:8081"),
            "http://127.0.0.1:8081/ogc/collections/catalog/items");
  EXPECT_EQ(shikong_items_url("http://127.0.0.1:8081/"),
            "http://127.0.0.1:8081/ogc/collections/catalog/items");
  EXPECT_EQ(shikong_items_url("https://geo.example.cn/base/ogc"),
            "https://geo.example.cn/base/ogc/collections/catalog/items");
  EXPECT_EQ(shikong_items_url("https://geo.example.cn/ogc/collections/catalog/items?limit=5"),
            "https://geo.example.cn/ogc/collections/catalog/items");
}

TEST(HarvestedRecordId, SourceAndFnv1a64) {
  EXPECT_EQ(harvested_record_id("src", ""), "src-cbf29ce484222325");
  EXPECT_EQ(harvested_record_id("src", "a"), "src-af63dc4c8601ec8c");
  EXPECT_EQ(harvested_record_id("node2", "lakes"), "node2-fc74f6ec6cb43cf7");
}

}  // namespace
}  // namespace shikong::harvest

namespace shikong::harvest {
namespace {

// Truncated and bit-flipped documents: each parser either reads them or throws our typed error,
// never anything else (a crash, std::out_of_range, a simdjson exception).
TEST(HarvestParsers, DamagedDocumentsGiveOurErrorsOnly) {
  struct Case {
    const char* file;
    Page (*parse)(std::string_view, std::string_view);
  };
  const Case cases[] = {{"mapserver_wms130.xml", parse_wms_capabilities},
                        {"mapserver_wms111.xml", parse_wms_capabilities},
                        {"wmts100.xml", parse_wmts_capabilities},
                        {"mapserver_wfs200.xml", parse_wfs_capabilities},
                        {"csw_page1.xml", parse_csw_records},
                        {"records_page1.json", parse_records_items},
                        {"shikong_items.json", parse_shikong_items}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    const std::string doc = fixture(c.file);
    int parsed = 0, refused = 0;
    for (std::size_t cut = 0; cut < doc.size(); cut += 61) {
      for (int flip = 0; flip < 2; ++flip) {
        std::string damaged = doc.substr(0, flip == 0 ? cut : doc.size());
        if (flip == 1) damaged[cut] = static_cast<char>(damaged[cut] ^ 0x20);
        try {
          c.parse(damaged, "http://damaged.example.org/x?y=1");
          ++parsed;
        } catch (const Error& e) {
          EXPECT_TRUE(e.code() == "invalid-source" || e.code() == "invalid-xml") << e.code();
          ++refused;
        }
      }
    }
    EXPECT_GT(refused, 0);
    EXPECT_GT(parsed, 0);  // some flips land in text and leave the document readable
  }
}

}  // namespace
}  // namespace shikong::harvest
