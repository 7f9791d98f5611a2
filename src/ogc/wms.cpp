// WMS 1.3.0 handlers: one GET endpoint dispatching on REQUEST; parameters parsed by
// wms_request, maps drawn, queried and legends made by maps::MapService, capabilities written by
// wms_capabilities, errors answered as ServiceExceptionReport 1.3.0, INIMAGE or BLANK.
#include "ogc/wms.hpp"

#include <fmt/format.h>

#include <exception>
#include <memory>
#include <utility>
#include <variant>

#include "core/ascii.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "datum/time.hpp"
#include "ogc/feature_encoder.hpp"
#include "ogc/feature_info.hpp"
#include "ogc/wms_capabilities.hpp"
#include "ogc/wms_request.hpp"
#include "protocol/json_writer.hpp"
#include "protocol/ogc_exception.hpp"
#include "protocol/query.hpp"
#include "protocol/xml_escape.hpp"

namespace shikong::ogc {
namespace {

using protocol::Request;
using protocol::Response;
namespace w = wms;

struct State {
  storage::Store* store = nullptr;
  maps::MapService* maps = nullptr;
  CanRead can_read;
  std::string title, abstract;
  std::string prefix;
  std::vector<std::string> passthrough;
};

w::Limits limits_of(const State& st) {
  const auto& s = st.maps->settings();
  return w::Limits{s.max_width, s.max_height, s.max_pixels, s.max_layers};
}

bool is_temporal(const storage::DatasetInfo& ds) {
  return !ds.time_start_field.empty() || !ds.time_extent.unbounded();
}

// A dataset the caller may see and that can be drawn, else LayerNotDefined naming `parameter`.
storage::DatasetInfo find_layer(const State& st, const Request& req, std::string_view name,
                                std::string_view parameter) {
  auto ds = st.store->find_dataset(name);
  if (!ds || ds->kind != storage::DatasetKind::vector || !st.can_read(req, *ds))
    throw InvalidInput(w::error_code::layer_not_defined,
                       fmt::format("{} names a layer this service does not have", parameter),
                       std::string(parameter));
  return std::move(*ds);
}

style::Style find_style(const State& st, const storage::DatasetInfo& ds, std::string_view name,
                        std::string_view parameter) {
  try {
    return st.maps->style(ds, name.empty() ? std::string_view("default") : name);
  } catch (const NotFound&) {
    throw InvalidInput(w::error_code::style_not_defined,
                       fmt::format("{} names a style the layer does not have", parameter),
                       std::string(parameter));
  }
}

std::vector<render::RenderLayer> render_layers(const State& st, const Request& req,
                                               const w::MapRequest& m) {
  std::vector<render::RenderLayer> out;
  out.reserve(m.layers.size());
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    render::RenderLayer layer;
    layer.dataset = find_layer(st, req, m.layers[i], "LAYERS");
    layer.style = find_style(st, layer.dataset, m.styles[i], "STYLES");
    // TIME applies to the layers that have valid time; the others are drawn whole.
    if (is_temporal(layer.dataset)) layer.time = m.time;
    out.push_back(std::move(layer));
  }
  return out;
}

render::MapView view_of(const w::MapRequest& m) {
  render::MapView view;
  view.bbox = m.bbox;
  view.crs = m.crs;
  view.width = m.width;
  view.height = m.height;
  return view;
}

std::string endpoint(const State& st, const Request& req) {
  return req.base_url + st.prefix + "/wms";
}

// The caller's pass-through parameters (the API key `tk`), carried by every URL we advertise
// so that a client following them is served as the caller was.
protocol::QueryParams passthrough_of(const State& st, const Request& req) {
  protocol::QueryParams q;
  for (const auto& name : st.passthrough)
    if (auto v = req.param(name)) q.emplace_back(name, std::string(*v));
  return q;
}

Response image_response(std::string bytes, render::ImageFormat format, bool public_data) {
  Response r = Response::text(std::move(bytes), std::string(render::mime_type(format)));
  r.headers.set("Cache-Control", public_data ? "public, max-age=60" : "private, max-age=60");
  return r;
}

// ---- GetCapabilities ----

Response get_capabilities(const State& st, const Request& req) {
  // Version negotiation (WMS 1.3.0, 6.2.4): whatever VERSION asks for, 1.3.0 is the only
  // version there is, so it is the answer. FORMAT other than text/xml gets text/xml too.
  if (auto s = req.param_icase("SERVICE"); s && !ascii_iequals(trim_blanks(*s), "WMS"))
    throw InvalidInput(w::error_code::invalid_parameter, "SERVICE must be WMS", "SERVICE");
  const std::string base = endpoint(st, req);
  const protocol::QueryParams pass = passthrough_of(st, req);
  w::CapabilitiesDocument doc;
  doc.title = st.title;
  doc.abstract = st.abstract;
  doc.online_resource = pass.empty() ? base : base + "?" + protocol::build_query(pass);
  const auto& settings = st.maps->settings();
  doc.max_width = settings.max_width;
  doc.max_height = settings.max_height;
  doc.layer_limit = settings.max_layers;
  doc.crs = w::offered_crs();
  for (auto& ds : st.store->list_datasets()) {
    if (ds.kind != storage::DatasetKind::vector || !st.can_read(req, ds)) continue;
    w::CapabilitiesLayer layer;
    layer.name = ds.id;
    layer.title = ds.title;
    layer.abstract = ds.description;
    layer.extent = ds.extent;
    if (ds.time_extent.start && ds.time_extent.end) layer.time_extent = ds.time_extent;
    std::vector<style::Style> styles;
    try {
      styles = st.maps->styles(ds);
    } catch (const Error& e) {
      // One dataset whose styles cannot be read must not take the whole document down: the
      // layer is listed without styles.
      log::warn("wms: styles of {} left out of the capabilities: {} ({})", ds.id, e.detail(),
                e.code());
    }
    for (const auto& s : styles) {
      protocol::QueryParams q = {{"SERVICE", "WMS"},
                                 {"VERSION", std::string(w::kVersion)},
                                 {"REQUEST", "GetLegendGraphic"},
                                 {"LAYER", ds.id},
                                 {"STYLE", s.name},
                                 {"FORMAT", "image/png"},
                                 {"SLD_VERSION", "1.1.0"}};
      q.insert(q.end(), pass.begin(), pass.end());
      layer.styles.push_back(
          {s.name, s.title, s.description, base + "?" + protocol::build_query(q)});
    }
    doc.layers.push_back(std::move(layer));
  }
  Response r = Response::text(w::capabilities_xml(doc), "text/xml; charset=UTF-8");
  // What a caller sees depends on who it is: never from a shared cache.
  r.headers.set("Cache-Control", "private, no-cache");
  return r;
}

// ---- GetMap ----

Response get_map(const State& st, const Request& req, const w::MapRequest& m) {
  auto layers = render_layers(st, req, m);
  render::RenderOptions options;
  options.transparent = m.transparent;
  options.background = m.bgcolor;
  std::string bytes = st.maps->map_image(view_of(m), layers, m.format, options);
  bool public_data = true;
  for (const auto& l : layers) public_data = public_data && l.dataset.access == "public";
  return image_response(std::move(bytes), m.format, public_data);
}

// ---- GetFeatureInfo ----

Response get_feature_info(const State& st, const Request& req) {
  const w::FeatureInfoRequest f = w::parse_feature_info_request(req, limits_of(st));
  auto all = render_layers(st, req, f.map);
  // The queried layers in drawing order (feature_info answers the topmost first).
  std::vector<render::RenderLayer> queried;
  for (auto& layer : all) {
    bool asked = false;
    for (const auto& q : f.query_layers) asked = asked || q == layer.dataset.id;
    if (asked) queried.push_back(std::move(layer));
  }
  auto hits = st.maps->feature_info(view_of(f.map), queried, f.i, f.j, f.feature_count);
  if (static_cast<int>(hits.size()) > f.feature_count) hits.resize(f.feature_count);
  // parse_feature_info_request accepts only the formats info_format_from_mime knows.
  Response r = feature_info_response(hits, *info_format_from_mime(f.info_format));
  r.headers.set("Cache-Control", "private, max-age=60");
  return r;
}

// ---- GetLegendGraphic ----

Response get_legend_graphic(const State& st, const Request& req) {
  if (auto s = req.param_icase("SERVICE"); s && !ascii_iequals(trim_blanks(*s), "WMS"))
    throw InvalidInput(w::error_code::invalid_parameter, "SERVICE must be WMS", "SERVICE");
  const w::LegendRequest l = w::parse_legend_request(req, limits_of(st));
  const storage::DatasetInfo ds = find_layer(st, req, l.layer, "LAYER");
  const style::Style s = find_style(st, ds, l.style, "STYLE");
  return image_response(st.maps->legend(ds, s, l.format, l.width, l.height), l.format,
                        ds.access == "public");
}

// ---- errors ----

Response xml_exception(const Error& e) {
  return Response::text(
      protocol::wms_exception_report(w::wms_exception_code(e), e.parameter(), e.detail()),
      "text/xml; charset=UTF-8", w::wms_exception_status(e));
}

// EXCEPTIONS=INIMAGE or BLANK: an image of the requested size and format (HTTP 200, as the
// standard asks). Errors in the size, format or EXCEPTIONS itself are answered in XML.
Response image_exception(const Error& e, const w::MapRequest& m) {
  render::Image image =
      m.exceptions == w::ExceptionFormat::inimage
          ? render::message_image(m.width, m.height,
                                  fmt::format("{}: {}", w::wms_exception_code(e), e.detail()),
                                  m.transparent)
          : render::blank_image(m.width, m.height, m.transparent, m.bgcolor);
  Response r = Response::text(render::encode(image, m.format, 85, m.bgcolor),
                              std::string(render::mime_type(m.format)));
  r.headers.set("Cache-Control", "no-store");
  return r;
}

Response handle(const State& st, Request& req) {
  w::MapRequest map;  // GetMap's parameters as far as parsed, for an INIMAGE or BLANK answer
  bool map_started = false;
  try {
    auto request = req.param_icase("REQUEST");
    if (!request || trim_blanks(*request).empty())
      throw InvalidInput("missing-parameter", "the parameter REQUEST is required", "REQUEST");
    const std::string_view op = trim_blanks(*request);
    if (ascii_iequals(op, "GetCapabilities")) return get_capabilities(st, req);
    if (ascii_iequals(op, "GetMap") || ascii_iequals(op, "map")) {
      w::check_service_and_version(req);
      map_started = true;
      w::parse_map_request(req, limits_of(st), true, map);
      return get_map(st, req, map);
    }
    if (ascii_iequals(op, "GetFeatureInfo")) {
      w::check_service_and_version(req);
      return get_feature_info(st, req);
    }
    if (ascii_iequals(op, "GetLegendGraphic")) return get_legend_graphic(st, req);
    throw InvalidInput("operation-not-supported",
                       "REQUEST must be GetCapabilities, GetMap, GetFeatureInfo or "
                       "GetLegendGraphic",
                       "REQUEST");
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::internal) log::error("wms: {} ({})", e.detail(), e.code());
    const std::string& p = e.parameter();
    const bool image_known = map.width > 0 && map.height > 0 && p != "WIDTH" && p != "HEIGHT" &&
                             p != "FORMAT" && p != "EXCEPTIONS";
    if (map_started && image_known && map.exceptions != w::ExceptionFormat::xml) {
      try {
        return image_exception(e, map);
      } catch (const std::exception& inner) {
        log::error("wms: the exception image could not be made: {}", inner.what());
      }
    }
    return xml_exception(e);
  } catch (const std::exception& e) {
    log::error("wms: {}", e.what());
    return xml_exception(InternalError("internal-error", "the server failed to answer"));
  }
}

}  // namespace

void register_wms_routes(protocol::Router& router, const MapsContext& context) {
  auto st = std::make_shared<State>();
  st->store = &context.store;
  st->maps = &context.maps;
  st->can_read = context.can_read
                     ? context.can_read
                     : CanRead([](const Request&, const storage::DatasetInfo&) { return true; });
  st->title = context.title;
  st->abstract = context.abstract;
  st->prefix = context.prefix;
  st->passthrough = context.passthrough_parameters;
  std::shared_ptr<const State> cst = st;
  w::offered_crs();  // resolve the CRS list once, before the first request

  protocol::Route r;
  r.method = "GET";
  r.pattern = context.prefix + "/wms";
  r.handler = [cst](Request& req) { return handle(*cst, req); };
  r.route_class = protocol::RouteClass::maps;
  r.summary = "WMS 1.3.0: GetCapabilities, GetMap, GetFeatureInfo, GetLegendGraphic";
  r.operation_id = "wms";
  router.add(std::move(r));
}

}  // namespace shikong::ogc
