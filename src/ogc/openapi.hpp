// OpenAPI 3.0 documents built from the router's route table plus the parameter and response
// descriptions registered next to each route, so the document and the routes cannot drift.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/json_writer.hpp"
#include "protocol/router.hpp"

namespace shikong::ogc {

struct ParamDoc {
  std::string name;
  std::string in = "query";  // query | path | header
  std::string description;
  bool required = false;
  std::string schema = R"({"type":"string"})";  // a JSON Schema object, as JSON text
  bool explode = true;  // false for comma-separated lists (style form, explode false)
};

struct ResponseDoc {
  std::string status;  // "200", "202", "default", ...
  std::string description;
  std::string media_type;  // empty: no content
  std::string schema;      // JSON Schema as JSON text; empty: {"type":"object"}
};

struct OperationDoc {
  std::string description;
  std::vector<std::string> tags;
  std::vector<ParamDoc> parameters;
  std::string request_body;  // a complete OpenAPI requestBody object as JSON text, or empty
  std::vector<ResponseDoc> responses;
};

// The descriptions of a set of routes, keyed by method and pattern.
class ApiDocs {
 public:
  void add(std::string method, std::string pattern, OperationDoc doc);
  const OperationDoc* find(std::string_view method, std::string_view pattern) const;

 private:
  struct Entry {
    std::string method;
    std::string pattern;
    OperationDoc doc;
  };
  std::vector<Entry> entries_;
};

// Adds `route` to `router` and its description to `docs`: the one place both are written.
void add_documented_route(protocol::Router& router, ApiDocs& docs, protocol::Route route,
                          OperationDoc doc);

struct OpenApiInfo {
  std::string title;
  std::string version = "1.0.0";
  std::string description;
  // Only routes under this prefix are described; the server URL carries it and the paths in
  // the document are relative to it ("/ogc" + "/collections").
  std::string prefix;
  // Writes further members of "paths" ("/collections/x/items": {...}) after the routes', for
  // documents that describe per-collection operations.
  std::function<void(protocol::JsonWriter&)> extra_paths;
};

// Writes one OpenAPI parameter object.
void write_parameter(protocol::JsonWriter& w, const ParamDoc& p);

// The OpenAPI 3.0.3 document (JSON) for the routes of `router` under `info.prefix`. Routes
// without an entry in `docs` get their summary, path parameters and a default response.
// Path parameters of a pattern ({collectionId}) are always declared.
std::string build_openapi_document(const protocol::Router& router, const ApiDocs& docs,
                                   const OpenApiInfo& info, std::string_view base_url);

// The media type of an OpenAPI 3.0 JSON document.
inline constexpr std::string_view kOpenApiMediaType =
    "application/vnd.oai.openapi+json;version=3.0";

}  // namespace shikong::ogc
