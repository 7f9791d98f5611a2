// OGC API - Features handlers: parse parameters, query the store, write JSON/GeoJSON (items
// streamed in pieces), with the OpenAPI description registered next to each route.
#include "ogc/features.hpp"

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <memory>
#include <set>
#include <string_view>
#include <utility>

#include "core/error.hpp"
#include "core/log.hpp"
#include "datum/time.hpp"
#include "datum/vertical.hpp"
#include "geo/geojson.hpp"
#include "geo/wkb.hpp"
#include "ogc/cql2_text.hpp"
#include "ogc/feature_encoder.hpp"
#include "ogc/openapi.hpp"
#include "ogc/params.hpp"
#include "ogc/tiles.hpp"
#include "protocol/json_writer.hpp"
#include "protocol/negotiate.hpp"
#include "protocol/query.hpp"

namespace shikong::ogc {
namespace {

using protocol::JsonWriter;
using protocol::Request;
using protocol::Response;

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kGeoJson = "application/geo+json";
constexpr std::string_view kSchemaJson = "application/schema+json";
constexpr std::string_view kRelConformance = "http://www.opengis.net/def/rel/ogc/1.0/conformance";
constexpr std::string_view kRelData = "http://www.opengis.net/def/rel/ogc/1.0/data";
constexpr std::string_view kRelQueryables = "http://www.opengis.net/def/rel/ogc/1.0/queryables";
constexpr std::string_view kTrsGregorian = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian";

// Parameters the items operation understands; anything else that is not a queryable is a 400.
const std::set<std::string, std::less<>> kItemsParameters = {
    "f",   "limit",      "offset", "bbox",        "bbox-crs",  "datetime",
    "crs", "properties", "filter", "filter-lang", "filter-crs"};

// Parameters of a single item.
const std::set<std::string, std::less<>> kItemParameters = {"f", "crs", "properties"};

struct State {
  storage::Store* store = nullptr;
  FeaturesSettings settings;
  CanRead can_read;
  std::function<std::vector<std::string>(const Request&)> extra_collections;
  std::vector<std::string> extra_conformance;
  std::vector<FeaturesContext::LandingLink> extra_landing_links;
  std::vector<datum::Crs> crs;
  std::shared_ptr<ApiDocs> docs;
  std::vector<ParamDoc> item_params;  // of the items operation, for per-collection paths
  const protocol::Router* router = nullptr;
};
using StatePtr = std::shared_ptr<const State>;

std::string link_base(const Request& req, const State& st) {
  return req.base_url + st.settings.prefix;
}

std::string with_query(std::string url, const protocol::QueryParams& q) {
  if (!q.empty()) {
    url.push_back('?');
    url += protocol::build_query(q);
  }
  return url;
}

void write_link(JsonWriter& w, std::string_view href, std::string_view rel, std::string_view type,
                std::string_view title = {}) {
  w.begin_object();
  w.member("href", href);
  w.member("rel", rel);
  if (!type.empty()) w.member("type", type);
  if (!title.empty()) w.member("title", title);
  w.end_object();
}

// The same resource in the other JSON media type (GeoJSON <-> plain JSON), with `f` set.
void write_alternate(JsonWriter& w, const std::string& url, const protocol::QueryParams& query,
                     std::string_view media_type) {
  const bool geojson = media_type == kGeoJson;
  protocol::QueryParams q;
  for (const auto& kv : query)
    if (kv.first != "f") q.push_back(kv);
  q.emplace_back("f", geojson ? "json" : "geojson");
  write_link(w, with_query(url, q), "alternate", geojson ? kJson : kGeoJson,
             geojson ? "This document as JSON" : "This document as GeoJSON");
}

// Only JSON is offered for the metadata documents (HTML is left to the portal).
void negotiate_json(const Request& req) {
  static const protocol::Offer offers[] = {{"json", kJson}};
  protocol::negotiate(req, offers);
}

// OGC API - Tiles routes (ogc/tiles.cpp) registered on the same router: then /conformance
// declares them, the landing page links the tile matrix sets and collections their tilesets.
bool serves_tiles(const State& st) {
  const std::string pattern = st.settings.prefix + "/tileMatrixSets";
  for (const auto& r : st.router->routes())
    if (r.pattern == pattern) return true;
  return false;
}

Response json_response(std::string body, std::string_view content_type = kJson) {
  return Response::text(std::move(body), std::string(content_type));
}

bool has_valid_time(const storage::DatasetInfo& ds) {
  return !ds.time_start_field.empty() || !ds.time_extent.unbounded();
}

storage::DatasetInfo find_collection(const State& st, const Request& req, std::string_view id) {
  auto ds = st.store->find_dataset(id);
  if (!ds || ds->kind != storage::DatasetKind::vector || !st.can_read(req, *ds))
    throw NotFound("collection-not-found", "there is no collection with this id", "collectionId");
  return std::move(*ds);
}

Instant now() {
  const auto t =
      std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  return Instant{t.time_since_epoch().count()};
}

std::string_view geometry_format(geo::GeometryType t) {
  switch (t) {
    case geo::GeometryType::point:
      return "geometry-point";
    case geo::GeometryType::line_string:
      return "geometry-linestring";
    case geo::GeometryType::polygon:
      return "geometry-polygon";
    case geo::GeometryType::multi_point:
      return "geometry-multipoint";
    case geo::GeometryType::multi_line_string:
      return "geometry-multilinestring";
    case geo::GeometryType::multi_polygon:
      return "geometry-multipolygon";
    case geo::GeometryType::geometry_collection:
      return "geometry-geometrycollection";
    case geo::GeometryType::unknown:
      break;
  }
  return "geometry-any";
}

// ---- landing page, conformance ----

Response landing(const State& st, Request& req) {
  negotiate_json(req);
  const std::string base = link_base(req, st);
  JsonWriter w(2048);
  w.begin_object();
  w.member("title", st.settings.title);
  w.member("description", st.settings.description);
  w.key("links").begin_array();
  write_link(w, base, "self", kJson, "This document");
  write_link(w, base + "/api", "service-desc", kOpenApiMediaType, "The API definition");
  write_link(w, base + "/conformance", "conformance", kJson, "Conformance classes");
  write_link(w, base + "/conformance", kRelConformance, kJson, "Conformance classes");
  write_link(w, base + "/collections", "data", kJson, "Collections");
  write_link(w, base + "/collections", kRelData, kJson, "Collections");
  if (serves_tiles(st))
    write_link(w, base + "/tileMatrixSets", "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes",
               kJson, "Tile matrix sets");
  for (const auto& l : st.extra_landing_links) write_link(w, base + l.path, l.rel, l.type, l.title);
  w.end_array();
  w.end_object();
  return json_response(w.take());
}

Response conformance(const State& st, Request& req) {
  negotiate_json(req);
  JsonWriter w(1024);
  w.begin_object().key("conformsTo").begin_array();
  for (const auto& c : features_conformance_classes()) w.value(c);
  if (serves_tiles(st))
    for (const auto& c : tiles_conformance_classes()) w.value(c);
  for (const auto& c : st.extra_conformance) w.value(c);
  w.end_array().end_object();
  return json_response(w.take());
}

std::string field_schema(FieldType t) {
  switch (t) {
    case FieldType::integer:
      return R"({"type":"integer"})";
    case FieldType::real:
      return R"({"type":"number"})";
    case FieldType::boolean:
      return R"({"type":"boolean"})";
    case FieldType::text:
      break;
    case FieldType::date:
      return R"({"type":"string","format":"date"})";
    case FieldType::datetime:
      return R"({"type":"string","format":"date-time"})";
  }
  return R"({"type":"string"})";
}

Response openapi(const State& st, Request& req) {
  OpenApiInfo info;
  info.title = st.settings.title;
  info.description = st.settings.description;
  info.prefix = st.settings.prefix;
  // Each collection's items path again, with its queryables as parameters: clients such as
  // GDAL's OAPIF driver read them there to send property=value filters to the server.
  info.extra_paths = [&](JsonWriter& w) {
    for (const auto& ds : st.store->list_datasets()) {
      if (ds.kind != storage::DatasetKind::vector || !st.can_read(req, ds)) continue;
      w.key("/collections/" + ds.id + "/items").begin_object().key("get").begin_object();
      w.member("summary", "Features of " + (ds.title.empty() ? ds.id : ds.title));
      w.member("operationId", "getFeatures_" + ds.id);
      w.key("tags").begin_array().value("OGC API - Features").end_array();
      w.key("parameters").begin_array();
      for (const auto& p : st.item_params)
        if (p.in != "path") write_parameter(w, p);
      for (const auto& f : ds.schema.fields) {
        if (kItemsParameters.count(f.name)) continue;
        ParamDoc p;
        p.name = f.name;
        p.description = "Features whose " + f.name + " equals this value";
        p.schema = field_schema(f.type);
        write_parameter(w, p);
      }
      w.end_array();
      w.key("responses").begin_object();
      w.key("200").begin_object().member("description", "A page of features");
      w.key("content").begin_object().key(kGeoJson).begin_object();
      w.key("schema").raw(R"({"type":"object"})");
      w.end_object().end_object().end_object();
      w.key("default").begin_object().member("description", "An error");
      w.key("content").begin_object().key("application/problem+json").begin_object();
      w.key("schema").raw(R"({"$ref":"#/components/schemas/Problem"})");
      w.end_object().end_object().end_object();
      w.end_object();  // responses
      w.end_object().end_object();
    }
  };
  return json_response(build_openapi_document(*st.router, *st.docs, info, req.base_url),
                       kOpenApiMediaType);
}

// ---- collections ----

void write_collection(JsonWriter& w, const State& st, const Request& req,
                      const storage::DatasetInfo& ds) {
  const std::string href = link_base(req, st) + "/collections/" + protocol::url_encode(ds.id);
  w.begin_object();
  w.member("id", ds.id);
  w.member("title", ds.title.empty() ? ds.id : ds.title);
  if (!ds.description.empty()) w.member("description", ds.description);
  w.key("links").begin_array();
  write_link(w, href, "self", kJson, "This collection");
  write_link(w, href + "/items", "items", kGeoJson, "Features as GeoJSON");
  write_link(w, href + "/queryables", kRelQueryables, kSchemaJson, "Queryables");
  if (serves_tiles(st)) {
    write_link(w, href + "/tiles", "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector", kJson,
               "Vector tilesets");
    write_link(w, href + "/map/tiles", "http://www.opengis.net/def/rel/ogc/1.0/tilesets-map", kJson,
               "Map tilesets");
  }
  const std::string dl = req.base_url + st.settings.api_prefix + "/datasets/" +
                         protocol::url_encode(ds.id) + "/download?format=";
  write_link(w, dl + "geojson", "enclosure", "application/geo+json", "Download as GeoJSON");
  write_link(w, dl + "csv", "enclosure", "text/csv", "Download as CSV");
  write_link(w, dl + "gpkg", "enclosure", "application/geopackage+sqlite3",
             "Download as GeoPackage");
  write_link(w, dl + "shapefile", "enclosure", "application/zip", "Download as zipped Shapefile");
  w.end_array();
  w.key("extent").begin_object();
  if (!ds.extent.empty()) {
    Envelope e = ds.extent;
    try {
      if (!(datum::platform_crs() == datum::crs84()))
        e = datum::transformer(datum::platform_crs(), datum::crs84())->transform(e);
    } catch (const Error&) {
      log::warn("extent of {} could not be transformed to CRS84", ds.id);
    }
    w.key("spatial").begin_object();
    w.key("bbox").begin_array().begin_array();
    w.value(e.min_x).value(e.min_y).value(e.max_x).value(e.max_y);
    w.end_array().end_array();
    w.member("crs", datum::crs84().uri());
    w.end_object();
  }
  if (has_valid_time(ds)) {
    w.key("temporal").begin_object();
    w.key("interval").begin_array().begin_array();
    if (ds.time_extent.start)
      w.value(datum::format_rfc3339_utc(*ds.time_extent.start));
    else
      w.null();
    if (ds.time_extent.end)
      w.value(datum::format_rfc3339_utc(*ds.time_extent.end));
    else
      w.null();
    w.end_array().end_array();
    w.member("trs", kTrsGregorian);
    w.end_object();
  }
  w.end_object();
  w.member("itemType", "feature");
  w.key("crs").begin_array();
  for (const auto& c : st.crs) w.value(c.uri());
  w.end_array();
  w.member("storageCrs", datum::platform_crs().uri());
  if (!ds.vertical_datum.empty()) {
    // Not a member of the standard: heights are tagged, not transformed, so clients see the
    // datum the values refer to (EPSG:5737, Yellow Sea 1985, for Chinese DEMs).
    w.key("verticalDatum").begin_object();
    w.member("id", ds.vertical_datum);
    w.member("name", datum::vertical_datum_name(ds.vertical_datum));
    if (ds.vertical_datum.rfind("EPSG:", 0) == 0)
      w.member("uri", "http://www.opengis.net/def/crs/EPSG/0/" + ds.vertical_datum.substr(5));
    w.end_object();
  }
  w.end_object();
}

Response collections(const State& st, Request& req) {
  negotiate_json(req);
  const std::string base = link_base(req, st);
  JsonWriter w(8192);
  w.begin_object();
  w.key("links").begin_array();
  write_link(w, base + "/collections", "self", kJson, "This document");
  w.end_array();
  w.key("collections").begin_array();
  for (const auto& ds : st.store->list_datasets()) {
    if (ds.kind != storage::DatasetKind::vector || !st.can_read(req, ds)) continue;
    write_collection(w, st, req, ds);
  }
  if (st.extra_collections)
    for (const auto& c : st.extra_collections(req)) w.raw(c);
  w.end_array();
  w.end_object();
  return json_response(w.take());
}

Response collection(const State& st, Request& req) {
  negotiate_json(req);
  const auto ds = find_collection(st, req, req.path_param("collectionId"));
  JsonWriter w(4096);
  write_collection(w, st, req, ds);
  return json_response(w.take());
}

// ---- queryables ----

Response queryables(const State& st, Request& req) {
  negotiate_json(req);
  const auto ds = find_collection(st, req, req.path_param("collectionId"));
  const std::string href = link_base(req, st) + "/collections/" + protocol::url_encode(ds.id);
  JsonWriter w(2048);
  w.begin_object();
  w.member("$schema", "https://json-schema.org/draft/2020-12/schema");
  w.member("$id", href + "/queryables");
  w.member("type", "object");
  w.member("title", ds.title.empty() ? ds.id : ds.title);
  w.key("properties").begin_object();
  if (!ds.schema.find(kGeometryQueryable)) {
    w.key(kGeometryQueryable).begin_object();
    w.member("title", "Geometry");
    w.member("format", geometry_format(ds.geometry_type));
    w.member("x-ogc-role", "primary-geometry");
    w.end_object();
  }
  if (has_valid_time(ds) && !ds.schema.find(kValidTimeQueryable)) {
    w.key(kValidTimeQueryable).begin_object();
    w.member("title", "Valid time");
    w.member("description", "The valid time of the feature; use it in T_INTERSECTS");
    w.member("type", "string");
    w.member("format", "date-time");
    w.member("x-ogc-role", "primary-instant");
    w.end_object();
  }
  for (const auto& f : ds.schema.fields) {
    w.key(f.name).begin_object();
    w.member("title", f.name);
    switch (f.type) {
      case FieldType::integer:
        w.member("type", "integer");
        break;
      case FieldType::real:
        w.member("type", "number");
        break;
      case FieldType::boolean:
        w.member("type", "boolean");
        break;
      case FieldType::text:
        w.member("type", "string");
        break;
      case FieldType::date:
        w.member("type", "string");
        w.member("format", "date");
        break;
      case FieldType::datetime:
        w.member("type", "string");
        w.member("format", "date-time");
        break;
    }
    w.end_object();
  }
  w.end_object();
  w.member("additionalProperties", false);
  w.end_object();
  return json_response(w.take(), kSchemaJson);
}

// ---- items ----

struct ParsedItems {
  storage::FeatureQuery query;
  datum::Crs out_crs;
  std::vector<bool> include;
};

ExprPtr make_and(std::vector<ExprPtr> parts) {
  if (parts.empty()) return nullptr;
  if (parts.size() == 1) return parts.front();
  auto e = std::make_shared<Expr>();
  e->kind = Expr::Kind::and_;
  e->children = std::move(parts);
  return e;
}

// The parameters shared by items and a single item: crs, properties; items adds the rest.
ParsedItems parse_items_request(const State& st, const Request& req, const storage::DatasetInfo& ds,
                                bool collection_query) {
  ParsedItems p;
  const Schema& schema = ds.schema;
  {
    for (const auto& [name, value] : req.query) {
      if (collection_query ? (kItemsParameters.count(name) || schema.find(name))
                           : kItemParameters.count(name))
        continue;
      bool pass = false;
      for (const auto& n : st.settings.passthrough_parameters) pass = pass || n == name;
      if (pass) continue;
      throw InvalidInput("unknown-parameter",
                         fmt::format("'{}' is neither a parameter of this operation nor a "
                                     "queryable of this collection",
                                     name.size() > 40 ? name.substr(0, 40) + "..." : name),
                         name);
    }
  }

  p.out_crs = datum::crs84();
  if (auto c = req.param("crs")) p.out_crs = select_crs(*c, st.crs, "crs");

  p.include.assign(schema.size(), true);
  if (auto props = req.param("properties")) {
    p.include.assign(schema.size(), false);
    std::size_t start = 0;
    while (!props->empty()) {
      const std::size_t comma = props->find(',', start);
      std::string_view name = props->substr(
          start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
      auto i = schema.find(name);
      if (!i)
        throw InvalidInput("unknown-property",
                           fmt::format("properties names '{}', which this collection does not have",
                                       name.size() > 40 ? name.substr(0, 40) : name),
                           "properties");
      p.include[*i] = true;
      p.query.fields.push_back(*i);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  if (!collection_query) return p;

  p.query.limit = parse_limit(req.param("limit"), st.settings.default_limit, st.settings.max_limit);
  p.query.offset = parse_offset(req.param("offset"));

  datum::Crs bbox_crs = datum::crs84();
  if (auto c = req.param("bbox-crs")) bbox_crs = select_crs(*c, st.crs, "bbox-crs");
  if (auto b = req.param("bbox")) {
    Envelope env = parse_bbox(*b, bbox_crs);
    if (!(bbox_crs == datum::platform_crs())) {
      try {
        env = datum::transformer(bbox_crs, datum::platform_crs())->transform(env);
      } catch (const Error&) {
        throw InvalidInput("invalid-bbox", "bbox cannot be transformed to the platform datum",
                           "bbox");
      }
    }
    p.query.bbox = env;
  }
  if (auto d = req.param("datetime")) p.query.time = datum::parse_datetime_parameter(*d);

  std::vector<ExprPtr> conditions;
  for (const auto& [name, value] : req.query) {
    if (kItemsParameters.count(name)) continue;
    auto i = schema.find(name);
    if (!i) continue;
    auto e = std::make_shared<Expr>();
    e->kind = Expr::Kind::compare;
    e->field = *i;
    e->op = CompareOp::eq;
    e->literal = parse_typed_value(value, schema.fields[*i].type, name);
    conditions.push_back(std::move(e));
  }
  if (auto lang = req.param("filter-lang"); lang && *lang != "cql2-text")
    throw InvalidInput("unsupported-filter-lang", "filter-lang must be cql2-text", "filter-lang");
  datum::Crs filter_crs = datum::crs84();
  if (auto c = req.param("filter-crs")) filter_crs = select_crs(*c, st.crs, "filter-crs");
  if (auto f = req.param("filter")) {
    Cql2Context ctx;
    ctx.schema = &schema;
    ctx.has_valid_time = has_valid_time(ds);
    ctx.time_start_field = ds.time_start_field;
    ctx.time_end_field = ds.time_end_field;
    ctx.filter_crs = filter_crs;
    conditions.push_back(parse_cql2_text(*f, ctx));
  }
  p.query.filter = make_and(std::move(conditions));
  return p;
}

struct ItemsStream {
  std::unique_ptr<storage::FeatureCursor> cursor;
  FeatureEncoder encoder;
  Feature feature;
  JsonWriter w{80 * 1024};
  std::size_t chunk_bytes = 64 * 1024;
  std::int64_t matched = 0;
  std::int64_t returned = 0;
  std::int64_t limit = 0;
  std::int64_t offset = 0;
  std::string items_url;  // absolute, without query
  std::string collection_url;
  protocol::QueryParams query;
  std::string media_type;
  bool started = false;

  ItemsStream(const Schema& s, const datum::Crs& crs, std::vector<bool> include)
      : encoder(s, crs, std::move(include)) {}

  std::string page_url(std::int64_t page_offset) const {
    protocol::QueryParams q;
    for (const auto& kv : query)
      if (kv.first != "offset") q.push_back(kv);
    if (page_offset > 0) q.emplace_back("offset", std::to_string(page_offset));
    return with_query(items_url, q);
  }

  void finish() {
    w.end_array();
    w.member("numberMatched", matched);
    w.member("numberReturned", returned);
    w.member("timeStamp", datum::format_rfc3339_utc(now()));
    w.key("links").begin_array();
    write_link(w, with_query(items_url, query), "self", media_type, "This page");
    write_alternate(w, items_url, query, media_type);
    if (offset < matched && returned < matched - offset)  // no overflow for huge offsets
      write_link(w, page_url(offset + returned), "next", media_type, "Next page");
    if (offset > 0)
      write_link(w, page_url(std::max<std::int64_t>(0, offset - limit)), "prev", media_type,
                 "Previous page");
    write_link(w, collection_url, "collection", kJson, "The collection");
    w.end_array();
    w.end_object();
  }

  bool produce(std::string& chunk) {
    if (!started) {
      started = true;
      w.begin_object();
      w.member("type", "FeatureCollection");
      w.key("features").begin_array();
    }
    while (w.size() < chunk_bytes) {
      if (!cursor->next(feature)) {
        finish();
        chunk += w.take();
        return false;
      }
      w.begin_object();
      encoder.write_members(w, feature);
      w.end_object();
      ++returned;
    }
    chunk += w.take();
    return true;
  }
};

std::string_view negotiate_geojson(const Request& req) {
  static const protocol::Offer offers[] = {{"geojson", kGeoJson}, {"json", kJson}};
  return offers[protocol::negotiate(req, offers)].media_type;
}

Response items(const State& st, Request& req) {
  const auto ds = find_collection(st, req, req.path_param("collectionId"));
  const std::string_view media_type = negotiate_geojson(req);
  ParsedItems p = parse_items_request(st, req, ds, true);

  const std::int64_t matched = st.store->count(ds, p.query);
  auto stream = std::make_shared<ItemsStream>(ds.schema, p.out_crs, std::move(p.include));
  stream->cursor = st.store->query(ds, p.query);
  stream->chunk_bytes = st.settings.chunk_bytes;
  stream->matched = matched;
  stream->limit = p.query.limit;
  stream->offset = p.query.offset;
  stream->collection_url = link_base(req, st) + "/collections/" + protocol::url_encode(ds.id);
  stream->items_url = stream->collection_url + "/items";
  stream->query = req.query;
  stream->media_type = media_type;

  Response r;
  r.headers.set("Content-Type", std::string(media_type));
  r.headers.set("Content-Crs", "<" + p.out_crs.uri() + ">");
  r.stream = [stream](std::string& chunk) { return stream->produce(chunk); };
  return r;
}

Response item(const State& st, Request& req) {
  const auto ds = find_collection(st, req, req.path_param("collectionId"));
  const std::string_view media_type = negotiate_geojson(req);
  ParsedItems p = parse_items_request(st, req, ds, false);
  const std::string_view fid_text = req.path_param("featureId");
  std::int64_t fid = 0;
  auto r = std::from_chars(fid_text.data(), fid_text.data() + fid_text.size(), fid);
  if (fid_text.empty() || r.ec != std::errc{} || r.ptr != fid_text.data() + fid_text.size())
    throw NotFound("feature-not-found", "there is no feature with this id", "featureId");
  p.query.id = fid;
  p.query.limit = 1;
  auto cursor = st.store->query(ds, p.query);
  Feature f;
  if (!cursor->next(f))
    throw NotFound("feature-not-found", "there is no feature with this id", "featureId");
  FeatureEncoder encoder(ds.schema, p.out_crs, std::move(p.include));
  const std::string collection_url =
      link_base(req, st) + "/collections/" + protocol::url_encode(ds.id);
  JsonWriter w(4096);
  w.begin_object();
  encoder.write_members(w, f);
  w.key("links").begin_array();
  const std::string feature_url = collection_url + "/items/" + std::to_string(fid);
  write_link(w, with_query(feature_url, req.query), "self", media_type, "This feature");
  write_alternate(w, feature_url, req.query, media_type);
  write_link(w, collection_url, "collection", kJson, "The collection");
  w.end_array();
  w.end_object();
  Response resp = Response::text(w.take(), std::string(media_type));
  resp.headers.set("Content-Crs", "<" + p.out_crs.uri() + ">");
  return resp;
}

// ---- route documentation ----

ParamDoc query_param(std::string name, std::string description, std::string schema,
                     bool explode = true) {
  ParamDoc p;
  p.name = std::move(name);
  p.description = std::move(description);
  p.schema = std::move(schema);
  p.explode = explode;
  return p;
}

ParamDoc f_param(std::string_view values) {
  return query_param("f", "The representation of the response",
                     fmt::format(R"({{"type":"string","enum":[{}]}})", values));
}

std::string crs_enum(const State& st) {
  std::string s = R"({"type":"string","format":"uri","enum":[)";
  for (std::size_t i = 0; i < st.crs.size(); ++i) {
    if (i) s += ',';
    s += protocol::json_quote(st.crs[i].uri());
  }
  s += "]}";
  return s;
}

ParamDoc collection_id_param() {
  ParamDoc p;
  p.name = "collectionId";
  p.in = "path";
  p.description = "The id of a collection";
  p.required = true;
  return p;
}

ResponseDoc json_ok(std::string description, std::string_view media = kJson) {
  return ResponseDoc{"200", std::move(description), std::string(media), {}};
}

}  // namespace

const std::vector<std::string>& features_conformance_classes() {
  static const std::vector<std::string> classes = {
      "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
      "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
      "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
      "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
      "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
      "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
      "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
      "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
      "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
      "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
      "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
      "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
      "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
  };
  return classes;
}

std::vector<datum::Crs> offered_crs(const FeaturesSettings& settings) {
  std::vector<datum::Crs> out;
  auto add = [&](const datum::Crs& c) {
    for (const auto& o : out)
      if (o == c) return;
    out.push_back(c);
  };
  add(datum::crs84());
  add(datum::platform_crs());
  for (int code : {4490, 4326, 3857, 4547}) add(datum::epsg(code));
  for (const auto& text : settings.extra_crs) add(datum::parse_crs(text, "crs"));
  return out;
}

void register_features_routes(protocol::Router& router, const FeaturesContext& context) {
  auto st = std::make_shared<State>();
  st->store = &context.store;
  st->settings = context.settings;
  st->can_read = context.can_read
                     ? context.can_read
                     : CanRead([](const Request&, const storage::DatasetInfo&) { return true; });
  st->extra_collections = context.extra_collections;
  st->extra_conformance = context.extra_conformance;
  st->extra_landing_links = context.extra_landing_links;
  st->crs = offered_crs(context.settings);
  st->docs = std::make_shared<ApiDocs>();
  st->router = &router;
  StatePtr cst = st;
  const std::string& pre = st->settings.prefix;
  ApiDocs& docs = *st->docs;

  auto route = [&](std::string pattern, std::string summary, std::string op_id,
                   Response (*fn)(const State&, Request&), OperationDoc doc,
                   protocol::RouteClass cls = protocol::RouteClass::api) {
    protocol::Route r;
    r.method = "GET";
    r.pattern = pre + pattern;
    r.handler = [cst, fn](Request& req) { return fn(*cst, req); };
    r.route_class = cls;
    r.summary = std::move(summary);
    r.operation_id = std::move(op_id);
    doc.tags = {"OGC API - Features"};
    add_documented_route(router, docs, std::move(r), std::move(doc));
  };

  const std::string crs_schema = crs_enum(*st);
  const ResponseDoc not_found{"404", "The collection or feature does not exist",
                              "application/problem+json",
                              R"({"$ref":"#/components/schemas/Problem"})"};

  route("", "Landing page", "getLandingPage", landing,
        {"Links to the API definition, the conformance classes and the collections.",
         {},
         {f_param(R"("json")")},
         {},
         {json_ok("The landing page")}});
  route("/conformance", "Conformance classes", "getConformanceDeclaration", conformance,
        {"The conformance classes this server implements.",
         {},
         {f_param(R"("json")")},
         {},
         {json_ok("The conformance declaration")}});
  route("/api", "API definition", "getApiDefinition", openapi,
        {"This OpenAPI 3.0 document.",
         {},
         {},
         {},
         {json_ok("The API definition", kOpenApiMediaType)}});
  route("/collections", "Collections", "getCollections", collections,
        {"The feature collections of this server.",
         {},
         {f_param(R"("json")")},
         {},
         {json_ok("The collections")}});
  route("/collections/{collectionId}", "A collection", "describeCollection", collection,
        {"A feature collection: extent, CRSs and links.",
         {},
         {collection_id_param(), f_param(R"("json")")},
         {},
         {json_ok("The collection"), not_found}});
  route("/collections/{collectionId}/queryables", "Queryables", "getQueryables", queryables,
        {"The properties a filter or a property=value parameter may name, as JSON Schema.",
         {},
         {collection_id_param(), f_param(R"("json")")},
         {},
         {json_ok("The queryables", kSchemaJson), not_found}});

  const std::string limit_schema =
      fmt::format(R"({{"type":"integer","minimum":1,"maximum":{},"default":{}}})",
                  st->settings.max_limit, st->settings.default_limit);
  std::vector<ParamDoc> item_params = {
      collection_id_param(),
      query_param("limit",
                  "The number of features on one page; larger values are reduced to the maximum",
                  limit_schema),
      query_param("offset", "The number of matching features to skip",
                  R"({"type":"integer","minimum":0,"default":0})"),
      query_param("bbox",
                  "Features whose geometry intersects this box: minx,miny,maxx,maxy (or 6 "
                  "numbers with heights) in bbox-crs",
                  R"({"type":"array","minItems":4,"maxItems":6,"items":{"type":"number"}})", false),
      query_param("bbox-crs", "The CRS of bbox (default CRS84)", crs_schema),
      query_param("datetime",
                  "Features whose valid time intersects this instant or interval (RFC 3339; "
                  "intervals as start/end with .. for an open end)",
                  R"({"type":"string"})"),
      query_param("crs", "The CRS of the returned geometries (default CRS84)", crs_schema),
      query_param("properties", "The properties to return, comma separated",
                  R"({"type":"array","items":{"type":"string"}})", false),
      query_param("filter", "A CQL2 text filter over the queryables", R"({"type":"string"})"),
      query_param("filter-lang", "The language of filter",
                  R"({"type":"string","enum":["cql2-text"],"default":"cql2-text"})"),
      query_param("filter-crs", "The CRS of geometries in filter (default CRS84)", crs_schema),
      f_param(R"("geojson","json")"),
  };
  st->item_params = item_params;
  route("/collections/{collectionId}/items", "Features", "getFeatures", items,
        {
            "Features of a collection, paged; every queryable may also be given as "
            "property=value.",
            {},
            item_params,
            {},
            {json_ok("A page of features", kGeoJson), not_found},
        },
        protocol::RouteClass::features);
  ParamDoc fid;
  fid.name = "featureId";
  fid.in = "path";
  fid.description = "The id of a feature (an integer)";
  fid.required = true;
  fid.schema = R"({"type":"integer"})";
  route("/collections/{collectionId}/items/{featureId}", "A feature", "getFeature", item,
        {"One feature.",
         {},
         {collection_id_param(), fid,
          query_param("crs", "The CRS of the returned geometry (default CRS84)", crs_schema),
          query_param("properties", "The properties to return, comma separated",
                      R"({"type":"array","items":{"type":"string"}})", false),
          f_param(R"("geojson","json")")},
         {},
         {json_ok("The feature", kGeoJson), not_found}},
        protocol::RouteClass::features);
}

}  // namespace shikong::ogc
