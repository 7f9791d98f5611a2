// The security gate in front of every route: turns a request into the engine's ClientInfo,
// answers refusals (401/403/429/503 with Retry-After), checks CSRF on cookie-authenticated
// writes and leaves the caller's Principal in the request. app/ installs it as http middleware.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/request.hpp"
#include "protocol/router.hpp"
#include "security/security.hpp"

namespace shikong::api {

inline constexpr std::string_view kSessionCookie = "shikong_session";
inline constexpr std::string_view kCsrfCookie = "shikong_csrf";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

struct SecurityGateSettings {
  bool cookie_secure = false;  // add Secure to the cookies (the public URL is https)
  // How long the refusal of a banned IP is held before it is sent (limits.ban_hold_ms).
  std::chrono::milliseconds banned_hold{1000};
};

// Before the handler. Skips health routes and OPTIONS. Returns the response to send instead of
// calling the handler (a refusal), or nullopt with req.principal and req.route_class set.
std::optional<protocol::Response> security_before(security::SecurityService& security,
                                                  protocol::Request& req,
                                                  const protocol::Route& route,
                                                  const SecurityGateSettings& settings);
// On the server's I/O thread, before `security_before`: the refusal of a banned client IP,
// decided from memory alone (health routes and OPTIONS pass). nullopt: go on as usual.
// The answer is held for settings.banned_hold (a tarpit).
std::optional<protocol::Response> security_quick(security::SecurityService& security,
                                                 const protocol::Request& req,
                                                 const protocol::Route& route,
                                                 const SecurityGateSettings& settings);
// After the handler (or a refusal): counts the answer for the service registry, marks answers
// to an authenticated caller Cache-Control: private (unless the handler chose a policy), and
// expires a session cookie the gate found stale (unless the handler set that cookie itself).
void security_after(security::SecurityService& security, const protocol::Request& req,
                    protocol::Response& res, const SecurityGateSettings& settings);

// The caller as the gate found it; an anonymous Principal when no gate ran.
const security::Principal& principal_of(const protocol::Request& req);

// Throw Unauthorized("unauthenticated") for an anonymous caller and Forbidden("forbidden") when
// the role is lower than `role`.
void require_role(const security::Principal& p, security::Role role);

// ---- cookies (RFC 6265) ----

// The name=value pairs of one Cookie header, in order; quoted values lose their quotes and
// malformed pairs (no '=', empty or invalid name, invalid value octets) are skipped.
std::vector<std::pair<std::string, std::string>> parse_cookie_header(std::string_view header);
// The first cookie of that name over every Cookie header line of the request.
std::optional<std::string> request_cookie(const protocol::Request& req, std::string_view name);

struct SetCookie {
  std::string name;
  std::string value;
  std::optional<long long> max_age;  // none: a session cookie; 0: expire it now
  bool http_only = true;
  bool secure = false;
  std::string same_site = "Lax";
  std::string path = "/";
};
// The Set-Cookie header value. Throws InternalError for a name or value a cookie cannot carry.
std::string set_cookie_value(const SetCookie& c);
// Set-Cookie headers that expire the session cookie (and the CSRF cookie when `both`).
void expire_session_cookies(protocol::Headers& headers, const SecurityGateSettings& settings,
                            bool both);

}  // namespace shikong::api
