// The embedded RecordStore against real files: seq ordering across saves and deletions,
// tombstones, optimistic versions, history order, harvest sources and runs, usage sums, and two
// store instances (two processes) on one data directory seeing each other's changes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/error.hpp"
#include "storage/records.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace shikong::storage {
namespace {

namespace fs = std::filesystem;

template <typename E, typename F>
std::string error_code(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.code();
  }
  return "(no error)";
}

StoredRecord rec(const std::string& id, const std::string& doc = "{}") {
  StoredRecord r;
  r.id = id;
  r.state = "draft";
  r.owner = "alice";
  r.document = doc;
  return r;
}

RecordChange change(const std::string& action, std::int64_t at_us) {
  RecordChange c;
  c.actor = "alice";
  c.action = action;
  c.at = Instant{at_us};
  return c;
}

class RecordStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("shikong-records-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    store_ = open_sqlite_record_store(dir_);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  fs::path dir_;
  std::unique_ptr<RecordStore> store_;
};

TEST_F(RecordStoreTest, SaveAssignsVersionSeqAndTimes) {
  StoredRecord a = store_->save_record(rec("a", "{\"x\":1}"), change("created", 1000), 0);
  EXPECT_EQ(a.version, 1);
  EXPECT_EQ(a.seq, 1);
  EXPECT_EQ(a.updated.micros, 1000);
  EXPECT_EQ(a.created.micros, 1000);
  StoredRecord b = store_->save_record(rec("b"), change("created", 2000), 0);
  EXPECT_EQ(b.seq, 2);
  StoredRecord a2 = store_->save_record(rec("a", "{\"x\":2}"), change("updated", 3000), 1);
  EXPECT_EQ(a2.version, 2);
  EXPECT_EQ(a2.seq, 3);
  EXPECT_EQ(a2.created.micros, 1000);  // kept from the first save
  EXPECT_EQ(a2.updated.micros, 3000);

  auto found = store_->find_record("a");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->document, "{\"x\":2}");
  EXPECT_EQ(found->owner, "alice");
  EXPECT_EQ(found->state, "draft");

  auto since = store_->records_since(1);
  ASSERT_EQ(since.size(), 2u);
  EXPECT_EQ(since[0].id, "b");
  EXPECT_EQ(since[1].id, "a");
  EXPECT_TRUE(store_->records_since(3).empty());
}

TEST_F(RecordStoreTest, VersionConflicts) {
  store_->save_record(rec("a"), change("created", 1), 0);
  EXPECT_EQ(error_code<Conflict>([&] { store_->save_record(rec("a"), change("created", 2), 0); }),
            "version-conflict");
  store_->save_record(rec("a"), change("updated", 3), 1);
  EXPECT_EQ(error_code<Conflict>([&] { store_->save_record(rec("a"), change("updated", 4), 1); }),
            "version-conflict");
  EXPECT_EQ(error_code<Conflict>([&] { store_->save_record(rec("new"), change("x", 4), 5); }),
            "version-conflict");
  // Nothing of the refused saves was written.
  EXPECT_EQ(store_->find_record("a")->version, 2);
  EXPECT_EQ(store_->record_history("a").size(), 2u);
  EXPECT_FALSE(store_->find_record("new"));
}

TEST_F(RecordStoreTest, TombstonesAndRecreation) {
  store_->save_record(rec("a"), change("created", 1), 0);
  store_->save_record(rec("b"), change("created", 2), 0);
  store_->delete_record("a", change("deleted", 3));
  EXPECT_FALSE(store_->find_record("a"));
  EXPECT_EQ(error_code<NotFound>([&] { store_->delete_record("a", change("deleted", 4)); }),
            "record-not-found");
  EXPECT_EQ(error_code<NotFound>([&] { store_->delete_record("zz", change("deleted", 4)); }),
            "record-not-found");
  auto since = store_->records_since(2);
  ASSERT_EQ(since.size(), 1u);
  EXPECT_EQ(since[0].id, "a");
  EXPECT_TRUE(since[0].deleted);
  EXPECT_EQ(since[0].seq, 3);
  EXPECT_EQ(since[0].version, 2);
  // Made again over the tombstone (expected 0): versions continue, never reused.
  EXPECT_EQ(error_code<Conflict>([&] { store_->save_record(rec("a"), change("created", 5), 2); }),
            "version-conflict");
  StoredRecord again = store_->save_record(rec("a"), change("created", 5), 0);
  EXPECT_EQ(again.version, 3);
  EXPECT_EQ(again.seq, 4);
  EXPECT_FALSE(again.deleted);
  EXPECT_EQ(again.created.micros, 5);
  auto all = store_->records_since(0);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, "b");
  EXPECT_EQ(all[1].id, "a");
}

TEST_F(RecordStoreTest, HistoryOldestFirst) {
  store_->save_record(rec("a"), change("created", 10), 0);
  RecordChange c = change("submitted", 20);
  c.from_state = "draft";
  c.to_state = "submitted";
  c.comment = "请审核";
  c.diff_json = "{\"title\":{\"from\":\"a\",\"to\":\"b\"}}";
  store_->save_record(rec("a"), c, 1);
  store_->delete_record("a", change("deleted", 30));
  store_->save_record(rec("other"), change("created", 15), 0);
  auto h = store_->record_history("a");
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].action, "created");
  EXPECT_EQ(h[0].version, 1);
  EXPECT_EQ(h[0].diff_json, "{}");
  EXPECT_EQ(h[1].action, "submitted");
  EXPECT_EQ(h[1].version, 2);
  EXPECT_EQ(h[1].from_state, "draft");
  EXPECT_EQ(h[1].to_state, "submitted");
  EXPECT_EQ(h[1].comment, "请审核");
  EXPECT_EQ(h[1].diff_json, "{\"title\":{\"from\":\"a\",\"to\":\"b\"}}");
  EXPECT_EQ(h[1].at.micros, 20);
  EXPECT_EQ(h[1].record_id, "a");
  EXPECT_EQ(h[2].action, "deleted");
  EXPECT_EQ(h[2].version, 3);
  EXPECT_TRUE(store_->record_history("nothing").empty());
}

