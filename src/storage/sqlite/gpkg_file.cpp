// GeoPackage 1.3 layout for dataset files, the SQL functions GeoPackage triggers need, and
// shikong's exact-check functions used by queries.
#include "storage/sqlite/gpkg_file.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <memory>
#include <unordered_set>

#include "core/error.hpp"
#include "geo/gpkg_binary.hpp"
#include "geo/wkb.hpp"
#include "storage/sqlite/value_codec.hpp"
#ifdef SHIKONG_STORAGE_HAVE_GEOS
#include "geo/geos/validity.hpp"
#endif

namespace shikong::storage::sqlite {

namespace {

// WKT from `projinfo EPSG:4490 -o WKT1_GDAL` (PROJ 9.1), as GeoPackage 1.3 asks for WKT 1.
constexpr std::string_view kCgcs2000Wkt =
    R"(GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4490"]])";
constexpr std::string_view kWgs84Wkt =
    R"(GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]])";

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

double read_le_double(const char* p, bool little) {
  std::uint64_t u;
  std::memcpy(&u, p, 8);
  if (little != (std::endian::native == std::endian::little)) u = __builtin_bswap64(u);
  double d;
  std::memcpy(&d, &u, 8);
  return d;
}

std::string_view arg_blob(sqlite3_value* v) {
  if (sqlite3_value_type(v) != SQLITE_BLOB) return {};
  const void* p = sqlite3_value_blob(v);
  int n = sqlite3_value_bytes(v);
  if (p == nullptr || n <= 0) return {};
  return {static_cast<const char*>(p), static_cast<std::size_t>(n)};
}

// ST_MinX etc.: NULL for NULL, empty or unreadable geometry, as the GeoPackage triggers expect.
template <int Which>
void st_bound(sqlite3_context* ctx, int, sqlite3_value** argv) {
  Envelope e = blob_envelope(arg_blob(argv[0]));
  if (e.empty()) return sqlite3_result_null(ctx);
  double v = Which == 0 ? e.min_x : Which == 1 ? e.max_x : Which == 2 ? e.min_y : e.max_y;
  sqlite3_result_double(ctx, v);
}

void st_is_empty(sqlite3_context* ctx, int, sqlite3_value** argv) {
  std::string_view blob = arg_blob(argv[0]);
  if (blob.empty()) return sqlite3_result_null(ctx);
  if (blob.size() >= 4 && blob[0] == 'G' && blob[1] == 'P' && (blob[3] & 0x10) != 0)
    return sqlite3_result_int(ctx, 1);
  sqlite3_result_int(ctx, blob_envelope(blob).empty() ? 1 : 0);
}

// shikong_bbox(geom, minx, miny, maxx, maxy): the exact envelope test after the R-tree's
// float32 pre-filter.
void shikong_bbox(sqlite3_context* ctx, int, sqlite3_value** argv) {
  Envelope e = blob_envelope(arg_blob(argv[0]));
  Envelope q = Envelope::of(sqlite3_value_double(argv[1]), sqlite3_value_double(argv[2]),
                            sqlite3_value_double(argv[3]), sqlite3_value_double(argv[4]));
  sqlite3_result_int(ctx, e.intersects(q) ? 1 : 0);
}

#ifdef SHIKONG_STORAGE_HAVE_GEOS
void delete_geometry(void* p) {
  delete static_cast<geo::Geometry*>(p);
}

