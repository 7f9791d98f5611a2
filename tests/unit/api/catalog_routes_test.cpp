// The /api/v1 catalog routes in process, behind the real security gate: records and their
// workflow (who may take which step, what each answer is), visibility (invisible = 404),
// If-Match, history, usage, strict parameters, search parameters and answers, harvest sources
// for admins only.
#include <gtest/gtest.h>

#include "api/catalog.hpp"
#include "catalog/catalog_service.hpp"
#include "gate_fixture.hpp"
#include "harvest/harvest.hpp"
#include "search/search_service.hpp"
#include "storage/records.hpp"

namespace shikong::api::testing {
namespace {

std::string sv(simdjson::dom::element e) {
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) return "<not a string>";
  return std::string(s);
}

std::int64_t num(simdjson::dom::element e) {
  std::int64_t v = -1;
  if (e.get_int64().get(v) != simdjson::SUCCESS) return -999;
  return v;
}

// A WMS with two named layers, served by the fake fetcher.
const std::string kCapabilities = R"(<?xml version="1.0"?>
<WMS_Capabilities version="1.3.0" xmlns="http://www.opengis.net/wms">
<Service><Name>WMS</Name><Title>Test maps</Title></Service>
<Capability><Request><GetMap><Format>image/png</Format><DCPType><HTTP><Get>
<OnlineResource xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="http://maps.example.com/wms?"/>
</Get></HTTP></DCPType></GetMap></Request>
<Layer><Title>Root</Title>
<Layer queryable="1"><Name>rivers</Name><Title>Rivers of Europe</Title>
<EX_GeographicBoundingBox><westBoundLongitude>-10</westBoundLongitude><eastBoundLongitude>30</eastBoundLongitude><southBoundLatitude>35</southBoundLatitude><northBoundLatitude>60</northBoundLatitude></EX_GeographicBoundingBox></Layer>
<Layer queryable="1"><Name>lakes</Name><Title>Lakes of Europe</Title></Layer>
</Layer></Capability></WMS_Capabilities>)";

class CatalogRoutesTest : public GateTest {
 protected:
  void TearDown() override {
    harvester_.reset();
    search_.reset();
    catalog_.reset();
    records_.reset();
    GateTest::TearDown();
  }

  void start_catalog() {
    start();
    records_ = storage::open_sqlite_record_store(dir_ / "data");
    catalog_ =
        std::make_unique<catalog::CatalogService>(*store_, *records_, [this] { return now_; });
    catalog_->load();
    search_ = std::make_unique<search::SearchService>(*catalog_);
    harvester_ = std::make_unique<harvest::HarvestService>(
        *catalog_, *records_,
        [this](const FetchRequest& r) {
          ++fetches_;
          FetchResponse res;
          res.status = 200;
          res.final_url = r.url;
          res.headers = {{"content-type", "text/xml"}};
          res.body = kCapabilities;
          return res;
        },
        harvest::HarvestSettings{}, [this] { return now_; });
    ogc::CatalogContext ctx{*catalog_, *search_, harvester_.get()};
    ctx.actor_of = actor_of;
    ctx.can_see = [](const protocol::Request& req, const catalog::Record& r) {
      return catalog::CatalogService::visible(r, actor_of(req));
    };
    ApiSettings settings;
    register_record_routes(*router_, ctx, settings);
    register_search_routes(*router_, ctx, settings);
    register_harvest_routes(*router_, ctx, settings);
    make_user("pat", "publisher");
    make_user("pia", "publisher");
    make_user("rita", "reviewer");
    make_user("rex", "reviewer");
  }

