// The search engine over a real catalog (sqlite stores in a temporary directory): the issue's
// Chinese and English queries, ranking, every filter, facets, sorts, paging, autocomplete, the
// tag cloud, related records, visibility, live updates through the catalog and Expr filters.
#include "search/search_service.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "core/error.hpp"
#include "core/feature.hpp"
#include "geo/geometry.hpp"
#include "geo/wkb.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace shikong::search {
namespace {

namespace fs = std::filesystem;
using catalog::Actor;
using catalog::Record;
using catalog::RecordPatch;

constexpr Envelope kBeijing{116.0, 39.6, 116.8, 40.2};
constexpr Envelope kShanghai{121.2, 30.9, 121.8, 31.5};

RecordPatch patch(std::string title, std::string abstract = {},
                  std::vector<std::string> keywords = {}) {
  RecordPatch p;
  p.title = std::move(title);
  p.abstract = std::move(abstract);
  p.keywords = std::move(keywords);
  return p;
}

Instant year_start(int y) {
  return Instant{static_cast<std::int64_t>(date_from_civil(y, 1, 1).days) * 86'400'000'000LL};
}
Interval years(int a, int b) {
  return Interval{year_start(a), Instant{year_start(b + 1).micros - 1}};
}

ExprPtr cmp(Queryable q, CompareOp op, Value v) {
  auto e = std::make_shared<Expr>();
  e->kind = Expr::Kind::compare;
  e->field = static_cast<std::size_t>(q);
  e->op = op;
  e->literal = std::move(v);
  return e;
}
ExprPtr like(Queryable q, std::string pattern) {
  auto e = std::make_shared<Expr>();
  e->kind = Expr::Kind::like;
  e->field = static_cast<std::size_t>(q);
  e->literal = std::move(pattern);
  return e;
}
ExprPtr logic(Expr::Kind kind, std::vector<ExprPtr> children) {
  auto e = std::make_shared<Expr>();
  e->kind = kind;
  e->children = std::move(children);
  return e;
}
ExprPtr bbox_expr(Envelope env) {
  auto e = std::make_shared<Expr>();
  e->kind = Expr::Kind::bbox;
  e->field = static_cast<std::size_t>(Queryable::bbox);
  e->envelope = env;
  return e;
}

class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("shikong-search-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    storage::SqliteOptions options;
    options.data_dir = dir_ / "data";
    store_ = storage::open_sqlite_store(options);
    records_ = storage::open_sqlite_record_store(options.data_dir);
    catalog_ =
        std::make_unique<catalog::CatalogService>(*store_, *records_, [this] { return now_; });
    catalog_->load();
  }
  void TearDown() override {
    search_.reset();
    catalog_.reset();
    records_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  // A hand-registered record, published unless told otherwise; one second after the last.
  Record add(const std::string& id, RecordPatch p, bool publish = true) {
    now_ = Instant{now_.micros + 1'000'000};
    catalog_->create(id, p, admin_);
    if (publish) catalog_->publish(id, admin_);
    return *catalog_->find(id);
  }

  SearchService& engine() {
    if (!search_) search_ = std::make_unique<SearchService>(*catalog_);
    return *search_;
  }

  SearchResult run(SearchQuery q) {
    if (q.limit == 10) q.limit = 100;
    return engine().search(q);
  }
  SearchResult text(const std::string& t) {
    SearchQuery q;
    q.text = t;
    return run(q);
  }
  static std::vector<std::string> ids(const SearchResult& r) {
    std::vector<std::string> out;
    for (const auto& h : r.hits) out.push_back(h.id);
    return out;
  }
  std::vector<std::string> found(const std::string& t) { return ids(text(t)); }

  // The three records of the ranking and filter tests.
  void transport_records() {
    RecordPatch roads = patch("Road network", "Main roads of the city.", {"roads", "transport"});
    roads.topic = "transportation";
    roads.publisher = "City Survey";
    roads.licence = "CC-BY-4.0";
    roads.extent = kBeijing;
    roads.time_extent = years(2019, 2020);
    add("road-network", roads);
    RecordPatch stations = patch("Railway stations", "Stations of the rail lines.", {"transport"});
    stations.topic = "transportation";
    stations.publisher = "Rail Office";
    stations.licence = "CC0-1.0";
    stations.extent = Envelope{116.2, 39.8, 116.4, 40.0};  // inside Beijing's box
    stations.time_extent = years(2021, 2021);
    add("railway-stations", stations);
    RecordPatch rivers = patch("Rivers", "Rivers and lakes.", {"water"});
    rivers.topic = "inlandWaters";
    rivers.publisher = "City Survey";
    rivers.licence = "CC-BY-4.0";
    rivers.access = "registered";
    rivers.extent = kShanghai;
    add("rivers", rivers);
  }

  fs::path dir_;
  Instant now_ = Instant::from_seconds(1'750'000'000);
  Actor admin_ = Actor::system("admin");
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::RecordStore> records_;
  std::unique_ptr<catalog::CatalogService> catalog_;
  std::unique_ptr<SearchService> search_;
};

using Ids = std::vector<std::string>;

TEST_F(SearchTest, ChineseQueriesFindTheRecordBySegmentedWords) {
  RecordPatch bj = patch("北京市主要道路", "城市快速路和主干道。");
  bj.extent = kBeijing;
  add("bj-roads", bj);
  RecordPatch sh = patch("上海市地铁线路", "地铁站点与线路。");
  sh.extent = kShanghai;
  add("sh-metro", sh);
  EXPECT_EQ(found("北京 道路"), Ids{"bj-roads"});
  EXPECT_EQ(found("北京市道路"), Ids{"bj-roads"});
  EXPECT_EQ(found("北京道路数据"), Ids{"bj-roads"});
  EXPECT_EQ(found("上海道路"), Ids{});
  EXPECT_EQ(text("上海道路").total, 0);
  EXPECT_EQ(found("上海 地铁"), Ids{"sh-metro"});
  EXPECT_EQ(found("地铁"), Ids{"sh-metro"});
  // A one-character word: its unigram.
  EXPECT_EQ(found("铁"), Ids{"sh-metro"});
  // Generic words alone select nothing in particular: every record, newest first.
  EXPECT_EQ(found("数据"), (Ids{"sh-metro", "bj-roads"}));
}

TEST_F(SearchTest, EnglishStemsTyposAndPrefixes) {
  add("road-network", patch("Road network", "Lines of the city."));
  add("railway-stations", patch("Railway stations", "Where trains stop."));
  EXPECT_EQ(found("roads"), Ids{"road-network"});
  EXPECT_TRUE(text("roads").corrected_terms.empty());

  const SearchResult typo = text("statoins");
  EXPECT_EQ(ids(typo), Ids{"railway-stations"});
  EXPECT_EQ(typo.corrected_terms, std::vector<std::string>{"station"});
  ASSERT_EQ(typo.hits.size(), 1u);
  EXPECT_EQ(typo.hits[0].matched_terms, std::vector<std::string>{"station"});

  // Typos are tolerated in words of five characters or more only.
  EXPECT_EQ(found("raod"), Ids{});
  // The last word may be a prefix (three letters or more); other words may not.
  EXPECT_EQ(found("stat"), Ids{"railway-stations"});
  EXPECT_EQ(found("railway stat"), Ids{"railway-stations"});
  EXPECT_EQ(found("stat railway"), Ids{});
  EXPECT_EQ(found("st"), Ids{});
  // Every word must match.
  EXPECT_EQ(found("road stations"), Ids{});
  EXPECT_EQ(found("the road"), Ids{"road-network"});
}

TEST_F(SearchTest, TitleMatchOutranksAbstractMatch) {
  add("land-use", patch("Land use", "Parcels, including forest areas and farmland of the county."));
  add("forest-cover", patch("Forest cover", "Tree canopy of the county."));
  const SearchResult r = text("forest");
  EXPECT_EQ(ids(r), (Ids{"forest-cover", "land-use"}));
  EXPECT_GT(r.hits[0].score, r.hits[1].score);
}

TEST_F(SearchTest, PopularityBreaksTies) {
  add("parks-a", patch("City parks", "Green spaces."));
  add("parks-b", patch("City parks", "Green spaces."));
  engine();
  // Equal text; the newer one comes first until the older one is used.
  EXPECT_EQ(found("parks"), (Ids{"parks-b", "parks-a"}));
  catalog_->count_usage("parks-a", storage::UsageKind::view, 9);
  catalog_->flush_usage();
  engine().refresh_popularity();
  const SearchResult r = text("parks");
  EXPECT_EQ(ids(r), (Ids{"parks-a", "parks-b"}));
  // 1 + log10(1 + 9) * 0.2 = 1.2 times the same text score.
  EXPECT_NEAR(r.hits[0].score / r.hits[1].score, 1.2, 1e-9);
}

TEST_F(SearchTest, FacetFilters) {
  transport_records();
  auto with = [&](auto set) {
    SearchQuery q;
    set(q);
    return ids(run(q));
  };
  EXPECT_EQ(with([](SearchQuery& q) { q.topics = {"transportation"}; }),
            (Ids{"railway-stations", "road-network"}));
  EXPECT_EQ(with([](SearchQuery& q) { q.topics = {"inlandWaters", "nothing"}; }), Ids{"rivers"});
  EXPECT_EQ(with([](SearchQuery& q) { q.keywords = {"roads"}; }), Ids{"road-network"});
  EXPECT_EQ(with([](SearchQuery& q) { q.keywords = {"Transport"}; }),
            (Ids{"railway-stations", "road-network"}));
  EXPECT_EQ(with([](SearchQuery& q) { q.publishers = {"City Survey"}; }),
            (Ids{"rivers", "road-network"}));
  EXPECT_EQ(with([](SearchQuery& q) { q.licences = {"CC0-1.0"}; }), Ids{"railway-stations"});
  EXPECT_EQ(with([](SearchQuery& q) { q.access_levels = {"registered"}; }), Ids{"rivers"});
  EXPECT_EQ(with([](SearchQuery& q) { q.types = {"dataset"}; }).size(), 3u);
  EXPECT_EQ(with([](SearchQuery& q) { q.types = {"service"}; }), Ids{});
  EXPECT_EQ(with([](SearchQuery& q) { q.states = {"published"}; }).size(), 3u);
  EXPECT_EQ(with([](SearchQuery& q) { q.states = {"draft"}; }), Ids{});
  EXPECT_EQ(with([](SearchQuery& q) { q.sources = {"remote"}; }), Ids{});
  EXPECT_EQ(with([](SearchQuery& q) {
              q.ids = {"rivers", "road-network", "unknown"};
            }),
            (Ids{"rivers", "road-network"}));
  // AND across facets, OR within.
  EXPECT_EQ(with([](SearchQuery& q) {
              q.publishers = {"City Survey"};
              q.topics = {"transportation", "inlandWaters"};
              q.licences = {"CC-BY-4.0"};
              q.keywords = {"water"};
            }),
            Ids{"rivers"});
  // With text.
  EXPECT_EQ(with([](SearchQuery& q) {
              q.text = "transport";
              q.publishers = {"Rail Office"};
            }),
            Ids{"railway-stations"});
}

TEST_F(SearchTest, BboxIntersectsOrWithinAndTimeOverlaps) {
  transport_records();
  add("no-extent", patch("Statistics"));
  SearchQuery q;
  q.bbox = Envelope{116.3, 39.9, 117.0, 40.5};  // overlaps Beijing's box, holds no station box
  q.sort = SortOrder::title;
  EXPECT_EQ(ids(run(q)), (Ids{"railway-stations", "road-network"}));
  q.bbox_relation = BboxRelation::within;
  EXPECT_EQ(ids(run(q)), Ids{});
  q.bbox = Envelope{116.1, 39.7, 116.5, 40.1};
  EXPECT_EQ(ids(run(q)), Ids{"railway-stations"});
  q.bbox = Envelope{100, 20, 130, 45};
  EXPECT_EQ(ids(run(q)), (Ids{"railway-stations", "rivers", "road-network"}));

  SearchQuery t;
  t.sort = SortOrder::title;
  t.time = years(2020, 2020);
  EXPECT_EQ(ids(run(t)), Ids{"road-network"});
  t.time = Interval{year_start(2020), std::nullopt};
  EXPECT_EQ(ids(run(t)), (Ids{"railway-stations", "road-network"}));
  t.time = years(2022, 2030);
  EXPECT_EQ(ids(run(t)), Ids{});
}

TEST_F(SearchTest, FacetCountsAreExactAndFollowFilters) {
  transport_records();
  SearchQuery q;
  q.facets = {"topic", "keyword", "publisher", "licence", "access", "state", "year", "type"};
  SearchResult r = run(q);
  EXPECT_EQ(r.total, 3);
  auto facet = [&](const std::string& name) {
    std::vector<std::pair<std::string, std::int64_t>> out;
    for (const auto& f : r.facets.at(name)) out.emplace_back(f.value, f.count);
    return out;
  };
  using FC = std::vector<std::pair<std::string, std::int64_t>>;
  EXPECT_EQ(facet("topic"), (FC{{"transportation", 2}, {"inlandWaters", 1}}));
  EXPECT_EQ(facet("keyword"), (FC{{"transport", 2}, {"roads", 1}, {"water", 1}}));
  EXPECT_EQ(facet("publisher"), (FC{{"City Survey", 2}, {"Rail Office", 1}}));
  EXPECT_EQ(facet("licence"), (FC{{"CC-BY-4.0", 2}, {"CC0-1.0", 1}}));
  EXPECT_EQ(facet("access"), (FC{{"public", 2}, {"registered", 1}}));
  EXPECT_EQ(facet("state"), (FC{{"published", 3}}));
  EXPECT_EQ(facet("year"), (FC{{"2019", 1}, {"2021", 1}}));
  EXPECT_EQ(facet("type"), (FC{{"dataset", 3}}));
  EXPECT_EQ(r.facets.size(), 8u);

  q.text = "transport";
  q.facet_limit = 1;
  r = run(q);
  EXPECT_EQ(r.total, 2);
  EXPECT_EQ(facet("keyword"), (FC{{"transport", 2}}));
  EXPECT_EQ(facet("publisher"), (FC{{"City Survey", 1}}));  // tie: by value

  // Facets count over every match, not only the page.
  q.limit = 1;
  q.facet_limit = 20;
  r = engine().search(q);
  EXPECT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(facet("publisher"), (FC{{"City Survey", 1}, {"Rail Office", 1}}));

  SearchQuery bad;
  bad.facets = {"colour"};
  try {
    engine().search(bad);
    FAIL() << "unknown facet accepted";
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "invalid-facet");
    EXPECT_EQ(e.parameter(), "facets");
  }
}

TEST_F(SearchTest, SortsAndPaging) {
  add("b-zebra", patch("Zebra crossings", "Road marks."));
  add("c-apple", patch("Apple orchards", "Road side farms."));
  add("a-mango", patch("Mango trees", "Roads and trees."));
  catalog_->count_usage("b-zebra", storage::UsageKind::view, 5);
  catalog_->count_usage("a-mango", storage::UsageKind::download, 2);
  catalog_->flush_usage();
  SearchQuery q;
  q.text = "road";
  q.sort = SortOrder::newest;
  EXPECT_EQ(ids(run(q)), (Ids{"a-mango", "c-apple", "b-zebra"}));
  q.sort = SortOrder::title;
  EXPECT_EQ(ids(run(q)), (Ids{"c-apple", "a-mango", "b-zebra"}));
  q.sort = SortOrder::most_used;
  EXPECT_EQ(ids(run(q)), (Ids{"b-zebra", "a-mango", "c-apple"}));
  // Empty text: all records, relevance becomes newest.
  SearchQuery all;
  EXPECT_EQ(ids(run(all)), (Ids{"a-mango", "c-apple", "b-zebra"}));
  all.limit = 2;
  SearchResult page = engine().search(all);
  EXPECT_EQ(page.total, 3);
  EXPECT_EQ(ids(page), (Ids{"a-mango", "c-apple"}));
  all.offset = 2;
  page = engine().search(all);
  EXPECT_EQ(page.total, 3);
  EXPECT_EQ(ids(page), Ids{"b-zebra"});
  all.offset = 5;
  page = engine().search(all);
  EXPECT_EQ(page.total, 3);
  EXPECT_EQ(ids(page), Ids{});
}

TEST_F(SearchTest, SuggestLatinAndChinesePrefixes) {
  add("road-network", patch("Road network", "", {"roads", "transport"}));
  add("road-signs", patch("Road signs", "", {"roads"}));
  add("railway-stations", patch("Railway stations", "", {"transport"}));
  add("bj-roads", patch("北京市主要道路"));
  add("bj-metro", patch("北京市地铁站点"));
  add("draft-road", patch("Roadworks plan"), false);
  const auto everyone = [](const Record& r) { return r.state == catalog::RecordState::published; };
  EXPECT_EQ(engine().suggest("ro", 10, everyone),
            (std::vector<std::string>{"road", "roads", "Road network", "Road signs"}));
  EXPECT_EQ(engine().suggest("RO", 2, everyone), (std::vector<std::string>{"road", "roads"}));
  EXPECT_EQ(engine().suggest("北京", 10, everyone),
            (std::vector<std::string>{"北京市主要道路", "北京市地铁站点"}));
  EXPECT_EQ(engine().suggest("trans", 10, everyone), std::vector<std::string>{"transport"});
  // Without a predicate the draft's title words show.
  EXPECT_EQ(engine().suggest("roadw", 10, nullptr),
            (std::vector<std::string>{"Roadworks plan", "roadworks"}));
  EXPECT_EQ(engine().suggest("roadw", 10, everyone), std::vector<std::string>{});
  EXPECT_EQ(engine().suggest("", 10, everyone), std::vector<std::string>{});
}

TEST_F(SearchTest, TagCloudCountsVisibleRecords) {
  transport_records();
  RecordPatch hidden = patch("Hidden", "", {"transport", "secret"});
  add("hidden", hidden, false);
  const auto everyone = [](const Record& r) { return r.state == catalog::RecordState::published; };
  const auto tags = engine().tag_cloud(10, everyone);
  std::vector<std::pair<std::string, std::int64_t>> got;
  for (const auto& t : tags) got.emplace_back(t.value, t.count);
  EXPECT_EQ(got, (std::vector<std::pair<std::string, std::int64_t>>{{"transport", 2},
                                                                    {"transportation", 2},
                                                                    {"inlandWaters", 1},
                                                                    {"roads", 1},
                                                                    {"water", 1}}));
  EXPECT_EQ(engine().tag_cloud(1, nullptr).front().value, "transport");
  EXPECT_EQ(engine().tag_cloud(1, nullptr).front().count, 3);
}

TEST_F(SearchTest, RelatedBySharedKeywordsExtentTimeAndUse) {
  RecordPatch x = patch("Roads", "", {"roads", "transport"});
  x.extent = kBeijing;
  x.time_extent = years(2019, 2020);
  add("x", x);
  RecordPatch y = patch("Streets", "", {"transport", "roads"});
  y.extent = kBeijing;
  add("y", y);
  add("z", patch("Bus lines", "", {"roads"}));
  RecordPatch w = patch("Lakes", "", {"water"});
  w.extent = kShanghai;
  add("w", w);
  add("v", patch("Hidden", "", {"roads", "transport"}), false);
  const auto everyone = [](const Record& r) { return r.state == catalog::RecordState::published; };
  auto related = engine().related("x", 5, everyone);
  ASSERT_EQ(related.size(), 2u);
  EXPECT_EQ(related[0].id, "y");
  EXPECT_DOUBLE_EQ(related[0].score, 5.0);  // 3 * 1 (same keywords) + 2 * 1 (same extent)
  EXPECT_EQ(related[1].id, "z");
  EXPECT_DOUBLE_EQ(related[1].score, 1.5);  // 3 * 1/2
  EXPECT_EQ(engine().related("x", 1, everyone).size(), 1u);
  // Without a predicate the draft counts: 3 * 1, no extent.
  std::vector<std::pair<std::string, double>> all;
  for (const auto& h : engine().related("x", 5, nullptr)) all.emplace_back(h.id, h.score);
  EXPECT_EQ(all, (std::vector<std::pair<std::string, double>>{{"y", 5.0}, {"v", 3.0}, {"z", 1.5}}));
  EXPECT_EQ(engine().related("missing", 5, everyone).size(), 0u);

  // Used together: 2 * the pair's count over x's most frequent pair.
  catalog_->count_used_together({"x", "z"});
  catalog_->count_used_together({"x", "z"});
  catalog_->count_used_together({"x", "w"});
  catalog_->flush_usage();
  engine().refresh_popularity();
  std::vector<std::pair<std::string, double>> used;
  for (const auto& h : engine().related("x", 5, everyone)) used.emplace_back(h.id, h.score);
  EXPECT_EQ(used,
            (std::vector<std::pair<std::string, double>>{{"y", 5.0}, {"z", 3.5}, {"w", 1.0}}));

  // Overlapping time: the overlap over the union (2020 of 2019-2021, in days).
  RecordPatch t = patch("Timetable");
  t.time_extent = years(2020, 2021);
  add("t", t);
  const auto with_time = engine().related("x", 5, everyone);
  ASSERT_EQ(with_time.size(), 4u);
  EXPECT_EQ(with_time[3].id, "t");
  EXPECT_NEAR(with_time[3].score, 366.0 / 1096.0, 1e-9);
}

TEST_F(SearchTest, HiddenRecordsAreAbsentFromHitsTotalsAndFacets) {
  transport_records();
  SearchQuery q;
  q.text = "transport";
  q.facets = {"publisher"};
  q.visible = [](const Record& r) { return r.id != "railway-stations"; };
  const SearchResult r = run(q);
  EXPECT_EQ(ids(r), Ids{"road-network"});
  EXPECT_EQ(r.total, 1);
  ASSERT_EQ(r.facets.at("publisher").size(), 1u);
  EXPECT_EQ(r.facets.at("publisher")[0].value, "City Survey");
  EXPECT_EQ(r.facets.at("publisher")[0].count, 1);
}

TEST_F(SearchTest, CatalogChangesShowAtOnce) {
  engine();
  EXPECT_EQ(engine().stats().records, 0u);
  add("lakes", patch("Lakes", "Standing water."), false);
  EXPECT_EQ(found("lakes"), Ids{"lakes"});
  SearchQuery drafts;
  drafts.states = {"draft"};
  EXPECT_EQ(ids(run(drafts)), Ids{"lakes"});
  catalog_->publish("lakes", admin_);
  EXPECT_EQ(ids(run(drafts)), Ids{});
  RecordPatch rename;
  rename.title = "Reservoirs";
  catalog_->update("lakes", rename, admin_);
  EXPECT_EQ(found("lakes"), Ids{});
  EXPECT_EQ(found("reservoir"), Ids{"lakes"});
  EXPECT_EQ(engine().stats().records, 1u);
  catalog_->remove("lakes", admin_);
  EXPECT_EQ(found("reservoir"), Ids{});
  EXPECT_EQ(engine().stats().records, 0u);
  // A rebuild reads the same.
  add("ponds", patch("Ponds"));
  engine().rebuild();
  EXPECT_EQ(found("ponds"), Ids{"ponds"});
  EXPECT_EQ(engine().stats().records, 1u);
  EXPECT_GT(engine().stats().terms, 0u);
  EXPECT_GT(engine().stats().memory_bytes, 0u);
}

TEST_F(SearchTest, ManyUpdatesCompactTheIndex) {
  engine();
  for (int i = 0; i < 40; ++i) add("r" + std::to_string(i), patch("Record " + std::to_string(i)));
  RecordPatch p;
  for (int round = 0; round < 30; ++round) {
    for (int i = 0; i < 40; ++i) {
      p.title = "Record " + std::to_string(i) + " round " + std::to_string(round);
      catalog_->update("r" + std::to_string(i), p, admin_);
    }
  }
  EXPECT_EQ(engine().stats().records, 40u);
  // 1,280 versions (40 created, 40 published, 1,200 updates) of at most 4 terms each were
  // indexed; the tombstones were dropped when they were 1,025 (1,065 versions in), so at most
  // (40 + 1,280 - 1,065) * 4 = 1,020 postings remain (without compaction: about 5,000).
  EXPECT_LE(engine().stats().postings, 1020u);
  EXPECT_EQ(text("record").total, 40);
  EXPECT_EQ(found("record 7 round 29"), Ids{"r7"});
  EXPECT_EQ(found("record 7 round 28"), Ids{});  // an old version
  EXPECT_EQ(found("round 28"), Ids{"r28"});
}

TEST_F(SearchTest, SearchesWhileTheCatalogChanges) {
  for (int i = 0; i < 20; ++i)
    add("fixed-" + std::to_string(i), patch("Harbour " + std::to_string(i)));
  engine();
  std::thread writer([&] {
    for (int i = 0; i < 100; ++i) {
      const std::string id = "moving-" + std::to_string(i % 10);
      if (i < 10)
        catalog_->create(id, patch("Harbour moving"), admin_);
      else
        catalog_->update(id, patch("Harbour moving " + std::to_string(i)), admin_);
    }
  });
  // The twenty fixed records are always there, whatever the writer is doing.
  for (int i = 0; i < 200; ++i) {
    SearchQuery q;
    q.text = "harbour";
    q.ids = {};
    q.limit = 100;
    q.visible = [](const Record& r) { return r.id.starts_with("fixed-"); };
    ASSERT_EQ(engine().search(q).total, 20);
  }
  writer.join();
  EXPECT_EQ(text("harbour moving").total, 10);
  EXPECT_EQ(found("harbour moving 99"), Ids{"moving-9"});
}

TEST_F(SearchTest, ExprFilters) {
  transport_records();
  auto with = [&](ExprPtr f) {
    SearchQuery q;
    q.filter = std::move(f);
    q.sort = SortOrder::title;
    return ids(run(q));
  };
  // AnyText through the index (top-level AND member) and by scan (inside OR).
  EXPECT_EQ(with(like(Queryable::any_text, "%station%")), Ids{"railway-stations"});
  EXPECT_EQ(with(cmp(Queryable::any_text, CompareOp::eq, std::string("rivers"))), Ids{"rivers"});
  EXPECT_EQ(with(logic(Expr::Kind::and_,
                       {like(Queryable::any_text, "%transport%"),
                        cmp(Queryable::publisher, CompareOp::eq, std::string("Rail Office"))})),
            Ids{"railway-stations"});
  EXPECT_EQ(with(logic(Expr::Kind::or_, {like(Queryable::any_text, "%lakes%"),
                                         like(Queryable::any_text, "%main road%")})),
            (Ids{"rivers", "road-network"}));
  EXPECT_EQ(with(like(Queryable::title, "road%")), Ids{"road-network"});
  EXPECT_EQ(with(like(Queryable::title, "R_vers")), Ids{"rivers"});
  EXPECT_EQ(with(cmp(Queryable::subject, CompareOp::eq, std::string("water"))), Ids{"rivers"});
  EXPECT_EQ(with(cmp(Queryable::identifier, CompareOp::ne, std::string("rivers"))),
            (Ids{"railway-stations", "road-network"}));
  EXPECT_EQ(with(logic(Expr::Kind::not_,
                       {cmp(Queryable::licence, CompareOp::eq, std::string("CC-BY-4.0"))})),
            Ids{"railway-stations"});
  auto in = std::make_shared<Expr>();
  in->kind = Expr::Kind::in;
  in->field = static_cast<std::size_t>(Queryable::access);
  in->list = {std::string("registered"), std::string("private")};
  EXPECT_EQ(with(in), Ids{"rivers"});
  EXPECT_EQ(with(bbox_expr(kShanghai)), Ids{"rivers"});
  auto time = std::make_shared<Expr>();
  time->kind = Expr::Kind::time;
  time->field = static_cast<std::size_t>(Queryable::time);
  time->interval = years(2021, 2022);
  EXPECT_EQ(with(time), Ids{"railway-stations"});
  auto no_time = std::make_shared<Expr>();
  no_time->kind = Expr::Kind::is_null;
  no_time->field = static_cast<std::size_t>(Queryable::time);
  EXPECT_EQ(with(no_time), Ids{"rivers"});
  // Modified: the rivers record was changed last.
  const Instant rivers_updated = catalog_->find("rivers")->updated;
  EXPECT_EQ(with(cmp(Queryable::modified, CompareOp::ge, rivers_updated)), Ids{"rivers"});
  EXPECT_EQ(with(cmp(Queryable::modified, CompareOp::lt, rivers_updated)),
            (Ids{"railway-stations", "road-network"}));
  auto between = std::make_shared<Expr>();
  between->kind = Expr::Kind::between;
  between->field = static_cast<std::size_t>(Queryable::title);
  between->literal = std::string("Ra");
  between->literal2 = std::string("Rb");
  EXPECT_EQ(with(between), Ids{"railway-stations"});

  try {
    with(cmp(Queryable::bbox, CompareOp::eq, std::string("x")));
    FAIL() << "compare on the bounding box accepted";
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "invalid-filter");
    EXPECT_EQ(e.parameter(), "filter");
  }
  EXPECT_THROW(with(cmp(Queryable::modified, CompareOp::lt, std::string("yesterday-ish"))),
               InvalidInput);
  auto bad_bbox = bbox_expr(kBeijing);
  std::const_pointer_cast<Expr>(bad_bbox)->field = static_cast<std::size_t>(Queryable::title);
  EXPECT_THROW(with(bad_bbox), InvalidInput);
}

TEST_F(SearchTest, DatasetRecordsCarryKindFormatsAndFieldNames) {
  storage::DatasetInfo d;
  d.id = "bus-stops";
  d.title = "Bus stops";
  d.geometry_type = geo::GeometryType::point;
  d.schema.fields = {{"platform", FieldType::text}};
  auto session = store_->begin_import(d);
  geo::Geometry g;
  g.type = geo::GeometryType::point;
  g.coords = {{116.4, 39.9, 0}};
  Feature f;
  f.wkb = geo::to_wkb(g);
  f.envelope = g.envelope();
  f.properties = {std::string("Tiananmen")};
  session->write(f);
  session->commit();
  const Record r = catalog_->dataset_changed("bus-stops", catalog::RecordState::published);
  add("bus-guide", patch("Bus guide"));
  SearchQuery q;
  q.kinds = {"vector"};
  EXPECT_EQ(ids(run(q)), Ids{"bus-stops"});
  ASSERT_FALSE(r.formats.empty());
  q.kinds.clear();
  q.formats = {r.formats.front()};
  EXPECT_EQ(ids(run(q)), Ids{"bus-stops"});
  q.formats = {"no-such-format"};
  EXPECT_EQ(ids(run(q)), Ids{});
  EXPECT_EQ(found("platform"), Ids{"bus-stops"});
  EXPECT_EQ(text("bus").total, 2);
}

TEST_F(SearchTest, PlaceNamesOfTheExtentAreSearchable) {
  RecordPatch p = patch("Road network");
  p.extent = kBeijing;
  add("roads", p);
  const auto places = engine().places_in(kBeijing);
  ASSERT_FALSE(places.empty());
  // Every attached place name finds the record (Chinese and English).
  for (const auto& name : places) EXPECT_EQ(found(name), Ids{"roads"}) << name;
  EXPECT_EQ(found("Beijing road"), Ids{"roads"});
}

}  // namespace
}  // namespace shikong::search
