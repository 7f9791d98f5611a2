// The directory service over a real embedded store and record store in a temporary directory:
// records made and refreshed from datasets, every workflow transition allowed and refused, the
// visibility table, edits with their history, listeners, a second service (another process) on
// the same data directory, harvested copies and usage counts, all on a fake clock.
#include "catalog/catalog_service.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "core/error.hpp"
#include "geo/wkb.hpp"
#include "storage/change_listener.hpp"
#include "storage/sqlite/sqlite_db.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace shikong::catalog {
namespace {

namespace fs = std::filesystem;
using storage::UsageKind;

template <typename E, typename F>
std::string error_code(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.code();
  }
  return "(no error)";
}

Feature point(double x, double y, Interval t = {}) {
  geo::Geometry g;
  g.type = geo::GeometryType::point;
  g.coords = {{x, y, 0}};
  Feature f;
  f.wkb = geo::to_wkb(g);
  f.envelope = g.envelope();
  f.valid_time = t;
  f.properties = {std::string("x"), std::int64_t{1}};
  return f;
}

constexpr std::int64_t kStart = 1'764'115'200'000'000;  // 2025-11-26T00:00:00Z

const Actor alice{"alice", true, false, false};  // publisher, owns her records
const Actor bob{"bob", true, false, false};      // another publisher
const Actor rita{"rita", false, true, false};    // reviewer
const Actor root{"root", true, true, true};      // admin
const Actor anon{};

class CatalogServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("shikong-catalog-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    storage::SqliteOptions o;
    o.data_dir = dir_;
    store_ = storage::open_sqlite_store(o);
    records_ = storage::open_sqlite_record_store(dir_);
    catalog_ = make_service(*records_);
  }
  void TearDown() override {
    catalog_.reset();
    records_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  std::unique_ptr<CatalogService> make_service(storage::RecordStore& records) {
    return std::make_unique<CatalogService>(*store_, records, [this] { return now_; });
  }

  storage::DatasetInfo import(const std::string& id, int n, const std::string& owner = "alice") {
    storage::DatasetInfo d;
    d.id = id;
    d.title = "北京市主要道路";
    d.description = "道路中心线";
    d.owner = owner;
    d.access = "registered";
    d.source_format = "geojson";
    d.geometry_type = geo::GeometryType::point;
    d.schema.fields = {{"name", FieldType::text}, {"lanes", FieldType::integer}};
    d.time_start_field = "t";
    auto s = store_->begin_import(d);
    for (int i = 0; i < n; ++i)
      s->write(point(116 + i, 39.5 + i, Interval::at(Instant::from_seconds(1'600'000'000 + i))));
    return s->commit();
  }

  Record hand_record(const std::string& id = "doc", const Actor& who = alice) {
    RecordPatch p;
    p.title = "文档 " + id;
    p.keywords = std::vector<std::string>{"a"};
    return catalog_->create(id, p, who);
  }

  void tick(std::int64_t seconds = 1) { now_.micros += seconds * 1'000'000; }

  fs::path dir_;
  Instant now_{kStart};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::RecordStore> records_;
  std::unique_ptr<CatalogService> catalog_;
};

TEST_F(CatalogServiceTest, DatasetChangedCreatesADraftFromTheData) {
  import("roads", 2);
  Record r = catalog_->dataset_changed("roads", RecordState::draft, "alice");
  EXPECT_EQ(r.id, "roads");
  EXPECT_EQ(r.dataset_id, "roads");
  EXPECT_EQ(r.state, RecordState::draft);
  EXPECT_EQ(r.owner, "alice");
  EXPECT_EQ(r.title, "北京市主要道路");
  EXPECT_EQ(r.abstract, "道路中心线");
  EXPECT_EQ(r.access, "registered");
  EXPECT_EQ(r.kind, "vector");
  EXPECT_EQ(r.type, "dataset");
  EXPECT_EQ(r.crs, "EPSG:4490");
  EXPECT_EQ(r.feature_count, 2);
  EXPECT_EQ(r.source_format, "geojson");
  ASSERT_TRUE(r.extent);
  EXPECT_EQ(*r.extent, Envelope::of(116, 39.5, 117, 40.5));
  ASSERT_TRUE(r.time_extent);
  EXPECT_EQ(r.time_extent->start->micros, 1'600'000'000'000'000);
  EXPECT_EQ(r.time_extent->end->micros, 1'600'000'001'000'000);
  EXPECT_EQ(r.fields, (std::vector<std::string>{"name:text", "lanes:integer"}));
  EXPECT_EQ(r.formats, (std::vector<std::string>{"GeoJSON", "CSV", "GeoPackage", "MVT", "WMS",
                                                 "WMTS", "OGC API - Features"}));
  EXPECT_EQ(r.version, 1);
  EXPECT_EQ(r.created, now_);
  EXPECT_EQ(r.updated, now_);
  EXPECT_FALSE(r.published);
  auto h = catalog_->history("roads");
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].action, "created");
  EXPECT_EQ(h[0].actor, "alice");
  EXPECT_EQ(h[0].to_state, "draft");
  EXPECT_EQ(catalog_->find("roads")->version, 1);
  EXPECT_EQ(catalog_->find_by_dataset("roads")->id, "roads");
  EXPECT_EQ(catalog_->all().size(), 1u);
}

TEST_F(CatalogServiceTest, DatasetChangedPublishedAtOnce) {
  import("roads", 1);
  Record r = catalog_->dataset_changed("roads", RecordState::published, "cli");
  EXPECT_EQ(r.state, RecordState::published);
  ASSERT_TRUE(r.published);
  EXPECT_EQ(*r.published, now_);
  EXPECT_EQ(r.version, 2);
  auto h = catalog_->history("roads");
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].action, "created");
  EXPECT_EQ(h[1].action, "published");
  EXPECT_EQ(h[1].from_state, "draft");
  EXPECT_EQ(h[1].to_state, "published");
  EXPECT_EQ(h[1].actor, "cli");
}

TEST_F(CatalogServiceTest, DatasetChangedRefreshesOnlyDataFields) {
  import("roads", 1);
  catalog_->dataset_changed("roads", RecordState::draft, "alice");
  RecordPatch p;
  p.title = "道路（修订）";
  catalog_->update("roads", p, alice);
  tick();
  // Nothing changed in the data: no new version.
  Record same = catalog_->dataset_changed("roads", RecordState::published, "alice");
  EXPECT_EQ(same.version, 2);
  EXPECT_EQ(same.state, RecordState::draft);
  EXPECT_EQ(catalog_->history("roads").size(), 2u);
  // A replacement with more features: refreshed, the publisher's title kept.
  import("roads", 3);
  Record r = catalog_->dataset_changed("roads", RecordState::published, "alice");
  EXPECT_EQ(r.version, 3);
  EXPECT_EQ(r.state, RecordState::draft);
  EXPECT_EQ(r.title, "道路（修订）");
  EXPECT_EQ(r.feature_count, 3);
  EXPECT_EQ(*r.extent, Envelope::of(116, 39.5, 118, 41.5));
  auto h = catalog_->history("roads");
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[2].action, "refreshed");
  EXPECT_NE(h[2].diff_json.find("\"feature_count\":{\"from\":1,\"to\":3}"), std::string::npos)
      << h[2].diff_json;
  EXPECT_EQ(h[2].diff_json.find("title"), std::string::npos);
  // The access level follows the dataset's.
  storage::DatasetPatch dp;
  dp.access = "private";
  store_->update_dataset("roads", dp);
  EXPECT_EQ(catalog_->dataset_changed("roads").access, "private");
  EXPECT_EQ(error_code<NotFound>([&] { catalog_->dataset_changed("nothing"); }),
            "dataset-not-found");
}

TEST_F(CatalogServiceTest, DatasetDeletedLeavesNoRecord) {
  import("roads", 1);
  catalog_->dataset_changed("roads");
  store_->delete_dataset("roads");
  catalog_->dataset_deleted("roads", "alice");
  EXPECT_FALSE(catalog_->find("roads"));
  EXPECT_TRUE(catalog_->all().empty());
  auto h = catalog_->history("roads");
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[1].action, "deleted");
  catalog_->dataset_deleted("roads");  // twice: nothing to do
}

