// WMTS 1.0.0 (OGC 07-057r7): the capabilities document, GetTile and GetFeatureInfo in the KVP
// and RESTful encodings, and OWS 1.1 exception reports with the status codes the standard gives.
#include "ogc/wmts.hpp"

#include <fmt/format.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/ascii.hpp"
#include "core/error.hpp"
#include "datum/time.hpp"
#include "ogc/feature_encoder.hpp"
#include "ogc/feature_info.hpp"
#include "ogc/tile_common.hpp"
#include "ogc/wmts_internal.hpp"
#include "protocol/json_writer.hpp"
#include "protocol/ogc_exception.hpp"
#include "protocol/problem.hpp"
#include "protocol/query.hpp"
#include "protocol/xml_escape.hpp"
#include "render/render.hpp"

namespace shikong::ogc {
namespace {

using protocol::Request;
using protocol::Response;
using protocol::xml_escape;

constexpr std::string_view kVersion = "1.0.0";
constexpr int kMaxFeatureInfo = 10;

struct Format {
  std::string_view media_type;
  std::string_view extension;
};
// Image formats first: clients (OWSLib, GDAL) take the first format by default.
constexpr Format kTileFormats[] = {
    {"image/png", "png"}, {"image/jpeg", "jpeg"}, {"image/webp", "webp"}, {kMvtMediaType, "pbf"}};
constexpr Format kInfoFormats[] = {
    {"application/json", "json"}, {"text/html", "html"}, {"text/plain", "txt"}};

std::string urn_of(const datum::Crs& crs) {
  if (crs.epsg > 0) return "urn:ogc:def:crs:EPSG::" + std::to_string(crs.epsg);
  return "urn:ogc:def:crs:OGC:1.3:CRS84";
}

// "x y" in the CRS's axis order (latitude first for EPSG:4490).
std::string corner(const datum::Crs& crs, double x, double y) {
  return crs.lat_first ? fmt::format("{} {}", y, x) : fmt::format("{} {}", x, y);
}

std::string time_text(const std::optional<Instant>& t) {
  return t ? datum::format_rfc3339_utc(*t) : std::string("..");
}

bool has_time_dimension(const storage::DatasetInfo& ds) {
  return has_valid_time(ds) && !ds.time_extent.unbounded();
}

// ---- requests ----

std::string_view required(const Request& req, std::string_view name) {
  auto v = req.param_icase(name);
  if (!v || trim_blanks(*v).empty())
    throw InvalidInput("missing-parameter", "The parameter " + std::string(name) + " is required.",
                       std::string(name));
  return trim_blanks(*v);
}

std::int64_t integer_parameter(std::string_view text, std::string_view name) {
  std::int64_t v = 0;
  bool ok = !text.empty() && text.size() <= 12;
  std::size_t i = 0;
  const bool negative = ok && text[0] == '-';
  if (negative) i = 1;
  ok = ok && i < text.size();
  for (; ok && i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') ok = false;
    v = v * 10 + (text[i] - '0');
  }
  if (!ok)
    throw InvalidInput("invalid-parameter",
                       "The parameter " + std::string(name) + " must be an integer.",
                       std::string(name));
  return negative ? -v : v;
}

}  // namespace

WmtsTileRequest parse_tile_request(const MapsContext& ctx, const Request& req,
                                   const WmtsTileParameters& p) {
  WmtsTileRequest out;
  out.dataset = visible_dataset(ctx, req, p.layer, "unknown-layer", p.names.layer);
  out.style = p.style.empty() ? "default" : std::string(p.style);
  // "default" always exists; another name is looked up once (the map engine keeps styles).
  if (out.style != "default") {
    try {
      ctx.maps.style(out.dataset, out.style);
    } catch (const NotFound&) {
      throw InvalidInput("unknown-style", "The layer has no style of this name.",
                         std::string(p.names.style));
    }
  }
  const tiles::TileMatrixSet* set = nullptr;
  for (const auto* s : tiles::tile_matrix_sets())
    if (s->id == p.tile_matrix_set) set = s;
  if (!set)
    throw InvalidInput("unknown-tile-matrix-set",
                       "The tile matrix set is not one of WebMercatorQuad or CGCS2000Quad.",
                       std::string(p.names.tile_matrix_set));
  const tiles::TileMatrix* m = set->find(p.tile_matrix);
  if (!m)
    throw InvalidInput("unknown-tile-matrix",
                       "The tile matrix set " + set->id + " has no tile matrix of this id.",
                       std::string(p.names.tile_matrix));
  const std::int64_t row = integer_parameter(p.tile_row, p.names.tile_row);
  const std::int64_t col = integer_parameter(p.tile_col, p.names.tile_col);
  out.address =
      tile_at(*set, m->id, col, row, p.names.tile_matrix, p.names.tile_col, p.names.tile_row);
  // TIME is a dimension of temporal layers only; elsewhere it is an unknown parameter, which
  // WMTS says to ignore.
  if (p.time && !trim_blanks(*p.time).empty() && has_valid_time(out.dataset))
    out.time = datum::parse_datetime_parameter(trim_blanks(*p.time), p.names.time);
  return out;
}

namespace {

// ---- exceptions ----

std::string_view exception_code(const Error& e) {
  if (e.code() == "point-out-of-range") return "PointIJOutOfRange";
  return protocol::ows_exception_code(e);
}

// KVP answers with the status table of the standard; RESTful resources that do not exist are
// 404 (HTTP's own semantics, as the RESTful binding asks).
int exception_status(const Error& e, std::string_view code, bool rest) {
  if (code == protocol::ows_code::operation_not_supported) return 501;
  if (code == protocol::ows_code::no_applicable_code) return protocol::http_status(e);
  if (rest && e.kind() == ErrorKind::not_found) return 404;
  return 400;
}

}  // namespace

std::string wmts_exception_report(std::string_view code, std::string_view locator,
                                  std::string_view text) {
  std::string out;
  out.reserve(512 + text.size());
  out += R"(<?xml version="1.0" encoding="UTF-8"?>)"
         "\n"
         R"(<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1" )"
         R"(xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" )"
         R"(xsi:schemaLocation="http://www.opengis.net/ows/1.1 )"
         R"(http://schemas.opengis.net/ows/1.1.0/owsExceptionReport.xsd" version="1.0.0" )"
         R"(xml:lang="en">)"
         "\n"
         R"(  <ows:Exception exceptionCode=")";
  protocol::append_xml_escaped(out, code);
  out += '"';
  if (!locator.empty()) {
    out += R"( locator=")";
    protocol::append_xml_escaped(out, locator);
    out += '"';
  }
  out += ">\n";
  if (!text.empty()) {
    out += "    <ows:ExceptionText>";
    protocol::append_xml_escaped(out, text);
    out += "</ows:ExceptionText>\n";
  }
  out += "  </ows:Exception>\n</ows:ExceptionReport>\n";
  return out;
}

