// The embedded store against real files: round trips, bbox/time/filter queries checked against
// brute force, atomic commits, cleanup of leftovers, GDAL compatibility and SQL injection.
#include "storage/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "core/error.hpp"
#include "geo/wkb.hpp"
#include "storage/change_listener.hpp"
#include "storage/sqlite/sqlite_db.hpp"

namespace shikong::storage {
namespace {

namespace fs = std::filesystem;

geo::Geometry point(double x, double y) {
  geo::Geometry g;
  g.type = geo::GeometryType::point;
  g.coords = {{x, y, 0}};
  return g;
}

geo::Geometry box(double x0, double y0, double x1, double y1) {
  geo::Geometry g;
  g.type = geo::GeometryType::polygon;
  g.rings = {{{x0, y0, 0}, {x1, y0, 0}, {x1, y1, 0}, {x0, y1, 0}, {x0, y0, 0}}};
  return g;
}

Feature feature(const geo::Geometry& g, std::vector<Value> props = {}, Interval t = {}) {
  Feature f;
  f.wkb = geo::to_wkb(g);
  f.envelope = g.envelope();
  f.valid_time = t;
  f.properties = std::move(props);
  return f;
}

Instant day(int d) {
  return Instant{static_cast<std::int64_t>(d) * 86'400'000'000LL};
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/shikong-storage-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    reopen();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  void reopen(std::size_t rtree_memory_entries = std::size_t{1} << 20) {
    store_.reset();
    SqliteOptions o;
    o.data_dir = dir_;
    o.rtree_memory_entries = rtree_memory_entries;
    store_ = open_sqlite_store(o);
  }

  DatasetInfo draft(const std::string& id, Schema schema = {}) {
    DatasetInfo d;
    d.id = id;
    d.title = "Test " + id;
    d.schema = std::move(schema);
    return d;
  }

  DatasetInfo import(const DatasetInfo& d, const std::vector<Feature>& fs) {
    auto s = store_->begin_import(d);
    for (const auto& f : fs) s->write(f);
    return s->commit();
  }

  std::vector<std::int64_t> ids(const DatasetInfo& ds, const FeatureQuery& q) {
    std::vector<std::int64_t> out;
    auto c = store_->query(ds, q);
    Feature f;
    while (c->next(f)) out.push_back(f.id);
    return out;
  }

  std::vector<std::string> dir_files(const std::string& sub) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_ / sub))
      out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path dir_;
  std::unique_ptr<Store> store_;
};

Schema all_types_schema() {
  Schema s;
  s.fields = {{"i", FieldType::integer}, {"r", FieldType::real}, {"b", FieldType::boolean},
              {"t", FieldType::text},    {"d", FieldType::date}, {"dt", FieldType::datetime}};
  return s;
}

TEST_F(SqliteStoreTest, RoundTripsEveryFieldTypeAndGeometry) {
  geo::Geometry line;
  line.type = geo::GeometryType::line_string;
  line.coords = {{116.1, 39.9, 0}, {116.5, 40.2, 0}};
  geo::Geometry holed = box(110, 30, 120, 40);
  holed.rings.push_back({{112, 32, 0}, {113, 32, 0}, {113, 33, 0}, {112, 32, 0}});
  geo::Geometry multi;
  multi.type = geo::GeometryType::multi_polygon;
  multi.parts = {box(0, 0, 1, 1), box(2, 2, 3, 3)};
  geo::Geometry pz = point(121.5, 31.2);
  pz.has_z = true;
  pz.coords[0].z = 12.5;

  std::vector<Feature> in;
  in.push_back(feature(point(116.39, 39.91),
                       {std::int64_t{-42}, 3.25, true, std::string("北京市 'quoted' \"x\""),
                        date_from_civil(2008, 8, 8), Instant{1218196800123456}},
                       Interval{day(10), day(20)}));
  in.push_back(feature(line, {std::int64_t{9007199254740993}, -0.0, false, std::string(""),
                              date_from_civil(1900, 1, 1), Instant{-1000}}));
  in.push_back(feature(holed, {}, Interval{day(5), std::nullopt}));
  in.push_back(feature(multi, {Value{}, Value{}, Value{}, Value{}, Value{}, Value{}}));
  in.push_back(feature(pz, {std::int64_t{1}}, Interval{std::nullopt, day(3)}));
  Feature no_geom;
  no_geom.properties = {std::int64_t{7}, 1e300,     true, std::string("no geometry"),
                        Value{},         Instant{0}};
  in.push_back(no_geom);

  DatasetInfo info = import(draft("all-types", all_types_schema()), in);
  EXPECT_EQ(info.version, 1);
  EXPECT_EQ(info.feature_count, 6);
  EXPECT_EQ(info.extent, Envelope::of(0, 0, 121.5, 40.2));
  EXPECT_EQ(info.time_extent, (Interval{day(3), day(20)}));
  EXPECT_EQ(info.geometry_type, geo::GeometryType::unknown);  // mixed types

  auto found = store_->find_dataset("all-types");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->schema, all_types_schema());
  EXPECT_EQ(found->version, 1);
  EXPECT_EQ(found->extent, info.extent);
  EXPECT_EQ(found->time_extent, info.time_extent);
  EXPECT_EQ(found->title, "Test all-types");

