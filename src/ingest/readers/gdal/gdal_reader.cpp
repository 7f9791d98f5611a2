// The GDAL/OGR reader for uploads: archives unpacked by safe_zip, one allowlist of drivers per
// declared format on every open, no network, GeoPackages checked first, GBK shapefiles decoded.
#include "ingest/readers/gdal/gdal_reader.hpp"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>

#include "core/error.hpp"
#include "core/log.hpp"
#include "datum/time.hpp"
#include "geo/wkb.hpp"
#include "ingest/readers/gdal/dbf_encoding.hpp"
#include "ingest/readers/gdal/gdal_env.hpp"
#include "ingest/readers/gdal/safe_zip.hpp"

namespace shikong::ingest {

namespace fs = std::filesystem;

namespace {

using gdal::ScopedGdalErrors;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

struct DatasetCloser {
  void operator()(void* h) const { GDALClose(h); }
};
using DatasetPtr = std::unique_ptr<void, DatasetCloser>;
struct FeatureDeleter {
  void operator()(OGRFeatureH f) const { OGR_F_Destroy(f); }
};
struct GeometryDeleter {
  void operator()(OGRGeometryH g) const { OGR_G_DestroyGeometry(g); }
};
using GeometryPtr = std::unique_ptr<std::remove_pointer_t<OGRGeometryH>, GeometryDeleter>;

// The format the caller declared or the file name says; "ogr" when neither does.
std::string declared_format(const fs::path& file, const ImportOptions& options) {
  std::string f = lower(options.format);
  if (f == "shp" || f == "esri shapefile" || f == "shapefile") return "shapefile";
  if (f == "gpkg" || f == "geopackage") return "gpkg";
  if (f == "kml" || f == "kmz") return "kml";
  if (f == "gpx") return "gpx";
  if (f == "zip") return "zip";
  if (f == "geojson" || f == "json") return "geojson";
  if (f == "fgb" || f == "flatgeobuf") return "fgb";
  if (f == "mapinfo") return "mapinfo";
  if (!f.empty() && f != "ogr") return f;  // allowed_drivers() refuses what it does not know
  fs::path name = options.source_name.empty() ? file : fs::path(options.source_name);
  std::string ext = lower(name.extension().string());
  if (ext == ".shp") return "shapefile";
  if (ext == ".gpkg") return "gpkg";
  if (ext == ".kml" || ext == ".kmz") return "kml";
  if (ext == ".gpx") return "gpx";
  if (ext == ".zip") return "zip";
  if (ext == ".fgb") return "fgb";
  if (ext == ".tab" || ext == ".mif") return "mapinfo";
  if (ext == ".geojson" || ext == ".json") return "geojson";
  return "ogr";
}

std::string_view human_name(const std::string& format) {
  if (format == "shapefile") return "a Shapefile";
  if (format == "gpkg") return "a GeoPackage";
  if (format == "kml") return "KML";
  if (format == "gpx") return "GPX";
  if (format == "geojson") return "GeoJSON";
  if (format == "fgb") return "FlatGeobuf";
  if (format == "mapinfo") return "a MapInfo file";
  if (format == "filegdb") return "a File Geodatabase";
  return "vector data";
}

bool has_sibling(const fs::path& file, std::string_view ext, fs::path* found = nullptr) {
  std::string stem = lower(file.stem().string());
  std::error_code ec;
  for (const auto& de : fs::directory_iterator(file.parent_path(), ec)) {
    const fs::path& p = de.path();
    if (lower(p.extension().string()) == ext && lower(p.stem().string()) == stem &&
        de.is_regular_file(ec)) {
      if (found) *found = p;
      return true;
    }
  }
  return false;
}

// SECURITY.md rule 3: XML with a DOCTYPE (entities, external subsets) is refused before GDAL's
// parsers see it. Only the prolog can hold one, so we read up to the root element.
void refuse_xml_doctype(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string prolog;
  constexpr std::size_t kMaxProlog = 1 << 20;
  char buf[4096];
  while (prolog.size() < kMaxProlog && in.read(buf, sizeof buf).gcount() > 0) {
    prolog.append(buf, static_cast<std::size_t>(in.gcount()));
    // Stop at the first '<' that opens an element (not <? or <!).
    std::size_t pos = 0;
    bool root = false;
    while ((pos = prolog.find('<', pos)) != std::string::npos) {
      if (pos + 1 >= prolog.size()) break;
      char c = prolog[pos + 1];
      if (c == '!') {
        if (prolog.compare(pos, 9, "<!DOCTYPE") == 0 || prolog.compare(pos, 8, "<!ENTITY") == 0)
          throw InvalidInput("xml-doctype",
                             "XML files with a document type declaration are not accepted.",
                             "file");
        if (prolog.compare(pos, 4, "<!--") == 0) {
          std::size_t end = prolog.find("-->", pos + 4);
          if (end == std::string::npos) break;
          pos = end + 3;
          continue;
        }
      } else if (c != '?') {
        root = true;
        break;
      }
      ++pos;
    }
    if (root) return;
  }
  if (prolog.size() >= kMaxProlog)
    throw InvalidInput("xml-doctype", "The XML file's prolog is too long.", "file");
}

geo::GeometryType from_ogr_type(OGRwkbGeometryType t) {
  switch (wkbFlatten(t)) {
    case wkbPoint:
      return geo::GeometryType::point;
    case wkbLineString:
    case wkbCircularString:
    case wkbCompoundCurve:
      return geo::GeometryType::line_string;
    case wkbPolygon:
    case wkbCurvePolygon:
    case wkbTriangle:
      return geo::GeometryType::polygon;
    case wkbMultiPoint:
      return geo::GeometryType::multi_point;
    case wkbMultiLineString:
    case wkbMultiCurve:
      return geo::GeometryType::multi_line_string;
    case wkbMultiPolygon:
    case wkbMultiSurface:
    case wkbPolyhedralSurface:
    case wkbTIN:
      return geo::GeometryType::multi_polygon;
    case wkbGeometryCollection:
      return geo::GeometryType::geometry_collection;
    default:
      return geo::GeometryType::unknown;
  }
}

// "EPSG:<code>" when the CRS is (or matches with high confidence) an EPSG entry, else WKT2.
std::string crs_string(OGRSpatialReferenceH srs) {
  if (!srs) return "";
  const char* auth = OSRGetAuthorityName(srs, nullptr);
  const char* code = OSRGetAuthorityCode(srs, nullptr);
  if (auth && code && EQUAL(auth, "EPSG")) return std::string("EPSG:") + code;
  int count = 0;
  int* confidence = nullptr;
  OGRSpatialReferenceH* matches = OSRFindMatches(srs, nullptr, &count, &confidence);
  std::string result;
  if (matches && count >= 1 && confidence[0] >= 90 && (count == 1 || confidence[1] < 90)) {
    const char* mauth = OSRGetAuthorityName(matches[0], nullptr);
    const char* mcode = OSRGetAuthorityCode(matches[0], nullptr);
    if (mauth && mcode && EQUAL(mauth, "EPSG")) result = std::string("EPSG:") + mcode;
  }
  OSRFreeSRSArray(matches);
  CPLFree(confidence);
  if (!result.empty()) return result;
  char* wkt = nullptr;
  const char* options[] = {"FORMAT=WKT2_2019", "MULTILINE=NO", nullptr};
  if (OSRExportToWktEx(srs, &wkt, options) != OGRERR_NONE || !wkt) {
    CPLFree(wkt);
    throw InvalidInput("unknown-crs", "The file's coordinate reference system is not understood.",
                       "crs");
  }
  result = wkt;
  CPLFree(wkt);
  return result;
}

// LIBKML's presentation columns: styling, not data.
bool is_kml_presentation_field(std::string_view name) {
  return name == "altitudeMode" || name == "tessellate" || name == "extrude" ||
         name == "visibility" || name == "drawOrder" || name == "icon";
}

enum class Kind { integer, boolean, real, text, date, datetime };

class GdalReader final : public Reader {
 public:
  GdalReader(TempDir tmp, DatasetPtr ds, OGRLayerH layer, std::string format,
             std::uint64_t bytes_total, std::vector<std::string> warnings)
      : tmp_(std::move(tmp)),
        ds_(std::move(ds)),
        layer_(layer),
        format_(std::move(format)),
        bytes_total_(bytes_total),
        warnings_(std::move(warnings)) {
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer_);
    bool libkml = EQUAL(GDALGetDriverShortName(GDALGetDatasetDriver(ds_.get())), "LIBKML");
    int n = OGR_FD_GetFieldCount(defn);
    for (int i = 0; i < n; ++i) {
      OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, i);
      std::string name = OGR_Fld_GetNameRef(fd);
      if (libkml && is_kml_presentation_field(name)) continue;
      if (name.empty()) name = "field_" + std::to_string(i + 1);
      if (schema_.find(name)) {
        std::string base = name;
        for (int k = 2; schema_.find(name); ++k) name = base + "_" + std::to_string(k);
      }
      Kind kind = Kind::text;
      FieldType type = FieldType::text;
      switch (OGR_Fld_GetType(fd)) {
        case OFTInteger:
          if (OGR_Fld_GetSubType(fd) == OFSTBoolean) {
            kind = Kind::boolean;
            type = FieldType::boolean;
          } else {
            kind = Kind::integer;
            type = FieldType::integer;
          }
          break;
        case OFTInteger64:
          kind = Kind::integer;
          type = FieldType::integer;
          break;
        case OFTReal:
          kind = Kind::real;
          type = FieldType::real;
          break;
        case OFTDate:
          kind = Kind::date;
          type = FieldType::date;
          break;
        case OFTDateTime:
          kind = Kind::datetime;
          type = FieldType::datetime;
          break;
        default:  // strings, times of day, lists and binary are kept as their text
          break;
      }
      schema_.fields.push_back(Field{name, type});
      source_index_.push_back(i);
      kinds_.push_back(kind);
    }
    OGRwkbGeometryType gt = OGR_L_GetGeomType(layer_);
    geometry_type_ = from_ogr_type(gt);
    // A shapefile's polygon and line layers mix single and multi parts under one shape type;
    // records are promoted to the multi type so the dataset has one type.
    if (format_ == "shapefile") {
      if (geometry_type_ == geo::GeometryType::polygon) {
        geometry_type_ = geo::GeometryType::multi_polygon;
        promote_ = wkbMultiPolygon;
      } else if (geometry_type_ == geo::GeometryType::line_string) {
        geometry_type_ = geo::GeometryType::multi_line_string;
        promote_ = wkbMultiLineString;
      }
    }
    source_crs_ = crs_string(OGR_L_GetSpatialRef(layer_));
    GIntBig count = OGR_L_GetFeatureCount(layer_, FALSE);
    feature_count_ = count > 0 ? static_cast<std::uint64_t>(count) : 0;
    OGR_L_ResetReading(layer_);
  }

