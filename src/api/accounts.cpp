// /api/v1 handlers for accounts, sessions, API keys and the back office: parse and check the
// request, call the security engine (which decides and audits), write JSON. Secrets appear in
// a response once: the session token as a cookie at login, a key's secret when it is created.
#include "api/accounts.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <set>

#include "api/json_body.hpp"
#include "api/route_docs.hpp"
#include "core/error.hpp"
#include "datum/time.hpp"
#include "protocol/json_writer.hpp"
#include "protocol/query.hpp"

namespace shikong::api {

namespace {

using protocol::JsonWriter;
using protocol::Request;
using protocol::Response;
using security::Principal;
using security::Role;

constexpr std::string_view kJson = "application/json";
constexpr std::size_t kMaxName = 256;  // bytes; the engine checks the name's characters
constexpr std::size_t kMaxPassword = 1024;
constexpr std::size_t kMaxText = 500;
constexpr std::size_t kMaxList = 100;
constexpr std::int64_t kMaxBanSeconds = 10LL * 365 * 86400;

struct State {
  security::SecurityService* security = nullptr;
  storage::Store* store = nullptr;
  ApiSettings settings;
  SecurityGateSettings gate;
};

std::string excerpt(std::string_view s) {
  return s.size() > 40 ? std::string(s.substr(0, 40)) + "..." : std::string(s);
}

std::string rfc3339(Instant t) {
  return datum::format_rfc3339_utc(t);
}

// An instant where 0 means "never".
void instant_or_null(JsonWriter& w, std::string_view name, Instant t) {
  w.key(name);
  if (t.micros == 0)
    w.null();
  else
    w.value(rfc3339(t));
}

Response json(std::string body, int status = 200) {
  Response r = Response::text(std::move(body), std::string(kJson), status);
  // Account data is personal: no shared cache may keep it.
  r.headers.set("Cache-Control", "no-store");
  return r;
}

Response no_content() {
  Response r;
  r.status = 204;
  r.headers.set("Cache-Control", "no-store");
  return r;
}

void reject_unknown_parameters(const State& st, const Request& req,
                               const std::set<std::string, std::less<>>& known) {
  for (const auto& [name, value] : req.query) {
    if (known.count(name)) continue;
    if (std::find(st.settings.passthrough_parameters.begin(),
                  st.settings.passthrough_parameters.end(),
                  name) != st.settings.passthrough_parameters.end())
      continue;
    throw InvalidInput("unknown-parameter",
                       fmt::format("'{}' is not a parameter of this operation", excerpt(name)),
                       name);
  }
}

// "YYYY-MM-DD" (a usage day) or empty.
std::string day_param(const Request& req, std::string_view name) {
  auto v = req.param(name);
  if (!v || v->empty()) return {};
  bool ok = v->size() == 10 && (*v)[4] == '-' && (*v)[7] == '-';
  for (std::size_t i = 0; ok && i < v->size(); ++i)
    if (i != 4 && i != 7) ok = std::isdigit(static_cast<unsigned char>((*v)[i])) != 0;
  if (ok) {
    const int month = std::stoi(std::string(v->substr(5, 2)));
    const int day = std::stoi(std::string(v->substr(8, 2)));
    ok = month >= 1 && month <= 12 && day >= 1 && day <= 31;
  }
  if (!ok)
    throw InvalidInput("invalid-parameter-value",
                       fmt::format("{} must be a day as YYYY-MM-DD", name), std::string(name));
  return std::string(*v);
}

std::int64_t int_param(const Request& req, std::string_view name, std::int64_t fallback,
                       std::int64_t min, std::int64_t max) {
  auto v = req.param(name);
  if (!v) return fallback;
  std::int64_t n = 0;
  const char* end = v->data() + v->size();
  auto [p, ec] = std::from_chars(v->data(), end, n);
  if (v->empty() || ec != std::errc() || p != end || n < min || n > max)
    throw InvalidInput("invalid-parameter-value",
                       fmt::format("{} must be an integer from {} to {}", name, min, max),
                       std::string(name));
  return n;
}

// An RFC 3339 instant (or a date, meaning its midnight in the platform zone).
datum::ParsedTime time_value(std::string_view text, std::string_view name) {
  datum::TimeParseOptions o;
  o.allow_unix = false;
  auto t = datum::parse_time(text, o);
  if (!t)
    throw InvalidInput("invalid-parameter-value",
                       fmt::format("{} must be an RFC 3339 date-time", name), std::string(name));
  return *t;
}

Role role_value(std::string_view text) {
  auto r = security::role_from_string(text);
  if (!r)
    throw InvalidInput("invalid-parameter-value",
                       "role must be one of user, publisher, reviewer, admin", "role");
  return *r;
}

std::string_view method_name(security::AuthMethod m) {
  switch (m) {
    case security::AuthMethod::session:
      return "session";
    case security::AuthMethod::key:
      return "key";
    case security::AuthMethod::none:
      break;
  }
  return "none";
}

void write_strings(JsonWriter& w, std::string_view name, const std::vector<std::string>& v) {
  w.key(name).begin_array();
  for (const auto& s : v) w.value(s);
  w.end_array();
}

// ---- JSON documents ----

void write_user(JsonWriter& w, const storage::UserRecord& u, Instant now) {
  w.begin_object();
  w.member("name", u.name);
  w.member("display_name", u.display_name);
  w.member("email", u.email);
  w.member("role", u.role);
  write_strings(w, "groups", u.groups);
  w.member("disabled", u.disabled);
  w.member("created", rfc3339(u.created));
  w.member("updated", rfc3339(u.updated));
  instant_or_null(w, "last_login", u.last_login);
  if (u.locked_until.micros != 0 && u.locked_until > now)
    w.member("locked_until", rfc3339(u.locked_until));
  w.end_object();
}

void write_key(JsonWriter& w, const storage::ApiKeyRecord& k, const std::string* secret) {
  w.begin_object();
  w.member("id", k.id);
  w.member("name", k.name);
  w.member("owner", k.owner);
  write_strings(w, "referers", k.referers);
  write_strings(w, "ips", k.ips);
  w.key("quotas").begin_object();
  for (const auto& [service, n] : k.quotas) w.member(service, n);
  w.end_object();
  w.key("expires");
  if (k.expires)
    w.value(rfc3339(*k.expires));
  else
    w.null();
  w.member("disabled", k.disabled);
  w.member("created", rfc3339(k.created));
  w.member("updated", rfc3339(k.updated));
  instant_or_null(w, "last_used", k.last_used);
  if (secret) w.member("key", *secret);
  w.end_object();
}

// Usage rows as the "usage" member; the key id is written when the rows span several keys.
void write_usage(JsonWriter& w, const std::vector<storage::UsageRow>& rows, bool with_key_id) {
  w.key("usage").begin_array();
  for (const auto& u : rows) {
    w.begin_object();
    if (with_key_id) w.member("key_id", u.key_id);
    w.member("day", u.day);
    w.member("service", u.service);
    w.member("count", u.count);
    w.member("denied", u.denied);
    w.end_object();
  }
  w.end_array();
}

void write_service(JsonWriter& w, const security::ServiceStatus& s) {
  w.begin_object();
  w.member("service", s.service);
  w.member("enabled", s.enabled);
  w.member("requests", s.requests);
  w.member("errors", s.errors);
  w.member("refused", s.refused);
  w.member("error_rate",
           s.requests > 0 ? static_cast<double>(s.errors) / static_cast<double>(s.requests) : 0.0);
  w.end_object();
}

void write_ban(JsonWriter& w, const storage::BanRecord& b) {
  w.begin_object();
  w.member("dimension", b.dimension);
  w.member("value", b.value);
  w.member("until", rfc3339(b.until));
  w.member("reason", b.reason);
  w.end_object();
}

Response user_response(const State& st, const storage::UserRecord& u, int status = 200) {
  JsonWriter w(512);
  write_user(w, u, st.security->now());
  return json(w.take(), status);
}

Response key_response(const storage::ApiKeyRecord& k, const std::string* secret = nullptr,
                      int status = 200) {
  JsonWriter w(512);
  write_key(w, k, secret);
  return json(w.take(), status);
}

// Keys are minted and changed from a signed-in session: a key presented by an application
// (often visible in a web page) must not be able to make or widen keys for its owner.
void require_key_manager(const Principal& p) {
  require_role(p, Role::user);
  if (p.method == security::AuthMethod::key && !p.has_role(Role::admin))
    throw Forbidden("session-required", "sign in to create or change API keys");
}

// ---- /auth ----

Response register_user(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  JsonBody b(req, {"name", "password", "display_name", "email"});
  security::NewUser u;
  u.name = b.required_string("name", kMaxName);
  u.password = b.required_string("password", kMaxPassword);
  u.display_name = b.string("display_name", kMaxText).value_or("");
  u.email = b.string("email", kMaxText).value_or("");
  const auto user = st.security->register_user(principal_of(req), u, req.remote_ip);
  return user_response(st, user, 201);
}

Response login(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  JsonBody b(req, {"name", "password"});
  const std::string name = b.required_string("name", kMaxName);
  const std::string password = b.required_string("password", kMaxPassword);
  const std::string previous = request_cookie(req, kSessionCookie).value_or("");
  const security::LoginResult r = st.security->login(name, password, req.remote_ip, previous);

  JsonWriter w(768);
  w.begin_object();
  w.key("user");
  write_user(w, r.user, st.security->now());
  w.member("csrf_token", r.csrf_token);
  w.member("expires", rfc3339(r.expires));
  w.end_object();
  Response res = json(w.take());
  SetCookie session;
  session.name = std::string(kSessionCookie);
  session.value = r.session_token;
  session.max_age = st.security->settings().session_ttl_s;
  session.secure = st.gate.cookie_secure;
  res.headers.add("Set-Cookie", set_cookie_value(session));
  // Readable by the portal's scripts, which echo it in X-CSRF-Token.
  SetCookie csrf = session;
  csrf.name = std::string(kCsrfCookie);
  csrf.value = r.csrf_token;
  csrf.http_only = false;
  res.headers.add("Set-Cookie", set_cookie_value(csrf));
  return res;
}

Response logout(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  const Principal& p = principal_of(req);
  if (p.method == security::AuthMethod::session) st.security->logout(p, req.remote_ip);
  Response r = no_content();
  expire_session_cookies(r.headers, st.gate, true);
  return r;
}

Response me(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  const Principal& p = principal_of(req);
  JsonWriter w(512);
  w.begin_object();
  if (!p.authenticated() || p.user.empty()) {
    w.member("role", "anonymous");
    w.member("method", "none");
    w.end_object();
    return json(w.take());
  }
  const auto user = st.security->find_user(p.user);
  w.member("name", p.user);
  w.member("role", security::to_string(p.role));
  write_strings(w, "groups", p.groups);
  w.member("display_name", user ? user->display_name : std::string());
  w.member("email", user ? user->email : std::string());
  w.member("method", method_name(p.method));
  if (!p.key_id.empty()) w.member("key_id", p.key_id);
  w.end_object();
  return json(w.take());
}

Response change_password(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  const Principal& p = principal_of(req);
  require_role(p, Role::user);
  JsonBody b(req, {"old_password", "new_password"});
  const std::string old_pw = b.required_string("old_password", kMaxPassword);
  const std::string new_pw = b.required_string("new_password", kMaxPassword);
  st.security->change_password(p, old_pw, new_pw, req.remote_ip);
  return no_content();
}

// ---- /keys ----

std::optional<Instant> expires_value(const JsonBody& b) {
  if (b.is_null("expires")) return std::nullopt;
  const auto text = b.string("expires", 64);
  if (!text) return std::nullopt;
  return time_value(*text, "expires").instant;
}

security::KeyPatch key_patch(const JsonBody& b) {
  security::KeyPatch patch;
  if (auto v = b.string("name", kMaxText)) patch.name = std::move(*v);
  if (auto v = b.strings("referers", kMaxList, kMaxText)) patch.referers = std::move(*v);
  if (auto v = b.strings("ips", kMaxList, 64)) patch.ips = std::move(*v);
  if (auto v = b.counts("quotas", 32)) patch.quotas = std::move(*v);
  if (b.has("expires")) patch.expires = expires_value(b);
  if (auto v = b.boolean("disabled")) patch.disabled = *v;
  return patch;
}

Response list_own_keys(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  const Principal& p = principal_of(req);
  require_role(p, Role::user);
  JsonWriter w(2048);
  w.begin_object();
  w.key("keys").begin_array();
  for (const auto& k : st.security->list_keys(p, false)) write_key(w, k, nullptr);
  w.end_array();
  w.end_object();
  return json(w.take());
}

Response create_key(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  const Principal& p = principal_of(req);
  require_key_manager(p);
  JsonBody b(req, {"name", "referers", "ips", "quotas", "expires", "disabled", "owner"});
  security::KeySpec spec;
  spec.name = b.string("name", kMaxText).value_or("");
  spec.referers = b.strings("referers", kMaxList, kMaxText).value_or(std::vector<std::string>{});
  spec.ips = b.strings("ips", kMaxList, 64).value_or(std::vector<std::string>{});
  spec.quotas = b.counts("quotas", 32).value_or(std::map<std::string, std::int64_t>{});
  spec.expires = expires_value(b);
  spec.disabled = b.boolean("disabled").value_or(false);
  spec.owner = b.string("owner", kMaxName).value_or("");
  if (!spec.owner.empty() && spec.owner != p.user && !p.has_role(Role::admin))
    throw Forbidden("forbidden", "only an admin may create a key for another user");
  const security::CreatedKey created = st.security->create_key(p, spec, req.remote_ip);
  Response r = key_response(created.record, &created.secret, 201);
  r.headers.set("Location",
                st.settings.prefix + "/keys/" + protocol::url_encode(created.record.id));
  return r;
}

Response get_key(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  const Principal& p = principal_of(req);
  require_role(p, Role::user);
  return key_response(st.security->find_key(p, req.path_param("keyId")));
}

Response patch_key(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  const Principal& p = principal_of(req);
  require_key_manager(p);
  JsonBody b(req, {"name", "referers", "ips", "quotas", "expires", "disabled"});
  const security::KeyPatch patch = key_patch(b);
  return key_response(st.security->update_key(p, req.path_param("keyId"), patch, req.remote_ip));
}

Response delete_key(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  const Principal& p = principal_of(req);
  require_key_manager(p);
  st.security->delete_key(p, req.path_param("keyId"), req.remote_ip);
  return no_content();
}

Response key_usage(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {"from", "to"});
  const Principal& p = principal_of(req);
  require_role(p, Role::user);
  const std::string from = day_param(req, "from");
  const std::string to = day_param(req, "to");
  const std::string id(req.path_param("keyId"));
  const auto rows = st.security->key_usage(p, id, from, to);
  JsonWriter w(1024);
  w.begin_object();
  w.member("key_id", id);
  write_usage(w, rows, false);
  w.end_object();
  return json(w.take());
}

// ---- /admin ----

Response admin_list_users(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  const Instant now = st.security->now();
  JsonWriter w(4096);
  w.begin_object();
  w.key("users").begin_array();
  for (const auto& u : st.security->list_users(principal_of(req))) write_user(w, u, now);
  w.end_array();
  w.end_object();
  return json(w.take());
}

Response admin_create_user(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  JsonBody b(req, {"name", "password", "role", "groups", "display_name", "email"});
  security::NewUser u;
  u.name = b.required_string("name", kMaxName);
  u.password = b.required_string("password", kMaxPassword);
  if (auto r = b.string("role", 32)) u.role = role_value(*r);
  u.groups = b.strings("groups", kMaxList, kMaxName).value_or(std::vector<std::string>{});
  u.display_name = b.string("display_name", kMaxText).value_or("");
  u.email = b.string("email", kMaxText).value_or("");
  const auto user = st.security->register_user(principal_of(req), u, req.remote_ip);
  Response r = user_response(st, user, 201);
  r.headers.set("Location", st.settings.prefix + "/admin/users/" + protocol::url_encode(user.name));
  return r;
}

Response admin_get_user(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  auto user = st.security->find_user(req.path_param("name"));
  if (!user) throw NotFound("user-not-found", "there is no user with this name", "name");
  return user_response(st, *user);
}

Response admin_patch_user(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  JsonBody b(req, {"role", "groups", "disabled", "display_name", "email"});
  security::UserPatch patch;
  if (auto r = b.string("role", 32)) patch.role = role_value(*r);
  if (auto g = b.strings("groups", kMaxList, kMaxName)) patch.groups = std::move(*g);
  if (auto d = b.boolean("disabled")) patch.disabled = *d;
  if (auto v = b.string("display_name", kMaxText)) patch.display_name = std::move(*v);
  if (auto v = b.string("email", kMaxText)) patch.email = std::move(*v);
  const auto user =
      st.security->update_user(principal_of(req), req.path_param("name"), patch, req.remote_ip);
  return user_response(st, user);
}

Response admin_delete_user(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  st.security->delete_user(principal_of(req), req.path_param("name"), req.remote_ip);
  return no_content();
}

Response admin_reset_password(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  JsonBody b(req, {"password"});
  const std::string password = b.required_string("password", kMaxPassword);
  st.security->reset_password(principal_of(req), req.path_param("name"), password, req.remote_ip);
  return no_content();
}

Response admin_list_keys(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {"owner"});
  const std::string owner(req.param("owner").value_or(""));
  JsonWriter w(4096);
  w.begin_object();
  w.key("keys").begin_array();
  for (const auto& k : st.security->list_keys(principal_of(req), true))
    if (owner.empty() || k.owner == owner) write_key(w, k, nullptr);
  w.end_array();
  w.end_object();
  return json(w.take());
}