TEST_F(CatalogServiceTest, LoadGivesOldDatasetsAPublishedRecordAndDropsOrphans) {
  storage::DatasetInfo old = import("old", 1);
  {
    // As if the record tables had appeared after "old" was imported (an upgraded data dir).
    storage::sqlite::Db db(dir_ / "catalog.sqlite", storage::sqlite::OpenMode::read_write_create);
    db.exec("PRAGMA busy_timeout = 10000; UPDATE meta SET value = '" +
            std::to_string(old.created.micros + 1) + "' WHERE key = 'records_created'");
  }
  EXPECT_EQ(records_->created_at()->micros, old.created.micros + 1);
  import("late", 1);  // a crash lost its record
  import("gone", 1);
  catalog_->dataset_changed("gone");
  store_->delete_dataset("gone");  // deleted without telling the catalog
  auto fresh = make_service(*records_);
  fresh->load();
  auto o = fresh->find("old");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->state, RecordState::published);
  auto l = fresh->find("late");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->state, RecordState::draft);
  EXPECT_FALSE(fresh->find("gone"));
  EXPECT_EQ(fresh->all().size(), 2u);
  // A second load changes nothing.
  auto again = make_service(*records_);
  again->load();
  EXPECT_EQ(again->find("old")->version, o->version);
  EXPECT_EQ(again->find("late")->version, l->version);
}

TEST_F(CatalogServiceTest, DatasetChangedWithoutLoadAndOverAHandRecord) {
  hand_record("roads-doc");
  RecordPatch p;
  p.title = "手工";
  catalog_->create("roads", p, bob);
  catalog_->submit("roads", bob);
  import("roads", 1);
  // Another process (the CLI) that never loaded: it finds the stored record and replaces it.
  auto cli_records = storage::open_sqlite_record_store(dir_);
  auto cli = make_service(*cli_records);
  Record r = cli->dataset_changed("roads", RecordState::draft, "alice");
  EXPECT_EQ(r.state, RecordState::draft);
  EXPECT_EQ(r.owner, "alice");
  EXPECT_EQ(r.dataset_id, "roads");
  EXPECT_EQ(r.title, "北京市主要道路");
  EXPECT_EQ(r.version, 3);
  EXPECT_EQ(cli->publish("roads", Actor::system("cli")).state, RecordState::published);
  catalog_->refresh();
  EXPECT_EQ(catalog_->find("roads")->state, RecordState::published);
  auto h = catalog_->history("roads");
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h[2].action, "created");
  EXPECT_EQ(h[2].comment, "replaces a record that described no dataset");
  EXPECT_EQ(h[3].actor, "cli");
}

TEST_F(CatalogServiceTest, CreateAndUpdateWithHistory) {
  EXPECT_EQ(error_code<Forbidden>([&] { hand_record("x", rita); }), "forbidden");
  EXPECT_EQ(error_code<Forbidden>([&] { hand_record("x", anon); }), "forbidden");
  EXPECT_EQ(error_code<InvalidInput>([&] { hand_record("Bad Id", alice); }), "invalid-id");
  Record r = hand_record("doc");
  EXPECT_EQ(r.state, RecordState::draft);
  EXPECT_EQ(r.owner, "alice");
  EXPECT_EQ(r.version, 1);
  EXPECT_EQ(error_code<Conflict>([&] { hand_record("doc"); }), "record-exists");
  import("roads", 1);
  EXPECT_EQ(error_code<Conflict>([&] { hand_record("roads"); }), "record-exists");

  tick();
  RecordPatch p;
  p.title = "新标题";
  p.extent = Envelope::of(1, 2, 3, 4);
  Record u = catalog_->update("doc", p, alice, 1);
  EXPECT_EQ(u.version, 2);
  EXPECT_EQ(u.title, "新标题");
  EXPECT_EQ(*u.extent, Envelope::of(1, 2, 3, 4));
  EXPECT_EQ(u.updated, now_);
  EXPECT_EQ(u.created.micros, kStart);
  EXPECT_EQ(error_code<Conflict>([&] { catalog_->update("doc", p, alice, 1); }),
            "version-conflict");
  // The same values again: no new version.
  EXPECT_EQ(catalog_->update("doc", p, alice).version, 2);
  // Bob cannot see Alice's draft: unknown to him.
  EXPECT_EQ(error_code<NotFound>([&] { catalog_->update("doc", p, bob); }), "record-not-found");
  auto h = catalog_->history("doc");
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[1].action, "updated");
  EXPECT_EQ(h[1].version, 2);
  EXPECT_EQ(h[1].diff_json,
            "{\"title\":{\"from\":\"文档 doc\",\"to\":\"新标题\"},"
            "\"extent\":{\"from\":null,\"to\":[1,2,3,4]}}");
}

