// WMS 1.3.0 KVP parameter parsing and the mapping of errors to WMS exception codes.
#include "ogc/wms_request.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>

#include "core/ascii.hpp"
#include "datum/time.hpp"
#include "protocol/ogc_exception.hpp"
#include "protocol/problem.hpp"

namespace shikong::ogc::wms {
namespace {

[[noreturn]] void invalid(std::string_view parameter, std::string detail) {
  throw InvalidInput(error_code::invalid_parameter, std::move(detail), std::string(parameter));
}

[[noreturn]] void missing(std::string_view parameter) {
  throw InvalidInput("missing-parameter", fmt::format("the parameter {} is required", parameter),
                     std::string(parameter));
}

std::string_view required(const protocol::Request& req, std::string_view name) {
  auto v = req.param_icase(name);
  if (!v || trim_blanks(*v).empty()) missing(name);
  return trim_blanks(*v);
}

std::optional<int> to_int(std::string_view text) {
  text = trim_blanks(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  int v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc{} || r.ptr != text.data() + text.size()) return {};
  return v;
}

std::optional<double> to_double(std::string_view text) {
  text = trim_blanks(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc{} || r.ptr != text.data() + text.size() ||
      !std::isfinite(v))
    return {};
  return v;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = ascii_lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string_view wms_exception_code(const Error& e) {
  using namespace protocol::ows_code;
  const std::string& c = e.code();
  if (c == "missing-parameter") return missing_parameter_value;
  if (c == "operation-not-supported") return operation_not_supported;
  if (c == error_code::invalid_crs || c == "unknown-crs" || c == "unsupported-crs")
    return invalid_crs;
  if (c == error_code::invalid_format) return invalid_format;
  if (c == error_code::layer_not_defined) return layer_not_defined;
  if (c == error_code::style_not_defined || c == "unknown-style") return style_not_defined;
  if (c == error_code::layer_not_queryable) return "LayerNotQueryable";
  if (c == error_code::invalid_point) return "InvalidPoint";
  if (c == error_code::invalid_dimension_value || c == "invalid-datetime")
    return "InvalidDimensionValue";
  if (c == error_code::missing_dimension_value) return "MissingDimensionValue";
  switch (e.kind()) {
    case ErrorKind::invalid_input:
    case ErrorKind::not_found:
    case ErrorKind::unsupported:
    case ErrorKind::payload_too_large:
      return invalid_parameter_value;
    default:
      return no_applicable_code;
  }
}

int wms_exception_status(const Error& e) {
  switch (e.kind()) {
    case ErrorKind::invalid_input:
    case ErrorKind::not_found:
    case ErrorKind::unsupported:
    case ErrorKind::payload_too_large:
    case ErrorKind::conflict:
      return 400;
    default:
      return protocol::http_status(e.kind());
  }
}

ExceptionFormat parse_exceptions(std::optional<std::string_view> text) {
  if (!text) return ExceptionFormat::xml;
  const std::string v = ascii_lowercase(trim_blanks(*text));
  if (v.empty() || v == "xml" || v == "application/vnd.ogc.se_xml" || v == "text/xml")
    return ExceptionFormat::xml;
  if (v == "inimage" || v == "application/vnd.ogc.se_inimage") return ExceptionFormat::inimage;
  if (v == "blank" || v == "application/vnd.ogc.se_blank") return ExceptionFormat::blank;
  invalid("EXCEPTIONS", "EXCEPTIONS must be XML, INIMAGE or BLANK");
}

const std::vector<datum::Crs>& offered_crs() {
  static const std::vector<datum::Crs> list = [] {
    std::vector<datum::Crs> out;
    auto add = [&](const datum::Crs& c) {
      for (const auto& o : out)
        if (o == c) return;
      out.push_back(c);
    };
    add(datum::epsg(4490));
    add(datum::platform_crs());
    add(datum::epsg(4326));
    add(datum::crs84());
    add(datum::epsg(3857));
    for (int code = 4534; code <= 4554; ++code) add(datum::epsg(code));
    return out;
  }();
  return list;
}

std::string wms_crs_name(const datum::Crs& crs) {
  if (crs == datum::crs84()) return "CRS:84";
  if (crs.epsg != 0) return fmt::format("EPSG:{}", crs.epsg);
  return crs.id;
}

datum::Crs parse_crs(std::string_view text, const std::vector<datum::Crs>& offered) {
  text = trim_blanks(text);
  // WMS names CRSs by identifier only ("EPSG:4326", "CRS:84", or a URN/URL form of one):
  // anything else (WKT, PROJJSON) is refused here rather than handed to PROJ's parsers.
  bool identifier = !text.empty() && text.size() <= 100;
  for (char c : text)
    identifier = identifier && (std::isalnum(static_cast<unsigned char>(c)) || c == ':' ||
                                c == '.' || c == '/' || c == '_' || c == '-');
  std::optional<datum::Crs> crs;
  if (identifier) {
    try {
      crs = datum::parse_crs(text, "CRS");
    } catch (const InvalidInput&) {
      // Unknown to PROJ: the standard's InvalidCRS below.
    }
  }
  if (crs)
    for (const auto& c : offered)
      if (c == *crs) return c;
  throw InvalidInput(error_code::invalid_crs, "CRS is not one of the CRSs this service offers",
                     "CRS");
}

Envelope parse_bbox(std::string_view text, const datum::Crs& crs) {
  double v[4];
  std::size_t n = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    const auto part =
        text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    auto d = to_double(part);
    if (!d || n == 4) invalid("BBOX", "BBOX must be four comma-separated numbers");
    v[n++] = *d;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (n != 4) invalid("BBOX", "BBOX must be four comma-separated numbers");
  double x0 = v[0], y0 = v[1], x1 = v[2], y1 = v[3];
  if (crs.lat_first) {
    std::swap(x0, y0);
    std::swap(x1, y1);
  }
  if (!(v[0] < v[2]) || !(v[1] < v[3]))
    invalid("BBOX", "each minimum of BBOX must be below its maximum");
  return Envelope::of(x0, y0, x1, y1);
}

int parse_size(std::string_view text, std::string_view parameter, int max) {
  auto v = to_int(text);
  if (!v || *v < 1)
    invalid(parameter, fmt::format("{} must be a positive whole number of pixels", parameter));
  if (*v > max)
    invalid(parameter, fmt::format("{} must be at most {} pixels on this service", parameter, max));
  return *v;
}

style::Color parse_bgcolor(std::string_view text) {
  text = trim_blanks(text);
  if (text.size() != 8 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
    invalid("BGCOLOR", "BGCOLOR must be a colour written 0xRRGGBB");
  int d[6];
  for (int k = 0; k < 6; ++k) {
    d[k] = hex_digit(text[2 + k]);
    if (d[k] < 0) invalid("BGCOLOR", "BGCOLOR must be a colour written 0xRRGGBB");
  }
  return style::Color{static_cast<std::uint8_t>(d[0] * 16 + d[1]),
                      static_cast<std::uint8_t>(d[2] * 16 + d[3]),
                      static_cast<std::uint8_t>(d[4] * 16 + d[5]), 255};
}

bool parse_transparent(std::string_view text) {
  text = trim_blanks(text);
  if (ascii_iequals(text, "true")) return true;
  if (ascii_iequals(text, "false")) return false;
  invalid("TRANSPARENT", "TRANSPARENT must be TRUE or FALSE");
}

Interval parse_time(std::string_view text) {
  try {
    return datum::parse_datetime_parameter(trim_blanks(text), "TIME");
  } catch (const InvalidInput&) {
    throw InvalidInput(error_code::invalid_dimension_value,
                       "TIME must be an ISO 8601 instant or an interval start/end", "TIME");
  }
}

render::ImageFormat parse_image_format(std::string_view text, std::string_view parameter) {
  std::string_view main = text.substr(0, text.find(';'));
  const std::string v = ascii_lowercase(trim_blanks(main));
  if (v == "image/png") return render::ImageFormat::png;
  if (v == "image/jpeg") return render::ImageFormat::jpeg;
  if (v == "image/webp") return render::ImageFormat::webp;
  throw InvalidInput(error_code::invalid_format,
                     fmt::format("{} must be image/png, image/jpeg or image/webp", parameter),
                     std::string(parameter));
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    out.emplace_back(trim_blanks(
        text.substr(start, comma == std::string_view::npos ? text.npos : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

void check_service_and_version(const protocol::Request& req) {
  if (auto s = req.param_icase("SERVICE"); s && !ascii_iequals(trim_blanks(*s), "WMS"))
    invalid("SERVICE", "SERVICE must be WMS");
  auto v = required(req, "VERSION");
  if (v != kVersion) invalid("VERSION", "this service speaks WMS version 1.3.0 only");
}

void parse_map_request(const protocol::Request& req, const Limits& limits, bool need_format,
                       MapRequest& out) {
  out.exceptions = parse_exceptions(req.param_icase("EXCEPTIONS"));
  // Size and format first: an INIMAGE or BLANK answer to a later error needs them.
  out.width = parse_size(required(req, "WIDTH"), "WIDTH", limits.max_width);
  out.height = parse_size(required(req, "HEIGHT"), "HEIGHT", limits.max_height);
  if (static_cast<std::int64_t>(out.width) * out.height > limits.max_pixels)
    invalid("WIDTH", fmt::format("WIDTH x HEIGHT must be at most {} pixels on this service",
                                 limits.max_pixels));
  if (need_format) out.format = parse_image_format(required(req, "FORMAT"), "FORMAT");
  if (auto t = req.param_icase("TRANSPARENT")) out.transparent = parse_transparent(*t);
  if (auto b = req.param_icase("BGCOLOR")) out.bgcolor = parse_bgcolor(*b);

  out.layers = split_list(required(req, "LAYERS"));
  for (const auto& l : out.layers)
    if (l.empty())
      throw InvalidInput(error_code::layer_not_defined, "LAYERS names an empty layer", "LAYERS");
  if (static_cast<int>(out.layers.size()) > limits.max_layers)
    invalid("LAYERS", fmt::format("LAYERS may name at most {} layers", limits.max_layers));
  // STYLES is mandatory in 1.3.0, but clients often leave it out: absent or empty means the
  // default style of every layer.
  out.styles = split_list(req.param_icase("STYLES").value_or(""));
  if (out.styles.empty()) out.styles.assign(out.layers.size(), "");
  if (out.styles.size() != out.layers.size())
    throw InvalidInput(error_code::style_not_defined,
                       "STYLES must name one style per layer of LAYERS, or be empty", "STYLES");

  out.crs = parse_crs(required(req, "CRS"), offered_crs());
  out.bbox = parse_bbox(required(req, "BBOX"), out.crs);
  if (auto t = req.param_icase("TIME"); t && !trim_blanks(*t).empty()) out.time = parse_time(*t);
}

FeatureInfoRequest parse_feature_info_request(const protocol::Request& req, const Limits& limits) {
  FeatureInfoRequest out;
  parse_map_request(req, limits, false, out.map);
  out.map.exceptions = ExceptionFormat::xml;  // an image of an error answers no query
  out.query_layers = split_list(required(req, "QUERY_LAYERS"));
  for (const auto& q : out.query_layers) {
    bool found = false;
    for (const auto& l : out.map.layers) found = found || l == q;
    if (!found)
      throw InvalidInput(error_code::layer_not_defined,
                         "QUERY_LAYERS names a layer that is not in LAYERS", "QUERY_LAYERS");
  }
  auto pixel = [&](std::string_view name, int size) {
    auto v = to_int(required(req, name));
    if (!v || *v < 0 || *v >= size)
      throw InvalidInput(error_code::invalid_point,
                         fmt::format("{} must be a pixel of the map (0 to {})", name, size - 1),
                         std::string(name));
    return *v;
  };
  out.i = pixel("I", out.map.width);
  out.j = pixel("J", out.map.height);
  if (auto f = req.param_icase("INFO_FORMAT"); f && !trim_blanks(*f).empty()) {
    const std::string v = ascii_lowercase(trim_blanks(f->substr(0, f->find(';'))));
    if (v != "application/json" && v != "text/html" && v != "text/plain")
      throw InvalidInput(error_code::invalid_format,
                         "INFO_FORMAT must be application/json, text/html or text/plain",
                         "INFO_FORMAT");
    out.info_format = v;
  }
  if (auto c = req.param_icase("FEATURE_COUNT"); c && !trim_blanks(*c).empty()) {
    auto v = to_int(*c);
    if (!v || *v < 1) invalid("FEATURE_COUNT", "FEATURE_COUNT must be a positive whole number");
    out.feature_count = std::min(*v, kMaxFeatureCount);
  }
  return out;
}

LegendRequest parse_legend_request(const protocol::Request& req, const Limits& limits) {
  LegendRequest out;
  out.layer = std::string(required(req, "LAYER"));
  if (auto s = req.param_icase("STYLE")) out.style = std::string(trim_blanks(*s));
  if (auto f = req.param_icase("FORMAT"); f && !trim_blanks(*f).empty())
    out.format = parse_image_format(*f, "FORMAT");
  if (auto w = req.param_icase("WIDTH"); w && !trim_blanks(*w).empty())
    out.width = parse_size(*w, "WIDTH", limits.max_width);
  if (auto h = req.param_icase("HEIGHT"); h && !trim_blanks(*h).empty())
    out.height = parse_size(*h, "HEIGHT", limits.max_height);
  return out;
}

}  // namespace shikong::ogc::wms
