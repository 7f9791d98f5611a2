// WMS 1.3.0 request parsing (internal to ogc/): the KVP parameters of GetMap, GetFeatureInfo and
// GetLegendGraphic checked one by one, each failure an Error whose code maps to the WMS
// exception code the standard names for it (wms_exception_code).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/envelope.hpp"
#include "core/error.hpp"
#include "core/instant.hpp"
#include "datum/crs.hpp"
#include "protocol/request.hpp"
#include "render/render.hpp"
#include "style/style.hpp"

namespace shikong::ogc::wms {

inline constexpr std::string_view kVersion = "1.3.0";

// Error codes thrown by this module (and understood by wms_exception_code), beside the
// generic "missing-parameter" and "operation-not-supported".
namespace error_code {
inline constexpr const char* invalid_crs = "invalid-crs";
inline constexpr const char* invalid_format = "invalid-format";
inline constexpr const char* layer_not_defined = "layer-not-defined";
inline constexpr const char* style_not_defined = "style-not-defined";
inline constexpr const char* layer_not_queryable = "layer-not-queryable";
inline constexpr const char* invalid_point = "invalid-point";
inline constexpr const char* invalid_dimension_value = "invalid-dimension-value";
inline constexpr const char* missing_dimension_value = "missing-dimension-value";
inline constexpr const char* invalid_parameter = "invalid-parameter";
}  // namespace error_code

// The WMS 1.3.0 exception code (Table E.1) of an Error: the codes above map to InvalidCRS,
// InvalidFormat, LayerNotDefined, StyleNotDefined ("unknown-style" of the map engine too),
// LayerNotQueryable, InvalidPoint, InvalidDimensionValue (also "invalid-datetime") and
// MissingDimensionValue; "missing-parameter" to MissingParameterValue;
// "operation-not-supported" to OperationNotSupported; "unknown-crs"/"unsupported-crs" to
// InvalidCRS; any other client error to InvalidParameterValue; the rest to NoApplicableCode.
std::string_view wms_exception_code(const Error& e);
// HTTP status of a WMS exception: 400 for every client error (a hidden or unknown layer too,
// so that OWSLib reports a ServiceException rather than an HTTP error), the Error's own status
// for 429, 5xx.
int wms_exception_status(const Error& e);

enum class ExceptionFormat { xml, inimage, blank };
// "XML", "INIMAGE", "BLANK" and the 1.1.1 MIME forms application/vnd.ogc.se_xml, _inimage,
// _blank (case-insensitive). Absent -> xml. Else InvalidInput(invalid_parameter, "EXCEPTIONS").
ExceptionFormat parse_exceptions(std::optional<std::string_view> text);

// The CRSs this WMS offers: EPSG:4490, EPSG:4326, CRS:84, EPSG:3857 and the CGCS2000 3-degree
// Gauss-Kruger zones EPSG:4534..4554 (CM 75E..135E; EPSG:4547 is CM 114E), and the platform
// CRS if configured to another one.
const std::vector<datum::Crs>& offered_crs();
// The name of a CRS in WMS 1.3.0 capabilities and requests ("EPSG:4326", "CRS:84").
std::string wms_crs_name(const datum::Crs& crs);
// Resolves CRS; anything unknown or not offered is InvalidInput(invalid_crs, "CRS").
datum::Crs parse_crs(std::string_view text, const std::vector<datum::Crs>& offered);

// BBOX "minx,miny,maxx,maxy" in the axis order of `crs` (lat,lon for EPSG:4326 and 4490,
// northing,easting for the Gauss-Kruger zones, lon,lat for CRS:84 and x,y for EPSG:3857).
// Returns the envelope in GIS order (x = longitude or easting). Not four numbers, or a minimum
// not below its maximum, is InvalidInput(invalid_parameter, "BBOX").
Envelope parse_bbox(std::string_view text, const datum::Crs& crs);

// WIDTH or HEIGHT: an integer in 1..max; else InvalidInput(invalid_parameter, parameter).
int parse_size(std::string_view text, std::string_view parameter, int max);

// BGCOLOR "0xRRGGBB" (hex digits in either case); else InvalidInput(invalid_parameter,
// "BGCOLOR").
style::Color parse_bgcolor(std::string_view text);
// TRANSPARENT "TRUE" or "FALSE" (case-insensitive); else InvalidInput(invalid_parameter).
bool parse_transparent(std::string_view text);

// TIME: an instant or "start/end" (either end may be open), as OGC API datetime; else
// InvalidInput(invalid_dimension_value, "TIME").
Interval parse_time(std::string_view text);

// FORMAT of GetMap: image/png, image/jpeg, image/webp (MIME type case-insensitive, parameters
// such as "; mode=8bit" ignored); else InvalidInput(invalid_format, parameter).
render::ImageFormat parse_image_format(std::string_view text, std::string_view parameter);

// Comma-separated list; empty items kept ("a,,b" -> 3 items); "" -> no items.
std::vector<std::string> split_list(std::string_view text);

// Limits of a map request (maps::MapSettings).
struct Limits {
  int max_width = 4096;
  int max_height = 4096;
  std::int64_t max_pixels = 4096LL * 4096;
  int max_layers = 16;
};

// The map part shared by GetMap and GetFeatureInfo.
struct MapRequest {
  std::vector<std::string> layers;
  std::vector<std::string> styles;  // one per layer; "" = the layer's default style
  datum::Crs crs;
  Envelope bbox;  // in `crs`, GIS order
  int width = 0;
  int height = 0;
  render::ImageFormat format = render::ImageFormat::png;
  bool transparent = false;
  style::Color bgcolor{255, 255, 255, 255};
  std::optional<Interval> time;
  ExceptionFormat exceptions = ExceptionFormat::xml;
};

// Checks VERSION (absent -> MissingParameterValue; not 1.3.0 -> InvalidParameterValue) and
// SERVICE (absent is accepted; another value -> InvalidParameterValue).
void check_service_and_version(const protocol::Request& req);

// Parses LAYERS, STYLES, CRS, BBOX, WIDTH, HEIGHT, FORMAT (GetMap only: `need_format`),
// TRANSPARENT, BGCOLOR, TIME. EXCEPTIONS is read first into `out.exceptions`, so that a caller
// catching an error of a later parameter can still answer INIMAGE or BLANK: `out` is filled
// in place for that reason, as far as parsing got.
void parse_map_request(const protocol::Request& req, const Limits& limits, bool need_format,
                       MapRequest& out);

struct FeatureInfoRequest {
  MapRequest map;
  std::vector<std::string> query_layers;  // each one of map.layers
  int i = 0;                              // pixel column, 0 = left
  int j = 0;                              // pixel row, 0 = top
  std::string info_format = "application/json";
  int feature_count = 1;
};
inline constexpr int kMaxFeatureCount = 100;

// The GetMap part (without FORMAT), then QUERY_LAYERS (each must be in LAYERS, else
// LayerNotDefined), I and J (integers inside the image, else InvalidPoint), INFO_FORMAT
// (application/json, text/html, text/plain; absent -> application/json; else InvalidFormat)
// and FEATURE_COUNT (a positive integer, capped at kMaxFeatureCount; absent -> 1).
FeatureInfoRequest parse_feature_info_request(const protocol::Request& req, const Limits& limits);

struct LegendRequest {
  std::string layer;
  std::string style;  // "" = default
  render::ImageFormat format = render::ImageFormat::png;
  int width = 0;  // 0 = sized to the content
  int height = 0;
};
// GetLegendGraphic (SLD 1.1.0): LAYER (required), STYLE, FORMAT (absent -> image/png), WIDTH
// and HEIGHT (optional, 1..max).
LegendRequest parse_legend_request(const protocol::Request& req, const Limits& limits);

}  // namespace shikong::ogc::wms
