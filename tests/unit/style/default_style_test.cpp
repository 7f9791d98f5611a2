// Default styles: symbols per geometry type, the colour from the dataset id, the label field.
#include <gtest/gtest.h>

#include "style/style.hpp"

namespace shikong::style {
namespace {

TEST(DefaultStyle, ColourComesFromTheId) {
  // FNV-1a of the id, mod 360, as the hue; saturation 65 %, lightness 45 %.
  EXPECT_EQ(to_hex(color_for_id("roads")), "#28bd64");
  EXPECT_EQ(to_hex(color_for_id("provinces")), "#9bbd28");
  EXPECT_EQ(to_hex(color_for_id("cities")), "#b828bd");
}

TEST(DefaultStyle, SymbolsPerGeometryType) {
  const Schema none;
  const Style poly = default_style("provinces", geo::GeometryType::multi_polygon, none);
  EXPECT_EQ(poly.name, "default");
  EXPECT_EQ(poly.kind, StyleKind::single);
  EXPECT_EQ(to_hex(poly.symbol.fill), "#9bbd2860");  // translucent
  EXPECT_EQ(to_hex(poly.symbol.stroke), "#5d7118");  // the same hue, darker
  EXPECT_EQ(poly.symbol.stroke_width, 1);
  EXPECT_FALSE(poly.label);

  const Style line = default_style("roads", geo::GeometryType::line_string, none);
  EXPECT_EQ(line.symbol.fill.a, 0);  // stroke only
  EXPECT_EQ(to_hex(line.symbol.stroke), "#28bd64");
  EXPECT_EQ(line.symbol.stroke_width, 2);

  const Style point = default_style("cities", geo::GeometryType::point, none);
  EXPECT_EQ(point.symbol.marker, Marker::circle);
  EXPECT_EQ(to_hex(point.symbol.fill), "#b828bde6");
  EXPECT_EQ(to_hex(point.symbol.stroke), "#ffffff");
  EXPECT_EQ(point.symbol.size, 8);

  // Unknown types are drawn like polygons (fill, stroke and markers all present).
  const Style any = default_style("provinces", geo::GeometryType::unknown, none);
  EXPECT_EQ(any.symbol, poly.symbol);
  // Same id, same style.
  EXPECT_EQ(default_style("roads", geo::GeometryType::line_string, none), line);
  // The default style is a valid style of its dataset and round-trips.
  EXPECT_NO_THROW(validate(point, none, geo::GeometryType::point));
  EXPECT_EQ(parse_style(to_json(point)), point);
}

TEST(DefaultStyle, LabelsGoOnANameLikeTextField) {
  auto label_of = [](std::vector<Field> fields) {
    const Style s = default_style("x", geo::GeometryType::point, Schema{std::move(fields)});
    return s.label ? s.label->field : std::string("(none)");
  };
  EXPECT_EQ(label_of({{"id", FieldType::integer}, {"NAME", FieldType::text}}), "NAME");
  EXPECT_EQ(label_of({{"title", FieldType::text}, {"名称", FieldType::text}}), "名称");
  EXPECT_EQ(label_of({{"Label", FieldType::text}, {"Title", FieldType::text}}), "Title");
  EXPECT_EQ(label_of({{"name", FieldType::integer}, {"label", FieldType::text}}), "label");
  EXPECT_EQ(label_of({{"code", FieldType::text}, {"admin_name", FieldType::text}}), "admin_name");
  EXPECT_EQ(label_of({{"code", FieldType::text}, {"pop", FieldType::real}}), "(none)");
  const Style s = default_style("x", geo::GeometryType::point, Schema{{{"name", FieldType::text}}});
  EXPECT_EQ(s.label->size, 12);
  EXPECT_EQ(s.label->font, "Noto Sans CJK SC");
}

}  // namespace
}  // namespace shikong::style
