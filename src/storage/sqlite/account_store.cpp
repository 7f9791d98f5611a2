// The embedded AccountStore: the security state in <data_dir>/security.sqlite, one WAL connection
// behind a mutex, every statement prepared with bound values, list fields kept as JSON text.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <system_error>

#include <simdjson.h>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/utf8.hpp"
#include "storage/accounts.hpp"
#include "storage/sqlite/sqlite_db.hpp"

namespace shikong::storage {

namespace {

using sqlite::Db;
using sqlite::ResetOnExit;
using sqlite::sql;
using sqlite::Stmt;
using sqlite::Transaction;

// Raised only together with a migration step in open(); a file newer than this is refused.
constexpr int kSecuritySchemaVersion = 1;

constexpr std::string_view kSchema =
    "CREATE TABLE users ("
    " name TEXT PRIMARY KEY, display_name TEXT NOT NULL, email TEXT NOT NULL,"
    " password_hash TEXT NOT NULL, role TEXT NOT NULL, groups_json TEXT NOT NULL,"
    " disabled INTEGER NOT NULL, failed_logins INTEGER NOT NULL, locked_until INTEGER NOT NULL,"
    " created INTEGER NOT NULL, updated INTEGER NOT NULL, last_login INTEGER NOT NULL);"
    "CREATE TABLE sessions ("
    " token_hash TEXT PRIMARY KEY, user TEXT NOT NULL, csrf_token TEXT NOT NULL,"
    " ip TEXT NOT NULL, created INTEGER NOT NULL, expires INTEGER NOT NULL,"
    " last_seen INTEGER NOT NULL);"
    "CREATE INDEX sessions_user ON sessions (user);"
    "CREATE INDEX sessions_expires ON sessions (expires);"
    "CREATE TABLE api_keys ("
    " id TEXT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE, owner TEXT NOT NULL,"
    " name TEXT NOT NULL, referers_json TEXT NOT NULL, ips_json TEXT NOT NULL,"
    " quotas_json TEXT NOT NULL, expires INTEGER, disabled INTEGER NOT NULL,"
    " created INTEGER NOT NULL, updated INTEGER NOT NULL, last_used INTEGER NOT NULL);"
    "CREATE INDEX api_keys_owner ON api_keys (owner);"
    // Usage outlives its key (kept for accounting), so there is no reference to api_keys.
    "CREATE TABLE usage ("
    " key_id TEXT NOT NULL, day TEXT NOT NULL, service TEXT NOT NULL,"
    " count INTEGER NOT NULL, denied INTEGER NOT NULL,"
    " PRIMARY KEY (key_id, day, service)) WITHOUT ROWID;"
    "CREATE INDEX usage_day ON usage (day);"
    "CREATE TABLE grants ("
    " dataset_id TEXT NOT NULL, kind TEXT NOT NULL, grantee TEXT NOT NULL,"
    " PRIMARY KEY (dataset_id, kind, grantee)) WITHOUT ROWID;"
    "CREATE INDEX grants_grantee ON grants (kind, grantee);"
    "CREATE TABLE bans ("
    " dimension TEXT NOT NULL, value TEXT NOT NULL, until INTEGER NOT NULL,"
    " reason TEXT NOT NULL, created INTEGER NOT NULL,"
    " PRIMARY KEY (dimension, value)) WITHOUT ROWID;"
    "CREATE TABLE services ("
    " service TEXT PRIMARY KEY, enabled INTEGER NOT NULL, updated INTEGER NOT NULL);"
    // AUTOINCREMENT: a seq is never reused, so paging with after_seq cannot skip or repeat.
    "CREATE TABLE audit ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL,"
    " action TEXT NOT NULL, target TEXT NOT NULL, ip TEXT NOT NULL, outcome TEXT NOT NULL,"
    " detail TEXT NOT NULL);"
    "CREATE INDEX audit_at ON audit (at);"
    "CREATE INDEX audit_actor ON audit (actor);"
    "CREATE INDEX audit_target ON audit (target);"
    // The log is append-only even for a future bug or a hand-written statement in this file.
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;";

constexpr std::string_view kUserColumns =
    "name, display_name, email, password_hash, role, groups_json, disabled, failed_logins,"
    " locked_until, created, updated, last_login";
constexpr std::string_view kSessionColumns =
    "token_hash, user, csrf_token, ip, created, expires, last_seen";
constexpr std::string_view kKeyColumns =
    "id, key_hash, owner, name, referers_json, ips_json, quotas_json, expires, disabled, created,"
    " updated, last_used";
constexpr std::string_view kAuditColumns = "seq, at, actor, action, target, ip, outcome, detail";

// Steps a write; a uniqueness violation becomes `conflict`, anything else an InternalError.
void step_write(Db& db, Stmt& s, const Conflict* conflict = nullptr) {
  int rc = s.step_rc();
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return;
  if (conflict != nullptr && (rc & 0xff) == SQLITE_CONSTRAINT) throw *conflict;
  sqlite::throw_sqlite(db.get(), rc, "security-store-write", "writing the security store");
}

[[noreturn]] void corrupt(std::string_view what) {
  log::error("storage: security.sqlite holds an unreadable {}", what);
  throw InternalError("security-store-corrupt", "The security store holds an unreadable record.");
}

std::string strings_to_json(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_json_string(out, v[i]);
  }
  out.push_back(']');
  return out;
}

std::string quotas_to_json(const std::map<std::string, std::int64_t>& m) {
  std::string out = "{";
  bool first = true;
  for (const auto& [service, limit] : m) {
    if (!first) out.push_back(',');
    first = false;
    append_json_string(out, service);
    out.push_back(':');
    out += std::to_string(limit);
  }
  out.push_back('}');
  return out;
}

class SqliteAccountStore final : public AccountStore {
 public:
  explicit SqliteAccountStore(const std::filesystem::path& path) : db_(path, open_mode()) {
    db_.exec(
        "PRAGMA busy_timeout = 10000;"
        "PRAGMA journal_mode = WAL;"
        "PRAGMA synchronous = NORMAL;"
        "PRAGMA foreign_keys = ON;");
    migrate();
  }

