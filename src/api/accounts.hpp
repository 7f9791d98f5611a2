// The /api/v1 routes of the supporting environment: sign-up, sign-in and sessions (/auth), API
// keys and their usage (/keys), and the back office (/admin: users, keys, usage, services,
// bans, audit log). Each is documented in /api/v1/openapi.json like the dataset routes.
#pragma once

#include "api/datasets.hpp"
#include "api/security_gate.hpp"
#include "protocol/router.hpp"
#include "security/security.hpp"
#include "storage/store.hpp"

namespace shikong::api {

struct SecurityApiContext {
  security::SecurityService& security;
  storage::Store& store;
  // The prefix, and the shared OpenAPI descriptions (pass the same settings as to
  // register_api_routes so both sets of routes are described in one document).
  ApiSettings settings;
  SecurityGateSettings gate;
};

// Registers /auth/*, /keys* and /admin/* under settings.prefix. The security service and the
// store must outlive the routes.
void register_security_routes(protocol::Router& router, const SecurityApiContext& context);

}  // namespace shikong::api
