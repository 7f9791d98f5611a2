// GDAL set-up for untrusted uploads: driver allowlists per format, no network, errors to the log.
#include "ingest/readers/gdal/gdal_env.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_http.h>
#include <cpl_string.h>
#include <gdal.h>

#include <mutex>

#include "core/error.hpp"
#include "core/log.hpp"

namespace shikong::ingest::gdal {

namespace {

// Every HTTP request GDAL would make (a GeoJSON "crs" link, a schema download, a remote style)
// is answered with an error instead: uploads must never make the server fetch anything.
CPLHTTPResult* refuse_network(const char* url, CSLConstList, GDALProgressFunc, void*,
                              CPLHTTPFetchWriteFunc, void*, void*) {
  std::string_view u = url ? url : "";
  log::warn("gdal: refused a network request to {}", u.substr(0, 200));
  auto* result = static_cast<CPLHTTPResult*>(CPLCalloc(1, sizeof(CPLHTTPResult)));
  result->nStatus = 1;
  result->pszErrBuf = CPLStrdup("network access is disabled");
  return result;
}

void log_gdal_error(CPLErr level, CPLErrorNum, const char* message) {
  auto* scope = static_cast<ScopedGdalErrors*>(CPLGetErrorHandlerUserData());
  std::string_view text = message ? message : "";
  if (scope) scope->note(level >= CE_Failure, text);
  if (level == CE_Debug) return;
  if (level >= CE_Failure)
    log::warn("gdal: {}", text);
  else
    log::debug("gdal: {}", text);
}

}  // namespace

void ensure_gdal_ready() {
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    // /vsicurl/ and the cloud file systems accept only names with this extension, i.e. none.
    CPLSetConfigOption("CPL_VSIL_CURL_ALLOWED_EXTENSIONS", ".shikong-network-disabled");
    CPLSetConfigOption("GDAL_HTTP_MAX_RETRY", "0");
    CPLHTTPSetFetchCallback(refuse_network, nullptr);
    // KML styles and schemas are never fetched from elsewhere.
    CPLSetConfigOption("LIBKML_RESOLVE_STYLE", "NO");
    CPLSetConfigOption("LIBKML_EXTERNAL_STYLE", "NO");
    CPLSetConfigOption("GML_DOWNLOAD_WFS_SCHEMA", "NO");
    CPLSetConfigOption("GML_SKIP_RESOLVE_ELEMS", "ALL");
    // No side files (.aux.xml) written next to uploads.
    CPLSetConfigOption("GDAL_PAM_ENABLED", "NO");
  });
}

const std::vector<std::string>& allowed_drivers(std::string_view format) {
  static const std::vector<std::string> shapefile{"ESRI Shapefile"};
  static const std::vector<std::string> gpkg{"GPKG"};
  static const std::vector<std::string> kml{"LIBKML", "KML"};
  static const std::vector<std::string> gpx{"GPX"};
  static const std::vector<std::string> geojson{"GeoJSON", "GeoJSONSeq", "TopoJSON"};
  static const std::vector<std::string> fgb{"FlatGeobuf"};
  static const std::vector<std::string> mapinfo{"MapInfo File"};
  static const std::vector<std::string> filegdb{"OpenFileGDB"};
  // GML is left out on purpose: its readers resolve xlinks and schemas by reference.
  static const std::vector<std::string> general{
      "ESRI Shapefile", "GPKG",   "GeoJSON", "GeoJSONSeq", "TopoJSON",   "FlatGeobuf",
      "MapInfo File",   "LIBKML", "KML",     "GPX",        "OpenFileGDB"};
  if (format == "shapefile") return shapefile;
  if (format == "gpkg") return gpkg;
  if (format == "kml") return kml;
  if (format == "gpx") return gpx;
  if (format == "geojson") return geojson;
  if (format == "fgb") return fgb;
  if (format == "mapinfo") return mapinfo;
  if (format == "filegdb") return filegdb;
  if (format == "ogr") return general;
  throw Unsupported("unsupported-format", "This file format cannot be imported.", "format");
}

ScopedGdalErrors::ScopedGdalErrors() {
  CPLPushErrorHandlerEx(log_gdal_error, this);
}

ScopedGdalErrors::~ScopedGdalErrors() {
  CPLPopErrorHandler();
}

void ScopedGdalErrors::note(bool failure, std::string_view message) {
  if (!failure) return;
  ++failures_;
  last_failure_.assign(message.substr(0, 500));
}

ScopedThreadConfig::~ScopedThreadConfig() {
  for (auto it = saved_.rbegin(); it != saved_.rend(); ++it)
    CPLSetThreadLocalConfigOption(it->key.c_str(), it->had_value ? it->value.c_str() : nullptr);
}

void ScopedThreadConfig::set(const char* key, const char* value) {
  const char* old = CPLGetThreadLocalConfigOption(key, nullptr);
  saved_.push_back(Saved{key, old != nullptr, old ? old : ""});
  CPLSetThreadLocalConfigOption(key, value);
}

}  // namespace shikong::ingest::gdal