TEST_F(CatalogServiceTest, AccessEditOfADatasetRecordPatchesTheDataset) {
  import("roads", 1);
  catalog_->dataset_changed("roads", RecordState::published, "alice");
  RecordPatch p;
  p.access = "private";
  Record r = catalog_->update("roads", p, alice);
  EXPECT_EQ(r.access, "private");
  EXPECT_EQ(r.state, RecordState::published);  // an edit keeps it published
  EXPECT_EQ(store_->find_dataset("roads")->access, "private");
  RecordPatch ex;
  ex.extent = Envelope::of(0, 0, 1, 1);
  EXPECT_EQ(error_code<InvalidInput>([&] { catalog_->update("roads", ex, alice); }),
            "invalid-record");
  EXPECT_EQ(error_code<Conflict>([&] { catalog_->remove("roads", alice); }), "record-has-data");
}

TEST_F(CatalogServiceTest, WorkflowTransitions) {
  hand_record("doc");
  // draft: only submit (owner or admin) and publish (admin).
  EXPECT_EQ(error_code<Conflict>([&] { catalog_->approve("doc", root); }), "invalid-transition");
  EXPECT_EQ(error_code<Conflict>([&] { catalog_->return_to_draft("doc", root, "no"); }),
            "invalid-transition");
  EXPECT_EQ(error_code<Conflict>([&] { catalog_->retire("doc", alice); }), "invalid-transition");
  EXPECT_EQ(error_code<Conflict>([&] { catalog_->reopen("doc", alice); }), "invalid-transition");
  EXPECT_EQ(error_code<NotFound>([&] { catalog_->submit("doc", bob); }), "record-not-found");
  EXPECT_EQ(error_code<NotFound>([&] { catalog_->approve("doc", rita); }), "record-not-found");
  EXPECT_EQ(error_code<Forbidden>([&] { catalog_->publish("doc", alice); }), "forbidden");
  tick();
  Record s = catalog_->submit("doc", alice, "请审核");
  EXPECT_EQ(s.state, RecordState::submitted);
  EXPECT_EQ(error_code<Conflict>([&] { catalog_->submit("doc", alice); }), "invalid-transition");
  // submitted: a reviewer sees it, a publisher who is not the owner does not.
  EXPECT_EQ(error_code<NotFound>([&] { catalog_->approve("doc", bob); }), "record-not-found");
  EXPECT_EQ(error_code<Forbidden>([&] { catalog_->approve("doc", alice); }), "forbidden");
  EXPECT_EQ(error_code<InvalidInput>([&] { catalog_->return_to_draft("doc", rita, " "); }),
            "comment-required");
  tick();
  Record d = catalog_->return_to_draft("doc", rita, "补充摘要");
  EXPECT_EQ(d.state, RecordState::draft);
  catalog_->submit("doc", alice);
  tick();
  Record p = catalog_->approve("doc", rita, "好");
  EXPECT_EQ(p.state, RecordState::published);
  EXPECT_EQ(*p.published, now_);
  const Instant first_publication = now_;
  // published: retire (owner/admin); approve/publish/submit/reopen refused.
  EXPECT_EQ(error_code<Conflict>([&] { catalog_->publish("doc", root); }), "invalid-transition");
  EXPECT_EQ(error_code<Conflict>([&] { catalog_->approve("doc", rita); }), "invalid-transition");
  EXPECT_EQ(error_code<Conflict>([&] { catalog_->reopen("doc", alice); }), "invalid-transition");
  EXPECT_EQ(error_code<Forbidden>([&] { catalog_->retire("doc", bob); }), "forbidden");
  EXPECT_EQ(error_code<Forbidden>([&] { catalog_->retire("doc", rita); }), "forbidden");
  tick();
  EXPECT_EQ(catalog_->retire("doc", alice, "过时").state, RecordState::retired);
  // retired: reopen (owner/admin) or publish (admin).
  EXPECT_EQ(error_code<Conflict>([&] { catalog_->retire("doc", alice); }), "invalid-transition");
  EXPECT_EQ(error_code<NotFound>([&] { catalog_->reopen("doc", bob); }), "record-not-found");
  EXPECT_EQ(catalog_->reopen("doc", alice).state, RecordState::draft);
  tick();
  Record again = catalog_->publish("doc", root, "直接发布");
  EXPECT_EQ(again.state, RecordState::published);
  EXPECT_EQ(*again.published, first_publication);  // the first publication stays
  catalog_->retire("doc", root);
  EXPECT_EQ(catalog_->publish("doc", root).state, RecordState::published);

  auto h = catalog_->history("doc");
  std::vector<std::string> actions;
  for (const auto& c : h) actions.push_back(c.action + ":" + c.from_state + ">" + c.to_state);
  EXPECT_EQ(actions,
            (std::vector<std::string>{"created:>draft", "submitted:draft>submitted",
                                      "returned:submitted>draft", "submitted:draft>submitted",
                                      "approved:submitted>published", "retired:published>retired",
                                      "reopened:retired>draft", "published:draft>published",
                                      "retired:published>retired", "published:retired>published"}));
  EXPECT_EQ(h[0].action, "created");
  EXPECT_EQ(h[2].comment, "补充摘要");
  EXPECT_EQ(h[2].actor, "rita");
  EXPECT_EQ(h[4].diff_json, "{}");
}