  const Schema& schema() const override { return schema_; }
  geo::GeometryType geometry_type() const override { return geometry_type_; }
  std::string source_crs() const override { return source_crs_; }
  std::uint64_t bytes_total() const override { return bytes_total_; }
  std::uint64_t bytes_done() const override {
    if (feature_count_ == 0) return 0;
    auto done = std::min<std::uint64_t>(read_, feature_count_);
    return static_cast<std::uint64_t>(static_cast<double>(bytes_total_) *
                                      static_cast<double>(done) /
                                      static_cast<double>(feature_count_));
  }
  std::vector<std::string> warnings() const override { return warnings_; }
  std::string format_name() const override { return format_; }

  bool next(RawRecord& rec) override {
    rec.clear();
    ScopedGdalErrors errors;
    std::unique_ptr<std::remove_pointer_t<OGRFeatureH>, FeatureDeleter> f(
        OGR_L_GetNextFeature(layer_));
    if (!f) {
      if (errors.failures() > 0) {
        log::warn("gdal: reading stopped after record {}: {}", read_, errors.last_failure());
        throw InvalidInput("unreadable-file",
                           fmt::format("The file could not be read past record {}.", read_),
                           "file");
      }
      return false;
    }
    rec.number = static_cast<std::int64_t>(++read_);
    read_geometry(f.get(), rec);
    rec.values.reserve(schema_.size());
    for (std::size_t k = 0; k < schema_.size(); ++k) read_value(f.get(), k, rec);
    // Drivers hand back a record they could only partly read (a shapefile cut short gives
    // records without geometry): such a record is damaged, not empty.
    if (errors.failures() > 0 && rec.error.empty()) {
      log::debug("gdal: record {} damaged: {}", read_, errors.last_failure());
      rec.error = "The record is damaged and could not be read completely.";
    }
    return true;
  }

