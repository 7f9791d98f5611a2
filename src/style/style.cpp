// Colours, names of the enumerations, zoom <-> scale, the symbol a value is drawn with, the
// default style of a dataset and the checks of a style against its dataset.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <set>

#include "core/ascii.hpp"
#include "core/error.hpp"
#include "style/style.hpp"

namespace shikong::style {

namespace {

[[noreturn]] void bad_color(std::string_view text, std::string_view parameter) {
  std::string shown(text.substr(0, 40));
  throw InvalidInput("invalid-color",
                     fmt::format("'{}' is not a colour: use #rrggbb, #rrggbbaa, #rgb, rgb(r,g,b), "
                                 "rgba(r,g,b,a) or a CSS basic colour name",
                                 shown),
                     std::string(parameter));
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct NamedColor {
  std::string_view name;
  Color color;
};
// The CSS basic colour keywords, orange (CSS 2.1) and transparent.
constexpr std::array<NamedColor, 18> kNamedColors{{
    {"black", {0, 0, 0, 255}},
    {"silver", {192, 192, 192, 255}},
    {"gray", {128, 128, 128, 255}},
    {"grey", {128, 128, 128, 255}},
    {"white", {255, 255, 255, 255}},
    {"maroon", {128, 0, 0, 255}},
    {"red", {255, 0, 0, 255}},
    {"purple", {128, 0, 128, 255}},
    {"fuchsia", {255, 0, 255, 255}},
    {"green", {0, 128, 0, 255}},
    {"lime", {0, 255, 0, 255}},
    {"olive", {128, 128, 0, 255}},
    {"yellow", {255, 255, 0, 255}},
    {"navy", {0, 0, 128, 255}},
    {"blue", {0, 0, 255, 255}},
    {"teal", {0, 128, 128, 255}},
    {"aqua", {0, 255, 255, 255}},
    {"orange", {255, 165, 0, 255}},
}};

// Parses "r,g,b" or "r,g,b,a" of rgb()/rgba(): channels 0..255 integers, alpha 0..1.
bool parse_components(std::string_view body, bool with_alpha, Color& c) {
  std::array<std::string_view, 4> parts;
  std::size_t n = 0;
  while (true) {
    const auto comma = body.find(',');
    if (n == parts.size()) return false;
    parts[n++] = trim_blanks(body.substr(0, comma));
    if (comma == std::string_view::npos) break;
    body.remove_prefix(comma + 1);
  }
  if (n != (with_alpha ? 4u : 3u)) return false;
  std::array<std::uint8_t*, 3> channels{&c.r, &c.g, &c.b};
  for (std::size_t i = 0; i < 3; ++i) {
    int v = 0;
    const auto p = parts[i];
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
    if (p.empty() || ec != std::errc() || end != p.data() + p.size() || v < 0 || v > 255)
      return false;
    *channels[i] = static_cast<std::uint8_t>(v);
  }
  c.a = 255;
  if (with_alpha) {
    const auto p = parts[3];
    double a = 0;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), a);
    if (p.empty() || ec != std::errc() || end != p.data() + p.size() || !(a >= 0 && a <= 1))
      return false;
    c.a = static_cast<std::uint8_t>(std::lround(a * 255));
  }
  return true;
}

std::optional<double> number_of(const Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v))
    return std::isnan(*d) ? std::nullopt : std::optional(*d);
  return std::nullopt;
}

bool is_numeric(FieldType t) {
  return t == FieldType::integer || t == FieldType::real;
}

bool is_point_type(geo::GeometryType t) {
  return t == geo::GeometryType::point || t == geo::GeometryType::multi_point ||
         t == geo::GeometryType::unknown;
}

[[noreturn]] void invalid(std::string detail, std::string pointer) {
  throw InvalidInput("invalid-style", std::move(detail), std::move(pointer));
}