  auto c = store_->query(*found, FeatureQuery{});
  Feature f;
  for (std::size_t i = 0; i < in.size(); ++i) {
    ASSERT_TRUE(c->next(f)) << i;
    EXPECT_EQ(f.id, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(f.wkb, in[i].wkb) << i;
    EXPECT_EQ(f.envelope, in[i].envelope) << i;
    EXPECT_EQ(f.valid_time, in[i].valid_time) << i;
    ASSERT_EQ(f.properties.size(), 6u);
    for (std::size_t k = 0; k < 6; ++k) {
      Value expected = k < in[i].properties.size() ? in[i].properties[k] : Value{};
      EXPECT_EQ(f.properties[k], expected) << "feature " << i << " field " << k;
    }
  }
  EXPECT_FALSE(c->next(f));
}

TEST_F(SqliteStoreTest, ExplicitIdsAreKeptAndDuplicatesRejected) {
  auto s = store_->begin_import(draft("ids"));
  Feature a = feature(point(1, 1));
  a.id = 100;
  s->write(a);
  try {
    s->write(a);
    FAIL() << "duplicate id accepted";
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "duplicate-feature-id");
  }
  Feature b = feature(point(2, 2));
  s->write(b);  // next sequence number after 100
  auto info = s->commit();
  EXPECT_EQ(info.feature_count, 2);
  EXPECT_EQ(ids(info, {}), (std::vector<std::int64_t>{100, 101}));
}

class GridTest : public SqliteStoreTest {
 protected:
  void SetUp() override {
    SqliteStoreTest::SetUp();
    Schema s;
    s.fields = {{"x", FieldType::integer}, {"name", FieldType::text}};
    std::vector<Feature> fs;
    for (int y = 0; y < 10; ++y)
      for (int x = 0; x < 10; ++x)
        fs.push_back(
            feature(point(x, y), {std::int64_t{x}, std::string("p") + std::to_string(y * 10 + x)}));
    info_ = import(draft("grid", s), fs);
  }
  static std::int64_t id_of(int x, int y) { return y * 10 + x + 1; }
  DatasetInfo info_;
};

TEST_F(GridTest, BboxIsExactAndInclusive) {
  FeatureQuery q;
  q.bbox = Envelope::of(2.5, 2.5, 4.5, 4.5);
  EXPECT_EQ(ids(info_, q),
            (std::vector<std::int64_t>{id_of(3, 3), id_of(4, 3), id_of(3, 4), id_of(4, 4)}));
  q.bbox = Envelope::of(3, 3, 3, 3);
  EXPECT_EQ(ids(info_, q), (std::vector<std::int64_t>{id_of(3, 3)}));
  // Inside the R-tree's float32 rounding, outside the exact envelope.
  q.bbox = Envelope::of(3.0000001, 3, 3.5, 3.5);
  EXPECT_EQ(ids(info_, q), std::vector<std::int64_t>{});
  EXPECT_EQ(store_->count(info_, q), 0);
}

TEST_F(GridTest, IdLimitOffsetAndCount) {
  FeatureQuery q;
  q.id = 57;
  EXPECT_EQ(ids(info_, q), (std::vector<std::int64_t>{57}));
  EXPECT_EQ(store_->count(info_, q), 1);
  q.id = 1000;
  EXPECT_EQ(ids(info_, q), std::vector<std::int64_t>{});

  FeatureQuery page;
  page.limit = 3;
  page.offset = 10;
  EXPECT_EQ(ids(info_, page), (std::vector<std::int64_t>{11, 12, 13}));
  EXPECT_EQ(store_->count(info_, page), 100);
  page.bbox = Envelope::of(0, 5, 9, 5);
  page.offset = 8;
  EXPECT_EQ(ids(info_, page), (std::vector<std::int64_t>{id_of(8, 5), id_of(9, 5)}));
  EXPECT_EQ(store_->count(info_, page), 10);
  page.limit = 0;
  EXPECT_EQ(ids(info_, page), std::vector<std::int64_t>{});
}

TEST_F(GridTest, FieldSubsetAndNoGeometry) {
  FeatureQuery q;
  q.id = id_of(4, 2);
  q.fields = {1};
  q.with_geometry = false;
  auto c = store_->query(info_, q);
  Feature f;
  ASSERT_TRUE(c->next(f));
  EXPECT_TRUE(f.wkb.empty());
  ASSERT_EQ(f.properties.size(), 2u);
  EXPECT_TRUE(is_null(f.properties[0]));
  EXPECT_EQ(f.properties[1], Value{std::string("p24")});
  q.fields = {7};
  EXPECT_THROW(store_->query(info_, q), InvalidInput);
}

std::shared_ptr<Expr> cmp(std::size_t field, CompareOp op, Value v) {
  auto e = std::make_shared<Expr>();
  e->kind = Expr::Kind::compare;
  e->field = field;
  e->op = op;
  e->literal = std::move(v);
  return e;
}

std::shared_ptr<Expr> node(Expr::Kind k, std::vector<ExprPtr> children) {
  auto e = std::make_shared<Expr>();
  e->kind = k;
  e->children = std::move(children);
  return e;
}

