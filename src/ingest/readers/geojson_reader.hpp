// shikong's own streaming GeoJSON reader: FeatureCollection, newline-delimited GeoJSON,
// GeoJSON text sequences (RFC 8142), a single Feature or a bare geometry; memory stays flat.
#pragma once

#include <filesystem>
#include <memory>

#include "ingest/reader.hpp"

namespace shikong::ingest {

// Opens and scans the whole file once (schema inference); features are read in a second pass.
// Throws InvalidInput("invalid-json") with the byte offset when the text is not JSON.
std::unique_ptr<Reader> open_geojson_reader(const std::filesystem::path& file,
                                            const ImportOptions& options);

}  // namespace shikong::ingest
