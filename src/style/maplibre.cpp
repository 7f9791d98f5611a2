// The exported MapLibre GL style (version 8): the same classes as symbol_for() draws, written as
// MapLibre expressions (match / case for categories, step for classes, interpolate for sizes).
#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "core/error.hpp"
#include "style/json_out.hpp"
#include "style/style.hpp"

namespace shikong::style {

namespace {

using detail::append_number;
using detail::append_string;

std::string num(double v) {
  std::string out;
  append_number(out, v);
  return out;
}

std::string str(std::string_view s) {
  std::string out;
  append_string(out, s);
  return out;
}

// A CSS colour MapLibre reads, the alpha within it.
std::string css(const Color& c) {
  if (c.a == 255) return str(to_hex(c));
  std::string a;
  append_number(a, std::round(c.a / 255.0 * 1000) / 1000);
  return str(fmt::format("rgba({},{},{},{})", c.r, c.g, c.b, a));
}

std::string get_field(const std::string& field) {
  return "[\"get\"," + str(field) + "]";
}

std::string is_number(const std::string& field) {
  return "[\"==\",[\"typeof\"," + get_field(field) + "],\"number\"]";
}

// MapLibre's match takes string labels or integer labels no larger than 2^53 - 1.
std::optional<std::string> match_label(const Value& v, bool& numeric) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    numeric = false;
    return str(*s);
  }
  constexpr double kSafe = 9007199254740991.0;
  if (const auto* i = std::get_if<std::int64_t>(&v))
    if (std::abs(static_cast<double>(*i)) <= kSafe) {
      numeric = true;
      return std::to_string(*i);
    }
  if (const auto* d = std::get_if<double>(&v))
    if (*d == std::trunc(*d) && std::abs(*d) <= kSafe) {
      numeric = true;
      return std::to_string(static_cast<long long>(*d));
    }
  return std::nullopt;
}

std::string literal(const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return str(*s);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) return num(*d);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  return "null";
}

using SymbolProperty = std::function<std::string(const Symbol&)>;

// A paint value that follows the style's classes: a constant when every class agrees.
std::string by_class(const Style& s, const SymbolProperty& f) {
  const std::string fallback = f(s.symbol);
  std::vector<std::string> outs;
  for (const auto& r : s.rules) outs.push_back(f(r.symbol));
  if (s.kind == StyleKind::proportional || s.kind == StyleKind::heatmap)
    return outs.empty() ? fallback : outs[0];
  bool uniform = true;
  for (const auto& o : outs) uniform = uniform && o == fallback;
  if (uniform || s.field.empty()) return fallback;

  if (s.kind == StyleKind::categorized) {
    // match when the labels allow it (one type, strings or integers), else a chain of ==.
    std::vector<std::string> labels;
    std::optional<bool> numeric;
    bool use_match = true;
    for (const auto& r : s.rules) {
      bool is_num = false;
      auto label = r.value ? match_label(*r.value, is_num) : std::nullopt;
      if (!label || (numeric && *numeric != is_num)) use_match = false;
      numeric = is_num;
      labels.push_back(label.value_or(""));
    }
    std::string out;
    if (use_match) {
      out = "[\"match\"," + get_field(s.field);
      std::vector<std::string> seen;
      for (std::size_t i = 0; i < s.rules.size(); ++i) {
        // A repeated label is an error in MapLibre; the first rule wins, as in symbol_for.
        if (std::find(seen.begin(), seen.end(), labels[i]) != seen.end()) continue;
        seen.push_back(labels[i]);
        out += "," + labels[i] + "," + outs[i];
      }
      return out + "," + fallback + "]";
    }
    out = "[\"case\"";
    for (std::size_t i = 0; i < s.rules.size(); ++i)
      out += ",[\"==\"," + get_field(s.field) + "," + literal(*s.rules[i].value) + "]," + outs[i];
    return out + "," + fallback + "]";
  }

  // Graduated: min <= v < max, the last class with its max; other values take the fallback.
  std::vector<std::pair<double, std::string>> stops;
  auto stop = [&](double at, const std::string& o) {
    if (!stops.empty() && stops.back().first >= at)
      stops.back().second = o;
    else
      stops.emplace_back(at, o);
  };
  for (std::size_t i = 0; i < s.rules.size(); ++i) {
    const auto& r = s.rules[i];
    stop(*r.min, outs[i]);
    const bool last = i + 1 == s.rules.size();
    if (last)
      stop(std::nextafter(*r.max, HUGE_VAL), fallback);
    else if (*s.rules[i + 1].min > *r.max)
      stop(*r.max, fallback);
  }
  std::string out = "[\"step\"," + get_field(s.field) + "," + fallback;
  for (const auto& [at, o] : stops) out += "," + num(at) + "," + o;
  out += "]";
  return "[\"case\"," + is_number(s.field) + "," + out + "," + fallback + "]";
}

