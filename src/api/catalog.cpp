// /api/v1 metadata records: list, register, read (counting a view), patch with If-Match, delete,
// history, usage, the review queue and the workflow actions. Parameters are parsed strictly; the
// catalog service decides rights and transitions, and its typed errors become problem+json.
#include "api/catalog.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <memory>

#include "api/catalog_support.hpp"
#include "api/json_body.hpp"
#include "api/route_docs.hpp"
#include "api/security_gate.hpp"
#include "core/dataset_id.hpp"
#include "core/error.hpp"
#include "datum/time.hpp"
#include "ogc/openapi.hpp"
#include "protocol/problem.hpp"
#include "protocol/query.hpp"
#include "security/access.hpp"

namespace shikong::api {

namespace catalog_support {

namespace {
std::string excerpt(std::string_view s) {
  return s.size() > 40 ? std::string(s.substr(0, 40)) + "..." : std::string(s);
}
}  // namespace

void reject_unknown_parameters(const protocol::Request& req, const ApiSettings& settings,
                               std::initializer_list<std::string_view> known) {
  for (const auto& [name, value] : req.query) {
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    if (std::find(settings.passthrough_parameters.begin(), settings.passthrough_parameters.end(),
                  name) != settings.passthrough_parameters.end())
      continue;
    throw InvalidInput("unknown-parameter",
                       fmt::format("'{}' is not a parameter of this operation", excerpt(name)),
                       name);
  }
}

std::int64_t integer_parameter(const protocol::Request& req, std::string_view name,
                               std::int64_t min, std::int64_t max, std::int64_t fallback) {
  auto text = req.param(name);
  if (!text) return fallback;
  std::int64_t v = 0;
  const char* end = text->data() + text->size();
  auto [p, ec] = std::from_chars(text->data(), end, v);
  if (text->empty() || ec != std::errc() || p != end || v < min || v > max)
    throw InvalidInput("invalid-parameter-value",
                       fmt::format("{} must be an integer from {} to {}", name, min, max),
                       std::string(name));
  return v;
}

catalog::Record visible_record(const ogc::CatalogContext& context, const protocol::Request& req,
                               std::string_view id) {
  auto r = context.catalog.find(id);
  if (!r || !context.can_see(req, *r))
    throw NotFound("record-not-found", "there is no record with this id", "recordId");
  return std::move(*r);
}

void write_usage(protocol::JsonWriter& w, const storage::UsageTotals& u) {
  w.begin_object();
  w.member("views", u.views);
  w.member("downloads", u.downloads);
  w.member("api_calls", u.api_calls);
  w.member("tile_calls", u.tile_calls);
  w.end_object();
}

void write_extent(protocol::JsonWriter& w, const std::optional<Envelope>& e) {
  if (!e || e->empty()) {
    w.null();
    return;
  }
  w.begin_array().value(e->min_x).value(e->min_y).value(e->max_x).value(e->max_y).end_array();
}

void write_time(protocol::JsonWriter& w, const std::optional<Interval>& t) {
  if (!t || t->unbounded()) {
    w.null();
    return;
  }
  w.begin_array();
  if (t->start)
    w.value(datum::format_rfc3339_utc(*t->start));
  else
    w.null();
  if (t->end)
    w.value(datum::format_rfc3339_utc(*t->end));
  else
    w.null();
  w.end_array();
}

void write_link(protocol::JsonWriter& w, std::string_view href, std::string_view rel,
                std::string_view type, std::string_view title) {
  w.begin_object();
  w.member("href", href);
  w.member("rel", rel);
  if (!type.empty()) w.member("type", type);
  if (!title.empty()) w.member("title", title);
  w.end_object();
}

std::string record_url(const ApiSettings& settings, const protocol::Request& req,
                       std::string_view id) {
  return req.base_url + settings.prefix + "/records/" + protocol::url_encode(id);
}

void write_record_links(protocol::JsonWriter& w, const ApiSettings& settings,
                        const protocol::Request& req, const catalog::Record& r) {
  const std::string self = record_url(settings, req, r.id);
  w.begin_array();
  write_link(w, self, "self", kJson, "This record");
  write_link(w,
             req.base_url + settings.ogc_prefix + "/collections/catalog/items/" +
                 protocol::url_encode(r.id),
             "alternate", "application/geo+json", "This record in OGC API - Records");
  write_link(w, self + "/history", "version-history", kJson, "Changes of this record");
  // The links the publisher (or the source) gave.
  for (const auto& l : r.links) {
    w.begin_object();
    w.member("href", l.href);
    w.member("rel", l.rel);
    if (!l.type.empty()) w.member("type", l.type);
    if (!l.title.empty()) w.member("title", l.title);
    if (!l.protocol.empty()) w.member("protocol", l.protocol);
    w.end_object();
  }
  if (!r.dataset_id.empty()) {
    const std::string id = protocol::url_encode(r.dataset_id);
    write_link(w, req.base_url + settings.prefix + "/datasets/" + id, "describes", kJson,
               "The dataset");
    write_link(w, req.base_url + settings.ogc_prefix + "/collections/" + id, "collection", kJson,
               "OGC API collection");
    write_link(w, req.base_url + std::string(kTilesPrefix) + "/" + id + ".json", "tiles", kJson,
               "TileJSON");
  }
  if (r.harvested() && !r.source_url.empty())
    write_link(w, r.source_url, "via", {}, "The record at its source");
  w.end_array();
}

std::string record_json(const ogc::CatalogContext& context, const ApiSettings& settings,
                        const protocol::Request& req, const catalog::Record& r) {
  // to_json is the stored document; its "links" (the publisher's) are merged with the links to
  // this server's services, and "usage" is added.
  const std::string doc = catalog::to_json(r);
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (parser.parse(doc).get(obj) != simdjson::SUCCESS)
    throw InternalError("record-json", "a record could not be written");
  protocol::JsonWriter w(doc.size() + 1024);
  w.begin_object();
  for (auto member : obj) {
    if (member.key == "links" || member.key == "usage") continue;
    w.key(member.key).raw(simdjson::minify(member.value));
  }
  w.key("usage");
  write_usage(w, context.catalog.usage(usage_id(r)));
  w.key("links");
  write_record_links(w, settings, req, r);
  w.end_object();
  return w.take();
}

void write_page_links(protocol::JsonWriter& w, const protocol::Request& req,
                      std::string_view self_path, std::int64_t offset, std::int64_t limit,
                      std::int64_t total) {
  auto url = [&](std::int64_t at) {
    protocol::QueryParams q;
    for (const auto& [n, v] : req.query)
      if (n != "offset") q.emplace_back(n, v);
    if (at > 0) q.emplace_back("offset", std::to_string(at));
    std::string s = req.base_url + std::string(self_path);
    if (!q.empty()) s += "?" + protocol::build_query(q);
    return s;
  };
  w.begin_array();
  write_link(w, url(offset), "self", kJson);
  if (offset + limit < total) write_link(w, url(offset + limit), "next", kJson);
  if (offset > 0) write_link(w, url(std::max<std::int64_t>(0, offset - limit)), "prev", kJson);
  w.end_array();
}

protocol::Response json_response(std::string body, int status) {
  return protocol::Response::text(std::move(body), std::string(kJson), status);
}

}  // namespace catalog_support

catalog::Actor actor_of(const protocol::Request& req) {
  const security::Principal& p = principal_of(req);
  catalog::Actor a;
  a.user = p.user;
  a.publisher = p.has_role(security::Role::publisher);
  a.reviewer = p.has_role(security::Role::reviewer);
  a.admin = p.has_role(security::Role::admin);
  return a;
}

namespace {

using namespace catalog_support;
using protocol::JsonWriter;
using protocol::Request;
using protocol::Response;

constexpr std::int64_t kMaxLimit = 100;
constexpr std::int64_t kMaxOffset = 1'000'000;
constexpr std::size_t kMaxComment = 4000;

struct State {
  ogc::CatalogContext context;
  ApiSettings settings;
};

catalog::Actor signed_in_actor(const State& st, const Request& req, std::string_view what) {
  catalog::Actor a = st.context.actor_of(req);
  if (a.user.empty()) throw Unauthorized("unauthenticated", fmt::format("sign in to {}", what));
  return a;
}

std::string etag_of(const catalog::Record& r) {
  return fmt::format("\"v{}\"", r.version);
}

Response record_response(const State& st, const Request& req, const catalog::Record& r,
                         int status = 200) {
  Response res = json_response(record_json(st.context, st.settings, req, r), status);
  res.headers.set("ETag", etag_of(r));
  return res;
}

// A page of records: {"records":[...],"numberMatched","numberReturned","links"}.
Response records_page(const State& st, const Request& req, std::vector<catalog::Record> records,
                      std::string_view path) {
  const std::int64_t limit = integer_parameter(req, "limit", 1, kMaxLimit, 10);
  const std::int64_t offset = integer_parameter(req, "offset", 0, kMaxOffset, 0);
  const auto total = static_cast<std::int64_t>(records.size());
  JsonWriter w(8192);
  w.begin_object();
  w.key("records").begin_array();
  std::int64_t returned = 0;
  for (std::int64_t i = offset; i < total && i < offset + limit; ++i, ++returned)
    w.raw(record_json(st.context, st.settings, req, records[static_cast<std::size_t>(i)]));
  w.end_array();
  w.member("numberMatched", total);
  w.member("numberReturned", returned);
  w.key("links");
  write_page_links(w, req, st.settings.prefix + std::string(path), offset, limit, total);
  w.end_object();
  return json_response(w.take());
}

// Newest change first, then id, so pages are stable.
void sort_newest(std::vector<catalog::Record>& records) {
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
    if (a.updated != b.updated) return a.updated > b.updated;
    return a.id < b.id;
  });
}