// shikong_intersects(geom, wkb): exact intersection through GEOS. The query geometry (a bound
// parameter) is decoded once per statement and kept as SQLite auxiliary data.
void shikong_intersects(sqlite3_context* ctx, int, sqlite3_value** argv) {
  try {
    std::string_view blob = arg_blob(argv[0]);
    if (blob.empty()) return sqlite3_result_int(ctx, 0);
    auto* query = static_cast<geo::Geometry*>(sqlite3_get_auxdata(ctx, 1));
    if (query == nullptr) {
      std::string_view wkb = arg_blob(argv[1]);
      auto g = std::make_unique<geo::Geometry>(geo::from_wkb(wkb));
      query = g.get();
      sqlite3_set_auxdata(ctx, 1, g.release(), delete_geometry);
      // SQLite may have freed it already if it could not keep it; fetch again.
      query = static_cast<geo::Geometry*>(sqlite3_get_auxdata(ctx, 1));
      if (query == nullptr) {
        geo::Geometry once = geo::from_wkb(wkb);
        geo::Geometry row = geo::from_wkb(geo::gpkg_blob_wkb(blob));
        return sqlite3_result_int(ctx, geo::intersects(row, once) ? 1 : 0);
      }
    }
    geo::Geometry row = geo::from_wkb(geo::gpkg_blob_wkb(blob));
    sqlite3_result_int(ctx, geo::intersects(row, *query) ? 1 : 0);
  } catch (const std::exception&) {
    sqlite3_result_error(ctx, "shikong_intersects: unreadable geometry", -1);
  }
}
#else
// Without GEOS linked in, intersection falls back to envelopes (a documented approximation).
void shikong_intersects(sqlite3_context* ctx, int, sqlite3_value** argv) {
  try {
    Envelope e = blob_envelope(arg_blob(argv[0]));
    Envelope q = geo::wkb_envelope(arg_blob(argv[1]));
    sqlite3_result_int(ctx, e.intersects(q) ? 1 : 0);
  } catch (const std::exception&) {
    sqlite3_result_error(ctx, "shikong_intersects: unreadable geometry", -1);
  }
}
#endif

// shikong_datetime(text) -> microseconds since the epoch, NULL when not a DATETIME.
void shikong_datetime(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) return sqlite3_result_null(ctx);
  const auto* p = sqlite3_value_text(argv[0]);
  std::string_view text(reinterpret_cast<const char*>(p),
                        static_cast<std::size_t>(sqlite3_value_bytes(argv[0])));
  auto t = parse_datetime(text);
  if (!t) return sqlite3_result_null(ctx);
  sqlite3_result_int64(ctx, t->micros);
}

// Normalised position of `v` in [lo, hi] (0.5 for a degenerate range).
double unit(double v, double lo, double hi) {
  return hi > lo ? (v - lo) / (hi - lo) : 0.5;
}

// shikong_hilbert(geom, minx, miny, maxx, maxy): Hilbert key of the envelope centre within the
// dataset extent, the leaf order of the bulk-loaded 2-D R-tree.
void shikong_hilbert(sqlite3_context* ctx, int, sqlite3_value** argv) {
  Envelope e = blob_envelope(arg_blob(argv[0]));
  if (e.empty()) return sqlite3_result_int64(ctx, 0);
  double x0 = sqlite3_value_double(argv[1]), y0 = sqlite3_value_double(argv[2]);
  double x1 = sqlite3_value_double(argv[3]), y1 = sqlite3_value_double(argv[4]);
  auto key =
      hilbert_key(unit((e.min_x + e.max_x) / 2, x0, x1), unit((e.min_y + e.max_y) / 2, y0, y1));
  sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(key));
}

// shikong_morton(geom, valid_from, valid_to, minx, miny, maxx, maxy, tlo, thi): Morton key of
// the x/y/time box centre, the leaf order of the bulk-loaded x/y/time R-tree.
void shikong_morton(sqlite3_context* ctx, int, sqlite3_value** argv) {
  Envelope e = blob_envelope(arg_blob(argv[0]));
  if (e.empty()) return sqlite3_result_int64(ctx, 0);
  double lo = sqlite3_value_double(argv[7]), hi = sqlite3_value_double(argv[8]);
  double t0 = sqlite3_value_type(argv[1]) == SQLITE_NULL
                  ? lo
                  : static_cast<double>(sqlite3_value_int64(argv[1])) / kMicrosPerDay;
  double t1 = sqlite3_value_type(argv[2]) == SQLITE_NULL
                  ? hi
                  : static_cast<double>(sqlite3_value_int64(argv[2])) / kMicrosPerDay;
  double x0 = sqlite3_value_double(argv[3]), y0 = sqlite3_value_double(argv[4]);
  double x1 = sqlite3_value_double(argv[5]), y1 = sqlite3_value_double(argv[6]);
  auto key = morton_key(unit((e.min_x + e.max_x) / 2, x0, x1),
                        unit((e.min_y + e.max_y) / 2, y0, y1), unit((t0 + t1) / 2, lo, hi));
  sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(key));
}

