// Reader for the formats GDAL/OGR understands (zipped or plain shapefile, GeoPackage, KML, GPX...).
#pragma once

#include <filesystem>
#include <memory>

#include "ingest/reader.hpp"

namespace shikong::ingest {

// Opens file (or the first vector layer of a .zip archive) through OGR. Throws InvalidInput when
// GDAL cannot open it as vector data.
std::unique_ptr<Reader> open_gdal_reader(const std::filesystem::path& file,
                                         const ImportOptions& options);

}  // namespace shikong::ingest
