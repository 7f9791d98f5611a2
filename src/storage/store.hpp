// The storage interface: catalog of datasets, feature storage with bbox + time queries, atomic
// import sessions and import jobs. The embedded backend (sqlite/) implements it today; a
// PostGIS backend implements the same interface. Nothing above storage/ knows which one runs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/envelope.hpp"
#include "core/expr.hpp"
#include "core/feature.hpp"
#include "core/instant.hpp"
#include "core/schema.hpp"
#include "geo/geometry.hpp"

namespace shikong::storage {

enum class DatasetKind { vector, raster, stream };
std::string_view to_string(DatasetKind k);
std::optional<DatasetKind> dataset_kind_from_string(std::string_view s);

struct DatasetInfo {
  std::string id;  // URL-safe slug (core/dataset_id.hpp)
  std::string title;
  std::string description;
  DatasetKind kind = DatasetKind::vector;
  Schema schema;
  geo::GeometryType geometry_type = geo::GeometryType::unknown;
  Envelope extent;               // platform datum, x = longitude
  Interval time_extent;          // unbounded when the dataset has no valid time
  std::string time_start_field;  // source field(s) the valid time came from; empty if none
  std::string time_end_field;
  std::string crs = "EPSG:4490";  // the platform CRS the features are stored in
  std::string source_crs;         // what the upload was in (id or WKT), for lineage
  std::string source_format;      // "csv", "geojson", "shapefile", "gpkg", "kml", "gpx", ...
  std::string source_name;        // original file name
  std::string vertical_datum;     // "EPSG:5737" or empty
  std::string owner;
  std::string access = "public";  // public | registered | restricted | private
  std::int64_t version = 0;       // increases with every change
  std::int64_t feature_count = 0;
  Instant created;
  Instant updated;
};

struct DatasetPatch {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::string> access;
  std::optional<std::string> owner;
  std::optional<std::string> vertical_datum;
};

struct FeatureQuery {
  std::optional<Envelope> bbox;    // envelope intersects (platform datum)
  std::optional<Interval> time;    // valid time overlaps
  ExprPtr filter;                  // further conditions; null = none
  std::optional<std::int64_t> id;  // a single feature
  std::int64_t limit = -1;         // -1: no limit
  std::int64_t offset = 0;
  bool with_geometry = true;
  std::vector<std::size_t> fields;  // properties to read; empty = all (others left null)
};

class FeatureCursor {
 public:
  virtual ~FeatureCursor() = default;
  // Fills `out` (reusing its buffers) and returns true, or returns false at the end.
  virtual bool next(Feature& out) = 0;
};

// Writes a dataset aside; nothing is visible until commit(). Destroying an uncommitted session
// aborts it and removes what it wrote.
class ImportSession {
 public:
  virtual ~ImportSession() = default;
  // Features are in the platform datum; an id of 0 gets the next sequence number.
  virtual void write(const Feature& f) = 0;
  // Makes the dataset visible in one step (replacing an existing dataset of the same id, whose
  // version then increases) and returns its stored description (extent, counts, version).
  virtual DatasetInfo commit() = 0;
  virtual void abort() = 0;
  virtual std::int64_t written() const = 0;
};

// A named style of a dataset as its JSON document (style/ parses and validates it).
struct StoredStyle {
  std::string dataset_id;
  std::string name;
  std::string json;
  std::string updated_by;
  Instant updated;
};

enum class JobState { queued, running, succeeded, failed };
std::string_view to_string(JobState s);
std::optional<JobState> job_state_from_string(std::string_view s);

struct Job {
  std::string id;
  std::string kind = "import";
  JobState state = JobState::queued;
  std::string dataset_id;
  std::string owner;
  std::int64_t rows_done = 0;
  std::int64_t rows_rejected = 0;
  std::string error_code;   // set when failed
  std::string message;      // a sentence written by shikong
  std::string report_json;  // the import report (rejected rows with file, line, column, reason)
  Instant created;
  Instant updated;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual std::vector<DatasetInfo> list_datasets() = 0;
  virtual std::optional<DatasetInfo> find_dataset(std::string_view id) = 0;
  // `draft` gives id, title, schema, geometry type, time fields and provenance; extent, counts
  // and version are computed at commit.
  virtual std::unique_ptr<ImportSession> begin_import(const DatasetInfo& draft) = 0;
  virtual DatasetInfo update_dataset(std::string_view id, const DatasetPatch& patch) = 0;
  virtual void delete_dataset(std::string_view id) = 0;  // throws NotFound

  // Reads the dataset's current committed version: a replacement committed after `ds` was read
  // is what the cursor sees if its schema is the same (a different schema throws Conflict); a
  // cursor that has started keeps reading the version it started on.
  virtual std::unique_ptr<FeatureCursor> query(const DatasetInfo& ds, const FeatureQuery& q) = 0;
  // Number of features matching bbox, time, filter and id (limit and offset ignored).
  virtual std::int64_t count(const DatasetInfo& ds, const FeatureQuery& q) = 0;

  virtual void save_job(const Job& job) = 0;  // insert or replace
  virtual std::optional<Job> find_job(std::string_view id) = 0;

  // Styles, kept with the catalog; deleting a dataset deletes its styles.
  virtual std::vector<StoredStyle> list_styles(std::string_view dataset_id) = 0;
  virtual std::optional<StoredStyle> find_style(std::string_view dataset_id,
                                                std::string_view name) = 0;
  virtual void save_style(const StoredStyle& style) = 0;  // insert or replace
  virtual bool delete_style(std::string_view dataset_id, std::string_view name) = 0;

  // The path of a dataset's native file if the backend has one (a GeoPackage), for downloads.
  virtual std::optional<std::filesystem::path> dataset_file(std::string_view id) = 0;
};

}  // namespace shikong::storage
