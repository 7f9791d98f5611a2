// render_map against a real store: exact pixels of fills, holes, strokes, dashes, markers and
// classes; time filter; views in several CRSs; seamless tiles; limits; heat maps.
#include <cmath>
#include <numbers>

#include "core/error.hpp"
#include "render_fixture.hpp"

namespace shikong::render {
namespace {

using namespace testing;

constexpr std::uint32_t kRed = argb(255, 0, 0);
constexpr std::uint32_t kGreen = argb(0, 255, 0);
constexpr std::uint32_t kBlue = argb(0, 0, 255);

// 10 px per degree: pixel (i, j) covers x in [i/10, (i+1)/10], y in [30 - (j+1)/10, 30 - j/10].
const Envelope kBox = Envelope::of(0, 0, 30, 30);

TEST_F(RenderTest, PolygonFillsExactlyItsPixels) {
  auto ds = import("squares", {feature(box(10, 10, 20, 20))});
  Image img = render(view(kBox, 300, 300), {{ds, fill_style({255, 0, 0, 255}), {}}});
  ASSERT_EQ(img.width, 300);
  ASSERT_EQ(img.height, 300);
  EXPECT_EQ(img.pixel(150, 150), kRed);
  EXPECT_EQ(img.pixel(100, 100), kRed);  // corner pixels are wholly covered
  EXPECT_EQ(img.pixel(199, 199), kRed);
  EXPECT_EQ(img.pixel(99, 150), 0u);
  EXPECT_EQ(img.pixel(200, 150), 0u);
  EXPECT_EQ(img.pixel(150, 99), 0u);
  EXPECT_EQ(img.pixel(150, 200), 0u);
  EXPECT_EQ(count_pixels(img, 0, 0, 300, 300, [](auto p) { return p == kRed; }), 100 * 100);
  EXPECT_EQ(count_pixels(img, 0, 0, 300, 300, [](auto p) { return p != 0; }), 100 * 100);
}

TEST_F(RenderTest, HolesStayTransparentWhateverTheRingOrientation) {
  geo::Geometry same = box(10, 10, 20, 20);
  same.rings.push_back(box_ring(13, 13, 17, 17));  // same orientation as the exterior
  geo::Geometry reversed = box(10, 10, 20, 20);
  geo::Ring hole = box_ring(13, 13, 17, 17);
  std::reverse(hole.begin(), hole.end());
  reversed.rings.push_back(hole);
  for (const auto& g : {same, reversed}) {
    auto ds = import(&g == &same ? "holed-a" : "holed-b", {feature(g)});
    Image img = render(view(kBox, 300, 300), {{ds, fill_style({255, 0, 0, 255}), {}}});
    EXPECT_EQ(img.pixel(150, 150), 0u);
    EXPECT_EQ(img.pixel(130, 150), 0u);
    EXPECT_EQ(img.pixel(129, 150), kRed);
    EXPECT_EQ(img.pixel(110, 110), kRed);
    EXPECT_EQ(count_pixels(img, 0, 0, 300, 300, [](auto p) { return p == kRed; }),
              100 * 100 - 40 * 40);
  }
}

TEST_F(RenderTest, PolygonOutlineIsStroked) {
  auto ds = import("outlined", {feature(box(10, 10, 20, 20))});
  Image img =
      render(view(kBox, 300, 300), {{ds, fill_style({255, 0, 0, 255}, 2, {0, 0, 255, 255}), {}}});
  // The stroke is centred on the edge at x = 100 px: pixels 99 and 100 are blue.
  EXPECT_EQ(img.pixel(99, 150), kBlue);
  EXPECT_EQ(img.pixel(100, 150), kBlue);
  EXPECT_EQ(img.pixel(98, 150), 0u);
  EXPECT_EQ(img.pixel(101, 150), kRed);
}

TEST_F(RenderTest, LineStrokeWidthAndDashes) {
  auto ds = import("lines", {feature(line({{0, 15, 0}, {30, 15, 0}}))});
  style::Style s;
  s.symbol.stroke = {0, 0, 255, 255};
  s.symbol.stroke_width = 4;
  Image img = render(view(kBox, 300, 300), {{ds, s, {}}});
  // y = 15 is the row boundary 150: a 4 px line covers rows 148..151.
  for (int y = 148; y <= 151; ++y) EXPECT_EQ(img.pixel(150, y), kBlue) << y;
  EXPECT_EQ(img.pixel(150, 147), 0u);
  EXPECT_EQ(img.pixel(150, 152), 0u);

  s.symbol.dash = {10, 10};
  img = render(view(kBox, 300, 300), {{ds, s, {}}});
  // Dashes [0,10], [20,30], ... grow by the round caps (2 px): x = 15 lies in a gap.
  EXPECT_EQ(img.pixel(5, 150), kBlue);
  EXPECT_EQ(img.pixel(15, 150), 0u);
  EXPECT_EQ(img.pixel(25, 150), kBlue);
  EXPECT_EQ(img.pixel(35, 150), 0u);
}

TEST_F(RenderTest, MarkersAtTheirPosition) {
  auto ds = import("points", {feature(point(15, 15))});
  style::Style s;
  s.symbol.fill = {0, 255, 0, 255};
  s.symbol.stroke_width = 0;
  s.symbol.marker = style::Marker::square;
  s.symbol.size = 10;
  Image img = render(view(kBox, 300, 300), {{ds, s, {}}});
  // The point is at pixel corner (150, 150): the square covers pixels 145..154.
  EXPECT_EQ(img.pixel(145, 145), kGreen);
  EXPECT_EQ(img.pixel(154, 154), kGreen);
  EXPECT_EQ(img.pixel(144, 150), 0u);
  EXPECT_EQ(img.pixel(155, 150), 0u);
  EXPECT_EQ(img.pixel(150, 144), 0u);
  EXPECT_EQ(img.pixel(150, 155), 0u);
  EXPECT_EQ(count_pixels(img, 0, 0, 300, 300, [](auto p) { return p != 0; }), 100);

  s.symbol.marker = style::Marker::circle;
  s.symbol.stroke = {0, 0, 0, 255};
  s.symbol.stroke_width = 2;
  img = render(view(kBox, 300, 300), {{ds, s, {}}});
  EXPECT_EQ(img.pixel(150, 150), kGreen);
  EXPECT_EQ(img.pixel(149, 149), kGreen);
  // The outline runs at radius 4..6 px.
  const auto dark = [](std::uint32_t p) { return alpha(p) > 200 && green(p) < 100; };
  EXPECT_TRUE(dark(img.pixel(150, 145)));
  EXPECT_TRUE(dark(img.pixel(154, 150)));
  EXPECT_EQ(img.pixel(150, 157), 0u);
  EXPECT_EQ(img.pixel(143, 150), 0u);

  for (auto m : {style::Marker::triangle, style::Marker::star, style::Marker::cross}) {
    s.symbol.marker = m;
    s.symbol.size = 16;
    img = render(view(kBox, 300, 300), {{ds, s, {}}});
    EXPECT_EQ(img.pixel(150, 150), kGreen) << style::to_string(m);
    EXPECT_EQ(img.pixel(141, 141), 0u) << style::to_string(m);
    EXPECT_GT(count_pixels(img, 140, 140, 160, 160, [](auto p) { return alpha(p) == 255; }), 40);
  }
}

TEST_F(RenderTest, CategorizedClassesHaveTheirColours) {
  Schema schema;
  schema.fields = {{"kind", FieldType::text}};
  auto ds =
      import("cats",
             {feature(point(5, 5), {std::string("a")}), feature(point(15, 15), {std::string("b")}),
              feature(point(25, 25), {std::string("zzz")})},
             schema);
  style::Style s;
  s.kind = style::StyleKind::categorized;
  s.field = "kind";
  s.symbol.fill = {0, 255, 0, 255};  // other values
  s.symbol.stroke_width = 0;
  s.symbol.marker = style::Marker::square;
  style::ClassRule a, b;
  a.value = Value{std::string("a")};
  a.symbol = s.symbol;
  a.symbol.fill = {255, 0, 0, 255};
  b.value = Value{std::string("b")};
  b.symbol = s.symbol;
  b.symbol.fill = {0, 0, 255, 255};
  s.rules = {a, b};
  Image img = render(view(kBox, 300, 300), {{ds, s, {}}});
  EXPECT_EQ(img.pixel(50, 250), kRed);
  EXPECT_EQ(img.pixel(150, 150), kBlue);
  EXPECT_EQ(img.pixel(250, 50), kGreen);
}

TEST_F(RenderTest, GraduatedClassesHaveTheirColours) {
  Schema schema;
  schema.fields = {{"pop", FieldType::real}};
  auto ds = import("grad",
                   {feature(box(0, 0, 10, 10), {1.0}), feature(box(10, 10, 20, 20), {5.0}),
                    feature(box(20, 20, 30, 30), {10.0})},
                   schema);
  style::Style s;
  s.kind = style::StyleKind::graduated;
  s.field = "pop";
  s.symbol = fill_style({0, 0, 0, 255}).symbol;
  auto rule = [&](double lo, double hi, style::Color c) {
    style::ClassRule r;
    r.min = lo;
    r.max = hi;
    r.symbol = s.symbol;
    r.symbol.fill = c;
    return r;
  };
  s.rules = {rule(0, 4, {255, 0, 0, 255}), rule(4, 8, {0, 255, 0, 255}),
             rule(8, 10, {0, 0, 255, 255})};
  Image img = render(view(kBox, 300, 300), {{ds, s, {}}});
  EXPECT_EQ(img.pixel(50, 250), kRed);
  EXPECT_EQ(img.pixel(150, 150), kGreen);
  EXPECT_EQ(img.pixel(250, 50), kBlue);  // the last class includes its max
}

TEST_F(RenderTest, TimeFilterSelectsFeatures) {
  auto ds = import("timed", {feature(box(0, 0, 10, 10), {}, Interval{day(10), day(20)}),
                             feature(box(20, 20, 30, 30), {}, Interval{day(30), day(40)})});
  const auto s = fill_style({255, 0, 0, 255});
  Image img = render(view(kBox, 300, 300), {{ds, s, Interval{day(12), day(15)}}});
  EXPECT_EQ(img.pixel(50, 250), kRed);
  EXPECT_EQ(img.pixel(250, 50), 0u);
  img = render(view(kBox, 300, 300), {{ds, s, Interval::at(day(35))}});
  EXPECT_EQ(img.pixel(50, 250), 0u);
  EXPECT_EQ(img.pixel(250, 50), kRed);
  img = render(view(kBox, 300, 300), {{ds, s, std::nullopt}});
  EXPECT_EQ(img.pixel(50, 250), kRed);
  EXPECT_EQ(img.pixel(250, 50), kRed);
}

TEST_F(RenderTest, LayersDrawInOrder) {
  auto a = import("under", {feature(box(0, 0, 20, 20))});
  auto b = import("over", {feature(box(10, 10, 30, 30))});
  Image img = render(view(kBox, 300, 300), {{a, fill_style({255, 0, 0, 255}), {}},
                                            {b, fill_style({0, 0, 255, 255}), {}}});
  EXPECT_EQ(img.pixel(50, 250), kRed);
  EXPECT_EQ(img.pixel(150, 150), kBlue);
  EXPECT_EQ(img.pixel(250, 50), kBlue);
}

TEST_F(RenderTest, SemiTransparentFillIsPremultiplied) {
  auto ds = import("glass", {feature(box(10, 10, 20, 20))});
  Image img = render(view(kBox, 300, 300), {{ds, fill_style({255, 0, 0, 128}), {}}});
  EXPECT_EQ(img.pixel(150, 150), 0x80800000u);
  RenderOptions opaque;
  opaque.transparent = false;
  opaque.background = {0, 0, 255, 255};
  img = render(view(kBox, 300, 300), {{ds, fill_style({255, 0, 0, 128}), {}}}, opaque);
  EXPECT_EQ(img.pixel(10, 10), kBlue);
  EXPECT_EQ(alpha(img.pixel(150, 150)), 255u);
  EXPECT_NEAR(red(img.pixel(150, 150)), 128, 1);
  EXPECT_NEAR(blue(img.pixel(150, 150)), 127, 1);
}

// Pixel of (lon, lat) in a Web Mercator view of the same degrees box.
double mercator_y(double lat) {
  return 6378137.0 * std::log(std::tan(std::numbers::pi / 4 + lat * std::numbers::pi / 360));
}

TEST_F(RenderTest, SameFeatureLandsWhereEachViewCrsPutsIt) {
  auto ds = import("beijing", {feature(point(116.4, 39.9))});
  style::Style s;
  s.symbol.fill = {0, 255, 0, 255};
  s.symbol.stroke_width = 0;
  s.symbol.marker = style::Marker::square;
  s.symbol.size = 4;
  const auto near = [](const Image& img, double px, double py) {
    return count_pixels(img, static_cast<int>(std::floor(px)) - 1,
                        static_cast<int>(std::floor(py)) - 1, static_cast<int>(std::floor(px)) + 2,
                        static_cast<int>(std::floor(py)) + 2, [](auto p) { return p != 0; });
  };
  const auto total = [](const Image& img) {
    return count_pixels(img, 0, 0, img.width, img.height, [](auto p) { return p != 0; });
  };

  // EPSG:4490: 10 px per degree; (116.4, 39.9) -> (64, 101).
  Image geo = render(view(Envelope::of(110, 20, 130, 50), 200, 300), {{ds, s, {}}});
  EXPECT_EQ(near(geo, 64, 101), 9);
  EXPECT_EQ(total(geo), 16);

  // EPSG:4326 and CRS84 views of the same box put it in the same place.
  MapView wgs = view(Envelope::of(110, 20, 130, 50), 200, 300, 0, 4326);
  EXPECT_EQ(render(wgs, {{ds, s, {}}}).pixels, geo.pixels);

  // EPSG:3857: x is linear in longitude, y follows the Mercator formula.
  const double x0 = 6378137.0 * 110 * std::numbers::pi / 180;
  const double x1 = 6378137.0 * 130 * std::numbers::pi / 180;
  const double y0 = mercator_y(20), y1 = mercator_y(50);
  Image merc = render(view(Envelope::of(x0, y0, x1, y1), 200, 300, 0, 3857), {{ds, s, {}}});
  const double py = (y1 - mercator_y(39.9)) / (y1 - y0) * 300;
  EXPECT_GT(std::abs(py - 101), 5);  // the two views really differ
  EXPECT_EQ(near(merc, 64, py), 9);
  EXPECT_EQ(total(merc), 16);

  // A Gauss-Kruger zone goes through PROJ: a view centred on the point has it in the middle.
  double gx = 116.4, gy = 39.9;
  datum::transformer(datum::platform_crs(), datum::epsg(4547))->transform(gx, gy);
  Image gk =
      render(view(Envelope::of(gx - 5000, gy - 5000, gx + 5000, gy + 5000), 100, 100, 0, 4547),
             {{ds, s, {}}});
  EXPECT_EQ(near(gk, 50, 50), 9);
  EXPECT_EQ(total(gk), 16);
}

TEST_F(RenderTest, TilesRenderedApartMatchTheWholeImage) {
  Schema schema;
  schema.fields = {{"name", FieldType::text}};
  geo::Geometry poly = box(20, 5, 45, 20);
  poly.rings.push_back(box_ring(30, 8, 34, 12));
  auto areas = import("seam-areas", {feature(poly, {std::string("区域 Area")})}, schema);
  auto roads =
      import("seam-roads",
             {feature(line({{10, 28, 0}, {33, 22, 0}, {60, 3, 0}}), {std::string("路")})}, schema);
  auto places = import("seam-places",
                       {feature(point(30, 16), {std::string("Seam 标签")}),
                        feature(point(32, 26), {std::string("东")}),
                        feature(point(32.3, 16.5), {std::string("西")})},
                       schema);
  style::Style area = fill_style({255, 0, 0, 200}, 2, {0, 0, 0, 255});
  area.label = style::LabelRule{};
  area.label->field = "name";
  style::Style road;
  road.symbol.stroke = {0, 0, 255, 255};
  road.symbol.stroke_width = 3;
  road.symbol.dash = {12, 6};
  style::Style place;
  place.symbol.size = 12;
  place.label = style::LabelRule{};
  place.label->field = "name";
  place.label->size = 14;
  Schema value_schema;
  value_schema.fields = {{"v", FieldType::real}};
  auto dots = import("seam-dots",
                     {feature(point(31, 28), {1.0}), feature(point(32.5, 29), {3.0}),
                      feature(point(33, 27.5), {2.0}), feature(point(31.8, 2), {9.0})},
                     value_schema);
  style::Style heat;
  heat.kind = style::StyleKind::heatmap;
  heat.field = "v";
  heat.radius = 24;
  style::Style sized;
  sized.kind = style::StyleKind::proportional;
  sized.field = "v";
  style::ClassRule range;
  range.min = 1;
  range.max = 9;
  range.symbol.fill = {0, 160, 0, 180};
  sized.rules = {range};
  const std::vector<RenderLayer> layers = {{areas, area, {}},
                                           {roads, road, {}},
                                           {dots, heat, {}},
                                           {dots, sized, {}},
                                           {places, place, {}}};

  // 0.125 degree per pixel: tile edges fall on exact pixel boundaries.
  Image whole = render(view(Envelope::of(0, 0, 64, 32), 512, 256, 64), layers);
  Image left = render(view(Envelope::of(0, 0, 32, 32), 256, 256, 64), layers);
  Image right = render(view(Envelope::of(32, 0, 64, 32), 256, 256, 64), layers);
  int differ = 0, max_diff = 0;
  for (int y = 0; y < 256; ++y)
    for (int x = 0; x < 512; ++x) {
      const std::uint32_t a = whole.pixel(x, y);
      const std::uint32_t b = x < 256 ? left.pixel(x, y) : right.pixel(x - 256, y);
      int d = 0;
      for (int shift = 0; shift < 32; shift += 8)
        d = std::max(d, std::abs(int((a >> shift) & 0xff) - int((b >> shift) & 0xff)));
      if (d > 0) ++differ;
      max_diff = std::max(max_diff, d);
    }
  EXPECT_EQ(differ, 0);
  EXPECT_EQ(max_diff, 0);
  dump(whole, "seam");
  // The heat map and the proportional symbols are there.
  // (the heat ramp starts in blue: the rim of the kernels)
  EXPECT_GT(count_pixels(whole, 230, 0, 290, 50,
                         [](auto p) { return blue(p) > 150 && red(p) < 100 && alpha(p) > 0; }),
            50);
  EXPECT_GT(count_pixels(whole, 240, 230, 272, 256, [](auto p) { return green(p) > red(p) + 60; }),
            100);
  // The label at the seam is drawn in both tiles: dark text pixels on each side of x = 256.
  const auto dark = [](std::uint32_t p) { return alpha(p) == 255 && red(p) < 90 && blue(p) < 90; };
  EXPECT_GT(count_pixels(whole, 248, 118, 256, 138, dark), 0);
  EXPECT_GT(count_pixels(whole, 256, 118, 320, 138, dark), 0);
}

TEST_F(RenderTest, DeepZoomIntoLargeGeometriesClipsInsteadOfOverflowing) {
  auto polys = import("huge", {feature(box(-170, -80, 170, 80))});
  auto lines = import("long", {feature(line({{-170, 10.00005, 0}, {170, 10.00005, 0}}))});
  const Envelope tiny = Envelope::of(10, 10, 10.0001, 10.0001);
  Image img = render(view(tiny, 256, 256), {{polys, fill_style({255, 0, 0, 255}), {}}});
  EXPECT_EQ(count_pixels(img, 0, 0, 256, 256, [](auto p) { return p == kRed; }), 256 * 256);
  style::Style s;
  s.symbol.stroke = {0, 0, 255, 255};
  s.symbol.stroke_width = 2;
  img = render(view(tiny, 256, 256), {{lines, s, {}}});
  EXPECT_EQ(img.pixel(0, 127), kBlue);
  EXPECT_EQ(img.pixel(255, 128), kBlue);
  EXPECT_EQ(img.pixel(128, 120), 0u);
}

TEST_F(RenderTest, ZoomRangeOfTheStyle) {
  auto ds = import("ranged", {feature(box(10, 10, 20, 20))});
  auto s = fill_style({255, 0, 0, 255});
  MapView v = view(kBox, 300, 300);  // 0.1 degree per pixel: zoom 3.81
  EXPECT_NEAR(v.zoom(), std::log2(360.0 / 256 / 0.1), 1e-9);
  s.min_zoom = 5;
  EXPECT_EQ(count_pixels(render(v, {{ds, s, {}}}), 0, 0, 300, 300, [](auto p) { return p != 0; }),
            0);
  s.min_zoom = 0;
  s.max_zoom = 3;
  EXPECT_EQ(count_pixels(render(v, {{ds, s, {}}}), 0, 0, 300, 300, [](auto p) { return p != 0; }),
            0);
  s.max_zoom = 4;
  EXPECT_EQ(render(v, {{ds, s, {}}}).pixel(150, 150), kRed);
}

TEST_F(RenderTest, ViewZoomAndScale) {
  const double half = 6378137.0 * std::numbers::pi;
  MapView world = view(Envelope::of(-half, -half, half, half), 256, 256, 0, 3857);
  EXPECT_NEAR(world.zoom(), 0, 1e-9);
  EXPECT_NEAR(world.scale_denominator(), 559082264.0287178, 1e-3);
  world.width = world.height = 1024;
  EXPECT_NEAR(world.zoom(), 2, 1e-9);
  // CGCS2000Quad level 1: 2 x 1 tiles of 256 px over the world.
  MapView level1 = view(Envelope::of(-180, -90, 0, 90), 256, 256);
  EXPECT_NEAR(level1.zoom(), 1, 1e-9);
}

TEST_F(RenderTest, BadSizesAndTooManyFeatures) {
  auto ds = import("three", {feature(point(1, 1)), feature(point(2, 2)), feature(point(3, 3))});
  const std::vector<RenderLayer> layers = {{ds, style::Style{}, {}}};
  try {
    render(view(kBox, 0, 100), layers);
    FAIL() << "no error";
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "invalid-size");
    EXPECT_EQ(e.parameter(), "width");
  }
  EXPECT_THROW(render(view(kBox, 100, -1), layers), InvalidInput);
  EXPECT_THROW(render(view(kBox, 100000, 100), layers), InvalidInput);
  try {
    render(view(Envelope::of(10, 0, 0, 10), 100, 100), layers);
    FAIL() << "no error";
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "invalid-bbox");
  }
  RenderOptions o;
  o.max_features = 2;
  try {
    render(view(kBox, 100, 100), layers, o);
    FAIL() << "no error";
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "map-too-large");
  }
  o.max_features = 3;
  EXPECT_NO_THROW(render(view(kBox, 100, 100), layers, o));
  EXPECT_THROW(blank_image(0, 10, true, {}), InvalidInput);
  EXPECT_THROW(message_image(10, 0, "x", true), InvalidInput);
}

