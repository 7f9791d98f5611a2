// The map engine over a real embedded store: styles (generated default, stored, classified per
// version, validation and conflicts), tiles through the cache (hits, new versions, variants,
// purges), map limits, feature info by pixel, legends and seeding counts.
#include "maps/map_service.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <thread>

#include "core/error.hpp"
#include "datum/crs.hpp"
#include "geo/wkb.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace shikong::maps {
namespace {

namespace fs = std::filesystem;
using storage::DatasetInfo;

geo::Geometry point(double x, double y) {
  geo::Geometry g;
  g.type = geo::GeometryType::point;
  g.coords = {{x, y, 0}};
  return g;
}

geo::Geometry square(double x0, double y0, double x1, double y1) {
  geo::Geometry g;
  g.type = geo::GeometryType::polygon;
  g.rings = {{{x0, y0, 0}, {x1, y0, 0}, {x1, y1, 0}, {x0, y1, 0}, {x0, y0, 0}}};
  return g;
}

geo::Geometry line(double x0, double y0, double x1, double y1) {
  geo::Geometry g;
  g.type = geo::GeometryType::line_string;
  g.coords = {{x0, y0, 0}, {x1, y1, 0}};
  return g;
}

Feature feature(const geo::Geometry& g, std::vector<Value> props) {
  Feature f;
  f.wkb = geo::to_wkb(g);
  f.envelope = g.envelope();
  f.properties = std::move(props);
  return f;
}

// Urumqi and Shanghai: far enough from tile edges at levels 0..5 that each lands in one tile.
constexpr double urumqi_lon = 87.6, urumqi_lat = 43.8, shanghai_lon = 121.47, shanghai_lat = 31.23;

class MapServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("shikong-maps-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    storage::SqliteOptions options;
    options.data_dir = dir_ / "data";
    store_ = storage::open_sqlite_store(options);
    tiles::TileCacheSettings cs;
    cs.directory = dir_ / "cache";
    cache_ = std::make_shared<tiles::TileCache>(cs);
    maps_ = std::make_unique<MapService>(*store_, settings_, cache_);
  }
  void TearDown() override {
    maps_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  DatasetInfo import(const std::string& id, geo::GeometryType type,
                     const std::vector<Feature>& features) {
    DatasetInfo d;
    d.id = id;
    d.title = id;
    d.geometry_type = type;
    d.schema.fields = {{"name", FieldType::text}, {"pop", FieldType::integer}};
    auto s = store_->begin_import(d);
    for (const auto& f : features) s->write(f);
    return s->commit();
  }

  DatasetInfo cities(std::int64_t shanghai_pop = 24) {
    return import(
        "cities", geo::GeometryType::point,
        {feature(point(urumqi_lon, urumqi_lat), {std::string("Urumqi"), std::int64_t{4}}),
         feature(point(shanghai_lon, shanghai_lat), {std::string("Shanghai"), shanghai_pop})});
  }

  style::Style parse(const std::string& json) { return style::parse_style(json); }

  fs::path dir_;
  MapSettings settings_;
  std::unique_ptr<storage::Store> store_;
  std::shared_ptr<tiles::TileCache> cache_;
  std::unique_ptr<MapService> maps_;
};

template <typename E>
std::string code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.code();
  }
  return "(no error)";
}

// Width and height from a PNG's IHDR.
std::pair<int, int> png_size(const std::string& png) {
  EXPECT_GE(png.size(), 24u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  auto be32 = [&](std::size_t at) {
    return (static_cast<unsigned char>(png[at]) << 24) |
           (static_cast<unsigned char>(png[at + 1]) << 16) |
           (static_cast<unsigned char>(png[at + 2]) << 8) | static_cast<unsigned char>(png[at + 3]);
  };
  return {static_cast<int>(be32(16)), static_cast<int>(be32(20))};
}

TEST_F(MapServiceTest, GeneratedDefaultStyleComesFirst) {
  auto ds = cities();
  auto list = maps_->styles(ds);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].name, "default");
  EXPECT_EQ(list[0], style::default_style("cities", geo::GeometryType::point, ds.schema));
  EXPECT_EQ(maps_->style(ds, "default"), list[0]);
  EXPECT_EQ(code_of<NotFound>([&] { maps_->style(ds, "nope"); }), "unknown-style");
}

