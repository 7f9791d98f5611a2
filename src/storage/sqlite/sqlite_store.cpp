// The embedded Store: catalog.sqlite (WAL, pooled connections, one per thread at a time) plus
// immutable per-version GeoPackages that readers open without locks, so an import never blocks
// a reader and a reader never sees an uncommitted dataset.
#include "storage/sqlite/sqlite_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <set>

#include "core/dataset_id.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "storage/sqlite/catalog_db.hpp"
#include "storage/sqlite/feature_query.hpp"
#include "storage/sqlite/gpkg_file.hpp"
#include "storage/sqlite/import_session.hpp"
#include "storage/sqlite/store_context.hpp"

namespace shikong::storage {

namespace sqlite {

void fsync_path(const std::filesystem::path& path, bool directory) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0));
  if (fd < 0) {
    log::error("storage: open {} for fsync failed: errno {}", path.string(), errno);
    throw InternalError("storage-fsync", "The data store could not make a file durable.");
  }
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) {
    log::error("storage: fsync {} failed: errno {}", path.string(), err);
    throw InternalError("storage-fsync", "The data store could not make a file durable.");
  }
}

StoreContext::~StoreContext() {
  if (lock_fd >= 0) ::close(lock_fd);
}

StoreContext::StoreContext(const SqliteOptions& opts)
    : options(opts),
      data_dir(opts.data_dir),
      datasets_dir(data_dir / "datasets"),
      tmp_dir(data_dir / "tmp"),
      catalog_path(data_dir / "catalog.sqlite"),
      catalog(
          [](const std::filesystem::path& p) {
            auto db = std::make_unique<Db>(p, OpenMode::read_write_create);
            configure_catalog_connection(*db);
            return db;
          },
          8),
      files(
          [mmap = opts.mmap_bytes](const std::filesystem::path& p) {
            auto db = std::make_unique<Db>(p, OpenMode::read_only_immutable);
            db->exec("PRAGMA mmap_size = " + std::to_string(mmap < 0 ? 0 : mmap) +
                     "; PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY;");
            register_functions(*db);
            return db;
          },
          4) {}

