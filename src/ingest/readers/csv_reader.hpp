// shikong's own CSV/TSV reader: delimiter and encoding detection, RFC 4180 quoting, point
// columns by name or a WKT/GeoJSON geometry column, schema inferred over the whole file.
#pragma once

#include <filesystem>
#include <memory>

#include "ingest/reader.hpp"

namespace shikong::ingest {

// Opens and scans the whole file once (schema inference); records are read in a second pass.
// Throws InvalidInput for an empty file, a missing header, or no usable geometry column.
std::unique_ptr<Reader> open_csv_reader(const std::filesystem::path& file,
                                        const ImportOptions& options);

}  // namespace shikong::ingest
