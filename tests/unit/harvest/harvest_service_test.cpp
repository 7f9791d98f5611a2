// The harvest service over a real catalog (embedded store in a temp dir) with a fake fetcher
// that serves fixtures, counts calls, answers 304 and throws like the real client: runs that
// add, update, leave unchanged and retire; failures that apply nothing; the scheduler's timing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/error.hpp"
#include "harvest/harvest.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace shikong::harvest {
namespace {

namespace fs = std::filesystem;
using catalog::RecordState;

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(SHIKONG_TEST_DATA) + "/harvest/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

// Serves answers by URL (and by POST body for CSW), remembers every request.
struct FakeRemote {
  struct Answer {
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string error;  // a fetch-* code to throw instead
  };
  std::map<std::string, Answer> answers;  // key: url, or url + "\n" + marker found in the body
  std::vector<FetchRequest> requests;
  std::function<void(const FetchRequest&)> during;  // runs inside the fetch

  FetchResponse operator()(const FetchRequest& req) {
    requests.push_back(req);
    if (during) during(req);
    const Answer* a = nullptr;
    for (const auto& [key, answer] : answers) {
      auto nl = key.find('\n');
      if (nl == std::string::npos ? key == req.url
                                  : key.substr(0, nl) == req.url &&
                                        req.body.find(key.substr(nl + 1)) != std::string::npos)
        a = &answer;
    }
    if (a == nullptr) return FetchResponse{404, req.url, {}, "not found"};
    if (!a->error.empty()) throw Unavailable(a->error, "The fake refused this request.");
    // A conditional request matching the ETag is answered 304, as a server would.
    for (const auto& [k, v] : req.headers)
      for (const auto& [hk, hv] : a->headers)
        if (k == "If-None-Match" && hk == "etag" && v == hv)
          return FetchResponse{304, req.url, {}, ""};
    return FetchResponse{a->status, req.url, a->headers, a->body};
  }