Response admin_patch_key(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  JsonBody b(req, {"name", "referers", "ips", "quotas", "expires", "disabled"});
  const security::KeyPatch patch = key_patch(b);
  return key_response(
      st.security->update_key(principal_of(req), req.path_param("keyId"), patch, req.remote_ip));
}

Response admin_usage(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {"from", "to"});
  const std::string from = day_param(req, "from");
  const std::string to = day_param(req, "to");
  JsonWriter w(4096);
  w.begin_object();
  write_usage(w, st.security->all_usage(principal_of(req), from, to), true);
  w.end_object();
  return json(w.take());
}

Response admin_services(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  JsonWriter w(2048);
  w.begin_object();
  w.key("services").begin_array();
  for (const auto& s : st.security->services()) write_service(w, s);
  w.end_array();
  w.end_object();
  return json(w.take());
}

Response admin_patch_service(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  const std::string service(req.path_param("service"));
  const auto& known = security::registry_services;
  if (std::find(std::begin(known), std::end(known), service) == std::end(known))
    throw NotFound("service-not-found", "there is no service with this name", "service");
  JsonBody b(req, {"enabled"});
  const auto enabled = b.boolean("enabled");
  if (!enabled) throw InvalidInput("missing-parameter", "the body needs enabled", "enabled");
  st.security->set_service_enabled(principal_of(req), service, *enabled, req.remote_ip);
  for (const auto& s : st.security->services()) {
    if (s.service != service) continue;
    JsonWriter w(256);
    write_service(w, s);
    return json(w.take());
  }
  throw NotFound("service-not-found", "there is no service with this name", "service");
}

