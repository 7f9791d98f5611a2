// Shared by the renderer's tests: a real embedded store in a temporary directory, geometry
// builders, styles built as plain structs, and pixel helpers.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "geo/wkb.hpp"
#include "render/render.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace shikong::render::testing {

inline geo::Geometry point(double x, double y) {
  geo::Geometry g;
  g.type = geo::GeometryType::point;
  g.coords = {{x, y, 0}};
  return g;
}

inline geo::Ring box_ring(double x0, double y0, double x1, double y1) {
  return {{x0, y0, 0}, {x1, y0, 0}, {x1, y1, 0}, {x0, y1, 0}, {x0, y0, 0}};
}

inline geo::Geometry box(double x0, double y0, double x1, double y1) {
  geo::Geometry g;
  g.type = geo::GeometryType::polygon;
  g.rings = {box_ring(x0, y0, x1, y1)};
  return g;
}

inline geo::Geometry line(std::vector<geo::Coord> coords) {
  geo::Geometry g;
  g.type = geo::GeometryType::line_string;
  g.coords = std::move(coords);
  return g;
}

inline Feature feature(const geo::Geometry& g, std::vector<Value> props = {}, Interval t = {}) {
  Feature f;
  f.wkb = geo::to_wkb(g);
  f.envelope = g.envelope();
  f.valid_time = t;
  f.properties = std::move(props);
  return f;
}

inline Instant day(int d) {
  return Instant{static_cast<std::int64_t>(d) * 86'400'000'000LL};
}

// Premultiplied ARGB of an opaque colour.
constexpr std::uint32_t argb(std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  return 0xff000000u | (std::uint32_t{r} << 16) | (std::uint32_t{g} << 8) | b;
}
inline std::uint32_t alpha(std::uint32_t p) {
  return p >> 24;
}
inline std::uint32_t red(std::uint32_t p) {
  return (p >> 16) & 0xff;
}
inline std::uint32_t green(std::uint32_t p) {
  return (p >> 8) & 0xff;
}
inline std::uint32_t blue(std::uint32_t p) {
  return p & 0xff;
}

// Pixels in [x0, x1) x [y0, y1) for which `pred` holds.
template <typename Pred>
int count_pixels(const Image& img, int x0, int y0, int x1, int y1, Pred pred) {
  int n = 0;
  for (int y = std::max(0, y0); y < std::min(img.height, y1); ++y)
    for (int x = std::max(0, x0); x < std::min(img.width, x1); ++x)
      if (pred(img.pixel(x, y))) ++n;
  return n;
}

// With RENDER_TEST_DUMP set, writes the image to /tmp/render-<name>.png for a look.
inline void dump(const Image& img, const std::string& name) {
  if (!std::getenv("RENDER_TEST_DUMP")) return;
  const std::string png = encode(img, ImageFormat::png);
  std::ofstream("/tmp/render-" + name + ".png", std::ios::binary) << png;
}

inline style::Style fill_style(style::Color fill, double stroke_width = 0,
                               style::Color stroke = {0, 0, 0, 255}) {
  style::Style s;
  s.symbol.fill = fill;
  s.symbol.stroke = stroke;
  s.symbol.stroke_width = stroke_width;
  return s;
}

class RenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/shikong-render-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    storage::SqliteOptions o;
    o.data_dir = dir_;
    store_ = storage::open_sqlite_store(o);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  storage::DatasetInfo import(const std::string& id, const std::vector<Feature>& features,
                              Schema schema = {},
                              geo::GeometryType type = geo::GeometryType::unknown) {
    storage::DatasetInfo d;
    d.id = id;
    d.title = id;
    d.schema = std::move(schema);
    d.geometry_type = type;
    auto s = store_->begin_import(d);
    for (const auto& f : features) s->write(f);
    return s->commit();
  }

  static MapView view(Envelope bbox, int width, int height, int buffer = 0, int epsg_code = 4490) {
    MapView v;
    v.bbox = bbox;
    v.crs = datum::epsg(epsg_code);
    v.width = width;
    v.height = height;
    v.buffer = buffer;
    return v;
  }

  Image render(const MapView& v, std::vector<RenderLayer> layers, RenderOptions o = {}) {
    return render_map(*store_, v, layers, o);
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::Store> store_;
};

}  // namespace shikong::render::testing
