// The JSON form of a style (docs/STYLES.md): a strict reader that names the member at fault by
// its JSON pointer, and the writer whose output the reader gives back unchanged.
#include <fmt/format.h>
#include <simdjson.h>

#include <cmath>
#include <limits>
#include <set>

#include "core/ascii.hpp"
#include "core/error.hpp"
#include "core/utf8.hpp"
#include "style/json_out.hpp"
#include "style/style.hpp"

namespace shikong::style {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

[[noreturn]] void invalid(std::string detail, std::string pointer) {
  throw InvalidInput("invalid-style", std::move(detail), std::move(pointer));
}

// A member's value is wrong: the sentence starts with the member's pointer.
[[noreturn]] void invalid_value(std::string_view what, const std::string& pointer) {
  invalid(fmt::format("{} {}", pointer, what), pointer);
}

std::string shown(std::string_view s) {
  return s.size() > 40 ? std::string(s.substr(0, 40)) + "..." : std::string(s);
}

// The members of one JSON object, each looked up once; whatever is left unread is unknown.
class Members {
 public:
  Members(element e, std::string pointer, std::string_view what)
      : pointer_(std::move(pointer)), what_(what) {
    object obj;
    if (e.get_object().get(obj) != simdjson::SUCCESS)
      invalid(fmt::format("{} must be a JSON object", what_), pointer_);
    for (auto m : obj) {
      if (!seen_.insert(std::string(m.key)).second)
        invalid(fmt::format("'{}' is given twice in {}", shown(m.key), what_),
                json_pointer(pointer_, m.key));
      items_.emplace_back(std::string(m.key), std::make_pair(m.value, false));
    }
  }

  std::optional<element> take(std::string_view key) {
    for (auto& [k, v] : items_)
      if (k == key && !v.second) {
        v.second = true;
        return v.first;
      }
    return std::nullopt;
  }
  std::string at(std::string_view key) const { return json_pointer(pointer_, key); }
  bool has(std::string_view key) const { return seen_.count(std::string(key)) > 0; }

  // Call after every known member was taken.
  void finish() const {
    for (const auto& [k, v] : items_)
      if (!v.second)
        invalid(fmt::format("'{}' is not a member of {}", shown(k), what_),
                json_pointer(pointer_, k));
  }

 private:
  std::string pointer_;
  std::string_view what_;
  std::set<std::string> seen_;
  std::vector<std::pair<std::string, std::pair<element, bool>>> items_;
};

std::string get_string(element e, const std::string& ptr, std::size_t max_bytes,
                       bool allow_empty = true) {
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) invalid_value("must be a string", ptr);
  if (s.size() > max_bytes)
    invalid_value(fmt::format("must be at most {} bytes long", max_bytes), ptr);
  if (!allow_empty && s.empty()) invalid_value("must not be empty", ptr);
  return std::string(s);
}

double get_number(element e, const std::string& ptr, double lo, double hi) {
  double v = 0;
  if (!e.is_number() || e.get_double().get(v) != simdjson::SUCCESS || !std::isfinite(v) || v < lo ||
      v > hi)
    invalid_value(fmt::format("must be a number from {} to {}", lo, hi), ptr);
  return v;
}

int get_int(element e, const std::string& ptr, int lo, int hi) {
  std::int64_t v = 0;
  if (e.get_int64().get(v) != simdjson::SUCCESS || v < lo || v > hi)
    invalid_value(fmt::format("must be a whole number from {} to {}", lo, hi), ptr);
  return static_cast<int>(v);
}

Color get_color(element e, const std::string& ptr) {
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS)
    invalid_value("must be a colour string such as \"#3182bd\"", ptr);
  try {
    return parse_color(s, ptr);
  } catch (const InvalidInput& err) {
    invalid(fmt::format("{}: {}", ptr, err.detail()), ptr);
  }
}

template <typename Enum, std::size_t N>
Enum get_enum(element e, const std::string& ptr, const Enum (&options)[N]) {
  std::string_view s;
  if (e.get_string().get(s) == simdjson::SUCCESS)
    for (Enum o : options)
      if (to_string(o) == s) return o;
  std::string list;
  for (Enum o : options) list += (list.empty() ? "" : ", ") + std::string(to_string(o));
  invalid_value(fmt::format("must be one of {}", list), ptr);
}

