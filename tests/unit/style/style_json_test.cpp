// The JSON form of styles: exact output, round trips of every kind, defaults, and the JSON
// pointer of every form error.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

#include "core/error.hpp"
#include "style/style.hpp"

namespace shikong::style {
namespace {

Style sample(StyleKind kind) {
  Style s;
  s.name = "sample-1";
  s.title = "人口 \"density\"";
  s.description = "line one\nline two";
  s.kind = kind;
  s.symbol.fill = Color{1, 2, 3, 4};
  s.symbol.stroke = Color{250, 251, 252, 255};
  s.symbol.stroke_width = 0.75;
  s.symbol.dash = {4, 2.5};
  s.symbol.marker = Marker::triangle;
  s.symbol.size = 11.25;
  s.field = "pop";
  s.method = ClassMethod::natural_breaks;
  s.classes = 7;
  s.ramp = "Spectral";
  s.min_size = 3;
  s.max_size = 33.3;
  s.radius = 17;
  s.min_zoom = 2.5;
  s.max_zoom = 18;
  LabelRule l;
  l.field = "名称";
  l.font = "Noto Sans CJK SC Bold";
  l.size = 14;
  l.color = Color{0, 0, 0, 255};
  l.halo = Color{255, 255, 255, 128};
  l.halo_width = 2;
  l.min_zoom = 10;
  l.max_zoom = 20;
  s.label = l;
  Symbol other = s.symbol;
  other.fill = Color{200, 0, 0, 255};
  other.dash.clear();
  switch (kind) {
    case StyleKind::single:
      break;
    case StyleKind::categorized:
      s.rules.push_back({"text", Value(std::string("北京")), {}, {}, other});
      s.rules.push_back({"int", Value(std::int64_t{-42}), {}, {}, s.symbol});
      s.rules.push_back({"real that looks whole", Value(5.0), {}, {}, other});
      s.rules.push_back({"real", Value(0.1), {}, {}, other});
      s.rules.push_back({"bool", Value(true), {}, {}, other});
      break;
    case StyleKind::graduated:
      s.rules.push_back({"low", {}, -1e-300, 1.0 / 3, other});
      s.rules.push_back({"high", {}, 1.0 / 3, 1e300, s.symbol});
      break;
    case StyleKind::proportional:
    case StyleKind::heatmap:
      s.rules.push_back({"pop", {}, 0.5, 123456789.125, other});
      break;
  }
  return s;
}

TEST(StyleJson, RoundTripsEveryKind) {
  for (auto kind : {StyleKind::single, StyleKind::categorized, StyleKind::graduated,
                    StyleKind::proportional, StyleKind::heatmap}) {
    const Style s = sample(kind);
    const std::string json = to_json(s);
    EXPECT_EQ(parse_style(json), s) << json;
    EXPECT_EQ(to_json(parse_style(json)), json);
  }
  Style plain;  // all defaults, no label
  EXPECT_EQ(parse_style(to_json(plain)), plain);
  for (auto method : {ClassMethod::equal_interval, ClassMethod::quantile, ClassMethod::manual}) {
    Style s = sample(StyleKind::graduated);
    s.method = method;
    EXPECT_EQ(parse_style(to_json(s)), s);
  }
}

TEST(StyleJson, WritesTheDocumentedForm) {
  Style s;
  s.name = "roads";
  s.symbol.fill = Color{0, 0, 0, 0};
  s.symbol.stroke_width = 2;
  EXPECT_EQ(to_json(s),
            R"({"name":"roads","title":"","description":"","kind":"single",)"
            R"("symbol":{"fill":"#00000000","stroke":"#084594","stroke_width":2,"dash":[],)"
            R"("marker":"circle","size":8},"field":"","method":"quantile","classes":5,)"
            R"("ramp":"YlOrRd","rules":[],"min_size":4,"max_size":40,"radius":20,)"
            R"("min_zoom":0,"max_zoom":24})");
}

TEST(StyleJson, MembersDefaultAndRulesInheritTheSymbol) {
  const Style s = parse_style(R"({"name":"pop","kind":"categorized","field":"type",
    "ramp":"set1","symbol":{"stroke":"#ff0000","stroke_width":3},
    "rules":[{"value":"a","symbol":{"fill":"#00ff00"}},{"value":7,"label":"seven"}]})");
  EXPECT_EQ(s.name, "pop");
  EXPECT_EQ(s.ramp, "Set1");  // the ramp's own spelling
  EXPECT_EQ(s.symbol.fill, (Symbol{}.fill));
  ASSERT_EQ(s.rules.size(), 2u);
  EXPECT_EQ(s.rules[0].symbol.fill, (Color{0, 255, 0, 255}));
  EXPECT_EQ(s.rules[0].symbol.stroke, (Color{255, 0, 0, 255}));
  EXPECT_EQ(s.rules[0].symbol.stroke_width, 3);
  EXPECT_EQ(s.rules[0].label, "");
  EXPECT_EQ(s.rules[1].value, Value(std::int64_t{7}));
  EXPECT_EQ(s.rules[1].symbol, s.symbol);
  EXPECT_FALSE(s.label);