void add_function(Db& db, const char* name, int nargs,
                  void (*fn)(sqlite3_context*, int, sqlite3_value**)) {
  int rc = sqlite3_create_function_v2(db.get(), name, nargs,
                                      SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                      nullptr, fn, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) throw_sqlite(db.get(), rc, "storage-function", "registering a function");
}

}  // namespace

Envelope blob_envelope(std::string_view blob) {
  if (blob.size() < 8 || blob[0] != 'G' || blob[1] != 'P') return {};
  auto flags = static_cast<unsigned char>(blob[3]);
  if ((flags & 0x10) != 0) return {};
  unsigned e = (flags >> 1) & 7u;
  bool little = (flags & 1) != 0;
  if (e >= 1 && e <= 4 && blob.size() >= 40) {
    const char* p = blob.data() + 8;
    Envelope env;
    env.min_x = read_le_double(p, little);
    env.max_x = read_le_double(p + 8, little);
    env.min_y = read_le_double(p + 16, little);
    env.max_y = read_le_double(p + 24, little);
    return env;
  }
  try {
    return geo::wkb_envelope(geo::gpkg_blob_wkb(blob));
  } catch (const std::exception&) {
    return {};
  }
}

std::vector<std::string> column_names(const Schema& schema) {
  std::unordered_set<std::string> used = {std::string(kFidColumn), std::string(kGeomColumn),
                                          std::string(kValidFrom), std::string(kValidTo)};
  std::vector<std::string> out;
  out.reserve(schema.fields.size());
  for (std::size_t i = 0; i < schema.fields.size(); ++i) {
    std::string base;
    for (char c : schema.fields[i].name)
      if (c != '\0') base.push_back(c);
    if (base.empty()) base = fmt::format("field_{}", i + 1);
    std::string name = base;
    for (int n = 2; used.count(lower_ascii(name)) != 0; ++n) name = fmt::format("{}_{}", base, n);
    used.insert(lower_ascii(name));
    out.push_back(std::move(name));
  }
  return out;
}

std::string_view gpkg_type_name(FieldType t) {
  switch (t) {
    case FieldType::integer:
      return "INTEGER";
    case FieldType::real:
      return "REAL";
    case FieldType::boolean:
      return "BOOLEAN";
    case FieldType::text:
      return "TEXT";
    case FieldType::date:
      return "DATE";
    case FieldType::datetime:
      return "DATETIME";
  }
  return "TEXT";
}

std::int32_t srs_id_for(std::string_view crs) {
  if (crs == "EPSG:4490") return 4490;
  if (crs == "EPSG:4326") return 4326;
  throw InvalidInput("unsupported-crs",
                     "The embedded store keeps features in EPSG:4490 or EPSG:4326 only.", "crs");
}

void register_functions(Db& db) {
  add_function(db, "ST_MinX", 1, st_bound<0>);
  add_function(db, "ST_MaxX", 1, st_bound<1>);
  add_function(db, "ST_MinY", 1, st_bound<2>);
  add_function(db, "ST_MaxY", 1, st_bound<3>);
  add_function(db, "ST_IsEmpty", 1, st_is_empty);
  add_function(db, "shikong_bbox", 5, shikong_bbox);
  add_function(db, "shikong_intersects", 2, shikong_intersects);
  add_function(db, "shikong_datetime", 1, shikong_datetime);
  add_function(db, "shikong_hilbert", 5, shikong_hilbert);
  add_function(db, "shikong_morton", 9, shikong_morton);
}

