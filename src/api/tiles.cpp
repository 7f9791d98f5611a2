// XYZ tiles for web maps: TileJSON 3.0 documents and vector (MVT) or raster tiles of one or
// several datasets, in WebMercatorQuad or another tile matrix set named in the path.
#include "api/tiles.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "datum/time.hpp"
#include "ogc/tile_common.hpp"
#include "protocol/json_writer.hpp"
#include "protocol/query.hpp"
#include "render/render.hpp"

namespace shikong::api {
namespace {

using ogc::MapsContext;
using protocol::JsonWriter;
using protocol::Request;
using protocol::Response;

constexpr int kTileJsonMaxZoom = 22;
constexpr double kMaxMercatorLat = 85.0511287798066;

using ContextPtr = std::shared_ptr<const MapsContext>;

std::optional<Interval> time_of(const Request& req) {
  if (auto d = req.param("datetime")) return datum::parse_datetime_parameter(*d, "datetime");
  return std::nullopt;
}

// `fields=a,b`: each layer keeps the named fields it has; a name no layer has is an error.
std::vector<tiles::VectorTileLayer> vector_layers(const Request& req,
                                                  std::vector<storage::DatasetInfo> datasets) {
  std::vector<tiles::VectorTileLayer> layers;
  std::vector<std::string_view> names;
  if (auto f = req.param("fields"); f && !f->empty()) names = ogc::split_commas(*f);
  for (auto name : names) {
    const bool known = std::any_of(datasets.begin(), datasets.end(), [&](const auto& ds) {
      return ds.schema.find(name).has_value();
    });
    if (!known)
      throw InvalidInput("unknown-field", "No dataset of the tile has a field of this name.",
                         "fields");
  }
  for (auto& ds : datasets) {
    tiles::VectorTileLayer layer;
    for (auto name : names)
      if (ds.schema.find(name)) layer.fields.emplace_back(name);
    layer.dataset = std::move(ds);
    layers.push_back(std::move(layer));
  }
  return layers;
}

// `style=a` (every dataset) or `style=a,b` (one per dataset; an empty item is the default).
std::vector<render::RenderLayer> render_layers(const MapsContext& ctx, const Request& req,
                                               std::vector<storage::DatasetInfo> datasets,
                                               const std::optional<Interval>& time) {
  std::vector<std::string_view> names;
  if (auto s = req.param("style")) names = ogc::split_commas(*s);
  if (names.size() > 1 && names.size() != datasets.size())
    throw InvalidInput("invalid-style", "Give one style, or one style per dataset.", "style");
  std::vector<render::RenderLayer> layers;
  for (std::size_t i = 0; i < datasets.size(); ++i) {
    std::string_view name = names.empty() ? "" : names.size() == 1 ? names[0] : names[i];
    if (name.empty()) name = "default";
    render::RenderLayer layer;
    layer.style = ctx.maps.style(datasets[i], name);
    layer.dataset = std::move(datasets[i]);
    layer.time = time;
    layers.push_back(std::move(layer));
  }
  return layers;
}

Response tile(const MapsContext& ctx, Request& req, const tiles::TileMatrixSet& set) {
  const std::string_view last = req.path_param("y");
  const auto dot = last.rfind('.');
  if (dot == std::string_view::npos)
    throw NotFound("unknown-format", "A tile path ends in .pbf, .png, .jpeg or .webp.", "y");
  const std::string_view ext = last.substr(dot + 1);
  auto datasets = ogc::dataset_list(ctx, req, req.path_param("datasets"), "datasets");
  const std::int64_t z = ogc::parse_tile_index(req.path_param("z"), "z");
  const std::int64_t x = ogc::parse_tile_index(req.path_param("x"), "x");
  const std::int64_t y = ogc::parse_tile_index(last.substr(0, dot), "y");
  const auto address = ogc::tile_at(set, std::to_string(z), x, y, "z", "x", "y");
  const auto time = time_of(req);
  const bool all_public = std::all_of(datasets.begin(), datasets.end(), ogc::is_public);

  if (ext == "pbf" || ext == "mvt") {
    const auto layers = vector_layers(req, std::move(datasets));
    return ogc::tile_response(ctx.maps.vector_tile(layers, address, time), all_public);
  }
  const auto format = ext == "jpg" ? std::optional(render::ImageFormat::jpeg)
                                   : render::image_format_from_string(ext);
  if (!format)
    throw NotFound("unknown-format", "A tile path ends in .pbf, .png, .jpeg or .webp.", "y");
  const auto layers = render_layers(ctx, req, std::move(datasets), time);
  return ogc::tile_response(
      ctx.maps.raster_tile(layers, address, *format, *format != render::ImageFormat::jpeg),
      all_public);
}

std::string_view field_kind(FieldType t) {
  switch (t) {
    case FieldType::integer:
    case FieldType::real:
      return "Number";
    case FieldType::boolean:
      return "Boolean";
    default:
      return "String";
  }
}

Response tilejson(const MapsContext& ctx, Request& req) {
  std::string_view ids = req.path_param("datasets");
  const auto datasets = ogc::dataset_list(ctx, req, ids, "datasets");
  // Parameters that change the tiles are carried into the tile URLs (checked first).
  time_of(req);
  vector_layers(req, datasets);
  protocol::QueryParams carried;
  for (const char* name : {"datetime", "fields", "tk"})
    if (auto v = req.param(name)) carried.emplace_back(name, std::string(*v));

  std::string path;
  for (const auto& ds : datasets) {
    if (!path.empty()) path += ',';
    path += protocol::url_encode(ds.id);
  }
  std::string url = req.base_url + ctx.tiles_prefix + "/" + path + "/{z}/{x}/{y}.pbf";
  if (!carried.empty()) url += "?" + protocol::build_query(carried);

  std::string name, description;
  Envelope bounds;
  std::int64_t version = 0;
  for (const auto& ds : datasets) {
    if (!name.empty()) name += ", ";
    name += ds.title.empty() ? ds.id : ds.title;
    if (!ds.description.empty()) {
      if (!description.empty()) description += "\n";
      description += ds.description;
    }
    bounds.extend(ds.extent);
    version += ds.version;
  }
  if (description.empty()) description = name;
  if (bounds.empty()) bounds = Envelope::of(-180, -kMaxMercatorLat, 180, kMaxMercatorLat);
  bounds.min_x = std::clamp(bounds.min_x, -180.0, 180.0);
  bounds.max_x = std::clamp(bounds.max_x, -180.0, 180.0);
  bounds.min_y = std::clamp(bounds.min_y, -kMaxMercatorLat, kMaxMercatorLat);
  bounds.max_y = std::clamp(bounds.max_y, -kMaxMercatorLat, kMaxMercatorLat);
  // The zoom at which the bounds fill about one 256 px tile.
  const double span =
      std::max({bounds.max_x - bounds.min_x, 2 * (bounds.max_y - bounds.min_y), 1e-6});
  const int center_zoom = std::clamp(static_cast<int>(std::floor(std::log2(360.0 / span))), 0, 16);

  JsonWriter w(2048);
  w.begin_object();
  w.member("tilejson", "3.0.0");
  w.member("name", name);
  w.member("description", description);
  // Every change of a dataset raises its version, so the sum changes with every edit.
  w.member("version", "1.0." + std::to_string(version));
  w.member("attribution", "shikong: " + name);
  w.member("scheme", "xyz");
  w.key("tiles").begin_array().value(url).end_array();
  w.key("vector_layers").begin_array();
  for (const auto& ds : datasets) {
    w.begin_object();
    w.member("id", ds.id);
    w.member("description", ds.title.empty() ? ds.id : ds.title);
    w.member("minzoom", 0);
    w.member("maxzoom", kTileJsonMaxZoom);
    w.key("fields").begin_object();
    for (const auto& f : ds.schema.fields) w.member(f.name, field_kind(f.type));
    w.end_object();
    w.end_object();
  }
  w.end_array();
  w.key("bounds").begin_array();
  w.value(bounds.min_x).value(bounds.min_y).value(bounds.max_x).value(bounds.max_y);
  w.end_array();
  w.key("center").begin_array();
  w.value((bounds.min_x + bounds.max_x) / 2).value((bounds.min_y + bounds.max_y) / 2);
  w.value(center_zoom);
  w.end_array();
  w.member("minzoom", 0);
  w.member("maxzoom", kTileJsonMaxZoom);
  w.end_object();
  Response r = Response::json(w.take());
  r.headers.set("Cache-Control", std::all_of(datasets.begin(), datasets.end(), ogc::is_public)
                                     ? "public, max-age=60"
                                     : "private, max-age=60");
  return r;
}

}  // namespace

void register_tile_routes(protocol::Router& router, const ogc::MapsContext& context) {
  auto ctx = std::make_shared<const MapsContext>(context);
  const std::string& pre = context.tiles_prefix;
  auto add = [&](std::string pattern, std::string summary, std::string op,
                 protocol::Handler handler) {
    ogc::add_tile_route(router, pre + pattern, std::move(summary), std::move(op),
                        std::move(handler));
  };
  add("/{datasets}.json", "TileJSON of datasets", "getTileJson",
      [ctx](Request& req) { return tilejson(*ctx, req); });
  add("/{datasets}/{z}/{x}/{y}", "An XYZ tile (WebMercatorQuad)", "getXyzTile",
      [ctx](Request& req) { return tile(*ctx, req, tiles::web_mercator_quad()); });
  add("/{datasets}/{tileMatrixSetId}/{z}/{x}/{y}", "An XYZ tile of a tile matrix set",
      "getXyzTileOfSet", [ctx](Request& req) {
        const auto* set = tiles::find_tile_matrix_set(req.path_param("tileMatrixSetId"));
        if (!set)
          throw NotFound("unknown-tile-matrix-set",
                         "The tile matrix set is not one of WebMercatorQuad or CGCS2000Quad.",
                         "tileMatrixSetId");
        return tile(*ctx, req, *set);
      });
}

}  // namespace shikong::api
