// Export format names, media types and file extensions.
#include <algorithm>
#include <cctype>
#include <string>

#include "core/error.hpp"
#include "ingest/export.hpp"

namespace shikong::ingest {

ExportFormat parse_export_format(std::string_view name) {
  std::string n(name);
  std::transform(n.begin(), n.end(), n.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (n == "geojson" || n == "json" || n == "application/geo+json") return ExportFormat::geojson;
  if (n == "csv" || n == "text/csv") return ExportFormat::csv;
  if (n == "gpkg" || n == "geopackage" || n == "application/geopackage+sqlite3")
    return ExportFormat::gpkg;
  if (n == "shapefile" || n == "shp" || n == "zip" || n == "application/zip")
    return ExportFormat::shapefile;
  throw InvalidInput("unknown-format",
                     "Unknown export format; use geojson, csv, gpkg or shapefile.", "f");
}

std::string_view media_type(ExportFormat f) {
  switch (f) {
    case ExportFormat::geojson:
      return "application/geo+json";
    case ExportFormat::csv:
      return "text/csv; charset=utf-8";
    case ExportFormat::gpkg:
      return "application/geopackage+sqlite3";
    case ExportFormat::shapefile:
      return "application/zip";
  }
  return "application/octet-stream";
}

std::string_view file_extension(ExportFormat f) {
  switch (f) {
    case ExportFormat::geojson:
      return ".geojson";
    case ExportFormat::csv:
      return ".csv";
    case ExportFormat::gpkg:
      return ".gpkg";
    case ExportFormat::shapefile:
      return ".shp.zip";
  }
  return "";
}

}  // namespace shikong::ingest
