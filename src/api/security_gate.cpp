// The gate's two steps around every handler and the cookie reading and writing they need.
// Everything is decided by security::SecurityService; this file only translates HTTP.
#include "api/security_gate.hpp"

#include <fmt/format.h>

#include <cmath>

#include "core/error.hpp"
#include "protocol/ogc_exception.hpp"
#include "protocol/problem.hpp"

namespace shikong::api {

namespace {

bool is_tchar(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (std::isalnum(u)) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// RFC 6265 cookie-octet: visible ASCII except '"', ',', ';' and '\'.
bool is_cookie_octet(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u == 0x21 || (u >= 0x23 && u <= 0x2B) || (u >= 0x2D && u <= 0x3A) ||
         (u >= 0x3C && u <= 0x5B) || (u >= 0x5D && u <= 0x7E);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool has_session_set_cookie(const protocol::Headers& headers) {
  const std::string prefix = std::string(kSessionCookie) + "=";
  for (const auto& [name, value] : headers.all())
    if (protocol::iequals(name, "Set-Cookie") && value.starts_with(prefix)) return true;
  return false;
}

bool safe_method(std::string_view m) {
  return m == "GET" || m == "HEAD" || m == "OPTIONS";
}

std::string api_key_of(const protocol::Request& req) {
  if (auto tk = req.param("tk")) return std::string(*tk);
  if (auto h = req.header("X-API-Key")) return std::string(trim(*h));
  return {};
}

}  // namespace

std::vector<std::pair<std::string, std::string>> parse_cookie_header(std::string_view header) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t start = 0;
  while (start <= header.size()) {
    std::size_t end = header.find(';', start);
    if (end == std::string_view::npos) end = header.size();
    const std::string_view pair = trim(header.substr(start, end - start));
    start = end + 1;
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view name = trim(pair.substr(0, eq));
    std::string_view value = trim(pair.substr(eq + 1));
    if (name.empty()) continue;
    bool ok = true;
    for (char c : name) ok = ok && is_tchar(c);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    for (char c : value) ok = ok && is_cookie_octet(c);
    if (!ok) continue;
    out.emplace_back(std::string(name), std::string(value));
  }
  return out;
}

std::optional<std::string> request_cookie(const protocol::Request& req, std::string_view name) {
  for (const auto& [header, line] : req.headers.all()) {
    if (!protocol::iequals(header, "Cookie")) continue;
    for (auto& [n, v] : parse_cookie_header(line))
      if (n == name) return std::move(v);
  }
  return std::nullopt;
}

std::string set_cookie_value(const SetCookie& c) {
  bool ok = !c.name.empty();
  for (char ch : c.name) ok = ok && is_tchar(ch);
  for (char ch : c.value) ok = ok && is_cookie_octet(ch);
  for (char ch : c.path) ok = ok && ch != ';' && static_cast<unsigned char>(ch) >= 0x20;
  if (!ok) throw InternalError("invalid-cookie", "a cookie could not be written");
  std::string s = c.name + "=" + c.value;
  if (c.max_age) s += fmt::format("; Max-Age={}", *c.max_age);
  if (!c.path.empty()) s += "; Path=" + c.path;
  if (c.http_only) s += "; HttpOnly";
  if (c.secure) s += "; Secure";
  if (!c.same_site.empty()) s += "; SameSite=" + c.same_site;
  return s;
}

void expire_session_cookies(protocol::Headers& headers, const SecurityGateSettings& settings,
                            bool both) {
  SetCookie c;
  c.name = std::string(kSessionCookie);
  c.max_age = 0;
  c.secure = settings.cookie_secure;
  headers.add("Set-Cookie", set_cookie_value(c));
  if (both) {
    c.name = std::string(kCsrfCookie);
    c.http_only = false;
    headers.add("Set-Cookie", set_cookie_value(c));
  }
}

const security::Principal& principal_of(const protocol::Request& req) {
  static const security::Principal anonymous;
  if (const auto* p = std::any_cast<security::Principal>(&req.principal)) return *p;
  return anonymous;
}

void require_role(const security::Principal& p, security::Role role) {
  if (!p.authenticated() || p.role == security::Role::anonymous)
    throw Unauthorized("unauthenticated", "sign in or present an API key to do this");
  if (!p.has_role(role))
    throw Forbidden("forbidden",
                    fmt::format("this needs the role {} or above", security::to_string(role)));
}

namespace {

// WMS, WMTS and CSW clients understand only their own exception reports, so refusals of those
// services are written in them; everything else gets problem+json.
enum class RefusalForm { problem, wms, wmts, csw };
RefusalForm refusal_form(const protocol::Route& route) {
  std::string_view p = route.pattern;
  if (p.ends_with("/wms")) return RefusalForm::wms;
  if (p.find("/wmts") != std::string_view::npos) return RefusalForm::wmts;
  if (p.ends_with("/csw")) return RefusalForm::csw;
  return RefusalForm::problem;
}

// The answer to a refused admission, with Retry-After when a wait helps.
protocol::Response refusal_response(const security::Admission& admission,
                                    const protocol::Request& req, const protocol::Route& route) {
  const int status = admission.status >= 400 ? admission.status : 403;
  protocol::Response r;
  switch (refusal_form(route)) {
    case RefusalForm::wms:
      r = protocol::Response::text(
          protocol::wms_exception_report(protocol::ows_code::no_applicable_code, admission.code,
                                         admission.detail),
          "text/xml; charset=UTF-8", status);
      break;
    case RefusalForm::wmts:
      r = protocol::Response::text(
          protocol::ows_exception_report(protocol::ows_code::no_applicable_code, admission.code,
                                         admission.detail, "1.0.0"),
          "application/xml; charset=UTF-8", status);
      break;
    case RefusalForm::csw:
      r = protocol::Response::text(
          protocol::ows10_exception_report(protocol::ows_code::no_applicable_code, admission.code,
                                           admission.detail),
          "application/xml; charset=UTF-8", status);
      break;
    case RefusalForm::problem:
      r = protocol::problem_response(status, admission.code, admission.detail, {}, req.path);
      break;
  }
  if (admission.retry_after_s > 0)
    r.headers.set("Retry-After",
                  std::to_string(static_cast<long long>(std::ceil(admission.retry_after_s))));
  return r;
}

}  // namespace

std::optional<protocol::Response> security_quick(security::SecurityService& security,
                                                 const protocol::Request& req,
                                                 const protocol::Route& route,
                                                 const SecurityGateSettings& settings) {
  if (route.route_class == protocol::RouteClass::health || req.method == "OPTIONS")
    return std::nullopt;
  if (auto refused =
          security.refuse_banned_ip(req.remote_ip, protocol::to_string(route.route_class))) {
    protocol::Response r = refusal_response(*refused, req, route);
    r.hold = settings.banned_hold;
    return r;
  }
  return std::nullopt;
}

std::optional<protocol::Response> security_before(security::SecurityService& security,
                                                  protocol::Request& req,
                                                  const protocol::Route& route,
                                                  const SecurityGateSettings& settings) {
  req.route_class.clear();
  if (route.route_class == protocol::RouteClass::health || req.method == "OPTIONS")
    return std::nullopt;
  req.route_class = std::string(protocol::to_string(route.route_class));

  security::ClientInfo client;
  client.ip = req.remote_ip;
  client.session_token = request_cookie(req, kSessionCookie).value_or("");
  client.api_key = api_key_of(req);
  client.referer = std::string(req.header("Referer").value_or(""));
  client.route_class = req.route_class;
  client.method = req.method;

  security::Admission admission = security.admit(client);
  req.principal = admission.principal;
  if (!admission.allowed) {
    protocol::Response r = refusal_response(admission, req, route);
    if (admission.clear_session_cookie) expire_session_cookies(r.headers, settings, false);
    return r;
  }

  const security::Principal& p = principal_of(req);
  // Cookies ride along on cross-site requests; a token only our pages can read proves the
  // write comes from them. Login and register make no use of an existing session.
  if (p.method == security::AuthMethod::session && !safe_method(req.method) &&
      route.route_class != protocol::RouteClass::login) {
    const auto token = req.header(kCsrfHeader);
    if (!token || !security.csrf_ok(p, trim(*token)))
      return protocol::problem_response(403, "csrf-failed",
                                        "This write needs the X-CSRF-Token header of the session.",
                                        kCsrfHeader, req.path);
  }

  // Refused before the body is read, so a refused upload is not spooled to disk.
  if (route.route_class == protocol::RouteClass::upload) {
    try {
      require_role(p, security::Role::publisher);
    } catch (const Error& e) {
      return protocol::problem_response(e, req.path);
    }
  }
  return std::nullopt;
}

void security_after(security::SecurityService& security, const protocol::Request& req,
                    protocol::Response& res, const SecurityGateSettings& settings) {
  if (req.route_class.empty()) return;
  security.record_result(req.route_class, res.status);
  // What a signed-in caller sees may include what others may not: no shared cache keeps it.
  if (principal_of(req).authenticated() && !res.headers.get("Cache-Control"))
    res.headers.set("Cache-Control", "private");
  // A session cookie that admitted nobody (expired, ended, unknown) is removed from the
  // browser; a key sent alongside decides the identity, so the cookie is then left alone.
  if (principal_of(req).method == security::AuthMethod::none && api_key_of(req).empty() &&
      request_cookie(req, kSessionCookie).value_or("") != "" &&
      !has_session_set_cookie(res.headers))
    expire_session_cookies(res.headers, settings, false);
}

}  // namespace shikong::api
