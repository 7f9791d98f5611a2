// The OpenAPI 3.0 document of the native API (/api/v1/openapi.json), built by the same builder
// as the OGC one (ogc/openapi.hpp) from the route table and the descriptions kept next to each
// route registration in datasets.cpp.
#pragma once

#include <string>
#include <string_view>

#include "api/datasets.hpp"
#include "ogc/openapi.hpp"
#include "protocol/router.hpp"

namespace shikong::api {

// Every route of `router` under settings.prefix, described by `docs` where it has an entry.
std::string build_api_openapi(const protocol::Router& router, const ogc::ApiDocs& docs,
                              const ApiSettings& settings, std::string_view base_url);

}  // namespace shikong::api
