// OGC API - Tiles (OGC 20-057) handlers: the tile matrix set definitions (2D TMS 2.0 JSON,
// OGC 17-083r4), per-collection vector and map tilesets with their metadata, and the tiles.
#include "ogc/tiles.hpp"

#include <memory>
#include <span>
#include <string>
#include <utility>

#include "core/error.hpp"
#include "datum/time.hpp"
#include "ogc/tile_common.hpp"
#include "protocol/json_writer.hpp"
#include "protocol/negotiate.hpp"
#include "protocol/query.hpp"
#include "render/render.hpp"

namespace shikong::ogc {
namespace {

using protocol::JsonWriter;
using protocol::Request;
using protocol::Response;

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kRelTilingScheme =
    "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme";
constexpr std::string_view kRelGeodata = "http://www.opengis.net/def/rel/ogc/1.0/geodata";

using ContextPtr = std::shared_ptr<const MapsContext>;

enum class TileKind { vector, map };

void negotiate_json(const Request& req) {
  static const protocol::Offer offers[] = {{"json", kJson}};
  protocol::negotiate(req, offers);
}

Response json_response(std::string body) {
  return Response::text(std::move(body), std::string(kJson));
}

void write_link(JsonWriter& w, std::string_view href, std::string_view rel, std::string_view type,
                std::string_view title = {}, bool templated = false) {
  w.begin_object();
  w.member("href", href);
  w.member("rel", rel);
  if (!type.empty()) w.member("type", type);
  if (!title.empty()) w.member("title", title);
  if (templated) w.member("templated", true);
  w.end_object();
}

// Query parameters carried from a metadata request into the links it gives (the API key, and
// the selections that change the tiles).
std::string carried_query(const Request& req, std::initializer_list<std::string_view> names) {
  protocol::QueryParams q;
  for (auto name : names)
    if (auto v = req.param(name)) q.emplace_back(std::string(name), std::string(*v));
  for (const auto& kv : req.query)
    if (kv.first == "tk") q.push_back(kv);
  return protocol::build_query(q);
}

std::string with_query(std::string url, const std::string& query) {
  if (!query.empty()) url += (url.find('?') == std::string::npos ? "?" : "&") + query;
  return url;
}

const tiles::TileMatrixSet& find_set(std::string_view id) {
  const auto* set = tiles::find_tile_matrix_set(id);
  if (!set)
    throw NotFound("unknown-tile-matrix-set",
                   "The tile matrix set is not one of WebMercatorQuad or CGCS2000Quad.",
                   "tileMatrixSetId");
  return *set;
}

// Two coordinates in the CRS's own axis order (latitude first for EPSG:4490).
void write_point(JsonWriter& w, const datum::Crs& crs, double x, double y) {
  w.begin_array();
  if (crs.lat_first)
    w.value(y).value(x);
  else
    w.value(x).value(y);
  w.end_array();
}

// ---- tile matrix sets ----

void write_tile_matrix_set(JsonWriter& w, const tiles::TileMatrixSet& set,
                           const std::string& self) {
  w.begin_object();
  w.member("id", set.id);
  w.member("title", set.title);
  w.member("uri", set.uri);
  w.member("crs", set.crs.uri());
  // Also the members of the first JSON encoding (OGC 17-083r2), which readers of that version
  // need (GDAL 3.6's OGC API driver finds a definition by "identifier" and reads its CRS from
  // "supportedCRS", each matrix's id and origin from "identifier" and "topLeftCorner").
  w.member("identifier", set.id);
  w.member("supportedCRS", set.crs.uri());
  w.key("orderedAxes").begin_array();
  if (set.crs.epsg == 3857)
    w.value("X").value("Y");
  else if (set.crs.lat_first)
    w.value("Lat").value("Lon");
  else
    w.value("Lon").value("Lat");
  w.end_array();
  if (!set.well_known_scale_set.empty()) w.member("wellKnownScaleSet", set.well_known_scale_set);
  w.key("boundingBox").begin_object();
  w.key("lowerLeft");
  write_point(w, set.crs, set.bounds.min_x, set.bounds.min_y);
  w.key("upperRight");
  write_point(w, set.crs, set.bounds.max_x, set.bounds.max_y);
  w.member("crs", set.crs.uri());
  w.end_object();
  w.key("tileMatrices").begin_array();
  for (const auto& m : set.matrices) {
    w.begin_object();
    w.member("id", m.id);
    w.member("scaleDenominator", m.scale_denominator);
    w.member("cellSize", m.cell_size);
    w.member("cornerOfOrigin", "topLeft");
    w.key("pointOfOrigin");
    write_point(w, set.crs, m.origin_x, m.origin_y);
    w.member("identifier", m.id);
    w.key("topLeftCorner");
    write_point(w, set.crs, m.origin_x, m.origin_y);
    w.member("tileWidth", m.tile_width);
    w.member("tileHeight", m.tile_height);
    w.member("matrixWidth", m.matrix_width);
    w.member("matrixHeight", m.matrix_height);
    w.end_object();
  }
  w.end_array();
  w.key("links").begin_array();
  write_link(w, self, "self", kJson, "This tile matrix set");
  w.end_array();
  w.end_object();
}

Response tile_matrix_sets(const MapsContext& ctx, Request& req) {
  negotiate_json(req);
  const std::string base = req.base_url + ctx.prefix + "/tileMatrixSets";
  JsonWriter w(2048);
  w.begin_object();
  w.key("links").begin_array();
  write_link(w, base, "self", kJson, "The tile matrix sets");
  w.end_array();
  w.key("tileMatrixSets").begin_array();
  for (const auto* set : tiles::tile_matrix_sets()) {
    const std::string href = base + "/" + set->id;
    w.begin_object();
    w.member("id", set->id);
    w.member("title", set->title);
    w.member("uri", set->uri);
    w.member("crs", set->crs.uri());
    w.key("links").begin_array();
    write_link(w, href, "self", kJson, "The definition of " + set->id);
    write_link(w, href, kRelTilingScheme, kJson, "The definition of " + set->id);
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return json_response(w.take());
}

Response tile_matrix_set(const MapsContext& ctx, Request& req) {
  negotiate_json(req);
  const auto& set = find_set(req.path_param("tileMatrixSetId"));
  JsonWriter w(8192);
  write_tile_matrix_set(w, set, req.base_url + ctx.prefix + "/tileMatrixSets/" + set.id);
  return json_response(w.take());
}

// ---- tilesets ----

storage::DatasetInfo collection_of(const MapsContext& ctx, const Request& req) {
  return visible_dataset(ctx, req, req.path_param("collectionId"), "collection-not-found",
                         "collectionId");
}

std::string collection_url(const MapsContext& ctx, const Request& req,
                           const storage::DatasetInfo& ds) {
  return req.base_url + ctx.prefix + "/collections/" + protocol::url_encode(ds.id);
}

std::string tilesets_url(const MapsContext& ctx, const Request& req, const storage::DatasetInfo& ds,
                         TileKind kind) {
  return collection_url(ctx, req, ds) + (kind == TileKind::vector ? "/tiles" : "/map/tiles");
}

struct TileFormat {
  std::string_view key;
  std::string_view media_type;
};
constexpr TileFormat kVectorFormats[] = {{"mvt", kMvtMediaType}};
constexpr TileFormat kMapFormats[] = {
    {"png", "image/png"}, {"jpeg", "image/jpeg"}, {"webp", "image/webp"}};
std::span<const TileFormat> formats_of(TileKind kind) {
  if (kind == TileKind::vector) return kVectorFormats;
  return kMapFormats;
}

// The members a tileset list item shares with the full tileset metadata.
void write_tileset_summary(JsonWriter& w, const storage::DatasetInfo& ds,
                           const tiles::TileMatrixSet& set, TileKind kind) {
  const std::string name = ds.title.empty() ? ds.id : ds.title;
  w.member("title",
           name + (kind == TileKind::vector ? " (vector tiles, " : " (map tiles, ") + set.id + ")");
  w.member("dataType", kind == TileKind::vector ? "vector" : "map");
  w.member("crs", set.crs.uri());
  // The OGC register's URI for WebMercatorQuad; ours for CGCS2000Quad, which clients (GDAL) use
  // to pick a tileset by its tile matrix set.
  if (!set.uri.empty()) w.member("tileMatrixSetURI", set.uri);
}

Response tilesets(const MapsContext& ctx, Request& req, TileKind kind) {
  negotiate_json(req);
  const auto ds = collection_of(ctx, req);
  const std::string base = tilesets_url(ctx, req, ds, kind);
  const std::string q = carried_query(req, {});
  JsonWriter w(4096);
  w.begin_object();
  w.key("links").begin_array();
  write_link(w, with_query(base, q), "self", kJson, "The tilesets of this collection");
  write_link(w, with_query(collection_url(ctx, req, ds), q), kRelGeodata, kJson, "The collection");
  w.end_array();
  w.key("tilesets").begin_array();
  for (const auto* set : tiles::tile_matrix_sets()) {
    w.begin_object();
    write_tileset_summary(w, ds, *set, kind);
    w.key("links").begin_array();
    write_link(w, with_query(base + "/" + set->id, q), "self", kJson, "The tileset metadata");
    write_link(w, req.base_url + ctx.prefix + "/tileMatrixSets/" + set->id, kRelTilingScheme, kJson,
               "The tile matrix set " + set->id);
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return json_response(w.take());
}

std::string_view field_type(FieldType t) {
  switch (t) {
    case FieldType::integer:
      return "integer";
    case FieldType::real:
      return "number";
    case FieldType::boolean:
      return "boolean";
    default:
      return "string";
  }
}

int geometry_dimension(geo::GeometryType t) {
  switch (t) {
    case geo::GeometryType::point:
    case geo::GeometryType::multi_point:
      return 0;
    case geo::GeometryType::line_string:
    case geo::GeometryType::multi_line_string:
      return 1;
    case geo::GeometryType::polygon:
    case geo::GeometryType::multi_polygon:
      return 2;
    default:
      return -1;
  }
}

Response tileset(const MapsContext& ctx, Request& req, TileKind kind) {
  negotiate_json(req);
  const auto ds = collection_of(ctx, req);
  const auto& set = find_set(req.path_param("tileMatrixSetId"));
  if (auto d = req.param("datetime")) datum::parse_datetime_parameter(*d, "datetime");
  if (kind == TileKind::map)
    if (auto s = req.param("style")) ctx.maps.style(ds, *s);
  const std::string self = tilesets_url(ctx, req, ds, kind) + "/" + set.id;
  const std::string q = carried_query(req, {"datetime", "style"});

  JsonWriter w(16384);
  w.begin_object();
  write_tileset_summary(w, ds, set, kind);
  if (!ds.description.empty()) w.member("description", ds.description);
  w.key("links").begin_array();
  write_link(w, with_query(self, q), "self", kJson, "This tileset metadata");
  write_link(w, req.base_url + ctx.prefix + "/tileMatrixSets/" + set.id, kRelTilingScheme, kJson,
             "The tile matrix set " + set.id);
  write_link(w, collection_url(ctx, req, ds), kRelGeodata, kJson, "The collection");
  for (const auto& f : formats_of(kind)) {
    std::string item = self + "/{tileMatrix}/{tileRow}/{tileCol}?f=" + std::string(f.key);
    write_link(w, with_query(item, q), "item", f.media_type,
               "Tiles as " + std::string(f.media_type), true);
  }
  w.end_array();

  const Envelope extent = extent_or_world(ds);
  w.key("boundingBox").begin_object();
  w.key("lowerLeft").begin_array().value(extent.min_x).value(extent.min_y).end_array();
  w.key("upperRight").begin_array().value(extent.max_x).value(extent.max_y).end_array();
  w.member("crs", datum::crs84().uri());
  w.end_object();
  w.key("tileMatrixSetLimits").begin_array();
  for (const auto& m : set.matrices) {
    const auto r = tile_range(set, m, extent);
    if (!r) continue;
    w.begin_object();
    w.member("tileMatrix", m.id);
    w.member("minTileRow", r->min_row);
    w.member("maxTileRow", r->max_row);
    w.member("minTileCol", r->min_col);
    w.member("maxTileCol", r->max_col);
    w.end_object();
  }
  w.end_array();
  if (kind == TileKind::vector) {
    // The MVT layer of the collection and the attributes its features carry.
    w.key("layers").begin_array().begin_object();
    w.member("id", ds.id);
    w.member("title", ds.title.empty() ? ds.id : ds.title);
    w.member("dataType", "vector");
    if (int d = geometry_dimension(ds.geometry_type); d >= 0) w.member("geometryDimension", d);
    w.member("minTileMatrix", set.matrices.front().id);
    w.member("maxTileMatrix", set.matrices.back().id);
    w.key("propertiesSchema").begin_object();
    w.member("type", "object");
    w.key("properties").begin_object();
    for (const auto& f : ds.schema.fields) {
      w.key(f.name).begin_object().member("type", field_type(f.type)).end_object();
    }
    w.end_object();
    w.end_object();
    w.end_object().end_array();
  } else {
    const std::string_view style = req.param("style").value_or("default");
    w.key("style").begin_object().member("id", style).end_object();
  }
  w.end_object();
  return json_response(w.take());
}

// ---- tiles ----

Response tile(const MapsContext& ctx, Request& req, TileKind kind) {
  const auto ds = collection_of(ctx, req);
  const auto& set = find_set(req.path_param("tileMatrixSetId"));
  const auto address = tile_at(
      set, req.path_param("tileMatrix"), parse_tile_index(req.path_param("tileCol"), "tileCol"),
      parse_tile_index(req.path_param("tileRow"), "tileRow"), "tileMatrix", "tileCol", "tileRow");
  std::optional<Interval> time;
  if (auto d = req.param("datetime")) time = datum::parse_datetime_parameter(*d, "datetime");
  const bool pub = is_public(ds);

  if (kind == TileKind::vector) {
    static const protocol::Offer offers[] = {{"mvt", kMvtMediaType}};
    protocol::negotiate(req, offers);
    const tiles::VectorTileLayer layers[] = {{ds, {}}};
    return tile_response(ctx.maps.vector_tile(layers, address, time), pub);
  }
  static const protocol::Offer offers[] = {
      {"png", "image/png"}, {"jpeg", "image/jpeg"}, {"webp", "image/webp"}};
  static const render::ImageFormat formats[] = {render::ImageFormat::png, render::ImageFormat::jpeg,
                                                render::ImageFormat::webp};
  const auto format = formats[protocol::negotiate(req, offers)];
  render::RenderLayer layer;
  layer.style = ctx.maps.style(ds, req.param("style").value_or("default"));
  layer.dataset = ds;
  layer.time = time;
  const render::RenderLayer layers[] = {std::move(layer)};
  return tile_response(
      ctx.maps.raster_tile(layers, address, format, format != render::ImageFormat::jpeg), pub);
}

}  // namespace

const std::vector<std::string>& tiles_conformance_classes() {
  static const std::vector<std::string> classes = {
      "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
      "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
      "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
      "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
      "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/datetime",
      "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/oas30",
      "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
      "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/png",
      "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/jpeg",
  };
  return classes;
}

void register_ogc_tiles_routes(protocol::Router& router, const MapsContext& context) {
  auto ctx = std::make_shared<const MapsContext>(context);
  const std::string& pre = context.prefix;
  auto add = [&](std::string pattern, std::string summary, std::string op,
                 protocol::Handler handler) {
    add_tile_route(router, pre + pattern, std::move(summary), std::move(op), std::move(handler));
  };
  add("/tileMatrixSets", "Tile matrix sets", "getTileMatrixSetsList",
      [ctx](Request& req) { return tile_matrix_sets(*ctx, req); });
  add("/tileMatrixSets/{tileMatrixSetId}", "A tile matrix set definition", "getTileMatrixSet",
      [ctx](Request& req) { return tile_matrix_set(*ctx, req); });
  for (TileKind kind : {TileKind::vector, TileKind::map}) {
    const bool vec = kind == TileKind::vector;
    const std::string base =
        vec ? "/collections/{collectionId}/tiles" : "/collections/{collectionId}/map/tiles";
    const std::string what = vec ? "vector" : "map";
    const std::string op = vec ? "Vector" : "Map";
    add(base, "The " + what + " tilesets of a collection", "getCollection" + op + "TileSetsList",
        [ctx, kind](Request& req) { return tilesets(*ctx, req, kind); });
    add(base + "/{tileMatrixSetId}", "A " + what + " tileset of a collection",
        "describeCollection" + op + "TileSet",
        [ctx, kind](Request& req) { return tileset(*ctx, req, kind); });
    add(base + "/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}",
        "A " + what + " tile of a collection", "getCollection" + op + "Tile",
        [ctx, kind](Request& req) { return tile(*ctx, req, kind); });
  }
}

}  // namespace shikong::ogc
