// Small builders for the OpenAPI descriptions kept next to each /api/v1 route registration.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "ogc/openapi.hpp"

namespace shikong::api {

inline ogc::ParamDoc path_param(std::string name, std::string description) {
  ogc::ParamDoc p;
  p.name = std::move(name);
  p.in = "path";
  p.description = std::move(description);
  p.required = true;
  return p;
}

inline ogc::ParamDoc query_param(std::string name, std::string description,
                                 std::string schema = R"({"type":"string"})") {
  ogc::ParamDoc p;
  p.name = std::move(name);
  p.description = std::move(description);
  p.schema = std::move(schema);
  return p;
}

// A requestBody object for a JSON object with these properties (JSON Schema text, without
// braces) and required members.
inline std::string json_request_body(std::string_view properties, std::string_view required = {}) {
  std::string s = R"({"required":true,"content":{"application/json":{"schema":{"type":"object",)"
                  R"("additionalProperties":false,)";
  if (!required.empty()) s += R"("required":[)" + std::string(required) + "],";
  s += R"("properties":{)" + std::string(properties) + "}}}}}";
  return s;
}

}  // namespace shikong::api
