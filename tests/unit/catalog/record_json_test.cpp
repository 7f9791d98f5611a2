// Records as JSON: the stored form reads back to the same record (Chinese text, escapes, open
// time ends, microseconds), the code lists, and the client patch reader's refusals, each naming
// the member at fault by its JSON pointer.
#include <gtest/gtest.h>

#include "catalog/record.hpp"
#include "core/error.hpp"

namespace shikong::catalog {
namespace {

Record full_record() {
  Record r;
  r.id = "beijing-roads";
  r.type = "dataset";
  r.kind = "vector";
  r.dataset_id = "beijing-roads";
  r.title = "北京市主要道路";
  r.abstract = "北京市 \"主要\" 道路\n第二行\t\\";
  r.keywords = {"道路", "交通", "roads"};
  r.topic = "transportation";
  r.publisher = "北京市测绘院";
  r.contact = Contact{"张三", "测绘院", "zhang@example.cn", "+86 10 1234", "author"};
  r.licence = "CC-BY-4.0";
  r.lineage = "由 Shapefile 导入";
  r.update_frequency = "annually";
  r.language = "zh";
  r.access = "registered";
  r.links = {Link{"https://example.cn/doc", "describedby", "text/html", "说明", ""}};
  r.extent = Envelope::of(115.7, 39.4, 117.4, 41.6);
  r.time_extent = Interval{Instant{1'600'000'000'123'456}, std::nullopt};
  r.crs = "EPSG:4490";
  r.vertical_datum = "EPSG:5737";
  r.feature_count = 1234;
  r.fields = {"name:text", "lanes:integer"};
  r.formats = {"GeoJSON", "CSV"};
  r.source_format = "shapefile";
  r.state = RecordState::submitted;
  r.owner = "alice";
  r.source_id = "";
  r.source_url = "";
  r.external_id = "ext-1";
  r.created = Instant{1'700'000'000'000'000};
  r.updated = Instant{1'700'000'100'500'000};
  r.published = Instant{1'700'000'050'000'000};
  r.version = 7;
  return r;
}

std::string pointer_of(std::string_view json) {
  try {
    parse_record_patch(json);
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "invalid-record");
    return e.parameter();
  }
  return "(accepted)";
}

TEST(RecordJson, RoundTrip) {
  Record r = full_record();
  std::string json = to_json(r);
  Record back = record_from_json(json);
  EXPECT_EQ(to_json(back), json);
  EXPECT_EQ(back.title, "北京市主要道路");
  EXPECT_EQ(back.abstract, r.abstract);
  EXPECT_EQ(back.contact.name, "张三");
  EXPECT_EQ(back.contact.role, "author");
  ASSERT_TRUE(back.extent);
  EXPECT_EQ(*back.extent, *r.extent);
  ASSERT_TRUE(back.time_extent);
  EXPECT_EQ(back.time_extent->start->micros, 1'600'000'000'123'456);
  EXPECT_FALSE(back.time_extent->end);
  EXPECT_EQ(back.state, RecordState::submitted);
  EXPECT_EQ(back.published->micros, 1'700'000'050'000'000);
  EXPECT_EQ(back.updated.micros, 1'700'000'100'500'000);
  EXPECT_EQ(back.version, 7);
  EXPECT_EQ(back.feature_count, 1234);
  EXPECT_EQ(back.links.size(), 1u);
  EXPECT_EQ(back.links[0].title, "说明");
  EXPECT_NE(json.find("\"title\":\"北京市主要道路\""), std::string::npos);
  EXPECT_NE(json.find("\"extent\":[115.7,39.4,117.4,41.6]"), std::string::npos);
  EXPECT_NE(json.find("\"time\":[\"2020-09-13T12:26:40.123456Z\",null]"), std::string::npos);
  EXPECT_NE(json.find("\"published\":\"2023-11-14T22:14:10Z\""), std::string::npos);
}

TEST(RecordJson, EmptyRecordRoundTrip) {
  Record r;
  std::string json = to_json(r);
  EXPECT_NE(json.find("\"extent\":null"), std::string::npos);
  EXPECT_NE(json.find("\"time\":null"), std::string::npos);
  EXPECT_NE(json.find("\"published\":null"), std::string::npos);
  EXPECT_NE(json.find("\"state\":\"draft\""), std::string::npos);
  Record back = record_from_json(json);
  EXPECT_EQ(to_json(back), json);
  EXPECT_FALSE(back.extent);
  EXPECT_FALSE(back.time_extent);
  EXPECT_FALSE(back.published);
  EXPECT_EQ(back.feature_count, -1);
}

TEST(RecordJson, ReaderErrors) {
  auto pointer = [](std::string_view json) {
    try {
      record_from_json(json);
    } catch (const InvalidInput& e) {
      return e.parameter();
    }
    return std::string("(accepted)");
  };
  EXPECT_EQ(pointer("[1]"), "/");
  EXPECT_EQ(pointer("{"), "/");
  EXPECT_EQ(pointer("{\"title\":5}"), "/title");
  EXPECT_EQ(pointer("{\"state\":\"lost\"}"), "/state");
  EXPECT_EQ(pointer("{\"keywords\":[\"a\",3]}"), "/keywords/1");
  EXPECT_EQ(pointer("{\"newer_member\":{}}"), "(accepted)");
}

TEST(RecordJson, States) {
  for (auto s :
       {RecordState::draft, RecordState::submitted, RecordState::published, RecordState::retired})
    EXPECT_EQ(record_state_from_string(to_string(s)), s);
  EXPECT_EQ(to_string(RecordState::retired), "retired");
  EXPECT_FALSE(record_state_from_string("Published"));
  EXPECT_FALSE(record_state_from_string(""));
}

TEST(RecordJson, CodeLists) {
  ASSERT_EQ(topic_categories().size(), 19u);
  EXPECT_EQ(topic_categories().front(), "farming");
  EXPECT_EQ(topic_categories()[3], "climatologyMeteorologyAtmosphere");
  EXPECT_EQ(topic_categories().back(), "utilitiesCommunication");
  ASSERT_EQ(update_frequencies().size(), 12u);
  EXPECT_EQ(update_frequencies().front(), "continual");
  EXPECT_EQ(update_frequencies()[8], "asNeeded");
  EXPECT_EQ(update_frequencies().back(), "unknown");
}

TEST(RecordPatchJson, ReadsEveryMember) {
  RecordPatch p = parse_record_patch(R"({
    "type": "service", "title": "北京 道路", "abstract": "摘要", "topic": "transportation",
    "publisher": "测绘院", "licence": "CC-BY-4.0", "lineage": "", "update_frequency": "monthly",
    "language": "zh-CN", "access": "private", "keywords": ["道路", "交通"],
    "contact": {"name": "李四", "email": "li@example.cn"},
    "links": [{"href": "https://example.cn/wms", "rel": "service", "protocol": "OGC:WMS"}],
    "extent": [116, 39.5, 117, 40.5], "time": ["2020-01-01", null]})");
  EXPECT_EQ(*p.type, "service");
  EXPECT_EQ(*p.title, "北京 道路");
  EXPECT_EQ(*p.topic, "transportation");
  EXPECT_EQ(*p.lineage, "");
  EXPECT_EQ(*p.language, "zh-CN");
  EXPECT_EQ(*p.access, "private");
  EXPECT_EQ(p.keywords->size(), 2u);
  EXPECT_EQ(p.contact->name, "李四");
  EXPECT_EQ(p.contact->role, "pointOfContact");
  ASSERT_EQ(p.links->size(), 1u);
  EXPECT_EQ((*p.links)[0].protocol, "OGC:WMS");
  EXPECT_EQ(*p.extent, Envelope::of(116, 39.5, 117, 40.5));
  // A date covers its day; 2020-01-01 is read at midnight in the platform zone (UTC+8).
  EXPECT_EQ(p.time_extent->start->micros, 1'577'808'000'000'000);
  EXPECT_FALSE(p.time_extent->end);
  EXPECT_FALSE(p.publisher == std::nullopt);

  RecordPatch empty = parse_record_patch("{}");
  EXPECT_FALSE(empty.title);
  EXPECT_FALSE(empty.keywords);
  RecordPatch cleared = parse_record_patch(R"({"topic": null, "extent": null, "time": null})");
  EXPECT_EQ(*cleared.topic, "");
  EXPECT_TRUE(cleared.extent->empty());
  EXPECT_TRUE(cleared.time_extent->unbounded());
}

TEST(RecordPatchJson, RefusalsNameTheMember) {
  EXPECT_EQ(pointer_of("[]"), "/");
  EXPECT_EQ(pointer_of("not json"), "/");
  EXPECT_EQ(pointer_of(R"({"state": "published"})"), "/state");
  EXPECT_EQ(pointer_of(R"({"id": "x"})"), "/id");
  EXPECT_EQ(pointer_of(R"({"owner": "mallory"})"), "/owner");
  EXPECT_EQ(pointer_of(R"({"title": 3})"), "/title");
  EXPECT_EQ(pointer_of(R"({"title": "  "})"), "/title");
  EXPECT_EQ(pointer_of(R"({"title": "a", "title": "b"})"), "/title");
  EXPECT_EQ(pointer_of("{\"title\": \"" + std::string(501, 'x') + "\"}"), "/title");
  std::string zh500;
  for (int i = 0; i < 500; ++i) zh500 += "路";
  EXPECT_EQ(pointer_of("{\"title\": \"" + zh500 + "\"}"), "(accepted)");  // characters, not bytes
  EXPECT_EQ(pointer_of(R"({"topic": "roads"})"), "/topic");
  EXPECT_EQ(pointer_of(R"({"update_frequency": "hourly"})"), "/update_frequency");
  EXPECT_EQ(pointer_of(R"({"access": "secret"})"), "/access");
  EXPECT_EQ(pointer_of(R"({"type": "map"})"), "/type");
  EXPECT_EQ(pointer_of(R"({"language": "chinese!"})"), "/language");
  EXPECT_EQ(pointer_of(R"({"keywords": "roads"})"), "/keywords");
  EXPECT_EQ(pointer_of(R"({"keywords": ["a", ""]})"), "/keywords/1");
  EXPECT_EQ(pointer_of(R"({"keywords": ["a", 1]})"), "/keywords/1");
  std::string many = "{\"keywords\": [";
  for (int i = 0; i < 101; ++i) many += (i ? ",\"k" : "\"k") + std::to_string(i) + "\"";
  EXPECT_EQ(pointer_of(many + "]}"), "/keywords");
  EXPECT_EQ(pointer_of(R"({"contact": {"fax": "1"}})"), "/contact/fax");
  EXPECT_EQ(pointer_of(R"({"contact": "me"})"), "/contact");
  EXPECT_EQ(pointer_of(R"({"links": [{"rel": "x"}]})"), "/links/0/href");
  EXPECT_EQ(pointer_of(R"j({"links": [{"href": "javascript:alert(1)"}]})j"), "/links/0/href");
  EXPECT_EQ(pointer_of(R"({"links": [{"href": "https://a.cn", "x": 1}]})"), "/links/0/x");
  EXPECT_EQ(pointer_of(R"({"extent": [1, 2, 3]})"), "/extent");
  EXPECT_EQ(pointer_of(R"({"extent": [1, 2, "3", 4]})"), "/extent/2");
  EXPECT_EQ(pointer_of(R"({"extent": [10, 2, 3, 4]})"), "/extent");
  EXPECT_EQ(pointer_of(R"({"extent": [-200, 2, 3, 4]})"), "/extent");
  EXPECT_EQ(pointer_of(R"({"time": ["2020-01-01"]})"), "/time");
  EXPECT_EQ(pointer_of(R"({"time": ["yesterday", null]})"), "/time/0");
  EXPECT_EQ(pointer_of(R"({"time": ["2021-01-01", "2020-01-01"]})"), "/time");
  EXPECT_EQ(pointer_of(R"({"a~b/c": 1})"), "/a~0b~1c");
  EXPECT_EQ(pointer_of(R"({"contact": {"role": "boss"}})"), "/contact/role");
  EXPECT_EQ(pointer_of(R"({"contact": {"role": "custodian"}})"), "(accepted)");
  EXPECT_EQ(pointer_of(R"({"title": "a\u0000b"})"), "/title");
  EXPECT_EQ(pointer_of(R"({"keywords": ["a\u001bb"]})"), "/keywords/0");
  EXPECT_EQ(pointer_of(R"({"abstract": "line\nline\ttab"})"), "(accepted)");
  // Only years RFC 3339 can write back.
  EXPECT_EQ(pointer_of(R"({"time": [null, "9999-12-31T23:00:00-05:00"]})"), "/time/1");
  EXPECT_EQ(pointer_of(R"({"time": ["9999-12-31T23:00:00Z", null]})"), "(accepted)");
}

TEST(RecordPatchJson, IdOnlyWhenAsked) {
  std::string id;
  RecordPatch p = parse_record_patch(R"({"id": "my-record", "title": "T"})", &id);
  EXPECT_EQ(id, "my-record");
  EXPECT_EQ(*p.title, "T");
  std::string none = "unset";
  parse_record_patch(R"({"title": "T"})", &none);
  EXPECT_EQ(none, "unset");
}

}  // namespace
}  // namespace shikong::catalog
