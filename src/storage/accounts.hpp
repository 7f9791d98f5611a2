// The security state's storage interface: users, sessions, API keys and their daily usage,
// dataset grants, bans, the service registry and the append-only audit log. Plain records and
// no rules: the rules live in security/. The embedded backend keeps them in security.sqlite.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/instant.hpp"

namespace shikong::storage {

struct UserRecord {
  std::string name;  // login name, unique, as registered (compared case-sensitively)
  std::string display_name;
  std::string email;
  std::string password_hash;  // libsodium's Argon2id string ("$argon2id$v=19$...")
  std::string role = "user";  // admin | reviewer | publisher | user
  std::vector<std::string> groups;
  bool disabled = false;
  int failed_logins = 0;  // consecutive, reset by a successful login
  Instant locked_until;   // 0: not locked
  Instant created;
  Instant updated;
  Instant last_login;  // 0: never
};

struct SessionRecord {
  std::string token_hash;  // SHA-256 hex of the cookie value (the token itself is never stored)
  std::string user;
  std::string csrf_token;  // random, sent back in X-CSRF-Token on cookie-authenticated writes
  std::string ip;          // where it was created
  Instant created;
  Instant expires;
  Instant last_seen;
};

struct ApiKeyRecord {
  std::string id;                     // public identifier ("k" + 12 hex), shown in lists and usage
  std::string key_hash;               // SHA-256 hex of the secret key (unique)
  std::string owner;                  // user name
  std::string name;                   // the application it is for
  std::vector<std::string> referers;  // allowed Referer patterns; empty: any (or none)
  std::vector<std::string> ips;       // allowed IPs/CIDRs; empty: any
  std::map<std::string, std::int64_t> quotas;  // service -> requests a day; absent: no quota
  std::optional<Instant> expires;
  bool disabled = false;
  Instant created;
  Instant updated;
  Instant last_used;  // 0: never (updated when usage is flushed)
};

// Requests counted for one key, service and day (the day in the platform's time zone).
struct UsageRow {
  std::string key_id;
  std::string service;      // tiles | maps | features | downloads | search | geocoding | api | ...
  std::string day;          // "2026-11-25"
  std::int64_t count = 0;   // admitted requests
  std::int64_t denied = 0;  // refused requests (quota, referer, ip, expired, ...)
};

struct GrantRecord {
  std::string dataset_id;
  std::string kind;     // user | group | key
  std::string grantee;  // user name, group name or key id
};

struct BanRecord {
  std::string dimension;  // ip | cookie | referer | key | user
  std::string value;      // the IP, the session hash, the referer host, the key id or user
  Instant until;
  std::string reason;
  Instant created;
};

struct ServiceRecord {
  std::string service;
  bool enabled = true;
  Instant updated;
};

struct AuditEvent {
  std::int64_t seq = 0;  // assigned on append, increasing
  Instant at;
  std::string actor;   // user name, "key:<id>", or "anonymous"
  std::string action;  // login, login-failed, logout, key-denied, role-change, ...
  std::string target;  // the object acted on (user, key id, dataset id, ...)
  std::string ip;
  std::string outcome;  // ok | denied | failed
  std::string detail;   // a short JSON object written by shikong
};

struct AuditQuery {
  std::optional<Instant> from;  // at >= from
  std::optional<Instant> to;    // at < to
  std::string actor;            // exact; empty: any
  std::string action;           // exact; empty: any
  std::string target;           // exact; empty: any
  std::int64_t after_seq = 0;   // paging: events with seq > after_seq
  std::int64_t limit = 100;     // -1: no limit
};

// Thread-safe; every method is one transaction. Unknown names on update/delete throw NotFound;
// a duplicate on create throws Conflict.
class AccountStore {
 public:
  virtual ~AccountStore() = default;

  virtual void create_user(const UserRecord& user) = 0;
  virtual void update_user(const UserRecord& user) = 0;  // by name; replaces every field
  virtual std::optional<UserRecord> find_user(std::string_view name) = 0;
  virtual std::vector<UserRecord> list_users() = 0;     // by name
  virtual void delete_user(std::string_view name) = 0;  // also its sessions, keys and grants
  virtual std::int64_t count_users() = 0;

  virtual void save_session(const SessionRecord& session) = 0;  // insert or replace
  virtual std::optional<SessionRecord> find_session(std::string_view token_hash) = 0;
  virtual void delete_session(std::string_view token_hash) = 0;  // no error if absent
  virtual void delete_sessions_of(std::string_view user) = 0;
  virtual void delete_expired_sessions(Instant now) = 0;

  virtual void create_key(const ApiKeyRecord& key) = 0;
  virtual void update_key(const ApiKeyRecord& key) = 0;  // by id; key_hash and owner unchanged
  virtual std::optional<ApiKeyRecord> find_key(std::string_view id) = 0;
  virtual std::optional<ApiKeyRecord> find_key_by_hash(std::string_view key_hash) = 0;
  virtual std::vector<ApiKeyRecord> list_keys(std::string_view owner = {}) = 0;  // empty: all
  virtual void delete_key(std::string_view id) = 0;  // also its grants; usage is kept

  // Adds counts and denials to the stored rows (creating them), in one transaction.
  virtual void add_usage(const std::vector<UsageRow>& deltas) = 0;
  // Rows of one key (empty key_id: all keys) with from_day <= day <= to_day (empty: open).
  virtual std::vector<UsageRow> usage(std::string_view key_id, std::string_view from_day,
                                      std::string_view to_day) = 0;

  virtual void set_grants(std::string_view dataset_id, const std::vector<GrantRecord>& grants) = 0;
  virtual std::vector<GrantRecord> grants(std::string_view dataset_id) = 0;
  virtual void delete_grants(std::string_view dataset_id) = 0;

  virtual void save_ban(const BanRecord& ban) = 0;  // insert or replace by (dimension, value)
  virtual std::vector<BanRecord> list_bans(Instant now) = 0;  // those not yet expired
  virtual void delete_ban(std::string_view dimension, std::string_view value) = 0;

  virtual void set_service(const ServiceRecord& service) = 0;
  virtual std::vector<ServiceRecord> services() = 0;

  // Append-only: there is no update or delete. Returns the event's seq.
  virtual std::int64_t append_audit(const AuditEvent& event) = 0;
  virtual std::vector<AuditEvent> audit(const AuditQuery& query) = 0;  // by seq ascending
};

// The embedded backend: <data_dir>/security.sqlite (WAL, created with its schema if absent).
std::unique_ptr<AccountStore> open_sqlite_account_store(const std::filesystem::path& data_dir);

}  // namespace shikong::storage
