// The exported MapLibre style, parsed back: sources, layers per geometry type, and the
// expressions of each kind of style.
#include <gtest/gtest.h>
#include <simdjson.h>

#include "core/error.hpp"
#include "style/style.hpp"

namespace shikong::style {
namespace {

using simdjson::dom::element;

struct Parsed {
  simdjson::dom::parser parser;
  element root;
  explicit Parsed(const std::string& json) {
    EXPECT_EQ(parser.parse(json).get(root), simdjson::SUCCESS) << json;
  }
  simdjson::dom::array layers() { return root["layers"].get_array().value(); }
  element layer(std::size_t i) { return layers().at(i).value(); }
  std::string text(element e) { return simdjson::minify(e); }
};

const MapLibreSource kSource{"http://h:1/tiles/d.json", "d", "", ""};

TEST(MapLibre, PolygonsSingleSymbol) {
  Style s = default_style("provinces", geo::GeometryType::polygon, Schema{});
  s.name = "default";
  Parsed p(to_maplibre_style(s, geo::GeometryType::polygon, kSource));
  EXPECT_EQ(int64_t(p.root["version"]), 8);
  EXPECT_EQ(p.text(p.root["sources"]),
            R"({"d":{"type":"vector","url":"http://h:1/tiles/d.json"}})");
  EXPECT_TRUE(p.root["glyphs"].error());
  ASSERT_EQ(p.layers().size(), 2u);
  EXPECT_EQ(p.text(p.layer(0)),
            R"j({"id":"d-default-fill","type":"fill","source":"d","source-layer":"d","layout":{},)j"
            R"j("paint":{"fill-color":"rgba(155,189,40,0.376)"}})j");
  EXPECT_EQ(p.text(p.layer(1)),
            R"({"id":"d-default-outline","type":"line","source":"d","source-layer":"d",)"
            R"("layout":{},"paint":{"line-color":"#5d7118","line-width":1}})");
}

TEST(MapLibre, LinesPointsAndMixed) {
  Style line = default_style("roads", geo::GeometryType::line_string, Schema{});
  line.symbol.dash = {4, 2};
  Parsed l(to_maplibre_style(line, geo::GeometryType::multi_line_string, kSource));
  ASSERT_EQ(l.layers().size(), 1u);
  EXPECT_EQ(l.text(l.layer(0)["layout"]), R"({"line-join":"round","line-cap":"round"})");
  EXPECT_EQ(l.text(l.layer(0)["paint"]),
            R"({"line-color":"#28bd64","line-width":2,"line-dasharray":[2,1]})");

  const Style point = default_style("cities", geo::GeometryType::point, Schema{});
  Parsed c(to_maplibre_style(point, geo::GeometryType::point, kSource));
  ASSERT_EQ(c.layers().size(), 1u);
  EXPECT_EQ(c.text(c.layer(0)["paint"]),
            R"j({"circle-color":"rgba(184,40,189,0.902)","circle-radius":4,)j"
            R"("circle-stroke-color":"#ffffff","circle-stroke-width":1})");

  Parsed m(to_maplibre_style(Style{}, geo::GeometryType::unknown, kSource));
  ASSERT_EQ(m.layers().size(), 4u);
  EXPECT_EQ(std::string_view(m.layer(0)["type"]), "fill");
  EXPECT_EQ(m.text(m.layer(0)["filter"]),
            R"(["in",["geometry-type"],["literal",["Polygon","MultiPolygon"]]])");
  EXPECT_EQ(std::string_view(m.layer(1)["type"]), "line");
  EXPECT_EQ(std::string_view(m.layer(2)["type"]), "line");
  EXPECT_EQ(m.text(m.layer(2)["filter"]),
            R"(["in",["geometry-type"],["literal",["LineString","MultiLineString"]]])");
  EXPECT_EQ(std::string_view(m.layer(3)["type"]), "circle");
}

TEST(MapLibre, CategorizedUsesMatch) {
  Style s = parse_style(R"({"name":"kinds","kind":"categorized","field":"type",
    "symbol":{"fill":"#808080","stroke":"#000000"},
    "rules":[{"value":"a","symbol":{"fill":"#ff0000"}},{"value":"b","symbol":{"fill":"#00ff00"}}]})");
  Parsed p(to_maplibre_style(s, geo::GeometryType::polygon, kSource));
  EXPECT_EQ(p.text(p.layer(0)["paint"]["fill-color"]),
            R"(["match",["get","type"],"a","#ff0000","b","#00ff00","#808080"])");
  // Every class has the same stroke: a constant.
  EXPECT_EQ(p.text(p.layer(1)["paint"]["line-color"]), R"("#000000")");

  // Integer labels still use match; reals and booleans use case.
  Style ints = parse_style(R"({"kind":"categorized","field":"n",
    "rules":[{"value":1,"symbol":{"size":2}},{"value":2.0,"symbol":{"size":4}}]})");
  Parsed pi(to_maplibre_style(ints, geo::GeometryType::point, kSource));
  EXPECT_EQ(pi.text(pi.layer(0)["paint"]["circle-radius"]), R"(["match",["get","n"],1,1,2,2,4])");
  Style reals = parse_style(R"({"kind":"categorized","field":"n",
    "rules":[{"value":1.5,"symbol":{"size":2}},{"value":true,"symbol":{"size":6}}]})");
  Parsed pr(to_maplibre_style(reals, geo::GeometryType::point, kSource));
  EXPECT_EQ(pr.text(pr.layer(0)["paint"]["circle-radius"]),
            R"(["case",["==",["get","n"],1.5],1,["==",["get","n"],true],3,4])");
}

TEST(MapLibre, GraduatedUsesStep) {
  Style s = parse_style(R"({"name":"pop","kind":"graduated","field":"pop",
    "symbol":{"fill":"#808080"},
    "rules":[{"min":0,"max":10,"symbol":{"fill":"#ff0000"}},
             {"min":10,"max":20,"symbol":{"fill":"#00ff00"}},
             {"min":30,"max":40,"symbol":{"fill":"#0000ff"}}]})");
  Parsed p(to_maplibre_style(s, geo::GeometryType::polygon, kSource));
  EXPECT_EQ(p.text(p.layer(0)["paint"]["fill-color"]),
            R"(["case",["==",["typeof",["get","pop"]],"number"],)"
            R"(["step",["get","pop"],"#808080",0,"#ff0000",10,"#00ff00",20,"#808080",30,)"
            R"("#0000ff",40.00000000000001,"#808080"],"#808080"])");
}

TEST(MapLibre, ProportionalInterpolatesAndHeatmap) {
  Style s = parse_style(R"({"kind":"proportional","field":"pop","min_size":4,"max_size":40,
    "rules":[{"min":100,"max":500}]})");
  Parsed p(to_maplibre_style(s, geo::GeometryType::point, kSource));
  ASSERT_EQ(p.layers().size(), 1u);
  EXPECT_EQ(p.text(p.layer(0)["paint"]["circle-radius"]),
            R"(["case",["==",["typeof",["get","pop"]],"number"],["interpolate",["linear"],)"
            R"(["sqrt",["max",0,["-",["get","pop"],100]]],0,2,20,20],2])");

  Style h = parse_style(R"({"kind":"heatmap","field":"w","radius":25,"ramp":"heat",
    "min_zoom":3,"max_zoom":12,"rules":[{"min":0,"max":10}]})");
  Parsed q(to_maplibre_style(h, geo::GeometryType::point, kSource));
  ASSERT_EQ(q.layers().size(), 1u);
  const element l = q.layer(0);
  EXPECT_EQ(std::string_view(l["type"]), "heatmap");
  EXPECT_EQ(double(l["minzoom"]), 2);  // MapLibre counts 512 px tiles: one level less
  EXPECT_EQ(double(l["maxzoom"]), 11);
  EXPECT_EQ(q.text(l["paint"]["heatmap-radius"]), "25");
  EXPECT_EQ(q.text(l["paint"]["heatmap-weight"]),
            R"(["case",["==",["typeof",["get","w"]],"number"],)"
            R"(["interpolate",["linear"],["get","w"],0,0,10,1],0])");
  EXPECT_EQ(q.text(l["paint"]["heatmap-color"]),
            R"j(["interpolate",["linear"],["heatmap-density"],0,"rgba(0,0,255,0)",0.2,)j"
            R"j("#4169e1",0.4,"#00ffff",0.6,"#00ff00",0.8,"#ffff00",1,"#ff0000"])j");
}

TEST(MapLibre, LabelsOnlyWithGlyphs) {
  Style s = default_style("cities", geo::GeometryType::point, Schema{{{"name", FieldType::text}}});
  s.label->min_zoom = 5;
  Parsed without(to_maplibre_style(s, geo::GeometryType::point, kSource));
  EXPECT_EQ(without.layers().size(), 1u);
  MapLibreSource src = kSource;
  src.glyphs_url = "http://h:1/fonts/{fontstack}/{range}.pbf";
  Parsed with(to_maplibre_style(s, geo::GeometryType::point, src));
  ASSERT_EQ(with.layers().size(), 2u);
  EXPECT_EQ(std::string_view(with.root["glyphs"]), src.glyphs_url);
  EXPECT_EQ(with.text(with.layer(1)),
            R"({"id":"d-default-label","type":"symbol","source":"d","source-layer":"d",)"
            R"("minzoom":4,"layout":{"text-field":["to-string",["get","name"]],)"
            R"("text-font":["Noto Sans CJK SC"],"text-size":12,"symbol-placement":"point"},)"
            R"j("paint":{"text-color":"#202020","text-halo-color":"rgba(255,255,255,0.863)",)j"
            R"("text-halo-width":1.5}})");
}

TEST(MapLibre, BaseMapGoesUnderneath) {
  MapLibreSource src = kSource;
  src.basemap_style =
      R"({"version":8,"glyphs":"g/{fontstack}/{range}.pbf","sources":{"base":{"type":"vector",)"
      R"("url":"b.json"}},"layers":[{"id":"bg","type":"background","paint":{"background-color":"#fff"}}]})";
  Parsed p(to_maplibre_style(Style{}, geo::GeometryType::point, src));
  EXPECT_EQ(
      p.text(p.root["sources"]),
      R"({"base":{"type":"vector","url":"b.json"},"d":{"type":"vector","url":"http://h:1/tiles/d.json"}})");
  EXPECT_EQ(std::string_view(p.root["glyphs"]), "g/{fontstack}/{range}.pbf");
  ASSERT_EQ(p.layers().size(), 2u);
  EXPECT_EQ(std::string_view(p.layer(0)["id"]), "bg");
  EXPECT_EQ(std::string_view(p.layer(1)["id"]), "d-default-circle");
}

}  // namespace
}  // namespace shikong::style

namespace shikong::style {
namespace {

TEST(MapLibre, MergesStylesInOrder) {
  const std::string land = to_maplibre_style(Style{}, geo::GeometryType::polygon,
                                             {"http://h/tiles/land.json", "land", "", ""});
  const std::string places = to_maplibre_style(
      Style{}, geo::GeometryType::point, {"http://h/tiles/places.json", "places", "g/{range}", ""});
  const std::string merged = merge_maplibre_styles({land, places, land});
  Parsed p(merged);
  EXPECT_EQ(p.text(p.root["sources"]),
            R"({"land":{"type":"vector","url":"http://h/tiles/land.json"},)"
            R"("places":{"type":"vector","url":"http://h/tiles/places.json"}})");
  EXPECT_EQ(std::string_view(p.root["glyphs"]), "g/{range}");
  ASSERT_EQ(p.layers().size(), 5u);
  EXPECT_EQ(std::string_view(p.layer(0)["id"]), "land-default-fill");
  EXPECT_EQ(std::string_view(p.layer(2)["id"]), "places-default-circle");
  // Put underneath a dataset's own layers.
  MapLibreSource src = kSource;
  src.basemap_style = merge_maplibre_styles({land});
  Parsed q(to_maplibre_style(Style{}, geo::GeometryType::point, src));
  ASSERT_EQ(q.layers().size(), 3u);
  EXPECT_EQ(std::string_view(q.layer(0)["id"]), "land-default-fill");
  EXPECT_EQ(std::string_view(q.layer(2)["id"]), "d-default-circle");
  EXPECT_THROW(merge_maplibre_styles({"[1]"}), InvalidInput);
}

}  // namespace
}  // namespace shikong::style