class FilterTest : public SqliteStoreTest {
 protected:
  void SetUp() override {
    SqliteStoreTest::SetUp();
    std::vector<Feature> fs;
    // id 1..5
    fs.push_back(feature(point(0, 0), {std::int64_t{1}, 1.5, true, std::string("Beijing"),
                                       date_from_civil(2020, 1, 1), Instant{1000}}));
    fs.push_back(feature(point(1, 1), {std::int64_t{2}, 2.5, false, std::string("beijing"),
                                       date_from_civil(2020, 6, 1), Instant{2000}}));
    fs.push_back(feature(point(2, 2), {std::int64_t{3}, 3.5, true, std::string("Bei*ing"),
                                       date_from_civil(2021, 1, 1), Instant{2500}}));
    fs.push_back(
        feature(point(3, 3), {std::int64_t{4}, Value{}, Value{}, Value{}, Value{}, Value{}}));
    fs.push_back(feature(box(10, 10, 12, 12),
                         {std::int64_t{5}, -1.0, false, std::string("Shanghai_1"),
                          date_from_civil(2019, 12, 31), Instant{3000}},
                         Interval{day(100), day(200)}));
    info_ = import(draft("filters", all_types_schema()), fs);
  }
  std::vector<std::int64_t> where(ExprPtr e) {
    FeatureQuery q;
    q.filter = std::move(e);
    auto out = ids(info_, q);
    EXPECT_EQ(store_->count(info_, q), static_cast<std::int64_t>(out.size()));
    return out;
  }
  DatasetInfo info_;
};

using Ids = std::vector<std::int64_t>;

TEST_F(FilterTest, Comparisons) {
  EXPECT_EQ(where(cmp(0, CompareOp::eq, std::int64_t{3})), (Ids{3}));
  EXPECT_EQ(where(cmp(0, CompareOp::ne, std::int64_t{3})), (Ids{1, 2, 4, 5}));
  EXPECT_EQ(where(cmp(0, CompareOp::lt, std::int64_t{3})), (Ids{1, 2}));
  EXPECT_EQ(where(cmp(0, CompareOp::le, std::int64_t{3})), (Ids{1, 2, 3}));
  EXPECT_EQ(where(cmp(1, CompareOp::gt, 2.0)), (Ids{2, 3}));
  EXPECT_EQ(where(cmp(1, CompareOp::ge, 2.5)), (Ids{2, 3}));
  EXPECT_EQ(where(cmp(2, CompareOp::eq, true)), (Ids{1, 3}));
  EXPECT_EQ(where(cmp(3, CompareOp::eq, std::string("beijing"))), (Ids{2}));
  EXPECT_EQ(where(cmp(4, CompareOp::ge, date_from_civil(2020, 6, 1))), (Ids{2, 3}));
  EXPECT_EQ(where(cmp(5, CompareOp::gt, Instant{2000})), (Ids{3, 5}));
  EXPECT_EQ(where(cmp(5, CompareOp::lt, Instant{2000})), (Ids{1}));
}

TEST_F(FilterTest, LikeIsCaseSensitiveAndLiteralOtherwise) {
  auto like = [](std::string pattern) {
    auto e = std::make_shared<Expr>();
    e->kind = Expr::Kind::like;
    e->field = 3;
    e->literal = std::move(pattern);
    return e;
  };
  EXPECT_EQ(where(like("Bei%")), (Ids{1, 3}));
  EXPECT_EQ(where(like("%jing")), (Ids{1, 2}));
  EXPECT_EQ(where(like("Bei*ing")), (Ids{3}));
  EXPECT_EQ(where(like("Bei_ing")), (Ids{1, 3}));
  EXPECT_EQ(where(like("Shanghai\\_1")), (Ids{5}));
  EXPECT_EQ(where(like("[a-z]%")), (Ids{}));
}

TEST_F(FilterTest, BetweenInIsNullAndLogic) {
  auto between = std::make_shared<Expr>();
  between->kind = Expr::Kind::between;
  between->field = 0;
  between->literal = std::int64_t{2};
  between->literal2 = std::int64_t{4};
  EXPECT_EQ(where(between), (Ids{2, 3, 4}));

  auto in = std::make_shared<Expr>();
  in->kind = Expr::Kind::in;
  in->field = 3;
  in->list = {std::string("Beijing"), std::string("Shanghai_1"), std::string("x")};
  EXPECT_EQ(where(in), (Ids{1, 5}));
  in->list.clear();
  EXPECT_EQ(where(in), (Ids{}));

  auto isnull = std::make_shared<Expr>();
  isnull->kind = Expr::Kind::is_null;
  isnull->field = 1;
  EXPECT_EQ(where(isnull), (Ids{4}));

  EXPECT_EQ(where(node(Expr::Kind::and_, {between, cmp(2, CompareOp::eq, true)})), (Ids{3}));
  EXPECT_EQ(where(node(Expr::Kind::or_, {isnull, cmp(0, CompareOp::eq, std::int64_t{1})})),
            (Ids{1, 4}));
  EXPECT_EQ(where(node(Expr::Kind::not_, {between})), (Ids{1, 5}));
  auto t = std::make_shared<Expr>();
  t->kind = Expr::Kind::literal_bool;
  t->literal = true;
  EXPECT_EQ(where(t), (Ids{1, 2, 3, 4, 5}));
  t->literal = false;
  EXPECT_EQ(where(t), (Ids{}));
}