TEST_F(CatalogServiceTest, OwnSubmissionNeedsAnotherReviewer) {
  const Actor reviewing_publisher{"rex", true, true, false};
  hand_record("mine", reviewing_publisher);
  catalog_->submit("mine", reviewing_publisher);
  EXPECT_EQ(error_code<Forbidden>([&] { catalog_->approve("mine", reviewing_publisher); }),
            "own-submission");
  // Submitted by an admin on the owner's behalf, the owner still may not approve it.
  hand_record("other", reviewing_publisher);
  catalog_->submit("other", root);
  EXPECT_EQ(error_code<Forbidden>([&] { catalog_->approve("other", reviewing_publisher); }),
            "own-submission");
  const Actor admin_owner{"rex", true, true, true};
  EXPECT_EQ(catalog_->approve("mine", admin_owner).state, RecordState::published);
  EXPECT_EQ(catalog_->approve("other", rita).state, RecordState::published);
}

TEST_F(CatalogServiceTest, VisibilityTable) {
  Record r;
  r.owner = "alice";
  struct Row {
    RecordState state;
    bool anon, owner, other, reviewer, admin;
  };
  const Row rows[] = {
      {RecordState::draft, false, true, false, false, true},
      {RecordState::submitted, false, true, false, true, true},
      {RecordState::published, true, true, true, true, true},
      {RecordState::retired, false, true, false, false, true},
  };
  for (const Row& row : rows) {
    r.state = row.state;
    SCOPED_TRACE(std::string(to_string(row.state)));
    EXPECT_EQ(CatalogService::visible(r, anon), row.anon);
    EXPECT_EQ(CatalogService::visible(r, alice), row.owner);
    EXPECT_EQ(CatalogService::visible(r, bob), row.other);
    EXPECT_EQ(CatalogService::visible(r, rita), row.reviewer);
    EXPECT_EQ(CatalogService::visible(r, root), row.admin);
  }
  // A harvested record has no owner: an anonymous actor is not its owner.
  r.owner = "";
  r.state = RecordState::retired;
  EXPECT_FALSE(CatalogService::visible(r, anon));

  import("roads", 1);
  // No record yet: treated as a draft of the dataset's owner.
  EXPECT_FALSE(catalog_->dataset_visible("roads", "alice", anon));
  EXPECT_TRUE(catalog_->dataset_visible("roads", "alice", alice));
  catalog_->dataset_changed("roads", RecordState::draft, "alice");
  EXPECT_FALSE(catalog_->dataset_visible("roads", "alice", rita));
  EXPECT_TRUE(catalog_->dataset_visible("roads", "alice", root));
  catalog_->submit("roads", alice);
  EXPECT_TRUE(catalog_->dataset_visible("roads", "alice", rita));
  EXPECT_FALSE(catalog_->dataset_visible("roads", "alice", bob));
  catalog_->approve("roads", rita);
  EXPECT_TRUE(catalog_->dataset_visible("roads", "alice", anon));
}

TEST_F(CatalogServiceTest, ListenersSeeChangesAndDeletions) {
  std::vector<std::string> seen;
  catalog_->add_listener([&](std::string_view id, const Record* r) {
    seen.push_back(std::string(id) + (r ? ":" + std::string(to_string(r->state)) : ":null"));
  });
  hand_record("doc");
  catalog_->submit("doc", alice);
  catalog_->remove("doc", alice);
  EXPECT_EQ(seen, (std::vector<std::string>{"doc:draft", "doc:submitted", "doc:null"}));
  EXPECT_FALSE(catalog_->find("doc"));
  EXPECT_EQ(error_code<NotFound>([&] { catalog_->remove("doc", alice); }), "record-not-found");
  catalog_->refresh();  // the tombstone read back is no news
  EXPECT_EQ(seen.size(), 3u);
}