  // As GateTest::call (gate, handler, problem answers) with one more request header; no
  // cookies are taken from the answer.
  Result call_with_header(Client& c, std::string method, std::string path, std::string body,
                          std::string header, std::string value) {
    protocol::Request req;
    req.method = method;
    req.path = path;
    req.target = path;
    req.base_url = "http://test";
    req.remote_ip = c.ip;
    if (!body.empty()) req.headers.set("Content-Type", "application/json");
    req.body = std::move(body);
    req.body_size = req.body.size();
    std::string cookie_line;
    for (const auto& [n, v] : c.cookies)
      cookie_line += (cookie_line.empty() ? "" : "; ") + n + "=" + v;
    if (!cookie_line.empty()) req.headers.set("Cookie", cookie_line);
    if (c.cookies.count("shikong_csrf"))
      req.headers.set("X-CSRF-Token", c.cookies.at("shikong_csrf"));
    req.headers.set(header, value);
    Result r;
    auto m = router_->match(method, path);
    if (!m.route) {
      r.status = 404;
      return r;
    }
    req.path_params = m.params;
    try {
      if (auto early = security_before(*security_, req, *m.route, gate_))
        r.response = std::move(*early);
      else
        r.response = m.route->handler(req);
    } catch (const Error& e) {
      r.response = protocol::problem_response(e);
    }
    security_after(*security_, req, r.response, gate_);
    r.status = r.response.status;
    if (!r.response.body.empty() &&
        r.parser->parse(r.response.body).get(r.json) != simdjson::SUCCESS)
      ADD_FAILURE() << "not JSON: " << r.response.body;
    return r;
  }

  void tick() { now_ = Instant{now_.micros + 60'000'000}; }

  Result act(Client& c, std::string id, std::string step, std::string body = {}) {
    return call(c, "POST", "/api/v1/records/" + id + "/" + step, body);
  }
  std::vector<std::string> ids(const Result& r, std::string_view member = "records") {
    std::vector<std::string> out;
    simdjson::dom::array a;
    if (r.json[member].get_array().get(a) != simdjson::SUCCESS) return {"<no array>"};
    for (auto e : a) out.push_back(sv(e["id"]));
    return out;
  }
  std::string link(const Result& r, std::string_view rel) {
    simdjson::dom::array a;
    if (r.json["links"].get_array().get(a) != simdjson::SUCCESS) return "<no links>";
    for (auto l : a)
      if (sv(l["rel"]) == rel) return sv(l["href"]);
    return "<none>";
  }

  std::unique_ptr<storage::RecordStore> records_;
  std::unique_ptr<catalog::CatalogService> catalog_;
  std::unique_ptr<search::SearchService> search_;
  std::unique_ptr<harvest::HarvestService> harvester_;
  int fetches_ = 0;
};

