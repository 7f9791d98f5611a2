// OGC API - Records handlers: the `catalog` collection, its items (search through the search
// engine, with paging links) and single records in the GeoJSON encoding, and its queryables.
#include "ogc/records.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <set>
#include <string_view>
#include <utility>

#include "core/error.hpp"
#include "datum/crs.hpp"
#include "datum/time.hpp"
#include "ogc/params.hpp"
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
constexpr std::string_view kCatalogJson = "application/ogc-catalog+json";
constexpr std::string_view kSchemaJson = "application/schema+json";
constexpr std::string_view kRelQueryables = "http://www.opengis.net/def/rel/ogc/1.0/queryables";
constexpr std::string_view kRelCatalog = "http://www.opengis.net/def/rel/ogc/1.0/ogc-catalog";
constexpr std::string_view kProfileCatalog = "http://www.opengis.net/def/profile/OGC/0/ogc-catalog";
constexpr std::string_view kConfRecordCore =
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/record-core";
constexpr std::string_view kTopicScheme = "ISO 19115 topic category";
constexpr std::int64_t kDefaultLimit = 10;
constexpr std::int64_t kMaxLimit = 100;
constexpr std::size_t kMaxTerms = 20;         // comma-separated alternatives of q
constexpr std::size_t kMaxExternalIds = 100;  // values of externalIds

// Parameters of the items operation; anything else (but the pass-through ones) is a 400.
const std::set<std::string, std::less<>> kItemsParameters = {
    "f", "q", "bbox", "datetime", "type", "ids", "externalIds", "limit", "offset", "sortby"};

struct State {
  CatalogContext context;
};
using StatePtr = std::shared_ptr<const State>;

std::string catalog_url(const CatalogContext& c, const Request& req) {
  return req.base_url + c.prefix + "/collections/" + std::string(kCatalogCollectionId);
}

std::string with_query(std::string url, const protocol::QueryParams& q) {
  if (!q.empty()) {
    url.push_back('?');
    url += protocol::build_query(q);
  }
  return url;
}

void write_link(JsonWriter& w, std::string_view href, std::string_view rel, std::string_view type,
                std::string_view title = {}, std::string_view protocol = {}) {
  w.begin_object();
  w.member("href", href);
  w.member("rel", rel);
  if (!type.empty()) w.member("type", type);
  if (!title.empty()) w.member("title", title);
  // A foreign member of the link object, for harvesters (ours and others that read it).
  if (!protocol.empty()) w.member("protocol", protocol);
  w.end_object();
}

bool is_passthrough(const CatalogContext& c, std::string_view name) {
  for (const auto& n : c.passthrough_parameters)
    if (n == name) return true;
  return false;
}

void refuse_unknown_parameters(const CatalogContext& c, const Request& req,
                               const std::set<std::string, std::less<>>& known) {
  for (const auto& [name, value] : req.query) {
    if (known.count(name) || is_passthrough(c, name)) continue;
    throw InvalidInput("unknown-parameter",
                       fmt::format("'{}' is not a parameter of this operation",
                                   name.size() > 40 ? name.substr(0, 40) + "..." : name),
                       name);
  }
}

// Comma-separated values, trimmed, empty ones dropped.
std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view part = text.substr(start, comma - start);
    while (!part.empty() && (part.front() == ' ' || part.front() == '\t')) part.remove_prefix(1);
    while (!part.empty() && (part.back() == ' ' || part.back() == '\t')) part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
    start = comma + 1;
  }
  return out;
}

// Every value of a parameter given once as a comma list or repeated.
std::vector<std::string> list_param(const Request& req, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : req.query)
    if (k == name)
      for (auto& s : split_list(v)) out.push_back(std::move(s));
  return out;
}

std::string rfc3339(Instant t) {
  return datum::format_rfc3339_utc(t);
}

bool iequals(std::string_view a, std::string_view b) {
  return protocol::iequals(a, b);
}

// ---- the record encoding ----

