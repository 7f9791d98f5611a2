// The reader interface every import format implements (CSV, GeoJSON, and the GDAL/OGR formats),
// plus format detection. Readers stream: memory stays flat in the size of the input.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/schema.hpp"
#include "core/value.hpp"
#include "geo/geometry.hpp"
#include "ingest/import.hpp"

namespace shikong::ingest {

// One record as read from the source, before CRS/time normalisation and validation.
struct RawRecord {
  std::int64_t number = 0;  // 1-based record number within the file
  std::int64_t line = 0;    // source line where the record starts (CSV, NDJSON), else 0
  std::optional<geo::Geometry> geometry;  // absent: the record has no geometry
  std::vector<Value> values;              // aligned with Reader::schema(); monostate = null
  // A reader-level problem with this record (bad coordinates, broken geometry, a value that
  // does not fit the column type...). When non-empty the pipeline rejects or skips the record.
  std::string error;
  std::string error_column;  // the field at fault, if any

  // Resets for reuse without giving up allocated capacity (readers reuse one RawRecord).
  void clear() {
    number = 0;
    line = 0;
    geometry.reset();
    values.clear();
    error.clear();
    error_column.clear();
  }
};

class Reader {
 public:
  virtual ~Reader() = default;
  // Attribute fields, without the geometry column(s). Known once the reader is open.
  virtual const Schema& schema() const = 0;
  // The common geometry type of all records (unknown = mixed or not known).
  virtual geo::GeometryType geometry_type() const = 0;
  // The source CRS as a string datum::parse_crs accepts ("EPSG:4326", WKT, PROJJSON),
  // or "" when unknown: the pipeline then assumes CRS84 (lon/lat).
  virtual std::string source_crs() const = 0;
  // Reads the next record into rec (cleared first); false at the end of the input.
  // Throws InvalidInput when the input cannot be read any further (broken syntax).
  virtual bool next(RawRecord& rec) = 0;
  // Progress in bytes of the input (0 total when unknown).
  virtual std::uint64_t bytes_done() const { return 0; }
  virtual std::uint64_t bytes_total() const { return 0; }
  // Things worth telling the user that did not stop the read (encoding guessed, columns renamed).
  virtual std::vector<std::string> warnings() const { return {}; }
  // Short format name recorded as the dataset's source_format ("csv", "geojson", "shapefile"...).
  virtual std::string format_name() const = 0;
};

// Opens a reader for file, detecting the format from options.format, the extension and the
// content. CSV/TSV and GeoJSON are read by shikong's own readers; zip/shp/gpkg/kml/gpx and other
// OGR formats go to open_gdal_reader. Throws InvalidInput (code "unknown-format") when nothing
// fits.
std::unique_ptr<Reader> open_reader(const std::filesystem::path& file,
                                    const ImportOptions& options);

// The format open_reader would pick: "csv", "geojson", or a GDAL format name ("shapefile",
// "gpkg", "kml", "gpx", "zip", "ogr").
std::string detect_format(const std::filesystem::path& file, const ImportOptions& options);

}  // namespace shikong::ingest
