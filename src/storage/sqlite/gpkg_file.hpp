// The layout of a dataset's GeoPackage (OGC 12-128r18, version 1.3): table and column names,
// the metadata tables, the R-tree extension, shikong's x/y/time R-tree, and the SQL functions
// its triggers and our queries call.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/envelope.hpp"
#include "core/instant.hpp"
#include "core/schema.hpp"
#include "geo/geometry.hpp"
#include "storage/sqlite/rtree_bulk.hpp"
#include "storage/sqlite/sqlite_db.hpp"

namespace shikong::storage::sqlite {

inline constexpr std::string_view kFeatureTable = "features";
inline constexpr std::string_view kFidColumn = "fid";
inline constexpr std::string_view kGeomColumn = "geom";
inline constexpr std::string_view kValidFrom = "valid_from";
inline constexpr std::string_view kValidTo = "valid_to";
inline constexpr std::string_view kRtree = "rtree_features_geom";
inline constexpr std::string_view kRtreeXyt = "shikong_rtree_xyt";

inline constexpr double kMicrosPerDay = 86'400'000'000.0;

// Column names for a schema's fields, in field order: the field name unless it collides
// (case-insensitively, as SQLite compares names) with fid/geom/valid_from/valid_to or an
// earlier column, in which case a suffix _2, _3, ... is added. Derived from the schema alone,
// so writers and readers agree.
std::vector<std::string> column_names(const Schema& schema);
std::string_view gpkg_type_name(FieldType t);  // INTEGER, REAL, BOOLEAN, TEXT, DATE, DATETIME

// The GeoPackage srs_id for the CRS a dataset is stored in (EPSG:4490 or EPSG:4326);
// throws InvalidInput("unsupported-crs") otherwise.
std::int32_t srs_id_for(std::string_view crs);

// Registers ST_MinX/ST_MaxX/ST_MinY/ST_MaxY/ST_IsEmpty (GeoPackage R-tree triggers) and
// shikong's own shikong_bbox(geom, minx, miny, maxx, maxy), shikong_intersects(geom, wkb) and
// shikong_datetime(text) -> microseconds.
void register_functions(Db& db);

// The envelope of a GeoPackage blob: from its header when present, else from its WKB.
// Empty for empty or unreadable geometry.
Envelope blob_envelope(std::string_view blob);

struct LayoutSpec {
  std::string identifier;  // gpkg_contents.identifier (the dataset id)
  std::string description;
  const Schema* schema = nullptr;
  geo::GeometryType geometry_type = geo::GeometryType::unknown;
  std::int32_t srs_id = 4490;
};

// Sets the GeoPackage header fields and creates the metadata tables, the feature table and
// the 2-D R-tree (without triggers, so bulk loading stays fast).
void create_layout(Db& db, const LayoutSpec& spec);

struct LayoutSummary {
  Envelope extent;
  Interval time_extent;  // finite valid-time bounds written; unbounded when none
  int z = 0;             // gpkg_geometry_columns.z: 0 none, 1 all, 2 some
};

// Finishes a bulk-loaded file: extent in gpkg_contents, z flag, the 2-D R-tree and its triggers,
// and, when any feature has a valid time, the valid-time index and the x/y/time R-tree. The
// R-trees are bulk loaded from `entries` when given (every feature with a non-empty geometry:
// boxes rounded outward, valid time as float days in box[4..5], -inf/+inf for open ends;
// consumed) or else streamed from the feature table in Hilbert / Morton order.
void finish_layout(Db& db, const LayoutSummary& summary, std::vector<RtreeEntry>* entries);

// The time coordinate used in the x/y/time R-tree for open interval ends, clamped just outside
// the dataset's finite time extent (see finish_layout): queries clamp the same way.
struct TimeAxis {
  double lo = 0;  // days
  double hi = 0;
  static TimeAxis of(const Interval& time_extent);
  double start_days(const std::optional<Instant>& t) const;
  double end_days(const std::optional<Instant>& t) const;
};

}  // namespace shikong::storage::sqlite