void write_geometry(JsonWriter& w, const std::optional<Envelope>& extent) {
  if (!extent || extent->empty()) {
    w.null();
    return;
  }
  const Envelope& e = *extent;
  w.begin_object();
  if (e.min_x == e.max_x && e.min_y == e.max_y) {
    w.member("type", "Point");
    w.key("coordinates").begin_array().value(e.min_x).value(e.min_y).end_array();
  } else {
    // Counter-clockwise exterior ring (RFC 7946 3.1.6).
    w.member("type", "Polygon");
    w.key("coordinates").begin_array().begin_array();
    const double pts[5][2] = {{e.min_x, e.min_y},
                              {e.max_x, e.min_y},
                              {e.max_x, e.max_y},
                              {e.min_x, e.max_y},
                              {e.min_x, e.min_y}};
    for (const auto& p : pts) w.begin_array().value(p[0]).value(p[1]).end_array();
    w.end_array().end_array();
  }
  w.end_object();
}

void write_time(JsonWriter& w, const std::optional<Interval>& time) {
  if (!time || time->unbounded()) {
    w.null();
    return;
  }
  w.begin_object();
  if (time->is_instant()) {
    w.member("timestamp", rfc3339(*time->start));
  } else {
    w.key("interval").begin_array();
    w.value(time->start ? rfc3339(*time->start) : std::string(".."));
    w.value(time->end ? rfc3339(*time->end) : std::string(".."));
    w.end_array();
  }
  w.end_object();
}

// The phone pattern of the standard's contact schema: +, country code, digits only.
std::optional<std::string> international_phone(std::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '.') continue;
    digits.push_back(c);
  }
  if (digits.size() < 5 || digits.size() > 16 || digits[0] != '+' || digits[1] < '1' ||
      digits[1] > '9')
    return std::nullopt;
  for (std::size_t i = 1; i < digits.size(); ++i)
    if (digits[i] < '0' || digits[i] > '9') return std::nullopt;
  return digits;
}

void write_contacts(JsonWriter& w, const catalog::Record& r) {
  const catalog::Contact& c = r.contact;
  const bool has_contact =
      !c.name.empty() || !c.organisation.empty() || !c.email.empty() || !c.phone.empty();
  if (!has_contact && r.publisher.empty()) return;
  w.key("contacts").begin_array();
  if (has_contact) {
    w.begin_object();
    // The schema wants a name or an organization; an address alone names the contact.
    if (!c.name.empty())
      w.member("name", c.name);
    else if (c.organisation.empty())
      w.member("name", !c.email.empty() ? c.email : c.phone);
    if (!c.organisation.empty()) w.member("organization", c.organisation);
    if (!c.email.empty()) {
      w.key("emails")
          .begin_array()
          .begin_object()
          .member("value", c.email)
          .end_object()
          .end_array();
    }
    if (!c.phone.empty()) {
      if (auto p = international_phone(c.phone)) {
        w.key("phones").begin_array().begin_object().member("value", *p).end_object().end_array();
      } else {
        w.member("contactInstructions", "Phone: " + c.phone);
      }
    }
    w.key("roles").begin_array().value(c.role.empty() ? "pointOfContact" : c.role).end_array();
    w.end_object();
  }
  if (!r.publisher.empty()) {
    w.begin_object();
    w.member("organization", r.publisher);
    w.key("roles").begin_array().value("publisher").end_array();
    w.end_object();
  }
  w.end_array();
}

bool spdx_like(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '+'))
      return false;
  return std::isalpha(static_cast<unsigned char>(s[0])) != 0;
}

std::string self_url(const CatalogContext& c, const Request& req, const catalog::Record& r) {
  return catalog_url(c, req) + "/items/" + protocol::url_encode(r.id);
}