TEST_F(FilterTest, SpatialAndTemporalConditions) {
  auto bbox = std::make_shared<Expr>();
  bbox->kind = Expr::Kind::bbox;
  bbox->envelope = Envelope::of(0.5, 0.5, 2, 2);
  EXPECT_EQ(where(bbox), (Ids{2, 3}));
  bbox->envelope = Envelope::of(11, 11, 11.5, 11.5);
  EXPECT_EQ(where(bbox), (Ids{5}));

  auto geom = std::make_shared<Expr>();
  geom->kind = Expr::Kind::geometry;
  geom->wkb = geo::to_wkb(box(-1, -1, 1.5, 1.5));
  EXPECT_EQ(where(geom), (Ids{1, 2}));
  // Exact, not by envelope: the triangle's box holds (3,3) but the triangle does not; (2,2) is
  // on its edge.
  geo::Geometry tri;
  tri.type = geo::GeometryType::polygon;
  tri.rings = {{{-1, -1, 0}, {5, -1, 0}, {-1, 5, 0}, {-1, -1, 0}}};
  geom->wkb = geo::to_wkb(tri);
  EXPECT_EQ(where(geom), (Ids{1, 2, 3}));

  auto time = std::make_shared<Expr>();
  time->kind = Expr::Kind::time;
  time->interval = Interval{day(150), std::nullopt};
  // Features without valid time are open at both ends.
  EXPECT_EQ(where(time), (Ids{1, 2, 3, 4, 5}));
  time->interval = Interval{day(201), day(300)};
  EXPECT_EQ(where(time), (Ids{1, 2, 3, 4}));
}

TEST_F(FilterTest, UnknownFieldAndDeepFiltersAreRejected) {
  FeatureQuery q;
  q.filter = cmp(42, CompareOp::eq, std::int64_t{1});
  EXPECT_THROW(store_->query(info_, q), InvalidInput);
  ExprPtr e = cmp(0, CompareOp::eq, std::int64_t{1});
  for (int i = 0; i < 100; ++i) e = node(Expr::Kind::not_, {e});
  q.filter = e;
  try {
    store_->query(info_, q);
    FAIL();
  } catch (const InvalidInput& err) {
    EXPECT_EQ(err.code(), "filter-too-deep");
  }
}

// Random boxes and valid times checked against brute force, so that the R-trees' float32
// rounding, the open interval ends and the x/y/time index are all exercised.
class BothRtreeLoads : public SqliteStoreTest, public ::testing::WithParamInterface<std::size_t> {
 protected:
  void SetUp() override {
    SqliteStoreTest::SetUp();
    reopen(GetParam());
  }
};
// In memory (STR) and streamed from the file (Hilbert / Morton order, past the memory bound).
INSTANTIATE_TEST_SUITE_P(Loads, BothRtreeLoads, ::testing::Values(std::size_t{1} << 20, 100));

TEST_P(BothRtreeLoads, BboxAndTimeQueriesMatchBruteForce) {
  std::mt19937_64 rng(20240229);
  std::uniform_real_distribution<double> coord(73.0, 135.0);
  std::uniform_real_distribution<double> size(0.0, 2.0);
  std::uniform_int_distribution<std::int64_t> when(day(18000).micros, day(18400).micros);
  std::uniform_int_distribution<int> kind(0, 5);
  std::vector<Feature> fs;
  for (int i = 0; i < 3000; ++i) {
    double x = coord(rng), y = coord(rng) / 3.0;
    geo::Geometry g = i % 2 ? point(x, y) : box(x, y, x + size(rng), y + size(rng));
    Interval t;
    std::int64_t a = when(rng), b = when(rng);
    if (a > b) std::swap(a, b);
    switch (kind(rng)) {
      case 0:
        break;
      case 1:
        t = Interval{Instant{a}, Instant{b}};
        break;
      case 2:
        t = Interval{Instant{a}, std::nullopt};
        break;
      case 3:
        t = Interval{std::nullopt, Instant{b}};
        break;
      default:
        t = Interval::at(Instant{a});
        break;
    }
    fs.push_back(feature(g, {}, t));
  }
  DatasetInfo info = import(draft("random"), fs);
  for (int qi = 0; qi < 60; ++qi) {
    FeatureQuery q;
    double x = coord(rng), y = coord(rng) / 3.0, w = size(rng) * 5;
    if (qi % 3 != 2) q.bbox = Envelope::of(x, y, x + w, y + w);
    if (qi % 3 != 0) {
      std::int64_t a = when(rng), b = a + (when(rng) - day(18000).micros) / 8;
      Interval t{Instant{a}, Instant{b}};
      if (qi % 7 == 1) t.start.reset();
      if (qi % 7 == 2) t.end.reset();
      if (qi % 11 == 3) t = Interval{Instant{day(19000)}, std::nullopt};  // after all data
      if (qi % 11 == 4) t = Interval{std::nullopt, Instant{day(17000)}};  // before all data
      q.time = t;
    }
    std::vector<std::int64_t> expected;
    for (std::size_t i = 0; i < fs.size(); ++i) {
      if (q.bbox && !fs[i].envelope.intersects(*q.bbox)) continue;
      if (q.time && !fs[i].valid_time.overlaps(*q.time)) continue;
      expected.push_back(static_cast<std::int64_t>(i + 1));
    }
    EXPECT_EQ(ids(info, q), expected) << "query " << qi;
    EXPECT_EQ(store_->count(info, q), static_cast<std::int64_t>(expected.size()));
  }
}

