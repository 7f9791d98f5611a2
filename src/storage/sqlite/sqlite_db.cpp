// SQLite connection and statement wrappers; every SQLite error becomes an InternalError whose
// text is ours, with SQLite's own message only in the log.
#include "storage/sqlite/sqlite_db.hpp"

#include <sqlite3.h>

#include "core/error.hpp"
#include "core/log.hpp"

namespace shikong::storage::sqlite {

std::string quote_identifier(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out.push_back('"');
  for (char c : name) {
    if (c == '\0') continue;
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

void throw_sqlite(sqlite3* db, int rc, std::string_view code, std::string_view what) {
  const char* msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  log::error("sqlite: {} failed: {} (code {})", what, msg, rc);
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
    throw Unavailable("storage-busy", "The data store is busy; try again shortly.");
  if (rc == SQLITE_FULL) throw InternalError("storage-full", "The data store's disk is full.");
  throw InternalError(std::string(code), "The data store failed to complete the operation.");
}

Stmt& Stmt::operator=(Stmt&& o) noexcept {
  if (this != &o) {
    if (s_ != nullptr) sqlite3_finalize(s_);
    db_ = o.db_;
    s_ = o.s_;
    o.s_ = nullptr;
  }
  return *this;
}

Stmt::~Stmt() {
  if (s_ != nullptr) sqlite3_finalize(s_);
}

namespace {
void check_bind(sqlite3* db, int rc) {
  if (rc != SQLITE_OK) throw_sqlite(db, rc, "storage-bind", "binding a value");
}
}  // namespace

void Stmt::bind_null(int i) {
  check_bind(db_, sqlite3_bind_null(s_, i));
}
void Stmt::bind_int(int i, std::int64_t v) {
  check_bind(db_, sqlite3_bind_int64(s_, i, v));
}
void Stmt::bind_double(int i, double v) {
  check_bind(db_, sqlite3_bind_double(s_, i, v));
}
void Stmt::bind_text(int i, std::string_view v) {
  // An empty view may carry a null pointer, which SQLite would bind as NULL.
  const char* data = v.data() != nullptr ? v.data() : "";
  check_bind(db_, sqlite3_bind_text64(s_, i, data, v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

std::string sql(std::string_view a, std::string_view b, std::string_view c) {
  std::string out;
  out.reserve(a.size() + b.size() + c.size());
  out.append(a).append(b).append(c);
  return out;
}
void Stmt::bind_text_static(int i, std::string_view v) {
  check_bind(db_, sqlite3_bind_text64(s_, i, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8));
}
void Stmt::bind_blob_static(int i, std::string_view v) {
  check_bind(db_, sqlite3_bind_blob64(s_, i, v.data(), v.size(), SQLITE_STATIC));
}
void Stmt::bind_optional_int(int i, const std::optional<std::int64_t>& v) {
  if (v)
    bind_int(i, *v);
  else
    bind_null(i);
}

bool Stmt::step() {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(s_);
  throw_sqlite(db_, rc, "storage-query", "stepping a statement");
}

int Stmt::step_rc() {
  int rc = sqlite3_step(s_);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) sqlite3_reset(s_);
  return rc;
}

void Stmt::reset() {
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

bool Stmt::is_null(int col) const {
  return sqlite3_column_type(s_, col) == SQLITE_NULL;
}
std::int64_t Stmt::col_int(int col) const {
  return sqlite3_column_int64(s_, col);
}
double Stmt::col_double(int col) const {
  return sqlite3_column_double(s_, col);
}
std::string_view Stmt::col_text(int col) const {
  const auto* p = sqlite3_column_text(s_, col);
  if (p == nullptr) return {};
  return {reinterpret_cast<const char*>(p),
          static_cast<std::size_t>(sqlite3_column_bytes(s_, col))};
}
std::string_view Stmt::col_blob(int col) const {
  const void* p = sqlite3_column_blob(s_, col);
  if (p == nullptr) return {};
  return {static_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s_, col))};
}
int Stmt::col_type(int col) const {
  return sqlite3_column_type(s_, col);
}

namespace {
// Paths become URIs for the immutable flag; anything outside the unreserved set is escaped so a
// '?' or '#' in a directory name cannot add parameters.
std::string path_uri(const std::filesystem::path& p) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "file:";
  for (unsigned char c : p.string()) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '/' || c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}
}  // namespace

Db::Db(const std::filesystem::path& path, OpenMode mode) : path_(path) {
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
  std::string name;
  if (mode == OpenMode::read_only_immutable) {
    flags |= SQLITE_OPEN_READONLY;
    name = path_uri(path) + "?immutable=1";
  } else {
    flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    name = path_uri(path);
  }
  int rc = sqlite3_open_v2(name.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    log::error("sqlite: opening {} failed: {}", path.string(), msg);
    if (rc == SQLITE_CANTOPEN)
      throw NotFound("storage-file-missing", "A data file of the store could not be opened.");
    throw InternalError("storage-open", "The data store could not open one of its files.");
  }
  sqlite3_extended_result_codes(db_, 1);
  // Defensive settings: no schema-embedded functions with side effects, no ATTACH tricks.
  sqlite3_db_config(db_, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
}

Db::~Db() {
  cache_.clear();
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

void Db::exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (err != nullptr) sqlite3_free(err);
  if (rc != SQLITE_OK) throw_sqlite(db_, rc, "storage-exec", "executing SQL");
}

Stmt Db::prepare(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), 0, &s, nullptr);
  if (rc != SQLITE_OK) throw_sqlite(db_, rc, "storage-prepare", "preparing a statement");
  return Stmt(db_, s);
}

Stmt& Db::cached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    it->second.reset();
    return it->second;
  }
  // Filters make many shapes of SQL; a bounded cache keeps memory flat.
  if (cache_.size() >= 64) cache_.clear();
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) throw_sqlite(db_, rc, "storage-prepare", "preparing a statement");
  return cache_.emplace(sql, Stmt(db_, s)).first->second;
}

std::int64_t Db::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

std::int64_t Db::changes() const {
  return sqlite3_changes64(db_);
}

std::int64_t Db::query_int(std::string_view sql) {
  Stmt s = prepare(sql);
  if (!s.step()) return 0;
  return s.col_int(0);
}

Transaction::Transaction(Db& db, bool immediate) : db_(db) {
  db_.exec(immediate ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
  if (!open_) return;
  // A failed rollback leaves SQLite to roll back on close; nothing more can be done here.
  sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

}  // namespace shikong::storage::sqlite