protocol::Response wmts_exception_response(const Error& e, bool rest) {
  const std::string_view code = exception_code(e);
  return Response::text(wmts_exception_report(code, e.parameter(), e.detail()),
                        "application/xml; charset=UTF-8", exception_status(e, code, rest));
}

// ---- capabilities ----

std::string wmts_capabilities(const MapsContext& ctx, const Request& req) {
  const std::string base = req.base_url + ctx.prefix + "/wmts";
  // The API key a client came with goes into every URL it is given, as TIANDITU does.
  protocol::QueryParams key;
  for (const auto& kv : req.query)
    if (kv.first == "tk") key.push_back(kv);
  const std::string key_query = key.empty() ? "" : "?" + protocol::build_query(key);
  const std::string kvp_href = base + (key.empty() ? "?" : key_query + "&");
  const std::string rest_base = base + "/1.0.0";
  const std::string caps_href = rest_base + "/WMTSCapabilities.xml" + key_query;

  std::string x;
  x.reserve(64 * 1024);
  auto text = [&](std::string_view tag, std::string_view value) {
    x += '<';
    x += tag;
    x += '>';
    protocol::append_xml_escaped(x, value);
    x += "</";
    x += tag;
    x += ">\n";
  };
  x += R"(<?xml version="1.0" encoding="UTF-8"?>)"
       "\n"
       R"(<Capabilities xmlns="http://www.opengis.net/wmts/1.0" )"
       R"(xmlns:ows="http://www.opengis.net/ows/1.1" xmlns:xlink="http://www.w3.org/1999/xlink" )"
       R"(xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" )"
       R"(xmlns:gml="http://www.opengis.net/gml" )"
       R"(xsi:schemaLocation="http://www.opengis.net/wmts/1.0 )"
       R"(http://schemas.opengis.net/wmts/1.0/wmtsGetCapabilities_response.xsd" )"
       R"(version="1.0.0">)"
       "\n";
  x += "<ows:ServiceIdentification>\n";
  text("ows:Title", ctx.title);
  text("ows:Abstract", ctx.abstract);
  text("ows:ServiceType", "OGC WMTS");
  text("ows:ServiceTypeVersion", kVersion);
  text("ows:Fees", "none");
  text("ows:AccessConstraints", "none");
  x += "</ows:ServiceIdentification>\n";
  x += "<ows:ServiceProvider>\n";
  text("ows:ProviderName", "shikong");
  x += "<ows:ProviderSite xlink:href=\"" + xml_escape(req.base_url + "/") + "\"/>\n";
  x += "<ows:ServiceContact>\n";
  text("ows:IndividualName", "shikong operator");
  x += "</ows:ServiceContact>\n";
  x += "</ows:ServiceProvider>\n";

  x += "<ows:OperationsMetadata>\n";
  auto operation = [&](std::string_view name, const std::string& kvp, const std::string& rest) {
    x += "<ows:Operation name=\"";
    x += name;
    x += "\">\n<ows:DCP>\n<ows:HTTP>\n";
    for (const auto& [href, encoding] :
         {std::pair<const std::string&, std::string_view>{kvp, "KVP"}, {rest, "RESTful"}}) {
      x += "<ows:Get xlink:href=\"" + xml_escape(href) + "\">\n";
      x += "<ows:Constraint name=\"GetEncoding\">\n<ows:AllowedValues>\n";
      text("ows:Value", encoding);
      x += "</ows:AllowedValues>\n</ows:Constraint>\n</ows:Get>\n";
    }
    x += "</ows:HTTP>\n</ows:DCP>\n</ows:Operation>\n";
  };
  operation("GetCapabilities", kvp_href, caps_href);
  operation("GetTile", kvp_href, rest_base + "/" + key_query);
  operation("GetFeatureInfo", kvp_href, rest_base + "/" + key_query);
  x += "</ows:OperationsMetadata>\n";

  x += "<Contents>\n";
  const auto sets = tiles::tile_matrix_sets();
  for (const auto& ds : visible_datasets(ctx, req)) {
    const Envelope extent = extent_or_world(ds);
    const bool timed = has_time_dimension(ds);
    x += "<Layer>\n";
    text("ows:Title", ds.title.empty() ? ds.id : ds.title);
    if (!ds.description.empty()) text("ows:Abstract", ds.description);
    x += "<ows:WGS84BoundingBox>\n";
    text("ows:LowerCorner", fmt::format("{} {}", extent.min_x, extent.min_y));
    text("ows:UpperCorner", fmt::format("{} {}", extent.max_x, extent.max_y));
    x += "</ows:WGS84BoundingBox>\n";
    text("ows:Identifier", ds.id);
    for (const auto& s : style_names(ctx, ds)) {
      x += s.name == "default" ? "<Style isDefault=\"true\">\n" : "<Style>\n";
      text("ows:Title", s.title);
      text("ows:Identifier", s.name);
      const std::string legend = req.base_url + ctx.api_prefix + "/datasets/" +
                                 protocol::url_encode(ds.id) + "/styles/" +
                                 protocol::url_encode(s.name) + "/legend.png" + key_query;
      x += "<LegendURL format=\"image/png\" xlink:href=\"" + xml_escape(legend) + "\"/>\n";
      x += "</Style>\n";
    }
    for (const auto& f : kTileFormats) text("Format", f.media_type);
    for (const auto& f : kInfoFormats) text("InfoFormat", f.media_type);
    if (timed) {
      const std::string extent_text =
          time_text(ds.time_extent.start) + "/" + time_text(ds.time_extent.end);
      x += "<Dimension>\n";
      text("ows:Identifier", "Time");
      text("ows:UOM", "ISO8601");
      // The whole extent: without TIME a tile shows every feature.
      text("Default", extent_text);
      text("Value", extent_text);
      x += "</Dimension>\n";
    }
    for (const auto* set : sets) {
      x += "<TileMatrixSetLink>\n";
      text("TileMatrixSet", set->id);
      x += "<TileMatrixSetLimits>\n";
      for (const auto& m : set->matrices) {
        const auto r = tile_range(*set, m, extent);
        if (!r) continue;
        x += "<TileMatrixLimits>\n";
        text("TileMatrix", m.id);
        text("MinTileRow", std::to_string(r->min_row));
        text("MaxTileRow", std::to_string(r->max_row));
        text("MinTileCol", std::to_string(r->min_col));
        text("MaxTileCol", std::to_string(r->max_col));
        x += "</TileMatrixLimits>\n";
      }
      x += "</TileMatrixSetLimits>\n";
      x += "</TileMatrixSetLink>\n";
    }
    const std::string layer_base = rest_base + "/" + protocol::url_encode(ds.id) + "/{Style}/" +
                                   (timed ? "{Time}/" : "") +
                                   "{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}";
    for (const auto& f : kTileFormats) {
      x += "<ResourceURL format=\"" + std::string(f.media_type) +
           "\" resourceType=\"tile\" template=\"" +
           xml_escape(layer_base + "." + std::string(f.extension) + key_query) + "\"/>\n";
    }
    for (const auto& f : kInfoFormats) {
      x += "<ResourceURL format=\"" + std::string(f.media_type) +
           "\" resourceType=\"FeatureInfo\" template=\"" +
           xml_escape(layer_base + "/{J}/{I}." + std::string(f.extension) + key_query) + "\"/>\n";
    }
    x += "</Layer>\n";
  }
  for (const auto* set : sets) {
    x += "<TileMatrixSet>\n";
    text("ows:Title", set->title);
    text("ows:Identifier", set->id);
    x += "<ows:BoundingBox crs=\"" + urn_of(set->crs) + "\">\n";
    text("ows:LowerCorner", corner(set->crs, set->bounds.min_x, set->bounds.min_y));
    text("ows:UpperCorner", corner(set->crs, set->bounds.max_x, set->bounds.max_y));
    x += "</ows:BoundingBox>\n";
    text("ows:SupportedCRS", urn_of(set->crs));
    if (set->crs.epsg == 3857)
      text("WellKnownScaleSet", "urn:ogc:def:wkss:OGC:1.0:GoogleMapsCompatible");
    for (const auto& m : set->matrices) {
      x += "<TileMatrix>\n";
      text("ows:Identifier", m.id);
      text("ScaleDenominator", fmt::format("{}", m.scale_denominator));
      text("TopLeftCorner", corner(set->crs, m.origin_x, m.origin_y));
      text("TileWidth", std::to_string(m.tile_width));
      text("TileHeight", std::to_string(m.tile_height));
      text("MatrixWidth", std::to_string(m.matrix_width));
      text("MatrixHeight", std::to_string(m.matrix_height));
      x += "</TileMatrix>\n";
    }
    x += "</TileMatrixSet>\n";
  }
  x += "</Contents>\n";
  x += "<ServiceMetadataURL xlink:href=\"" + xml_escape(caps_href) + "\"/>\n";
  x += "</Capabilities>\n";
  return x;
}

