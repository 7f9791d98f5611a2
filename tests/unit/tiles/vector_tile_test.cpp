// build_vector_tile against a real embedded store: tiles decoded here with protozero (commands,
// coordinates, winding, clipping, typed attributes, thinning and clusters) and opened with
// GDAL's MVT driver.
#include "tiles/vector_tile.hpp"

#include <gdal.h>
#include <gtest/gtest.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <protozero/pbf_reader.hpp>
#include <sstream>

#include "core/error.hpp"
#include "geo/wkb.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace shikong::tiles {
namespace {

namespace fs = std::filesystem;

// --- a small MVT reader for the checks --------------------------------------------------------

struct DecodedFeature {
  std::optional<std::uint64_t> id;
  int type = 0;
  std::vector<std::uint32_t> geometry;
  std::map<std::string, std::string> props;  // "uint:42", "string:a", ...
};

struct DecodedLayer {
  std::string name;
  std::uint32_t version = 0;
  std::uint32_t extent = 0;
  std::vector<std::string> keys;
  std::vector<std::string> values;
  std::vector<DecodedFeature> features;
};

std::string decode_value(protozero::data_view bytes) {
  protozero::pbf_reader v(bytes);
  std::string out;
  while (v.next()) {
    switch (v.tag()) {
      case 1:
        out = "string:" + v.get_string();
        break;
      case 2:
        out = "float:" + std::to_string(v.get_float());
        break;
      case 3: {
        std::ostringstream s;
        s << v.get_double();
        out = "double:" + s.str();
        break;
      }
      case 4:
        out = "int:" + std::to_string(v.get_int64());
        break;
      case 5:
        out = "uint:" + std::to_string(v.get_uint64());
        break;
      case 6:
        out = "sint:" + std::to_string(v.get_sint64());
        break;
      case 7:
        out = std::string("bool:") + (v.get_bool() ? "true" : "false");
        break;
      default:
        v.skip();
    }
  }
  return out;
}

std::vector<DecodedLayer> decode(const std::string& tile) {
  std::vector<DecodedLayer> layers;
  protozero::pbf_reader t(tile);
  while (t.next(3)) {
    DecodedLayer l;
    std::vector<protozero::data_view> raw_features;
    protozero::pbf_reader r = t.get_message();
    while (r.next()) {
      switch (r.tag()) {
        case 1:
          l.name = r.get_string();
          break;
        case 2:
          raw_features.push_back(r.get_view());
          break;
        case 3:
          l.keys.push_back(r.get_string());
          break;
        case 4:
          l.values.push_back(decode_value(r.get_view()));
          break;
        case 5:
          l.extent = r.get_uint32();
          break;
        case 15:
          l.version = r.get_uint32();
          break;
        default:
          r.skip();
      }
    }
    for (auto view : raw_features) {
      DecodedFeature f;
      protozero::pbf_reader fr(view);
      while (fr.next()) {
        switch (fr.tag()) {
          case 1:
            f.id = fr.get_uint64();
            break;
          case 2: {
            auto range = fr.get_packed_uint32();
            std::vector<std::uint32_t> tags(range.begin(), range.end());
            EXPECT_EQ(tags.size() % 2, 0u);
            for (std::size_t i = 0; i + 1 < tags.size(); i += 2)
              f.props[l.keys.at(tags[i])] = l.values.at(tags[i + 1]);
            break;
          }
          case 3:
            f.type = fr.get_enum();
            break;
          case 4: {
            auto range = fr.get_packed_uint32();
            f.geometry.assign(range.begin(), range.end());
            break;
          }
          default:
            fr.skip();
        }
      }
      l.features.push_back(std::move(f));
    }
    layers.push_back(std::move(l));
  }
  return layers;
}

using Path = std::vector<std::pair<int, int>>;

// Absolute coordinates of each MoveTo-started path.
std::vector<Path> paths(const std::vector<std::uint32_t>& g) {
  std::vector<Path> out;
  int x = 0, y = 0;
  std::size_t i = 0;
  auto unzig = [](std::uint32_t v) { return static_cast<int>((v >> 1) ^ (~(v & 1) + 1)); };
  while (i < g.size()) {
    std::uint32_t id = g[i] & 7, count = g[i] >> 3;
    ++i;
    if (id == 7) continue;
    for (std::uint32_t k = 0; k < count; ++k) {
      x += unzig(g[i++]);
      y += unzig(g[i++]);
      if (id == 1) out.emplace_back();
      out.back().emplace_back(x, y);
    }
  }
  return out;
}

std::int64_t area2(const Path& r) {
  std::int64_t s = 0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    auto a = r[i], b = r[(i + 1) % r.size()];
    s += std::int64_t{a.first} * b.second - std::int64_t{b.first} * a.second;
  }
  return s;
}