Response list_records(const State& st, Request& req) {
  reject_unknown_parameters(req, st.settings, {"state", "owner", "source", "limit", "offset"});
  std::optional<catalog::RecordState> state;
  if (auto s = req.param("state")) {
    state = catalog::record_state_from_string(*s);
    if (!state)
      throw InvalidInput("invalid-parameter-value",
                         "state must be draft, submitted, published or retired", "state");
  }
  const auto owner = req.param("owner");
  const auto source = req.param("source");
  std::vector<catalog::Record> out;
  for (auto& r : st.context.catalog.all()) {
    if (state && r.state != *state) continue;
    if (owner && r.owner != *owner) continue;
    // source=local: records of this server's datasets and registrations (no harvest source).
    if (source && !(*source == "local" ? !r.harvested() : r.source_id == *source)) continue;
    if (!st.context.can_see(req, r)) continue;
    out.push_back(std::move(r));
  }
  sort_newest(out);
  return records_page(st, req, std::move(out), "/records");
}

Response review_queue(const State& st, Request& req) {
  reject_unknown_parameters(req, st.settings, {"limit", "offset"});
  const catalog::Actor actor = st.context.actor_of(req);
  if (!actor.reviewer && !actor.admin)
    throw Forbidden("forbidden", "only reviewers and admins see the review queue");
  std::vector<catalog::Record> out;
  for (auto& r : st.context.catalog.all())
    if (r.state == catalog::RecordState::submitted && st.context.can_see(req, r))
      out.push_back(std::move(r));
  // Oldest submission first: the queue is worked from the front.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    if (a.updated != b.updated) return a.updated < b.updated;
    return a.id < b.id;
  });
  return records_page(st, req, std::move(out), "/review");
}

