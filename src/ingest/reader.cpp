// Format detection and dispatch to the readers: extension first, then a sniff of the content.
#include "ingest/reader.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>

#include "core/error.hpp"
#include "ingest/readers/csv_reader.hpp"
#include "ingest/readers/geojson_reader.hpp"
#ifndef SHIKONG_NO_GDAL_READER
#include "ingest/readers/gdal/gdal_reader.hpp"
#include "ingest/readers/gdal/safe_zip.hpp"
#endif

namespace shikong::ingest {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The name whose extension tells the format: the original name of an upload when given.
std::string extension_of(const std::filesystem::path& file, const ImportOptions& options) {
  std::filesystem::path name =
      options.source_name.empty() ? file : std::filesystem::path(options.source_name);
  return lower(name.extension().string());
}

// First non-blank bytes of the file, skipping a UTF-8 BOM and RS characters.
std::string sniff(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  char buf[4096];
  in.read(buf, sizeof buf);
  std::string head(buf, static_cast<std::size_t>(in.gcount()));
  if (head.starts_with("\xEF\xBB\xBF")) head.erase(0, 3);
  return head;
}

#ifndef SHIKONG_NO_GDAL_READER
// A reader over a file extracted from an archive: keeps the extraction directory alive for as
// long as the reader reads from it (members are destroyed in reverse order: reader first).
class ExtractedReader final : public Reader {
 public:
  ExtractedReader(TempDir dir, std::unique_ptr<Reader> inner)
      : dir_(std::move(dir)), inner_(std::move(inner)) {}
  const Schema& schema() const override { return inner_->schema(); }
  geo::GeometryType geometry_type() const override { return inner_->geometry_type(); }
  std::string source_crs() const override { return inner_->source_crs(); }
  bool next(RawRecord& rec) override { return inner_->next(rec); }
  std::uint64_t bytes_done() const override { return inner_->bytes_done(); }
  std::uint64_t bytes_total() const override { return inner_->bytes_total(); }
  std::vector<std::string> warnings() const override { return inner_->warnings(); }
  std::string format_name() const override { return inner_->format_name(); }

 private:
  TempDir dir_;
  std::unique_ptr<Reader> inner_;
};

// A zip holding one CSV or GeoJSON file is read by shikong's own readers; anything else in
// a zip goes to the GDAL reader (which extracts again with the same limits).
std::unique_ptr<Reader> open_zip(const std::filesystem::path& file, const ImportOptions& options) {
  TempDir dir = extract_zip(file);
  ArchiveDataset found = find_archive_dataset(dir.path());
  if (found.format == "csv" || found.format == "geojson") {
    ImportOptions inner = options;
    inner.format = found.format;
    inner.source_name = found.path.filename().string();
    auto reader = found.format == "csv" ? open_csv_reader(found.path, inner)
                                        : open_geojson_reader(found.path, inner);
    return std::make_unique<ExtractedReader>(std::move(dir), std::move(reader));
  }
  return open_gdal_reader(file, options);
}
#endif

}  // namespace

std::string detect_format(const std::filesystem::path& file, const ImportOptions& options) {
  if (!options.format.empty()) {
    std::string f = lower(options.format);
    if (f == "tsv" || f == "txt") return "csv";
    if (f == "json" || f == "ndjson" || f == "geojsonl" || f == "geojsonseq") return "geojson";
    if (f == "shp" || f == "esri shapefile") return "shapefile";
    if (f == "geopackage") return "gpkg";
    return f;
  }
  std::string ext = extension_of(file, options);
  if (ext == ".csv" || ext == ".tsv" || ext == ".txt" || ext == ".tab") return "csv";
  if (ext == ".geojson" || ext == ".json" || ext == ".ndjson" || ext == ".geojsonl" ||
      ext == ".geojsons" || ext == ".jsonl" || ext == ".geojsonseq")
    return "geojson";
  if (ext == ".zip") return "zip";
  if (ext == ".shp" || ext == ".dbf") return "shapefile";
  if (ext == ".gpkg") return "gpkg";
  if (ext == ".kml" || ext == ".kmz") return "kml";
  if (ext == ".gpx") return "gpx";

  std::string head = sniff(file);
  std::size_t i = head.find_first_not_of(" \t\r\n\x1e");
  if (i == std::string::npos) return "csv";
  if (head.starts_with("PK\x03\x04")) return "zip";
  if (head.starts_with("SQLite format 3")) return "gpkg";
  if (head[i] == '{') return "geojson";
  if (head[i] == '<') {
    if (head.find("<gpx") != std::string::npos) return "gpx";
    if (head.find("<kml") != std::string::npos) return "kml";
    return "ogr";
  }
  // Text that is not JSON or XML: CSV when it has a delimiter in its first line.
  std::string first = head.substr(0, head.find('\n'));
  if (first.find_first_of(",;\t|") != std::string::npos && head.find('\0') == std::string::npos)
    return "csv";
  return "ogr";
}

std::unique_ptr<Reader> open_reader(const std::filesystem::path& file,
                                    const ImportOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw InvalidInput("file-not-found", "The input file does not exist or is not a file.", "file");
  std::string format = detect_format(file, options);
  if (format == "csv") return open_csv_reader(file, options);
  if (format == "geojson") return open_geojson_reader(file, options);
#ifndef SHIKONG_NO_GDAL_READER
  if (format == "zip") return open_zip(file, options);
  return open_gdal_reader(file, options);
#else
  throw InvalidInput("unknown-format", "This file format cannot be imported yet.", "format");
#endif
}

}  // namespace shikong::ingest