TEST_F(CatalogServiceTest, RefreshTakesInAnotherProcessesChanges) {
  hand_record("doc");
  auto other_records = storage::open_sqlite_record_store(dir_);
  auto other = make_service(*other_records);
  other->load();
  std::vector<std::string> seen;
  catalog_->add_listener([&](std::string_view id, const Record* r) {
    seen.push_back(std::string(id) + ":" + (r ? std::to_string(r->version) : "null"));
  });
  RecordPatch p;
  p.abstract = "另一个进程";
  other->update("doc", p, alice);
  RecordPatch q;
  q.title = "新";
  other->create("new", q, bob);
  EXPECT_EQ(catalog_->all().size(), 1u);  // not yet looked
  catalog_->refresh();
  EXPECT_EQ(catalog_->find("doc")->abstract, "另一个进程");
  EXPECT_EQ(catalog_->find("doc")->version, 2);
  EXPECT_EQ(catalog_->all().size(), 2u);
  other->remove("new", bob);
  catalog_->refresh();
  EXPECT_FALSE(catalog_->find("new"));
  EXPECT_EQ(seen, (std::vector<std::string>{"doc:2", "new:1", "new:null"}));
  // A write from here against a stale memory copy reads the store first: no conflict.
  other->update("doc", q, alice);
  Record r = catalog_->submit("doc", alice);
  EXPECT_EQ(r.version, 4);
  EXPECT_EQ(r.title, "新");
}

Record harvested(const std::string& id, const std::string& title) {
  Record r;
  r.id = id;
  r.title = title;
  r.kind = "wms";
  r.type = "service";
  r.source_id = "src";
  r.source_url = "http://example.org/wms";
  r.external_id = id;
  return r;
}

TEST_F(CatalogServiceTest, HarvestedUpsertRetireAndRemove) {
  using U = CatalogService::Upsert;
  EXPECT_EQ(catalog_->upsert_harvested(harvested("src-a", "A")), U::added);
  EXPECT_EQ(catalog_->upsert_harvested(harvested("src-b", "B")), U::added);
  tick();
  EXPECT_EQ(catalog_->upsert_harvested(harvested("src-a", "A")), U::unchanged);
  EXPECT_EQ(catalog_->find("src-a")->version, 1);
  EXPECT_EQ(catalog_->upsert_harvested(harvested("src-a", "A2")), U::updated);
  Record a = *catalog_->find("src-a");
  EXPECT_EQ(a.version, 2);
  EXPECT_EQ(a.state, RecordState::published);
  EXPECT_EQ(a.owner, "");
  EXPECT_EQ(a.published->micros, kStart);
  EXPECT_TRUE(CatalogService::visible(a, anon));
  // Read-only for everyone.
  RecordPatch p;
  p.title = "x";
  EXPECT_EQ(error_code<Conflict>([&] { catalog_->update("src-a", p, root); }), "read-only-record");
  EXPECT_EQ(error_code<Conflict>([&] { catalog_->retire("src-a", root); }), "read-only-record");
  EXPECT_EQ(error_code<Conflict>([&] { catalog_->remove("src-a", root); }), "read-only-record");
  // Another source may not take over a record.
  Record foreign = harvested("src-a", "A");
  foreign.source_id = "other";
  EXPECT_EQ(error_code<Conflict>([&] { catalog_->upsert_harvested(foreign); }), "record-exists");

  EXPECT_EQ(catalog_->retire_missing("src", {"src-a"}), 1u);
  EXPECT_EQ(catalog_->find("src-b")->state, RecordState::retired);
  EXPECT_EQ(catalog_->retire_missing("src", {"src-a"}), 0u);
  // Back at the source: published again.
  EXPECT_EQ(catalog_->upsert_harvested(harvested("src-b", "B")), U::updated);
  EXPECT_EQ(catalog_->find("src-b")->state, RecordState::published);
  auto h = catalog_->history("src-b");
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].action, "harvested");
  EXPECT_EQ(h[1].action, "retired");
  EXPECT_EQ(h[1].actor, "harvester");
  EXPECT_EQ(h[2].from_state, "retired");

  hand_record("local");
  EXPECT_EQ(catalog_->remove_source_records("src"), 2u);
  EXPECT_EQ(catalog_->all().size(), 1u);
  EXPECT_EQ(error_code<InvalidInput>([&] {
              Record r = harvested("x", "x");
              r.source_id.clear();
              catalog_->upsert_harvested(r);
            }),
            "invalid-record");
}