TEST_F(RenderTest, BlankAndMessageImages) {
  Image t = blank_image(20, 10, true, {255, 0, 0, 255});
  EXPECT_EQ(t.width, 20);
  EXPECT_EQ(t.height, 10);
  EXPECT_EQ(count_pixels(t, 0, 0, 20, 10, [](auto p) { return p != 0; }), 0);
  Image o = blank_image(20, 10, false, {0, 0, 255, 255});
  EXPECT_EQ(count_pixels(o, 0, 0, 20, 10, [](auto p) { return p == kBlue; }), 200);
  Image m = message_image(300, 60, "Layer 不存在: roads", false);
  const auto inked = [](std::uint32_t p) { return red(p) > 100 && green(p) < 100; };
  EXPECT_GT(count_pixels(m, 0, 0, 300, 30, inked), 30);
  EXPECT_EQ(count_pixels(m, 0, 40, 300, 60, inked), 0);
  EXPECT_EQ(alpha(m.pixel(299, 59)), 255u);
  Image mt = message_image(300, 60, "error", true);
  EXPECT_EQ(mt.pixel(299, 59), 0u);
}

TEST_F(RenderTest, HeatMapFromWeightedPoints) {
  Schema schema;
  schema.fields = {{"w", FieldType::real}};
  std::vector<Feature> fs;
  for (int i = 0; i < 5; ++i) fs.push_back(feature(point(10, 10), {1.0}));
  fs.push_back(feature(point(20, 20), {0.0}));  // zero weight: nothing
  auto ds = import("heat", fs, schema);
  style::Style s;
  s.kind = style::StyleKind::heatmap;
  s.radius = 20;
  Image unweighted = render(view(kBox, 300, 300), {{ds, s, {}}});
  s.field = "w";
  Image weighted = render(view(kBox, 300, 300), {{ds, s, {}}});
  // At (10, 10): density 5 from the five points.
  EXPECT_EQ(alpha(weighted.pixel(100, 200)), 255u);
  EXPECT_GT(alpha(weighted.pixel(110, 200)), 0u);    // within the 20 px radius
  EXPECT_EQ(weighted.pixel(121, 200), 0u);           // beyond it
  EXPECT_EQ(weighted.pixel(200, 100), 0u);           // the zero-weight point
  EXPECT_GT(alpha(unweighted.pixel(200, 100)), 0u);  // counted once without weights
  // The hot centre and the cooler rim have different colours.
  EXPECT_NE(weighted.pixel(100, 200) & 0xffffff, weighted.pixel(115, 200) & 0xffffff);
}

TEST_F(RenderTest, ProportionalSymbolsGrowWithTheValue) {
  Schema schema;
  schema.fields = {{"v", FieldType::integer}};
  auto ds = import(
      "prop",
      {feature(point(5, 15), {std::int64_t{1}}), feature(point(20, 15), {std::int64_t{100}})},
      schema);
  style::Style s;
  s.kind = style::StyleKind::proportional;
  s.field = "v";
  s.min_size = 4;
  s.max_size = 40;
  s.symbol.fill = {0, 255, 0, 255};
  s.symbol.stroke_width = 0;
  s.symbol.marker = style::Marker::square;
  style::ClassRule range;
  range.min = 1;
  range.max = 100;
  range.symbol = s.symbol;
  s.rules = {range};
  Image img = render(view(kBox, 300, 300), {{ds, s, {}}});
  const auto green_px = [](auto p) { return p == kGreen; };
  EXPECT_EQ(count_pixels(img, 0, 0, 120, 300, green_px), 4 * 4);
  EXPECT_EQ(count_pixels(img, 120, 0, 300, 300, green_px), 40 * 40);
}

}  // namespace
}  // namespace shikong::render
