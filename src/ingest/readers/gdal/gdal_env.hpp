// The one place that prepares GDAL for untrusted input (SECURITY.md rule 5): drivers registered
// once, network fetches refused process-wide, GDAL's messages routed to shikong::log.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace shikong::ingest::gdal {

// Registers the drivers and applies the process-wide safety settings; idempotent, thread-safe.
void ensure_gdal_ready();

// The GDAL drivers an upload of `format` may be opened with ("shapefile", "gpkg", "kml", "gpx",
// "geojson", "fgb", "mapinfo", "filegdb", or "ogr" for the general list). Never VRT, MRF, GTI,
// WMS, WCS, WFS, OAPIF, MBTiles, PDF, KML super-overlay, or any network driver. Throws
// Unsupported("unsupported-format") for any other name.
const std::vector<std::string>& allowed_drivers(std::string_view format);

// While alive, GDAL errors of this thread are logged (not printed) and the last failure message is
// kept for the log line of the operation that failed. Messages never reach clients.
class ScopedGdalErrors {
 public:
  ScopedGdalErrors();
  ~ScopedGdalErrors();
  ScopedGdalErrors(const ScopedGdalErrors&) = delete;
  ScopedGdalErrors& operator=(const ScopedGdalErrors&) = delete;
  const std::string& last_failure() const { return last_failure_; }
  int failures() const { return failures_; }
  void note(bool failure, std::string_view message);

 private:
  std::string last_failure_;
  int failures_ = 0;
};

// Sets GDAL configuration options for the current thread only and restores them on destruction.
class ScopedThreadConfig {
 public:
  ScopedThreadConfig() = default;
  ~ScopedThreadConfig();
  ScopedThreadConfig(const ScopedThreadConfig&) = delete;
  ScopedThreadConfig& operator=(const ScopedThreadConfig&) = delete;
  void set(const char* key, const char* value);

 private:
  struct Saved {
    std::string key;
    bool had_value = false;
    std::string value;
  };
  std::vector<Saved> saved_;
};

}  // namespace shikong::ingest::gdal