TEST_F(CatalogServiceTest, UsageBufferedFlushedAndMerged) {
  hand_record("roads");
  hand_record("rivers");
  catalog_->count_usage("ghost", UsageKind::view);  // no record: not counted
  catalog_->count_used_together({"ghost", "roads"});
  catalog_->count_usage("roads", UsageKind::view);
  catalog_->count_usage("roads", UsageKind::tile, 10);
  EXPECT_EQ(catalog_->usage("roads").total(), 11);  // pending counts show at once
  EXPECT_TRUE(records_->usage_totals().empty());
  catalog_->flush_usage();
  EXPECT_EQ(records_->usage_totals()["roads"].tile_calls, 10);
  now_.micros += 86'400'000'000;  // the next UTC day
  catalog_->count_usage("roads", UsageKind::view, 2);
  catalog_->count_usage("rivers", UsageKind::download);
  auto totals = catalog_->usage_totals();
  EXPECT_EQ(totals["roads"].views, 3);
  EXPECT_EQ(totals["roads"].tile_calls, 10);
  EXPECT_EQ(totals["rivers"].downloads, 1);
  auto daily = catalog_->usage_daily("roads", 30);
  ASSERT_EQ(daily.size(), 2u);
  EXPECT_EQ(daily[0].first, "2025-11-26");
  EXPECT_EQ(daily[0].second.views, 1);
  EXPECT_EQ(daily[1].first, "2025-11-27");
  EXPECT_EQ(daily[1].second.views, 2);
  EXPECT_EQ(catalog_->usage_daily("roads", 1).size(), 1u);
  catalog_->flush_usage();
  catalog_->flush_usage();  // nothing pending: nothing added twice
  EXPECT_EQ(records_->usage_totals()["roads"].views, 3);
  EXPECT_EQ(catalog_->usage("roads").views, 3);
  EXPECT_EQ(records_->usage_totals().count("ghost"), 0u);

  catalog_->count_used_together({"roads", "rivers", "roads"});
  catalog_->count_used_together({"rivers", "roads"});
  catalog_->count_used_together({"roads"});
  EXPECT_EQ((catalog_->used_together()[{"rivers", "roads"}]), 2);
  catalog_->flush_usage();
  auto ut = records_->used_together();
  ASSERT_EQ(ut.size(), 1u);
  EXPECT_EQ((ut[{"rivers", "roads"}]), 2);
}

TEST_F(CatalogServiceTest, ListenersMayReadAndChangeTheCatalog) {
  // The search index reads the catalog from its listener; the app's store listener calls
  // dataset_changed from inside update(). Neither may deadlock or record a change twice.
  std::vector<std::string> seen;
  catalog_->add_listener([&](std::string_view id, const Record*) {
    seen.push_back(std::string(id));
    (void)catalog_->find("missing");  // a miss refreshes
    (void)catalog_->all();
  });
  storage::SqliteOptions o;
  o.data_dir = dir_;
  CatalogService* svc = nullptr;
  auto wrapped = storage::with_change_listener(
      storage::open_sqlite_store(o), [&](std::string_view id, std::optional<std::int64_t> v) {
        if (v && svc != nullptr) svc->dataset_changed(id);
      });
  CatalogService through(*wrapped, *records_, [this] { return now_; });
  svc = &through;
  import("roads", 1);
  through.dataset_changed("roads", RecordState::published, "alice");
  RecordPatch p;
  p.access = "restricted";
  p.title = "受限";
  Record r = through.update("roads", p, alice);
  EXPECT_EQ(r.access, "restricted");
  EXPECT_EQ(store_->find_dataset("roads")->access, "restricted");
  auto h = through.history("roads");
  ASSERT_EQ(h.size(), 3u);  // created, published, updated: no "refreshed" echo
  EXPECT_EQ(h[2].action, "updated");
  EXPECT_EQ(h[2].actor, "alice");
  EXPECT_EQ(through.find("roads")->version, 3);
  hand_record("doc");
  catalog_->remove("doc", alice);
  // "roads" was written through the other service: the listener's own miss refreshed it in.
  EXPECT_EQ(seen, (std::vector<std::string>{"doc", "roads", "doc"}));
}