 private:
  void read_geometry(OGRFeatureH f, RawRecord& rec) {
    GeometryPtr g(OGR_F_StealGeometry(f));
    if (!g) return;
    if (OGR_G_IsEmpty(g.get())) {
      geo::Geometry empty;
      empty.type = from_ogr_type(OGR_G_GetGeometryType(g.get()));
      if (promote_ != wkbUnknown) empty.type = from_ogr_type(promote_);
      rec.geometry = std::move(empty);
      return;
    }
    if (OGR_G_HasCurveGeometry(g.get(), TRUE))
      g.reset(OGR_G_GetLinearGeometry(g.get(), 0, nullptr));
    if (g && promote_ != wkbUnknown) g.reset(OGR_G_ForceTo(g.release(), promote_, nullptr));
    if (g && wkbFlatten(OGR_G_GetGeometryType(g.get())) > wkbGeometryCollection)
      g.reset(OGR_G_ForceTo(g.release(), wkbMultiPolygon, nullptr));  // TIN, surfaces
    if (!g || wkbFlatten(OGR_G_GetGeometryType(g.get())) > wkbGeometryCollection) {
      rec.error = "The geometry type is not supported.";
      return;
    }
    if (OGR_G_IsMeasured(g.get())) OGR_G_SetMeasured(g.get(), FALSE);
    wkb_.resize(OGR_G_WkbSizeEx(g.get()));
    if (OGR_G_ExportToIsoWkb(g.get(), wkbNDR, reinterpret_cast<unsigned char*>(wkb_.data())) !=
        OGRERR_NONE) {
      rec.error = "The geometry could not be read.";
      return;
    }
    try {
      rec.geometry = geo::from_wkb(wkb_);
    } catch (const Error&) {
      rec.error = "The geometry could not be read.";
    }
  }