TEST_F(MapServiceTest, SavedStylesAreClassifiedFromTheData) {
  auto ds = cities();
  auto s = parse(R"({"name":"by-name","kind":"categorized","field":"name"})");
  auto saved = maps_->save_style(ds, s, true, "alice");
  ASSERT_EQ(saved.rules.size(), 2u);
  std::set<std::string> labels{saved.rules[0].label, saved.rules[1].label};
  EXPECT_EQ(labels, (std::set<std::string>{"Shanghai", "Urumqi"}));

  auto list = maps_->styles(ds);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "default");
  EXPECT_EQ(list[1], saved);
  EXPECT_EQ(maps_->style(ds, "by-name"), saved);

  auto stored = store_->find_style("cities", "by-name");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->updated_by, "alice");
  // Stored without the computed classes: they follow the data.
  EXPECT_TRUE(style::parse_style(stored->json).rules.empty());
}

TEST_F(MapServiceTest, ClassesFollowANewVersionOfTheData) {
  auto ds = cities(24);
  maps_->save_style(ds, parse(R"({"name":"pop","kind":"proportional","field":"pop"})"), true,
                    "alice");
  auto before = maps_->style(ds, "pop");
  ASSERT_EQ(before.rules.size(), 1u);
  EXPECT_EQ(before.rules[0].max, 24.0);
  auto ds2 = cities(30);
  maps_->dataset_changed(ds2.id, ds2.version);
  auto after = maps_->style(ds2, "pop");
  ASSERT_EQ(after.rules.size(), 1u);
  EXPECT_EQ(after.rules[0].min, 4.0);
  EXPECT_EQ(after.rules[0].max, 30.0);
}

TEST_F(MapServiceTest, ClassesOfALargeDatasetSampleAllOfIt) {
  std::vector<Feature> many;
  for (int i = 0; i < 25000; ++i)
    many.push_back(feature(point(100 + i * 1e-4, 30), {std::string("p"), std::int64_t{i}}));
  auto ds = import("many", geo::GeometryType::point, many);
  maps_->save_style(ds, parse(R"({"name":"pop","kind":"proportional","field":"pop"})"), true, "a");
  auto s = maps_->style(ds, "pop");
  ASSERT_EQ(s.rules.size(), 1u);
  // Every third row (ceil(25000 / 10000)): 0, 3, ..., 24999.
  EXPECT_EQ(s.rules[0].min, 0.0);
  EXPECT_EQ(s.rules[0].max, 24999.0);
}

TEST_F(MapServiceTest, SaveStyleChecksNamesFieldsAndConflicts) {
  auto ds = cities();
  auto s = parse(R"({"name":"x","kind":"categorized","field":"missing"})");
  EXPECT_EQ(code_of<InvalidInput>([&] { maps_->save_style(ds, s, false, "a"); }), "invalid-style");
  s = parse(R"({"name":"x"})");
  s.name = "Bad Name";
  try {
    maps_->save_style(ds, s, false, "a");
    FAIL();
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "invalid-style");
    EXPECT_EQ(e.parameter(), "/name");
  }
  s.name = "x";
  maps_->save_style(ds, s, true, "a");
  EXPECT_EQ(code_of<Conflict>([&] { maps_->save_style(ds, s, true, "a"); }), "style-exists");
  s.name = "default";
  EXPECT_EQ(code_of<Conflict>([&] { maps_->save_style(ds, s, true, "a"); }), "style-exists");
  maps_->save_style(ds, s, false, "a");  // replacing is allowed
}

TEST_F(MapServiceTest, StoredDefaultReplacesTheGeneratedOneUntilDeleted) {
  auto ds = cities();
  auto s = parse(R"({"name":"default","kind":"graduated","field":"pop","classes":2})");
  maps_->save_style(ds, s, false, "a");
  EXPECT_EQ(maps_->style(ds, "default").kind, style::StyleKind::graduated);
  ASSERT_EQ(maps_->styles(ds).size(), 1u);
  EXPECT_EQ(maps_->styles(ds)[0].kind, style::StyleKind::graduated);
  maps_->delete_style(ds, "default");
  EXPECT_EQ(maps_->style(ds, "default").kind, style::StyleKind::single);
  maps_->delete_style(ds, "default");  // the generated one cannot be deleted: no error
  EXPECT_EQ(code_of<NotFound>([&] { maps_->delete_style(ds, "nope"); }), "unknown-style");
}