bool valid_name(std::string_view n) {
  if (n.empty() || n.size() > 64) return false;
  for (char c : n)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

constexpr double kMaxPixels = 256;  // widths, sizes, dashes and radii in px

Symbol parse_symbol(element e, const std::string& ptr, const Symbol& base) {
  Members m(e, ptr, "a symbol");
  Symbol s = base;
  if (auto v = m.take("fill")) s.fill = get_color(*v, m.at("fill"));
  if (auto v = m.take("stroke")) s.stroke = get_color(*v, m.at("stroke"));
  if (auto v = m.take("stroke_width"))
    s.stroke_width = get_number(*v, m.at("stroke_width"), 0, 100);
  if (auto v = m.take("dash")) {
    const std::string p = m.at("dash");
    simdjson::dom::array arr;
    if (v->get_array().get(arr) != simdjson::SUCCESS)
      invalid_value("must be an array of lengths in px (on, off, ...)", p);
    s.dash.clear();
    double total = 0;
    std::size_t i = 0;
    for (auto item : arr) {
      if (i == 16) invalid_value("must have at most 16 lengths", p);
      s.dash.push_back(get_number(item, fmt::format("{}/{}", p, i++), 0, 1000));
      total += s.dash.back();
    }
    if (!s.dash.empty() && total == 0) invalid_value("must not be all zero lengths", p);
  }
  if (auto v = m.take("marker")) {
    static constexpr Marker kMarkers[] = {Marker::circle, Marker::square, Marker::triangle,
                                          Marker::star, Marker::cross};
    s.marker = get_enum(*v, m.at("marker"), kMarkers);
  }
  if (auto v = m.take("size")) s.size = get_number(*v, m.at("size"), 0, kMaxPixels);
  m.finish();
  return s;
}

Value get_value(element e, const std::string& ptr) {
  switch (e.type()) {
    case element_type::STRING:
      return get_string(e, ptr, kMaxTextBytes);
    case element_type::INT64:
      return std::int64_t(e.get_int64().value_unsafe());
    case element_type::DOUBLE:
      return e.get_double().value_unsafe();
    case element_type::BOOL:
      return e.get_bool().value_unsafe();
    default:
      invalid_value("must be a string, a number within 64-bit integers, or a boolean", ptr);
  }
}

ClassRule parse_rule(element e, const std::string& ptr, StyleKind kind, const Symbol& base) {
  Members m(e, ptr, "a rule");
  ClassRule r;
  r.symbol = base;
  if (auto v = m.take("label")) r.label = get_string(*v, m.at("label"), kMaxTextBytes);
  if (auto v = m.take("value")) r.value = get_value(*v, m.at("value"));
  const double big = std::numeric_limits<double>::max();
  if (auto v = m.take("min")) r.min = get_number(*v, m.at("min"), -big, big);
  if (auto v = m.take("max")) r.max = get_number(*v, m.at("max"), -big, big);
  if (auto v = m.take("symbol")) r.symbol = parse_symbol(*v, m.at("symbol"), base);
  m.finish();
  if (kind == StyleKind::categorized) {
    if (!r.value) invalid("a categorized rule needs the value it draws", m.at("value"));
    if (r.min) invalid("a categorized rule has a value, not min and max", m.at("min"));
    if (r.max) invalid("a categorized rule has a value, not min and max", m.at("max"));
  } else {
    if (r.value)
      invalid(fmt::format("a rule of a {} style has min and max, not a value", to_string(kind)),
              m.at("value"));
    if (!r.min) invalid("the rule needs min (the lower end of its class)", m.at("min"));
    if (!r.max) invalid("the rule needs max (the upper end of its class)", m.at("max"));
    if (*r.max < *r.min) invalid("max must not be below min", m.at("max"));
  }
  return r;
}

LabelRule parse_label(element e, const std::string& ptr) {
  Members m(e, ptr, "a label");
  LabelRule l;
  if (auto v = m.take("field"))
    l.field = get_string(*v, m.at("field"), kMaxTextBytes, false);
  else
    invalid("a label needs the field whose values it shows", m.at("field"));
  if (auto v = m.take("font")) l.font = get_string(*v, m.at("font"), 128, false);
  if (auto v = m.take("size")) l.size = get_number(*v, m.at("size"), 1, 128);
  if (auto v = m.take("color")) l.color = get_color(*v, m.at("color"));
  if (auto v = m.take("halo")) l.halo = get_color(*v, m.at("halo"));
  if (auto v = m.take("halo_width")) l.halo_width = get_number(*v, m.at("halo_width"), 0, 20);
  if (auto v = m.take("min_zoom")) l.min_zoom = get_number(*v, m.at("min_zoom"), 0, 24);
  if (auto v = m.take("max_zoom")) l.max_zoom = get_number(*v, m.at("max_zoom"), 0, 24);
  m.finish();
  if (l.max_zoom < l.min_zoom) invalid("max_zoom must not be below min_zoom", m.at("max_zoom"));
  return l;
}

void write_symbol(std::string& out, const Symbol& s) {
  using namespace detail;
  out += '{';
  append_key(out, "fill");
  append_string(out, to_hex(s.fill));
  append_key(out, "stroke");
  append_string(out, to_hex(s.stroke));
  append_key(out, "stroke_width");
  append_number(out, s.stroke_width);
  append_key(out, "dash");
  out += '[';
  for (std::size_t i = 0; i < s.dash.size(); ++i) {
    if (i) out += ',';
    append_number(out, s.dash[i]);
  }
  out += ']';
  append_key(out, "marker");
  append_string(out, to_string(s.marker));
  append_key(out, "size");
  append_number(out, s.size);
  out += '}';
}

void write_value(std::string& out, const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v))
    detail::append_string(out, *s);
  else if (const auto* i = std::get_if<std::int64_t>(&v))
    out += std::to_string(*i);
  else if (const auto* d = std::get_if<double>(&v))
    detail::append_number(out, *d, true);
  else if (const auto* b = std::get_if<bool>(&v))
    out += *b ? "true" : "false";
  else if (const auto* date = std::get_if<Date>(&v))
    detail::append_string(out, format_date(*date));
  else
    out += "null";
}

}  // namespace

