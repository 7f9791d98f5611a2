// /api/v1 harvest sources (admins only): register, list, read and remove sources, run one now
// (synchronously, on the worker pool) and list its runs. The harvester does the work.
#include <fmt/format.h>

#include <memory>

#include "api/catalog.hpp"
#include "api/catalog_support.hpp"
#include "api/json_body.hpp"
#include "api/route_docs.hpp"
#include "core/error.hpp"
#include "datum/time.hpp"
#include "harvest/harvest.hpp"
#include "ogc/openapi.hpp"
#include "protocol/query.hpp"

namespace shikong::api {
namespace {

using namespace catalog_support;
using protocol::JsonWriter;
using protocol::Request;
using protocol::Response;

struct State {
  ogc::CatalogContext context;
  ApiSettings settings;
  harvest::HarvestService& harvester;
};

catalog::Actor require_admin(const State& st, const Request& req) {
  catalog::Actor a = st.context.actor_of(req);
  if (!a.admin) throw Forbidden("forbidden", "only admins manage harvest sources");
  return a;
}

std::string source_url(const State& st, const Request& req, std::string_view id) {
  return req.base_url + st.settings.prefix + "/harvest/sources/" + protocol::url_encode(id);
}

void write_source(JsonWriter& w, const State& st, const Request& req,
                  const storage::HarvestSource& s) {
  w.begin_object();
  w.member("id", s.id);
  w.member("kind", s.kind);
  w.member("url", s.url);
  w.member("title", s.title);
  w.member("allow_private", s.allow_private);
  w.member("interval_minutes", s.interval_minutes);
  w.member("enabled", s.enabled);
  w.key("last_run");
  if (s.last_run)
    w.value(datum::format_rfc3339_utc(*s.last_run));
  else
    w.null();
  w.member("last_status", s.last_status);
  w.member("last_message", s.last_message);
  w.member("created_by", s.created_by);
  w.member("created", datum::format_rfc3339_utc(s.created));
  const std::string self = source_url(st, req, s.id);
  w.key("links").begin_array();
  write_link(w, self, "self", kJson);
  write_link(w, self + "/runs", "runs", kJson, "Runs of this source");
  write_link(w, req.base_url + st.settings.prefix + "/records?source=" + protocol::url_encode(s.id),
             "records", kJson, "Records harvested from this source");
  w.end_array();
  w.end_object();
}

void write_run(JsonWriter& w, const storage::HarvestRun& r) {
  w.begin_object();
  w.member("id", r.id);
  w.member("source", r.source_id);
  w.member("status", r.status);
  w.member("added", r.added);
  w.member("updated", r.updated);
  w.member("unchanged", r.unchanged);
  w.member("retired", r.retired);
  w.member("rejected", r.rejected);
  w.member("message", r.message);
  w.member("started", datum::format_rfc3339_utc(r.started));
  w.member("finished", datum::format_rfc3339_utc(r.finished));
  w.end_object();
}

storage::HarvestSource find_source(const State& st, const Request& req) {
  auto s = st.harvester.find_source(req.path_param("sourceId"));
  if (!s) throw NotFound("source-not-found", "there is no harvest source with this id", "sourceId");
  return std::move(*s);
}

Response list_sources(const State& st, Request& req) {
  reject_unknown_parameters(req, st.settings, {});
  require_admin(st, req);
  JsonWriter w(4096);
  w.begin_object();
  w.key("sources").begin_array();
  for (const auto& s : st.harvester.sources()) write_source(w, st, req, s);
  w.end_array();
  w.end_object();
  return json_response(w.take());
}

Response add_source(const State& st, Request& req) {
  reject_unknown_parameters(req, st.settings, {});
  const catalog::Actor actor = require_admin(st, req);
  JsonBody body(req,
                {"id", "kind", "url", "title", "allow_private", "interval_minutes", "enabled"});
  storage::HarvestSource s;
  s.id = body.required_string("id", 64);
  s.kind = body.required_string("kind", 16);
  s.url = body.required_string("url", 2048);
  s.title = body.string("title", 500).value_or(s.id);
  s.allow_private = body.boolean("allow_private").value_or(false);
  s.interval_minutes = body.integer("interval_minutes", 0, 525'600).value_or(0);
  s.enabled = body.boolean("enabled").value_or(true);
  s.created_by = actor.user;
  s.created = st.context.catalog.now();
  const auto saved = st.harvester.add_source(std::move(s));
  JsonWriter w(1024);
  write_source(w, st, req, saved);
  Response res = json_response(w.take(), 201);
  res.headers.set("Location", source_url(st, req, saved.id));
  return res;
}

Response get_source(const State& st, Request& req) {
  reject_unknown_parameters(req, st.settings, {});
  require_admin(st, req);
  JsonWriter w(1024);
  write_source(w, st, req, find_source(st, req));
  return json_response(w.take());
}

Response delete_source(const State& st, Request& req) {
  reject_unknown_parameters(req, st.settings, {});
  require_admin(st, req);
  st.harvester.remove_source(find_source(st, req).id);
  Response res;
  res.status = 204;
  return res;
}

Response run_source(const State& st, Request& req) {
  reject_unknown_parameters(req, st.settings, {});
  require_admin(st, req);
  const auto run = st.harvester.run(find_source(st, req).id);
  JsonWriter w(512);
  write_run(w, run);
  return json_response(w.take());
}

Response list_runs(const State& st, Request& req) {
  reject_unknown_parameters(req, st.settings, {"limit"});
  require_admin(st, req);
  const auto limit = integer_parameter(req, "limit", 1, 100, 20);
  const auto s = find_source(st, req);
  JsonWriter w(2048);
  w.begin_object();
  w.member("source", s.id);
  w.key("runs").begin_array();
  for (const auto& r : st.harvester.runs(s.id, static_cast<std::size_t>(limit))) write_run(w, r);
  w.end_array();
  w.end_object();
  return json_response(w.take());
}

}  // namespace

void register_harvest_routes(protocol::Router& router, const ogc::CatalogContext& context,
                             const ApiSettings& settings) {
  if (!context.harvester) return;
  auto st = std::make_shared<const State>(State{context, settings, *context.harvester});
  auto docs = settings.docs ? settings.docs : std::make_shared<ogc::ApiDocs>();
  auto route = [&](std::string method, std::string pattern, std::string summary, std::string op,
                   Response (*fn)(const State&, Request&), ogc::OperationDoc doc) {
    protocol::Route r;
    r.method = std::move(method);
    r.pattern = settings.prefix + pattern;
    r.handler = [st, fn](Request& req) { return fn(*st, req); };
    r.route_class = protocol::RouteClass::api;
    r.summary = std::move(summary);
    r.operation_id = std::move(op);
    ogc::add_documented_route(router, *docs, std::move(r), std::move(doc));
  };
  const std::string json(kJson);
  const std::string problem = "application/problem+json";
  const ogc::ResponseDoc forbidden{"403", "Not an admin", problem, {}};
  const ogc::ResponseDoc not_found{"404", "No such source", problem, {}};
  const ogc::ParamDoc source_id = path_param("sourceId", "The id of a harvest source");

  route("GET", "/harvest/sources", "List harvest sources", "listHarvestSources", list_sources,
        {"Every harvest source with the outcome of its last run.",
         {"Harvest"},
         {},
         {},
         {{"200", "The sources", json, {}}, forbidden}});
  route("POST", "/harvest/sources", "Register a harvest source", "addHarvestSource", add_source,
        {"A remote WMS, WMTS or WFS capabilities document, a CSW endpoint, an OGC API - Records "
         "collection or another shikong node. allow_private lets the harvester reach a "
         "loopback or private address for this source only.",
         {"Harvest"},
         {},
         json_request_body(
             R"("id":{"type":"string","pattern":"^[a-z0-9][a-z0-9_-]{0,63}$"},)"
             R"("kind":{"type":"string","enum":["wms","wmts","wfs","csw","records","shikong"]},)"
             R"("url":{"type":"string","format":"uri"},"title":{"type":"string"},)"
             R"("allow_private":{"type":"boolean","default":false},)"
             R"("interval_minutes":{"type":"integer","minimum":0,"default":0},)"
             R"("enabled":{"type":"boolean","default":true})",
             R"("id","kind","url")"),
         {{"201", "The source", json, {}},
          {"400", "A malformed member", problem, {}},
          forbidden,
          {"409", "A source with this id exists", problem, {}}}});
  route("GET", "/harvest/sources/{sourceId}", "Read a harvest source", "getHarvestSource",
        get_source,
        {"A harvest source.",
         {"Harvest"},
         {source_id},
         {},
         {{"200", "The source", json, {}}, forbidden, not_found}});
  route("DELETE", "/harvest/sources/{sourceId}", "Remove a harvest source", "deleteHarvestSource",
        delete_source,
        {"Removes the source and every record harvested from it.",
         {"Harvest"},
         {source_id},
         {},
         {{"204", "Removed", {}, {}}, forbidden, not_found}});
  route("POST", "/harvest/sources/{sourceId}/run", "Harvest a source now", "runHarvestSource",
        run_source,
        {"Harvests the source now and answers when done: added, updated, unchanged, retired "
         "and rejected records, or the reason of a failure (status failed; nothing applied).",
         {"Harvest"},
         {source_id},
         {},
         {{"200", "The run", json, {}}, forbidden, not_found}});
  route("GET", "/harvest/sources/{sourceId}/runs", "Runs of a harvest source", "listHarvestRuns",
        list_runs,
        {"The most recent runs of the source, newest first.",
         {"Harvest"},
         {source_id, query_param("limit", "Runs at most",
                                 R"({"type":"integer","minimum":1,"maximum":100,"default":20})")},
         {},
         {{"200", "The runs", json, {}}, forbidden, not_found}});
}

}  // namespace shikong::api