tiles::TileAddress web(int z, std::int64_t col, std::int64_t row) {
  const auto& set = tiles::web_mercator_quad();
  return tiles::TileAddress{&set, set.find_level(z), col, row};
}

TEST_F(MapServiceTest, VectorTilesComeFromTheCacheTheSecondTime) {
  auto ds = cities();
  std::vector<tiles::VectorTileLayer> layers{{ds, {}}};
  auto first = maps_->vector_tile(layers, web(3, 6, 3), std::nullopt);
  EXPECT_FALSE(first.from_cache);
  EXPECT_EQ(first.content_type, "application/vnd.mapbox-vector-tile");
  ASSERT_NE(first.bytes, nullptr);
  EXPECT_FALSE(first.bytes->empty());
  EXPECT_EQ(first.etag.size(), 18u);
  EXPECT_EQ(first.etag.front(), '"');
  auto second = maps_->vector_tile(layers, web(3, 6, 3), std::nullopt);
  EXPECT_TRUE(second.from_cache);
  EXPECT_EQ(*second.bytes, *first.bytes);
  EXPECT_EQ(second.etag, first.etag);
  // A tile with nothing in it is an empty (cached) tile.
  auto empty = maps_->vector_tile(layers, web(3, 0, 0), std::nullopt);
  EXPECT_TRUE(empty.bytes->empty());
  EXPECT_NE(empty.etag, first.etag);
  // Another field selection or time is another tile.
  std::vector<tiles::VectorTileLayer> named{{ds, {"name"}}};
  EXPECT_FALSE(maps_->vector_tile(named, web(3, 6, 3), std::nullopt).from_cache);
  Interval t{Instant::from_seconds(0), Instant::from_seconds(10)};
  EXPECT_FALSE(maps_->vector_tile(layers, web(3, 6, 3), t).from_cache);
  EXPECT_TRUE(maps_->vector_tile(layers, web(3, 6, 3), t).from_cache);
  auto stats = maps_->cache_stats();
  EXPECT_EQ(stats.memory_hits, 2u);
  EXPECT_EQ(stats.misses, 4u);
}

TEST_F(MapServiceTest, ANewVersionIsBuiltAgainAndTheOldOnePurged) {
  auto ds = cities(24);
  std::vector<tiles::VectorTileLayer> layers{{ds, {}}};
  auto old_tile = maps_->vector_tile(layers, web(3, 6, 3), std::nullopt);
  auto ds2 = cities(30);
  ASSERT_GT(ds2.version, ds.version);
  maps_->dataset_changed(ds2.id, ds2.version);
  EXPECT_EQ(maps_->cache_stats().memory_entries, 0u);
  EXPECT_FALSE(fs::exists(dir_ / "cache" / ("cities@" + std::to_string(ds.version))));
  std::vector<tiles::VectorTileLayer> layers2{{ds2, {}}};
  auto new_tile = maps_->vector_tile(layers2, web(3, 6, 3), std::nullopt);
  EXPECT_FALSE(new_tile.from_cache);
  EXPECT_NE(new_tile.etag, old_tile.etag);
  EXPECT_NE(*new_tile.bytes, *old_tile.bytes);  // pop 24 -> 30
  EXPECT_TRUE(fs::exists(dir_ / "cache" / ("cities@" + std::to_string(ds2.version))));
  // Deleted: every version goes.
  maps_->dataset_changed("cities", std::nullopt);
  EXPECT_FALSE(fs::exists(dir_ / "cache" / ("cities@" + std::to_string(ds2.version))));
}

