// Styles checked against a dataset's schema and geometry type, and the symbol each value gets.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "style/style.hpp"

namespace shikong::style {
namespace {

Schema schema() {
  return Schema{{{"name", FieldType::text},
                 {"pop", FieldType::integer},
                 {"area", FieldType::real},
                 {"ok", FieldType::boolean},
                 {"day", FieldType::date},
                 {"t", FieldType::datetime}}};
}

std::string error_pointer(const std::string& json, geo::GeometryType g) {
  try {
    validate(parse_style(json), schema(), g);
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "invalid-style");
    return e.parameter();
  }
  return "(valid)";
}

TEST(Validate, ChecksFieldsKindsAndRules) {
  using G = geo::GeometryType;
  const std::vector<std::tuple<std::string, G, std::string>> cases = {
      {R"({})", G::polygon, "(valid)"},
      {R"({"kind":"categorized"})", G::polygon, "/field"},
      {R"({"kind":"categorized","field":"nope"})", G::polygon, "/field"},
      {R"({"kind":"categorized","field":"name"})", G::polygon, "(valid)"},
      {R"({"kind":"categorized","field":"t"})", G::polygon, "/field"},
      {R"({"kind":"graduated","field":"name"})", G::polygon, "/field"},
      {R"({"kind":"graduated","field":"area"})", G::polygon, "(valid)"},
      {R"({"kind":"proportional","field":"pop"})", G::point, "(valid)"},
      {R"({"kind":"proportional","field":"pop"})", G::multi_point, "(valid)"},
      {R"({"kind":"proportional","field":"pop"})", G::polygon, "/kind"},
      {R"({"kind":"heatmap"})", G::point, "(valid)"},
      {R"({"kind":"heatmap","field":"ok"})", G::point, "/field"},
      {R"({"kind":"heatmap"})", G::line_string, "/kind"},
      {R"({"field":"nope"})", G::point, "/field"},
      {R"({"kind":"categorized","field":"pop","rules":[{"value":1},{"value":"x"}]})", G::point,
       "/rules/1/value"},
      {R"({"kind":"categorized","field":"pop","rules":[{"value":1},{"value":2.5}]})", G::point,
       "/rules/1/value"},
      {R"({"kind":"categorized","field":"pop","rules":[{"value":1},{"value":2.0}]})", G::point,
       "(valid)"},
      {R"({"kind":"categorized","field":"pop","rules":[{"value":1},{"value":1.0}]})", G::point,
       "/rules/1/value"},
      {R"({"kind":"categorized","field":"name","rules":[{"value":"a"},{"value":"a"}]})", G::point,
       "/rules/1/value"},
      {R"({"kind":"categorized","field":"ok","rules":[{"value":true},{"value":"false"}]})",
       G::point, "/rules/1/value"},
      {R"({"kind":"categorized","field":"day","rules":[{"value":"2024-01-01"}]})", G::point,
       "(valid)"},
      {R"({"kind":"categorized","field":"area","rules":[{"value":1.5},{"value":2}]})", G::point,
       "(valid)"},
      {R"({"kind":"graduated","field":"pop","rules":[{"min":0,"max":10},{"min":9,"max":20}]})",
       G::point, "/rules/1/min"},
      {R"({"kind":"graduated","field":"pop","rules":[{"min":0,"max":10},{"min":10,"max":20}]})",
       G::point, "(valid)"},
      {R"({"kind":"graduated","field":"pop","method":"manual"})", G::point, "/rules"},
      {R"({"label":{"field":"nope"}})", G::point, "/label/field"},
      {R"({"label":{"field":"pop"}})", G::point, "(valid)"},
  };
  for (const auto& [json, g, pointer] : cases) EXPECT_EQ(error_pointer(json, g), pointer) << json;
}

TEST(SymbolFor, PicksTheClassOfAValue) {
  Style cat = parse_style(R"({"kind":"categorized","field":"name","symbol":{"size":1},
    "rules":[{"value":"a","symbol":{"size":2}},{"value":3,"symbol":{"size":3}},
             {"value":"2024-05-06","symbol":{"size":4}},{"value":true,"symbol":{"size":5}}]})");
  EXPECT_EQ(symbol_for(cat, Value(std::string("a"))).size, 2);
  EXPECT_EQ(symbol_for(cat, Value(std::string("b"))).size, 1);
  EXPECT_EQ(symbol_for(cat, Value(std::int64_t{3})).size, 3);
  EXPECT_EQ(symbol_for(cat, Value(3.0)).size, 3);
  EXPECT_EQ(symbol_for(cat, Value(std::string("3"))).size, 1);
  EXPECT_EQ(symbol_for(cat, Value(date_from_civil(2024, 5, 6))).size, 4);
  EXPECT_EQ(symbol_for(cat, Value(true)).size, 5);
  EXPECT_EQ(symbol_for(cat, Value(false)).size, 1);
  EXPECT_EQ(symbol_for(cat, Value()).size, 1);

  Style grad = parse_style(R"({"kind":"graduated","field":"pop","symbol":{"size":1},
    "rules":[{"min":0,"max":10,"symbol":{"size":2}},{"min":10,"max":20,"symbol":{"size":3}},
             {"min":30,"max":40,"symbol":{"size":4}}]})");
  EXPECT_EQ(symbol_for(grad, Value(-0.5)).size, 1);
  EXPECT_EQ(symbol_for(grad, Value(std::int64_t{0})).size, 2);
  EXPECT_EQ(symbol_for(grad, Value(9.999)).size, 2);
  EXPECT_EQ(symbol_for(grad, Value(10.0)).size, 3);
  EXPECT_EQ(symbol_for(grad, Value(25.0)).size, 1);  // between classes
  EXPECT_EQ(symbol_for(grad, Value(40.0)).size, 4);  // the last class holds its max
  EXPECT_EQ(symbol_for(grad, Value(40.5)).size, 1);
  EXPECT_EQ(symbol_for(grad, Value(std::string("5"))).size, 1);

  Style prop = parse_style(R"({"kind":"proportional","field":"pop","min_size":4,"max_size":40,
    "rules":[{"min":100,"max":500}]})");
  EXPECT_EQ(symbol_for(prop, Value(100.0)).size, 4);
  EXPECT_EQ(symbol_for(prop, Value(std::int64_t{500})).size, 40);
  EXPECT_EQ(symbol_for(prop, Value(200.0)).size, 4 + 36 * 0.5);  // sqrt(1/4): areas follow values
  EXPECT_EQ(symbol_for(prop, Value(1e9)).size, 40);
  EXPECT_EQ(symbol_for(prop, Value(0.0)).size, 4);
  EXPECT_EQ(symbol_for(prop, Value()).size, 4);

  Style single;
  single.symbol.size = 7;
  EXPECT_EQ(symbol_for(single, Value(std::int64_t{1})), single.symbol);
}

}  // namespace
}  // namespace shikong::style