TEST_F(CatalogRoutesTest, WorkflowFromDraftToRetiredWithRightsAndVisibility) {
  start_catalog();
  Client anon;
  Client pat = signed_in("pat", "pat-password-1");
  Client pia = signed_in("pia", "pia-password-1");
  Client rita = signed_in("rita", "rita-password-1");
  Client admin = signed_in("root", "root-password-1");

  // Registering needs an account with the publisher role.
  EXPECT_EQ(post(anon, "/api/v1/records", R"({"id":"roads-doc","title":"Roads"})").status, 401);
  auto created = post(pat, "/api/v1/records",
                      R"({"id":"roads-doc","title":"Roads","keywords":["roads","transport"]})");
  ASSERT_EQ(created.status, 201) << created.response.body;
  EXPECT_EQ(created.header("Location"), "http://test/api/v1/records/roads-doc");
  EXPECT_EQ(created.header("ETag"), "\"v1\"");
  EXPECT_EQ(created.str("state"), "draft");
  EXPECT_EQ(created.str("owner"), "pat");
  EXPECT_EQ(link(created, "self"), "http://test/api/v1/records/roads-doc");
  EXPECT_EQ(link(created, "alternate"), "http://test/ogc/collections/catalog/items/roads-doc");
  EXPECT_EQ(num(created.json["usage"]["views"]), 0);
  EXPECT_EQ(post(pat, "/api/v1/records", R"({"id":"roads-doc","title":"Again"})").status, 409);
  EXPECT_EQ(post(pat, "/api/v1/records", R"({"id":"Bad Id","title":"x"})").status, 400);
  auto unknown_member = post(pat, "/api/v1/records", R"({"id":"x1","titel":"x"})");
  EXPECT_EQ(unknown_member.status, 400);
  EXPECT_EQ(unknown_member.code(), "invalid-record");

  // A draft is the owner's (and admins') only: 404 to anyone else, absent from lists.
  EXPECT_EQ(get(anon, "/api/v1/records/roads-doc").status, 404);
  EXPECT_EQ(get(pia, "/api/v1/records/roads-doc").status, 404);
  EXPECT_EQ(get(rita, "/api/v1/records/roads-doc").status, 404);
  EXPECT_EQ(get(admin, "/api/v1/records/roads-doc").status, 200);
  EXPECT_EQ(ids(get(anon, "/api/v1/records")), std::vector<std::string>{});
  EXPECT_EQ(ids(get(pat, "/api/v1/records")), std::vector<std::string>{"roads-doc"});
  EXPECT_EQ(call(pia, "PATCH", "/api/v1/records/roads-doc", R"({"title":"Mine"})").status, 404);

  // Edit with If-Match: the current version passes, a stale one is 412.
  tick();
  auto edit = [&](std::string if_match, std::string body) {
    return call_with_header(pat, "PATCH", "/api/v1/records/roads-doc", body, "If-Match", if_match);
  };
  auto patched = edit("\"v1\"", R"({"title":"Main roads","abstract":"All main roads."})");
  ASSERT_EQ(patched.status, 200) << patched.response.body;
  EXPECT_EQ(patched.str("title"), "Main roads");
  EXPECT_EQ(patched.header("ETag"), "\"v2\"");
  auto stale = edit("\"v1\"", R"({"title":"Lost update"})");
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(stale.code(), "precondition-failed");
  EXPECT_EQ(edit("W/\"v2\"", R"({"lineage":"Surveyed"})").status, 200);
  EXPECT_EQ(edit("\"v3-gz\"", R"({"bogus":1})").status, 400);
  EXPECT_EQ(edit("*", R"({"lineage":"Surveyed in 2024"})").status, 200);
  EXPECT_EQ(edit("\"v1\", \"v4\"", R"({"lineage":"Surveyed in 2025"})").status, 200);
  EXPECT_EQ(call(pat, "PATCH", "/api/v1/records/roads-doc", "title=x", {}, "text/plain").status,
            415);
  EXPECT_EQ(call(pat, "POST", "/api/v1/records", "id=x", {}, "text/plain").status, 415);

  // Submit: reviewers see it in their queue; publishers cannot review.
  EXPECT_EQ(act(pia, "roads-doc", "submit").status, 404);
  auto submitted = act(pat, "roads-doc", "submit");
  ASSERT_EQ(submitted.status, 200) << submitted.response.body;
  EXPECT_EQ(submitted.str("state"), "submitted");
  EXPECT_EQ(act(pat, "roads-doc", "submit").code(), "invalid-transition");
  EXPECT_EQ(get(pat, "/api/v1/review").status, 403);
  EXPECT_EQ(get(anon, "/api/v1/review").status, 403);
  EXPECT_EQ(ids(get(rita, "/api/v1/review")), std::vector<std::string>{"roads-doc"});
  EXPECT_EQ(get(rita, "/api/v1/records/roads-doc").status, 200);
  EXPECT_EQ(get(anon, "/api/v1/records/roads-doc").status, 404);
  EXPECT_EQ(act(pat, "roads-doc", "approve").status, 403);

  // Return needs a comment.
  auto no_comment = act(rita, "roads-doc", "return");
  EXPECT_EQ(no_comment.status, 400);
  EXPECT_EQ(no_comment.code(), "comment-required");
  EXPECT_EQ(act(rita, "roads-doc", "return", R"({"comment":"Add a licence","x":1})").status, 400);
  auto returned = act(rita, "roads-doc", "return", R"({"comment":"Add a licence"})");
  ASSERT_EQ(returned.status, 200) << returned.response.body;
  EXPECT_EQ(returned.str("state"), "draft");
  EXPECT_EQ(act(pat, "roads-doc", "submit", R"({"comment":"Licence added"})").status, 200);
  auto approved = act(rita, "roads-doc", "approve", R"({"comment":"Fine"})");
  ASSERT_EQ(approved.status, 200) << approved.response.body;
  EXPECT_EQ(approved.str("state"), "published");
  EXPECT_EQ(get(anon, "/api/v1/records/roads-doc").status, 200);
  EXPECT_EQ(ids(get(anon, "/api/v1/records")), std::vector<std::string>{"roads-doc"});

  // A reviewer's own submission needs another reviewer.
  ASSERT_EQ(post(rita, "/api/v1/records", R"({"id":"rita-doc","title":"Rita's"})").status, 201);
  ASSERT_EQ(act(rita, "rita-doc", "submit").status, 200);
  auto own = act(rita, "rita-doc", "approve");
  EXPECT_EQ(own.status, 403);
  EXPECT_EQ(own.code(), "own-submission");
  Client rex = signed_in("rex", "rex-password-1");
  EXPECT_EQ(act(rex, "rita-doc", "approve").status, 200);

  // Retire hides it again; reopen makes it a draft; admin publishes directly.
  EXPECT_EQ(act(pia, "roads-doc", "retire").status, 403);
  auto retired = act(pat, "roads-doc", "retire", R"({"comment":"Outdated"})");
  ASSERT_EQ(retired.status, 200) << retired.response.body;
  EXPECT_EQ(retired.str("state"), "retired");
  EXPECT_EQ(get(anon, "/api/v1/records/roads-doc").status, 404);
  EXPECT_EQ(act(pat, "roads-doc", "reopen").str("state"), "draft");
  EXPECT_EQ(act(pat, "roads-doc", "publish").status, 403);
  EXPECT_EQ(act(admin, "roads-doc", "publish").str("state"), "published");

  // The history: every change with its actor, in order.
  auto history = get(anon, "/api/v1/records/roads-doc/history");
  ASSERT_EQ(history.status, 200) << history.response.body;
  std::vector<std::string> steps;
  for (auto c : history.json["changes"].get_array())
    steps.push_back(sv(c["action"]) + ":" + sv(c["actor"]) + ":" + sv(c["from"]) + ">" +
                    sv(c["to"]));
  EXPECT_EQ(steps, (std::vector<std::string>{
                       "created:pat:>draft", "updated:pat:draft>draft", "updated:pat:draft>draft",
                       "updated:pat:draft>draft", "updated:pat:draft>draft",
                       "submitted:pat:draft>submitted", "returned:rita:submitted>draft",
                       "submitted:pat:draft>submitted", "approved:rita:submitted>published",
                       "retired:pat:published>retired", "reopened:pat:retired>draft",
                       "published:root:draft>published"}));
  auto changes = history.json["changes"].at(1)["changes"];
  EXPECT_EQ(sv(changes["title"]["from"]), "Roads");
  EXPECT_EQ(sv(changes["title"]["to"]), "Main roads");
  EXPECT_EQ(sv(history.json["changes"].at(6)["comment"]), "Add a licence");
  EXPECT_EQ(num(history.json["changes"].at(11)["version"]), 12);

  // Lists by state and owner.
  EXPECT_EQ(ids(get(admin, "/api/v1/records", {{"state", "published"}, {"owner", "rita"}})),
            std::vector<std::string>{"rita-doc"});

  // Deleting: only the owner or an admin.
  EXPECT_EQ(call(pia, "DELETE", "/api/v1/records/rita-doc").status, 403);
  EXPECT_EQ(call(rita, "DELETE", "/api/v1/records/rita-doc").status, 204);
  EXPECT_EQ(get(admin, "/api/v1/records/rita-doc").status, 404);
}

TEST_F(CatalogRoutesTest, DatasetRecordsCountViewsAndKeepTheirData) {
  start_catalog();
  storage::DatasetInfo draft;
  draft.id = "parks";
  draft.title = "Parks";
  draft.owner = "pat";
  draft.geometry_type = geo::GeometryType::point;
  store_->begin_import(draft)->commit();
  catalog_->dataset_changed("parks", catalog::RecordState::published, "pat");
  Client anon;
  Client admin = signed_in("root", "root-password-1");

  auto first = get(anon, "/api/v1/records/parks");
  ASSERT_EQ(first.status, 200) << first.response.body;
  EXPECT_EQ(num(first.json["usage"]["views"]), 1);
  EXPECT_EQ(link(first, "describes"), "http://test/api/v1/datasets/parks");
  EXPECT_EQ(link(first, "collection"), "http://test/ogc/collections/parks");
  EXPECT_EQ(link(first, "tiles"), "http://test/tiles/parks.json");
  EXPECT_EQ(num(get(anon, "/api/v1/records/parks").json["usage"]["views"]), 2);
  auto usage = get(anon, "/api/v1/records/parks/usage", {{"days", "7"}});
  ASSERT_EQ(usage.status, 200) << usage.response.body;
  EXPECT_EQ(num(usage.json["totals"]["views"]), 2);
  EXPECT_EQ(num(usage.json["totals"]["downloads"]), 0);
  EXPECT_EQ(get(anon, "/api/v1/records/parks/usage", {{"days", "0"}}).status, 400);

  auto del = call(admin, "DELETE", "/api/v1/records/parks");
  EXPECT_EQ(del.status, 409);
  EXPECT_EQ(del.code(), "record-has-data");
}

TEST_F(CatalogRoutesTest, ParametersAreCheckedStrictly) {
  start_catalog();
  Client anon;
  struct Case {
    std::string path;
    protocol::QueryParams query;
    std::string parameter;
  };
  const Case cases[] = {
      {"/api/v1/records", {{"foo", "1"}}, "foo"},
      {"/api/v1/records", {{"limit", "0"}}, "limit"},
      {"/api/v1/records", {{"limit", "101"}}, "limit"},
      {"/api/v1/records", {{"offset", "-1"}}, "offset"},
      {"/api/v1/records", {{"state", "gone"}}, "state"},
      {"/api/v1/search", {{"limit", "1x"}}, "limit"},
      {"/api/v1/search", {{"bbox", "1,2,3"}}, "bbox"},
      {"/api/v1/search", {{"bbox", "10,0,5,1"}}, "bbox"},
      {"/api/v1/search", {{"bbox", "0,0,1,nan"}}, "bbox"},
      {"/api/v1/search", {{"bbox", "0,0,181,1"}}, "bbox"},
      {"/api/v1/search", {{"bbox-relation", "touches"}}, "bbox-relation"},
      {"/api/v1/search", {{"datetime", "yesterday"}}, "datetime"},
      {"/api/v1/search", {{"sort", "oldest"}}, "sort"},
      {"/api/v1/search", {{"facets", "topic,colour"}}, "facets"},
      {"/api/v1/search", {{"q", "a"}, {"q", "b"}}, "q"},
      {"/api/v1/search", {{"qq", "a"}}, "qq"},
      {"/api/v1/search/suggest", {}, "q"},
      {"/api/v1/search/suggest", {{"q", "be"}, {"limit", "51"}}, "limit"},
      {"/api/v1/search/tags", {{"limit", "0"}}, "limit"},
  };
  for (const auto& c : cases) {
    auto r = get(anon, c.path, c.query);
    EXPECT_EQ(r.status, 400) << c.path << " " << c.parameter;
    EXPECT_EQ(r.parameter(), c.parameter) << c.path << " " << r.response.body;
  }
  EXPECT_EQ(get(anon, "/api/v1/records/nothing/related").status, 404);
}

TEST_F(CatalogRoutesTest, SearchAnswersWithHitsFacetsAndPagingOfVisibleRecords) {
  start_catalog();
  Client pat = signed_in("pat", "pat-password-1");
  Client admin = signed_in("root", "root-password-1");
  Client anon;
  struct Doc {
    std::string id, body;
  };
  const Doc docs[] = {
      {"bj-roads", R"({"id":"bj-roads","title":"北京市主要道路","keywords":["道路","交通"],)"
                   R"("topic":"transportation","publisher":"北京市测绘院","licence":"CC-BY-4.0",)"
                   R"("extent":[115.4,39.4,117.5,41.1]})"},
      {"london-bikes",
       R"({"id":"london-bikes","title":"London cycle hire stations","keywords":["cycling"],)"
       R"("topic":"transportation","publisher":"Transport for London","licence":"OGL-UK-3.0",)"
       R"("extent":[-0.24,51.45,0.0,51.55]})"},
      {"ireland-wind",
       R"({"id":"ireland-wind","title":"Ireland wind stations","keywords":["wind"],)"
       R"("topic":"climatologyMeteorologyAtmosphere","publisher":"Met Éireann",)"
       R"("licence":"CC-BY-4.0","extent":[-10.5,51.4,-6.0,55.4]})"},
  };
  for (const auto& d : docs) {
    tick();
    ASSERT_EQ(post(pat, "/api/v1/records", d.body).status, 201) << d.id;
    ASSERT_EQ(act(admin, d.id, "publish").status, 200) << d.id;
  }
  ASSERT_EQ(post(pat, "/api/v1/records", R"({"id":"hidden","title":"Hidden wind draft"})").status,
            201);

  auto bj = get(anon, "/api/v1/search", {{"q", "北京 道路"}});
  ASSERT_EQ(bj.status, 200) << bj.response.body;
  EXPECT_EQ(num(bj.json["total"]), 1);
  EXPECT_EQ(ids(bj, "hits"), std::vector<std::string>{"bj-roads"});
  EXPECT_EQ(sv(bj.json["query"]), "北京 道路");
  EXPECT_EQ(sv(bj.json["hits"].at(0)["title"]), "北京市主要道路");
  EXPECT_EQ(sv(bj.json["hits"].at(0)["links"].at(0)["href"]),
            "http://test/api/v1/records/bj-roads");

  // The draft is found by its owner only.
  EXPECT_EQ(ids(get(anon, "/api/v1/search", {{"q", "wind"}}), "hits"),
            std::vector<std::string>{"ireland-wind"});
  EXPECT_EQ(num(get(pat, "/api/v1/search", {{"q", "wind"}}).json["total"]), 2);

  // Filters: repeated and comma lists; bbox.
  auto cc = get(anon, "/api/v1/search", {{"licence", "CC-BY-4.0"}, {"sort", "title"}});
  EXPECT_EQ(ids(cc, "hits"), (std::vector<std::string>{"ireland-wind", "bj-roads"}));
  auto two = get(anon, "/api/v1/search", {{"publisher", "Transport for London,Met Éireann"}});
  EXPECT_EQ(num(two.json["total"]), 2);
  auto europe = get(anon, "/api/v1/search",
                    {{"bbox", "-11,50,1,56"}, {"bbox-relation", "within"}, {"sort", "newest"}});
  EXPECT_EQ(ids(europe, "hits"), (std::vector<std::string>{"ireland-wind", "london-bikes"}));

  // Facets over every match, only those asked for.
  auto f = get(anon, "/api/v1/search", {{"facets", "topic"}});
  EXPECT_EQ(num(f.json["total"]), 3);
  EXPECT_EQ(sv(f.json["facets"]["topic"].at(0)["value"]), "transportation");
  EXPECT_EQ(num(f.json["facets"]["topic"].at(0)["count"]), 2);
  simdjson::dom::element absent;
  EXPECT_NE(f.json["facets"]["keyword"].get(absent), simdjson::SUCCESS);

  // Paging links keep the query and move the offset.
  auto p1 = get(anon, "/api/v1/search", {{"sort", "newest"}, {"limit", "2"}});
  EXPECT_EQ(ids(p1, "hits"), (std::vector<std::string>{"ireland-wind", "london-bikes"}));
  EXPECT_EQ(link(p1, "next"), "http://test/api/v1/search?sort=newest&limit=2&offset=2");
  EXPECT_EQ(link(p1, "prev"), "<none>");
  auto p2 = get(anon, "/api/v1/search", {{"sort", "newest"}, {"limit", "2"}, {"offset", "2"}});
  EXPECT_EQ(ids(p2, "hits"), std::vector<std::string>{"bj-roads"});
  EXPECT_EQ(link(p2, "next"), "<none>");
  EXPECT_EQ(link(p2, "prev"), "http://test/api/v1/search?sort=newest&limit=2");

  // Suggestions, tags and related records answer in their shapes.
  auto s = get(anon, "/api/v1/search/suggest", {{"q", "Lond"}});
  ASSERT_EQ(s.status, 200) << s.response.body;
  ASSERT_GE(s.json["suggestions"].get_array().size(), 1u);
  auto tags = get(anon, "/api/v1/search/tags");
  ASSERT_EQ(tags.status, 200) << tags.response.body;
  EXPECT_EQ(sv(tags.json["tags"].at(0)["value"]), "transportation");
  EXPECT_EQ(num(tags.json["tags"].at(0)["count"]), 2);
  auto rel = get(anon, "/api/v1/records/london-bikes/related");
  ASSERT_EQ(rel.status, 200) << rel.response.body;
  EXPECT_EQ(ids(rel, "related").at(0), "bj-roads");
  EXPECT_EQ(get(anon, "/api/v1/records/hidden/related").status, 404);
}

TEST_F(CatalogRoutesTest, HarvestSourcesAreForAdminsOnly) {
  start_catalog();
  Client anon;
  Client rita = signed_in("rita", "rita-password-1");
  Client admin = signed_in("root", "root-password-1");
  const std::string body =
      R"({"id":"eu-maps","kind":"wms","url":"http://maps.example.com/wms?request=GetCapabilities",)"
      R"("title":"EU maps"})";
  auto refused = post(rita, "/api/v1/harvest/sources", body);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.code(), "forbidden");
  EXPECT_EQ(get(anon, "/api/v1/harvest/sources").status, 403);
  EXPECT_EQ(post(admin, "/api/v1/harvest/sources", R"({"id":"x","kind":"wms"})").status, 400);

  auto added = post(admin, "/api/v1/harvest/sources", body);
  ASSERT_EQ(added.status, 201) << added.response.body;
  EXPECT_EQ(added.header("Location"), "http://test/api/v1/harvest/sources/eu-maps");
  EXPECT_EQ(added.str("created_by"), "root");
  EXPECT_EQ(ids(get(admin, "/api/v1/harvest/sources"), "sources"),
            std::vector<std::string>{"eu-maps"});

  auto run = post(admin, "/api/v1/harvest/sources/eu-maps/run", "");
  ASSERT_EQ(run.status, 200) << run.response.body;
  EXPECT_EQ(run.str("status"), "ok");
  EXPECT_EQ(run.str("source"), "eu-maps");
  EXPECT_EQ(num(run.json["added"]), 3);  // two layers and the service
  EXPECT_EQ(fetches_, 1);
  auto runs = get(admin, "/api/v1/harvest/sources/eu-maps/runs");
  ASSERT_EQ(runs.json["runs"].get_array().size(), 1u);
  EXPECT_EQ(get(admin, "/api/v1/harvest/sources/eu-maps").str("last_status"), "ok");

  // Harvested records are published and read-only.
  auto listed = get(anon, "/api/v1/records", {{"source", "eu-maps"}});
  EXPECT_EQ(num(listed.json["numberMatched"]), 3);
  EXPECT_EQ(num(get(anon, "/api/v1/records", {{"source", "local"}}).json["numberMatched"]), 0);
  EXPECT_EQ(num(get(anon, "/api/v1/records", {{"source", "other"}}).json["numberMatched"]), 0);
  const std::string id = harvest::harvested_record_id("eu-maps", "rivers");
  auto rec = get(anon, "/api/v1/records/" + id);
  ASSERT_EQ(rec.status, 200) << rec.response.body;
  EXPECT_EQ(rec.str("title"), "Rivers of Europe");
  auto ro = call(admin, "PATCH", "/api/v1/records/" + id, R"({"title":"Mine"})");
  EXPECT_EQ(ro.status, 409);
  EXPECT_EQ(ro.code(), "read-only-record");

  EXPECT_EQ(call(admin, "DELETE", "/api/v1/harvest/sources/eu-maps").status, 204);
  EXPECT_EQ(get(admin, "/api/v1/harvest/sources/eu-maps").status, 404);
  EXPECT_EQ(get(anon, "/api/v1/records/" + id).status, 404);
}

}  // namespace
}  // namespace shikong::api::testing