void require_json_body(const Request& req) {
  if (!is_json_media_type(req.header("Content-Type").value_or("")))
    throw Unsupported("unsupported-media-type", "send the body as application/json",
                      "Content-Type");
}

Response create_record(const State& st, Request& req) {
  reject_unknown_parameters(req, st.settings, {});
  const catalog::Actor actor = signed_in_actor(st, req, "register records");
  require_json_body(req);
  std::string id;
  const auto patch = catalog::parse_record_patch(req.body, &id);
  if (id.empty()) throw InvalidInput("missing-parameter", "the body needs the record's id", "id");
  require_dataset_id(id, "id");
  const auto record = st.context.catalog.create(id, patch, actor);
  Response res = record_response(st, req, record, 201);
  res.headers.set("Location", record_url(st.settings, req, record.id));
  return res;
}

Response get_record(const State& st, Request& req) {
  reject_unknown_parameters(req, st.settings, {});
  const auto r = visible_record(st.context, req, req.path_param("recordId"));
  if (!r.dataset_id.empty()) st.context.catalog.count_usage(r.dataset_id, storage::UsageKind::view);
  return record_response(st, req, r);
}

// Whether an If-Match header names `version`: "v3", W/"v3", "v3-gz" (the tag of a gzip answer),
// a list of them, or "*".
bool if_match_accepts(std::string_view header, std::int64_t version) {
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view tag = header.substr(0, comma);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"')
      tag = tag.substr(1, tag.size() - 2);
    if (tag.ends_with("-gz")) tag.remove_suffix(3);
    if (tag.starts_with("v")) {
      std::int64_t v = 0;
      auto [p, ec] = std::from_chars(tag.data() + 1, tag.data() + tag.size(), v);
      if (ec == std::errc() && p == tag.data() + tag.size() && v == version) return true;
    }
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

Response precondition_failed() {
  return protocol::problem_response(
      412, "precondition-failed",
      "the record has changed since the version named in If-Match; read it again", "If-Match");
}

Response patch_record(const State& st, Request& req) {
  reject_unknown_parameters(req, st.settings, {});
  const catalog::Actor actor = signed_in_actor(st, req, "change records");
  const auto current = visible_record(st.context, req, req.path_param("recordId"));
  std::int64_t if_version = 0;
  const auto if_match = req.header("If-Match");
  if (if_match) {
    if (!if_match_accepts(*if_match, current.version)) return precondition_failed();
    if_version = current.version;
  }
  require_json_body(req);
  const auto patch = catalog::parse_record_patch(req.body);
  try {
    return record_response(st, req,
                           st.context.catalog.update(current.id, patch, actor, if_version));
  } catch (const Conflict& e) {
    // Changed between our read and the write: the same answer as a stale If-Match.
    if (if_match && e.code() == "version-conflict") return precondition_failed();
    throw;
  }
}

Response delete_record(const State& st, Request& req) {
  reject_unknown_parameters(req, st.settings, {});
  const catalog::Actor actor = signed_in_actor(st, req, "delete records");
  const auto r = visible_record(st.context, req, req.path_param("recordId"));
  st.context.catalog.remove(r.id, actor);
  Response res;
  res.status = 204;
  return res;
}

Response record_history(const State& st, Request& req) {
  reject_unknown_parameters(req, st.settings, {});
  const auto r = visible_record(st.context, req, req.path_param("recordId"));
  JsonWriter w(4096);
  w.begin_object();
  w.member("id", r.id);
  w.key("changes").begin_array();
  for (const auto& c : st.context.catalog.history(r.id)) {
    w.begin_object();
    w.member("version", c.version);
    w.member("actor", c.actor);
    w.member("action", c.action);
    w.member("from", c.from_state);
    w.member("to", c.to_state);
    w.member("comment", c.comment);
    // diff_json is written by the catalog service (an object of members), never by a client.
    w.key("changes").raw(c.diff_json.empty() ? std::string_view("{}") : c.diff_json);
    w.member("at", datum::format_rfc3339_utc(c.at));
    w.end_object();
  }
  w.end_array();
  w.key("links").begin_array();
  write_link(w, record_url(st.settings, req, r.id) + "/history", "self", kJson);
  write_link(w, record_url(st.settings, req, r.id), "describes", kJson, "The record");
  w.end_array();
  w.end_object();
  return json_response(w.take());
}

Response record_usage(const State& st, Request& req) {
  reject_unknown_parameters(req, st.settings, {"days"});
  const auto days = integer_parameter(req, "days", 1, 366, 30);
  const auto r = visible_record(st.context, req, req.path_param("recordId"));
  const std::string id = usage_id(r);
  JsonWriter w(2048);
  w.begin_object();
  w.member("id", r.id);
  w.key("totals");
  write_usage(w, st.context.catalog.usage(id));
  w.key("daily").begin_array();
  for (const auto& [day, u] : st.context.catalog.usage_daily(id, static_cast<std::size_t>(days))) {
    w.begin_object();
    w.member("day", day);
    w.member("views", u.views);
    w.member("downloads", u.downloads);
    w.member("api_calls", u.api_calls);
    w.member("tile_calls", u.tile_calls);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return json_response(w.take());
}

enum class Action { submit, approve, return_to_draft, publish, retire, reopen };

Response workflow(const State& st, Request& req, Action action) {
  reject_unknown_parameters(req, st.settings, {});
  const catalog::Actor actor = signed_in_actor(st, req, "change a record's state");
  const auto r = visible_record(st.context, req, req.path_param("recordId"));
  std::string comment;
  // The body is optional; when present it is {"comment": "..."}.
  if (req.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    JsonBody body(req, {"comment"});
    comment = body.string("comment", kMaxComment).value_or("");
  }
  auto& c = st.context.catalog;
  switch (action) {
    case Action::submit:
      return record_response(st, req, c.submit(r.id, actor, comment));
    case Action::approve:
      return record_response(st, req, c.approve(r.id, actor, comment));
    case Action::return_to_draft:
      return record_response(st, req, c.return_to_draft(r.id, actor, comment));
    case Action::publish:
      return record_response(st, req, c.publish(r.id, actor, comment));
    case Action::retire:
      return record_response(st, req, c.retire(r.id, actor, comment));
    case Action::reopen:
      return record_response(st, req, c.reopen(r.id, actor, comment));
  }
  throw InternalError("unknown-action", "unknown workflow action");
}

constexpr std::string_view kProblem = "application/problem+json";

const ogc::ResponseDoc& not_found_doc() {
  static const ogc::ResponseDoc d{
      "404", "No such record (or not visible to the caller)", std::string(kProblem), {}};
  return d;
}

constexpr std::string_view kPatchProperties =
    R"("type":{"type":"string","enum":["dataset","service","series","document"]},)"
    R"("title":{"type":"string","maxLength":500},"abstract":{"type":"string"},)"
    R"("keywords":{"type":"array","items":{"type":"string"},"maxItems":100},)"
    R"("topic":{"type":"string","description":"ISO 19115 MD_TopicCategoryCode"},)"
    R"("publisher":{"type":"string"},"licence":{"type":"string"},"lineage":{"type":"string"},)"
    R"("update_frequency":{"type":"string","description":"ISO 19115 MD_MaintenanceFrequencyCode"},)"
    R"("language":{"type":"string"},)"
    R"("access":{"type":"string","enum":["public","registered","restricted","private"]},)"
    R"("contact":{"type":"object","properties":{"name":{"type":"string"},)"
    R"("organisation":{"type":"string"},"email":{"type":"string"},"phone":{"type":"string"},)"
    R"("role":{"type":"string"}}},)"
    R"("links":{"type":"array","items":{"type":"object","properties":{"href":{"type":"string"},)"
    R"("rel":{"type":"string"},"type":{"type":"string"},"title":{"type":"string"},)"
    R"("protocol":{"type":"string"}}}},)"
    R"("extent":{"type":"array","items":{"type":"number"},"minItems":4,"maxItems":4},)"
    R"("time":{"type":"array","items":{"type":"string","nullable":true},"minItems":2,"maxItems":2})";

}  // namespace

void register_record_routes(protocol::Router& router, const ogc::CatalogContext& context,
                            const ApiSettings& settings) {
  auto st = std::make_shared<const State>(State{context, settings});
  auto docs = settings.docs ? settings.docs : std::make_shared<ogc::ApiDocs>();
  auto route = [&](std::string method, std::string pattern, std::string summary, std::string op,
                   protocol::Handler handler, ogc::OperationDoc doc) {
    protocol::Route r;
    r.method = std::move(method);
    r.pattern = settings.prefix + pattern;
    r.handler = std::move(handler);
    r.route_class = protocol::RouteClass::api;
    r.summary = std::move(summary);
    r.operation_id = std::move(op);
    ogc::add_documented_route(router, *docs, std::move(r), std::move(doc));
  };
  auto bind = [st](Response (*fn)(const State&, Request&)) {
    return [st, fn](Request& req) { return fn(*st, req); };
  };
  const ogc::ParamDoc record_id = path_param("recordId", "The id of a metadata record");
  const ogc::ParamDoc limit = query_param("limit", "Records per page",
                                          R"({"type":"integer","minimum":1,"maximum":100,)"
                                          R"("default":10})");
  const ogc::ParamDoc offset =
      query_param("offset", "Records to skip", R"({"type":"integer","minimum":0,"default":0})");
  const std::string json(kJson);
  const std::string problem(kProblem);

  route("GET", "/records", "List metadata records", "listRecords", bind(list_records),
        {"The records the caller may see, newest change first: published ones, and the caller's "
         "own drafts (reviewers also see submissions, admins everything).",
         {"Records"},
         {query_param("state", "Only records in this workflow state",
                      R"({"type":"string","enum":["draft","submitted","published","retired"]})"),
          query_param("owner", "Only records of this user"),
          query_param("source", "Only records of this harvest source ('local': none)"), limit,
          offset},
         {},
         {{"200", "A page of records", json, {}}, {"400", "A malformed parameter", problem, {}}}});
  route("POST", "/records", "Register a metadata record", "createRecord", bind(create_record),
        {"Registers a record that describes no local dataset (a service, a document), as a "
         "draft owned by the caller (publisher or above).",
         {"Records"},
         {},
         json_request_body(std::string(R"("id":{"type":"string","pattern":)"
                                       R"("^[a-z0-9][a-z0-9_-]{0,63}$"},)") +
                               std::string(kPatchProperties),
                           R"("id")"),
         {{"201", "The record", json, {}},
          {"400", "A malformed member", problem, {}},
          {"401", "Not signed in", problem, {}},
          {"403", "The caller's role is below publisher", problem, {}},
          {"409", "A record with this id exists", problem, {}}}});
  route("GET", "/records/{recordId}", "Read a metadata record", "getRecord", bind(get_record),
        {"The record with its usage statistics and links to its services; ETag \"v<version>\". "
         "Counts a view of a dataset's record.",
         {"Records"},
         {record_id},
         {},
         {{"200", "The record", json, {}}, not_found_doc()}});
  route("PATCH", "/records/{recordId}", "Change a metadata record", "patchRecord",
        bind(patch_record),
        {"Changes the members given (owner or admin). With If-Match \"v<version>\", a record "
         "changed since answers 412. A published record stays published.",
         {"Records"},
         {record_id,
          [] {
            ogc::ParamDoc p;
            p.name = "If-Match";
            p.in = "header";
            p.description = "The ETag of the version read (\"v<version>\")";
            return p;
          }()},
         json_request_body(kPatchProperties),
         {{"200", "The changed record", json, {}},
          {"400", "A malformed member", problem, {}},
          {"403", "Not the record's owner", problem, {}},
          not_found_doc(),
          {"409", "A harvested record is read-only", problem, {}},
          {"412", "The record changed since the If-Match version", problem, {}}}});
  route("DELETE", "/records/{recordId}", "Delete a metadata record", "deleteRecord",
        bind(delete_record),
        {"Deletes a record that describes no local dataset (a dataset's record goes with its "
         "dataset: 409 record-has-data).",
         {"Records"},
         {record_id},
         {},
         {{"204", "Deleted", {}, {}},
          {"403", "Not the record's owner", problem, {}},
          not_found_doc(),
          {"409", "The record describes a dataset", problem, {}}}});
  route("GET", "/records/{recordId}/history", "A record's history", "getRecordHistory",
        bind(record_history),
        {"Every change of the record, oldest first: version, actor, action, states, comment "
         "and the members changed.",
         {"Records"},
         {record_id},
         {},
         {{"200", "The changes", json, {}}, not_found_doc()}});
  route("GET", "/records/{recordId}/usage", "A record's usage", "getRecordUsage",
        bind(record_usage),
        {"Views, downloads, API and tile calls of the dataset: totals and per day.",
         {"Records"},
         {record_id, query_param("days", "Days with counts to list (most recent)",
                                 R"({"type":"integer","minimum":1,"maximum":366,"default":30})")},
         {},
         {{"200", "The usage", json, {}}, not_found_doc()}});
  route("GET", "/review", "The review queue", "getReviewQueue", bind(review_queue),
        {"Submitted records waiting for a reviewer, oldest first (reviewers and admins).",
         {"Records"},
         {limit, offset},
         {},
         {{"200", "A page of records", json, {}}, {"403", "Not a reviewer", problem, {}}}});

  struct Step {
    std::string_view path;
    Action action;
    std::string_view summary;
    std::string_view op;
    std::string_view description;
  };
  static constexpr Step kSteps[] = {
      {"submit", Action::submit, "Submit a record for review", "submitRecord",
       "draft -> submitted (owner or admin)."},
      {"approve", Action::approve, "Approve a submission", "approveRecord",
       "submitted -> published (a reviewer other than the submitter, or an admin)."},
      {"return", Action::return_to_draft, "Return a submission", "returnRecord",
       "submitted -> draft with the reviewer's comment (required)."},
      {"publish", Action::publish, "Publish a record directly", "publishRecord",
       "draft, submitted or retired -> published (admin)."},
      {"retire", Action::retire, "Retire a record", "retireRecord",
       "published -> retired (owner or admin); the comment is the reason."},
      {"reopen", Action::reopen, "Reopen a retired record", "reopenRecord",
       "retired -> draft (owner or admin)."},
  };
  for (const auto& s : kSteps) {
    const Action a = s.action;
    route("POST", "/records/{recordId}/" + std::string(s.path), std::string(s.summary),
          std::string(s.op), [st, a](Request& req) { return workflow(*st, req, a); },
          {std::string(s.description),
           {"Workflow"},
           {record_id},
           R"({"required":false,"content":{"application/json":{"schema":{"type":"object",)"
           R"("additionalProperties":false,"properties":{"comment":{"type":"string"}}}}}})",
           {{"200", "The record in its new state", json, {}},
            {"400", "A comment is required (return)", problem, {}},
            {"401", "Not signed in", problem, {}},
            {"403", "The caller may not take this step", problem, {}},
            not_found_doc(),
            {"409", "The record's state does not allow this step", problem, {}}}});
  }
}

}  // namespace shikong::api