void write_record(JsonWriter& w, const CatalogContext& c, const Request& req,
                  const catalog::Record& r) {
  w.begin_object();
  w.member("type", "Feature");
  w.member("id", r.id);
  w.key("conformsTo").begin_array().value(kConfRecordCore).end_array();
  w.key("geometry");
  write_geometry(w, r.extent);
  if (r.extent && !r.extent->empty())
    w.key("bbox")
        .begin_array()
        .value(r.extent->min_x)
        .value(r.extent->min_y)
        .value(r.extent->max_x)
        .value(r.extent->max_y)
        .end_array();
  w.key("time");
  write_time(w, r.time_extent);

  const LicenceParts lic = split_licence(r.licence);
  w.key("properties").begin_object();
  w.member("type", r.type);
  w.member("title", r.title);
  if (!r.abstract.empty()) w.member("description", r.abstract);
  w.key("keywords").begin_array();
  for (const auto& k : r.keywords) w.value(k);
  w.end_array();
  if (!r.topic.empty()) {
    w.key("themes").begin_array().begin_object();
    w.key("concepts").begin_array().begin_object().member("id", r.topic).end_object().end_array();
    w.member("scheme", kTopicScheme);
    w.end_object().end_array();
  }
  if (!r.language.empty()) w.key("language").begin_object().member("code", r.language).end_object();
  if (!r.external_id.empty()) {
    w.key("externalIds").begin_array().begin_object();
    if (!r.source_id.empty()) w.member("scheme", r.source_id);
    w.member("value", r.external_id);
    w.end_object().end_array();
  }
  if (!r.formats.empty()) {
    w.key("formats").begin_array();
    for (const auto& f : r.formats) {
      w.begin_object().member("name", f);
      if (auto mt = format_media_type(f); !mt.empty()) w.member("mediaType", mt);
      w.end_object();
    }
    w.end_array();
  }
  write_contacts(w, r);
  if (!lic.license.empty()) w.member("license", lic.license);
  if (!lic.rights.empty()) w.member("rights", lic.rights);
  w.member("created", rfc3339(r.created));
  w.member("updated", rfc3339(r.updated));
  // What the standard has no member for, so that a shikong harvester reads the record whole.
  w.key("shikong").begin_object();
  if (!r.kind.empty()) w.member("kind", r.kind);
  w.member("access", r.access);
  if (!r.licence.empty()) w.member("licence", r.licence);
  if (!r.lineage.empty()) w.member("lineage", r.lineage);
  if (!r.update_frequency.empty()) w.member("updateFrequency", r.update_frequency);
  if (!r.crs.empty()) w.member("crs", r.crs);
  if (!r.vertical_datum.empty()) w.member("verticalDatum", r.vertical_datum);
  if (r.feature_count >= 0) w.member("featureCount", r.feature_count);
  if (!r.fields.empty()) {
    w.key("fields").begin_array();
    for (const auto& f : r.fields) w.value(f);
    w.end_array();
  }
  if (!r.source_format.empty()) w.member("sourceFormat", r.source_format);
  if (r.published) w.member("published", rfc3339(*r.published));
  w.member("version", r.version);
  w.end_object();
  w.end_object();  // properties

  const std::string self = self_url(c, req, r);
  w.key("links").begin_array();
  write_link(w, self, "self", kGeoJson, "This record");
  write_link(w, req.base_url + c.api_prefix + "/records/" + protocol::url_encode(r.id), "alternate",
             kJson, "This record in the shikong API");
  write_link(w, catalog_url(c, req), "collection", kJson, "The catalog");
  write_link(w, kProfileCatalog, "profile", {});
  if (!lic.link.empty()) write_link(w, lic.link, "license", {}, "The licence");
  if (!r.source_url.empty()) write_link(w, r.source_url, "via", {}, "The record at its source");
  for (const auto& l : dataset_service_links(c, req, r))
    write_link(w, l.href, l.rel, l.type, l.title, l.protocol);
  for (const auto& l : r.links)
    write_link(w, l.href, l.rel.empty() ? std::string("related") : l.rel, l.type, l.title,
               l.protocol);
  w.end_array();
  w.end_object();
}

// ---- query parsing ----

struct ItemsQuery {
  search::SearchQuery query;
  bool nothing = false;  // an id filter that no record can pass
};