Response admin_bans(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  JsonWriter w(2048);
  w.begin_object();
  w.key("bans").begin_array();
  for (const auto& b : st.security->bans()) write_ban(w, b);
  w.end_array();
  w.end_object();
  return json(w.take());
}

constexpr std::string_view kBanDimensions[] = {"ip", "cookie", "referer", "key", "user"};

void check_dimension(std::string_view d) {
  if (std::find(std::begin(kBanDimensions), std::end(kBanDimensions), d) ==
      std::end(kBanDimensions))
    throw InvalidInput("invalid-parameter-value",
                       "dimension must be one of ip, cookie, referer, key, user", "dimension");
}

Response admin_ban(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  JsonBody b(req, {"dimension", "value", "seconds", "reason"});
  const std::string dimension = b.required_string("dimension", 16);
  check_dimension(dimension);
  const std::string value = b.required_string("value", kMaxText);
  if (value.empty())
    throw InvalidInput("invalid-parameter-value", "value must not be empty", "value");
  const auto seconds = b.integer("seconds", 1, kMaxBanSeconds);
  if (!seconds) throw InvalidInput("missing-parameter", "the body needs seconds", "seconds");
  const std::string reason = b.string("reason", kMaxText).value_or("");
  st.security->ban(principal_of(req), dimension, value, static_cast<int>(*seconds), reason,
                   req.remote_ip);
  storage::BanRecord made{
      dimension, value, Instant{st.security->now().micros + *seconds * 1'000'000}, reason, {}};
  for (const auto& ban : st.security->bans())
    if (ban.dimension == dimension && ban.value == value) made = ban;
  JsonWriter w(256);
  write_ban(w, made);
  return json(w.take(), 201);
}