// --- store fixture ----------------------------------------------------------------------------

geo::Geometry point(double x, double y) {
  return geo::Geometry{geo::GeometryType::point, false, {{x, y, 0}}, {}, {}};
}
geo::Ring ring(std::vector<std::pair<double, double>> pts) {
  geo::Ring r;
  for (auto [x, y] : pts) r.push_back({x, y, 0});
  return r;
}
geo::Geometry box(double x0, double y0, double x1, double y1) {
  geo::Geometry g;
  g.type = geo::GeometryType::polygon;
  g.rings = {ring({{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}})};
  return g;
}

Feature feature(std::int64_t id, const geo::Geometry& g, std::vector<Value> props = {},
                Interval t = {}) {
  Feature f;
  f.id = id;
  f.wkb = geo::to_wkb(g);
  f.envelope = g.envelope();
  f.properties = std::move(props);
  f.valid_time = t;
  return f;
}

class VectorTileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/shikong-tiles-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    storage::SqliteOptions o;
    o.data_dir = dir_;
    store_ = storage::open_sqlite_store(o);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  storage::DatasetInfo import(const std::string& id, Schema schema,
                              const std::vector<Feature>& fs) {
    storage::DatasetInfo d;
    d.id = id;
    d.title = id;
    d.schema = std::move(schema);
    auto s = store_->begin_import(d);
    for (const auto& f : fs) s->write(f);
    return s->commit();
  }

  std::string tile(const storage::DatasetInfo& ds, std::string_view set, std::string_view matrix,
                   std::int64_t row, std::int64_t col, const VectorTileOptions& o = {},
                   std::vector<std::string> fields = {}) {
    VectorTileLayer layer{ds, std::move(fields)};
    return build_vector_tile(*store_, std::span(&layer, 1), locate_tile(set, matrix, row, col), o);
  }

  fs::path dir_;
  std::unique_ptr<storage::Store> store_;
};

// CGCS2000Quad level 1, column 1 is lon 0..180, lat -90..90: at extent 4096 one tile unit is
// 180/4096 degree, so 11.25 degrees are 256 units and x = lon * 4096 / 180, y = (90 - lat) * ...