Color from_hsl(double h, double s, double l, std::uint8_t a) {
  const double c = (1 - std::abs(2 * l - 1)) * s;
  const double hp = h / 60.0;
  const double x = c * (1 - std::abs(std::fmod(hp, 2.0) - 1));
  double r = 0, g = 0, b = 0;
  if (hp < 1)
    r = c, g = x;
  else if (hp < 2)
    r = x, g = c;
  else if (hp < 3)
    g = c, b = x;
  else if (hp < 4)
    g = x, b = c;
  else if (hp < 5)
    r = x, b = c;
  else
    r = c, b = x;
  const double m = l - c / 2;
  auto ch = [&](double v) { return static_cast<std::uint8_t>(std::lround((v + m) * 255)); };
  return Color{ch(r), ch(g), ch(b), a};
}

}  // namespace

Color parse_color(std::string_view text, std::string_view parameter) {
  const std::string_view t = trim_blanks(text);
  Color c;
  if (t.starts_with('#')) {
    const std::string_view h = t.substr(1);
    for (char ch : h)
      if (hex_digit(ch) < 0) bad_color(text, parameter);
    auto byte = [&](std::size_t i) {
      return static_cast<std::uint8_t>(hex_digit(h[i]) * 16 + hex_digit(h[i + 1]));
    };
    if (h.size() == 3 || h.size() == 4) {
      auto nib = [&](std::size_t i) { return static_cast<std::uint8_t>(hex_digit(h[i]) * 17); };
      return Color{nib(0), nib(1), nib(2), h.size() == 4 ? nib(3) : std::uint8_t{255}};
    }
    if (h.size() == 6 || h.size() == 8)
      return Color{byte(0), byte(2), byte(4), h.size() == 8 ? byte(6) : std::uint8_t{255}};
    bad_color(text, parameter);
  }
  const std::string lower = ascii_lowercase(t);
  if (lower.starts_with("rgba(") && lower.ends_with(')')) {
    if (parse_components(std::string_view(lower).substr(5, lower.size() - 6), true, c)) return c;
    bad_color(text, parameter);
  }
  if (lower.starts_with("rgb(") && lower.ends_with(')')) {
    if (parse_components(std::string_view(lower).substr(4, lower.size() - 5), false, c)) return c;
    bad_color(text, parameter);
  }
  if (lower == "transparent") return Color{0, 0, 0, 0};
  for (const auto& n : kNamedColors)
    if (n.name == lower) return n.color;
  bad_color(text, parameter);
}

std::string to_hex(const Color& c) {
  if (c.a == 255) return fmt::format("#{:02x}{:02x}{:02x}", c.r, c.g, c.b);
  return fmt::format("#{:02x}{:02x}{:02x}{:02x}", c.r, c.g, c.b, c.a);
}

std::string_view to_string(Marker m) {
  switch (m) {
    case Marker::circle:
      return "circle";
    case Marker::square:
      return "square";
    case Marker::triangle:
      return "triangle";
    case Marker::star:
      return "star";
    case Marker::cross:
      return "cross";
  }
  return "circle";
}

std::string_view to_string(StyleKind k) {
  switch (k) {
    case StyleKind::single:
      return "single";
    case StyleKind::categorized:
      return "categorized";
    case StyleKind::graduated:
      return "graduated";
    case StyleKind::proportional:
      return "proportional";
    case StyleKind::heatmap:
      return "heatmap";
  }
  return "single";
}

std::string_view to_string(ClassMethod m) {
  switch (m) {
    case ClassMethod::equal_interval:
      return "equal_interval";
    case ClassMethod::quantile:
      return "quantile";
    case ClassMethod::natural_breaks:
      return "natural_breaks";
    case ClassMethod::manual:
      return "manual";
  }
  return "quantile";
}

// 0.28 mm pixels; at zoom 0 one 256 px tile spans the equator (2 pi 6378137 m).
namespace {
constexpr double kScaleAtZoom0 = 2 * 3.14159265358979323846 * 6378137.0 / 256.0 / 0.00028;
}

double scale_denominator_for_zoom(double zoom) {
  return kScaleAtZoom0 / std::exp2(zoom);
}