struct Layer {
  std::string id, type, filter;
  double min_zoom = 0, max_zoom = 24;  // MapLibre zooms
  std::vector<std::pair<std::string, std::string>> layout, paint;
};

void write_layer(std::string& out, const Layer& l, const std::string& source,
                 const std::string& source_layer) {
  using detail::append_key;
  out += '{';
  append_key(out, "id");
  append_string(out, l.id);
  append_key(out, "type");
  append_string(out, l.type);
  append_key(out, "source");
  append_string(out, source);
  append_key(out, "source-layer");
  append_string(out, source_layer);
  if (!l.filter.empty()) {
    append_key(out, "filter");
    out += l.filter;
  }
  if (l.min_zoom > 0) {
    append_key(out, "minzoom");
    append_number(out, l.min_zoom);
  }
  if (l.max_zoom < 24) {
    append_key(out, "maxzoom");
    append_number(out, l.max_zoom);
  }
  for (const auto* part : {&l.layout, &l.paint}) {
    append_key(out, part == &l.layout ? "layout" : "paint");
    out += '{';
    for (const auto& [k, v] : *part) {
      append_key(out, k);
      out += v;
    }
    out += '}';
  }
  out += '}';
}

std::string types_filter(std::string_view a, std::string_view b) {
  return fmt::format(R"(["in",["geometry-type"],["literal",["{}","{}"]]])", a, b);
}

// Dash lengths: ours are px, MapLibre's are multiples of the line width.
std::string dasharray(const Symbol& s) {
  std::string out = "[";
  const double w = s.stroke_width > 0 ? s.stroke_width : 1;
  for (std::size_t i = 0; i < s.dash.size(); ++i) {
    if (i) out += ',';
    append_number(out, s.dash[i] / w);
  }
  return out + "]";
}

bool any_symbol(const Style& s, const std::function<bool(const Symbol&)>& f) {
  if (f(s.symbol)) return true;
  for (const auto& r : s.rules)
    if (f(r.symbol)) return true;
  return false;
}

}  // namespace