  std::string header(const FetchRequest& req, const std::string& name) const {
    for (const auto& [k, v] : req.headers)
      if (k == name) return v;
    return {};
  }
};

constexpr const char* kItems = "https://records.example.org/collections/main/items?limit=100";
constexpr const char* kItems2 =
    "https://records.example.org/collections/main/items?limit=4&offset=4";

class HarvestServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("shikong-harvest-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    storage::SqliteOptions options;
    options.data_dir = dir_ / "data";
    store_ = storage::open_sqlite_store(options);
    records_ = storage::open_sqlite_record_store(options.data_dir);
    catalog_ =
        std::make_unique<catalog::CatalogService>(*store_, *records_, [this] { return now_; });
    catalog_->load();
    make_service();
  }
  void TearDown() override {
    service_.reset();
    catalog_.reset();
    records_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  void make_service() {
    service_ = std::make_unique<HarvestService>(
        *catalog_, *records_, [this](const FetchRequest& r) { return remote_(r); }, settings_,
        [this] { return now_; });
  }

  storage::HarvestSource source(const std::string& id, const std::string& kind,
                                const std::string& url) {
    storage::HarvestSource s;
    s.id = id;
    s.kind = kind;
    s.url = url;
    s.title = "Source " + id;
    return s;
  }

  void serve_records(const std::string& page1, const std::string& page2) {
    remote_.answers[kItems] = {200, page1, {{"etag", "\"v1\""}}, ""};
    remote_.answers[kItems2] = {200, page2, {}, ""};
  }

  std::optional<catalog::Record> record(const std::string& source, const std::string& ext) {
    return catalog_->find(harvested_record_id(source, ext));
  }

  void tick(std::int64_t seconds) { now_ = Instant{now_.micros + seconds * 1'000'000}; }

  fs::path dir_;
  Instant now_ = Instant::from_seconds(1'790'000'000);
  HarvestSettings settings_;
  FakeRemote remote_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::RecordStore> records_;
  std::unique_ptr<catalog::CatalogService> catalog_;
  std::unique_ptr<HarvestService> service_;
};

TEST_F(HarvestServiceTest, AddsUpdatesKeepsAndRetiresAcrossRuns) {
  service_->add_source(source("rec", "records", "https://records.example.org/collections/main"));
  serve_records(fixture("records_page1.json"), fixture("records_page2.json"));

  auto run1 = service_->run("rec");
  EXPECT_EQ(run1.status, "ok") << run1.message;
  EXPECT_EQ(run1.added, 4);
  EXPECT_EQ(run1.updated, 0);
  EXPECT_EQ(run1.unchanged, 0);
  EXPECT_EQ(run1.retired, 0);
  EXPECT_EQ(run1.rejected, 1);
  EXPECT_GT(run1.id, 0);
  EXPECT_EQ(run1.source_id, "rec");
  EXPECT_EQ(run1.started, now_);
  ASSERT_EQ(remote_.requests.size(), 2u);
  EXPECT_EQ(remote_.requests[0].url, kItems);
  EXPECT_EQ(remote_.requests[0].method, "GET");
  EXPECT_EQ(remote_.header(remote_.requests[0], "If-None-Match"), "");
  EXPECT_EQ(remote_.requests[1].url, kItems2);

  auto lakes = record("rec", "lakes");
  ASSERT_TRUE(lakes);
  EXPECT_EQ(lakes->id, "rec-fc74f6ec6cb43cf7");
  EXPECT_EQ(lakes->state, RecordState::published);
  EXPECT_EQ(lakes->source_id, "rec");
  EXPECT_EQ(lakes->external_id, "lakes");
  EXPECT_EQ(lakes->title, "Lakes of Qinghai");
  EXPECT_EQ(lakes->source_url, "https://records.example.org/collections/main/items/lakes?f=json");
  EXPECT_TRUE(lakes->harvested());
  ASSERT_TRUE(record("rec", "42"));
  ASSERT_TRUE(record("rec", "point"));
  ASSERT_TRUE(record("rec", "last"));
  EXPECT_FALSE(record("rec", "untitled"));
  std::int64_t version_42 = record("rec", "42")->version;

  auto src = service_->find_source("rec");
  ASSERT_TRUE(src);
  EXPECT_EQ(src->last_status, "ok");
  EXPECT_EQ(src->etag, "\"v1\"");
  EXPECT_EQ(src->last_run, now_);
  EXPECT_EQ(src->last_message,
            "4 records harvested: 4 added, 0 updated, 0 unchanged, 0 retired, 1 rejected.");

  // Second run: lakes changed (title and date), point gone, the rest as before.
  tick(3600);
  std::string page1 = fixture("records_page1.json");
  page1 = replace(page1, "\"Lakes of Qinghai\"", "\"Lakes of Qinghai, revised\"");
  page1 = replace(page1, "2025-05-06T07:08:09Z", "2025-06-01T00:00:00Z");
  auto point = page1.find("{\n      \"type\": \"Feature\",\n      \"id\": \"point\"");
  ASSERT_NE(point, std::string::npos);
  auto end = page1.find("\n    }\n", point);
  page1.erase(point - 6, end + 6 - (point - 6));  // ",\n    " before it and the feature
  remote_.answers[kItems] = {200, page1, {{"etag", "\"v2\""}}, ""};

  auto run2 = service_->run("rec");
  EXPECT_EQ(run2.status, "ok") << run2.message;
  EXPECT_EQ(run2.added, 0);
  EXPECT_EQ(run2.updated, 1);
  EXPECT_EQ(run2.unchanged, 2);
  EXPECT_EQ(run2.retired, 1);
  EXPECT_EQ(run2.rejected, 1);
  EXPECT_GT(run2.id, run1.id);
  EXPECT_EQ(remote_.header(remote_.requests[2], "If-None-Match"), "\"v1\"");
  EXPECT_EQ(record("rec", "lakes")->title, "Lakes of Qinghai, revised");
  EXPECT_EQ(record("rec", "point")->state, RecordState::retired);
  EXPECT_EQ(record("rec", "42")->version, version_42);  // unchanged: no new version
  EXPECT_EQ(service_->find_source("rec")->etag, "\"v2\"");

  auto runs = service_->runs("rec", 10);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].id, run2.id);  // newest first
  EXPECT_EQ(runs[1].id, run1.id);
}

