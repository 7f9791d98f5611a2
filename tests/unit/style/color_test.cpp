// Colour parsing and writing, ramps, and zoom <-> scale denominators.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "style/style.hpp"

namespace shikong::style {
namespace {

TEST(Color, ParsesEveryForm) {
  EXPECT_EQ(parse_color("#3182bd"), (Color{0x31, 0x82, 0xbd, 255}));
  EXPECT_EQ(parse_color("#3182BDA0"), (Color{0x31, 0x82, 0xbd, 0xa0}));
  EXPECT_EQ(parse_color("#f80"), (Color{0xff, 0x88, 0x00, 255}));
  EXPECT_EQ(parse_color("#f808"), (Color{0xff, 0x88, 0x00, 0x88}));
  EXPECT_EQ(parse_color("rgb(1, 2, 3)"), (Color{1, 2, 3, 255}));
  EXPECT_EQ(parse_color("RGBA(10,20,30,0.5)"), (Color{10, 20, 30, 128}));
  EXPECT_EQ(parse_color("rgba(10,20,30,1)"), (Color{10, 20, 30, 255}));
  EXPECT_EQ(parse_color("rgba(10,20,30,0)"), (Color{10, 20, 30, 0}));
  EXPECT_EQ(parse_color(" Navy "), (Color{0, 0, 128, 255}));
  EXPECT_EQ(parse_color("orange"), (Color{255, 165, 0, 255}));
  EXPECT_EQ(parse_color("transparent"), (Color{0, 0, 0, 0}));
}

TEST(Color, RejectsMalformedWithTheParameter) {
  for (const char* bad : {"", "#", "#12", "#12345", "#1234567", "#gg0000", "rgb(1,2)",
                          "rgb(1,2,3,4)", "rgb(256,0,0)", "rgb(-1,0,0)", "rgba(1,2,3,1.5)",
                          "rgba(1,2,3)", "rgb(1.5,2,3)", "chartreuse", "rgb(1,2,3"}) {
    try {
      parse_color(bad, "/symbol/fill");
      ADD_FAILURE() << bad;
    } catch (const InvalidInput& e) {
      EXPECT_EQ(e.code(), "invalid-color") << bad;
      EXPECT_EQ(e.parameter(), "/symbol/fill") << bad;
    }
  }
}

TEST(Color, WritesHexWithAlphaOnlyWhenTranslucent) {
  EXPECT_EQ(to_hex(Color{0x31, 0x82, 0xbd, 255}), "#3182bd");
  EXPECT_EQ(to_hex(Color{0, 0, 0, 0}), "#00000000");
  EXPECT_EQ(to_hex(Color{255, 1, 16, 160}), "#ff0110a0");
  EXPECT_EQ(parse_color(to_hex(Color{7, 8, 9, 10})), (Color{7, 8, 9, 10}));
}

TEST(Ramps, AnchorsAndSampling) {
  const auto names = ramp_names();
  for (const char* n : {"YlOrRd", "Blues", "Greens", "Reds", "Purples", "OrRd", "YlGnBu", "viridis",
                        "RdBu", "Spectral", "Set1", "Set2", "Paired", "heat"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  const auto blues = ramp_colors("Blues", 9);
  ASSERT_EQ(blues.size(), 9u);
  EXPECT_EQ(to_hex(blues[0]), "#f7fbff");
  EXPECT_EQ(to_hex(blues[4]), "#6baed6");
  EXPECT_EQ(to_hex(blues[8]), "#08306b");
  const auto two = ramp_colors("YlOrRd", 2);
  EXPECT_EQ(to_hex(two[0]), "#ffffcc");
  EXPECT_EQ(to_hex(two[1]), "#800026");
  EXPECT_EQ(to_hex(ramp_colors("YlOrRd", 1)[0]), "#fd8d3c");  // the middle anchor
  const auto reds = ramp_colors("reds", 3);                   // names match case-insensitively
  EXPECT_EQ(to_hex(reds[1]), "#fb6a4a");
  // Between anchors: halfway from #ffffcc to #ffeda0 at 1/16 of YlOrRd (17 colours).
  EXPECT_EQ(to_hex(ramp_colors("YlOrRd", 17)[1]), "#fff6b6");
  const auto set1 = ramp_colors("Set1", 10);  // qualitative: in order, then again
  EXPECT_EQ(to_hex(set1[0]), "#e41a1c");
  EXPECT_EQ(to_hex(set1[8]), "#999999");
  EXPECT_EQ(to_hex(set1[9]), "#e41a1c");
  const auto heat = ramp_colors("heat", 6);
  EXPECT_EQ(to_hex(heat[0]), "#0000ff00");
  EXPECT_EQ(to_hex(heat[5]), "#ff0000");
  EXPECT_TRUE(ramp_colors("Blues", 0).empty());
  try {
    ramp_colors("Rainbow", 3);
    ADD_FAILURE();
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "invalid-style");
    EXPECT_EQ(e.parameter(), "/ramp");
  }
}

TEST(Scale, ZoomAndScaleDenominator) {
  EXPECT_NEAR(scale_denominator_for_zoom(0), 559082264.0287178, 1e-6);
  EXPECT_NEAR(scale_denominator_for_zoom(10), 545978.7734655447, 1e-6);
  EXPECT_NEAR(zoom_for_scale_denominator(545978.7734655447), 10, 1e-12);
  EXPECT_NEAR(zoom_for_scale_denominator(scale_denominator_for_zoom(13.5)), 13.5, 1e-12);
}

}  // namespace
}  // namespace shikong::style