// externalIds values: "scheme:value" or "value" (or "scheme:" alone); a record matches when its
// source (the scheme) and external id agree with what the value gives.
bool external_id_matches(const catalog::Record& r, std::string_view wanted) {
  if (r.external_id.empty()) return false;
  if (wanted == r.external_id) return true;  // values may themselves hold colons (URNs)
  const std::size_t colon = wanted.find(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view scheme = wanted.substr(0, colon);
  const std::string_view value = wanted.substr(colon + 1);
  if (scheme != r.source_id) return false;
  return value.empty() || value == r.external_id;
}

std::vector<std::string> intersect(std::vector<std::string> a, const std::vector<std::string>& b) {
  std::vector<std::string> out;
  for (auto& x : a)
    if (std::find(b.begin(), b.end(), x) != b.end()) out.push_back(std::move(x));
  return out;
}

// Every match of a search (all pages), for the union of comma-separated q terms.
std::vector<std::string> all_matches(const CatalogContext& c, search::SearchQuery q) {
  std::vector<std::string> ids;
  q.limit = kMaxLimit;
  q.offset = 0;
  q.facets.clear();
  while (true) {
    const search::SearchResult res = c.search.search(q);
    for (const auto& h : res.hits) ids.push_back(h.id);
    q.offset += res.hits.size();
    if (res.hits.empty() || static_cast<std::int64_t>(q.offset) >= res.total) break;
  }
  return ids;
}

ItemsQuery parse_items(const CatalogContext& c, const Request& req) {
  refuse_unknown_parameters(c, req, kItemsParameters);
  ItemsQuery out;
  search::SearchQuery& q = out.query;
  q.visible = visible_to(c, req);
  q.limit = static_cast<std::size_t>(parse_limit(req.param("limit"), kDefaultLimit, kMaxLimit));
  q.offset = static_cast<std::size_t>(parse_offset(req.param("offset")));
  if (auto b = req.param("bbox")) q.bbox = parse_bbox(*b, datum::crs84());
  if (auto d = req.param("datetime")) q.time = datum::parse_datetime_parameter(*d);
  q.types = list_param(req, "type");
  std::vector<std::string> ids = list_param(req, "ids");
  bool have_ids = req.param("ids").has_value();
  if (ids.empty() && have_ids)
    throw InvalidInput("invalid-ids", "ids must list at least one record id", "ids");

  if (req.param("externalIds")) {
    const std::vector<std::string> wanted = list_param(req, "externalIds");
    if (wanted.size() > kMaxExternalIds)
      throw InvalidInput(
          "too-many-values",
          fmt::format("externalIds may list at most {} identifiers", kMaxExternalIds),
          "externalIds");
    if (wanted.empty())
      throw InvalidInput("invalid-external-ids",
                         "externalIds must list at least one external identifier", "externalIds");
    std::vector<std::string> found;
    for (const auto& r : c.catalog.all())
      for (const auto& w : wanted)
        if (external_id_matches(r, w)) {
          found.push_back(r.id);
          break;
        }
    ids = have_ids ? intersect(std::move(ids), found) : std::move(found);
    have_ids = true;
  }

  if (auto s = req.param("sortby")) {
    const std::string_view v = *s;
    if (v == "-updated")
      q.sort = search::SortOrder::newest;
    else if (v == "title" || v == "+title")
      q.sort = search::SortOrder::title;
    else
      throw InvalidInput("invalid-sortby", "sortby must be -updated or title", "sortby");
  }

  // Comma-separated terms of q are alternatives (OGC API - Records): the union of their
  // matches becomes an id filter; one term is a plain text search (ranked by relevance).
  if (auto text = req.param("q")) {
    const std::vector<std::string> terms = split_list(*text);
    // Each alternative is a search of its own: a bound keeps one request from costing many.
    if (terms.size() > kMaxTerms)
      throw InvalidInput("too-many-values",
                         fmt::format("q may give at most {} comma-separated terms", kMaxTerms),
                         "q");
    if (terms.size() == 1) {
      q.text = terms.front();
    } else if (terms.size() > 1) {
      std::vector<std::string> matched;
      for (const auto& t : terms) {
        search::SearchQuery one = q;
        one.text = t;
        for (auto& id : all_matches(c, std::move(one)))
          if (std::find(matched.begin(), matched.end(), id) == matched.end())
            matched.push_back(std::move(id));
      }
      ids = have_ids ? intersect(std::move(ids), matched) : std::move(matched);
      have_ids = true;
    }
  }
  if (have_ids && ids.empty()) out.nothing = true;
  q.ids = std::move(ids);
  return out;
}

// ---- handlers ----

std::string_view negotiate_geojson(const Request& req) {
  // Both keys give GeoJSON; a client that accepts only application/json gets the same body
  // labelled so.
  static const protocol::Offer offers[] = {
      {"json", kGeoJson}, {"geojson", kGeoJson}, {"application/json", kJson}};
  return offers[protocol::negotiate(req, offers)].media_type;
}

std::string_view negotiate_catalog(const Request& req) {
  static const protocol::Offer offers[] = {{"json", kJson}, {"ogc-catalog", kCatalogJson}};
  return offers[protocol::negotiate(req, offers)].media_type;
}

Response items(const State& st, Request& req) {
  const CatalogContext& c = st.context;
  const std::string_view media_type = negotiate_geojson(req);
  ItemsQuery parsed = parse_items(c, req);
  search::SearchResult res;
  if (!parsed.nothing) res = c.search.search(parsed.query);

  const std::int64_t limit = static_cast<std::int64_t>(parsed.query.limit);
  const std::int64_t offset = static_cast<std::int64_t>(parsed.query.offset);
  const std::string coll = catalog_url(c, req);
  const std::string items_url = coll + "/items";
  auto page_url = [&](std::int64_t page_offset) {
    protocol::QueryParams q;
    for (const auto& kv : req.query)
      if (kv.first != "offset") q.push_back(kv);
    if (page_offset > 0) q.emplace_back("offset", std::to_string(page_offset));
    return with_query(items_url, q);
  };

  JsonWriter w(16 * 1024);
  w.begin_object();
  w.member("type", "FeatureCollection");
  w.key("features").begin_array();
  std::int64_t returned = 0;
  for (const auto& hit : res.hits) {
    auto r = c.catalog.find(hit.id);
    // A record may change between the search and here; never show what the caller cannot see.
    if (!r || !c.can_see(req, *r)) continue;
    write_record(w, c, req, *r);
    ++returned;
  }
  w.end_array();
  w.member("numberMatched", res.total);
  w.member("numberReturned", returned);
  w.member("timeStamp", rfc3339(c.catalog.now()));
  w.key("links").begin_array();
  write_link(w, with_query(items_url, req.query), "self", media_type, "This page");
  const std::int64_t shown = static_cast<std::int64_t>(res.hits.size());
  if (offset < res.total && shown < res.total - offset)
    write_link(w, page_url(offset + shown), "next", media_type, "Next page");
  if (offset > 0)
    write_link(w, page_url(std::max<std::int64_t>(0, offset - limit)), "prev", media_type,
               "Previous page");
  write_link(w, coll, "collection", kJson, "The catalog");
  write_link(w, kProfileCatalog, "profile", {});
  w.end_array();
  w.end_object();
  return Response::text(w.take(), std::string(media_type));
}

Response item(const State& st, Request& req) {
  const CatalogContext& c = st.context;
  const std::string_view media_type = negotiate_geojson(req);
  refuse_unknown_parameters(c, req, {"f"});
  const std::string_view id = req.path_param("recordId");
  auto r = c.catalog.find(id);
  if (!r || !c.can_see(req, *r))
    throw NotFound("record-not-found", "there is no record with this id", "recordId");
  Response resp = Response::text(record_geojson(c, req, *r), std::string(media_type));
  return resp;
}

Response collection(const State& st, Request& req) {
  const std::string_view media_type = negotiate_catalog(req);
  refuse_unknown_parameters(st.context, req, {"f"});
  return Response::text(catalog_collection_json(st.context, req), std::string(media_type));
}

Response queryables(const State& st, Request& req) {
  static const protocol::Offer offers[] = {{"json", kSchemaJson}};
  protocol::negotiate(req, offers);
  refuse_unknown_parameters(st.context, req, {"f"});
  const CatalogContext& c = st.context;
  JsonWriter w(2048);
  w.begin_object();
  w.member("$schema", "https://json-schema.org/draft/2020-12/schema");
  w.member("$id", catalog_url(c, req) + "/queryables");
  w.member("type", "object");
  w.member("title", c.title);
  w.key("properties").begin_object();
  auto prop = [&](std::string_view name, std::string_view title, std::string_view type,
                  std::string_view format = {}, std::string_view role = {}) {
    w.key(name).begin_object();
    w.member("title", title);
    if (!type.empty()) w.member("type", type);
    if (!format.empty()) w.member("format", format);
    if (!role.empty()) w.member("x-ogc-role", role);
    w.end_object();
  };
  prop("id", "Record id (ids)", "string", {}, "id");
  prop("geometry", "Extent of the resource (bbox)", {}, "geometry-polygon", "primary-geometry");
  w.key("time").begin_object();
  w.member("title", "Time extent of the resource (datetime)");
  w.member("x-ogc-role", "primary-interval");
  w.end_object();
  prop("q", "Text of title, description, keywords, topic, publisher, field and place names",
       "string");
  w.key("type").begin_object();
  w.member("title", "Resource type");
  w.member("type", "string");
  w.key("enum").begin_array().value("dataset").value("service").value("series").value("document");
  w.end_array();
  w.end_object();
  prop("externalIds", "Identifier at the source (scheme:value)", "string");
  prop("title", "Title", "string");
  prop("description", "Description", "string");
  w.key("keywords").begin_object();
  w.member("title", "Keywords");
  w.member("type", "array");
  w.key("items").begin_object().member("type", "string").end_object();
  w.end_object();
  prop("created", "Record created", "string", "date-time");
  prop("updated", "Record updated", "string", "date-time");
  prop("license", "Licence", "string");
  prop("language", "Language", "string");
  w.end_object();
  w.member("additionalProperties", true);
  w.end_object();
  return Response::text(w.take(), std::string(kSchemaJson));
}

}  // namespace