// The bulk-loaded R-trees must be trees SQLite itself accepts (several levels deep here).
TEST_P(BothRtreeLoads, BulkLoadedRtreesPassSqliteChecks) {
  std::vector<Feature> fs;
  for (int i = 0; i < 6000; ++i) {
    double x = (i * 7919) % 6000 / 100.0, y = (i * 104729) % 6000 / 100.0;
    Interval t = i % 3 == 0 ? Interval{} : Interval{day(i % 400), std::nullopt};
    fs.push_back(feature(i % 2 ? point(x, y) : box(x, y, x + 0.5, y + 0.25), {}, t));
  }
  fs.push_back(Feature{});  // no geometry: in neither tree
  DatasetInfo info = import(draft("deep"), fs);
  sqlite::Db db(*store_->dataset_file("deep"), sqlite::OpenMode::read_only_immutable);
  auto text = [&](const char* sql) {
    auto s = db.prepare(sql);
    EXPECT_TRUE(s.step());
    return std::string(s.col_text(0));
  };
  EXPECT_EQ(text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(text("SELECT rtreecheck('rtree_features_geom')"), "ok");
  EXPECT_EQ(text("SELECT rtreecheck('shikong_rtree_xyt')"), "ok");
  EXPECT_EQ(db.query_int("SELECT count(*) FROM rtree_features_geom"), 6000);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM shikong_rtree_xyt"), 6000);
  // Depth of the root node (first two bytes, big-endian): 6000 boxes in nodes of 51 need 3
  // levels.
  EXPECT_EQ(db.query_int("SELECT hex(substr(data, 1, 2)) = '0002' FROM rtree_features_geom_node "
                         "WHERE nodeno = 1"),
            1);
  FeatureQuery everything;
  everything.bbox = Envelope::of(-1000, -1000, 1000, 1000);
  EXPECT_EQ(store_->count(info, everything), 6000);
  everything.limit = 2;
  everything.offset = 5;
  EXPECT_EQ(ids(info, everything), (std::vector<std::int64_t>{6, 7}));
}

TEST_F(SqliteStoreTest, CommitIsAtomicAndReplacesTheOldVersion) {
  DatasetInfo v1 = import(draft("city"), {feature(point(1, 1)), feature(point(2, 2))});
  EXPECT_EQ(dir_files("datasets"), (std::vector<std::string>{"city.v1.gpkg"}));

  // A reader that started on version 1 keeps reading it across the replacement.
  auto old_cursor = store_->query(v1, FeatureQuery{});
  Feature f;
  ASSERT_TRUE(old_cursor->next(f));

  auto s = store_->begin_import(draft("city"));
  for (int i = 0; i < 5; ++i) s->write(feature(point(i, i)));
  // Not visible before commit, from this or another thread.
  std::int64_t seen_count = -1;
  std::thread reader([&] {
    auto d = store_->find_dataset("city");
    seen_count = store_->count(*d, FeatureQuery{.bbox = Envelope::of(-10, -10, 10, 10)});
  });
  reader.join();
  EXPECT_EQ(seen_count, 2);
  EXPECT_EQ(store_->find_dataset("city")->version, 1);
  EXPECT_EQ(dir_files("tmp").size(), 1u);

  DatasetInfo v2 = s->commit();
  EXPECT_EQ(v2.version, 2);
  EXPECT_EQ(v2.feature_count, 5);
  EXPECT_EQ(v2.created, v1.created);
  EXPECT_EQ(dir_files("datasets"), (std::vector<std::string>{"city.v2.gpkg"}));
  EXPECT_TRUE(dir_files("tmp").empty());
  EXPECT_EQ(store_->dataset_file("city"), dir_ / "datasets" / "city.v2.gpkg");

  ASSERT_TRUE(old_cursor->next(f));
  EXPECT_EQ(f.id, 2);
  EXPECT_FALSE(old_cursor->next(f));
  EXPECT_EQ(store_->count(v2, FeatureQuery{.bbox = Envelope::of(-10, -10, 10, 10)}), 5);
  EXPECT_THROW(s->write(feature(point(0, 0))), Conflict);
}

// SIGKILL at arbitrary moments of imports and commits (a child process replaces one dataset
// over and over): after each kill the reopened store has either no dataset or a whole one whose
// file holds exactly its features, and no leftover files.
TEST_F(SqliteStoreTest, KillAtAnyMomentLeavesTheCatalogConsistent) {
  store_.reset();
  std::mt19937 rng(7);
  std::int64_t last_version = 0;
  for (int round = 0; round < 12; ++round) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      SqliteOptions o;
      o.data_dir = dir_;
      auto store = open_sqlite_store(o);
      for (int n = 1;; ++n) {
        auto s = store->begin_import(draft("victim"));
        for (int i = 0; i < 500 * n; ++i) s->write(feature(point(i % 90, i % 45)));
        s->commit();
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50 + rng() % 400));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    reopen();
    EXPECT_TRUE(dir_files("tmp").empty()) << round;
    auto d = store_->find_dataset("victim");
    if (!d) {
      EXPECT_TRUE(dir_files("datasets").empty()) << round;
      continue;
    }
    EXPECT_GE(d->version, last_version);
    last_version = d->version;
    EXPECT_EQ(dir_files("datasets"),
              (std::vector<std::string>{fs::path(*store_->dataset_file("victim")).filename()}));
    EXPECT_EQ(d->feature_count % 500, 0);
    FeatureQuery all;
    all.bbox = Envelope::of(-1, -1, 100, 100);
    // With a bbox, count() reads the GeoPackage rather than the catalog's number.
    EXPECT_EQ(store_->count(*d, all), d->feature_count) << round;
    store_.reset();
  }
  reopen();
}