namespace {

Response capabilities_response(const MapsContext& ctx, const Request& req) {
  return Response::text(wmts_capabilities(ctx, req), "application/xml; charset=UTF-8");
}

// ---- GetTile ----

Response get_tile(const MapsContext& ctx, const WmtsTileRequest& t, const Format& format) {
  const bool pub = is_public(t.dataset);
  if (format.media_type == kMvtMediaType) {
    const tiles::VectorTileLayer layers[] = {{t.dataset, {}}};
    return tile_response(ctx.maps.vector_tile(layers, t.address, t.time), pub);
  }
  const auto image = render::image_format_from_string(format.media_type);
  render::RenderLayer layer;
  layer.style = ctx.maps.style(t.dataset, t.style);
  layer.dataset = t.dataset;
  layer.time = t.time;
  const render::RenderLayer layers[] = {std::move(layer)};
  return tile_response(
      ctx.maps.raster_tile(layers, t.address, *image, *image != render::ImageFormat::jpeg), pub);
}

// ---- GetFeatureInfo ----

Response get_feature_info(const MapsContext& ctx, const WmtsTileRequest& t, std::int64_t i,
                          std::int64_t j, const Format& format, std::string_view i_name,
                          std::string_view j_name) {
  const auto& m = *t.address.matrix;
  if (i < 0 || i >= m.tile_width)
    throw InvalidInput("point-out-of-range", "I is outside the tile.", std::string(i_name));
  if (j < 0 || j >= m.tile_height)
    throw InvalidInput("point-out-of-range", "J is outside the tile.", std::string(j_name));
  render::MapView view;
  view.bbox = t.address.set->tile_envelope(m, t.address.col, t.address.row);
  view.crs = t.address.set->crs;
  view.width = m.tile_width;
  view.height = m.tile_height;
  render::RenderLayer layer;
  layer.style = ctx.maps.style(t.dataset, t.style);
  layer.dataset = t.dataset;
  layer.time = t.time;
  const render::RenderLayer layers[] = {std::move(layer)};
  const auto hits = ctx.maps.feature_info(view, layers, static_cast<int>(i), static_cast<int>(j),
                                          kMaxFeatureInfo);
  Response r = feature_info_response(hits, *info_format_from_mime(format.media_type));
  r.headers.set("Cache-Control", is_public(t.dataset) ? "public, max-age=60" : "private");
  return r;
}

const Format* find_format(std::span<const Format> formats, std::string_view media_type) {
  for (const auto& f : formats)
    if (ascii_iequals(f.media_type, media_type)) return &f;
  return nullptr;
}

// ---- KVP ----

Response kvp(const MapsContext& ctx, Request& req) {
  const std::string_view service = required(req, "SERVICE");
  if (!ascii_iequals(service, "WMTS"))
    throw InvalidInput("invalid-parameter", "SERVICE must be WMTS.", "SERVICE");
  const std::string_view request = required(req, "REQUEST");
  if (ascii_iequals(request, "GetCapabilities")) {
    if (auto versions = req.param_icase("ACCEPTVERSIONS")) {
      bool ok = false;
      for (auto v : split_commas(*versions))
        if (trim_blanks(v) == kVersion) ok = true;
      if (!ok)
        throw InvalidInput("version-negotiation-failed", "This server speaks WMTS 1.0.0 only.",
                           "AcceptVersions");
    }
    return capabilities_response(ctx, req);
  }
  const bool tile = ascii_iequals(request, "GetTile");
  const bool info = ascii_iequals(request, "GetFeatureInfo");
  if (!tile && !info)
    throw InvalidInput("operation-not-supported",
                       "REQUEST must be GetCapabilities, GetTile or GetFeatureInfo.", "REQUEST");
  if (required(req, "VERSION") != kVersion)
    throw InvalidInput("invalid-parameter", "VERSION must be 1.0.0.", "VERSION");

  WmtsTileParameters p;
  p.layer = required(req, "LAYER");
  auto style = req.param_icase("STYLE");
  if (!style) throw InvalidInput("missing-parameter", "The parameter STYLE is required.", "STYLE");
  p.style = trim_blanks(*style);
  const std::string_view format_text = required(req, "FORMAT");
  p.tile_matrix_set = required(req, "TILEMATRIXSET");
  p.tile_matrix = required(req, "TILEMATRIX");
  p.tile_row = required(req, "TILEROW");
  p.tile_col = required(req, "TILECOL");
  p.time = req.param_icase("TIME");
  std::string_view info_format, i_text, j_text;
  if (info) {
    info_format = required(req, "INFOFORMAT");
    i_text = required(req, "I");
    j_text = required(req, "J");
  }
  const Format* format = find_format(kTileFormats, format_text);
  if (!format)
    throw InvalidInput("invalid-parameter",
                       "FORMAT must be image/png, image/jpeg, image/webp or "
                       "application/vnd.mapbox-vector-tile.",
                       "FORMAT");
  WmtsTileRequest t = parse_tile_request(ctx, req, p);
  if (tile) return get_tile(ctx, t, *format);
  const Format* info_fmt = find_format(kInfoFormats, info_format);
  if (!info_fmt)
    throw InvalidInput("invalid-parameter",
                       "INFOFORMAT must be application/json, text/html or text/plain.",
                       "INFOFORMAT");
  return get_feature_info(ctx, t, integer_parameter(i_text, "I"), integer_parameter(j_text, "J"),
                          *info_fmt, "I", "J");
}

// ---- RESTful ----

Response rest(const MapsContext& ctx, Request& req) {
  const std::string_view path = req.path_param("path");
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const auto slash = path.find('/', start);
    parts.push_back(
        path.substr(start, slash == std::string_view::npos ? path.npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  const std::string_view last = parts.back();
  const auto dot = last.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? "" : last.substr(dot + 1);
  const Format* tile_format = nullptr;
  for (const auto& f : kTileFormats)
    if (f.extension == ext) tile_format = &f;
  if (ext == "jpg") tile_format = &kTileFormats[1];
  if (ext == "mvt") tile_format = &kTileFormats[3];
  const Format* info_format = nullptr;
  for (const auto& f : kInfoFormats)
    if (f.extension == ext) info_format = &f;
  // layer/style/[time/]set/matrix/row/col.ext, and /J/I.ext after col for feature info.
  const std::size_t fixed = tile_format ? 6 : 8;
  if ((!tile_format && !info_format) || parts.size() < fixed)
    throw NotFound("unknown-resource", "There is no WMTS resource at this path.", "path");
  const std::size_t tail = tile_format ? 4 : 6;  // set, matrix, row, col (, J, I)
  WmtsTileParameters p;
  p.names = {"layer", "style", "TileMatrixSet", "TileMatrix", "TileRow", "TileCol", "Time"};
  p.layer = parts[0];
  p.style = parts[1];
  std::string time;
  for (std::size_t i = 2; i + tail < parts.size(); ++i) {
    if (!time.empty()) time += '/';
    time += parts[i];
  }
  if (parts.size() > fixed) p.time = time;
  const std::size_t s = parts.size() - tail;
  p.tile_matrix_set = parts[s];
  p.tile_matrix = parts[s + 1];
  p.tile_row = parts[s + 2];
  p.tile_col = parts[s + 3];
  if (tile_format) {
    p.tile_col = p.tile_col.substr(0, p.tile_col.size() - ext.size() - 1);
    // In a path, a layer, style or tile that is not there is a resource that does not exist.
    try {
      return get_tile(ctx, parse_tile_request(ctx, req, p), *tile_format);
    } catch (const InvalidInput& e) {
      if (e.code() != "unknown-style" && e.code() != "unknown-tile-matrix-set" &&
          e.code() != "unknown-tile-matrix" && e.code() != "invalid-parameter")
        throw;
      throw NotFound(e.code(), e.detail(), e.parameter());
    }
  }
  std::string_view i_text = parts[s + 5];
  i_text = i_text.substr(0, i_text.size() - ext.size() - 1);
  WmtsTileRequest t;
  try {
    t = parse_tile_request(ctx, req, p);
  } catch (const InvalidInput& e) {
    if (e.code() != "unknown-style" && e.code() != "unknown-tile-matrix-set" &&
        e.code() != "unknown-tile-matrix" && e.code() != "invalid-parameter")
      throw;
    throw NotFound(e.code(), e.detail(), e.parameter());
  }
  return get_feature_info(ctx, t, integer_parameter(i_text, "I"),
                          integer_parameter(parts[s + 4], "J"), *info_format, "I", "J");
}

template <typename Fn>
protocol::Handler guarded(std::shared_ptr<const MapsContext> ctx, bool is_rest, Fn fn) {
  return [ctx, is_rest, fn](Request& req) -> Response {
    try {
      return fn(*ctx, req);
    } catch (const Error& e) {
      return wmts_exception_response(e, is_rest);
    }
  };
}

}  // namespace

void register_wmts_routes(protocol::Router& router, const MapsContext& context) {
  auto ctx = std::make_shared<const MapsContext>(context);
  const std::string base = context.prefix + "/wmts";
  auto add = [&](std::string pattern, std::string summary, std::string op,
                 protocol::Handler handler) {
    add_tile_route(router, std::move(pattern), std::move(summary), std::move(op),
                   std::move(handler));
  };
  add(base, "WMTS 1.0.0 (KVP: GetCapabilities, GetTile, GetFeatureInfo)", "getWmtsKvp",
      guarded(ctx, false, kvp));
  add(base + "/1.0.0/WMTSCapabilities.xml", "WMTS 1.0.0 capabilities (RESTful)",
      "getWmtsCapabilities", guarded(ctx, true, [](const MapsContext& c, Request& req) {
        return capabilities_response(c, req);
      }));
  add(base + "/1.0.0/{path*}", "WMTS 1.0.0 tiles and feature info (RESTful)", "getWmtsResource",
      guarded(ctx, true, rest));
}

}  // namespace shikong::ogc