TEST_F(MapServiceTest, ConcurrentRequestsForOneTileBuildItOnce) {
  auto ds = cities();
  std::vector<tiles::VectorTileLayer> layers{{ds, {}}};
  std::vector<std::string> got(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < got.size(); ++i)
    threads.emplace_back([&, i] { got[i] = *maps_->vector_tile(layers, web(3, 6, 3), {}).bytes; });
  for (auto& t : threads) t.join();
  EXPECT_EQ(maps_->cache_stats().stores, 1u);
  for (const auto& g : got) EXPECT_EQ(g, got[0]);
  EXPECT_FALSE(got[0].empty());
}

TEST_F(MapServiceTest, UnreadableStoredStyleIsAnInternalError) {
  auto ds = cities();
  store_->save_style(storage::StoredStyle{"cities", "broken", "{not json", "x", {}});
  EXPECT_EQ(code_of<InternalError>([&] { maps_->style(ds, "broken"); }), "style-unreadable");
  auto list = maps_->styles(ds);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].name, "default");
}

TEST_F(MapServiceTest, PruneCacheDropsTilesOfChangesMadeWhileStopped) {
  auto ds = cities(24);
  std::vector<tiles::VectorTileLayer> layers{{ds, {}}};
  maps_->vector_tile(layers, web(3, 6, 3), std::nullopt);
  cities(30);  // a new version nobody told the cache about
  maps_->prune_cache();
  EXPECT_FALSE(fs::exists(dir_ / "cache" / ("cities@" + std::to_string(ds.version))));
  EXPECT_EQ(maps_->cache_stats().memory_entries, 0u);
}

TEST_F(MapServiceTest, TooManyLayersAreRefused) {
  settings_.max_layers = 1;
  maps_ = std::make_unique<MapService>(*store_, settings_, cache_);
  auto ds = cities();
  std::vector<tiles::VectorTileLayer> layers{{ds, {}}, {ds, {}}};
  EXPECT_EQ(code_of<InvalidInput>([&] { maps_->vector_tile(layers, web(0, 0, 0), std::nullopt); }),
            "too-many-layers");
}

TEST_F(MapServiceTest, RasterTilesAreCachedPerStyle) {
  auto ds = cities();
  std::vector<render::RenderLayer> layers{{ds, maps_->style(ds, "default"), std::nullopt}};
  auto first = maps_->raster_tile(layers, web(2, 3, 1), render::ImageFormat::png, true);
  EXPECT_FALSE(first.from_cache);
  EXPECT_EQ(first.content_type, "image/png");
  EXPECT_EQ(png_size(*first.bytes), std::make_pair(256, 256));
  EXPECT_TRUE(maps_->raster_tile(layers, web(2, 3, 1), render::ImageFormat::png, true).from_cache);
  EXPECT_FALSE(
      maps_->raster_tile(layers, web(2, 3, 1), render::ImageFormat::png, false).from_cache);
  layers[0].style.symbol.fill = style::Color{255, 0, 0, 255};
  EXPECT_FALSE(maps_->raster_tile(layers, web(2, 3, 1), render::ImageFormat::png, true).from_cache);
  auto key = maps_->raster_tile_key(layers, web(2, 3, 1), render::ImageFormat::png, true);
  EXPECT_EQ(key.style.rfind("default@", 0), 0u);
  EXPECT_EQ(key.format, "png");
}

TEST_F(MapServiceTest, MapImageChecksItsLimits) {
  settings_.max_width = 512;
  settings_.max_height = 400;
  settings_.max_pixels = 512 * 300;
  maps_ = std::make_unique<MapService>(*store_, settings_, cache_);
  auto ds = cities();
  std::vector<render::RenderLayer> layers{{ds, maps_->style(ds, "default"), std::nullopt}};
  render::MapView view;
  view.bbox = Envelope::of(70, 15, 140, 55);
  view.crs = datum::epsg(4490);
  view.width = 300;
  view.height = 200;
  auto png = maps_->map_image(view, layers, render::ImageFormat::png, {});
  EXPECT_EQ(png_size(png), std::make_pair(300, 200));
  for (auto [w, h, param] : {std::tuple{0, 100, "width"}, std::tuple{513, 100, "width"},
                             std::tuple{100, 401, "height"}, std::tuple{512, 301, "height"}}) {
    view.width = w;
    view.height = h;
    try {
      maps_->map_image(view, layers, render::ImageFormat::png, {});
      ADD_FAILURE() << w << "x" << h;
    } catch (const InvalidInput& e) {
      EXPECT_EQ(e.code(), "size-too-large");
      EXPECT_EQ(e.parameter(), param) << w << "x" << h;
    }
  }
}

