// Bulk loading into a private GeoPackage, then the commit protocol: fsync the file, rename it to
// its versioned name, fsync the directory, switch the catalog row in one durable transaction,
// and only then delete the previous version's file. A crash at any point leaves either the old
// or the new version referenced by the catalog; unreferenced files are removed at next open.
#include "storage/sqlite/import_session.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <bit>
#include <chrono>
#include <cstring>
#include <limits>
#include <random>

#include "core/dataset_id.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "geo/gpkg_binary.hpp"
#include "geo/wkb.hpp"
#include "storage/sqlite/catalog_db.hpp"
#include "storage/sqlite/gpkg_file.hpp"
#include "storage/sqlite/value_codec.hpp"

namespace shikong::storage::sqlite {

std::string dataset_file_name(std::string_view id, std::int64_t version) {
  return fmt::format("{}.v{}.gpkg", id, version);
}

namespace {

constexpr std::int64_t kRowsPerTransaction = 50'000;
// SQLite's compiled column limit is 2000; keep room for fid, geom and the time columns.
constexpr std::size_t kMaxFields = 1990;

std::string random_hex() {
  std::random_device rd;
  std::uint64_t v = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  return fmt::format("{:016x}", v);
}

struct WkbType {
  geo::GeometryType type = geo::GeometryType::unknown;
  bool has_z = false;
};

// Reads the type word of (ISO or EWKB) WKB; the bytes were validated by wkb_envelope or come
// from our own pipeline.
WkbType wkb_type(std::string_view wkb) {
  WkbType out;
  if (wkb.size() < 5) return out;
  std::uint32_t t;
  std::memcpy(&t, wkb.data() + 1, 4);
  bool little = wkb[0] == 1;
  if (little != (std::endian::native == std::endian::little)) t = __builtin_bswap32(t);
  bool ewkb_z = (t & 0x80000000u) != 0;
  t &= 0x0FFFFFFFu;
  unsigned thousands = t / 1000;
  unsigned base = t % 1000;
  out.has_z = ewkb_z || thousands == 1 || thousands == 3;
  if (base >= 1 && base <= 7) out.type = static_cast<geo::GeometryType>(base);
  return out;
}

class SqliteImportSession final : public ImportSession {
 public:
  SqliteImportSession(std::shared_ptr<StoreContext> ctx, const DatasetInfo& draft)
      : ctx_(std::move(ctx)), draft_(draft) {
    require_dataset_id(draft_.id, "id");
    srs_id_ = srs_id_for(draft_.crs);
    if (draft_.schema.size() > kMaxFields)
      throw InvalidInput("too-many-fields",
                         fmt::format("A dataset may have at most {} fields.", kMaxFields),
                         "schema");
    field_count_ = draft_.schema.size();
    std::filesystem::create_directories(ctx_->tmp_dir);
    tmp_path_ = ctx_->tmp_dir / fmt::format("{}.{}.gpkg", draft_.id, random_hex());
    try {
      open_build_file();
    } catch (...) {
      discard_file();
      throw;
    }
  }

  ~SqliteImportSession() override {
    if (state_ == State::open) {
      try {
        abort();
      } catch (const std::exception& e) {
        log::error("storage: aborting import of {} failed: {}", draft_.id, e.what());
      }
    }
  }

  void write(const Feature& f) override {
    require_open();
    if (f.properties.size() > field_count_)
      throw InvalidInput("feature-schema-mismatch",
                         "A feature has more properties than the dataset has fields.",
                         "properties");
    Stmt& ins = insert_;
    ins.reset();
    if (f.id != 0) ins.bind_int(1, f.id);

    Envelope env;
    WkbType type;
    if (!f.wkb.empty()) {
      env = f.envelope.empty() ? geo::wkb_envelope(f.wkb) : f.envelope;
      type = wkb_type(f.wkb);
      // Points carry no header envelope (as GDAL writes them): it would only repeat the point.
      bool point = type.type == geo::GeometryType::point;
      blob_ = geo::to_gpkg_blob(f.wkb, point ? Envelope{} : env, srs_id_);
      ins.bind_blob_static(2, blob_);
    }
    const int first_field = 5;
    if (f.valid_time.start) ins.bind_int(3, f.valid_time.start->micros);
    if (f.valid_time.end) ins.bind_int(4, f.valid_time.end->micros);
    for (std::size_t i = 0; i < f.properties.size(); ++i)
      bind_value(ins, first_field + static_cast<int>(i), f.properties[i]);

    int rc = ins.step_rc();
    if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
      throw InvalidInput("duplicate-feature-id", "Two features have the same id.", "id");
    if (rc != SQLITE_DONE) throw_sqlite(db_->get(), rc, "storage-import", "inserting a feature");

    if (!env.empty()) {
      if (in_memory_) remember_box(db_->last_insert_rowid(), env, f.valid_time);
      extent_.extend(env);
    }
    if (!f.wkb.empty()) {
      (type.has_z ? any_z_ : any_2d_) = true;
      geometry_type_ = seen_geometry_ ? geo::common_type(geometry_type_, type.type) : type.type;
      seen_geometry_ = true;
    }
    time_extent_.extend(f.valid_time);
    ++written_;
    if (++rows_in_transaction_ >= kRowsPerTransaction) {
      db_->exec("COMMIT; BEGIN");
      rows_in_transaction_ = 0;
    }
  }