TEST_F(RecordStoreTest, SourcesAndRuns) {
  HarvestSource s;
  s.id = "wms1";
  s.kind = "wms";
  s.url = "http://127.0.0.1:8080/wms?SERVICE=WMS";
  s.title = "地图服务";
  s.allow_private = true;
  s.interval_minutes = 60;
  s.created_by = "admin";
  s.created = Instant{77};
  store_->save_source(s);
  auto got = store_->find_source("wms1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->title, "地图服务");
  EXPECT_TRUE(got->allow_private);
  EXPECT_TRUE(got->enabled);
  EXPECT_FALSE(got->last_run);
  EXPECT_EQ(got->created.micros, 77);
  s.etag = "\"abc\"";
  s.last_run = Instant{99};
  s.last_status = "ok";
  s.enabled = false;
  store_->save_source(s);
  got = store_->find_source("wms1");
  EXPECT_EQ(got->etag, "\"abc\"");
  EXPECT_EQ(got->last_run->micros, 99);
  EXPECT_FALSE(got->enabled);
  EXPECT_EQ(store_->list_sources().size(), 1u);

  HarvestRun r;
  r.source_id = "wms1";
  r.status = "ok";
  r.added = 3;
  HarvestRun r1 = store_->add_run(r);
  r.status = "failed";
  r.message = "The source answered 500.";
  HarvestRun r2 = store_->add_run(r);
  EXPECT_LT(r1.id, r2.id);
  auto runs = store_->list_runs("wms1", 10);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].id, r2.id);  // newest first
  EXPECT_EQ(runs[0].status, "failed");
  EXPECT_EQ(runs[1].added, 3);
  EXPECT_EQ(store_->list_runs("wms1", 1).size(), 1u);
  EXPECT_TRUE(store_->delete_source("wms1"));
  EXPECT_FALSE(store_->delete_source("wms1"));
  EXPECT_FALSE(store_->find_source("wms1"));
  EXPECT_TRUE(store_->list_runs("wms1", 10).empty());
}

TEST_F(RecordStoreTest, UsageSums) {
  store_->add_usage({{"roads", "2026-11-24", UsageKind::view, 2},
                     {"roads", "2026-11-25", UsageKind::view, 1},
                     {"roads", "2026-11-25", UsageKind::tile, 40},
                     {"rivers", "2026-11-25", UsageKind::download, 1}});
  store_->add_usage(
      {{"roads", "2026-11-25", UsageKind::view, 5}, {"roads", "2026-11-26", UsageKind::api, 7}});
  auto totals = store_->usage_totals();
  ASSERT_EQ(totals.size(), 2u);
  EXPECT_EQ(totals["roads"].views, 8);
  EXPECT_EQ(totals["roads"].tile_calls, 40);
  EXPECT_EQ(totals["roads"].api_calls, 7);
  EXPECT_EQ(totals["roads"].downloads, 0);
  EXPECT_EQ(totals["roads"].total(), 55);
  EXPECT_EQ(totals["rivers"].downloads, 1);

  auto daily = store_->usage_daily("roads", 2);
  ASSERT_EQ(daily.size(), 2u);
  EXPECT_EQ(daily[0].first, "2026-11-25");
  EXPECT_EQ(daily[0].second.views, 6);
  EXPECT_EQ(daily[0].second.tile_calls, 40);
  EXPECT_EQ(daily[1].first, "2026-11-26");
  EXPECT_EQ(daily[1].second.api_calls, 7);
  EXPECT_EQ(store_->usage_daily("roads", 10).size(), 3u);
  EXPECT_TRUE(store_->usage_daily("none", 10).empty());

  store_->add_used_together({{"roads", "rivers"}, {"rivers", "roads"}, {"a", "b"}, {"a", "a"}});
  auto ut = store_->used_together();
  ASSERT_EQ(ut.size(), 2u);
  EXPECT_EQ((ut[{"rivers", "roads"}]), 2);
  EXPECT_EQ((ut[{"a", "b"}]), 1);
}

TEST_F(RecordStoreTest, TwoInstancesSeeEachOther) {
  auto other = open_sqlite_record_store(dir_);
  store_->save_record(rec("a"), change("created", 1), 0);
  auto seen = other->records_since(0);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].id, "a");
  StoredRecord b = other->save_record(rec("b"), change("created", 2), 0);
  EXPECT_EQ(b.seq, 2);  // one sequence for both
  other->save_record(rec("a"), change("updated", 3), 1);
  EXPECT_EQ(error_code<Conflict>([&] { store_->save_record(rec("a"), change("updated", 4), 1); }),
            "version-conflict");
  auto since = store_->records_since(1);
  ASSERT_EQ(since.size(), 2u);
  EXPECT_EQ(since[0].id, "b");
  EXPECT_EQ(since[1].id, "a");
  EXPECT_EQ(since[1].version, 2);
  // The record store lives beside the dataset catalog in one file; opening the Store after it
  // (and before it) works.
  SqliteOptions o;
  o.data_dir = dir_;
  auto datasets = open_sqlite_store(o);
  EXPECT_TRUE(datasets->list_datasets().empty());
  EXPECT_EQ(open_sqlite_record_store(dir_)->records_since(0).size(), 2u);
}

}  // namespace
}  // namespace shikong::storage