TEST_F(MapServiceTest, FeatureInfoFindsWhatIsDrawnAtThePixel) {
  auto pts = cities();
  auto areas = import("areas", geo::GeometryType::polygon,
                      {feature(square(100, 20, 110, 30), {std::string("box"), std::int64_t{1}})});
  auto roads = import("roads", geo::GeometryType::line_string,
                      {feature(line(100, 40, 120, 40), {std::string("road"), std::int64_t{2}})});
  std::vector<render::RenderLayer> layers{{areas, maps_->style(areas, "default"), std::nullopt},
                                          {roads, maps_->style(roads, "default"), std::nullopt},
                                          {pts, maps_->style(pts, "default"), std::nullopt}};
  render::MapView view;  // 0.25 degrees a pixel
  view.bbox = Envelope::of(80, 10, 144, 58);
  view.crs = datum::epsg(4490);
  view.width = 256;
  view.height = 192;
  auto pixel = [&](double lon, double lat) {
    return std::pair<int, int>{static_cast<int>((lon - 80) / 0.25),
                               static_cast<int>((58 - lat) / 0.25)};
  };
  auto names = [&](int i, int j) {
    std::vector<std::string> out;
    for (const auto& h : maps_->feature_info(view, layers, i, j, 10))
      out.push_back(h.dataset_id + ":" + std::get<std::string>(h.feature.properties[0]));
    return out;
  };
  auto [si, sj] = pixel(shanghai_lon, shanghai_lat);
  EXPECT_EQ(names(si, sj), (std::vector<std::string>{"cities:Shanghai"}));
  EXPECT_EQ(names(si + 20, sj), std::vector<std::string>{});
  auto [bi, bj] = pixel(105, 25);
  EXPECT_EQ(names(bi, bj), (std::vector<std::string>{"areas:box"}));
  auto [ri, rj] = pixel(110, 40);
  EXPECT_EQ(names(ri, rj + 2), (std::vector<std::string>{"roads:road"}));
  EXPECT_EQ(names(ri, rj + 12), std::vector<std::string>{});
  // The same place in Web Mercator.
  render::MapView merc = view;
  merc.crs = datum::epsg(3857);
  merc.bbox = datum::transformer(datum::epsg(4490), merc.crs)->transform(view.bbox);
  double x = shanghai_lon, y = shanghai_lat;
  datum::transformer(datum::epsg(4490), merc.crs)->transform(x, y);
  int mi = static_cast<int>((x - merc.bbox.min_x) / (merc.bbox.max_x - merc.bbox.min_x) * 256);
  int mj = static_cast<int>((merc.bbox.max_y - y) / (merc.bbox.max_y - merc.bbox.min_y) * 192);
  auto hits = maps_->feature_info(merc, layers, mi, mj, 10);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].feature.properties[0], Value(std::string("Shanghai")));
  EXPECT_EQ(hits[0].schema, pts.schema);
  EXPECT_EQ(code_of<InvalidInput>([&] { maps_->feature_info(view, layers, 256, 0, 1); }),
            "invalid-point");
}

TEST_F(MapServiceTest, FeatureInfoListsTheTopLayerFirst) {
  auto low = import("low", geo::GeometryType::polygon,
                    {feature(square(100, 20, 110, 30), {std::string("low"), std::int64_t{1}})});
  auto high = import("high", geo::GeometryType::polygon,
                     {feature(square(104, 24, 106, 26), {std::string("high"), std::int64_t{1}})});
  std::vector<render::RenderLayer> layers{{low, maps_->style(low, "default"), std::nullopt},
                                          {high, maps_->style(high, "default"), std::nullopt}};
  render::MapView view;
  view.bbox = Envelope::of(100, 20, 110, 30);
  view.crs = datum::epsg(4490);
  view.width = 100;
  view.height = 100;
  auto hits = maps_->feature_info(view, layers, 50, 50, 10);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].dataset_id, "high");
  EXPECT_EQ(hits[1].dataset_id, "low");
  EXPECT_EQ(maps_->feature_info(view, layers, 50, 50, 1).size(), 1u);
}

