// Export writers: a dataset (or a query over it) as GeoJSON, CSV, GeoPackage or zipped
// Shapefile, in any supported CRS, streamed.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "datum/crs.hpp"
#include "storage/store.hpp"

namespace shikong::ingest {

enum class ExportFormat { geojson, csv, gpkg, shapefile };
ExportFormat parse_export_format(std::string_view name);  // throws InvalidInput("unknown-format")
std::string_view media_type(ExportFormat f);
std::string_view file_extension(ExportFormat f);  // ".geojson", ".csv", ".gpkg", ".shp.zip"

using Sink = std::function<void(std::string_view bytes)>;

// GeoJSON and CSV are written straight into `sink` as features are read.
void export_text(storage::Store& store, const storage::DatasetInfo& ds, ExportFormat format,
                 const datum::Crs& crs, const Sink& sink);
// GeoPackage and zipped Shapefile are built in `work_dir` and the finished file's path returned.
std::filesystem::path export_file(storage::Store& store, const storage::DatasetInfo& ds,
                                  ExportFormat format, const datum::Crs& crs,
                                  const std::filesystem::path& work_dir);

}  // namespace shikong::ingest
