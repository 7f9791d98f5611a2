// GET /api/v1/catalog.jsonld: the published records the caller can see as a DCAT 3 catalog in
// JSON-LD (GeoDCAT-style bbox as a GeoSPARQL WKT literal, ISO topic categories as themes).
#include <fmt/format.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "api/catalog.hpp"
#include "api/route_docs.hpp"
#include "datum/time.hpp"
#include "ogc/records.hpp"
#include "protocol/json_writer.hpp"
#include "protocol/negotiate.hpp"
#include "protocol/query.hpp"

namespace shikong::api {
namespace {

using protocol::JsonWriter;
using protocol::Request;
using protocol::Response;

constexpr std::string_view kJsonLd = "application/ld+json";
// INSPIRE's registry of the ISO 19115 topic categories: one IRI per code.
constexpr std::string_view kTopicBase =
    "http://inspire.ec.europa.eu/metadata-codelist/TopicCategory/";
constexpr std::string_view kSpdxBase = "http://spdx.org/licenses/";
constexpr std::string_view kIanaBase = "https://www.iana.org/assignments/media-types/";
constexpr std::string_view kLanguageBase = "http://id.loc.gov/vocabulary/iso639-1/";

struct State {
  ogc::CatalogContext context;
  ApiSettings settings;
};

void typed(JsonWriter& w, std::string_view key, std::string_view value, std::string_view type) {
  w.key(key).begin_object().member("@value", value).member("@type", type).end_object();
}

void date_time(JsonWriter& w, std::string_view key, Instant t) {
  typed(w, key, datum::format_rfc3339_utc(t), "xsd:dateTime");
}

void iri(JsonWriter& w, std::string_view key, std::string_view href) {
  w.key(key).begin_object().member("@id", href).end_object();
}

std::string wkt_polygon(const Envelope& e) {
  // GeoSPARQL's default CRS is CRS84 (longitude first), the order of the record's extent.
  auto n = [](double v) {
    std::string s;
    protocol::append_json_number(s, v);
    return s;
  };
  const std::string x0 = n(e.min_x), y0 = n(e.min_y), x1 = n(e.max_x), y1 = n(e.max_y);
  return fmt::format("POLYGON(({0} {1},{2} {1},{2} {3},{0} {3},{0} {1}))", x0, y0, x1, y1);
}

bool is_distribution(const catalog::Link& l) {
  return !l.protocol.empty() || l.rel == "enclosure" || l.rel == "download" || l.rel == "data" ||
         l.rel == "service" || l.rel == "describes" || l.rel == "items";
}

void write_distribution(JsonWriter& w, const catalog::Link& l) {
  w.begin_object();
  w.member("@type", "dcat:Distribution");
  iri(w, "dcat:accessURL", l.href);
  const bool download = l.rel == "enclosure" || l.rel == "download" || l.protocol == "download";
  if (download) iri(w, "dcat:downloadURL", l.href);
  if (!l.title.empty()) w.member("dct:title", l.title);
  if (!l.type.empty()) {
    // Only a bare type/subtype names an IANA media type resource.
    const std::string_view t = l.type;
    if (t.find(';') == std::string_view::npos && t.find('/') != std::string_view::npos)
      iri(w, "dcat:mediaType", std::string(kIanaBase) + std::string(t));
  }
  if (!l.protocol.empty())
    w.member("dct:format", l.protocol);
  else if (!l.type.empty())
    w.member("dct:format", l.type);
  w.end_object();
}

void write_dataset(JsonWriter& w, const State& st, const Request& req, const catalog::Record& r) {
  const ogc::CatalogContext& c = st.context;
  w.begin_object();
  w.member("@id", req.base_url + st.settings.prefix + "/records/" + protocol::url_encode(r.id));
  w.member("@type", "dcat:Dataset");
  w.member("dct:identifier", r.id);
  w.member("dct:title", r.title);
  if (!r.abstract.empty()) w.member("dct:description", r.abstract);
  w.key("dcat:keyword").begin_array();
  for (const auto& k : r.keywords) w.value(k);
  w.end_array();
  if (!r.topic.empty()) iri(w, "dcat:theme", std::string(kTopicBase) + r.topic);
  if (!r.type.empty()) w.member("dct:type", r.type);
  if (!r.language.empty()) iri(w, "dct:language", std::string(kLanguageBase) + r.language);
  if (!r.publisher.empty()) {
    w.key("dct:publisher").begin_object();
    w.member("@type", "foaf:Agent");
    w.member("foaf:name", r.publisher);
    w.end_object();
  }
  const ogc::LicenceParts lic = ogc::split_licence(r.licence);
  if (!lic.link.empty()) {
    iri(w, "dct:license", lic.link);
  } else if (!lic.rights.empty()) {
    w.key("dct:license").begin_object();
    w.member("@type", "dct:LicenseDocument");
    w.member("rdfs:label", lic.rights);
    w.end_object();
  } else if (!lic.license.empty()) {
    iri(w, "dct:license", std::string(kSpdxBase) + lic.license);
  }
  if (!r.access.empty()) w.member("dct:accessRights", r.access);
  if (!r.lineage.empty()) w.member("dct:provenance", r.lineage);
  if (r.extent && !r.extent->empty()) {
    w.key("dct:spatial").begin_object();
    w.member("@type", "dct:Location");
    typed(w, "dcat:bbox", wkt_polygon(*r.extent), "gsp:wktLiteral");
    w.end_object();
  }
  if (r.time_extent && !r.time_extent->unbounded()) {
    w.key("dct:temporal").begin_object();
    w.member("@type", "dct:PeriodOfTime");
    if (r.time_extent->start) date_time(w, "dcat:startDate", *r.time_extent->start);
    if (r.time_extent->end) date_time(w, "dcat:endDate", *r.time_extent->end);
    w.end_object();
  }
  date_time(w, "dct:modified", r.updated);
  date_time(w, "dct:issued", r.published ? *r.published : r.created);
  const catalog::Contact& ct = r.contact;
  if (!ct.name.empty() || !ct.organisation.empty() || !ct.email.empty() || !ct.phone.empty()) {
    w.key("dcat:contactPoint").begin_object();
    w.member("@type", "vcard:Kind");
    if (!ct.name.empty()) w.member("vcard:fn", ct.name);
    if (!ct.organisation.empty()) w.member("vcard:organization-name", ct.organisation);
    if (!ct.email.empty()) iri(w, "vcard:hasEmail", "mailto:" + ct.email);
    if (!ct.phone.empty()) w.member("vcard:hasTelephone", ct.phone);
    w.end_object();
  }
  iri(w, "dcat:landingPage",
      req.base_url + c.prefix + "/collections/catalog/items/" + protocol::url_encode(r.id));
  w.key("dcat:distribution").begin_array();
  for (const auto& l : ogc::dataset_service_links(c, req, r)) write_distribution(w, l);
  for (const auto& l : r.links)
    if (is_distribution(l)) write_distribution(w, l);
  w.end_array();
  w.end_object();
}

Response catalog_jsonld(const State& st, Request& req) {
  static const protocol::Offer offers[] = {{"jsonld", kJsonLd}, {"json", "application/json"}};
  const std::string_view media_type = offers[protocol::negotiate(req, offers)].media_type;
  const ogc::CatalogContext& c = st.context;
  std::vector<catalog::Record> records;
  std::optional<Instant> modified;
  for (auto& r : c.catalog.all()) {
    if (r.state != catalog::RecordState::published || !c.can_see(req, r)) continue;
    if (!modified || r.updated > *modified) modified = r.updated;
    records.push_back(std::move(r));
  }
  JsonWriter w(16 * 1024);
  w.begin_object();
  w.key("@context").begin_object();
  w.member("dcat", "http://www.w3.org/ns/dcat#");
  w.member("dct", "http://purl.org/dc/terms/");
  w.member("foaf", "http://xmlns.com/foaf/0.1/");
  w.member("locn", "http://www.w3.org/ns/locn#");
  w.member("vcard", "http://www.w3.org/2006/vcard/ns#");
  w.member("gsp", "http://www.opengis.net/ont/geosparql#");
  w.member("skos", "http://www.w3.org/2004/02/skos/core#");
  w.member("rdfs", "http://www.w3.org/2000/01/rdf-schema#");
  w.member("xsd", "http://www.w3.org/2001/XMLSchema#");
  w.end_object();
  w.member("@id", req.base_url + st.settings.prefix + "/catalog.jsonld");
  w.member("@type", "dcat:Catalog");
  w.member("dct:title", c.title);
  w.member("dct:description", c.abstract);
  iri(w, "foaf:homepage", req.base_url + "/");
  if (modified) date_time(w, "dct:modified", *modified);
  w.key("dcat:service").begin_object();
  w.member("@id", req.base_url + c.prefix + "/collections/catalog");
  w.member("@type", "dcat:DataService");
  w.member("dct:title", "OGC API - Records");
  iri(w, "dcat:endpointURL", req.base_url + c.prefix + "/collections/catalog/items");
  iri(w, "dct:conformsTo", "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/records-api");
  w.end_object();
  w.key("dcat:dataset").begin_array();
  for (const auto& r : records) write_dataset(w, st, req, r);
  w.end_array();
  w.end_object();
  return Response::text(w.take(), std::string(media_type));
}

}  // namespace

void register_dcat_routes(protocol::Router& router, const ogc::CatalogContext& context,
                          const ApiSettings& settings) {
  auto st = std::make_shared<State>(State{context, settings});
  if (!st->settings.docs) st->settings.docs = std::make_shared<ogc::ApiDocs>();
  std::shared_ptr<const State> cst = st;
  protocol::Route r;
  r.method = "GET";
  r.pattern = st->settings.prefix + "/catalog.jsonld";
  r.handler = [cst](Request& req) { return catalog_jsonld(*cst, req); };
  r.route_class = protocol::RouteClass::api;
  r.summary = "The catalog as DCAT 3 (JSON-LD)";
  r.operation_id = "getDcatCatalog";
  ogc::OperationDoc doc;
  doc.description =
      "Every published record the caller may see as a dcat:Dataset of one dcat:Catalog, with "
      "its extent (dcat:bbox, WKT), time, licence, publisher, contact point and distributions "
      "(the dataset's services and downloads).";
  doc.tags = {"Catalog"};
  doc.parameters = {query_param("f", "The representation: jsonld (default) or json",
                                R"({"type":"string","enum":["jsonld","json"]})")};
  doc.responses = {{"200", "The DCAT catalog", std::string(kJsonLd), {}}};
  ogc::add_documented_route(router, *st->settings.docs, std::move(r), std::move(doc));
}

}  // namespace shikong::api