  const Style d = parse_style("{}");
  EXPECT_EQ(d, Style{});
  EXPECT_EQ(parse_style("{}", "mine").name, "mine");
  EXPECT_EQ(parse_style(R"({"label":null})").label, std::nullopt);
}

TEST(StyleJson, ScaleDenominatorsSetTheZoomRange) {
  const Style s = parse_style(R"({"max_scale_denominator":545978.7734655447,
                                   "min_scale_denominator":8530.918335399136})");
  EXPECT_NEAR(s.min_zoom, 10, 1e-9);
  EXPECT_NEAR(s.max_zoom, 16, 1e-9);
  const Style wide = parse_style(R"({"max_scale_denominator":1e12,"min_scale_denominator":1})");
  EXPECT_EQ(wide.min_zoom, 0);
  EXPECT_EQ(wide.max_zoom, 24);
}

struct BadCase {
  std::string json;
  std::string pointer;
};

TEST(StyleJson, EveryFormErrorNamesItsPointer) {
  std::string many_rules = R"({"kind":"categorized","rules":[)";
  for (int i = 0; i < 257; ++i)
    many_rules += (i ? "," : "") + std::string(R"({"value":)") + std::to_string(i) + "}";
  many_rules += "]}";
  const std::vector<BadCase> cases = {
      {"not json", ""},
      {"[]", ""},
      {R"({"nme":"x"})", "/nme"},
      {R"({"a/b~c":1})", "/a~1b~0c"},
      {R"({"name":"a","name":"b"})", "/name"},
      {R"({"name":"Bad Name"})", "/name"},
      {R"({"name":""})", "/name"},
      {R"({"name":"a234567890123456789012345678901234567890123456789012345678901234x"})", "/name"},
      {R"({"name":7})", "/name"},
      {R"({"title":5})", "/title"},
      {R"({"kind":"pie"})", "/kind"},
      {R"({"symbol":[]})", "/symbol"},
      {R"({"symbol":{"fill":"#12"}})", "/symbol/fill"},
      {R"({"symbol":{"stroke":12}})", "/symbol/stroke"},
      {R"({"symbol":{"stroke_width":500}})", "/symbol/stroke_width"},
      {R"({"symbol":{"stroke_width":-1}})", "/symbol/stroke_width"},
      {R"({"symbol":{"dash":[1,"a"]}})", "/symbol/dash/1"},
      {R"({"symbol":{"dash":[0,0]}})", "/symbol/dash"},
      {R"({"symbol":{"dash":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}})", "/symbol/dash"},
      {R"({"symbol":{"marker":"hexagon"}})", "/symbol/marker"},
      {R"({"symbol":{"size":1000}})", "/symbol/size"},
      {R"({"symbol":{"colour":"red"}})", "/symbol/colour"},
      {R"({"field":["a"]})", "/field"},
      {R"({"method":"jenks"})", "/method"},
      {R"({"classes":1})", "/classes"},
      {R"({"classes":13})", "/classes"},
      {R"({"classes":5.5})", "/classes"},
      {R"({"ramp":"Rainbow"})", "/ramp"},
      {R"({"rules":{}})", "/rules"},
      {R"({"rules":[{"value":1}]})", "/rules"},
      {R"({"kind":"proportional","rules":[{"min":0,"max":1},{"min":1,"max":2}]})", "/rules"},
      {many_rules, "/rules"},
      {R"({"kind":"categorized","rules":[{"label":"x"}]})", "/rules/0/value"},
      {R"({"kind":"categorized","rules":[{"value":"a"},{"value":[1]}]})", "/rules/1/value"},
      {R"({"kind":"categorized","rules":[{"value":null}]})", "/rules/0/value"},
      {R"({"kind":"categorized","rules":[{"value":18446744073709551615}]})", "/rules/0/value"},
      {R"({"kind":"categorized","rules":[{"value":"a","min":1}]})", "/rules/0/min"},
      {R"({"kind":"graduated","rules":[{"value":"a"}]})", "/rules/0/value"},
      {R"({"kind":"graduated","rules":[{"max":1}]})", "/rules/0/min"},
      {R"({"kind":"graduated","rules":[{"min":1}]})", "/rules/0/max"},
      {R"({"kind":"graduated","rules":[{"min":5,"max":1}]})", "/rules/0/max"},
      {R"({"kind":"graduated","rules":[{"min":0,"max":1,"symbol":{"size":-1}}]})",
       "/rules/0/symbol/size"},
      {R"({"kind":"graduated","rules":[{"min":0,"max":1,"colour":1}]})", "/rules/0/colour"},
      {R"({"kind":"graduated","rules":[{"min":0,"max":1,"label":3}]})", "/rules/0/label"},
      {R"({"min_size":10,"max_size":5})", "/max_size"},
      {R"({"min_size":-1})", "/min_size"},
      {R"({"radius":0})", "/radius"},
      {R"({"min_zoom":10,"max_zoom":5})", "/max_zoom"},
      {R"({"min_zoom":25})", "/min_zoom"},
      {R"({"max_zoom":"3"})", "/max_zoom"},
      {R"({"min_zoom":3,"max_scale_denominator":1000})", "/max_scale_denominator"},
      {R"({"max_zoom":3,"min_scale_denominator":1000})", "/min_scale_denominator"},
      {R"({"min_scale_denominator":0})", "/min_scale_denominator"},
      {R"({"max_scale_denominator":545978.77,"min_scale_denominator":1e7})",
       "/min_scale_denominator"},
      {R"({"label":{"size":10}})", "/label/field"},
      {R"({"label":{"field":""}})", "/label/field"},
      {R"({"label":{"field":"n","colour":"red"}})", "/label/colour"},
      {R"({"label":{"field":"n","color":"blu"}})", "/label/color"},
      {R"({"label":{"field":"n","size":0}})", "/label/size"},
      {R"({"label":{"field":"n","halo_width":50}})", "/label/halo_width"},
      {R"({"label":{"field":"n","min_zoom":9,"max_zoom":3}})", "/label/max_zoom"},
      {R"({"label":"name"})", "/label"},
  };
  for (const auto& c : cases) {
    try {
      parse_style(c.json);
      ADD_FAILURE() << "accepted: " << c.json;
    } catch (const InvalidInput& e) {
      EXPECT_EQ(e.code(), "invalid-style") << c.json;
      EXPECT_EQ(e.parameter(), c.pointer) << c.json << ": " << e.detail();
      EXPECT_FALSE(e.detail().empty());
    }
  }
  try {
    parse_style("{}", "");
    ADD_FAILURE();
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.parameter(), "/name");
  }
}

