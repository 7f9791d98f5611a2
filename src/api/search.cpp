// /api/v1 search: full text with filters, facets, sorting and paging; suggestions, the tag cloud
// and related records. Parameters are parsed strictly into a search::SearchQuery; the search
// engine ranks and counts, restricted to what the caller may see.
#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <memory>

#include "api/catalog.hpp"
#include "api/catalog_support.hpp"
#include "api/route_docs.hpp"
#include "core/ascii.hpp"
#include "core/error.hpp"
#include "core/utf8.hpp"
#include "datum/time.hpp"
#include "ogc/openapi.hpp"
#include "protocol/query.hpp"
#include "search/search_service.hpp"

namespace shikong::api {
namespace {

using namespace catalog_support;
using protocol::JsonWriter;
using protocol::Request;
using protocol::Response;

constexpr std::int64_t kMaxLimit = 100;
constexpr std::int64_t kMaxOffset = 100'000;
constexpr std::size_t kMaxQueryBytes = 1000;
constexpr std::size_t kMaxValues = 50;  // values of one multi-valued filter
constexpr std::size_t kAbstractChars = 300;

// Facet filters: parameter name -> SearchQuery member.
struct FilterParam {
  std::string_view name;
  std::vector<std::string> search::SearchQuery::*member;
};
const FilterParam kFilters[] = {
    {"topic", &search::SearchQuery::topics},     {"keyword", &search::SearchQuery::keywords},
    {"format", &search::SearchQuery::formats},   {"publisher", &search::SearchQuery::publishers},
    {"licence", &search::SearchQuery::licences}, {"kind", &search::SearchQuery::kinds},
    {"type", &search::SearchQuery::types},       {"access", &search::SearchQuery::access_levels},
};

const std::vector<std::string>& facet_names() {
  static const std::vector<std::string> names = {"topic",   "keyword", "format", "publisher",
                                                 "licence", "kind",    "type",   "access",
                                                 "state",   "source",  "year"};
  return names;
}

struct State {
  ogc::CatalogContext context;
  ApiSettings settings;
};

// Every value of a parameter given as a comma list, repeated, or both; blanks trimmed.
std::vector<std::string> list_values(const Request& req, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [n, v] : req.query) {
    if (n != name) continue;
    std::string_view rest = v;
    while (true) {
      const auto comma = rest.find(',');
      const auto item = trim_blanks(rest.substr(0, comma));
      if (!item.empty()) out.emplace_back(item);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (out.size() > kMaxValues)
    throw InvalidInput("invalid-parameter-value",
                       fmt::format("{} takes at most {} values", name, kMaxValues),
                       std::string(name));
  return out;
}

// A parameter given at most once.
std::optional<std::string_view> single(const Request& req, std::string_view name) {
  std::optional<std::string_view> found;
  for (const auto& [n, v] : req.query) {
    if (n != name) continue;
    if (found)
      throw InvalidInput("invalid-parameter-value", fmt::format("give {} once", name),
                         std::string(name));
    found = v;
  }
  return found;
}

// minx,miny,maxx,maxy in longitude and latitude (EPSG:4490 / CRS84 order).
Envelope parse_bbox(std::string_view text) {
  double v[4];
  std::size_t n = 0;
  std::string_view rest = text;
  auto bad = [] {
    throw InvalidInput("invalid-bbox",
                       "bbox is minx,miny,maxx,maxy in degrees of longitude and latitude, with "
                       "minx <= maxx and miny <= maxy",
                       "bbox");
  };
  while (true) {
    const auto comma = rest.find(',');
    const auto item = trim_blanks(rest.substr(0, comma));
    if (n == 4 || item.empty()) bad();
    auto [p, ec] = std::from_chars(item.data(), item.data() + item.size(), v[n]);
    if (ec != std::errc() || p != item.data() + item.size() || !std::isfinite(v[n])) bad();
    ++n;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (n != 4 || v[0] > v[2] || v[1] > v[3] || v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90)
    bad();
  return Envelope::of(v[0], v[1], v[2], v[3]);
}

// The first `n` characters (code points) of `s`, with "…" when cut.
std::string first_chars(std::string_view s, std::size_t n) {
  std::size_t i = 0, chars = 0;
  while (i < s.size() && chars < n) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t len = b < 0x80 ? 1 : std::max<std::size_t>(1, utf8_sequence_length(s, i));
    i += len;
    ++chars;
  }
  if (i >= s.size()) return std::string(s);
  return std::string(s.substr(0, i)) + "\u2026";
}

void write_strings(JsonWriter& w, const std::vector<std::string>& v) {
  w.begin_array();
  for (const auto& s : v) w.value(s);
  w.end_array();
}

void write_hit(JsonWriter& w, const State& st, const Request& req, const search::SearchHit& hit,
               const catalog::Record& r) {
  w.begin_object();
  w.member("id", r.id);
  w.member("score", hit.score);
  w.member("title", r.title);
  w.member("abstract", first_chars(r.abstract, kAbstractChars));
  w.key("keywords");
  write_strings(w, r.keywords);
  w.member("topic", r.topic);
  w.member("publisher", r.publisher);
  w.member("licence", r.licence);
  w.key("extent");
  write_extent(w, r.extent);
  w.key("time");
  write_time(w, r.time_extent);
  w.member("type", r.type);
  w.member("kind", r.kind);
  w.member("access", r.access);
  w.key("formats");
  write_strings(w, r.formats);
  w.member("updated", datum::format_rfc3339_utc(r.updated));
  if (r.state != catalog::RecordState::published) w.member("state", catalog::to_string(r.state));
  w.key("usage");
  write_usage(w, st.context.catalog.usage(usage_id(r)));
  w.key("links");
  write_record_links(w, st.settings, req, r);
  w.end_object();
}

Response search_records(const State& st, Request& req) {
  reject_unknown_parameters(
      req, st.settings,
      {"q", "bbox", "bbox-relation", "datetime", "topic", "keyword", "format", "publisher",
       "licence", "kind", "type", "access", "sort", "limit", "offset", "facets"});
  search::SearchQuery q;
  if (auto text = single(req, "q")) {
    if (text->size() > kMaxQueryBytes)
      throw InvalidInput("invalid-parameter-value",
                         fmt::format("q is longer than {} bytes", kMaxQueryBytes), "q");
    q.text = std::string(trim_blanks(*text));
  }
  if (auto b = single(req, "bbox")) q.bbox = parse_bbox(*b);
  if (auto rel = single(req, "bbox-relation")) {
    if (*rel == "intersects")
      q.bbox_relation = search::BboxRelation::intersects;
    else if (*rel == "within")
      q.bbox_relation = search::BboxRelation::within;
    else
      throw InvalidInput("invalid-parameter-value", "bbox-relation is intersects or within",
                         "bbox-relation");
  }
  if (auto dt = single(req, "datetime")) q.time = datum::parse_datetime_parameter(*dt, "datetime");
  for (const auto& f : kFilters) q.*(f.member) = list_values(req, f.name);
  if (auto sort = single(req, "sort")) {
    if (*sort == "relevance")
      q.sort = search::SortOrder::relevance;
    else if (*sort == "newest")
      q.sort = search::SortOrder::newest;
    else if (*sort == "most_used")
      q.sort = search::SortOrder::most_used;
    else if (*sort == "title")
      q.sort = search::SortOrder::title;
    else
      throw InvalidInput("invalid-parameter-value", "sort is relevance, newest, most_used or title",
                         "sort");
  }
  single(req, "limit");
  single(req, "offset");
  q.limit = static_cast<std::size_t>(integer_parameter(req, "limit", 1, kMaxLimit, 10));
  q.offset = static_cast<std::size_t>(integer_parameter(req, "offset", 0, kMaxOffset, 0));
  if (single(req, "facets")) {
    q.facets = list_values(req, "facets");
    for (const auto& f : q.facets) {
      const auto& names = facet_names();
      if (std::find(names.begin(), names.end(), f) == names.end())
        throw InvalidInput("invalid-parameter-value",
                           "facets names some of topic, keyword, format, publisher, licence, "
                           "kind, type, access, state, source and year",
                           "facets");
    }
  } else {
    q.facets = facet_names();
  }
  q.visible = ogc::visible_to(st.context, req);

  const search::SearchResult result = st.context.search.search(q);

  JsonWriter w(16384);
  w.begin_object();
  w.member("query", q.text);
  w.member("total", result.total);
  w.member("offset", q.offset);
  w.member("limit", q.limit);
  w.key("hits").begin_array();
  for (const auto& hit : result.hits) {
    auto r = st.context.catalog.find(hit.id);
    // A record deleted since the search ran is left out of the page.
    if (!r) continue;
    write_hit(w, st, req, hit, *r);
  }
  w.end_array();
  w.key("facets").begin_object();
  for (const auto& [name, counts] : result.facets) {
    w.key(name).begin_array();
    for (const auto& c : counts)
      w.begin_object().member("value", c.value).member("count", c.count).end_object();
    w.end_array();
  }
  w.end_object();
  w.key("corrected");
  write_strings(w, result.corrected_terms);
  w.key("links");
  write_page_links(w, req, st.settings.prefix + "/search", static_cast<std::int64_t>(q.offset),
                   static_cast<std::int64_t>(q.limit), result.total);
  w.end_object();
  return json_response(w.take());
}

Response suggest(const State& st, Request& req) {
  reject_unknown_parameters(req, st.settings, {"q", "limit"});
  auto prefix = single(req, "q");
  if (!prefix || trim_blanks(*prefix).empty())
    throw InvalidInput("missing-parameter", "give the beginning of a word or title in q", "q");
  if (prefix->size() > 200)
    throw InvalidInput("invalid-parameter-value", "q is longer than 200 bytes", "q");
  single(req, "limit");
  const auto limit = integer_parameter(req, "limit", 1, 50, 10);
  const auto words = st.context.search.suggest(
      trim_blanks(*prefix), static_cast<std::size_t>(limit), ogc::visible_to(st.context, req));
  JsonWriter w(1024);
  w.begin_object();
  w.member("query", trim_blanks(*prefix));
  w.key("suggestions");
  write_strings(w, words);
  w.end_object();
  return json_response(w.take());
}

Response tags(const State& st, Request& req) {
  reject_unknown_parameters(req, st.settings, {"limit"});
  single(req, "limit");
  const auto limit = integer_parameter(req, "limit", 1, 500, 50);
  const auto cloud = st.context.search.tag_cloud(static_cast<std::size_t>(limit),
                                                 ogc::visible_to(st.context, req));
  JsonWriter w(2048);
  w.begin_object();
  w.key("tags").begin_array();
  for (const auto& t : cloud)
    w.begin_object().member("value", t.value).member("count", t.count).end_object();
  w.end_array();
  w.end_object();
  return json_response(w.take());
}

Response related(const State& st, Request& req) {
  reject_unknown_parameters(req, st.settings, {"limit"});
  single(req, "limit");
  const auto limit = integer_parameter(req, "limit", 1, 50, 5);
  const auto r = visible_record(st.context, req, req.path_param("recordId"));
  const auto hits = st.context.search.related(r.id, static_cast<std::size_t>(limit),
                                              ogc::visible_to(st.context, req));
  JsonWriter w(2048);
  w.begin_object();
  w.member("id", r.id);
  w.key("related").begin_array();
  for (const auto& h : hits) {
    auto other = st.context.catalog.find(h.id);
    if (!other) continue;
    w.begin_object();
    w.member("id", other->id);
    w.member("title", other->title);
    w.member("score", h.score);
    w.key("links").begin_array();
    write_link(w, record_url(st.settings, req, other->id), "self", kJson);
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return json_response(w.take());
}

}  // namespace

void register_search_routes(protocol::Router& router, const ogc::CatalogContext& context,
                            const ApiSettings& settings) {
  auto st = std::make_shared<const State>(State{context, settings});
  auto docs = settings.docs ? settings.docs : std::make_shared<ogc::ApiDocs>();
  auto route = [&](std::string pattern, std::string summary, std::string op,
                   Response (*fn)(const State&, Request&), ogc::OperationDoc doc) {
    protocol::Route r;
    r.method = "GET";
    r.pattern = settings.prefix + pattern;
    r.handler = [st, fn](Request& req) { return fn(*st, req); };
    r.route_class = protocol::RouteClass::search;
    r.summary = std::move(summary);
    r.operation_id = std::move(op);
    ogc::add_documented_route(router, *docs, std::move(r), std::move(doc));
  };
  const std::string json(kJson);
  const std::string problem = "application/problem+json";
  auto list_param = [](std::string name, std::string description) {
    ogc::ParamDoc p = query_param(std::move(name), std::move(description),
                                  R"({"type":"array","items":{"type":"string"}})");
    p.explode = false;
    return p;
  };

  route("/search", "Search the catalog", "searchRecords", search_records,
        {"Full-text search over titles, keywords, abstracts, publishers, field names and place "
         "names, in Chinese and English, with filters (multi-valued ones as a comma list or "
         "repeated; OR within a filter, AND across), facet counts over every match, sorting and "
         "paging. Only records the caller may see are searched.",
         {"Search"},
         {query_param("q", "Words to find; every word must match"),
          query_param("bbox", "minx,miny,maxx,maxy in longitude/latitude",
                      R"({"type":"array","items":{"type":"number"},"minItems":4,)"
                      R"("maxItems":4})"),
          query_param("bbox-relation", "How the record's extent relates to bbox",
                      R"({"type":"string","enum":["intersects","within"],)"
                      R"("default":"intersects"})"),
          query_param("datetime", "An instant or interval the record's time must overlap"),
          list_param("topic", "ISO 19115 topic categories"), list_param("keyword", "Keywords"),
          list_param("format", "Formats offered"),
          list_param("publisher", "Publishing organisations"), list_param("licence", "Licences"),
          list_param("kind", "vector, raster, stream, wms, ..."),
          list_param("type", "dataset, service, series, document"),
          list_param("access", "public, registered, restricted, private"),
          query_param("sort", "Order of the hits",
                      R"({"type":"string","enum":["relevance","newest","most_used","title"],)"
                      R"("default":"relevance"})"),
          query_param("limit", "Hits per page",
                      R"({"type":"integer","minimum":1,"maximum":100,"default":10})"),
          query_param("offset", "Hits to skip", R"({"type":"integer","minimum":0,"default":0})"),
          list_param("facets",
                     "Facets to count (default all): topic, keyword, format, publisher, licence, "
                     "kind, type, access, state, source, year")},
         {},
         {{"200", "Hits, facets and paging links", json, {}},
          {"400", "A malformed parameter", problem, {}}}});
  route("/search/suggest", "Suggest completions", "suggestSearch", suggest,
        {"Completions of a prefix among titles, keywords and place names, most frequent first.",
         {"Search"},
         {[] {
            ogc::ParamDoc p = query_param("q", "The beginning of a word or title");
            p.required = true;
            return p;
          }(),
          query_param("limit", "Suggestions at most",
                      R"({"type":"integer","minimum":1,"maximum":50,"default":10})")},
         {},
         {{"200", "The suggestions", json, {}}, {"400", "No q", problem, {}}}});
  route("/search/tags", "The tag cloud", "getTags", tags,
        {"Keywords and topics with their number of visible records, most frequent first.",
         {"Search"},
         {query_param("limit", "Tags at most",
                      R"({"type":"integer","minimum":1,"maximum":500,"default":50})")},
         {},
         {{"200", "The tags", json, {}}}});
  route("/records/{recordId}/related", "Related records", "getRelatedRecords", related,
        {"Records sharing keywords and topic, overlapping in extent and time, or used together "
         "with this one; best first.",
         {"Search"},
         {path_param("recordId", "The id of a metadata record"),
          query_param("limit", "Records at most",
                      R"({"type":"integer","minimum":1,"maximum":50,"default":5})")},
         {},
         {{"200", "The related records", json, {}},
          {"404", "No such record (or not visible to the caller)", problem, {}}}});
}

}  // namespace shikong::api
