// The security engine's facade: admits or refuses each request (identity from session cookie
// or API key, bans, token buckets, key bindings, quotas, the service registry, require_key),
// manages accounts, sessions, keys, grants and bans, decides visibility, and writes the audit
// log. Free of HTTP: api/ turns requests into ClientInfo and decisions into responses.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/instant.hpp"
#include "security/access.hpp"
#include "security/crypto.hpp"
#include "security/rate_limiter.hpp"
#include "storage/accounts.hpp"

namespace shikong::security {

struct SecuritySettings {
  // TIANDITU's rule: every call of a keyed service (quota_services) must carry a valid key
  // (a signed-in portal session also passes). Off: public data is open to anonymous clients.
  bool require_key = false;
  bool open_registration = true;            // anyone may register a plain user account
  std::string time_zone = "Asia/Shanghai";  // the day quotas and usage are counted in
  PasswordCost password_cost = PasswordCost::interactive;
  int session_ttl_s = 8 * 3600;   // absolute lifetime of a session
  int session_idle_s = 2 * 3600;  // a session unused this long ends
  int lockout_after = 5;          // consecutive failed logins before the account is locked
  int lockout_base_s = 30;        // first lock; doubles with every further failure
  int lockout_max_s = 3600;
  int usage_flush_s = 10;  // usage counters are written to the store this often
  RateLimitSettings rate_limits = RateLimitSettings::defaults();
};

// What the gate knows of one request (filled by api/ from headers, cookies and parameters).
struct ClientInfo {
  std::string ip;             // the client address (after trusted proxies)
  std::string session_token;  // the session cookie's value, if sent
  std::string api_key;        // tk= or X-API-Key, if sent
  std::string referer;        // the Referer header, if sent
  std::string route_class;    // protocol::to_string(RouteClass): "tiles", "api", "login", ...
  std::string method;         // "GET", ...
};

struct Admission {
  bool allowed = false;
  int status = 200;          // 401, 403, 429 or 503 when refused
  std::string code;          // "invalid-key", "key-referer-denied", "key-ip-denied",
                             // "key-expired", "key-disabled", "key-required", "rate-limited",
                             // "banned", "quota-exceeded", "service-disabled"
  std::string detail;        // a sentence for the client
  double retry_after_s = 0;  // for 429 and 503
  Principal principal;       // who is calling (anonymous if nothing valid was presented)
  bool clear_session_cookie = false;  // a stale or unknown session cookie was sent
};

struct NewUser {
  std::string name;  // 3-64 characters: letters, digits, '.', '_', '-' (Unicode letters too)
  std::string password;
  std::string display_name;
  std::string email;
  Role role = Role::user;
  std::vector<std::string> groups;
};

struct UserPatch {
  std::optional<Role> role;
  std::optional<std::vector<std::string>> groups;
  std::optional<bool> disabled;
  std::optional<std::string> display_name;
  std::optional<std::string> email;
};

struct LoginResult {
  std::string session_token;  // the cookie value (only place it exists in clear)
  std::string csrf_token;
  storage::UserRecord user;
  Instant expires;
};

struct KeySpec {
  std::string name;
  std::vector<std::string> referers;
  std::vector<std::string> ips;
  std::map<std::string, std::int64_t> quotas;  // keys must be quota services, values >= 0
  std::optional<Instant> expires;
  bool disabled = false;
  std::string owner;  // admins may create keys for another user; empty: the caller
};

struct KeyPatch {
  std::optional<std::string> name;
  std::optional<std::vector<std::string>> referers;
  std::optional<std::vector<std::string>> ips;
  std::optional<std::map<std::string, std::int64_t>> quotas;
  std::optional<std::optional<Instant>> expires;  // set to nullopt inside: never expires
  std::optional<bool> disabled;
};

struct CreatedKey {
  storage::ApiKeyRecord record;
  std::string secret;  // shown once; only its hash is stored
};

// A service of the registry with its switch and live traffic (counted since start).
struct ServiceStatus {
  std::string service;
  bool enabled = true;
  std::int64_t requests = 0;
  std::int64_t errors = 0;   // 5xx answers
  std::int64_t refused = 0;  // 401/403/429 from the gate
};

// Counters the metrics endpoint reads (cumulative since start).
struct SecurityCounters {
  std::map<std::string, std::int64_t> rate_limited_by_dimension;  // "ip" -> n
  std::map<std::string, std::int64_t> key_requests_by_service;    // admitted keyed requests
  std::map<std::string, std::int64_t> key_denied_by_reason;       // code -> n
  std::map<std::string, std::int64_t> auth_failures_by_reason;    // "invalid-credentials", ...
  std::int64_t active_bans = 0;
  // Lookups of the in-memory caches in front of the store ("sessions", "users", "keys",
  // "grants"): answered from memory, or read from the store.
  std::map<std::string, std::int64_t> cache_hits;
  std::map<std::string, std::int64_t> cache_misses;
};

// Services that can be switched off (the route classes that serve data).
inline constexpr std::string_view registry_services[] = {
    "features", "tiles", "maps", "downloads", "search", "geocoding", "api", "upload"};

class SecurityService {
 public:
  using Clock = std::function<Instant()>;
  // `store` must outlive the service. Loads bans, services and today's usage.
  SecurityService(storage::AccountStore& store, SecuritySettings settings, Clock clock);
  ~SecurityService();  // flushes usage
  SecurityService(const SecurityService&) = delete;
  SecurityService& operator=(const SecurityService&) = delete;

