// Styles of a dataset under {api_prefix}/datasets/{datasetId}/styles: list, create, read,
// replace and delete the style documents (docs/STYLES.md), their legends and MapLibre exports.
#include "api/styles.hpp"

#include <charconv>
#include <memory>
#include <string>
#include <utility>

#include "api/json_body.hpp"
#include "api/security_gate.hpp"
#include "core/error.hpp"
#include "protocol/json_writer.hpp"
#include "protocol/query.hpp"
#include "render/render.hpp"
#include "style/style.hpp"

namespace shikong::api {
namespace {

using protocol::JsonWriter;
using protocol::Request;
using protocol::Response;

struct State {
  const ogc::MapsContext* context = nullptr;
  CanWrite can_write;
};
using StatePtr = std::shared_ptr<const State>;

constexpr std::string_view kJson = "application/json";

storage::DatasetInfo find_visible(const State& st, const Request& req) {
  auto ds = st.context->store.find_dataset(req.path_param("datasetId"));
  if (!ds || !st.context->can_read(req, *ds))
    throw NotFound("dataset-not-found", "there is no dataset with this id", "datasetId");
  return std::move(*ds);
}

// Changing a style needs write rights on its dataset; a caller without any credentials is
// asked for them, a known one who may not write is refused.
void require_writable(const State& st, const Request& req, const storage::DatasetInfo& ds) {
  if (!st.can_write || st.can_write(req, ds)) return;
  if (!principal_of(req).authenticated())
    throw Unauthorized("unauthenticated", "sign in or present an API key to change styles");
  throw Forbidden("forbidden", "only the dataset's owner or an admin may change its styles");
}

std::string styles_url(const State& st, const Request& req, const storage::DatasetInfo& ds) {
  return req.base_url + st.context->api_prefix + "/datasets/" + protocol::url_encode(ds.id) +
         "/styles";
}

// The API key the caller used, carried into links a browser follows without headers.
std::string key_query(const Request& req, char sep) {
  if (auto tk = req.param("tk"); tk && !tk->empty())
    return std::string(1, sep) + "tk=" + protocol::url_encode(*tk);
  return {};
}

void write_link(JsonWriter& w, const std::string& href, std::string_view rel, std::string_view type,
                std::string_view title = {}) {
  w.begin_object();
  w.member("href", href);
  w.member("rel", rel);
  w.member("type", type);
  if (!title.empty()) w.member("title", title);
  w.end_object();
}

std::string style_body(const style::Style& s) {
  return style::to_json(s);
}

// The request body as a style document; `path_name` when the document names none.
style::Style body_style(const Request& req, std::string_view path_name) {
  if (!is_json_media_type(req.header("Content-Type").value_or("")))
    throw Unsupported("unsupported-media-type", "send the style as application/json",
                      "Content-Type");
  return style::parse_style(req.body, path_name);
}

Response list_styles(const State& st, Request& req) {
  const auto ds = find_visible(st, req);
  const auto styles = st.context->maps.styles(ds);
  const std::string base = styles_url(st, req, ds);
  const std::string tk = key_query(req, '?');
  JsonWriter w(1024);
  w.begin_object();
  w.key("styles").begin_array();
  for (const auto& s : styles) {
    const std::string self = base + "/" + protocol::url_encode(s.name);
    w.begin_object();
    w.member("name", s.name);
    w.member("title", s.title);
    w.member("description", s.description);
    w.member("kind", style::to_string(s.kind));
    w.key("links").begin_array();
    write_link(w, self + tk, "describedby", kJson, "The style document");
    write_link(w, self + "/legend.png" + tk, "legend", "image/png", "Legend");
    write_link(w, self + "/maplibre.json" + tk, "stylesheet", kJson, "MapLibre GL style");
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.key("links").begin_array();
  write_link(w, base + tk, "self", kJson);
  w.end_array();
  w.end_object();
  return Response::json(w.str());
}

Response read_style(const State& st, Request& req) {
  const auto ds = find_visible(st, req);
  return Response::json(style_body(st.context->maps.style(ds, req.path_param("name"))));
}

Response create_style(const State& st, Request& req) {
  const auto ds = find_visible(st, req);
  require_writable(st, req, ds);
  auto s = body_style(req, "");
  const auto saved = st.context->maps.save_style(ds, std::move(s), true, principal_of(req).user);
  Response r = Response::json(style_body(saved), 201);
  r.headers.set("Location", styles_url(st, req, ds) + "/" + protocol::url_encode(saved.name));
  return r;
}

Response replace_style(const State& st, Request& req) {
  const auto ds = find_visible(st, req);
  require_writable(st, req, ds);
  const std::string name(req.path_param("name"));
  auto s = body_style(req, name);
  if (s.name != name)
    throw InvalidInput("invalid-style",
                       "the style's name differs from the name in the path; rename a style by "
                       "creating the new one and deleting the old",
                       "/name");
  const bool existed = st.context->store.find_style(ds.id, name).has_value();
  const auto saved = st.context->maps.save_style(ds, std::move(s), false, principal_of(req).user);
  Response r = Response::json(style_body(saved), existed ? 200 : 201);
  if (!existed)
    r.headers.set("Location", styles_url(st, req, ds) + "/" + protocol::url_encode(saved.name));
  return r;
}

Response delete_style(const State& st, Request& req) {
  const auto ds = find_visible(st, req);
  require_writable(st, req, ds);
  st.context->maps.delete_style(ds, req.path_param("name"));
  Response r;
  r.status = 204;
  return r;
}

int size_param(const Request& req, std::string_view name, int max) {
  const auto v = req.param(name);
  if (!v) return 0;
  int n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (v->empty() || ec != std::errc() || end != v->data() + v->size() || n < 1 || n > max)
    throw InvalidInput("invalid-parameter-value",
                       "the legend's " + std::string(name) +
                           " is a whole number of pixels from 1 to " + std::to_string(max),
                       std::string(name));
  return n;
}

Response legend(const State& st, Request& req) {
  const auto ds = find_visible(st, req);
  const auto s = st.context->maps.style(ds, req.path_param("name"));
  render::ImageFormat format = render::ImageFormat::png;
  if (auto f = req.param("format")) {
    const auto parsed = render::image_format_from_string(*f);
    if (!parsed)
      throw InvalidInput("invalid-parameter-value", "the legend's format is png, jpeg or webp",
                         "format");
    format = *parsed;
  }
  const auto& settings = st.context->maps.settings();
  const int width = size_param(req, "width", std::min(settings.max_width, 2048));
  const int height = size_param(req, "height", std::min(settings.max_height, 2048));
  Response r = Response::text(st.context->maps.legend(ds, s, format, width, height),
                              std::string(render::mime_type(format)));
  r.headers.set("Cache-Control", ds.access == "public" ? "public, max-age=60" : "private");
  return r;
}

// The offline base map's datasets, bottom to top (scripts/demo-data, data/basemap).
constexpr std::string_view kBasemapDatasets[] = {"basemap-land", "basemap-coastlines",
                                                 "basemap-countries", "basemap-provinces",
                                                 "basemap-places"};

std::string tilejson_url(const State& st, const Request& req, std::string_view id) {
  return req.base_url + st.context->tiles_prefix + "/" + protocol::url_encode(id) + ".json" +
         key_query(req, '?');
}

// `basemap=true`: the default styles of the base map datasets that exist and the caller may
// read, merged, to go underneath; empty otherwise.
std::string basemap_underneath(const State& st, const Request& req, std::string_view self) {
  const auto flag = req.param("basemap");
  if (!flag || *flag == "false" || *flag == "0") return {};
  if (*flag != "true" && *flag != "1")
    throw InvalidInput("invalid-parameter-value", "basemap is true or false", "basemap");
  std::vector<std::string> parts;
  for (auto id : kBasemapDatasets) {
    if (id == self) continue;
    auto ds = st.context->store.find_dataset(id);
    if (!ds || !st.context->can_read(req, *ds)) continue;
    style::MapLibreSource source;
    source.tilejson_url = tilejson_url(st, req, ds->id);
    source.source_layer = ds->id;
    parts.push_back(style::to_maplibre_style(st.context->maps.style(*ds, "default"),
                                             ds->geometry_type, source));
  }
  return parts.empty() ? std::string() : style::merge_maplibre_styles(parts);
}

Response maplibre(const State& st, Request& req) {
  const auto ds = find_visible(st, req);
  const auto s = st.context->maps.style(ds, req.path_param("name"));
  style::MapLibreSource source;
  source.tilejson_url = tilejson_url(st, req, ds.id);
  source.source_layer = ds.id;
  source.basemap_style = basemap_underneath(st, req, ds.id);
  Response r = Response::json(style::to_maplibre_style(s, ds.geometry_type, source));
  r.headers.set("Cache-Control", ds.access == "public" ? "public, max-age=60" : "private");
  return r;
}

}  // namespace

void register_style_routes(protocol::Router& router, const ogc::MapsContext& context,
                           CanWrite can_write) {
  auto st = std::make_shared<State>();
  st->context = &context;
  st->can_write = std::move(can_write);
  StatePtr cst = st;
  const std::string base = context.api_prefix + "/datasets/{datasetId}/styles";

  auto route = [&](std::string method, std::string pattern, std::string summary, std::string op,
                   Response (*fn)(const State&, Request&),
                   protocol::RouteClass cls = protocol::RouteClass::api) {
    protocol::Route r;
    r.method = std::move(method);
    r.pattern = std::move(pattern);
    r.handler = [cst, fn](Request& req) { return fn(*cst, req); };
    r.route_class = cls;
    r.summary = std::move(summary);
    r.operation_id = std::move(op);
    router.add(std::move(r));
  };
  route("GET", base, "List the styles of a dataset", "listStyles", list_styles);
  route("POST", base, "Create a style", "createStyle", create_style);
  route("GET", base + "/{name}", "Read a style", "getStyle", read_style);
  route("PUT", base + "/{name}", "Create or replace a style", "putStyle", replace_style);
  route("DELETE", base + "/{name}", "Delete a style", "deleteStyle", delete_style);
  route("GET", base + "/{name}/legend.png", "The legend of a style", "getStyleLegend", legend,
        protocol::RouteClass::maps);
  route("GET", base + "/{name}/maplibre.json", "The style as a MapLibre GL style",
        "getMapLibreStyle", maplibre, protocol::RouteClass::maps);
}

}  // namespace shikong::api
