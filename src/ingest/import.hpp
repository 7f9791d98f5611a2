// The import pipeline: reader -> datum normaliser (CRS to the platform datum, time to UTC) ->
// validator (bad rows to the report) -> import session commit. All or nothing by default.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "storage/store.hpp"

namespace shikong::ingest {

enum class OnError { reject, skip };

struct ImportOptions {
  std::string dataset_id;  // empty: made from the file name
  std::string title;       // empty: the file name
  std::string description;
  std::string crs;         // override of the source CRS (any form datum::parse_crs accepts)
  std::string time_field;  // the field holding an instant (or the start)
  std::string time_start_field;
  std::string time_end_field;
  std::string lon_field;  // CSV point columns (found by name when empty)
  std::string lat_field;
  std::string geometry_field;  // CSV WKT/GeoJSON geometry column (found by name when empty)
  std::string encoding;        // override: "UTF-8", "GBK", "GB18030", ...
  std::string format;       // override of format detection: csv, geojson, shapefile, gpkg, kml, gpx
  std::string layer;        // layer of a multi-layer file (GPX, KML, GeoPackage); empty: default
  std::string source_name;  // the original file name (uploads arrive under a temporary name)
  std::string owner;
  std::string access = "public";
  std::string vertical_datum;  // e.g. "EPSG:5737" (Yellow Sea 1985 height); carried in metadata
  OnError on_error = OnError::reject;
  bool repair_geometry =
      false;                // make invalid geometries valid instead of storing them as they are
  bool detect_time = true;  // look for a time field by type and name when none is given
  std::size_t max_reported = 1000;  // rejected rows listed in the report at most
};

struct RejectedRow {
  std::string file;
  std::int64_t feature = 0;  // 1-based record number
  std::int64_t line = 0;     // source line when the format has lines (CSV, NDJSON), else 0
  std::string column;        // the field at fault, if any
  std::string reason;
};

struct ImportReport {
  std::string dataset_id;
  std::int64_t rows_read = 0;
  std::int64_t rows_written = 0;
  std::int64_t rows_rejected = 0;
  std::int64_t invalid_geometries = 0;  // stored as they are, or repaired
  std::vector<RejectedRow> rejected;    // at most max_reported
  std::vector<RejectedRow> invalid;     // invalid geometries, at most max_reported
  std::vector<std::string> warnings;
  bool committed = false;
  std::optional<storage::DatasetInfo> dataset;  // as committed
  std::string to_json() const;
};

struct Progress {
  std::int64_t rows = 0;
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;  // 0 when unknown
};
using ProgressCallback = std::function<void(const Progress&)>;

// Imports one dataset from one or more files of the same format and schema. Throws
// InvalidInput for input that cannot be read at all (unknown format, broken archive, unknown
// CRS); returns a report with committed = false when rows were rejected under OnError::reject.
// Under reject the session is aborted at the first bad row and reading goes on, only to list
// the other bad rows (up to max_reported). Source CRS: options.crs, else the file's, else CRS84.
// Valid time: see time_fields.hpp (a date is the instant of its midnight in the platform zone).
// Geometries: invalid ones are counted in the report and stored as they are (or repaired with
// repair_geometry); single geometries in a multi-typed dataset are promoted to multi. Files of
// one import must have the same field names; differing types widen (integer+real -> real,
// other mixes -> text).
ImportReport import_files(storage::Store& store, const std::vector<std::filesystem::path>& inputs,
                          const ImportOptions& options, const ProgressCallback& progress = {});

}  // namespace shikong::ingest