double zoom_for_scale_denominator(double scale_denominator) {
  return std::log2(kScaleAtZoom0 / scale_denominator);
}

bool value_matches(const Value& rule, const Value& v) {
  if (const auto rn = number_of(rule)) {
    const auto vn = number_of(v);
    return vn && *vn == *rn;
  }
  if (const auto* rs = std::get_if<std::string>(&rule)) {
    if (const auto* vs = std::get_if<std::string>(&v)) return *vs == *rs;
    if (const auto* vd = std::get_if<Date>(&v)) return format_date(*vd) == *rs;
    return false;
  }
  if (const auto* rb = std::get_if<bool>(&rule)) {
    const auto* vb = std::get_if<bool>(&v);
    return vb && *vb == *rb;
  }
  return false;
}

Symbol symbol_for(const Style& s, const Value& value) {
  switch (s.kind) {
    case StyleKind::single:
    case StyleKind::heatmap:
      return s.symbol;
    case StyleKind::categorized:
      for (const auto& r : s.rules)
        if (r.value && value_matches(*r.value, value)) return r.symbol;
      return s.symbol;
    case StyleKind::graduated: {
      const auto v = number_of(value);
      if (!v) return s.symbol;
      for (std::size_t i = 0; i < s.rules.size(); ++i) {
        const auto& r = s.rules[i];
        if (!r.min || !r.max) continue;
        const bool last = i + 1 == s.rules.size();
        if (*v >= *r.min && (*v < *r.max || (last && *v == *r.max))) return r.symbol;
      }
      return s.symbol;
    }
    case StyleKind::proportional: {
      Symbol out = s.rules.empty() ? s.symbol : s.rules[0].symbol;
      const auto v = number_of(value);
      out.size = s.min_size;
      if (!v || s.rules.empty() || !s.rules[0].min || !s.rules[0].max) return out;
      const double lo = *s.rules[0].min, hi = *s.rules[0].max;
      const double t = hi > lo ? std::clamp((*v - lo) / (hi - lo), 0.0, 1.0) : 1.0;
      // Diameter grows with the square root so that marker areas follow the values.
      out.size = s.min_size + (s.max_size - s.min_size) * std::sqrt(t);
      return out;
    }
  }
  return s.symbol;
}

Color color_for_id(std::string_view id) {
  std::uint32_t h = 2166136261u;  // FNV-1a: stable across runs and builds
  for (unsigned char ch : id) h = (h ^ ch) * 16777619u;
  return from_hsl(static_cast<double>(h % 360), 0.65, 0.45, 255);
}

std::optional<std::string> name_like_field(const Schema& schema) {
  static constexpr std::array<std::string_view, 12> kNames{"name",  "名称",    "名字",    "title",
                                                           "label", "name_zh", "name_cn", "mc",
                                                           "地名",  "标题",    "name_en", "nom"};
  for (auto want : kNames)
    for (const auto& f : schema.fields)
      if (f.type == FieldType::text && ascii_iequals(f.name, want)) return f.name;
  for (const auto& f : schema.fields)
    if (f.type == FieldType::text && ascii_lowercase(f.name).find("name") != std::string::npos)
      return f.name;
  return std::nullopt;
}

Style default_style(std::string_view dataset_id, geo::GeometryType geometry_type,
                    const Schema& schema) {
  Style s;
  s.name = "default";
  s.title = "Default style";
  s.kind = StyleKind::single;
  const Color base = color_for_id(dataset_id);
  // The stroke is the same hue, darker, so outlines read against the fill.
  const Color dark{static_cast<std::uint8_t>(base.r * 6 / 10),
                   static_cast<std::uint8_t>(base.g * 6 / 10),
                   static_cast<std::uint8_t>(base.b * 6 / 10), 255};
  Symbol& sym = s.symbol;
  switch (geometry_type) {
    case geo::GeometryType::point:
    case geo::GeometryType::multi_point:
      sym.fill = Color{base.r, base.g, base.b, 230};
      sym.stroke = Color{255, 255, 255, 255};
      sym.stroke_width = 1;
      sym.marker = Marker::circle;
      sym.size = 8;
      break;
    case geo::GeometryType::line_string:
    case geo::GeometryType::multi_line_string:
      sym.fill = Color{0, 0, 0, 0};
      sym.stroke = base;
      sym.stroke_width = 2;
      sym.size = 8;
      break;
    default:  // polygons, collections and unknown types: every part is drawn
      sym.fill = Color{base.r, base.g, base.b, 96};
      sym.stroke = dark;
      sym.stroke_width = 1;
      sym.size = 8;
      break;
  }
  if (auto field = name_like_field(schema)) {
    LabelRule label;
    label.field = *field;
    s.label = label;
  }
  return s;
}