TEST_F(HarvestServiceTest, NotModifiedChangesNothing) {
  service_->add_source(source("rec", "records", "https://records.example.org/collections/main"));
  serve_records(fixture("records_page1.json"), fixture("records_page2.json"));
  ASSERT_EQ(service_->run("rec").status, "ok");
  std::int64_t version = record("rec", "lakes")->version;
  tick(60);
  auto run = service_->run("rec");
  EXPECT_EQ(run.status, "not-modified");
  EXPECT_EQ(run.added + run.updated + run.unchanged + run.retired + run.rejected, 0);
  ASSERT_EQ(remote_.requests.size(), 3u);  // two pages, then one conditional request
  EXPECT_EQ(remote_.header(remote_.requests[2], "If-None-Match"), "\"v1\"");
  EXPECT_EQ(record("rec", "lakes")->version, version);
  EXPECT_EQ(record("rec", "point")->state, RecordState::published);
  auto src = service_->find_source("rec");
  EXPECT_EQ(src->last_status, "not-modified");
  EXPECT_EQ(src->etag, "\"v1\"");
  EXPECT_EQ(src->last_run, now_);
}

TEST_F(HarvestServiceTest, LastModifiedIsSentBack) {
  service_->add_source(source("rec", "records", "https://records.example.org/collections/main"));
  remote_.answers[kItems] = {
      200, fixture("records_page2.json"), {{"last-modified", "Wed, 25 Nov 2026 10:00:00 GMT"}}, ""};
  ASSERT_EQ(service_->run("rec").status, "ok");
  service_->run("rec");
  ASSERT_EQ(remote_.requests.size(), 2u);
  EXPECT_EQ(remote_.header(remote_.requests[1], "If-Modified-Since"),
            "Wed, 25 Nov 2026 10:00:00 GMT");
}

TEST_F(HarvestServiceTest, FailuresApplyNothingAndAreRecorded) {
  service_->add_source(source("rec", "records", "https://records.example.org/collections/main"));
  serve_records(fixture("records_page1.json"), fixture("records_page2.json"));
  ASSERT_EQ(service_->run("rec").status, "ok");
  std::int64_t version = record("rec", "lakes")->version;

  // Page one changed, page two fails: nothing of page one may be applied.
  std::string page1 =
      replace(fixture("records_page1.json"), "\"Lakes of Qinghai\"", "\"Changed title\"");
  remote_.answers[kItems] = {200, page1, {{"etag", "\"v2\""}}, ""};
  struct Case {
    FakeRemote::Answer answer;
    std::string says;
  };
  std::vector<Case> cases{
      {{200, "", {}, "fetch-too-large"}, "too large"},
      {{200, "", {}, "fetch-timeout"}, "timeout"},
      {{200, "", {}, "fetch-refused"}, "refused"},
      {{200, "", {}, "fetch-redirects"}, "too many redirects"},
      {{200, "", {}, "fetch-failed"}, "could not be reached"},
      {{500, "oops", {}, ""}, "HTTP status 500"},
      {{200, "<html>not json</html>", {}, ""}, "malformed"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.says);
    tick(60);
    remote_.answers[kItems2] = c.answer;
    auto run = service_->run("rec");
    EXPECT_EQ(run.status, "failed");
    EXPECT_NE(run.message.find(c.says), std::string::npos) << run.message;
    EXPECT_NE(run.message.find(kItems2), std::string::npos) << run.message;
    EXPECT_EQ(run.added + run.updated + run.unchanged + run.retired + run.rejected, 0);
    EXPECT_EQ(record("rec", "lakes")->title, "Lakes of Qinghai");
    EXPECT_EQ(record("rec", "lakes")->version, version);
    EXPECT_EQ(record("rec", "last")->state, RecordState::published);
    auto src = service_->find_source("rec");
    EXPECT_EQ(src->last_status, "failed");
    EXPECT_EQ(src->last_message, run.message);
    EXPECT_EQ(src->etag, "\"v1\"");  // a failed run keeps the last good validators
    EXPECT_EQ(service_->runs("rec", 1).at(0).id, run.id);
  }
  EXPECT_EQ(service_->runs("rec", 100).size(), cases.size() + 1);
}