  // ---- the gate: one call per request, before its handler ----
  Admission admit(const ClientInfo& client);
  // The refusal of a client whose IP is banned, decided from memory alone so the server can
  // answer a flood on its I/O threads without queueing it behind other clients' requests;
  // nullopt when the IP is not banned (then admit() decides as usual).
  std::optional<Admission> refuse_banned_ip(std::string_view ip, std::string_view route_class);
  // After the handler: counts the answer for the service registry (status >= 500 is an error).
  void record_result(std::string_view route_class, int status);
  // A cookie-authenticated write must carry the session's CSRF token (constant-time check).
  bool csrf_ok(const Principal& p, std::string_view token) const;

  // ---- accounts ----
  // Self-registration (actor anonymous: role user only, needs open_registration) or by an
  // admin (any role). Throws InvalidInput (name, weak-password), Conflict("user-exists"),
  // Forbidden("registration-closed").
  storage::UserRecord register_user(const Principal& actor, const NewUser& user,
                                    std::string_view ip);
  // Throws Unauthorized("invalid-credentials") (unknown user, wrong password or disabled
  // account: the same answer) or TooManyRequests("account-locked") with the lock's remaining
  // seconds. A new session is made every time (no session fixation); `previous_token`, if
  // given, is ended.
  LoginResult login(std::string_view name, std::string_view password, std::string_view ip,
                    std::string_view previous_token = {});
  void logout(const Principal& p, std::string_view ip);
  void change_password(const Principal& p, std::string_view old_password,
                       std::string_view new_password, std::string_view ip);
  // Admin only: sets a new password, unlocks, and ends the user's sessions.
  void reset_password(const Principal& admin, std::string_view user, std::string_view password,
                      std::string_view ip);
  storage::UserRecord update_user(const Principal& admin, std::string_view user,
                                  const UserPatch& patch, std::string_view ip);
  void delete_user(const Principal& admin, std::string_view user, std::string_view ip);
  std::vector<storage::UserRecord> list_users(const Principal& admin);
  std::optional<storage::UserRecord> find_user(std::string_view user);
  // Creates the user as admin if absent (first start, `shikong user add --admin`); returns
  // true if created. Does not change an existing user.
  bool ensure_admin(std::string_view name, std::string_view password);

  // ---- API keys: owners manage their own, admins all; others' keys answer NotFound ----
  CreatedKey create_key(const Principal& p, const KeySpec& spec, std::string_view ip);
  storage::ApiKeyRecord update_key(const Principal& p, std::string_view id, const KeyPatch& patch,
                                   std::string_view ip);
  void delete_key(const Principal& p, std::string_view id, std::string_view ip);
  storage::ApiKeyRecord find_key(const Principal& p, std::string_view id);
  std::vector<storage::ApiKeyRecord> list_keys(const Principal& p, bool all_users = false);
  // Stored usage plus what is not flushed yet; days as "YYYY-MM-DD" (empty: open).
  std::vector<storage::UsageRow> key_usage(const Principal& p, std::string_view id,
                                           std::string_view from_day, std::string_view to_day);
  std::vector<storage::UsageRow> all_usage(const Principal& admin, std::string_view from_day,
                                           std::string_view to_day);

  // ---- visibility (SECURITY rule 7), the one place every read path asks ----
  bool can_read(const Principal& p, std::string_view dataset_id, std::string_view access,
                std::string_view owner);
  bool can_write(const Principal& p, std::string_view dataset_id, std::string_view access,
                 std::string_view owner);
  std::vector<storage::GrantRecord> grants(std::string_view dataset_id);
  // Grants of a dataset (the caller must be allowed to write it; checked by the caller).
  void set_grants(const Principal& p, std::string_view dataset_id,
                  const std::vector<storage::GrantRecord>& grants, std::string_view ip);
  void forget_dataset(std::string_view dataset_id);  // a deleted dataset's grants

  // ---- services, bans, audit (admin) ----
  std::vector<ServiceStatus> services() const;
  void set_service_enabled(const Principal& admin, std::string_view service, bool enabled,
                           std::string_view ip);
  std::vector<storage::BanRecord> bans();
  void ban(const Principal& admin, std::string_view dimension, std::string_view value, int seconds,
           std::string_view reason, std::string_view ip);
  void unban(const Principal& admin, std::string_view dimension, std::string_view value,
             std::string_view ip);
  // Any module may append (publish, retire, delete, ...); `actor` as Principal::actor().
  void audit(std::string_view actor, std::string_view action, std::string_view target,
             std::string_view ip, std::string_view outcome, std::string_view detail_json = "{}");
  std::vector<storage::AuditEvent> audit_log(const Principal& admin,
                                             const storage::AuditQuery& query);

  SecurityCounters counters() const;
  void flush_usage();  // also runs by itself every usage_flush_s on admit
  const SecuritySettings& settings() const { return settings_; }
  Instant now() const { return clock_(); }

 private:
  struct Impl;
  SecuritySettings settings_;
  Clock clock_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shikong::security
