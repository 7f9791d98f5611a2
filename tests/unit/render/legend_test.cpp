// Legends: rows per class with the class colours, sizes that follow the content or are forced,
// proportional sizes, heat map bar.
#include <cmath>
#include <set>

#include "core/error.hpp"
#include "render_fixture.hpp"

namespace shikong::render {
namespace {

using namespace testing;

int with_colour(const Image& img, std::uint32_t c) {
  return count_pixels(img, 0, 0, img.width, img.height, [c](auto p) { return p == c; });
}

style::ClassRule rule(std::string value, style::Color fill) {
  style::ClassRule r;
  r.value = Value{value};
  r.label = value;
  r.symbol.fill = fill;
  r.symbol.stroke_width = 0;
  return r;
}

TEST(LegendTest, SingleSymbolSwatch) {
  style::Style s;
  s.title = "道路";
  s.symbol.fill = {255, 0, 0, 255};
  s.symbol.stroke_width = 0;
  Image img = render_legend(s, geo::GeometryType::polygon);
  EXPECT_GT(img.width, 20);
  EXPECT_GT(img.height, 10);
  EXPECT_GE(with_colour(img, argb(255, 0, 0)), 20 * 13);
  // Opaque white background, dark text.
  EXPECT_EQ(img.pixel(0, 0), argb(255, 255, 255));
  EXPECT_GT(count_pixels(img, 0, 0, img.width, img.height,
                         [](auto p) { return red(p) < 80 && green(p) < 80 && blue(p) < 80; }),
            20);
}

TEST(LegendTest, OneRowPerClass) {
  style::Style s;
  s.kind = style::StyleKind::categorized;
  s.field = "kind";
  s.title = "Land use";
  s.rules = {rule("farm", {255, 0, 0, 255}), rule("forest", {0, 255, 0, 255})};
  Image two = render_legend(s, geo::GeometryType::multi_polygon);
  s.rules.push_back(rule("城市", {0, 0, 255, 255}));
  Image three = render_legend(s, geo::GeometryType::multi_polygon);
  EXPECT_GT(three.height, two.height);
  EXPECT_GT(with_colour(three, argb(255, 0, 0)), 100);
  EXPECT_GT(with_colour(three, argb(0, 255, 0)), 100);
  EXPECT_GT(with_colour(three, argb(0, 0, 255)), 100);
  EXPECT_EQ(with_colour(two, argb(0, 0, 255)), 0);
}

TEST(LegendTest, LineAndPointSwatches) {
  style::Style s;
  s.symbol.stroke = {0, 0, 255, 255};
  s.symbol.stroke_width = 3;
  s.symbol.fill = {255, 0, 0, 255};
  s.symbol.size = 12;
  Image lines = render_legend(s, geo::GeometryType::line_string);
  EXPECT_GT(with_colour(lines, argb(0, 0, 255)), 30);
  EXPECT_EQ(with_colour(lines, argb(255, 0, 0)), 0);  // lines have no fill
  Image points = render_legend(s, geo::GeometryType::point);
  EXPECT_GT(with_colour(points, argb(255, 0, 0)), 20);
}

TEST(LegendTest, ForcedSize) {
  style::Style s;
  Image img = render_legend(s, geo::GeometryType::point, 200, 100);
  EXPECT_EQ(img.width, 200);
  EXPECT_EQ(img.height, 100);
  EXPECT_EQ(img.pixels.size(), 200u * 100u);
  EXPECT_THROW(render_legend(s, geo::GeometryType::point, -1, 10), InvalidInput);
  EXPECT_THROW(render_legend(s, geo::GeometryType::point, 10, 100000), InvalidInput);
}

TEST(LegendTest, ProportionalShowsSeveralSizes) {
  style::Style s;
  s.kind = style::StyleKind::proportional;
  s.field = "pop";
  s.min_size = 6;
  s.max_size = 30;
  s.symbol.fill = {0, 255, 0, 255};
  s.symbol.stroke_width = 0;
  s.symbol.marker = style::Marker::square;
  style::ClassRule range;
  range.min = 0;
  range.max = 1000;
  range.symbol = s.symbol;
  s.rules = {range};
  Image img = render_legend(s, geo::GeometryType::point);
  // Squares for the largest, middle and smallest values, sized as the map draws them; edges on
  // fractional pixels are partly covered (pale green on the white background).
  int lo = 0, hi = 0;
  for (double v : {0.0, 500.0, 1000.0}) {
    const double side = style::symbol_for(s, Value{v}).size;
    hi += static_cast<int>(std::ceil(side) * std::ceil(side));
    lo += static_cast<int>((std::ceil(side) - 2) * (std::ceil(side) - 2));
  }
  EXPECT_EQ(style::symbol_for(s, Value{1000.0}).size, 30);
  EXPECT_EQ(style::symbol_for(s, Value{0.0}).size, 6);
  const int full = with_colour(img, argb(0, 255, 0));
  EXPECT_GE(full, lo);
  EXPECT_LE(full, hi);
}

TEST(LegendTest, HeatMapBar) {
  style::Style s;
  s.kind = style::StyleKind::heatmap;
  s.title = "Density";
  Image img = render_legend(s, geo::GeometryType::point);
  EXPECT_GE(img.width, 120);
  // The bar holds several distinct colours.
  std::size_t most = 0;
  for (int y = 0; y < img.height; ++y) {
    std::set<std::uint32_t> colours;
    for (int x = 8; x < 120; x += 8) colours.insert(img.pixel(x, y));
    most = std::max(most, colours.size());
  }
  EXPECT_GT(most, 5u);
}

}  // namespace
}  // namespace shikong::render