TEST_F(HarvestServiceTest, RequestsCarryTheLimitsAndThePrivateAllowance) {
  settings_.timeout = std::chrono::milliseconds(1234);
  settings_.max_bytes = 5678;
  settings_.max_redirects = 2;
  make_service();
  auto node = source("node2", "shikong", "http://127.0.0.1:8081/");
  node.allow_private = true;
  service_->add_source(node);
  service_->add_source(source("pub", "shikong", "https://geo.example.cn"));
  const std::string node_items = "http://127.0.0.1:8081/ogc/collections/catalog/items?limit=100";
  remote_.answers[node_items] = {200, fixture("shikong_items.json"), {}, ""};
  auto run = service_->run("node2");
  EXPECT_EQ(run.status, "ok") << run.message;
  EXPECT_EQ(run.added, 2);
  ASSERT_EQ(remote_.requests.size(), 1u);
  const auto& req = remote_.requests[0];
  EXPECT_EQ(req.url, node_items);
  EXPECT_EQ(req.timeout, std::chrono::milliseconds(1234));
  EXPECT_EQ(req.max_bytes, 5678u);
  EXPECT_EQ(req.max_redirects, 2);
  EXPECT_EQ(req.allowed_private_origins, (std::vector<std::string>{"127.0.0.1:8081"}));
  auto roads = record("node2", "beijing_roads");
  ASSERT_TRUE(roads);
  EXPECT_EQ(roads->kind, "shikong");
  EXPECT_EQ(roads->topic, "transportation");
  EXPECT_EQ(roads->publisher, "北京市测绘院");

  service_->run("pub");
  ASSERT_EQ(remote_.requests.size(), 2u);
  EXPECT_EQ(remote_.requests[1].url,
            "https://geo.example.cn/ogc/collections/catalog/items?limit=100");
  EXPECT_TRUE(remote_.requests[1].allowed_private_origins.empty());
}

TEST_F(HarvestServiceTest, CswPagesArePosted) {
  const std::string endpoint = "https://csw.example.org/csw";
  service_->add_source(source("csw1", "csw", endpoint));
  remote_.answers[endpoint + "\nstartPosition=\"1\""] = {200, fixture("csw_page1.xml"), {}, ""};
  remote_.answers[endpoint + "\nstartPosition=\"7\""] = {200, fixture("csw_page2.xml"), {}, ""};
  auto run = service_->run("csw1");
  EXPECT_EQ(run.status, "ok") << run.message;
  EXPECT_EQ(run.added, 5);
  EXPECT_EQ(run.rejected, 3);
  ASSERT_EQ(remote_.requests.size(), 2u);
  EXPECT_EQ(remote_.requests[0].method, "POST");
  EXPECT_EQ(remote_.requests[1].method, "POST");
  EXPECT_NE(remote_.requests[1].body.find("startPosition=\"7\""), std::string::npos);
  auto r = record("csw1", "urn:uuid:0001");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, "csw");
  EXPECT_EQ(*r->extent, Envelope::of(113.5, 36.0, 119.8, 42.6));
  EXPECT_EQ(r->source_url.rfind(endpoint + "?service=CSW&", 0), 0u);
}

TEST_F(HarvestServiceTest, CapabilitiesUrlsAskForCapabilities) {
  service_->add_source(source("ms", "wms", "http://maps.example.org/cgi-bin/mapserv?map=tiny.map"));
  service_->add_source(source("wfs", "wfs", "http://maps.example.org/wfs"));
  service_->add_source(
      source("tiles", "wmts", "https://tiles.example.org/wmts/1.0.0/WMTSCapabilities.xml"));
  remote_.answers
      ["http://maps.example.org/cgi-bin/mapserv?map=tiny.map&service=WMS&request="
       "GetCapabilities"] = {200, fixture("mapserver_wms130.xml"), {}, ""};
  remote_.answers["http://maps.example.org/wfs?service=WFS&request=GetCapabilities"] = {
      200, fixture("mapserver_wfs200.xml"), {}, ""};
  remote_.answers["https://tiles.example.org/wmts/1.0.0/WMTSCapabilities.xml"] = {
      200, fixture("wmts100.xml"), {}, ""};
  auto wms = service_->run("ms");
  EXPECT_EQ(wms.status, "ok") << wms.message;
  EXPECT_EQ(wms.added, 6);
  auto roads = record("ms", "roads");
  ASSERT_TRUE(roads);
  EXPECT_EQ(roads->kind, "wms");
  EXPECT_EQ(roads->links.at(0).protocol, "OGC:WMS");
  EXPECT_EQ(service_->run("wfs").added, 3);
  auto tiles = service_->run("tiles");
  EXPECT_EQ(tiles.added, 2);
  EXPECT_EQ(tiles.rejected, 1);
  // An unchanged document (no validators) leaves every record unchanged.
  tick(60);
  auto again = service_->run("ms");
  EXPECT_EQ(again.status, "ok");
  EXPECT_EQ(again.unchanged, 6);
  EXPECT_EQ(again.added + again.updated + again.retired, 0);
}