TEST_F(VectorTileTest, SquareLineAndMultipolygonWithHole) {
  geo::Geometry line;
  line.type = geo::GeometryType::line_string;
  line.coords = {{-45, 45, 0}, {45, 45, 0}};  // crosses the tile's west edge
  geo::Geometry mp;
  mp.type = geo::GeometryType::multi_polygon;
  geo::Geometry a = box(0, 0, 45, 45);
  a.rings.push_back(
      ring({{11.25, 11.25}, {22.5, 11.25}, {22.5, 22.5}, {11.25, 22.5}, {11.25, 11.25}}));
  mp.parts = {a, box(90, -45, 135, 0)};
  auto ds =
      import("shapes", {}, {feature(1, box(45, 0, 90, 45)), feature(2, line), feature(3, mp)});

  std::string bytes = tile(ds, "CGCS2000Quad", "1", 0, 1);
  auto layers = decode(bytes);
  ASSERT_EQ(layers.size(), 1u);
  const auto& l = layers[0];
  EXPECT_EQ(l.name, "shapes");
  EXPECT_EQ(l.version, 2u);
  EXPECT_EQ(l.extent, 4096u);
  ASSERT_EQ(l.features.size(), 3u);

  // The square: ring reversed from lon/lat counter-clockwise to clockwise on screen.
  const auto& sq = l.features[0];
  EXPECT_EQ(sq.id, 1u);
  EXPECT_EQ(sq.type, 3);
  EXPECT_EQ(sq.geometry,
            (std::vector<std::uint32_t>{9, 2048, 2048, 26, 2048, 0, 0, 2048, 2047, 0, 15}));
  auto sq_paths = paths(sq.geometry);
  ASSERT_EQ(sq_paths.size(), 1u);
  EXPECT_EQ(sq_paths[0], (Path{{1024, 1024}, {2048, 1024}, {2048, 2048}, {1024, 2048}}));
  EXPECT_GT(area2(sq_paths[0]), 0);

  // The line is cut at the buffer's edge (-64).
  const auto& ln = l.features[1];
  EXPECT_EQ(ln.id, 2u);
  EXPECT_EQ(ln.type, 2);
  EXPECT_EQ(ln.geometry, (std::vector<std::uint32_t>{9, 127, 2048, 10, 2176, 0}));

  // Two exteriors (positive), one hole (negative) after the first.
  const auto& m = l.features[2];
  EXPECT_EQ(m.type, 3);
  auto rings = paths(m.geometry);
  ASSERT_EQ(rings.size(), 3u);
  EXPECT_EQ(rings[0], (Path{{0, 1024}, {1024, 1024}, {1024, 2048}, {0, 2048}}));
  EXPECT_EQ(rings[1],
            (Path{{256, 2048 - 256}, {512, 2048 - 256}, {512, 2048 - 512}, {256, 2048 - 512}}));
  EXPECT_EQ(rings[2], (Path{{2048, 2048}, {3072, 2048}, {3072, 3072}, {2048, 3072}}));
  EXPECT_GT(area2(rings[0]), 0);
  EXPECT_LT(area2(rings[1]), 0);
  EXPECT_GT(area2(rings[2]), 0);
  // Three ClosePath commands, one per ring.
  EXPECT_EQ(std::count(m.geometry.begin(), m.geometry.end(), 15u), 3);

  // The western tile sees the line's western half and a buffer-wide sliver of the
  // multipolygon (its hole and second polygon are beyond the buffer; the square too).
  auto west = decode(tile(ds, "CGCS2000Quad", "1", 0, 0));
  ASSERT_EQ(west.size(), 1u);
  ASSERT_EQ(west[0].features.size(), 2u);
  EXPECT_EQ(west[0].features[0].geometry,
            (std::vector<std::uint32_t>{9, 6144, 2048, 10, 2176, 0}));  // 3072..4160
  auto sliver = paths(west[0].features[1].geometry);
  ASSERT_EQ(sliver.size(), 1u);  // the hole is outside the buffer, the second polygon too
  EXPECT_EQ(sliver[0], (Path{{4096, 1024}, {4160, 1024}, {4160, 2048}, {4096, 2048}}));
}

TEST_F(VectorTileTest, PolygonCoveringTheTileIsTheBufferedSquare) {
  auto ds = import("cover", {}, {feature(7, box(-170, -80, 170, 80))});
  VectorTileOptions o;
  o.buffer = 16;
  auto layers = decode(tile(ds, "CGCS2000Quad", "5", 3, 10, o));
  ASSERT_EQ(layers.size(), 1u);
  ASSERT_EQ(layers[0].features.size(), 1u);
  auto r = paths(layers[0].features[0].geometry);
  ASSERT_EQ(r.size(), 1u);
  ASSERT_EQ(r[0].size(), 4u);
  EXPECT_EQ(area2(r[0]), 2LL * 4128 * 4128);
  for (auto [x, y] : r[0]) {
    EXPECT_TRUE(x == -16 || x == 4112);
    EXPECT_TRUE(y == -16 || y == 4112);
  }
}