const std::vector<std::string>& records_conformance_classes() {
  static const std::vector<std::string> classes = {
      "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/record-core",
      "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/record-collection",
      "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/record-core-query-parameters",
      "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/records-api",
      "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/searchable-catalog",
      "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/json",
  };
  return classes;
}

std::string_view format_media_type(std::string_view format) {
  static const std::pair<std::string_view, std::string_view> table[] = {
      {"GeoJSON", "application/geo+json"},
      {"GeoPackage", "application/geopackage+sqlite3"},
      {"CSV", "text/csv"},
      {"Shapefile", "application/zip"},
      {"KML", "application/vnd.google-earth.kml+xml"},
      {"GPX", "application/gpx+xml"},
      {"GeoTIFF", "image/tiff; application=geotiff"},
      {"MVT", "application/vnd.mapbox-vector-tile"},
      {"PNG", "image/png"},
      {"JPEG", "image/jpeg"},
      {"WMS", "application/vnd.ogc.wms_xml"},
      {"WMTS", "application/xml"},
      {"NetCDF", "application/netcdf"},
  };
  for (const auto& [name, type] : table)
    if (iequals(name, format)) return type;
  return {};
}

LicenceParts split_licence(std::string_view licence) {
  LicenceParts out;
  while (!licence.empty() && licence.front() == ' ') licence.remove_prefix(1);
  while (!licence.empty() && licence.back() == ' ') licence.remove_suffix(1);
  if (licence.empty()) return out;
  if (licence.rfind("http://", 0) == 0 || licence.rfind("https://", 0) == 0) {
    out.license = "other";
    out.link = std::string(licence);
  } else if (spdx_like(licence)) {
    out.license = std::string(licence);
  } else {
    out.license = "other";
    out.rights = std::string(licence);
  }
  return out;
}