TEST_F(HarvestServiceTest, HostileXmlFailsCleanly) {
  service_->add_source(source("bad", "wms", "https://evil.example.org/caps.xml"));
  remote_.answers["https://evil.example.org/caps.xml"] = {
      200,
      "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
      "<WMS_Capabilities><Service><Title>&e;</Title></Service></WMS_Capabilities>",
      {},
      ""};
  auto run = service_->run("bad");
  EXPECT_EQ(run.status, "failed");
  EXPECT_NE(run.message.find("malformed or refused XML"), std::string::npos) << run.message;
  EXPECT_EQ(run.message.find("/etc/passwd"), std::string::npos);
}

TEST_F(HarvestServiceTest, LimitsStopTheListingWithoutRetiring) {
  service_->add_source(source("rec", "records", "https://records.example.org/collections/main"));
  serve_records(fixture("records_page1.json"), fixture("records_page2.json"));
  ASSERT_EQ(service_->run("rec").added, 4);
  settings_.max_pages = 1;
  make_service();
  tick(60);
  remote_.answers[kItems].headers.clear();
  auto run = service_->run("rec");
  EXPECT_EQ(run.status, "ok");
  EXPECT_EQ(run.unchanged, 3);
  EXPECT_EQ(run.retired, 0);  // "last" was not read, and is not retired for it
  EXPECT_NE(run.message.find("limit"), std::string::npos);
  EXPECT_EQ(record("rec", "last")->state, RecordState::published);

  settings_.max_pages = 200;
  settings_.max_records = 2;
  make_service();
  service_->add_source(source("rec2", "records", "https://records.example.org/collections/main"));
  auto limited = service_->run("rec2");
  EXPECT_EQ(limited.added, 2);
  EXPECT_EQ(limited.retired, 0);
}

TEST_F(HarvestServiceTest, ANextLinkBackToTheSamePageEnds) {
  service_->add_source(source("rec", "records", "https://records.example.org/collections/main"));
  std::string page =
      replace(fixture("records_page1.json"), "items?limit=4&offset=4", "items?limit=100");
  remote_.answers[kItems] = {200, page, {}, ""};
  auto run = service_->run("rec");
  EXPECT_EQ(run.status, "ok");
  EXPECT_EQ(run.added, 3);
  EXPECT_EQ(remote_.requests.size(), 1u);
}

TEST_F(HarvestServiceTest, OneRunPerSourceAtATime) {
  service_->add_source(source("rec", "records", "https://records.example.org/collections/main"));
  serve_records(fixture("records_page1.json"), fixture("records_page2.json"));
  std::string code;
  int inner_other = 0;
  bool once = false;
  remote_.during = [&](const FetchRequest& req) {
    if (req.url != kItems || once) return;
    once = true;
    try {
      service_->run("rec");
    } catch (const Conflict& e) {
      code = e.code();
    }
    try {
      service_->remove_source("rec");
    } catch (const Conflict& e) {
      ++inner_other;
    }
  };
  auto run = service_->run("rec");
  EXPECT_EQ(run.status, "ok");
  EXPECT_EQ(code, "harvest-running");
  EXPECT_EQ(inner_other, 1);
  // Released afterwards.
  EXPECT_EQ(service_->run("rec").status, "not-modified");
}