Style parse_style(std::string_view json) {
  return parse_style(json, "default");
}

Style parse_style(std::string_view json, std::string_view default_name) {
  if (json.size() > kMaxDocumentBytes)
    invalid(fmt::format("a style document must be at most {} bytes", kMaxDocumentBytes), "");
  simdjson::dom::parser parser;
  element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS)
    invalid("the style is not valid JSON", "");
  Members m(root, "", "a style");
  Style s;

  if (auto v = m.take("name")) {
    s.name = get_string(*v, m.at("name"), 64);
  } else {
    if (default_name.empty()) invalid("the style needs a name", "/name");
    s.name = std::string(default_name);
  }
  if (!valid_name(s.name))
    invalid("a style name is 1 to 64 characters of a-z, 0-9, '_' and '-'", "/name");
  if (auto v = m.take("title")) s.title = get_string(*v, m.at("title"), kMaxTextBytes);
  if (auto v = m.take("description"))
    s.description = get_string(*v, m.at("description"), kMaxDescriptionBytes);
  if (auto v = m.take("kind")) {
    static constexpr StyleKind kKinds[] = {StyleKind::single, StyleKind::categorized,
                                           StyleKind::graduated, StyleKind::proportional,
                                           StyleKind::heatmap};
    s.kind = get_enum(*v, m.at("kind"), kKinds);
  }
  if (auto v = m.take("symbol")) s.symbol = parse_symbol(*v, m.at("symbol"), Symbol{});
  if (auto v = m.take("field")) s.field = get_string(*v, m.at("field"), kMaxTextBytes);
  if (auto v = m.take("method")) {
    static constexpr ClassMethod kMethods[] = {ClassMethod::equal_interval, ClassMethod::quantile,
                                               ClassMethod::natural_breaks, ClassMethod::manual};
    s.method = get_enum(*v, m.at("method"), kMethods);
  }
  if (auto v = m.take("classes")) s.classes = get_int(*v, m.at("classes"), 2, 12);
  if (auto v = m.take("ramp")) {
    const std::string ptr = m.at("ramp");
    const std::string name = get_string(*v, ptr, 64);
    bool found = false;
    for (const auto& r : ramp_names())
      if (ascii_iequals(r, name)) {
        s.ramp = r;  // the ramp's own spelling, so the document round-trips
        found = true;
      }
    if (!found) {
      std::string list;
      for (const auto& r : ramp_names()) list += (list.empty() ? "" : ", ") + r;
      invalid(fmt::format("'{}' is not a colour ramp; ramps: {}", shown(name), list), ptr);
    }
  }
  if (auto v = m.take("rules")) {
    const std::string ptr = m.at("rules");
    simdjson::dom::array arr;
    if (v->get_array().get(arr) != simdjson::SUCCESS)
      invalid_value("must be an array of rules", ptr);
    if (arr.size() > kMaxRules)
      invalid(fmt::format("a style has at most {} rules", kMaxRules), ptr);
    const std::size_t most = s.kind == StyleKind::single ? 0
                             : s.kind == StyleKind::proportional || s.kind == StyleKind::heatmap
                                 ? 1
                                 : kMaxRules;
    if (arr.size() > most)
      invalid(most == 0 ? "a single-symbol style has no rules"
                        : fmt::format("a {} style has at most one rule (the field's range)",
                                      to_string(s.kind)),
              ptr);
    std::size_t i = 0;
    for (auto item : arr) {
      s.rules.push_back(parse_rule(item, fmt::format("{}/{}", ptr, i), s.kind, s.symbol));
      ++i;
    }
  }
  if (auto v = m.take("min_size")) s.min_size = get_number(*v, m.at("min_size"), 0, kMaxPixels);
  if (auto v = m.take("max_size")) s.max_size = get_number(*v, m.at("max_size"), 0, kMaxPixels);
  if (s.max_size < s.min_size) invalid("max_size must not be below min_size", "/max_size");
  if (auto v = m.take("radius")) s.radius = get_number(*v, m.at("radius"), 1, kMaxPixels);

  // Zoom range, or the same range as scale denominators (1:N); one form per end.
  if (auto v = m.take("min_zoom")) s.min_zoom = get_number(*v, m.at("min_zoom"), 0, 24);
  if (auto v = m.take("max_zoom")) s.max_zoom = get_number(*v, m.at("max_zoom"), 0, 24);
  const double big = std::numeric_limits<double>::max();
  if (auto v = m.take("max_scale_denominator")) {
    if (m.has("min_zoom"))
      invalid("give min_zoom or max_scale_denominator, not both", "/max_scale_denominator");
    const double d = get_number(*v, "/max_scale_denominator", 1, big);
    s.min_zoom = std::clamp(zoom_for_scale_denominator(d), 0.0, 24.0);
  }
  if (auto v = m.take("min_scale_denominator")) {
    if (m.has("max_zoom"))
      invalid("give max_zoom or min_scale_denominator, not both", "/min_scale_denominator");
    const double d = get_number(*v, "/min_scale_denominator", 1, big);
    s.max_zoom = std::clamp(zoom_for_scale_denominator(d), 0.0, 24.0);
  }
  if (s.max_zoom < s.min_zoom)
    invalid("the zoom range is empty: max_zoom is below min_zoom",
            m.has("min_scale_denominator") ? "/min_scale_denominator" : "/max_zoom");
  if (auto v = m.take("label"); v && !v->is_null()) s.label = parse_label(*v, m.at("label"));
  m.finish();
  return s;
}