std::vector<catalog::Link> dataset_service_links(const CatalogContext& context,
                                                 const protocol::Request& req,
                                                 const catalog::Record& record) {
  std::vector<catalog::Link> out;
  if (record.dataset_id.empty() || record.kind != "vector") return out;
  const std::string id = protocol::url_encode(record.dataset_id);
  const std::string coll = req.base_url + context.prefix + "/collections/" + id;
  const std::string ogc = req.base_url + context.prefix;
  auto add = [&](std::string href, std::string rel, std::string type, std::string title,
                 std::string protocol) {
    out.push_back(catalog::Link{std::move(href), std::move(rel), std::move(type), std::move(title),
                                std::move(protocol)});
  };
  add(coll, "describes", std::string(kJson), "OGC API - Features collection", "OGC API - Features");
  add(coll + "/items", "items", std::string(kGeoJson), "Features", "OGC API - Features");
  add(coll + "/tiles", "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector", std::string(kJson),
      "Vector tilesets", "OGC API - Tiles");
  add(ogc + "/wms?service=WMS&request=GetCapabilities", "describes", "text/xml",
      "WMS layer " + record.dataset_id, "OGC:WMS");
  add(ogc + "/wmts/1.0.0/WMTSCapabilities.xml", "describes", "application/xml",
      "WMTS layer " + record.dataset_id, "OGC:WMTS");
  const std::string dl =
      req.base_url + context.api_prefix + "/datasets/" + id + "/download?format=";
  add(dl + "geojson", "enclosure", std::string(kGeoJson), "Download as GeoJSON", "download");
  add(dl + "gpkg", "enclosure", "application/geopackage+sqlite3", "Download as GeoPackage",
      "download");
  add(dl + "csv", "enclosure", "text/csv", "Download as CSV", "download");
  add(dl + "shapefile", "enclosure", "application/zip", "Download as zipped Shapefile", "download");
  return out;
}

std::string record_geojson(const CatalogContext& context, const protocol::Request& req,
                           const catalog::Record& record) {
  JsonWriter w(4096);
  write_record(w, context, req, record);
  return w.take();
}