TEST_F(CatalogServiceTest, HarvestedCopiesKeepTheSourceDate) {
  using U = CatalogService::Upsert;
  Record a = harvested("src-a", "A");
  a.updated = Instant{1'500'000'000'000'000};
  EXPECT_EQ(catalog_->upsert_harvested(a), U::added);
  EXPECT_EQ(catalog_->find("src-a")->updated.micros, 1'500'000'000'000'000);
  tick();
  EXPECT_EQ(catalog_->upsert_harvested(a), U::unchanged);
  a.updated = Instant{1'600'000'000'000'000};  // modified at the source, same content
  EXPECT_EQ(catalog_->upsert_harvested(a), U::updated);
  auto other_records = storage::open_sqlite_record_store(dir_);
  auto other = make_service(*other_records);
  other->load();
  EXPECT_EQ(other->find("src-a")->updated.micros, 1'600'000'000'000'000);
  EXPECT_EQ(other->find("src-a")->version, 2);
  // New content under the same date (a source that does not date its records): dated now.
  tick();
  a.title = "A2";
  EXPECT_EQ(catalog_->upsert_harvested(a), U::updated);
  EXPECT_EQ(catalog_->find("src-a")->updated, now_);
  // Control characters of a remote source are dropped (CSW XML cannot carry them).
  Record c = harvested("src-c", std::string("C\x01\x1b[31m\tx\0y", 11));
  catalog_->upsert_harvested(c);
  EXPECT_EQ(catalog_->find("src-c")->title, "C[31m\txy");
  // The harvester's own created date is kept for a new copy.
  Record b = harvested("src-b", "B");
  b.created = Instant{1'400'000'000'000'000};
  catalog_->upsert_harvested(b);
  EXPECT_EQ(catalog_->find("src-b")->created.micros, 1'400'000'000'000'000);
}

TEST_F(CatalogServiceTest, AdminPublishesASubmissionAndOthersMayNot) {
  hand_record("doc");
  catalog_->submit("doc", alice);
  EXPECT_EQ(error_code<Forbidden>([&] { catalog_->publish("doc", rita); }), "forbidden");
  EXPECT_EQ(error_code<Forbidden>([&] { catalog_->return_to_draft("doc", alice, "x"); }),
            "forbidden");
  EXPECT_EQ(error_code<NotFound>([&] { catalog_->submit("nothing", alice); }), "record-not-found");
  Record p = catalog_->publish("doc", root, "运维导入");
  EXPECT_EQ(p.state, RecordState::published);
  EXPECT_EQ(catalog_->history("doc").back().from_state, "submitted");
  EXPECT_EQ(catalog_->history("doc").back().comment, "运维导入");
}

TEST_F(CatalogServiceTest, ConcurrentWritersLoseNoChange) {
  // Two services (two processes) edit one record at once, each thread its own member: every
  // save lands (a version conflict is read again and repeated), none overwrites the other.
  hand_record("doc");
  auto other_records = storage::open_sqlite_record_store(dir_);
  auto other = make_service(*other_records);
  constexpr int kEach = 15;
  auto writer = [&](CatalogService& svc, bool titles) {
    for (int i = 0; i < kEach; ++i) {
      RecordPatch p;
      if (titles)
        p.title = "title " + std::to_string(i);
      else
        p.abstract = "abstract " + std::to_string(i);
      svc.update("doc", p, alice);
    }
  };
  std::thread a(writer, std::ref(*catalog_), true);
  std::thread b(writer, std::ref(*other), false);
  a.join();
  b.join();
  catalog_->refresh();
  Record r = *catalog_->find("doc");
  EXPECT_EQ(r.version, 1 + 2 * kEach);
  EXPECT_EQ(r.title, "title " + std::to_string(kEach - 1));
  EXPECT_EQ(r.abstract, "abstract " + std::to_string(kEach - 1));
  EXPECT_EQ(catalog_->history("doc").size(), static_cast<std::size_t>(1 + 2 * kEach));
}

}  // namespace
}  // namespace shikong::catalog