  void read_value(OGRFeatureH f, std::size_t k, RawRecord& rec) {
    int i = source_index_[k];
    if (!OGR_F_IsFieldSetAndNotNull(f, i)) {
      rec.values.emplace_back();
      return;
    }
    switch (kinds_[k]) {
      case Kind::integer:
        rec.values.emplace_back(static_cast<std::int64_t>(OGR_F_GetFieldAsInteger64(f, i)));
        return;
      case Kind::boolean:
        rec.values.emplace_back(OGR_F_GetFieldAsInteger(f, i) != 0);
        return;
      case Kind::real:
        rec.values.emplace_back(OGR_F_GetFieldAsDouble(f, i));
        return;
      case Kind::text:
        rec.values.emplace_back(std::string(OGR_F_GetFieldAsString(f, i)));
        return;
      case Kind::date:
      case Kind::datetime:
        break;
    }
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, tz = 0;
    float sec = 0;
    if (!OGR_F_GetFieldAsDateTimeEx(f, i, &y, &mo, &d, &h, &mi, &sec, &tz) || y == 0) {
      rec.values.emplace_back();  // shapefiles write "00000000" for no date
      return;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
        !(sec >= 0 && sec < 61)) {
      rec.values.emplace_back();
      if (rec.error.empty()) {
        rec.error = "The date or time is not valid.";
        rec.error_column = schema_.fields[k].name;
      }
      return;
    }
    Date date = date_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    if (kinds_[k] == Kind::date) {
      rec.values.emplace_back(date);
      return;
    }
    // OGR's zone flag: 100 = UTC, 100 +/- n = n quarter hours east/west, 0/1 = unknown/local,
    // which we read in the platform zone as other zone-less times are.
    int offset_minutes = tz >= 100 ? (tz - 100) * 15 : datum::platform_zone().offset_minutes;
    std::int64_t seconds = static_cast<std::int64_t>(date.days) * 86400 + h * 3600 + mi * 60 -
                           static_cast<std::int64_t>(offset_minutes) * 60;
    std::int64_t millis = std::llround(static_cast<double>(sec) * 1000.0);
    rec.values.emplace_back(Instant{seconds * 1'000'000 + millis * 1'000});
  }

  TempDir tmp_;  // an unpacked archive; removed after the dataset below is closed
  DatasetPtr ds_;
  OGRLayerH layer_ = nullptr;
  std::string format_;
  std::uint64_t bytes_total_ = 0;
  std::vector<std::string> warnings_;
  Schema schema_;
  std::vector<int> source_index_;
  std::vector<Kind> kinds_;
  geo::GeometryType geometry_type_ = geo::GeometryType::unknown;
  OGRwkbGeometryType promote_ = wkbUnknown;
  std::string source_crs_;
  std::uint64_t feature_count_ = 0;
  std::uint64_t read_ = 0;
  std::string wkb_;
};

// SECURITY.md rule 6 as far as GDAL lets us: the GPKG driver opens the file read-only with
// trusted_schema=OFF (so views and triggers cannot call functions with side effects) and we run
// quick_check before reading. Defensive mode, a progress handler and a heap limit need the
// SQLite handle, which only storage/ may hold, and the heap limit is process-wide.
void check_geopackage(GDALDatasetH ds) {
  OGRLayerH result = GDALDatasetExecuteSQL(ds, "PRAGMA quick_check", nullptr, nullptr);
  bool ok = false;
  if (result) {
    std::unique_ptr<std::remove_pointer_t<OGRFeatureH>, FeatureDeleter> f(
        OGR_L_GetNextFeature(result));
    ok = f && OGR_F_GetFieldCount(f.get()) > 0 &&
         std::string_view(OGR_F_GetFieldAsString(f.get(), 0)) == "ok";
    GDALDatasetReleaseResultSet(ds, result);
  }
  if (!ok) throw InvalidInput("invalid-geopackage", "The GeoPackage file is damaged.", "file");
}

OGRLayerH choose_layer(GDALDatasetH ds, const std::string& format, const std::string& wanted,
                       std::vector<std::string>& warnings) {
  int n = GDALDatasetGetLayerCount(ds);
  if (n <= 0) throw InvalidInput("no-vector-data", "The file holds no vector layer.", "file");
  if (!wanted.empty()) {
    // Looked up among the layers that exist; the name is never handed to GDAL as SQL.
    for (int i = 0; i < n; ++i) {
      OGRLayerH l = GDALDatasetGetLayer(ds, i);
      if (wanted == OGR_L_GetName(l)) return l;
    }
    throw InvalidInput("unknown-layer", "The file has no layer of that name.", "layer");
  }
  OGRLayerH chosen = nullptr;
  int non_empty = 0;
  for (int i = 0; i < n; ++i) {
    OGRLayerH l = GDALDatasetGetLayer(ds, i);
    if (OGR_L_GetFeatureCount(l, TRUE) <= 0) continue;
    ++non_empty;
    if (!chosen) chosen = l;
  }
  // GPX: the track points carry a time each, which is what a track is shared for.
  if (format == "gpx") {
    OGRLayerH tp = GDALDatasetGetLayerByName(ds, "track_points");
    if (tp && OGR_L_GetFeatureCount(tp, TRUE) > 0) chosen = tp;
  }
  if (!chosen) chosen = GDALDatasetGetLayer(ds, 0);
  if (non_empty > 1)
    warnings.push_back(
        fmt::format("The file has {} layers with features; only layer '{}' was "
                    "imported.",
                    non_empty, OGR_L_GetName(chosen)));
  return chosen;
}

}  // namespace

std::unique_ptr<Reader> open_gdal_reader(const fs::path& file, const ImportOptions& options) {
  gdal::ensure_gdal_ready();
  std::error_code ec;
  fs::path path = fs::absolute(file, ec);
  if (ec || !fs::is_regular_file(path, ec))
    throw InvalidInput("file-not-found", "The input file does not exist or is not a file.", "file");
  // Paths handed to GDAL are built by the server; a /vsi prefix would reach GDAL's virtual
  // file systems (archives, network).
  if (path.string().starts_with("/vsi"))
    throw InvalidInput("file-not-found", "The input file does not exist or is not a file.", "file");
  std::uint64_t size = fs::file_size(path, ec);

  std::string format = declared_format(path, options);
  TempDir unpacked;
  fs::path target = path;
  if (looks_like_zip(path)) {
    // Zipped shapefiles, KMZ and any other archive: unpacked by us, never through /vsizip/.
    unpacked = extract_zip(path);
    ArchiveDataset found = find_archive_dataset(unpacked.path());
    if (found.format == "csv")
      throw InvalidInput("unsupported-archive-content",
                         "CSV files inside an archive cannot be imported; upload the CSV file "
                         "itself.",
                         "file");
    target = found.path;
    format = found.format;
  } else if (format == "zip") {
    throw InvalidInput("invalid-archive", "The archive is damaged or is not a zip file.", "file");
  }
  const std::vector<std::string>& drivers = gdal::allowed_drivers(format);

  CPLStringList open_options;
  std::vector<std::string> warnings;
  if (format == "shapefile") {
    fs::path dbf;
    if (!has_sibling(target, ".dbf", &dbf))
      throw InvalidInput("incomplete-shapefile", "The shapefile has no .dbf file.", "file");
    if (!has_sibling(target, ".shx"))
      throw InvalidInput("incomplete-shapefile", "The shapefile has no .shx file.", "file");
    if (!dbf_is_complete(dbf))
      throw InvalidInput("incomplete-shapefile", "The shapefile's .dbf file is damaged.", "file");
    if (!options.encoding.empty()) {
      open_options.SetNameValue("ENCODING", options.encoding.c_str());
    } else if (!has_sibling(target, ".cpg")) {
      std::string encoding = choose_dbf_encoding(scan_dbf_text(dbf));
      if (!encoding.empty()) {
        open_options.SetNameValue("ENCODING", encoding.c_str());
        if (encoding != "UTF-8")
          warnings.push_back(fmt::format(
              "The shapefile does not say its text encoding (no .cpg file); {} was assumed.",
              encoding));
      }
    }
  } else if (format == "gpkg") {
    open_options.SetNameValue("PRELUDE_STATEMENTS", "PRAGMA trusted_schema=OFF");
  } else if (format == "kml" || format == "gpx") {
    if (!looks_like_zip(target)) refuse_xml_doctype(target);
  }

  CPLStringList driver_list;
  for (const auto& d : drivers) driver_list.AddString(d.c_str());
  ScopedGdalErrors errors;
  DatasetPtr ds(GDALOpenEx(target.c_str(),
                           GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
                           driver_list.List(), open_options.List(), nullptr));
  if (!ds) {
    log::warn("gdal: cannot open {} as {}: {}", target.string(), format, errors.last_failure());
    throw InvalidInput("unreadable-file",
                       fmt::format("The file could not be read as {}.", human_name(format)),
                       "file");
  }
  // Belt and braces: the driver that answered must be one we allowed.
  std::string driver = GDALGetDriverShortName(GDALGetDatasetDriver(ds.get()));
  if (std::find(drivers.begin(), drivers.end(), driver) == drivers.end())
    throw InvalidInput("unreadable-file",
                       fmt::format("The file could not be read as {}.", human_name(format)),
                       "file");
  if (driver == "GPKG") check_geopackage(ds.get());
  if (format == "ogr") {
    if (driver == "ESRI Shapefile")
      format = "shapefile";
    else if (driver == "GPKG")
      format = "gpkg";
    else if (driver == "LIBKML" || driver == "KML")
      format = "kml";
    else if (driver == "GPX")
      format = "gpx";
    else if (driver == "GeoJSON" || driver == "GeoJSONSeq")
      format = "geojson";
    else if (driver == "FlatGeobuf")
      format = "fgb";
    else if (driver == "MapInfo File")
      format = "mapinfo";
    else if (driver == "OpenFileGDB")
      format = "filegdb";
  }
  OGRLayerH layer = choose_layer(ds.get(), format, options.layer, warnings);
  return std::make_unique<GdalReader>(std::move(unpacked), std::move(ds), layer, format, size,
                                      std::move(warnings));
}

}  // namespace shikong::ingest