TEST_F(SqliteStoreTest, AbortAndDestructionRemoveTheTemporaryFile) {
  {
    auto s = store_->begin_import(draft("gone"));
    s->write(feature(point(1, 1)));
    EXPECT_EQ(dir_files("tmp").size(), 1u);
    s->abort();
    EXPECT_TRUE(dir_files("tmp").empty());
    EXPECT_EQ(s->written(), 1);
  }
  {
    auto s = store_->begin_import(draft("gone"));
    s->write(feature(point(1, 1)));
  }
  EXPECT_TRUE(dir_files("tmp").empty());
  EXPECT_TRUE(dir_files("datasets").empty());
  EXPECT_FALSE(store_->find_dataset("gone"));
}

TEST_F(SqliteStoreTest, ReopenRemovesLeftoversAndKeepsTheCatalog) {
  DatasetInfo kept = import(draft("kept"), {feature(point(5, 5))});
  std::ofstream(dir_ / "tmp" / "kept.0123456789abcdef.gpkg") << "partial";
  std::ofstream(dir_ / "datasets" / "kept.v7.gpkg") << "renamed, never committed";
  std::ofstream(dir_ / "datasets" / "other.v1.gpkg") << "orphan";
  reopen();
  EXPECT_TRUE(dir_files("tmp").empty());
  EXPECT_EQ(dir_files("datasets"), (std::vector<std::string>{"kept.v1.gpkg"}));
  auto all = store_->list_datasets();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].id, "kept");
  EXPECT_EQ(all[0].version, 1);
  EXPECT_EQ(all[0].created, kept.created);
  EXPECT_EQ(store_->count(all[0], FeatureQuery{.id = 1}), 1);
}

TEST_F(SqliteStoreTest, VersionsOnlyGrow) {
  import(draft("v"), {feature(point(1, 1))});
  EXPECT_EQ(import(draft("v"), {feature(point(1, 1))}).version, 2);
  DatasetPatch p;
  p.title = "新标题";
  p.access = "private";
  DatasetInfo u = store_->update_dataset("v", p);
  EXPECT_EQ(u.version, 3);
  EXPECT_EQ(store_->find_dataset("v")->title, "新标题");
  EXPECT_EQ(store_->find_dataset("v")->access, "private");
  p.access = "everyone";
  EXPECT_THROW(store_->update_dataset("v", p), InvalidInput);
  EXPECT_THROW(store_->update_dataset("nope", DatasetPatch{}), NotFound);
  store_->delete_dataset("v");
  EXPECT_FALSE(store_->find_dataset("v"));
  EXPECT_TRUE(dir_files("datasets").empty());
  EXPECT_THROW(store_->delete_dataset("v"), NotFound);
  // A dataset created again under the same id never reuses a version a cache may have seen.
  EXPECT_EQ(import(draft("v"), {feature(point(1, 1))}).version, 4);
}

TEST_F(SqliteStoreTest, QueryingAReplacedSchemaIsAConflict) {
  Schema s1;
  s1.fields = {{"a", FieldType::integer}};
  DatasetInfo v1 = import(draft("s", s1), {feature(point(1, 1), {std::int64_t{1}})});
  Schema s2;
  s2.fields = {{"b", FieldType::text}};
  import(draft("s", s2), {feature(point(1, 1), {std::string("x")})});
  EXPECT_THROW(store_->query(v1, FeatureQuery{}), Conflict);
  EXPECT_THROW(store_->query(draft("missing"), FeatureQuery{}), NotFound);
}

TEST_F(SqliteStoreTest, HostileNamesAndValuesAreInert) {
  Schema s;
  s.fields = {{"x\"; DROP TABLE features; --", FieldType::text},
              {"fid", FieldType::integer},
              {"GEOM", FieldType::text},
              {"valid_from", FieldType::integer},
              {"fid_2", FieldType::integer},
              {"') OR 1=1 --", FieldType::text}};
  std::string evil = "'); DROP TABLE features; --";
  DatasetInfo info =
      import(draft("evil", s), {feature(point(1, 1), {evil, std::int64_t{9}, std::string("g"),
                                                      std::int64_t{5}, std::int64_t{6}, evil}),
                                feature(point(2, 2), {std::string("ok")})});
  EXPECT_EQ(info.feature_count, 2);
  auto found = store_->find_dataset("evil");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->schema, s);
  EXPECT_EQ(ids(*found, FeatureQuery{.filter = cmp(0, CompareOp::eq, evil)}), (Ids{1}));
  EXPECT_EQ(ids(*found, FeatureQuery{.filter = cmp(1, CompareOp::eq, std::int64_t{9})}), (Ids{1}));
  EXPECT_EQ(ids(*found, FeatureQuery{.filter = cmp(5, CompareOp::eq, std::string("x"))}), (Ids{}));
  auto c = store_->query(*found, FeatureQuery{.id = 1});
  Feature f;
  ASSERT_TRUE(c->next(f));
  EXPECT_EQ(f.properties[0], Value{evil});
  EXPECT_EQ(f.properties[1], Value{std::int64_t{9}});
  EXPECT_EQ(f.properties[3], Value{std::int64_t{5}});
  EXPECT_EQ(f.properties[4], Value{std::int64_t{6}});
  EXPECT_TRUE(f.valid_time.unbounded());
  EXPECT_FALSE(store_->find_dataset("../etc"));
  EXPECT_THROW(store_->begin_import(draft("../x")), InvalidInput);
}