TEST_F(VectorTileTest, EmptyTileIsZeroBytes) {
  auto ds = import("far", {}, {feature(1, point(100, 30))});
  EXPECT_EQ(tile(ds, "CGCS2000Quad", "1", 0, 0), "");
  EXPECT_NE(tile(ds, "CGCS2000Quad", "1", 0, 1), "");
  // Tiny polygons that collapse below a unit leave nothing either.
  auto tiny = import("tiny", {}, {feature(1, box(100, 30, 100.001, 30.001))});
  EXPECT_EQ(tile(tiny, "CGCS2000Quad", "1", 0, 1), "");
}

Schema typed_schema() {
  Schema s;
  s.fields = {{"name", FieldType::text},  {"n", FieldType::integer},   {"neg", FieldType::integer},
              {"r", FieldType::real},     {"b", FieldType::boolean},   {"d", FieldType::date},
              {"t", FieldType::datetime}, {"missing", FieldType::text}};
  return s;
}

TEST_F(VectorTileTest, AttributesAreTypedDeduplicatedAndSelectable) {
  auto ds =
      import("typed", typed_schema(),
             {feature(10, point(100, 30),
                      {std::string("北京"), std::int64_t{42}, std::int64_t{-7}, 3.25, true,
                       date_from_civil(2008, 8, 8), Instant::from_seconds(1218196800), Value{}}),
              feature(11, point(101, 31),
                      {std::string("北京"), std::int64_t{42}, std::int64_t{-8}, 0.5, false, Value{},
                       Value{}, Value{}})});
  auto layers = decode(tile(ds, "CGCS2000Quad", "1", 0, 1));
  ASSERT_EQ(layers.size(), 1u);
  const auto& l = layers[0];
  ASSERT_EQ(l.features.size(), 2u);
  EXPECT_EQ(l.features[0].id, 10u);
  EXPECT_EQ(l.features[0].type, 1);
  EXPECT_EQ(l.features[0].props,
            (std::map<std::string, std::string>{{"name", "string:北京"},
                                                {"n", "uint:42"},
                                                {"neg", "sint:-7"},
                                                {"r", "double:3.25"},
                                                {"b", "bool:true"},
                                                {"d", "string:2008-08-08"},
                                                {"t", "string:2008-08-08T12:00:00Z"}}));
  EXPECT_EQ(l.features[1].props, (std::map<std::string, std::string>{{"name", "string:北京"},
                                                                     {"n", "uint:42"},
                                                                     {"neg", "sint:-8"},
                                                                     {"r", "double:0.5"},
                                                                     {"b", "bool:false"}}));
  // Shared values and keys are stored once; "missing" (always null) never becomes a key.
  EXPECT_EQ(l.keys.size(), 7u);
  EXPECT_EQ(std::count(l.values.begin(), l.values.end(), "string:北京"), 1);
  EXPECT_EQ(std::count(l.values.begin(), l.values.end(), "uint:42"), 1);
  EXPECT_EQ(l.values.size(), 10u);
  // Point at lon 100, lat 30: (2275.6, 1365.3) -> (2276, 1365).
  EXPECT_EQ(l.features[0].geometry, (std::vector<std::uint32_t>{9, 4552, 2730}));

  auto some = decode(tile(ds, "CGCS2000Quad", "1", 0, 1, {}, {"neg", "b", "neg"}));
  ASSERT_EQ(some[0].features.size(), 2u);
  EXPECT_EQ(some[0].features[0].props,
            (std::map<std::string, std::string>{{"neg", "sint:-7"}, {"b", "bool:true"}}));
  EXPECT_EQ(some[0].keys, (std::vector<std::string>{"neg", "b"}));
  try {
    tile(ds, "CGCS2000Quad", "1", 0, 1, {}, {"nope"});
    FAIL() << "unknown field accepted";
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "unknown-field");
    EXPECT_EQ(e.parameter(), "fields");
  }
}