void create_layout(Db& db, const LayoutSpec& spec) {
  const Schema& schema = *spec.schema;
  db.exec(
      "PRAGMA application_id = 1196444487;"  // 'GPKG'
      "PRAGMA user_version = 10300;"
      "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,"
      " organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,"
      " definition TEXT NOT NULL, description TEXT);"
      "CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,"
      " identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL"
      " DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE,"
      " max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,"
      " CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));"
      "CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,"
      " geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL,"
      " m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),"
      " CONSTRAINT uk_gc_table_name UNIQUE (table_name),"
      " CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),"
      " CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));"
      "CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT,"
      " extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL,"
      " CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));");

  Stmt srs = db.prepare(
      "INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id,"
      " definition, description) VALUES (?, ?, ?, ?, ?, ?)");
  auto add_srs = [&](std::string_view name, int id, std::string_view org, int org_id,
                     std::string_view def, std::string_view desc) {
    srs.reset();
    srs.bind_text(1, name);
    srs.bind_int(2, id);
    srs.bind_text(3, org);
    srs.bind_int(4, org_id);
    srs.bind_text(5, def);
    srs.bind_text(6, desc);
    srs.step();
  };
  add_srs("Undefined cartesian SRS", -1, "NONE", -1, "undefined",
          "undefined cartesian coordinate reference system");
  add_srs("Undefined geographic SRS", 0, "NONE", 0, "undefined",
          "undefined geographic coordinate reference system");
  add_srs("WGS 84 geodetic", 4326, "EPSG", 4326, kWgs84Wkt,
          "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid");
  add_srs("China Geodetic Coordinate System 2000", 4490, "EPSG", 4490, kCgcs2000Wkt,
          "CGCS2000, the platform datum of shikong");

  Stmt contents = db.prepare(
      "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)"
      " VALUES (?, 'features', ?, ?, ?)");
  contents.bind_text(1, kFeatureTable);
  contents.bind_text(2, spec.identifier);
  contents.bind_text(3, spec.description);
  contents.bind_int(4, spec.srs_id);
  contents.step();

  // The declared geometry column type must equal geometry_type_name (GeoPackage req. 25).
  std::string geom_type(geo::to_sql_name(spec.geometry_type));
  Stmt columns = db.prepare(
      "INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id,"
      " z, m) VALUES (?, ?, ?, ?, 0, 0)");
  columns.bind_text(1, kFeatureTable);
  columns.bind_text(2, kGeomColumn);
  columns.bind_text(3, geom_type);
  columns.bind_int(4, spec.srs_id);
  columns.step();

  std::string ddl = fmt::format("CREATE TABLE {} ({} INTEGER PRIMARY KEY NOT NULL, {} {}",
                                quote_identifier(kFeatureTable), quote_identifier(kFidColumn),
                                quote_identifier(kGeomColumn), geom_type);
  auto names = column_names(schema);
  for (std::size_t i = 0; i < names.size(); ++i)
    ddl +=
        fmt::format(", {} {}", quote_identifier(names[i]), gpkg_type_name(schema.fields[i].type));
  ddl += fmt::format(", {} INTEGER, {} INTEGER)", quote_identifier(kValidFrom),
                     quote_identifier(kValidTo));
  db.exec(ddl);
  db.exec(fmt::format("CREATE VIRTUAL TABLE {} USING rtree(id, minx, maxx, miny, maxy)",
                      quote_identifier(kRtree)));
  db.exec(
      "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)"
      " VALUES ('features', 'geom', 'gpkg_rtree_index',"
      " 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')");
}

TimeAxis TimeAxis::of(const Interval& time_extent) {
  TimeAxis a;
  if (time_extent.start && time_extent.end) {
    a.lo = std::floor(static_cast<double>(time_extent.start->micros) / kMicrosPerDay) - 1;
    a.hi = std::ceil(static_cast<double>(time_extent.end->micros) / kMicrosPerDay) + 1;
  }
  return a;
}

double TimeAxis::start_days(const std::optional<Instant>& t) const {
  if (!t) return lo;
  return std::clamp(static_cast<double>(t->micros) / kMicrosPerDay, lo, hi);
}