Response admin_unban(const State& st, Request& req) {
  reject_unknown_parameters(st, req, {});
  const std::string dimension(req.path_param("dimension"));
  check_dimension(dimension);
  st.security->unban(principal_of(req), dimension, req.path_param("value"), req.remote_ip);
  return no_content();
}

// RFC 4180: a field with a comma, quote, CR or LF is quoted and its quotes doubled.
void append_csv_field(std::string& out, std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void append_csv_row(std::string& out, const storage::AuditEvent& e) {
  out += std::to_string(e.seq);
  const std::string at = rfc3339(e.at);
  for (std::string_view f :
       {std::string_view(at), std::string_view(e.actor), std::string_view(e.action),
        std::string_view(e.target), std::string_view(e.ip), std::string_view(e.outcome),
        std::string_view(e.detail)}) {
    out += ',';
    append_csv_field(out, f);
  }
  out += "\r\n";
}

Response admin_audit(const State& st, Request& req) {
  reject_unknown_parameters(
      st, req, {"from", "to", "actor", "action", "target", "after", "limit", "format"});
  const std::string format(req.param("format").value_or("json"));
  if (format != "json" && format != "csv")
    throw InvalidInput("invalid-parameter-value", "format must be json or csv", "format");
  storage::AuditQuery q;
  if (auto v = req.param("from"); v && !v->empty()) q.from = time_value(*v, "from").instant;
  if (auto v = req.param("to"); v && !v->empty()) {
    // A date alone includes its whole day.
    const auto t = time_value(*v, "to");
    q.to = t.date_only ? Instant{t.last.micros + 1} : t.instant;
  }
  q.actor = std::string(req.param("actor").value_or(""));
  q.action = std::string(req.param("action").value_or(""));
  q.target = std::string(req.param("target").value_or(""));
  q.after_seq = int_param(req, "after", 0, 0, INT64_MAX);
  const Principal& p = principal_of(req);

  if (format == "csv") {
    // Streamed page by page: an export of the whole log never sits in memory at once.
    struct Cursor {
      security::SecurityService* security;
      Principal principal;
      storage::AuditQuery query;
      std::int64_t remaining;
      bool header = false;
    };
    auto c = std::make_shared<Cursor>(
        Cursor{st.security, p, q, int_param(req, "limit", -1, 1, 1'000'000), false});
    c->query.limit = 1000;
    // Checked now, so that a caller who may not read the log gets an error status, not a
    // truncated body.
    (void)st.security->audit_log(
        p, storage::AuditQuery{q.from, q.to, q.actor, q.action, q.target, q.after_seq, 1});
    Response r;
    r.headers.set("Content-Type", "text/csv; charset=utf-8");
    r.headers.set("Content-Disposition", "attachment; filename=\"audit.csv\"");
    r.headers.set("Cache-Control", "no-store");
    r.stream = [c](std::string& chunk) -> bool {
      if (!c->header) {
        chunk += "seq,at,actor,action,target,ip,outcome,detail\r\n";
        c->header = true;
      }
      if (c->remaining == 0) return false;
      auto page = c->query;
      if (c->remaining > 0) page.limit = std::min<std::int64_t>(page.limit, c->remaining);
      const auto events = c->security->audit_log(c->principal, page);
      for (const auto& e : events) append_csv_row(chunk, e);
      if (!events.empty()) c->query.after_seq = events.back().seq;
      if (c->remaining > 0) c->remaining -= static_cast<std::int64_t>(events.size());
      return static_cast<std::int64_t>(events.size()) == page.limit && c->remaining != 0;
    };
    return r;
  }

  q.limit = int_param(req, "limit", 100, 1, 1000);
  const auto events = st.security->audit_log(p, q);
  simdjson::dom::parser detail_parser;
  JsonWriter w(8192);
  w.begin_object();
  w.key("events").begin_array();
  for (const auto& e : events) {
    w.begin_object();
    w.member("seq", e.seq);
    w.member("at", rfc3339(e.at));
    w.member("actor", e.actor);
    w.member("action", e.action);
    w.member("target", e.target);
    w.member("ip", e.ip);
    w.member("outcome", e.outcome);
    // The detail is a JSON object written by shikong; checked all the same, as any module may
    // append events and one bad detail must not break the whole document.
    w.key("detail");
    simdjson::dom::element detail;
    if (e.detail.empty())
      w.raw("{}");
    else if (detail_parser.parse(e.detail).get(detail) == simdjson::SUCCESS)
      w.raw(simdjson::minify(detail));
    else
      w.value(e.detail);
    w.end_object();
  }
  w.end_array();
  w.key("next_after");
  if (static_cast<std::int64_t>(events.size()) == q.limit)
    w.value(events.back().seq);
  else
    w.null();
  w.end_object();
  return json(w.take());
}

// ---- route documentation ----

const std::string kProblem = "application/problem+json";

ogc::ResponseDoc ok(std::string status, std::string description, std::string schema = {}) {
  return {std::move(status), std::move(description),
          status == "204" ? std::string() : std::string(kJson), std::move(schema)};
}

ogc::ResponseDoc problem(std::string status, std::string description) {
  return {std::move(status), std::move(description), kProblem,
          R"({"$ref":"#/components/schemas/Problem"})"};
}

constexpr std::string_view kKeyProperties =
    R"("name":{"type":"string"},"referers":{"type":"array","items":{"type":"string"}},)"
    R"("ips":{"type":"array","items":{"type":"string"}},)"
    R"("quotas":{"type":"object","additionalProperties":{"type":"integer","minimum":0}},)"
    R"("expires":{"type":"string","format":"date-time","nullable":true},)"
    R"("disabled":{"type":"boolean"})";

constexpr std::string_view kUserPatchProperties =
    R"("role":{"type":"string","enum":["user","publisher","reviewer","admin"]},)"
    R"("groups":{"type":"array","items":{"type":"string"}},"disabled":{"type":"boolean"},)"
    R"("display_name":{"type":"string"},"email":{"type":"string"})";

}  // namespace

void register_security_routes(protocol::Router& router, const SecurityApiContext& context) {
  auto st = std::make_shared<State>();
  st->security = &context.security;
  st->store = &context.store;
  st->settings = context.settings;
  st->gate = context.gate;
  if (!st->settings.docs) st->settings.docs = std::make_shared<ogc::ApiDocs>();
  std::shared_ptr<const State> cst = st;
  const std::string pre = st->settings.prefix;
  ogc::ApiDocs& docs = *st->settings.docs;

  enum class Need { none, admin };
  auto route = [&](std::string method, std::string pattern, std::string summary, std::string op,
                   Response (*fn)(const State&, Request&), ogc::OperationDoc doc,
                   protocol::RouteClass cls = protocol::RouteClass::api, Need need = Need::none) {
    protocol::Route r;
    r.method = std::move(method);
    r.pattern = pre + pattern;
    r.handler = [cst, fn, need](Request& req) {
      if (need == Need::admin) require_role(principal_of(req), Role::admin);
      return fn(*cst, req);
    };
    r.route_class = cls;
    r.summary = std::move(summary);
    r.operation_id = std::move(op);
    ogc::add_documented_route(router, docs, std::move(r), std::move(doc));
  };
  const auto login_cls = protocol::RouteClass::login;
  const auto admin_cls = protocol::RouteClass::admin;
  const auto unauth = problem("401", "Not signed in");
  const auto forbidden = problem("403", "Not allowed (role, or a missing X-CSRF-Token)");
  const auto bad = problem("400", "A malformed body or parameter (the problem names it)");
  const auto key_id = path_param("keyId", "The id of an API key");
  const auto user_name = path_param("name", "A user name");
  const auto day_from = query_param("from", "First day (YYYY-MM-DD), inclusive",
                                    R"({"type":"string","format":"date"})");
  const auto day_to =
      query_param("to", "Last day (YYYY-MM-DD), inclusive", R"({"type":"string","format":"date"})");

  // -- auth --
  route("POST", "/auth/register", "Register an account", "register", register_user,
        {"Creates a plain user account (when registration is open).",
         {"Accounts"},
         {},
         json_request_body(R"("name":{"type":"string"},"password":{"type":"string"},)"
                           R"("display_name":{"type":"string"},"email":{"type":"string"})",
                           R"("name","password")"),
         {ok("201", "The new user"), bad, problem("403", "Registration is closed"),
          problem("409", "The name is taken")}},
        login_cls);
  route("POST", "/auth/login", "Sign in", "login", login,
        {"Checks the password and starts a session: sets the HttpOnly session cookie and the "
         "CSRF cookie whose value writes must echo in X-CSRF-Token.",
         {"Accounts"},
         {},
         json_request_body(R"("name":{"type":"string"},"password":{"type":"string"})",
                           R"("name","password")"),
         {ok("200", "The user, the CSRF token and the session's end"), bad,
          problem("401", "Wrong name or password"),
          problem("429", "Locked after failed logins; see Retry-After")}},
        login_cls);
  route("POST", "/auth/logout", "Sign out", "logout", logout,
        {"Ends the session and expires its cookies.",
         {"Accounts"},
         {},
         {},
         {ok("204", "Signed out"), forbidden}});
  route("GET", "/auth/me", "Who am I", "me", me,
        {"The caller: user, role, groups and how they were identified (session, key or none).",
         {"Accounts"},
         {},
         {},
         {ok("200", "The caller")}});
  route("POST", "/auth/password", "Change my password", "changePassword", change_password,
        {"Changes the caller's password (the old one is required).",
         {"Accounts"},
         {},
         json_request_body(R"("old_password":{"type":"string"},"new_password":{"type":"string"})",
                           R"("old_password","new_password")"),
         {ok("204", "Changed"), bad, unauth, forbidden}});

  // -- keys --
  route("GET", "/keys", "List my API keys", "listKeys", list_own_keys,
        {"The caller's API keys (never their secrets).",
         {"API keys"},
         {},
         {},
         {ok("200", "The keys"), unauth}});
  route("POST", "/keys", "Create an API key", "createKey", create_key,
        {"Creates a key bound to Referer patterns and IPs, with daily quotas per service. The "
         "answer's `key` member is the secret: it is shown this once.",
         {"API keys"},
         {},
         json_request_body(std::string(kKeyProperties) + R"(,"owner":{"type":"string"})"),
         {ok("201", "The key, with its secret"), bad, unauth, forbidden}});
  route("GET", "/keys/{keyId}", "Read an API key", "getKey", get_key,
        {"One of the caller's keys (any key for an admin).",
         {"API keys"},
         {key_id},
         {},
         {ok("200", "The key"), unauth, problem("404", "No such key")}});
  route("PATCH", "/keys/{keyId}", "Change an API key", "patchKey", patch_key,
        {"Changes the members given; expires null removes the expiry.",
         {"API keys"},
         {key_id},
         json_request_body(kKeyProperties),
         {ok("200", "The changed key"), bad, unauth, problem("404", "No such key")}});
  route("DELETE", "/keys/{keyId}", "Delete an API key", "deleteKey", delete_key,
        {"Deletes the key; its usage stays counted.",
         {"API keys"},
         {key_id},
         {},
         {ok("204", "Deleted"), unauth, problem("404", "No such key")}});
  route("GET", "/keys/{keyId}/usage", "API key usage", "getKeyUsage", key_usage,
        {"Requests counted per day and service, and requests refused.",
         {"API keys"},
         {key_id, day_from, day_to},
         {},
         {ok("200", "The usage rows"), bad, unauth, problem("404", "No such key")}});

  // -- admin --
  const auto admin_errors = [&](std::vector<ogc::ResponseDoc> r) {
    r.push_back(unauth);
    r.push_back(problem("403", "The caller is not an admin"));
    return r;
  };
  route("GET", "/admin/users", "List users", "adminListUsers", admin_list_users,
        {"Every account.", {"Admin"}, {}, {}, admin_errors({ok("200", "The users")})}, admin_cls,
        Need::admin);
  route("POST", "/admin/users", "Create a user", "adminCreateUser", admin_create_user,
        {"Creates an account with any role.",
         {"Admin"},
         {},
         json_request_body(
             R"("name":{"type":"string"},"password":{"type":"string"},)"
             R"("role":{"type":"string","enum":["user","publisher","reviewer","admin"]},)"
             R"("groups":{"type":"array","items":{"type":"string"}},)"
             R"("display_name":{"type":"string"},"email":{"type":"string"})",
             R"("name","password")"),
         admin_errors({ok("201", "The new user"), bad, problem("409", "The name is taken")})},
        admin_cls, Need::admin);
  route("GET", "/admin/users/{name}", "Read a user", "adminGetUser", admin_get_user,
        {"One account.",
         {"Admin"},
         {user_name},
         {},
         admin_errors({ok("200", "The user"), problem("404", "No such user")})},
        admin_cls, Need::admin);
  route("PATCH", "/admin/users/{name}", "Change a user", "adminPatchUser", admin_patch_user,
        {"Changes role, groups, disabled, display name or e-mail.",
         {"Admin"},
         {user_name},
         json_request_body(kUserPatchProperties),
         admin_errors({ok("200", "The changed user"), bad, problem("404", "No such user")})},
        admin_cls, Need::admin);
  route("DELETE", "/admin/users/{name}", "Delete a user", "adminDeleteUser", admin_delete_user,
        {"Deletes the account with its sessions, keys and grants.",
         {"Admin"},
         {user_name},
         {},
         admin_errors({ok("204", "Deleted"), problem("404", "No such user")})},
        admin_cls, Need::admin);
  route("POST", "/admin/users/{name}/password", "Reset a password", "adminResetPassword",
        admin_reset_password,
        {"Sets a new password, unlocks the account and ends its sessions.",
         {"Admin"},
         {user_name},
         json_request_body(R"("password":{"type":"string"})", R"("password")"),
         admin_errors({ok("204", "Reset"), bad, problem("404", "No such user")})},
        admin_cls, Need::admin);
  route("GET", "/admin/keys", "List all API keys", "adminListKeys", admin_list_keys,
        {"The keys of every user, or of one owner.",
         {"Admin"},
         {query_param("owner", "Only the keys of this user")},
         {},
         admin_errors({ok("200", "The keys")})},
        admin_cls, Need::admin);
  route("PATCH", "/admin/keys/{keyId}", "Change any API key", "adminPatchKey", admin_patch_key,
        {"As PATCH /keys/{keyId}, for any user's key.",
         {"Admin"},
         {key_id},
         json_request_body(kKeyProperties),
         admin_errors({ok("200", "The changed key"), bad, problem("404", "No such key")})},
        admin_cls, Need::admin);
  route("GET", "/admin/usage", "Usage of all keys", "adminUsage", admin_usage,
        {"Requests counted per key, day and service.",
         {"Admin"},
         {day_from, day_to},
         {},
         admin_errors({ok("200", "The usage rows"), bad})},
        admin_cls, Need::admin);
  route("GET", "/admin/services", "Service registry", "adminServices", admin_services,
        {"Each service with its switch, traffic, errors and refusals since start.",
         {"Admin"},
         {},
         {},
         admin_errors({ok("200", "The services")})},
        admin_cls, Need::admin);
  route("PATCH", "/admin/services/{service}", "Switch a service", "adminPatchService",
        admin_patch_service,
        {"Enables or disables a service; a disabled service answers 503.",
         {"Admin"},
         {path_param("service",
                     "features, tiles, maps, downloads, search, geocoding, api or upload")},
         json_request_body(R"("enabled":{"type":"boolean"})", R"("enabled")"),
         admin_errors({ok("200", "The service"), bad, problem("404", "No such service")})},
        admin_cls, Need::admin);
  route("GET", "/admin/bans", "List bans", "adminBans", admin_bans,
        {"Bans in force.", {"Admin"}, {}, {}, admin_errors({ok("200", "The bans")})}, admin_cls,
        Need::admin);
  route("POST", "/admin/bans", "Ban a client", "adminBan", admin_ban,
        {"Bans an IP, session, Referer host, key or user for some seconds.",
         {"Admin"},
         {},
         json_request_body(
             R"("dimension":{"type":"string","enum":["ip","cookie","referer","key","user"]},)"
             R"("value":{"type":"string"},"seconds":{"type":"integer","minimum":1},)"
             R"("reason":{"type":"string"})",
             R"("dimension","value","seconds")"),
         admin_errors({ok("201", "The ban"), bad})},
        admin_cls, Need::admin);
  route("DELETE", "/admin/bans/{dimension}/{value}", "Lift a ban", "adminUnban", admin_unban,
        {"Removes a ban.",
         {"Admin"},
         {path_param("dimension", "ip, cookie, referer, key or user"),
          path_param("value", "The banned value")},
         {},
         admin_errors({ok("204", "Lifted"), bad})},
        admin_cls, Need::admin);
  route("GET", "/admin/audit", "Audit log", "adminAudit", admin_audit,
        {"The append-only audit log, oldest first, paged by seq (next_after), as JSON or CSV.",
         {"Admin"},
         {query_param("from", "Events at or after this instant (RFC 3339 or a date)"),
          query_param("to", "Events before this instant (a date includes its day)"),
          query_param("actor", "Only this actor"), query_param("action", "Only this action"),
          query_param("target", "Only this target"),
          query_param("after", "Events with seq above this", R"({"type":"integer","minimum":0})"),
          query_param("limit", "Events per page (JSON; CSV: all when absent)",
                      R"({"type":"integer","minimum":1,"maximum":1000,"default":100})"),
          query_param("format", "Answer format",
                      R"({"type":"string","enum":["json","csv"],"default":"json"})")},
         {},
         admin_errors({ok("200", "The events"), bad})},
        admin_cls, Need::admin);
}

}  // namespace shikong::api