TEST_F(VectorTileTest, PointsThinnedClusteredOrAll) {
  Schema s;
  s.fields = {{"name", FieldType::text}};
  // Three points in one 16-unit cell of level 1 (x 224..240, y 1808..1824) and one alone.
  auto ds = import("pts", s,
                   {feature(1, point(10, 10), {std::string("a")}),
                    feature(2, point(10.1, 10.1), {std::string("b")}),
                    feature(3, point(10.2, 10.2), {std::string("c")}),
                    feature(4, point(50, 50), {std::string("d")})});
  VectorTileOptions o;
  o.points = PointMode::thin;
  auto thin = decode(tile(ds, "CGCS2000Quad", "1", 0, 1, o));
  ASSERT_EQ(thin[0].features.size(), 2u);
  EXPECT_EQ(thin[0].features[0].id, 1u);
  EXPECT_EQ(thin[0].features[1].id, 4u);

  o.points = PointMode::cluster;
  auto cl = decode(tile(ds, "CGCS2000Quad", "1", 0, 1, o));
  ASSERT_EQ(cl[0].features.size(), 2u);
  const auto& c = cl[0].features[0];
  EXPECT_FALSE(c.id);
  EXPECT_EQ(c.props, (std::map<std::string, std::string>{{"point_count", "uint:3"},
                                                         {"point_count_abbreviated", "string:3"}}));
  // Mean of (228, 1820), (230, 1818), (232, 1816).
  EXPECT_EQ(paths(c.geometry), (std::vector<Path>{{{230, 1818}}}));
  const auto& lone = cl[0].features[1];
  EXPECT_EQ(lone.id, 4u);
  EXPECT_EQ(lone.props, (std::map<std::string, std::string>{{"name", "string:d"}}));
  EXPECT_EQ(paths(lone.geometry), (std::vector<Path>{{{1138, 910}}}));

  o.points = PointMode::all;
  EXPECT_EQ(decode(tile(ds, "CGCS2000Quad", "1", 0, 1, o))[0].features.size(), 4u);
  // At and above point_full_level every point is kept whatever the mode.
  o.points = PointMode::cluster;
  o.point_full_level = 1;
  EXPECT_EQ(decode(tile(ds, "CGCS2000Quad", "1", 0, 1, o))[0].features.size(), 4u);
}

TEST_F(VectorTileTest, ClusterCountsAndAbbreviations) {
  std::vector<Feature> fs;
  // 1234 points in one cell near (10, 10), 15000 in another near (60, 60).
  for (int i = 0; i < 1234; ++i) fs.push_back(feature(0, point(10 + i * 1e-5, 10)));
  for (int i = 0; i < 15000; ++i) fs.push_back(feature(0, point(60, 60 + i * 1e-6)));
  auto ds = import("many", {}, fs);
  VectorTileOptions o;
  o.points = PointMode::cluster;
  auto l = decode(tile(ds, "CGCS2000Quad", "1", 0, 1, o));
  ASSERT_EQ(l[0].features.size(), 2u);
  EXPECT_EQ(l[0].features[0].props.at("point_count"), "uint:1234");
  EXPECT_EQ(l[0].features[0].props.at("point_count_abbreviated"), "string:1.2k");
  EXPECT_EQ(l[0].features[1].props.at("point_count"), "uint:15000");
  EXPECT_EQ(l[0].features[1].props.at("point_count_abbreviated"), "string:15k");
  o.points = PointMode::thin;
  EXPECT_EQ(decode(tile(ds, "CGCS2000Quad", "1", 0, 1, o))[0].features.size(), 2u);
}

TEST_F(VectorTileTest, MaxFeaturesRefusesTheTile) {
  auto ds = import("two", {}, {feature(1, point(10, 10)), feature(2, point(100, 50))});
  VectorTileOptions o;
  o.max_features = 1;
  try {
    tile(ds, "CGCS2000Quad", "1", 0, 1, o);
    FAIL() << "tile with 2 features built under max_features 1";
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "tile-too-large");
  }
  o.max_features = 2;
  EXPECT_EQ(decode(tile(ds, "CGCS2000Quad", "1", 0, 1, o))[0].features.size(), 2u);
}

