// OpenAPI 3.0 document builder: walks the route table in registration order, grouping
// operations by path, and adds what each route's OperationDoc says.
#include "ogc/openapi.hpp"

#include <algorithm>
#include <cctype>

#include "protocol/json_writer.hpp"

namespace shikong::ogc {
namespace {

std::string lower(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

// Names of the {name} segments of a pattern, in order ({name*} counts as name).
std::vector<std::string> path_parameters(std::string_view pattern) {
  std::vector<std::string> names;
  std::size_t pos = 0;
  while ((pos = pattern.find('{', pos)) != std::string_view::npos) {
    const std::size_t close = pattern.find('}', pos);
    if (close == std::string_view::npos) break;
    std::string name(pattern.substr(pos + 1, close - pos - 1));
    if (!name.empty() && name.back() == '*') name.pop_back();
    names.push_back(std::move(name));
    pos = close + 1;
  }
  return names;
}

std::string openapi_path(std::string_view pattern, std::string_view prefix) {
  std::string p(pattern.substr(prefix.size()));
  std::string out;
  for (char c : p)
    if (c != '*') out.push_back(c);
  if (out.empty()) out = "/";
  return out;
}

}  // namespace

void write_parameter(protocol::JsonWriter& w, const ParamDoc& p) {
  w.begin_object();
  w.member("name", p.name);
  w.member("in", p.in);
  if (!p.description.empty()) w.member("description", p.description);
  w.member("required", p.in == "path" ? true : p.required);
  if (p.in == "query") {
    w.member("style", "form");
    w.member("explode", p.explode);
  }
  w.key("schema").raw(p.schema.empty() ? R"({"type":"string"})" : p.schema);
  w.end_object();
}

void ApiDocs::add(std::string method, std::string pattern, OperationDoc doc) {
  entries_.push_back({std::move(method), std::move(pattern), std::move(doc)});
}

const OperationDoc* ApiDocs::find(std::string_view method, std::string_view pattern) const {
  for (const auto& e : entries_)
    if (e.method == method && e.pattern == pattern) return &e.doc;
  return nullptr;
}

void add_documented_route(protocol::Router& router, ApiDocs& docs, protocol::Route route,
                          OperationDoc doc) {
  docs.add(route.method, route.pattern, std::move(doc));
  router.add(std::move(route));
}

std::string build_openapi_document(const protocol::Router& router, const ApiDocs& docs,
                                   const OpenApiInfo& info, std::string_view base_url) {
  // Paths in first-registration order, each with its routes.
  std::vector<std::pair<std::string, std::vector<const protocol::Route*>>> paths;
  for (const auto& r : router.routes()) {
    if (r.method == "HEAD" || r.method == "OPTIONS") continue;
    const bool under = info.prefix.empty() || r.pattern == info.prefix ||
                       (r.pattern.starts_with(info.prefix) && r.pattern[info.prefix.size()] == '/');
    if (!under) continue;
    const std::string p = openapi_path(r.pattern, info.prefix);
    auto it = std::find_if(paths.begin(), paths.end(), [&](const auto& e) { return e.first == p; });
    if (it == paths.end()) {
      paths.push_back({p, {}});
      it = paths.end() - 1;
    }
    it->second.push_back(&r);
  }

  protocol::JsonWriter w(16 * 1024);
  w.begin_object();
  w.member("openapi", "3.0.3");
  w.key("info").begin_object();
  w.member("title", info.title);
  w.member("version", info.version);
  if (!info.description.empty()) w.member("description", info.description);
  w.end_object();
  w.key("servers").begin_array().begin_object();
  w.member("url", std::string(base_url) + info.prefix);
  w.end_object().end_array();
  w.key("paths").begin_object();
  for (const auto& [path, routes] : paths) {
    w.key(path).begin_object();
    for (const protocol::Route* r : routes) {
      const OperationDoc* doc = docs.find(r->method, r->pattern);
      w.key(lower(r->method)).begin_object();
      if (!r->summary.empty()) w.member("summary", r->summary);
      if (!r->operation_id.empty()) w.member("operationId", r->operation_id);
      if (doc && !doc->description.empty()) w.member("description", doc->description);
      if (doc && !doc->tags.empty()) {
        w.key("tags").begin_array();
        for (const auto& t : doc->tags) w.value(t);
        w.end_array();
      }
      w.key("parameters").begin_array();
      const auto names = path_parameters(r->pattern);
      for (const auto& n : names) {
        const ParamDoc* given = nullptr;
        if (doc)
          for (const auto& p : doc->parameters)
            if (p.in == "path" && p.name == n) given = &p;
        if (given) {
          write_parameter(w, *given);
        } else {
          ParamDoc p;
          p.name = n;
          p.in = "path";
          write_parameter(w, p);
        }
      }
      if (doc)
        for (const auto& p : doc->parameters)
          if (p.in != "path") write_parameter(w, p);
      w.end_array();
      if (doc && !doc->request_body.empty()) w.key("requestBody").raw(doc->request_body);
      w.key("responses").begin_object();
      bool has_default = false;
      if (doc) {
        for (const auto& resp : doc->responses) {
          has_default = has_default || resp.status == "default";
          w.key(resp.status).begin_object();
          w.member("description",
                   resp.description.empty() ? std::string("Response") : resp.description);
          if (!resp.media_type.empty()) {
            w.key("content").begin_object().key(resp.media_type).begin_object();
            w.key("schema").raw(resp.schema.empty() ? R"({"type":"object"})" : resp.schema);
            w.end_object().end_object();
          }
          w.end_object();
        }
      }
      if (!doc || doc->responses.empty()) {
        w.key("200").begin_object().member("description", "Success").end_object();
      }
      if (!has_default) {
        w.key("default").begin_object();
        w.member("description", "An error, as RFC 9457 problem details");
        w.key("content").begin_object().key("application/problem+json").begin_object();
        w.key("schema").raw(R"({"$ref":"#/components/schemas/Problem"})");
        w.end_object().end_object();
        w.end_object();
      }
      w.end_object();  // responses
      w.end_object();  // operation
    }
    w.end_object();  // path item
  }
  if (info.extra_paths) info.extra_paths(w);
  w.end_object();  // paths
  w.key("components").begin_object().key("schemas").begin_object();
  w.key("Problem").raw(
      R"({"type":"object","properties":{"type":{"type":"string"},"title":{"type":"string"},)"
      R"("status":{"type":"integer"},"detail":{"type":"string"},"instance":{"type":"string"},)"
      R"("code":{"type":"string"},"parameter":{"type":"string"}}})");
  w.end_object();  // schemas
  // Credentials every route accepts (security/): an API key as tk= or X-API-Key, or the
  // portal's session cookie. Optional by default (the empty requirement), as public data is
  // open unless the server requires keys.
  w.key("securitySchemes")
      .raw(R"({"apiKeyQuery":{"type":"apiKey","in":"query","name":"tk"},)"
           R"("apiKeyHeader":{"type":"apiKey","in":"header","name":"X-API-Key"},)"
           R"("sessionCookie":{"type":"apiKey","in":"cookie","name":"shikong_session"}})");
  w.end_object();  // components
  w.key("security").raw(R"([{},{"apiKeyQuery":[]},{"apiKeyHeader":[]},{"sessionCookie":[]}])");
  w.end_object();
  return w.take();
}

}  // namespace shikong::ogc