void validate(const Style& s, const Schema& schema, geo::GeometryType geometry_type) {
  auto field_type = [&](const std::string& name, const std::string& pointer) {
    const auto i = schema.find(name);
    if (!i) invalid(fmt::format("the dataset has no field '{}'", name), pointer);
    return schema.fields[*i].type;
  };
  const bool needs_field = s.kind == StyleKind::categorized || s.kind == StyleKind::graduated ||
                           s.kind == StyleKind::proportional;
  if (needs_field && s.field.empty())
    invalid(fmt::format("a {} style needs the field it is drawn by", to_string(s.kind)), "/field");
  std::optional<FieldType> type;
  if (!s.field.empty()) type = field_type(s.field, "/field");
  if (type && !is_numeric(*type) &&
      (s.kind == StyleKind::graduated || s.kind == StyleKind::proportional ||
       s.kind == StyleKind::heatmap))
    invalid(fmt::format("the field '{}' of a {} style must be numeric (integer or real)", s.field,
                        to_string(s.kind)),
            "/field");
  if (type && s.kind == StyleKind::categorized && *type == FieldType::datetime)
    invalid(fmt::format("the datetime field '{}' cannot be categorized", s.field), "/field");
  if ((s.kind == StyleKind::proportional || s.kind == StyleKind::heatmap) &&
      !is_point_type(geometry_type))
    invalid(fmt::format("a {} style draws points; the dataset's geometries are {}",
                        to_string(s.kind), geo::to_string(geometry_type)),
            "/kind");
  if (s.kind == StyleKind::categorized) {
    for (std::size_t i = 0; i < s.rules.size(); ++i) {
      const std::string ptr = fmt::format("/rules/{}/value", i);
      const Value& v = *s.rules[i].value;
      bool ok = false;
      switch (*type) {
        case FieldType::text:
        case FieldType::date:
          ok = std::holds_alternative<std::string>(v);
          break;
        case FieldType::integer:
          ok = std::holds_alternative<std::int64_t>(v) ||
               (std::holds_alternative<double>(v) &&
                std::get<double>(v) == std::trunc(std::get<double>(v)));
          break;
        case FieldType::real:
          ok = number_of(v).has_value();
          break;
        case FieldType::boolean:
          ok = std::holds_alternative<bool>(v);
          break;
        case FieldType::datetime:
          break;
      }
      if (!ok)
        invalid(fmt::format("the value does not fit the {} field '{}'", to_string(*type), s.field),
                ptr);
      for (std::size_t j = 0; j < i; ++j)
        if (value_matches(*s.rules[j].value, v))
          invalid(fmt::format("the value is already the value of rule {}", j), ptr);
    }
  }
  if (s.kind == StyleKind::graduated) {
    if (s.rules.empty() && s.method == ClassMethod::manual)
      invalid("manual classes need their rules", "/rules");
    for (std::size_t i = 1; i < s.rules.size(); ++i)
      if (*s.rules[i].min < *s.rules[i - 1].max)
        invalid(fmt::format("rule {} starts below the end of rule {}: order the classes from low "
                            "to high without overlap",
                            i, i - 1),
                fmt::format("/rules/{}/min", i));
  }
  if (s.label) field_type(s.label->field, "/label/field");
}

}  // namespace shikong::style