TEST_F(VectorTileTest, TimeFilterAndSeveralLayers) {
  Instant d1 = Instant::from_seconds(86400), d2 = Instant::from_seconds(10 * 86400);
  auto a = import("a", {},
                  {feature(1, point(10, 10), {}, Interval::at(d1)),
                   feature(2, point(100, 50), {}, Interval::at(d2))});
  auto b = import("b", {}, {feature(1, point(20, 20))});
  std::vector<VectorTileLayer> layers{{a, {}}, {b, {}}, {a, {}}};  // "a" twice: one layer
  VectorTileOptions o;
  o.time = Interval{d2, std::nullopt};
  auto t = decode(build_vector_tile(*store_, layers, locate_tile("c", "1", 0, 1), o));
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].name, "a");
  ASSERT_EQ(t[0].features.size(), 1u);
  EXPECT_EQ(t[0].features[0].id, 2u);
  EXPECT_EQ(t[1].name, "b");
  EXPECT_EQ(t[1].features.size(), 1u);
}

TEST_F(VectorTileTest, SimplificationAtCoarseLevelsOnly) {
  // A line with a 0.4-unit wiggle at level 1: simplified away; kept at the finest level.
  geo::Geometry line;
  line.type = geo::GeometryType::line_string;
  double unit = 180.0 / 4096;
  line.coords = {{10, 0, 0}, {20, 0.6 * unit, 0}, {30, 0, 0}};
  auto ds = import("wiggle", {}, {feature(1, line)});
  auto coarse = decode(tile(ds, "CGCS2000Quad", "1", 0, 1));
  EXPECT_EQ(paths(coarse[0].features[0].geometry).at(0).size(), 2u);
  VectorTileOptions off;
  off.simplify = 0;
  EXPECT_EQ(
      paths(decode(tile(ds, "CGCS2000Quad", "1", 0, 1, off))[0].features[0].geometry).at(0).size(),
      3u);
}

// --- GDAL reads what we write -------------------------------------------------------------------

TEST_F(VectorTileTest, GdalMvtDriverReadsTheTile) {
  Schema s;
  s.fields = {{"name", FieldType::text}, {"pop", FieldType::integer}, {"area", FieldType::real}};
  auto ds = import(
      "cities", s,
      {feature(5, point(116.39, 39.91), {std::string("北京"), std::int64_t{21893095}, 16410.5}),
       feature(6, point(121.47, 31.23), {std::string("上海"), std::int64_t{24870895}, 6340.5}),
       feature(7, box(110, 30, 112, 32), {std::string("box"), Value{}, 1.0})});
  VectorTileOptions o;
  o.points = PointMode::all;
  // WebMercatorQuad z=2 x=3 y=1: lon 90..180, lat 0..66.5.
  std::string bytes = tile(ds, "WebMercatorQuad", "2", 1, 3, o);
  ASSERT_FALSE(bytes.empty());
  fs::path file = dir_ / "tile.pbf";
  {
    std::ofstream out(file, std::ios::binary);
    out << bytes;
  }
  GDALAllRegister();
  const char* open_options[] = {"X=3", "Y=1", "Z=2", "METADATA_FILE=", nullptr};
  GDALDatasetH h =
      GDALOpenEx(file.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, open_options, nullptr);
  ASSERT_NE(h, nullptr);
  OGRLayerH layer = GDALDatasetGetLayerByName(h, "cities");
  ASSERT_NE(layer, nullptr);
  EXPECT_EQ(OGR_L_GetFeatureCount(layer, 1), 3);
  std::map<std::int64_t, std::string> names;
  OGR_L_ResetReading(layer);
  while (OGRFeatureH f = OGR_L_GetNextFeature(layer)) {
    // GDAL exposes the MVT feature id as the field mvt_id (FIDs are its own counter).
    std::int64_t fid = OGR_F_GetFieldAsInteger64(f, OGR_F_GetFieldIndex(f, "mvt_id"));
    names[fid] = OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "name"));
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    if (fid == 5) {
      EXPECT_EQ(OGR_F_GetFieldAsInteger64(f, OGR_F_GetFieldIndex(f, "pop")), 21893095);
      EXPECT_DOUBLE_EQ(OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "area")), 16410.5);
      // Within one tile unit (2 * 20037508 / 4 / 4096 = 2446 m) of Beijing in EPSG:3857.
      EXPECT_NEAR(OGR_G_GetX(g, 0), 12956475.53, 2446 / 2.0 + 1);
      EXPECT_NEAR(OGR_G_GetY(g, 0), 4852872.33, 2446 / 2.0 + 1);
    }
    if (fid == 7) {
      EXPECT_EQ(wkbFlatten(OGR_G_GetGeometryType(g)), wkbPolygon);
      EXPECT_FALSE(OGR_F_IsFieldSetAndNotNull(f, OGR_F_GetFieldIndex(f, "pop")));
      EXPECT_NEAR(OGR_G_Area(g), 57832876325.8, 1.2e9);
    }
    OGR_F_Destroy(f);
  }
  EXPECT_EQ(names, (std::map<std::int64_t, std::string>{{5, "北京"}, {6, "上海"}, {7, "box"}}));
  GDALClose(h);
}