TEST_F(SqliteStoreTest, JobsRoundTrip) {
  Job j;
  j.id = "job-1";
  j.state = JobState::running;
  j.dataset_id = "d";
  j.rows_done = 10;
  j.report_json = R"({"rejected":[]})";
  j.created = Instant{5};
  j.updated = Instant{6};
  store_->save_job(j);
  j.state = JobState::failed;
  j.error_code = "invalid-csv";
  j.message = "Line 3 has 2 columns.";
  store_->save_job(j);
  auto got = store_->find_job("job-1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->state, JobState::failed);
  EXPECT_EQ(got->error_code, "invalid-csv");
  EXPECT_EQ(got->message, j.message);
  EXPECT_EQ(got->rows_done, 10);
  EXPECT_EQ(got->report_json, j.report_json);
  EXPECT_EQ(got->updated, Instant{6});
  EXPECT_FALSE(store_->find_job("job-2"));

  // A restart fails the jobs that were queued or running; finished ones stay as they were.
  Job running = j;
  running.id = "job-running";
  running.state = JobState::running;
  store_->save_job(running);
  Job queued = j;
  queued.id = "job-queued";
  queued.state = JobState::queued;
  store_->save_job(queued);
  Job done = j;
  done.id = "job-done";
  done.state = JobState::succeeded;
  store_->save_job(done);
  reopen();
  for (const char* id : {"job-running", "job-queued"}) {
    auto k = store_->find_job(id);
    ASSERT_TRUE(k);
    EXPECT_EQ(k->state, JobState::failed);
    EXPECT_EQ(k->error_code, "interrupted");
    EXPECT_EQ(k->message, "the server stopped during this job");
  }
  EXPECT_EQ(store_->find_job("job-done")->state, JobState::succeeded);
  EXPECT_EQ(store_->find_job("job-1")->error_code, "invalid-csv");
}

TEST_F(SqliteStoreTest, FeaturesWithoutTimeMatchNoTimeQueryInATimedDataset) {
  DatasetInfo d = draft("timed");
  d.time_start_field = "t";
  DatasetInfo info = import(d, {feature(point(1, 1), {}, Interval::at(day(10))),
                                feature(point(2, 2)),  // the time field was null
                                feature(point(3, 3), {}, Interval{day(5), std::nullopt})});
  FeatureQuery q;
  q.time = Interval::at(day(10));
  EXPECT_EQ(ids(info, q), (std::vector<std::int64_t>{1, 3}));
  q.bbox = Envelope::of(0, 0, 5, 5);
  EXPECT_EQ(ids(info, q), (std::vector<std::int64_t>{1, 3}));
  q.time = Interval{};
  EXPECT_EQ(ids(info, q), (std::vector<std::int64_t>{1, 3}));
  EXPECT_EQ(ids(info, FeatureQuery{}), (std::vector<std::int64_t>{1, 2, 3}));
}

TEST_F(SqliteStoreTest, ConcurrentReadersDuringAnImport) {
  import(draft("busy"), {feature(point(1, 1)), feature(point(2, 2))});
  auto s = store_->begin_import(draft("busy"));
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t)
    readers.emplace_back([&] {
      // Readers see the whole old version or the whole new one, never a mix, never going back.
      std::int64_t last = 2;
      while (!stop) {
        auto d = store_->find_dataset("busy");
        auto n = store_->count(*d, FeatureQuery{.bbox = Envelope::of(-1e3, -1e3, 1e3, 1e3)});
        if ((n != 2 && n != 300) || n < last || (d->version == 2 && n != 300)) ++bad;
        last = n;
      }
    });
  for (int i = 0; i < 300; ++i) s->write(feature(point(i, 0)));
  s->commit();
  stop = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(bad.load(), 0);
}

bool have_ogrinfo() {
  return fs::exists("/usr/bin/ogrinfo");
}

TEST_F(SqliteStoreTest, GdalOpensTheGeoPackageAndUsesItsIndex) {
  if (!have_ogrinfo()) GTEST_SKIP() << "ogrinfo not installed";
  Schema s;
  s.fields = {{"名称", FieldType::text},
              {"n", FieldType::integer},
              {"when", FieldType::datetime},
              {"d", FieldType::date},
              {"ok", FieldType::boolean}};
  std::vector<Feature> fs;
  for (int i = 0; i < 25; ++i)
    fs.push_back(feature(
        point(100 + i, 30 + i * 0.5),
        {std::string("站点") + std::to_string(i), std::int64_t{i},
         Instant{1700000000000000 + i * 1000LL}, date_from_civil(2024, 1, 1 + i), i % 2 == 0},
        Interval{day(19000 + i), day(19001 + i)}));
  DatasetInfo info = [&] {
    DatasetInfo d = draft("gdal", s);
    d.geometry_type = geo::GeometryType::point;
    return import(d, fs);
  }();
  fs::path file = *store_->dataset_file("gdal");
  fs::path out = dir_ / "ogrinfo.txt";
  std::string cmd =
      "/usr/bin/ogrinfo -ro -so " + file.string() + " features > " + out.string() + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << read_file(out);
  std::string text = read_file(out);
  EXPECT_NE(text.find("Feature Count: 25"), std::string::npos) << text;
  EXPECT_NE(text.find("Geometry: Point"), std::string::npos) << text;
  EXPECT_NE(text.find("Extent: (100.000000, 30.000000) - (124.000000, 42.000000)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("China Geodetic Coordinate System 2000"), std::string::npos) << text;
  EXPECT_NE(text.find("名称: String"), std::string::npos) << text;
  EXPECT_NE(text.find("when: DateTime"), std::string::npos) << text;
  EXPECT_NE(text.find("d: Date"), std::string::npos) << text;
  EXPECT_NE(text.find("ok: Integer(Boolean)"), std::string::npos) << text;

  cmd = "/usr/bin/ogrinfo -ro -q " + file.string() +
        " -sql \"SELECT HasSpatialIndex('features', 'geom')\" > " + out.string() + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_NE(read_file(out).find("HasSpatialIndex (Integer) = 1"), std::string::npos)
      << read_file(out);

  // A spatial filter through GDAL (which then reads the R-tree) finds exactly two points.
  cmd = "/usr/bin/ogrinfo -ro -so " + file.string() + " features -spat 101.5 30 103.5 40 > " +
        out.string() + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_NE(read_file(out).find("Feature Count: 2"), std::string::npos) << read_file(out);

  const char* validator = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py";
  if (fs::exists(validator)) {
    cmd = std::string("/usr/bin/python3 ") + validator + " " + file.string() + " > " +
          out.string() + " 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << read_file(out);
  }
  (void)info;
}

}  // namespace
}  // namespace shikong::storage