std::string catalog_collection_json(const CatalogContext& context, const protocol::Request& req) {
  const std::string href = catalog_url(context, req);
  // Extent and last change over the records the caller can see.
  Envelope extent;
  Interval time;
  bool any_time = false;
  std::optional<Instant> updated;
  for (const auto& r : context.catalog.all()) {
    if (!context.can_see(req, r)) continue;
    if (r.extent) extent.extend(*r.extent);
    if (r.time_extent && !r.time_extent->unbounded()) {
      if (!any_time) {
        time = *r.time_extent;
        any_time = true;
      } else {
        // An open end of one record leaves the catalog's end open too.
        if (!r.time_extent->start || (time.start && *r.time_extent->start < *time.start))
          time.start = r.time_extent->start;
        if (!r.time_extent->end || (time.end && *r.time_extent->end > *time.end))
          time.end = r.time_extent->end;
      }
    }
    if (!updated || r.updated > *updated) updated = r.updated;
  }

  JsonWriter w(2048);
  w.begin_object();
  w.member("id", kCatalogCollectionId);
  w.member("type", "Collection");
  w.member("itemType", "record");
  w.member("title", context.title);
  w.member("description", context.abstract);
  w.key("links").begin_array();
  write_link(w, href, "self", kJson, "This catalog");
  write_link(w, href + "?f=ogc-catalog", "alternate", kCatalogJson,
             "This catalog as application/ogc-catalog+json");
  write_link(w, href + "/items", "items", kGeoJson, "The records");
  write_link(w, href + "/queryables", kRelQueryables, kSchemaJson, "Queryables");
  write_link(w, req.base_url + context.api_prefix + "/catalog.jsonld", "alternate",
             "application/ld+json", "The catalog as DCAT (JSON-LD)");
  w.end_array();
  if (!extent.empty() || any_time) {
    w.key("extent").begin_object();
    if (!extent.empty()) {
      w.key("spatial").begin_object();
      w.key("bbox").begin_array().begin_array();
      w.value(extent.min_x).value(extent.min_y).value(extent.max_x).value(extent.max_y);
      w.end_array().end_array();
      w.member("crs", datum::crs84().uri());
      w.end_object();
    }
    if (any_time) {
      w.key("temporal").begin_object();
      w.key("interval").begin_array().begin_array();
      if (time.start)
        w.value(rfc3339(*time.start));
      else
        w.null();
      if (time.end)
        w.value(rfc3339(*time.end));
      else
        w.null();
      w.end_array().end_array();
      w.member("trs", "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian");
      w.end_object();
    }
    w.end_object();
  }
  w.key("crs").begin_array().value(datum::crs84().uri()).end_array();
  w.key("conformsTo").begin_array().value(kConfRecordCore).end_array();
  if (updated) w.member("updated", rfc3339(*updated));
  w.end_object();
  return w.take();
}

void add_catalog_to_features(FeaturesContext& features, const CatalogContext& context) {
  const CatalogContext* c = &context;
  features.extra_collections = [c](const Request& req) {
    return std::vector<std::string>{catalog_collection_json(*c, req)};
  };
  for (const auto& cls : records_conformance_classes()) features.extra_conformance.push_back(cls);
  features.extra_landing_links.push_back(
      {"/collections/" + std::string(kCatalogCollectionId) + "/items", std::string(kRelCatalog),
       std::string(kGeoJson), context.title});
}

void register_records_routes(protocol::Router& router, const CatalogContext& context) {
  auto st = std::make_shared<State>(State{context});
  StatePtr cst = st;
  const std::string base = context.prefix + "/collections/" + std::string(kCatalogCollectionId);
  auto add = [&](std::string pattern, std::string summary, std::string op,
                 Response (*fn)(const State&, Request&)) {
    protocol::Route r;
    r.method = "GET";
    r.pattern = std::move(pattern);
    r.handler = [cst, fn](Request& req) { return fn(*cst, req); };
    r.route_class = protocol::RouteClass::search;
    r.summary = std::move(summary);
    r.operation_id = std::move(op);
    router.add(std::move(r));
  };
  add(base, "The catalog (OGC API - Records)", "describeCatalog", collection);
  add(base + "/items", "Records of the catalog: q, bbox, datetime, type, ids, externalIds",
      "getRecords", items);
  add(base + "/items/{recordId}", "A record", "getRecord", item);
  add(base + "/queryables", "Queryables of the catalog", "getCatalogQueryables", queryables);
}

}  // namespace shikong::ogc