TEST(StyleJson, MessagesAreOurs) {
  try {
    parse_style(R"({"kind":"pie"})");
    ADD_FAILURE();
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.detail(),
              "/kind must be one of single, categorized, graduated, proportional, heatmap");
  }
  try {
    parse_style(R"({"colour":"red"})");
    ADD_FAILURE();
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.detail(), "'colour' is not a member of a style");
  }
}

}  // namespace
}  // namespace shikong::style

namespace shikong::style {
namespace {

// Byte mutations of valid documents (a fixed pseudo-random sequence): the reader either
// accepts (and then the writer round-trips and the MapLibre export is JSON) or throws
// InvalidInput("invalid-style"); nothing else escapes.
TEST(StyleJson, MutatedDocumentsFailCleanly) {
  std::vector<std::string> seeds;
  for (auto kind : {StyleKind::single, StyleKind::categorized, StyleKind::graduated,
                    StyleKind::proportional, StyleKind::heatmap})
    seeds.push_back(to_json(sample(kind)));
  const std::string alphabet = "{}[]\":,0123456789.-eE tfnul#abcdefzZ\\/\xe4\xb8\xad";
  std::uint32_t seed = 7;
  auto next = [&] { return seed = seed * 1664525u + 1013904223u, seed >> 8; };
  int accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string doc = seeds[round % seeds.size()];
    const int edits = 1 + static_cast<int>(next() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = next() % doc.size();
      switch (next() % 3) {
        case 0:
          doc[at] = alphabet[next() % alphabet.size()];
          break;
        case 1:
          doc.erase(at, 1 + next() % 8);
          break;
        default:
          doc.insert(at, 1, alphabet[next() % alphabet.size()]);
          break;
      }
      if (doc.empty()) doc = "{";
    }
    try {
      const Style s = parse_style(doc);
      ++accepted;
      EXPECT_EQ(parse_style(to_json(s)), s) << doc;
      const std::string ml = to_maplibre_style(s, geo::GeometryType::unknown,
                                               {"http://h/t.json", "d", "http://h/g", ""});
      simdjson::dom::parser p;
      EXPECT_EQ(p.parse(ml).error(), simdjson::SUCCESS) << ml;
    } catch (const InvalidInput& e) {
      EXPECT_EQ(e.code(), "invalid-style") << doc;
    }
  }
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace shikong::style