double TimeAxis::end_days(const std::optional<Instant>& t) const {
  if (!t) return hi;
  return std::clamp(static_cast<double>(t->micros) / kMicrosPerDay, lo, hi);
}

namespace {

// Streams (fid, box[, time]) rows sorted by SQLite (bounded memory) into the R-tree loader.
void stream_rtree(Db& db, std::string_view table, int dims, const std::string& sql,
                  const LayoutSummary& summary, const TimeAxis& axis) {
  Stmt s = db.prepare(sql);
  const Envelope& x = summary.extent;
  s.bind_double(1, x.min_x);
  s.bind_double(2, x.min_y);
  s.bind_double(3, x.max_x);
  s.bind_double(4, x.max_y);
  if (dims == 3) {
    s.bind_double(5, axis.lo);
    s.bind_double(6, axis.hi);
  }
  bulk_load_rtree(db, table, dims, [&](RtreeEntry& e) {
    if (!s.step()) return false;
    e.id = s.col_int(0);
    e.box[0] = round_down(s.col_double(1));
    e.box[1] = round_up(s.col_double(2));
    e.box[2] = round_down(s.col_double(3));
    e.box[3] = round_up(s.col_double(4));
    if (dims == 3) {
      e.box[4] = s.is_null(5) ? static_cast<float>(axis.lo)
                              : round_down(static_cast<double>(s.col_int(5)) / kMicrosPerDay);
      e.box[5] = s.is_null(6) ? static_cast<float>(axis.hi)
                              : round_up(static_cast<double>(s.col_int(6)) / kMicrosPerDay);
    }
    return true;
  });
}

void load_rtrees(Db& db, const LayoutSummary& summary, std::vector<RtreeEntry>* entries) {
  // Time is scaled to days so that it spans a range like the coordinates do; open ends sit
  // just outside the finite extent (TimeAxis), which keeps the boxes small.
  if (summary.time_extent.start)
    db.exec(
        fmt::format("CREATE VIRTUAL TABLE {} USING rtree(id, minx, maxx, miny, maxy, mint, maxt)",
                    quote_identifier(kRtreeXyt)));
  if (summary.extent.empty()) return;
  if (entries != nullptr) {
    bulk_load_rtree(db, kRtree, 2, *entries);
    if (summary.time_extent.start) {
      TimeAxis axis = TimeAxis::of(summary.time_extent);
      for (auto& e : *entries) {
        if (std::isinf(e.box[4])) e.box[4] = static_cast<float>(axis.lo);
        if (std::isinf(e.box[5])) e.box[5] = static_cast<float>(axis.hi);
      }
      bulk_load_rtree(db, kRtreeXyt, 3, *entries);
    }
    entries->clear();
    entries->shrink_to_fit();
    return;
  }
  const std::string f = quote_identifier(kFeatureTable);
  const std::string g = quote_identifier(kGeomColumn);
  const std::string select = fmt::format(
      "SELECT {i}, ST_MinX({g}), ST_MaxX({g}), ST_MinY({g}), ST_MaxY({g}), {from}, {to} FROM {f}"
      " WHERE {g} IS NOT NULL AND ST_MinX({g}) IS NOT NULL ORDER BY ",
      fmt::arg("i", quote_identifier(kFidColumn)), fmt::arg("g", g), fmt::arg("f", f),
      fmt::arg("from", quote_identifier(kValidFrom)), fmt::arg("to", quote_identifier(kValidTo)));
  TimeAxis axis = TimeAxis::of(summary.time_extent);
  stream_rtree(db, kRtree, 2, select + fmt::format("shikong_hilbert({}, ?1, ?2, ?3, ?4)", g),
               summary, axis);
  if (!summary.time_extent.start) return;
  stream_rtree(db, kRtreeXyt, 3,
               select + fmt::format("shikong_morton({}, {}, {}, ?1, ?2, ?3, ?4, ?5, ?6)", g,
                                    quote_identifier(kValidFrom), quote_identifier(kValidTo)),
               summary, axis);
}

}  // namespace