  DatasetInfo commit() override {
    require_open();
    state_ = State::failed;  // until the catalog says otherwise
    try {
      return commit_now();
    } catch (const std::filesystem::filesystem_error& e) {
      log::error("storage: committing {} failed: {}", draft_.id, e.what());
      discard_file();
      throw InternalError("storage-io", "The data store could not write the dataset's file.");
    } catch (...) {
      discard_file();
      throw;
    }
  }

  void abort() override {
    if (state_ == State::committed) return;
    state_ = State::aborted;
    discard_file();
  }

  std::int64_t written() const override { return written_; }

 private:
  enum class State { open, committed, aborted, failed };

  void require_open() const {
    if (state_ != State::open)
      throw Conflict("import-finished",
                     "The import session has already been committed or "
                     "aborted.");
  }

  void open_build_file() {
    db_ = std::make_unique<Db>(tmp_path_, OpenMode::read_write_create);
    // The file is private until commit and fsynced then, so journaling and syncs during the
    // build buy nothing.
    db_->exec(
        "PRAGMA page_size = 4096;"
        "PRAGMA journal_mode = OFF;"
        "PRAGMA synchronous = OFF;"
        "PRAGMA locking_mode = EXCLUSIVE;"
        "PRAGMA cache_size = -65536;"
        "PRAGMA temp_store = FILE;");
    register_functions(*db_);
    LayoutSpec spec;
    spec.identifier = draft_.id;
    spec.description = draft_.title;
    spec.schema = &draft_.schema;
    spec.geometry_type = draft_.geometry_type;
    spec.srs_id = srs_id_;
    db_->exec("BEGIN");
    create_layout(*db_, spec);
    std::string sql = fmt::format("INSERT INTO {} ({}, {}, {}, {}", quote_identifier(kFeatureTable),
                                  quote_identifier(kFidColumn), quote_identifier(kGeomColumn),
                                  quote_identifier(kValidFrom), quote_identifier(kValidTo));
    for (const auto& name : column_names(draft_.schema)) sql += ", " + quote_identifier(name);
    sql += ") VALUES (?, ?, ?, ?";
    for (std::size_t i = 0; i < field_count_; ++i) sql += ", ?";
    sql += ")";
    insert_ = db_->prepare(sql);
  }

  // R-tree entries are kept in memory (32 bytes a feature) up to a bound, which lets commit pack
  // them with STR without another pass; larger imports stream them from the file at commit so
  // that memory stays flat.
  void remember_box(std::int64_t fid, const Envelope& env, const Interval& t) {
    if (entries_.size() >= ctx_->options.rtree_memory_entries) {
      in_memory_ = false;
      entries_.clear();
      entries_.shrink_to_fit();
      return;
    }
    RtreeEntry& e = entries_.emplace_back();
    e.id = fid;
    e.box[0] = round_down(env.min_x);
    e.box[1] = round_up(env.max_x);
    e.box[2] = round_down(env.min_y);
    e.box[3] = round_up(env.max_y);
    constexpr float inf = std::numeric_limits<float>::infinity();
    e.box[4] = t.start ? round_down(static_cast<double>(t.start->micros) / kMicrosPerDay) : -inf;
    e.box[5] = t.end ? round_up(static_cast<double>(t.end->micros) / kMicrosPerDay) : inf;
  }

  static void bind_value(Stmt& s, int i, const Value& v) {
    switch (v.index()) {
      case 0:
        break;  // NULL (bindings were cleared)
      case 1:
        s.bind_int(i, std::get<bool>(v) ? 1 : 0);
        break;
      case 2:
        s.bind_int(i, std::get<std::int64_t>(v));
        break;
      case 3:
        s.bind_double(i, std::get<double>(v));
        break;
      case 4:
        s.bind_text_static(i, std::get<std::string>(v));
        break;
      case 5:
        s.bind_text(i, format_date(std::get<Date>(v)));
        break;
      case 6:
        s.bind_text(i, format_datetime(std::get<Instant>(v)));
        break;
      default:
        break;
    }
  }

