// Thin RAII wrappers over the SQLite C API: a connection with a cache of prepared statements,
// statements with typed bind/column helpers, and the one identifier-quoting function.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace shikong::storage::sqlite {

// The only way an identifier enters SQL text: wraps it in double quotes, doubling any quote
// inside, and drops NUL bytes (SQLite would end the name there).
std::string quote_identifier(std::string_view name);

// Statement text from pieces (column lists kept as constants, clauses).
std::string sql(std::string_view a, std::string_view b = {}, std::string_view c = {});

// Logs SQLite's message (never shown to clients) and throws InternalError with `code`.
[[noreturn]] void throw_sqlite(sqlite3* db, int rc, std::string_view code, std::string_view what);

class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3* db, sqlite3_stmt* s) : db_(db), s_(s) {}
  Stmt(Stmt&& o) noexcept : db_(o.db_), s_(o.s_) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  sqlite3_stmt* get() const { return s_; }
  explicit operator bool() const { return s_ != nullptr; }

  // Parameters are 1-based, as in SQLite.
  void bind_null(int i);
  void bind_int(int i, std::int64_t v);
  void bind_double(int i, double v);
  void bind_text(int i, std::string_view v);         // copied by SQLite; an empty view binds
  void bind_text_static(int i, std::string_view v);  // must outlive the step
  void bind_blob_static(int i, std::string_view v);
  void bind_optional_int(int i, const std::optional<std::int64_t>& v);

  // Returns true when a row is available, false when done; throws on errors.
  bool step();
  // Steps a statement that returns no rows; returns the raw result code for callers that
  // handle constraint violations themselves.
  int step_rc();
  void reset();

  bool is_null(int col) const;
  std::int64_t col_int(int col) const;
  double col_double(int col) const;
  std::string_view col_text(int col) const;
  std::string_view col_blob(int col) const;
  int col_type(int col) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* s_ = nullptr;
};

// Resets a cached statement when the scope ends, so no read stays open after a throw.
struct ResetOnExit {
  Stmt& s;
  ~ResetOnExit() { s.reset(); }
};

enum class OpenMode { read_write_create, read_only_immutable };

class Db {
 public:
  Db(const std::filesystem::path& path, OpenMode mode);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* get() const { return db_; }
  const std::filesystem::path& path() const { return path_; }

  void exec(std::string_view sql);  // one or more statements without parameters or rows
  Stmt prepare(std::string_view sql);
  // A statement kept by the connection and reused across calls (reset, bindings cleared).
  // The returned pointer is valid until the Db is destroyed; do not use it from two places at
  // once (callers hold the connection exclusively).
  Stmt& cached(const std::string& sql);
  std::int64_t last_insert_rowid() const;
  std::int64_t changes() const;                  // rows changed by the last statement
  std::int64_t query_int(std::string_view sql);  // first column of the first row

 private:
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
  std::unordered_map<std::string, Stmt> cache_;
};

// A transaction that rolls back unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Db& db, bool immediate = true);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Db& db_;
  bool open_ = true;
};

}  // namespace shikong::storage::sqlite