std::string to_json(const Style& s) {
  using namespace detail;
  std::string out = "{";
  append_key(out, "name");
  append_string(out, s.name);
  append_key(out, "title");
  append_string(out, s.title);
  append_key(out, "description");
  append_string(out, s.description);
  append_key(out, "kind");
  append_string(out, to_string(s.kind));
  append_key(out, "symbol");
  write_symbol(out, s.symbol);
  append_key(out, "field");
  append_string(out, s.field);
  append_key(out, "method");
  append_string(out, to_string(s.method));
  append_key(out, "classes");
  out += std::to_string(s.classes);
  append_key(out, "ramp");
  append_string(out, s.ramp);
  append_key(out, "rules");
  out += '[';
  for (std::size_t i = 0; i < s.rules.size(); ++i) {
    const auto& r = s.rules[i];
    if (i) out += ',';
    out += '{';
    append_key(out, "label");
    append_string(out, r.label);
    if (r.value) {
      append_key(out, "value");
      write_value(out, *r.value);
    }
    if (r.min) {
      append_key(out, "min");
      append_number(out, *r.min);
    }
    if (r.max) {
      append_key(out, "max");
      append_number(out, *r.max);
    }
    append_key(out, "symbol");
    write_symbol(out, r.symbol);
    out += '}';
  }
  out += ']';
  append_key(out, "min_size");
  append_number(out, s.min_size);
  append_key(out, "max_size");
  append_number(out, s.max_size);
  append_key(out, "radius");
  append_number(out, s.radius);
  append_key(out, "min_zoom");
  append_number(out, s.min_zoom);
  append_key(out, "max_zoom");
  append_number(out, s.max_zoom);
  if (s.label) {
    const auto& l = *s.label;
    append_key(out, "label");
    out += '{';
    append_key(out, "field");
    append_string(out, l.field);
    append_key(out, "font");
    append_string(out, l.font);
    append_key(out, "size");
    append_number(out, l.size);
    append_key(out, "color");
    append_string(out, to_hex(l.color));
    append_key(out, "halo");
    append_string(out, to_hex(l.halo));
    append_key(out, "halo_width");
    append_number(out, l.halo_width);
    append_key(out, "min_zoom");
    append_number(out, l.min_zoom);
    append_key(out, "max_zoom");
    append_number(out, l.max_zoom);
    out += '}';
  }
  out += '}';
  return out;
}

}  // namespace shikong::style
