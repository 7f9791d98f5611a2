// Labels: Chinese text really drawn with the CJK font, halo, placement beside points, at polygon
// interior points and line midpoints, and collisions resolved across layers.
#include <pango/pangocairo.h>

#include <thread>

#include "render_fixture.hpp"

namespace shikong::render {
namespace {

using namespace testing;

const Envelope kBox = Envelope::of(0, 0, 30, 30);

bool dark(std::uint32_t p) {
  // Glyph strokes are a pixel or two wide: anti-aliased edges count when mostly covered.
  return alpha(p) > 160 && red(p) < 110 && green(p) < 110 && blue(p) < 110;
}

Schema name_schema() {
  Schema s;
  s.fields = {{"name", FieldType::text}};
  return s;
}

style::Style labelled(style::Symbol symbol, double size = 16) {
  style::Style s;
  s.symbol = symbol;
  s.label = style::LabelRule{};
  s.label->field = "name";
  s.label->size = size;
  s.label->color = {0, 0, 0, 255};
  return s;
}

style::Symbol invisible() {
  style::Symbol s;
  s.fill.a = 0;
  s.stroke_width = 0;
  s.size = 0;
  return s;
}

TEST(FontTest, NotoSansCjkCoversChinese) {
  PangoFontMap* fm = pango_cairo_font_map_new();
  PangoContext* ctx = pango_font_map_create_context(fm);
  PangoLayout* layout = pango_layout_new(ctx);
  PangoFontDescription* d = pango_font_description_from_string("Noto Sans CJK SC 16px");
  pango_layout_set_font_description(layout, d);
  pango_layout_set_text(layout, "北京市 Beijing", -1);
  EXPECT_EQ(pango_layout_get_unknown_glyphs_count(layout), 0);
  pango_font_description_free(d);
  g_object_unref(layout);
  g_object_unref(ctx);
  g_object_unref(fm);
}

TEST_F(RenderTest, ChineseLabelBesideItsPoint) {
  auto ds = import("cities", {feature(point(15, 15), {std::string("北京市")})}, name_schema());
  style::Symbol marker;
  marker.size = 6;
  Image img = render(view(kBox, 300, 300), {{ds, labelled(marker), {}}});
  dump(img, "chinese");
  // Right of the marker (radius 3 + 2 px gap), vertically centred on the point at (150, 150).
  const int right = count_pixels(img, 155, 135, 220, 165, dark);
  EXPECT_GT(right, 40);
  EXPECT_EQ(count_pixels(img, 0, 0, 300, 300, dark), right);
  // The halo: light pixels around the glyphs.
  EXPECT_GT(count_pixels(img, 155, 135, 220, 165,
                         [](auto p) { return alpha(p) > 100 && red(p) > 200 && green(p) > 200; }),
            20);

  // An empty value has no label.
  auto blank = import("blank", {feature(point(15, 15), {std::string()})}, name_schema());
  Image none = render(view(kBox, 300, 300), {{blank, labelled(marker), {}}});
  EXPECT_EQ(count_pixels(none, 0, 0, 300, 300, dark), 0);
}

TEST_F(RenderTest, PointLabelMovesLeftAtTheRightEdge) {
  auto ds = import("edge", {feature(point(29.5, 15), {std::string("东方")})}, name_schema());
  Image img = render(view(kBox, 300, 300), {{ds, labelled(invisible()), {}}});
  dump(img, "edge");
  EXPECT_GT(count_pixels(img, 240, 135, 295, 165, dark), 40);
  EXPECT_EQ(count_pixels(img, 295, 0, 300, 300, dark), 0);
}

TEST_F(RenderTest, OverlappingLabelsDrawOnlyTheFirst) {
  // Polygon labels are centred with no other place to go: the second one is dropped.
  auto both = import("both",
                     {feature(box(10, 10, 20, 20), {std::string("甲甲甲")}),
                      feature(box(10, 10, 20, 20), {std::string("乙乙乙")})},
                     name_schema());
  auto first =
      import("first", {feature(box(10, 10, 20, 20), {std::string("甲甲甲")})}, name_schema());
  auto second =
      import("second", {feature(box(10, 10, 20, 20), {std::string("乙乙乙")})}, name_schema());
  const auto s = labelled(invisible());
  Image img_both = render(view(kBox, 300, 300), {{both, s, {}}});
  Image img_first = render(view(kBox, 300, 300), {{first, s, {}}});
  Image img_second = render(view(kBox, 300, 300), {{second, s, {}}});
  EXPECT_GT(count_pixels(img_first, 120, 140, 180, 160, dark), 40);
  EXPECT_EQ(img_both.pixels, img_first.pixels);
  EXPECT_NE(img_both.pixels, img_second.pixels);

  // Labels of all layers share the index: the second layer's label is dropped too.
  Image layered = render(view(kBox, 300, 300), {{first, s, {}}, {second, s, {}}});
  EXPECT_EQ(layered.pixels, img_first.pixels);
  // Far apart, both are drawn.
  auto apart =
      import("apart", {feature(box(0, 20, 10, 30), {std::string("乙乙乙")})}, name_schema());
  Image two = render(view(kBox, 300, 300), {{first, s, {}}, {apart, s, {}}});
  EXPECT_GT(count_pixels(two, 20, 40, 80, 60, dark), 40);
  EXPECT_GT(count_pixels(two, 120, 140, 180, 160, dark), 40);
}

TEST_F(RenderTest, PolygonLabelInsideEvenWhenTheCentroidIsNot) {
  // A U shape: its centroid (15, 17.5) lies in the notch, outside the polygon.
  geo::Geometry u;
  u.type = geo::GeometryType::polygon;
  u.rings = {{{0, 10, 0},
              {30, 10, 0},
              {30, 30, 0},
              {25, 30, 0},
              {25, 15, 0},
              {5, 15, 0},
              {5, 30, 0},
              {0, 30, 0},
              {0, 10, 0}}};
  auto ds = import("u", {feature(u, {std::string("U")})}, name_schema());
  style::Style s = labelled(invisible(), 12);
  Image img = render(view(kBox, 300, 300), {{ds, s, {}}});
  dump(img, "u");
  const int total = count_pixels(img, 0, 0, 300, 300, dark);
  EXPECT_GT(total, 5);
  // Every text pixel lies on the polygon (the bottom bar, or an arm): none in the notch.
  EXPECT_EQ(count_pixels(img, 52, 0, 248, 148, dark), 0);
}

TEST_F(RenderTest, LineLabelAtTheMidpoint) {
  auto ds =
      import("road", {feature(line({{2, 5, 0}, {2, 25, 0}, {28, 25, 0}}), {std::string("长安街")})},
             name_schema());
  style::Style s = labelled(invisible());
  Image img = render(view(kBox, 300, 300), {{ds, s, {}}});
  // Length 46: the midpoint is 3 units along the second segment, at (5, 25) -> px (50, 50).
  EXPECT_GT(count_pixels(img, 20, 38, 80, 62, dark), 40);
  EXPECT_EQ(count_pixels(img, 0, 70, 300, 300, dark), 0);
}

TEST_F(RenderTest, LabelZoomRange) {
  auto ds = import("zoomed", {feature(point(15, 15), {std::string("北京")})}, name_schema());
  style::Style s = labelled(invisible());
  s.label->min_zoom = 6;  // the view is at zoom 3.8
  Image img = render(view(kBox, 300, 300), {{ds, s, {}}});
  EXPECT_EQ(count_pixels(img, 0, 0, 300, 300, dark), 0);
}

TEST_F(RenderTest, WorkerThreadsRenderTheSameImage) {
  std::vector<Feature> fs;
  for (int i = 0; i < 40; ++i)
    fs.push_back(feature(point(1 + (i % 8) * 3.5, 2 + (i / 8) * 6),
                         {std::string(i % 2 ? "上海" : "Shanghai ") + std::to_string(i)}));
  auto ds = import("many", fs, name_schema());
  style::Style s = labelled(style::Symbol{}, 13);
  const MapView v = view(kBox, 300, 300, 16);
  const Image expected = render(v, {{ds, s, {}}});
  EXPECT_GT(count_pixels(expected, 0, 0, 300, 300, dark), 200);
  std::vector<Image> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int k = 0; k < 3; ++k) got[t] = render(v, {{ds, s, {}}});
    });
  for (auto& th : threads) th.join();
  for (const auto& img : got) EXPECT_EQ(img.pixels, expected.pixels);
}

}  // namespace
}  // namespace shikong::render