// --- real data: Natural Earth countries against GEOS ------------------------------------------

class NaturalEarthTest : public VectorTileTest {
 protected:
  void SetUp() override {
    VectorTileTest::SetUp();
    GDALAllRegister();
    GDALDatasetH src = GDALOpenEx("/vsizip/" SHIKONG_SHARED_DATA "/naturalearth_lowres.shp.zip",
                                  GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
    ASSERT_NE(src, nullptr);
    OGRLayerH layer = GDALDatasetGetLayer(src, 0);
    Schema s;
    s.fields = {{"name", FieldType::text}};
    storage::DatasetInfo d;
    d.id = "countries";
    d.title = "countries";
    d.schema = s;
    auto session = store_->begin_import(d);
    OGR_L_ResetReading(layer);
    std::int64_t id = 0;
    while (OGRFeatureH f = OGR_L_GetNextFeature(layer)) {
      OGRGeometryH g = OGR_F_GetGeometryRef(f);
      Feature out;
      out.id = ++id;
      out.wkb.resize(static_cast<std::size_t>(OGR_G_WkbSize(g)));
      OGR_G_ExportToIsoWkb(g, wkbNDR, reinterpret_cast<unsigned char*>(out.wkb.data()));
      OGREnvelope e;
      OGR_G_GetEnvelope(g, &e);
      out.envelope = Envelope::of(e.MinX, e.MinY, e.MaxX, e.MaxY);
      out.properties = {std::string(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "name")))};
      // Reference: the country in EPSG:3857, kept by id for the area comparison.
      OGRGeometryH m = OGR_G_Clone(g);
      if (e.MinY > -85 && e.MaxY < 85) {
        OGR_G_AssignSpatialReference(m, wgs84_);
        EXPECT_EQ(OGR_G_TransformTo(m, mercator_), OGRERR_NONE);
        reference_[out.id] = m;
      } else {
        OGR_G_DestroyGeometry(m);  // Antarctica: not in the tiles below
      }
      session->write(out);
      OGR_F_Destroy(f);
    }
    countries_ = session->commit();
    GDALClose(src);
  }
  void TearDown() override {
    for (auto& [id, g] : reference_) OGR_G_DestroyGeometry(g);
    OSRDestroySpatialReference(wgs84_);
    OSRDestroySpatialReference(mercator_);
    VectorTileTest::TearDown();
  }
  static OGRSpatialReferenceH srs(int epsg) {
    OGRSpatialReferenceH s = OSRNewSpatialReference(nullptr);
    OSRImportFromEPSG(s, epsg);
    OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
    return s;
  }

  OGRSpatialReferenceH wgs84_ = srs(4326);
  OGRSpatialReferenceH mercator_ = srs(3857);
  std::map<std::int64_t, OGRGeometryH> reference_;
  storage::DatasetInfo countries_;
};

