// Safe extraction of uploaded zip archives (libzip, never /vsizip/) into a private directory we
// control, and finding the one dataset inside. Hostile archives are refused before GDAL sees them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace shikong::ingest {

// A fresh directory (mode 0700) removed with everything in it when the object is destroyed.
class TempDir {
 public:
  // Creates <parent>/<prefix>XXXXXX; parent empty: the system temporary directory.
  static TempDir create(const std::filesystem::path& parent = {},
                        std::string_view prefix = "shikong-");
  TempDir() = default;
  TempDir(TempDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  TempDir& operator=(TempDir&& o) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TempDir(std::filesystem::path p) : path_(std::move(p)) {}
  std::filesystem::path path_;
};

struct ZipLimits {
  std::size_t max_entries = 1000;
  std::uint64_t max_total_bytes = 4ULL << 30;  // uncompressed, over all entries
  std::uint64_t max_ratio = 1000;              // uncompressed / compressed, per entry ...
  std::uint64_t ratio_floor = 1ULL << 20;      // ... for entries larger than this
};

// Extracts `archive` into a new TempDir under `parent`. Refuses (InvalidInput
// "unsafe-archive-entry") absolute names, drive letters, ".." components (with '/' or '\' as
// separator), symbolic links and other non-regular entries, encrypted entries, duplicate names;
// refuses more than max_entries entries (InvalidInput "archive-too-many-entries") and
// uncompressed sizes or ratios over the limits (PayloadTooLarge "archive-too-large"). A truncated
// or corrupt archive is InvalidInput("invalid-archive"). macOS metadata (__MACOSX/, ._*) is
// skipped.
TempDir extract_zip(const std::filesystem::path& archive, const std::filesystem::path& parent = {},
                    const ZipLimits& limits = {});

struct ArchiveDataset {
  std::filesystem::path path;  // the file (or .gdb directory) to open
  // "shapefile", "gpkg", "kml", "gpx", "geojson", "csv", "fgb", "mapinfo", "filegdb"
  std::string format;
};

// Finds the single dataset in an extracted archive. Throws InvalidInput "no-dataset-in-archive",
// "ambiguous-archive" (more than one dataset), or "incomplete-shapefile" (a .shp without its
// .dbf or .shx).
ArchiveDataset find_archive_dataset(const std::filesystem::path& dir);

// True when the file starts with a zip local header (or is an empty zip).
bool looks_like_zip(const std::filesystem::path& file);

}  // namespace shikong::ingest