  DatasetInfo commit_now() {
    db_->exec("COMMIT");
    LayoutSummary summary;
    summary.extent = extent_;
    summary.time_extent = time_extent_;
    summary.z = any_z_ ? (any_2d_ ? 2 : 1) : 0;
    auto t0 = std::chrono::steady_clock::now();
    db_->exec("BEGIN");
    finish_layout(*db_, summary, in_memory_ ? &entries_ : nullptr);
    db_->exec("COMMIT");
    close_build_file();
    auto t1 = std::chrono::steady_clock::now();
    fsync_path(tmp_path_, false);
    auto t2 = std::chrono::steady_clock::now();
    log::debug("storage: {} indexes built in {:.3f} s, file synced in {:.3f} s", draft_.id,
               std::chrono::duration<double>(t1 - t0).count(),
               std::chrono::duration<double>(t2 - t1).count());

    DatasetInfo info = draft_;
    info.extent = extent_;
    info.time_extent = time_extent_;
    info.feature_count = written_;
    if (info.geometry_type == geo::GeometryType::unknown && seen_geometry_)
      info.geometry_type = geometry_type_;
    info.updated = now_utc();
    info.created = info.updated;

    auto catalog = ctx_->catalog_db();
    std::optional<DatasetRow> previous;
    std::filesystem::path final_path;
    // The switch is the durability point: FULL makes the WAL commit reach the disk before we
    // delete the previous version's file.
    catalog->exec("PRAGMA synchronous = FULL");
    try {
      Transaction tx(*catalog);
      previous = find_dataset_row(*catalog, info.id);
      info.version = next_version(*catalog, info.id);
      if (previous) info.created = previous->info.created;
      DatasetRow row{info, dataset_file_name(info.id, info.version)};
      final_path = ctx_->dataset_path(row.file);
      std::filesystem::create_directories(ctx_->datasets_dir);
      std::filesystem::rename(tmp_path_, final_path);
      try {
        fsync_path(ctx_->datasets_dir, true);
        upsert_dataset_row(*catalog, row);
        tx.commit();
      } catch (...) {
        std::error_code ec;
        std::filesystem::remove(final_path, ec);
        throw;
      }
    } catch (...) {
      catalog->exec("PRAGMA synchronous = NORMAL");
      throw;
    }
    catalog->exec("PRAGMA synchronous = NORMAL");
    state_ = State::committed;

    if (previous && !previous->file.empty() && ctx_->dataset_path(previous->file) != final_path) {
      auto old_path = ctx_->dataset_path(previous->file);
      ctx_->files.retire(old_path);
      std::error_code ec;
      std::filesystem::remove(old_path, ec);
      if (ec) log::warn("storage: could not remove {}: {}", old_path.string(), ec.message());
    }
    log::info("storage: dataset {} version {} committed ({} features)", info.id, info.version,
              info.feature_count);
    return info;
  }

  void close_build_file() {
    insert_ = Stmt();
    db_.reset();
  }

  void discard_file() noexcept {
    close_build_file();
    std::error_code ec;
    std::filesystem::remove(tmp_path_, ec);
    std::filesystem::remove(tmp_path_.string() + "-journal", ec);
  }

  std::shared_ptr<StoreContext> ctx_;
  DatasetInfo draft_;
  std::int32_t srs_id_ = 4490;
  std::size_t field_count_ = 0;
  std::filesystem::path tmp_path_;
  std::unique_ptr<Db> db_;
  Stmt insert_;
  std::string blob_;
  std::vector<RtreeEntry> entries_;
  bool in_memory_ = true;
  State state_ = State::open;
  std::int64_t written_ = 0;
  std::int64_t rows_in_transaction_ = 0;
  Envelope extent_;
  Interval time_extent_;
  bool any_z_ = false;
  bool any_2d_ = false;
  bool seen_geometry_ = false;
  geo::GeometryType geometry_type_ = geo::GeometryType::unknown;
};

}  // namespace

std::unique_ptr<ImportSession> begin_sqlite_import(std::shared_ptr<StoreContext> ctx,
                                                   const DatasetInfo& draft) {
  return std::make_unique<SqliteImportSession>(std::move(ctx), draft);
}

}  // namespace shikong::storage::sqlite