TEST_F(NaturalEarthTest, TileAreasMatchGeosIntersections) {
  VectorTileOptions o;
  o.simplify = 0;  // compare clipping and rounding alone
  for (auto [z, x, y] : std::vector<std::tuple<int, int, int>>{{2, 3, 1}, {3, 6, 3}, {4, 13, 6}}) {
    SCOPED_TRACE(::testing::Message() << z << "/" << x << "/" << y);
    std::string bytes = tile(countries_, "WebMercatorQuad", std::to_string(z), y, x, o);
    fs::path file = dir_ / "ne.pbf";
    {
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      out << bytes;
    }
    std::string xs = "X=" + std::to_string(x), ys = "Y=" + std::to_string(y),
                zs = "Z=" + std::to_string(z);
    const char* open_options[] = {xs.c_str(),       ys.c_str(), zs.c_str(),
                                  "METADATA_FILE=", "CLIP=NO",  nullptr};
    GDALDatasetH h =
        GDALOpenEx(file.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, open_options, nullptr);
    ASSERT_NE(h, nullptr);
    OGRLayerH layer = GDALDatasetGetLayerByName(h, "countries");
    ASSERT_NE(layer, nullptr);

    // The tile plus its 64-unit buffer, in metres.
    Envelope e = web_mercator_quad().tile_envelope(*web_mercator_quad().find_level(z), x, y);
    double unit = (e.max_x - e.min_x) / 4096, b = 64 * unit;
    OGRGeometryH clip = OGR_G_CreateGeometry(wkbPolygon);
    OGRGeometryH r = OGR_G_CreateGeometry(wkbLinearRing);
    OGR_G_AddPoint_2D(r, e.min_x - b, e.min_y - b);
    OGR_G_AddPoint_2D(r, e.max_x + b, e.min_y - b);
    OGR_G_AddPoint_2D(r, e.max_x + b, e.max_y + b);
    OGR_G_AddPoint_2D(r, e.min_x - b, e.max_y + b);
    OGR_G_AddPoint_2D(r, e.min_x - b, e.min_y - b);
    OGR_G_AddGeometryDirectly(clip, r);

    std::map<std::int64_t, double> got;
    OGR_L_ResetReading(layer);
    while (OGRFeatureH f = OGR_L_GetNextFeature(layer)) {
      std::int64_t id = OGR_F_GetFieldAsInteger64(f, OGR_F_GetFieldIndex(f, "mvt_id"));
      got[id] = OGR_G_Area(OGR_F_GetGeometryRef(f));
      OGR_F_Destroy(f);
    }
    GDALClose(h);
    ASSERT_FALSE(got.empty());

    int compared = 0;
    for (auto& [id, g] : reference_) {
      OGRGeometryH inter = OGR_G_Intersection(g, clip);
      double want = inter ? OGR_G_Area(inter) : 0;
      // Rounding moves each boundary vertex by at most half a unit: the area by at most
      // the clipped boundary's length times half a unit (plus vanishing slivers).
      double perimeter = 0;
      if (inter) {
        OGRGeometryH boundary = OGR_G_Boundary(inter);
        if (boundary) {
          perimeter = OGR_G_Length(boundary);
          OGR_G_DestroyGeometry(boundary);
        }
        OGR_G_DestroyGeometry(inter);
      }
      double tolerance = perimeter * unit * 0.5 + 4 * unit * unit;
      auto it = got.find(id);
      double have = it == got.end() ? 0 : it->second;
      EXPECT_NEAR(have, want, tolerance) << "country " << id;
      if (want > 0) ++compared;
    }
    EXPECT_GT(compared, 3);
    OGR_G_DestroyGeometry(clip);
  }
}

}  // namespace
}  // namespace shikong::tiles