TEST_F(HarvestServiceTest, RunDueFollowsTheIntervals) {
  auto every10 = source("every10", "records", "https://records.example.org/collections/main");
  every10.interval_minutes = 10;
  service_->add_source(every10);
  service_->add_source(source("manual", "records", "https://records.example.org/collections/main"));
  auto off = source("off", "records", "https://records.example.org/collections/main");
  off.interval_minutes = 1;
  off.enabled = false;
  service_->add_source(off);
  remote_.answers[kItems] = {200, fixture("records_page2.json"), {}, ""};

  auto runs = service_->run_due();
  ASSERT_EQ(runs.size(), 1u);  // never run: due at once
  EXPECT_EQ(runs[0].source_id, "every10");
  tick(9 * 60 + 59);
  EXPECT_TRUE(service_->run_due().empty());
  tick(1);
  runs = service_->run_due();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].source_id, "every10");
  EXPECT_EQ(runs[0].unchanged, 1);
  tick(60);
  EXPECT_TRUE(service_->run_due().empty());
  EXPECT_EQ(remote_.requests.size(), 2u);
}

TEST_F(HarvestServiceTest, SourceValidation) {
  auto expect_invalid = [&](storage::HarvestSource s, const std::string& code,
                            const std::string& parameter) {
    try {
      service_->add_source(s);
      ADD_FAILURE() << "accepted " << s.id << " " << s.url;
    } catch (const InvalidInput& e) {
      EXPECT_EQ(e.code(), code);
      EXPECT_EQ(e.parameter(), parameter);
    }
  };
  const std::string url = "https://csw.example.org/csw";
  expect_invalid(source("Bad Id", "csw", url), "invalid-source-id", "id");
  expect_invalid(source("", "csw", url), "invalid-source-id", "id");
  expect_invalid(source(std::string(48, 'a'), "csw", url), "invalid-source-id", "id");
  expect_invalid(source("catalog", "csw", url), "invalid-source-id", "id");
  expect_invalid(source("ok", "ftp", url), "invalid-source-kind", "kind");
  expect_invalid(source("ok", "WMS", url), "invalid-source-kind", "kind");
  expect_invalid(source("ok", "csw", "ftp://csw.example.org/"), "invalid-source-url", "url");
  expect_invalid(source("ok", "csw", "http://"), "invalid-source-url", "url");
  expect_invalid(source("ok", "csw", "csw.example.org/csw"), "invalid-source-url", "url");
  expect_invalid(source("ok", "csw", "http://u:p@csw.example.org/"), "invalid-source-url", "url");
  expect_invalid(source("ok", "csw", "http://csw.example.org/a b"), "invalid-source-url", "url");
  auto negative = source("ok", "csw", url);
  negative.interval_minutes = -1;
  expect_invalid(negative, "invalid-interval", "interval_minutes");
  EXPECT_TRUE(service_->sources().empty());

  auto s = source(std::string(47, 'a'), "csw", url);
  s.etag = "\"forged\"";
  s.last_status = "ok";
  auto stored = service_->add_source(s);
  EXPECT_EQ(stored.etag, "");
  EXPECT_EQ(stored.last_status, "");
  EXPECT_EQ(stored.created, now_);
  EXPECT_EQ(harvested_record_id(stored.id, "x").size(), 64u);
  try {
    service_->add_source(s);
    ADD_FAILURE() << "a second source of the same id";
  } catch (const Conflict& e) {
    EXPECT_EQ(e.code(), "source-exists");
  }
  service_->add_source(source("b", "wms", "http://maps.example.org/wms"));
  auto all = service_->sources();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, std::string(47, 'a'));
  EXPECT_EQ(all[1].id, "b");
}

TEST_F(HarvestServiceTest, RemovingASourceRemovesItsRecords) {
  service_->add_source(source("rec", "records", "https://records.example.org/collections/main"));
  serve_records(fixture("records_page1.json"), fixture("records_page2.json"));
  ASSERT_EQ(service_->run("rec").added, 4);
  service_->remove_source("rec");
  EXPECT_FALSE(service_->find_source("rec"));
  EXPECT_FALSE(record("rec", "lakes"));
  EXPECT_FALSE(record("rec", "last"));
  EXPECT_THROW(service_->remove_source("rec"), NotFound);
  EXPECT_THROW(service_->run("rec"), NotFound);
}

}  // namespace
}  // namespace shikong::harvest