  // ---- users

  void create_user(const UserRecord& u) override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached(sql("INSERT INTO users (", kUserColumns,
                             ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"));
    ResetOnExit r{s};
    bind_user(s, u);
    const Conflict conflict("user-exists", "A user with this name already exists.");
    step_write(db_, s, &conflict);
  }

  void update_user(const UserRecord& u) override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached(
        "UPDATE users SET display_name = ?2, email = ?3, password_hash = ?4, role = ?5,"
        " groups_json = ?6, disabled = ?7, failed_logins = ?8, locked_until = ?9, created = ?10,"
        " updated = ?11, last_login = ?12 WHERE name = ?1");
    ResetOnExit r{s};
    bind_user(s, u);
    step_write(db_, s);
    if (db_.changes() == 0) throw user_not_found();
  }

  std::optional<UserRecord> find_user(std::string_view name) override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached(sql("SELECT ", kUserColumns, " FROM users WHERE name = ?1"));
    ResetOnExit r{s};
    s.bind_text(1, name);
    if (!s.step()) return std::nullopt;
    return read_user(s);
  }

  std::vector<UserRecord> list_users() override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached(sql("SELECT ", kUserColumns, " FROM users ORDER BY name"));
    ResetOnExit r{s};
    std::vector<UserRecord> out;
    while (s.step()) out.push_back(read_user(s));
    return out;
  }

  void delete_user(std::string_view name) override {
    std::lock_guard lock(mutex_);
    Transaction tx(db_);
    {
      Stmt& s = db_.cached("DELETE FROM users WHERE name = ?1");
      ResetOnExit r{s};
      s.bind_text(1, name);
      step_write(db_, s);
      if (db_.changes() == 0) throw user_not_found();
    }
    // What belonged to the user goes with it: its keys (and their grants), sessions and grants.
    run("DELETE FROM grants WHERE kind = 'key' AND grantee IN"
        " (SELECT id FROM api_keys WHERE owner = ?1)",
        name);
    run("DELETE FROM api_keys WHERE owner = ?1", name);
    run("DELETE FROM sessions WHERE user = ?1", name);
    run("DELETE FROM grants WHERE kind = 'user' AND grantee = ?1", name);
    tx.commit();
  }

  std::int64_t count_users() override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached("SELECT count(*) FROM users");
    ResetOnExit r{s};
    return s.step() ? s.col_int(0) : 0;
  }

  // ---- sessions

  void save_session(const SessionRecord& x) override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached(sql("INSERT OR REPLACE INTO sessions (", kSessionColumns,
                             ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    ResetOnExit r{s};
    s.bind_text(1, x.token_hash);
    s.bind_text(2, x.user);
    s.bind_text(3, x.csrf_token);
    s.bind_text(4, x.ip);
    s.bind_int(5, x.created.micros);
    s.bind_int(6, x.expires.micros);
    s.bind_int(7, x.last_seen.micros);
    step_write(db_, s);
  }

  std::optional<SessionRecord> find_session(std::string_view token_hash) override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached(sql("SELECT ", kSessionColumns, " FROM sessions WHERE token_hash = ?1"));
    ResetOnExit r{s};
    s.bind_text(1, token_hash);
    if (!s.step()) return std::nullopt;
    SessionRecord x;
    x.token_hash = s.col_text(0);
    x.user = s.col_text(1);
    x.csrf_token = s.col_text(2);
    x.ip = s.col_text(3);
    x.created = Instant{s.col_int(4)};
    x.expires = Instant{s.col_int(5)};
    x.last_seen = Instant{s.col_int(6)};
    return x;
  }

  void delete_session(std::string_view token_hash) override {
    std::lock_guard lock(mutex_);
    run("DELETE FROM sessions WHERE token_hash = ?1", token_hash);
  }

  void delete_sessions_of(std::string_view user) override {
    std::lock_guard lock(mutex_);
    run("DELETE FROM sessions WHERE user = ?1", user);
  }

  void delete_expired_sessions(Instant now) override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached("DELETE FROM sessions WHERE expires <= ?1");
    ResetOnExit r{s};
    s.bind_int(1, now.micros);
    step_write(db_, s);
  }

  // ---- API keys

  void create_key(const ApiKeyRecord& k) override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached(sql("INSERT INTO api_keys (", kKeyColumns,
                             ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"));
    ResetOnExit r{s};
    bind_key(s, k);
    // Both the id and the secret's hash are unique; either clash is the same conflict.
    const Conflict conflict("key-exists", "An API key with this id or secret already exists.");
    step_write(db_, s, &conflict);
  }

  void update_key(const ApiKeyRecord& k) override {
    std::lock_guard lock(mutex_);
    // key_hash (?2) and owner (?3) are bound but unused: they never change after creation.
    Stmt& s = db_.cached(
        "UPDATE api_keys SET name = ?4, referers_json = ?5, ips_json = ?6, quotas_json = ?7,"
        " expires = ?8, disabled = ?9, created = ?10, updated = ?11, last_used = ?12"
        " WHERE id = ?1");
    ResetOnExit r{s};
    bind_key(s, k);
    step_write(db_, s);
    if (db_.changes() == 0) throw key_not_found();
  }

  std::optional<ApiKeyRecord> find_key(std::string_view id) override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached(sql("SELECT ", kKeyColumns, " FROM api_keys WHERE id = ?1"));
    ResetOnExit r{s};
    s.bind_text(1, id);
    if (!s.step()) return std::nullopt;
    return read_key(s);
  }

  std::optional<ApiKeyRecord> find_key_by_hash(std::string_view key_hash) override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached(sql("SELECT ", kKeyColumns, " FROM api_keys WHERE key_hash = ?1"));
    ResetOnExit r{s};
    s.bind_text(1, key_hash);
    if (!s.step()) return std::nullopt;
    return read_key(s);
  }

  std::vector<ApiKeyRecord> list_keys(std::string_view owner) override {
    std::lock_guard lock(mutex_);
    Stmt& s = owner.empty() ? db_.cached(sql("SELECT ", kKeyColumns, " FROM api_keys ORDER BY id"))
                            : db_.cached(sql("SELECT ", kKeyColumns,
                                             " FROM api_keys WHERE owner = ?1 ORDER BY id"));
    ResetOnExit r{s};
    if (!owner.empty()) s.bind_text(1, owner);
    std::vector<ApiKeyRecord> out;
    while (s.step()) out.push_back(read_key(s));
    return out;
  }

  void delete_key(std::string_view id) override {
    std::lock_guard lock(mutex_);
    Transaction tx(db_);
    {
      Stmt& s = db_.cached("DELETE FROM api_keys WHERE id = ?1");
      ResetOnExit r{s};
      s.bind_text(1, id);
      step_write(db_, s);
      if (db_.changes() == 0) throw key_not_found();
    }
    run("DELETE FROM grants WHERE kind = 'key' AND grantee = ?1", id);
    tx.commit();
  }

  // ---- usage

  void add_usage(const std::vector<UsageRow>& deltas) override {
    if (deltas.empty()) return;
    std::lock_guard lock(mutex_);
    Transaction tx(db_);
    Stmt& s = db_.cached(
        "INSERT INTO usage (key_id, day, service, count, denied) VALUES (?1, ?2, ?3, ?4, ?5)"
        " ON CONFLICT (key_id, day, service) DO UPDATE SET count = count + excluded.count,"
        " denied = denied + excluded.denied");
    ResetOnExit r{s};
    for (const UsageRow& d : deltas) {
      s.reset();
      s.bind_text(1, d.key_id);
      s.bind_text(2, d.day);
      s.bind_text(3, d.service);
      s.bind_int(4, d.count);
      s.bind_int(5, d.denied);
      step_write(db_, s);
    }
    s.reset();
    tx.commit();
  }

  std::vector<UsageRow> usage(std::string_view key_id, std::string_view from_day,
                              std::string_view to_day) override {
    std::lock_guard lock(mutex_);
    // One statement per combination of filters, so each can use its index; values stay bound.
    std::string text = "SELECT key_id, day, service, count, denied FROM usage WHERE 1";
    if (!key_id.empty()) text += " AND key_id = ?1";
    if (!from_day.empty()) text += " AND day >= ?2";
    if (!to_day.empty()) text += " AND day <= ?3";
    text += " ORDER BY day, key_id, service";
    Stmt& s = db_.cached(text);
    ResetOnExit r{s};
    if (!key_id.empty()) s.bind_text(1, key_id);
    if (!from_day.empty()) s.bind_text(2, from_day);
    if (!to_day.empty()) s.bind_text(3, to_day);
    std::vector<UsageRow> out;
    while (s.step()) {
      UsageRow u;
      u.key_id = s.col_text(0);
      u.day = s.col_text(1);
      u.service = s.col_text(2);
      u.count = s.col_int(3);
      u.denied = s.col_int(4);
      out.push_back(std::move(u));
    }
    return out;
  }

  // ---- grants

  void set_grants(std::string_view dataset_id, const std::vector<GrantRecord>& grants) override {
    std::lock_guard lock(mutex_);
    Transaction tx(db_);
    run("DELETE FROM grants WHERE dataset_id = ?1", dataset_id);
    Stmt& s =
        db_.cached("INSERT OR IGNORE INTO grants (dataset_id, kind, grantee) VALUES (?1, ?2, ?3)");
    ResetOnExit r{s};
    for (const GrantRecord& g : grants) {
      s.reset();
      // The dataset named by the call wins over the records' own field.
      s.bind_text(1, dataset_id);
      s.bind_text(2, g.kind);
      s.bind_text(3, g.grantee);
      step_write(db_, s);
    }
    s.reset();
    tx.commit();
  }

  std::vector<GrantRecord> grants(std::string_view dataset_id) override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached(
        "SELECT dataset_id, kind, grantee FROM grants WHERE dataset_id = ?1"
        " ORDER BY kind, grantee");
    ResetOnExit r{s};
    s.bind_text(1, dataset_id);
    std::vector<GrantRecord> out;
    while (s.step())
      out.push_back(GrantRecord{std::string(s.col_text(0)), std::string(s.col_text(1)),
                                std::string(s.col_text(2))});
    return out;
  }

  void delete_grants(std::string_view dataset_id) override {
    std::lock_guard lock(mutex_);
    run("DELETE FROM grants WHERE dataset_id = ?1", dataset_id);
  }

  // ---- bans

  void save_ban(const BanRecord& b) override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached(
        "INSERT OR REPLACE INTO bans (dimension, value, until, reason, created)"
        " VALUES (?1, ?2, ?3, ?4, ?5)");
    ResetOnExit r{s};
    s.bind_text(1, b.dimension);
    s.bind_text(2, b.value);
    s.bind_int(3, b.until.micros);
    s.bind_text(4, b.reason);
    s.bind_int(5, b.created.micros);
    step_write(db_, s);
  }

  std::vector<BanRecord> list_bans(Instant now) override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached(
        "SELECT dimension, value, until, reason, created FROM bans WHERE until > ?1"
        " ORDER BY dimension, value");
    ResetOnExit r{s};
    s.bind_int(1, now.micros);
    std::vector<BanRecord> out;
    while (s.step()) {
      BanRecord b;
      b.dimension = s.col_text(0);
      b.value = s.col_text(1);
      b.until = Instant{s.col_int(2)};
      b.reason = s.col_text(3);
      b.created = Instant{s.col_int(4)};
      out.push_back(std::move(b));
    }
    return out;
  }

  void delete_ban(std::string_view dimension, std::string_view value) override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached("DELETE FROM bans WHERE dimension = ?1 AND value = ?2");
    ResetOnExit r{s};
    s.bind_text(1, dimension);
    s.bind_text(2, value);
    step_write(db_, s);
  }

  // ---- services

  void set_service(const ServiceRecord& x) override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached(
        "INSERT OR REPLACE INTO services (service, enabled, updated) VALUES (?1, ?2, ?3)");
    ResetOnExit r{s};
    s.bind_text(1, x.service);
    s.bind_int(2, x.enabled ? 1 : 0);
    s.bind_int(3, x.updated.micros);
    step_write(db_, s);
  }

  std::vector<ServiceRecord> services() override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached("SELECT service, enabled, updated FROM services ORDER BY service");
    ResetOnExit r{s};
    std::vector<ServiceRecord> out;
    while (s.step())
      out.push_back(
          ServiceRecord{std::string(s.col_text(0)), s.col_int(1) != 0, Instant{s.col_int(2)}});
    return out;
  }

  // ---- audit

  std::int64_t append_audit(const AuditEvent& e) override {
    std::lock_guard lock(mutex_);
    Stmt& s = db_.cached(
        "INSERT INTO audit (at, actor, action, target, ip, outcome, detail)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    ResetOnExit r{s};
    s.bind_int(1, e.at.micros);
    s.bind_text(2, e.actor);
    s.bind_text(3, e.action);
    s.bind_text(4, e.target);
    s.bind_text(5, e.ip);
    s.bind_text(6, e.outcome);
    s.bind_text(7, e.detail);
    step_write(db_, s);
    return db_.last_insert_rowid();
  }

  std::vector<AuditEvent> audit(const AuditQuery& q) override {
    std::lock_guard lock(mutex_);
    std::string text = sql("SELECT ", kAuditColumns, " FROM audit WHERE seq > ?1");
    if (q.from) text += " AND at >= ?2";
    if (q.to) text += " AND at < ?3";
    if (!q.actor.empty()) text += " AND actor = ?4";
    if (!q.action.empty()) text += " AND action = ?5";
    if (!q.target.empty()) text += " AND target = ?6";
    text += " ORDER BY seq LIMIT ?7";
    Stmt& s = db_.cached(text);
    ResetOnExit r{s};
    s.bind_int(1, q.after_seq);
    if (q.from) s.bind_int(2, q.from->micros);
    if (q.to) s.bind_int(3, q.to->micros);
    if (!q.actor.empty()) s.bind_text(4, q.actor);
    if (!q.action.empty()) s.bind_text(5, q.action);
    if (!q.target.empty()) s.bind_text(6, q.target);
    // SQLite reads a negative LIMIT as none, which is what -1 means here.
    s.bind_int(7, q.limit < 0 ? -1 : q.limit);
    std::vector<AuditEvent> out;
    while (s.step()) {
      AuditEvent e;
      e.seq = s.col_int(0);
      e.at = Instant{s.col_int(1)};
      e.actor = s.col_text(2);
      e.action = s.col_text(3);
      e.target = s.col_text(4);
      e.ip = s.col_text(5);
      e.outcome = s.col_text(6);
      e.detail = s.col_text(7);
      out.push_back(std::move(e));
    }
    return out;
  }

 private:
  static sqlite::OpenMode open_mode() { return sqlite::OpenMode::read_write_create; }

  static NotFound user_not_found() {
    return NotFound("user-not-found", "No user has this name.", "name");
  }
  static NotFound key_not_found() {
    return NotFound("key-not-found", "No API key has this id.", "id");
  }

  // Creates the schema on a new file; refuses a file written by a newer schema.
  void migrate() {
    Transaction tx(db_);
    std::int64_t version = db_.query_int("PRAGMA user_version");
    if (version > kSecuritySchemaVersion) {
      log::error("storage: security.sqlite schema version {} is newer than supported {}", version,
                 kSecuritySchemaVersion);
      throw Unavailable("security-store-too-new",
                        "The security store was written by a newer shikong; upgrade to open it.");
    }
    if (version == 0) {
      db_.exec(kSchema);
      db_.exec("PRAGMA user_version = 1");
    }
    tx.commit();
  }

  // Runs a write with one text parameter.
  void run(const std::string& text, std::string_view value) {
    Stmt& s = db_.cached(text);
    ResetOnExit r{s};
    s.bind_text(1, value);
    step_write(db_, s);
  }

  static void bind_user(Stmt& s, const UserRecord& u) {
    s.bind_text(1, u.name);
    s.bind_text(2, u.display_name);
    s.bind_text(3, u.email);
    s.bind_text(4, u.password_hash);
    s.bind_text(5, u.role);
    s.bind_text(6, strings_to_json(u.groups));
    s.bind_int(7, u.disabled ? 1 : 0);
    s.bind_int(8, u.failed_logins);
    s.bind_int(9, u.locked_until.micros);
    s.bind_int(10, u.created.micros);
    s.bind_int(11, u.updated.micros);
    s.bind_int(12, u.last_login.micros);
  }

  static void bind_key(Stmt& s, const ApiKeyRecord& k) {
    s.bind_text(1, k.id);
    s.bind_text(2, k.key_hash);
    s.bind_text(3, k.owner);
    s.bind_text(4, k.name);
    s.bind_text(5, strings_to_json(k.referers));
    s.bind_text(6, strings_to_json(k.ips));
    s.bind_text(7, quotas_to_json(k.quotas));
    if (k.expires)
      s.bind_int(8, k.expires->micros);
    else
      s.bind_null(8);
    s.bind_int(9, k.disabled ? 1 : 0);
    s.bind_int(10, k.created.micros);
    s.bind_int(11, k.updated.micros);
    s.bind_int(12, k.last_used.micros);
  }

  UserRecord read_user(const Stmt& s) {
    UserRecord u;
    u.name = s.col_text(0);
    u.display_name = s.col_text(1);
    u.email = s.col_text(2);
    u.password_hash = s.col_text(3);
    u.role = s.col_text(4);
    u.groups = strings_from_json(s.col_text(5));
    u.disabled = s.col_int(6) != 0;
    u.failed_logins = static_cast<int>(s.col_int(7));
    u.locked_until = Instant{s.col_int(8)};
    u.created = Instant{s.col_int(9)};
    u.updated = Instant{s.col_int(10)};
    u.last_login = Instant{s.col_int(11)};
    return u;
  }

  ApiKeyRecord read_key(const Stmt& s) {
    ApiKeyRecord k;
    k.id = s.col_text(0);
    k.key_hash = s.col_text(1);
    k.owner = s.col_text(2);
    k.name = s.col_text(3);
    k.referers = strings_from_json(s.col_text(4));
    k.ips = strings_from_json(s.col_text(5));
    k.quotas = quotas_from_json(s.col_text(6));
    if (!s.is_null(7)) k.expires = Instant{s.col_int(7)};
    k.disabled = s.col_int(8) != 0;
    k.created = Instant{s.col_int(9)};
    k.updated = Instant{s.col_int(10)};
    k.last_used = Instant{s.col_int(11)};
    return k;
  }

  std::vector<std::string> strings_from_json(std::string_view json) {
    simdjson::dom::element doc;
    simdjson::dom::array arr;
    if (parser_.parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS ||
        doc.get_array().get(arr) != simdjson::SUCCESS)
      corrupt("string list");
    std::vector<std::string> out;
    for (simdjson::dom::element e : arr) {
      std::string_view v;
      if (e.get_string().get(v) != simdjson::SUCCESS) corrupt("string list item");
      out.emplace_back(v);
    }
    return out;
  }

  std::map<std::string, std::int64_t> quotas_from_json(std::string_view json) {
    simdjson::dom::element doc;
    simdjson::dom::object obj;
    if (parser_.parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS ||
        doc.get_object().get(obj) != simdjson::SUCCESS)
      corrupt("quota map");
    std::map<std::string, std::int64_t> out;
    for (auto field : obj) {
      std::int64_t v = 0;
      if (field.value.get_int64().get(v) != simdjson::SUCCESS) corrupt("quota");
      out.emplace(std::string(field.key), v);
    }
    return out;
  }

  std::mutex mutex_;  // one connection; every method holds it for its whole transaction
  Db db_;
  simdjson::dom::parser parser_;  // reused under mutex_
};

// security.sqlite holds password hashes and session hashes: it is made readable by its owner
// only before SQLite opens it (SQLite gives its -wal and -shm files the same permissions). A file
// left readable by others, by hand or by a copy, is tightened rather than trusted as is.
void make_private_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    log::error("storage: cannot open {}: {}", path.string(), std::strerror(errno));
    throw InternalError("security-store-open", "The security store's file could not be opened.");
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) != 0) {
    log::warn("storage: {} was readable by others; restricting it to its owner", path.string());
    if (::fchmod(fd, st.st_mode & 0700) != 0)
      log::error("storage: cannot restrict {}: {}", path.string(), std::strerror(errno));
  }
  ::close(fd);
}

}  // namespace

std::unique_ptr<AccountStore> open_sqlite_account_store(const std::filesystem::path& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    log::error("storage: cannot create data directory {}: {}", data_dir.string(), ec.message());
    throw InternalError("security-store-open", "The data directory could not be created.");
  }
  auto path = data_dir / "security.sqlite";
  make_private_file(path);
  return std::make_unique<SqliteAccountStore>(path);
}

}  // namespace shikong::storage