std::string to_maplibre_style(const Style& s, geo::GeometryType geometry_type,
                              const MapLibreSource& source) {
  using detail::append_key;
  using G = geo::GeometryType;
  const std::string src = source.source_layer.empty() ? "data" : source.source_layer;
  const std::string prefix = src + "-" + s.name;
  // Style zooms count 256 px tiles; MapLibre's count 512 px tiles, one level less.
  const double min_zoom = std::max(0.0, s.min_zoom - 1);
  const double max_zoom = s.max_zoom >= 24 ? 24 : std::max(0.0, s.max_zoom - 1);

  std::vector<Layer> layers;
  auto layer = [&](std::string suffix, std::string type, std::string filter) -> Layer& {
    Layer l;
    l.id = prefix + "-" + suffix;
    l.type = std::move(type);
    l.filter = std::move(filter);
    l.min_zoom = min_zoom;
    l.max_zoom = max_zoom;
    layers.push_back(std::move(l));
    return layers.back();
  };
  const bool polygons = geometry_type == G::polygon || geometry_type == G::multi_polygon;
  const bool lines = geometry_type == G::line_string || geometry_type == G::multi_line_string;
  const bool points = geometry_type == G::point || geometry_type == G::multi_point;
  const bool mixed = !polygons && !lines && !points;

  auto stroke_paint = [&](Layer& l) {
    l.paint.emplace_back("line-color", by_class(s, [](const Symbol& y) { return css(y.stroke); }));
    l.paint.emplace_back("line-width",
                         by_class(s, [](const Symbol& y) { return num(y.stroke_width); }));
    if (!s.symbol.dash.empty()) l.paint.emplace_back("line-dasharray", dasharray(s.symbol));
  };
  auto has_fill = [&] { return any_symbol(s, [](const Symbol& y) { return y.fill.a > 0; }); };
  auto has_stroke = [&] {
    return any_symbol(s, [](const Symbol& y) { return y.stroke_width > 0 && y.stroke.a > 0; });
  };

  if (s.kind == StyleKind::heatmap) {
    Layer& l = layer("heatmap", "heatmap", mixed ? types_filter("Point", "MultiPoint") : "");
    l.paint.emplace_back("heatmap-radius", num(s.radius));
    std::string weight = "1";
    if (!s.field.empty() && !s.rules.empty() && s.rules[0].min && s.rules[0].max) {
      const double lo = *s.rules[0].min, hi = *s.rules[0].max;
      weight = hi > lo ? fmt::format(R"(["case",{},["interpolate",["linear"],{},{},0,{},1],0])",
                                     is_number(s.field), get_field(s.field), num(lo), num(hi))
                       : fmt::format(R"(["case",{},1,0])", is_number(s.field));
    }
    l.paint.emplace_back("heatmap-weight", weight);
    const auto colors = ramp_colors(s.ramp, 6);
    std::string ramp = R"(["interpolate",["linear"],["heatmap-density"])";
    for (std::size_t i = 0; i < colors.size(); ++i) {
      Color c = colors[i];
      if (i == 0) c.a = 0;  // no density, no colour
      ramp += "," + num(static_cast<double>(i) / (colors.size() - 1)) + "," + css(c);
    }
    l.paint.emplace_back("heatmap-color", ramp + "]");
  } else {
    if ((polygons || mixed) && s.kind != StyleKind::proportional) {
      const std::string filter = mixed ? types_filter("Polygon", "MultiPolygon") : "";
      if (has_fill()) {
        Layer& l = layer("fill", "fill", filter);
        l.paint.emplace_back("fill-color",
                             by_class(s, [](const Symbol& y) { return css(y.fill); }));
      }
      if (has_stroke()) stroke_paint(layer("outline", "line", filter));
    }
    if ((lines || mixed) && s.kind != StyleKind::proportional) {
      Layer& l = layer("line", "line", mixed ? types_filter("LineString", "MultiLineString") : "");
      l.layout.emplace_back("line-join", str("round"));
      l.layout.emplace_back("line-cap", str("round"));
      stroke_paint(l);
    }
    if (points || mixed || s.kind == StyleKind::proportional) {
      Layer& l =
          layer("circle", "circle", mixed ? types_filter("Point", "MultiPoint") : std::string());
      l.paint.emplace_back("circle-color",
                           by_class(s, [](const Symbol& y) { return css(y.fill); }));
      std::string radius;
      if (s.kind == StyleKind::proportional) {
        radius = num(s.min_size / 2);
        if (!s.rules.empty() && s.rules[0].min && s.rules[0].max) {
          const double lo = *s.rules[0].min, hi = *s.rules[0].max;
          // The diameter grows with the square root of the value, as in symbol_for.
          radius =
              hi > lo
                  ? fmt::format(
                        R"(["case",{},["interpolate",["linear"],["sqrt",["max",0,["-",{},{}]]],0,{},{},{}],{}])",
                        is_number(s.field), get_field(s.field), num(lo), num(s.min_size / 2),
                        num(std::sqrt(hi - lo)), num(s.max_size / 2), num(s.min_size / 2))
                  : fmt::format(R"(["case",{},{},{}])", is_number(s.field), num(s.max_size / 2),
                                num(s.min_size / 2));
        }
      } else {
        radius = by_class(s, [](const Symbol& y) { return num(y.size / 2); });
      }
      l.paint.emplace_back("circle-radius", radius);
      l.paint.emplace_back("circle-stroke-color",
                           by_class(s, [](const Symbol& y) { return css(y.stroke); }));
      l.paint.emplace_back("circle-stroke-width",
                           by_class(s, [](const Symbol& y) { return num(y.stroke_width); }));
    }
  }

  if (s.label && !source.glyphs_url.empty()) {
    const auto& lr = *s.label;
    const double lmin = std::max(min_zoom, std::max(0.0, lr.min_zoom - 1));
    const double lmax = std::min(max_zoom, lr.max_zoom >= 24 ? 24 : std::max(0.0, lr.max_zoom - 1));
    if (lmin < lmax) {
      Layer& l = layer("label", "symbol", "");
      l.min_zoom = lmin;
      l.max_zoom = lmax;
      l.layout.emplace_back("text-field", "[\"to-string\"," + get_field(lr.field) + "]");
      l.layout.emplace_back("text-font", "[" + str(lr.font) + "]");
      l.layout.emplace_back("text-size", num(lr.size));
      l.layout.emplace_back("symbol-placement", str(lines ? "line" : "point"));
      l.paint.emplace_back("text-color", css(lr.color));
      l.paint.emplace_back("text-halo-color", css(lr.halo));
      l.paint.emplace_back("text-halo-width", num(lr.halo_width));
    }
  }

  // A base map's sources and layers go first, underneath.
  std::vector<std::pair<std::string, std::string>> base_sources;
  std::vector<std::string> base_layers;
  std::string glyphs = source.glyphs_url, sprite;
  if (!source.basemap_style.empty()) {
    simdjson::dom::parser parser;
    simdjson::dom::object base;
    if (parser.parse(source.basemap_style).get_object().get(base) != simdjson::SUCCESS)
      throw InternalError("invalid-basemap-style", "the base map style is not a JSON object");
    simdjson::dom::object sources;
    if (base["sources"].get_object().get(sources) == simdjson::SUCCESS)
      for (auto m : sources)
        if (m.key != src) base_sources.emplace_back(std::string(m.key), simdjson::minify(m.value));
    simdjson::dom::array list;
    if (base["layers"].get_array().get(list) == simdjson::SUCCESS)
      for (auto e : list) base_layers.push_back(simdjson::minify(e));
    std::string_view text;
    if (glyphs.empty() && base["glyphs"].get_string().get(text) == simdjson::SUCCESS)
      glyphs = std::string(text);
    if (base["sprite"].get_string().get(text) == simdjson::SUCCESS) sprite = std::string(text);
  }

  std::string out = "{";
  append_key(out, "version");
  out += "8";
  append_key(out, "name");
  append_string(out, s.title.empty() ? s.name : s.title);
  append_key(out, "metadata");
  out += "{";
  append_key(out, "shikong:style");
  append_string(out, s.name);
  append_key(out, "shikong:kind");
  append_string(out, to_string(s.kind));
  out += "}";
  append_key(out, "sources");
  out += '{';
  for (const auto& [k, v] : base_sources) {
    append_key(out, k);
    out += v;
  }
  append_key(out, src);
  out += '{';
  append_key(out, "type");
  append_string(out, "vector");
  append_key(out, "url");
  append_string(out, source.tilejson_url);
  out += "}}";
  if (!glyphs.empty()) {
    append_key(out, "glyphs");
    append_string(out, glyphs);
  }
  if (!sprite.empty()) {
    append_key(out, "sprite");
    append_string(out, sprite);
  }
  append_key(out, "layers");
  out += '[';
  bool first = true;
  for (const auto& b : base_layers) {
    if (!first) out += ',';
    first = false;
    out += b;
  }
  for (const auto& l : layers) {
    if (!first) out += ',';
    first = false;
    write_layer(out, l, src, source.source_layer.empty() ? src : source.source_layer);
  }
  out += "]}";
  return out;
}

