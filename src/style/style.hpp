// The style model of thematic maps: one JSON document per (dataset, name) that drives WMS/WMTS
// rendering, legends and the exported MapLibre style. Pure data and rules; no I/O, no drawing.
// The JSON form is documented in docs/STYLES.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/schema.hpp"
#include "core/value.hpp"
#include "geo/geometry.hpp"

namespace shikong::style {

struct Color {
  std::uint8_t r = 0, g = 0, b = 0, a = 255;
  bool operator==(const Color&) const = default;
};
// "#rgb", "#rrggbb", "#rrggbbaa", "rgb(r,g,b)", "rgba(r,g,b,a)" and the CSS basic colour names.
// Throws InvalidInput("invalid-color", ..., parameter).
Color parse_color(std::string_view text, std::string_view parameter = "color");
std::string to_hex(const Color& c);  // "#rrggbb" or "#rrggbbaa" when a < 255

enum class Marker { circle, square, triangle, star, cross };
std::string_view to_string(Marker m);

// How one class of features is drawn. A fill with a = 0 is no fill; stroke_width 0 no stroke.
struct Symbol {
  Color fill{49, 130, 189, 160};
  Color stroke{8, 69, 148, 255};
  double stroke_width = 1.0;  // px
  std::vector<double> dash;   // px on, px off, ...; empty = solid
  Marker marker = Marker::circle;
  double size = 8.0;  // point marker diameter, px
  bool operator==(const Symbol&) const = default;
};

// A class of a categorized (value) or graduated (min <= v < max; the last class includes max)
// style, with its legend label.
struct ClassRule {
  std::string label;
  std::optional<Value> value;  // categorized
  std::optional<double> min;   // graduated
  std::optional<double> max;
  Symbol symbol;
  bool operator==(const ClassRule&) const = default;
};

enum class StyleKind { single, categorized, graduated, proportional, heatmap };
std::string_view to_string(StyleKind k);
enum class ClassMethod { equal_interval, quantile, natural_breaks, manual };
std::string_view to_string(ClassMethod m);

struct LabelRule {
  std::string field;                      // property whose value is the label text
  std::string font = "Noto Sans CJK SC";  // Pango family; CJK and Latin both covered
  double size = 12.0;                     // px
  Color color{32, 32, 32, 255};
  Color halo{255, 255, 255, 220};
  double halo_width = 1.5;  // px
  double min_zoom = 0;      // WebMercator zoom range in which labels show
  double max_zoom = 24;
  bool operator==(const LabelRule&) const = default;
};

struct Style {
  std::string name = "default";  // [a-z0-9_-]{1,64}, unique per dataset
  std::string title;
  std::string description;
  StyleKind kind = StyleKind::single;
  Symbol symbol;      // single; the fallback ("other values") of categorized and graduated
  std::string field;  // categorized / graduated / proportional: the classified property;
                      // heatmap: optional weight
  ClassMethod method = ClassMethod::quantile;  // graduated
  int classes = 5;                             // graduated: 2..12
  std::string ramp = "YlOrRd";                 // colour ramp name (ramp_names())
  std::vector<ClassRule> rules;        // categorized / graduated; computed by classify() when empty
  double min_size = 4, max_size = 40;  // proportional: marker diameters for min/max values
  double radius = 20;                  // heatmap kernel radius, px
  double min_zoom = 0;                 // the style draws nothing outside [min_zoom, max_zoom]
  double max_zoom = 24;
  std::optional<LabelRule> label;
  bool operator==(const Style&) const = default;
};

// Parses and checks the form of a style document (not its fields: see validate). Errors are
// InvalidInput("invalid-style", sentence, "/json/pointer/of/the/member").
Style parse_style(std::string_view json);
std::string to_json(const Style& s);  // parse_style(to_json(s)) == s
// As parse_style, with the name taken as `default_name` when the document has none; an empty
// `default_name` makes "name" required.
Style parse_style(std::string_view json, std::string_view default_name);

// Limits of a style document.
inline constexpr std::size_t kMaxRules = 256;
inline constexpr std::size_t kMaxTextBytes = 1024;  // title, labels, field and font names
inline constexpr std::size_t kMaxDescriptionBytes = 8192;
inline constexpr std::size_t kMaxDocumentBytes = 1 << 20;

// Checks a style against a dataset's schema and geometry type: the fields exist, classified
// fields of graduated/proportional are numeric, rules are ordered and within limits. Throws
// InvalidInput("invalid-style", ..., pointer).
void validate(const Style& s, const Schema& schema, geo::GeometryType geometry_type);

// Web Mercator zoom <-> scale denominator (OGC 0.28 mm pixel, 256 px tiles).
double scale_denominator_for_zoom(double zoom);
double zoom_for_scale_denominator(double scale_denominator);

// Colour ramps (ColorBrewer-like sequential, diverging and qualitative ramps, and "heat").
std::vector<std::string> ramp_names();
// n colours sampled along the ramp; throws InvalidInput("invalid-style", ..., "/ramp").
std::vector<Color> ramp_colors(std::string_view ramp, int n);

// Class breaks (classes + 1 values, first = min, last = max) of numeric values by a method:
// equal interval, quantile, or natural breaks (Jenks). Fewer distinct values than classes gives
// fewer classes. `values` may be unsorted; NaNs are ignored.
std::vector<double> class_breaks(ClassMethod method, std::vector<double> values, int classes);

// Fills `s.rules` when empty: categorized from the distinct values (at most 12, most frequent
// first, the rest drawn with `symbol`), graduated from class_breaks over `values`, colours from
// the ramp. `values` are the field's values of the dataset (the caller reads them).
void classify(Style& s, const std::vector<Value>& values);

// The symbol a feature with `value` (of s.field; null for single) is drawn with, or nullptr
// when it is not drawn. For proportional, the size is scaled between min_size and max_size by
// value within [lo, hi] (the field's range, in rules[0].min/max after classify).
Symbol symbol_for(const Style& s, const Value& value);
// Whether a feature's value equals a categorized rule's value: numbers by value (1 == 1.0),
// strings exactly, a date with its YYYY-MM-DD text.
bool value_matches(const Value& rule_value, const Value& value);

// The default style of a dataset from its geometry type and fields: a single symbol whose
// colour is derived from the dataset id, and a label on the first name-like text field
// ("name", "名称", "title", ...) if any.
Style default_style(std::string_view dataset_id, geo::GeometryType geometry_type,
                    const Schema& schema);
// The default style's colour: a hue from a hash of the id (stable across runs and builds).
Color color_for_id(std::string_view dataset_id);
// The text field labels go on by default: "name", "名称", "title", "label", ... (ASCII case
// ignored), else the first text field whose name contains "name".
std::optional<std::string> name_like_field(const Schema& schema);

// Where the exported MapLibre style finds its data.
struct MapLibreSource {
  std::string tilejson_url;   // the dataset's TileJSON (absolute URL)
  std::string source_layer;   // the MVT layer name (the dataset id)
  std::string glyphs_url;     // empty: labels are left out (no offline glyphs)
  std::string basemap_style;  // optional: layers of a base map style to put underneath
};
// A MapLibre GL style JSON (version 8) drawing the dataset as the style does.
std::string to_maplibre_style(const Style& s, geo::GeometryType geometry_type,
                              const MapLibreSource& source);
// One MapLibre style from several (each a style JSON object): their sources, and their layers
// in order (the first underneath); the first glyphs and sprite given. For base maps made of
// several datasets. Throws InvalidInput("invalid-maplibre-style") when one is not a JSON object.
std::string merge_maplibre_styles(const std::vector<std::string>& styles);

}  // namespace shikong::style