namespace {

constexpr std::string_view kAccessLevels[] = {"public", "registered", "restricted", "private"};

[[noreturn]] void dataset_not_found() {
  throw NotFound("dataset-not-found", "No dataset has this id.", "id");
}

void remove_quietly(const std::filesystem::path& p) {
  std::error_code ec;
  std::filesystem::remove(p, ec);
  if (ec) log::warn("storage: could not remove {}: {}", p.string(), ec.message());
}

// Leftovers of interrupted imports (tmp/) and files no catalog row references (a crash between
// the rename and the catalog commit, or before the old version's deletion).
void clean_leftovers(StoreContext& ctx, Db& catalog) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(ctx.tmp_dir, ec)) {
    log::info("storage: removing leftover {}", e.path().string());
    remove_quietly(e.path());
  }
  auto files = referenced_files(catalog);
  std::set<std::string> keep(files.begin(), files.end());
  for (const auto& e : std::filesystem::directory_iterator(ctx.datasets_dir, ec)) {
    if (!e.is_regular_file()) continue;
    std::string name = e.path().filename().string();
    if (keep.count(name) != 0) continue;
    log::info("storage: removing unreferenced {}", e.path().string());
    remove_quietly(e.path());
  }
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::shared_ptr<StoreContext> ctx) : ctx_(std::move(ctx)) {}

  std::vector<DatasetInfo> list_datasets() override {
    auto db = ctx_->catalog_db();
    std::vector<DatasetInfo> out;
    for (auto& row : list_dataset_rows(*db)) out.push_back(std::move(row.info));
    return out;
  }

  std::optional<DatasetInfo> find_dataset(std::string_view id) override {
    if (!is_valid_dataset_id(id)) return std::nullopt;
    auto db = ctx_->catalog_db();
    auto row = find_dataset_row(*db, id);
    if (!row) return std::nullopt;
    return std::move(row->info);
  }

  std::unique_ptr<ImportSession> begin_import(const DatasetInfo& draft) override {
    return begin_sqlite_import(ctx_, draft);
  }

  DatasetInfo update_dataset(std::string_view id, const DatasetPatch& patch) override {
    if (!is_valid_dataset_id(id)) dataset_not_found();
    if (patch.access) {
      bool ok = false;
      for (auto a : kAccessLevels) ok = ok || *patch.access == a;
      if (!ok)
        throw InvalidInput("invalid-access",
                           "Access is one of public, registered, restricted or private.", "access");
    }
    auto db = ctx_->catalog_db();
    sqlite::Transaction tx(*db);
    auto row = find_dataset_row(*db, id);
    if (!row) dataset_not_found();
    DatasetInfo& d = row->info;
    if (patch.title) d.title = *patch.title;
    if (patch.description) d.description = *patch.description;
    if (patch.access) d.access = *patch.access;
    if (patch.owner) d.owner = *patch.owner;
    if (patch.vertical_datum) d.vertical_datum = *patch.vertical_datum;
    d.version = next_version(*db, id);
    d.updated = now_utc();
    upsert_dataset_row(*db, *row);
    tx.commit();
    return d;
  }

  void delete_dataset(std::string_view id) override {
    if (!is_valid_dataset_id(id)) dataset_not_found();
    auto db = ctx_->catalog_db();
    std::optional<DatasetRow> row;
    db->exec("PRAGMA synchronous = FULL");
    try {
      sqlite::Transaction tx(*db);
      row = find_dataset_row(*db, id);
      if (!row) dataset_not_found();
      delete_dataset_row(*db, id);
      delete_style_rows(*db, id, std::nullopt);
      tx.commit();
    } catch (...) {
      db->exec("PRAGMA synchronous = NORMAL");
      throw;
    }
    db->exec("PRAGMA synchronous = NORMAL");
    if (!row->file.empty()) {
      auto path = ctx_->dataset_path(row->file);
      ctx_->files.retire(path);
      remove_quietly(path);
    }
  }

  std::unique_ptr<FeatureCursor> query(const DatasetInfo& ds, const FeatureQuery& q) override {
    // A concurrent commit may delete the file between the catalog read and the open: read the
    // catalog again once.
    for (int attempt = 0;; ++attempt) {
      DatasetRow row = current(ds);
      SqlQuery sql = build_select(row.info, q);
      try {
        auto lease = ctx_->files.acquire(ctx_->dataset_path(row.file));
        return make_cursor(std::move(lease), std::move(sql), row.info, q.with_geometry);
      } catch (const NotFound&) {
        if (attempt > 0) throw;
      }
    }
  }

  std::int64_t count(const DatasetInfo& ds, const FeatureQuery& q) override {
    for (int attempt = 0;; ++attempt) {
      DatasetRow row = current(ds);
      if (!q.bbox && !q.time && !q.filter && !q.id) return row.info.feature_count;
      SqlQuery sql = build_count(row.info, q);
      try {
        auto lease = ctx_->files.acquire(ctx_->dataset_path(row.file));
        sqlite::Stmt& s = lease->cached(sql.sql);
        bind_params(s, sql.params);
        std::int64_t n = s.step() ? s.col_int(0) : 0;
        s.reset();
        return n;
      } catch (const NotFound&) {
        if (attempt > 0) throw;
      }
    }
  }

  void save_job(const Job& job) override {
    auto db = ctx_->catalog_db();
    upsert_job(*db, job);
  }

  std::optional<Job> find_job(std::string_view id) override {
    auto db = ctx_->catalog_db();
    return find_job_row(*db, id);
  }

  std::vector<StoredStyle> list_styles(std::string_view dataset_id) override {
    auto db = ctx_->catalog_db();
    return list_style_rows(*db, dataset_id);
  }

  std::optional<StoredStyle> find_style(std::string_view dataset_id,
                                        std::string_view name) override {
    auto db = ctx_->catalog_db();
    for (auto& s : list_style_rows(*db, dataset_id))
      if (s.name == name) return std::move(s);
    return std::nullopt;
  }

  void save_style(const StoredStyle& style) override {
    auto db = ctx_->catalog_db();
    upsert_style_row(*db, style);
  }

  bool delete_style(std::string_view dataset_id, std::string_view name) override {
    auto db = ctx_->catalog_db();
    return delete_style_rows(*db, dataset_id, name);
  }

  std::optional<std::filesystem::path> dataset_file(std::string_view id) override {
    if (!is_valid_dataset_id(id)) return std::nullopt;
    auto db = ctx_->catalog_db();
    auto row = find_dataset_row(*db, id);
    if (!row || row->file.empty()) return std::nullopt;
    return ctx_->dataset_path(row->file);
  }

 private:
  // The catalog's current row for the dataset the caller looked up. The caller's filter and
  // field indexes refer to its schema, so a replacement with another schema is a conflict.
  DatasetRow current(const DatasetInfo& ds) {
    std::optional<DatasetRow> row;
    if (is_valid_dataset_id(ds.id)) {
      auto db = ctx_->catalog_db();
      row = find_dataset_row(*db, ds.id);
    }
    if (!row || row->file.empty()) dataset_not_found();
    if (row->info.version != ds.version && !(row->info.schema == ds.schema))
      throw Conflict("dataset-changed",
                     "The dataset was replaced with a different schema; read it again.");
    return std::move(*row);
  }

  std::shared_ptr<StoreContext> ctx_;
};

}  // namespace
}  // namespace sqlite

std::unique_ptr<Store> open_sqlite_store(const SqliteOptions& options) {
  auto ctx = std::make_shared<sqlite::StoreContext>(options);
  std::filesystem::create_directories(ctx->datasets_dir);
  std::filesystem::create_directories(ctx->tmp_dir);
  // Every process with the store open holds store.lock shared. Only a process that gets it
  // alone may take what is in tmp/ and jobs left running for leftovers of a dead process: with
  // a server running, a command such as `shikong style put` must not remove its uploads or
  // imports in progress, nor fail its running jobs.
  const auto lock_path = ctx->data_dir / "store.lock";
  ctx->lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (ctx->lock_fd < 0) {
    log::error("storage: cannot open {}: errno {}", lock_path.string(), errno);
    throw Unavailable("store-lock", "The data store's lock file cannot be opened.");
  }
  const bool alone = ::flock(ctx->lock_fd, LOCK_EX | LOCK_NB) == 0;
  {
    auto db = ctx->catalog_db();
    sqlite::init_catalog(*db);
    if (alone) {
      sqlite::clean_leftovers(*ctx, *db);
      if (auto n = sqlite::fail_interrupted_jobs(*db); n > 0)
        log::warn("storage: {} import job(s) were interrupted by a restart and marked failed", n);
    }
  }
  if (::flock(ctx->lock_fd, LOCK_SH) != 0) {
    log::error("storage: cannot lock {}: errno {}", lock_path.string(), errno);
    throw Unavailable("store-lock", "The data store's lock file cannot be locked.");
  }
  return std::make_unique<sqlite::SqliteStore>(std::move(ctx));
}

}  // namespace shikong::storage