std::string merge_maplibre_styles(const std::vector<std::string>& styles) {
  using detail::append_key;
  std::vector<std::pair<std::string, std::string>> sources;
  std::vector<std::string> layers;
  std::string glyphs, sprite;
  simdjson::dom::parser parser;
  for (const auto& text : styles) {
    simdjson::dom::object style;
    if (parser.parse(text).get_object().get(style) != simdjson::SUCCESS)
      throw InvalidInput("invalid-maplibre-style", "a MapLibre style is not a JSON object");
    simdjson::dom::object srcs;
    if (style["sources"].get_object().get(srcs) == simdjson::SUCCESS)
      for (auto m : srcs) {
        const bool seen = std::any_of(sources.begin(), sources.end(),
                                      [&](const auto& s) { return s.first == m.key; });
        if (!seen) sources.emplace_back(std::string(m.key), simdjson::minify(m.value));
      }
    simdjson::dom::array list;
    if (style["layers"].get_array().get(list) == simdjson::SUCCESS)
      for (auto e : list) layers.push_back(simdjson::minify(e));
    std::string_view v;
    if (glyphs.empty() && style["glyphs"].get_string().get(v) == simdjson::SUCCESS) glyphs = v;
    if (sprite.empty() && style["sprite"].get_string().get(v) == simdjson::SUCCESS) sprite = v;
  }
  std::string out = "{";
  append_key(out, "version");
  out += "8";
  append_key(out, "sources");
  out += '{';
  for (const auto& [k, v] : sources) {
    append_key(out, k);
    out += v;
  }
  out += '}';
  if (!glyphs.empty()) {
    append_key(out, "glyphs");
    append_string(out, glyphs);
  }
  if (!sprite.empty()) {
    append_key(out, "sprite");
    append_string(out, sprite);
  }
  append_key(out, "layers");
  out += '[';
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (i) out += ',';
    out += layers[i];
  }
  out += "]}";
  return out;
}

}  // namespace shikong::style