namespace shikong::storage {
namespace {

TEST_F(SqliteStoreTest, StylesAreKeptPerDatasetAndGoWithIt) {
  auto a = import(draft("a"), {feature(point(1, 1))});
  import(draft("b"), {feature(point(2, 2))});
  store_->save_style({"a", "red", R"({"name":"red"})", "alice", Instant{5}});
  store_->save_style({"a", "blue", R"({"name":"blue"})", "bob", Instant{6}});
  store_->save_style({"b", "red", R"({"name":"red","b":1})", "carol", Instant{7}});
  auto listed = store_->list_styles("a");
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].name, "blue");  // by name
  EXPECT_EQ(listed[1].json, R"({"name":"red"})");
  EXPECT_EQ(listed[1].updated_by, "alice");
  EXPECT_EQ(listed[1].updated.micros, 5);

  store_->save_style({"a", "red", R"({"name":"red","v":2})", "dave", Instant{8}});  // replace
  auto red = store_->find_style("a", "red");
  ASSERT_TRUE(red);
  EXPECT_EQ(red->json, R"({"name":"red","v":2})");
  EXPECT_EQ(red->updated_by, "dave");
  EXPECT_FALSE(store_->find_style("a", "green"));

  EXPECT_TRUE(store_->delete_style("a", "blue"));
  EXPECT_FALSE(store_->delete_style("a", "blue"));
  reopen();
  EXPECT_EQ(store_->list_styles("a").size(), 1u);  // durable

  store_->delete_dataset(a.id);
  EXPECT_TRUE(store_->list_styles("a").empty());
  EXPECT_EQ(store_->list_styles("b").size(), 1u);
}

TEST_F(SqliteStoreTest, ChangeListenerHearsImportsUpdatesAndDeletes) {
  std::vector<std::pair<std::string, std::optional<std::int64_t>>> heard;
  store_ = with_change_listener(std::move(store_),
                                [&heard](std::string_view id, std::optional<std::int64_t> v) {
                                  heard.emplace_back(std::string(id), v);
                                });
  auto first = import(draft("watched"), {feature(point(1, 1))});
  auto second = import(draft("watched"), {feature(point(2, 2))});
  {
    auto aborted = store_->begin_import(draft("watched"));
    aborted->write(feature(point(3, 3)));
  }  // destroyed uncommitted: no change
  DatasetPatch patch;
  patch.title = "Renamed";
  auto third = store_->update_dataset("watched", patch);
  store_->delete_dataset("watched");
  ASSERT_EQ(heard.size(), 4u);
  EXPECT_EQ(heard[0], std::make_pair(std::string("watched"), std::optional(first.version)));
  EXPECT_EQ(heard[1].second, std::optional(second.version));
  EXPECT_EQ(heard[2].second, std::optional(third.version));
  EXPECT_LT(first.version, second.version);
  EXPECT_LT(second.version, third.version);
  EXPECT_EQ(heard[3], std::make_pair(std::string("watched"), std::optional<std::int64_t>()));
  // Reads pass through unchanged.
  auto kept = import(draft("kept"), {feature(point(5, 5)), feature(point(6, 6))});
  EXPECT_EQ(store_->count(kept, {}), 2);
  EXPECT_EQ(ids(kept, {}).size(), 2u);
}

}  // namespace
}  // namespace shikong::storage

namespace shikong::storage {
namespace {

TEST_F(SqliteStoreTest, LeftoversAreCleanedOnlyByAProcessThatHasTheStoreAlone) {
  // A file of an import in progress (or an upload being spooled) of the open store.
  std::ofstream(dir_ / "tmp" / "import-in-progress.gpkg") << "partial";
  fs::create_directories(dir_ / "tmp" / "uploads");
  Job running;
  running.id = "j1";
  running.state = JobState::running;
  store_->save_job(running);

  SqliteOptions o;
  o.data_dir = dir_;
  auto second = open_sqlite_store(o);  // e.g. `shikong style put` while the server runs
  EXPECT_TRUE(fs::exists(dir_ / "tmp" / "import-in-progress.gpkg"));
  EXPECT_TRUE(fs::exists(dir_ / "tmp" / "uploads"));
  EXPECT_EQ(second->find_job("j1")->state, JobState::running);
  second.reset();

  reopen();  // alone now: what is in tmp/ is a dead process's, and so is the running job
  EXPECT_FALSE(fs::exists(dir_ / "tmp" / "import-in-progress.gpkg"));
  EXPECT_EQ(store_->find_job("j1")->state, JobState::failed);
}

}  // namespace
}  // namespace shikong::storage