void finish_layout(Db& db, const LayoutSummary& summary, std::vector<RtreeEntry>* entries) {
  Stmt contents = db.prepare(
      "UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?,"
      " last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?");
  if (!summary.extent.empty()) {
    contents.bind_double(1, summary.extent.min_x);
    contents.bind_double(2, summary.extent.min_y);
    contents.bind_double(3, summary.extent.max_x);
    contents.bind_double(4, summary.extent.max_y);
  }
  contents.bind_text(5, kFeatureTable);
  contents.step();
  Stmt z = db.prepare("UPDATE gpkg_geometry_columns SET z = ? WHERE table_name = ?");
  z.bind_int(1, summary.z);
  z.bind_text(2, kFeatureTable);
  z.step();

  load_rtrees(db, summary, entries);

  // GeoPackage 1.3 Annex F.3 triggers keep the R-tree right when desktop tools edit the file.
  const std::string t = quote_identifier(kFeatureTable);
  const std::string c = quote_identifier(kGeomColumn);
  const std::string i = quote_identifier(kFidColumn);
  const std::string r = quote_identifier(kRtree);
  const std::string p = "rtree_features_geom_";
  const std::string values = fmt::format(
      "INSERT OR REPLACE INTO {r} VALUES (NEW.{i}, ST_MinX(NEW.{c}), ST_MaxX(NEW.{c}),"
      " ST_MinY(NEW.{c}), ST_MaxY(NEW.{c}));",
      fmt::arg("r", r), fmt::arg("i", i), fmt::arg("c", c));
  db.exec(fmt::format(
      "CREATE TRIGGER \"{p}insert\" AFTER INSERT ON {t}"
      " WHEN (new.{c} NOT NULL AND NOT ST_IsEmpty(NEW.{c})) BEGIN {v} END;"
      "CREATE TRIGGER \"{p}update1\" AFTER UPDATE OF {c} ON {t}"
      " WHEN OLD.{i} = NEW.{i} AND (NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c})) BEGIN {v} END;"
      "CREATE TRIGGER \"{p}update2\" AFTER UPDATE OF {c} ON {t}"
      " WHEN OLD.{i} = NEW.{i} AND (NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c}))"
      " BEGIN DELETE FROM {r} WHERE id = OLD.{i}; END;"
      "CREATE TRIGGER \"{p}update3\" AFTER UPDATE ON {t}"
      " WHEN OLD.{i} != NEW.{i} AND (NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c}))"
      " BEGIN DELETE FROM {r} WHERE id = OLD.{i}; {v} END;"
      "CREATE TRIGGER \"{p}update4\" AFTER UPDATE ON {t}"
      " WHEN OLD.{i} != NEW.{i} AND (NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c}))"
      " BEGIN DELETE FROM {r} WHERE id IN (OLD.{i}, NEW.{i}); END;"
      "CREATE TRIGGER \"{p}delete\" AFTER DELETE ON {t} WHEN old.{c} NOT NULL"
      " BEGIN DELETE FROM {r} WHERE id = OLD.{i}; END;",
      fmt::arg("p", p), fmt::arg("t", t), fmt::arg("c", c), fmt::arg("i", i), fmt::arg("r", r),
      fmt::arg("v", values)));

  if (!summary.time_extent.start) return;
  TimeAxis axis = TimeAxis::of(summary.time_extent);
  db.exec(fmt::format("CREATE INDEX \"features_valid_time\" ON {} ({}, {})", t,
                      quote_identifier(kValidFrom), quote_identifier(kValidTo)));
  Stmt ext = db.prepare(
      "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)"
      " VALUES ('features', 'geom', 'shikong_xyt_index', ?, 'write-only')");
  ext.bind_text(1, fmt::format("shikong x/y/valid-time R*Tree {} (time in days since 1970-01-01;"
                               " open ends at {:.1f} and {:.1f})",
                               kRtreeXyt, axis.lo, axis.hi));
  ext.step();
}

}  // namespace shikong::storage::sqlite