TEST_F(MapServiceTest, LegendIsAnImage) {
  auto ds = cities();
  auto png = maps_->legend(ds, maps_->style(ds, "default"), render::ImageFormat::png, 120, 40);
  EXPECT_EQ(png_size(png), std::make_pair(120, 40));
  EXPECT_EQ(code_of<InvalidInput>([&] {
              maps_->legend(ds, maps_->style(ds, "default"), render::ImageFormat::png, 100000, 0);
            }),
            "size-too-large");
}

TEST_F(MapServiceTest, SeedCountsTilesOfTheExtent) {
  auto ds = cities();
  SeedRequest r;
  r.dataset = ds;
  r.set = &tiles::web_mercator_quad();
  r.min_level = 0;
  r.max_level = 5;
  std::vector<std::pair<std::int64_t, std::int64_t>> calls;
  auto report = maps_->seed(
      r, [&](std::int64_t done, std::int64_t total) { calls.emplace_back(done, total); });
  // Levels 0..5: 1 + 1 + 2x1 + 2x2 + 3x2 + 4x3 tiles, one or two with a city each.
  EXPECT_EQ(report.tiles, 26);
  EXPECT_EQ(report.built, 10);
  EXPECT_EQ(report.empty, 16);
  EXPECT_EQ(report.cached, 0);
  ASSERT_EQ(calls.size(), 26u);
  EXPECT_EQ(calls.back(), std::make_pair(std::int64_t{26}, std::int64_t{26}));
  EXPECT_TRUE(fs::is_regular_file(dir_ / "cache" / ("cities@" + std::to_string(ds.version)) /
                                  "_/WebMercatorQuad/5/26/13.pbf"));
  auto again = maps_->seed(r, nullptr);
  EXPECT_EQ(again.cached, 26);
  EXPECT_EQ(again.built, 0);
  // What the server then asks for is a hit.
  std::vector<tiles::VectorTileLayer> layers{{ds, {}}};
  EXPECT_TRUE(maps_->vector_tile(layers, web(5, 23, 11), std::nullopt).from_cache);
}

TEST_F(MapServiceTest, SeedRasterTilesOfAStyle) {
  auto ds = cities();
  SeedRequest r;
  r.dataset = ds;
  r.set = &tiles::web_mercator_quad();
  r.min_level = 0;
  r.max_level = 2;
  r.format = "png";
  auto report = maps_->seed(r, nullptr);
  EXPECT_EQ(report.tiles, 4);
  EXPECT_EQ(report.built, 4);
  std::vector<render::RenderLayer> layers{{ds, maps_->style(ds, "default"), std::nullopt}};
  EXPECT_TRUE(maps_->raster_tile(layers, web(2, 2, 1), render::ImageFormat::png, true).from_cache);
  EXPECT_EQ(maps_->seed(r, nullptr).cached, 4);
}

TEST_F(MapServiceTest, SeedRefusesBadLevelsAndFormats) {
  auto ds = cities();
  SeedRequest r;
  r.dataset = ds;
  r.set = &tiles::cgcs2000_quad();
  r.min_level = 0;  // CGCS2000Quad starts at 1
  r.max_level = 2;
  EXPECT_EQ(code_of<InvalidInput>([&] { maps_->seed(r, nullptr); }), "invalid-level");
  r.min_level = 1;
  r.format = "gif";
  EXPECT_EQ(code_of<InvalidInput>([&] { maps_->seed(r, nullptr); }), "invalid-format");
  r.format = "pbf";
  auto report = maps_->seed(r, nullptr);
  // Level 1: both cities in the eastern tile; level 2 (90 degree tiles): columns 2 and 3.
  EXPECT_EQ(report.tiles, 3);
  EXPECT_EQ(report.built, 3);
}

}  // namespace
}  // namespace shikong::maps
