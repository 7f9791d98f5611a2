// GeoPackage and zipped Shapefile exports, written by GDAL from a store cursor (memory stays
// flat) in a private working directory, then moved to a unique name in work_dir.
#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_spatialref.h>
#include <ogr_srs_api.h>
#include <stdlib.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <vector>

#include "core/error.hpp"
#include "core/log.hpp"
#include "datum/crs.hpp"
#include "datum/time.hpp"
#include "geo/wkb.hpp"
#include "ingest/export.hpp"
#include "ingest/readers/gdal/gdal_env.hpp"
#include "ingest/readers/gdal/safe_zip.hpp"

namespace shikong::ingest {

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kBatch = 20000;  // features per GeoPackage transaction

[[noreturn]] void export_failed(std::string_view what, std::string_view why) {
  log::error("export: {}: {}", what, why);
  throw InternalError("export-failed", "The export could not be written on the server.");
}

struct DatasetCloser {
  void operator()(void* h) const { GDALClose(h); }
};
struct FeatureDeleter {
  void operator()(OGRFeatureH f) const { OGR_F_Destroy(f); }
};
struct FieldDefnDeleter {
  void operator()(OGRFieldDefnH f) const { OGR_Fld_Destroy(f); }
};
struct GeometryDeleter {
  void operator()(OGRGeometryH g) const { OGR_G_DestroyGeometry(g); }
};

OGRwkbGeometryType ogr_type(geo::GeometryType t, bool z) {
  OGRwkbGeometryType base = wkbUnknown;
  switch (t) {
    case geo::GeometryType::point:
      base = wkbPoint;
      break;
    case geo::GeometryType::line_string:
      base = wkbLineString;
      break;
    case geo::GeometryType::polygon:
      base = wkbPolygon;
      break;
    case geo::GeometryType::multi_point:
      base = wkbMultiPoint;
      break;
    case geo::GeometryType::multi_line_string:
      base = wkbMultiLineString;
      break;
    case geo::GeometryType::multi_polygon:
      base = wkbMultiPolygon;
      break;
    case geo::GeometryType::geometry_collection:
      base = wkbGeometryCollection;
      break;
    case geo::GeometryType::unknown:
      base = wkbUnknown;
      break;
  }
  return z ? OGR_GT_SetZ(base) : base;
}

// Whether ISO (or EWKB-flagged) WKB carries Z, read from its header only.
bool wkb_has_z(std::string_view wkb) {
  if (wkb.size() < 5) return false;
  auto b = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(wkb[i]));
  };
  std::uint32_t t = wkb[0] == 1 ? (b(1) | b(2) << 8 | b(3) << 16 | b(4) << 24)
                                : (b(4) | b(3) << 8 | b(2) << 16 | b(1) << 24);
  if (t & 0x80000000u) return true;
  t &= 0x0FFFFFFFu;
  return t / 1000 == 1 || t / 1000 == 3;
}

OGRSpatialReference make_srs(const datum::Crs& crs) {
  OGRSpatialReference srs;
  OGRErr err;
  if (crs.epsg > 0) {
    err = srs.importFromEPSG(crs.epsg);
  } else {
    // The Crs was resolved by datum::parse_crs; the limitations still forbid URLs and files.
    const std::string& text = crs.definition.empty() ? crs.id : crs.definition;
    err = srs.SetFromUserInput(text.c_str(),
                               OGRSpatialReference::SET_FROM_USER_INPUT_LIMITATIONS_get());
  }
  if (err != OGRERR_NONE)
    throw InvalidInput("unknown-crs", "This CRS cannot be written into an export file.", "crs");
  srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  return srs;
}

// A shapefile field name: at most 10 bytes, cut on a UTF-8 character boundary, unique without
// regard to case (the .dbf compares them so).
std::string shapefile_name(const std::string& name, std::vector<std::string>& taken) {
  auto cut = [](const std::string& s, std::size_t max) {
    if (s.size() <= max) return s;
    std::size_t n = max;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return s.substr(0, n);
  };
  auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  std::string candidate = cut(name.empty() ? std::string("field") : name, 10);
  for (int k = 2; std::find(taken.begin(), taken.end(), lower(candidate)) != taken.end(); ++k) {
    std::string suffix = "_" + std::to_string(k);
    candidate = cut(name, 10 - suffix.size()) + suffix;
  }
  taken.push_back(lower(candidate));
  return candidate;
}

struct Column {
  std::string name;  // in the output file
  FieldType type;
  int width = 0;  // shapefile text width; 0 = driver default
};

// The widest text each shapefile text column needs (bytes, at most 254, the .dbf limit), from
// one pass over the attributes without geometry.
std::vector<int> text_widths(storage::Store& store, const storage::DatasetInfo& ds) {
  std::vector<int> widths(ds.schema.size(), 1);
  storage::FeatureQuery q;
  q.with_geometry = false;
  auto cursor = store.query(ds, q);
  Feature f;
  while (cursor->next(f)) {
    for (std::size_t i = 0; i < ds.schema.size() && i < f.properties.size(); ++i)
      if (const auto* s = std::get_if<std::string>(&f.properties[i]))
        widths[i] = std::max(widths[i], static_cast<int>(std::min<std::size_t>(s->size(), 254)));
  }
  return widths;
}

class FileWriter {
 public:
  FileWriter(storage::Store& store, const storage::DatasetInfo& ds, const datum::Crs& crs,
             bool shapefile)
      : store_(store),
        ds_(ds),
        shapefile_(shapefile),
        tr_(datum::transformer(datum::parse_crs(ds.crs, "crs"), crs)),
        srs_(make_srs(crs)) {}

  void write(const fs::path& target) {
    gdal::ScopedGdalErrors errors;
    GDALDriverH driver = GDALGetDriverByName(shapefile_ ? "ESRI Shapefile" : "GPKG");
    if (!driver) export_failed("driver", "GDAL driver missing");
    std::unique_ptr<void, DatasetCloser> out(
        GDALCreate(driver, target.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!out) export_failed(target.string(), errors.last_failure());

    std::vector<int> widths;
    if (shapefile_) widths = text_widths(store_, ds_);
    auto cursor = store_.query(ds_, storage::FeatureQuery{});
    Feature f;
    bool have = cursor->next(f);
    // Z is declared when the first feature has it: the stored type says nothing about Z.
    bool z = have && wkb_has_z(f.wkb);
    layer_type_ = ogr_type(ds_.geometry_type, z);
    if (shapefile_) {
      // A shapefile holds one shape type; its polygon and line types take multi-parts too.
      if (ds_.geometry_type == geo::GeometryType::multi_polygon)
        layer_type_ = ogr_type(geo::GeometryType::polygon, z);
      else if (ds_.geometry_type == geo::GeometryType::multi_line_string)
        layer_type_ = ogr_type(geo::GeometryType::line_string, z);
    }
    CPLStringList layer_options;
    if (shapefile_) {
      layer_options.SetNameValue("ENCODING", "UTF-8");  // and a .cpg saying so
    } else {
      layer_options.SetNameValue("FID", "fid");
      layer_options.SetNameValue("GEOMETRY_NAME", "geom");
      if (!ds_.title.empty()) layer_options.SetNameValue("IDENTIFIER", ds_.title.c_str());
      if (!ds_.description.empty())
        layer_options.SetNameValue("DESCRIPTION", ds_.description.c_str());
    }
    OGRLayerH layer =
        GDALDatasetCreateLayer(out.get(), ds_.id.c_str(), OGRSpatialReference::ToHandle(&srs_),
                               layer_type_, layer_options.List());
    if (!layer) export_failed("create layer", errors.last_failure());
    create_fields(layer, widths);

    bool transactions = !shapefile_;
    std::int64_t in_batch = 0;
    if (transactions) GDALDatasetStartTransaction(out.get(), FALSE);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    for (; have; have = cursor->next(f)) {
      std::unique_ptr<std::remove_pointer_t<OGRFeatureH>, FeatureDeleter> feature(
          OGR_F_Create(defn));
      fill(feature.get(), f);
      if (OGR_L_CreateFeature(layer, feature.get()) != OGRERR_NONE)
        export_failed("write feature " + std::to_string(f.id), errors.last_failure());
      if (transactions && ++in_batch == kBatch) {
        if (GDALDatasetCommitTransaction(out.get()) != OGRERR_NONE)
          export_failed("commit", errors.last_failure());
        GDALDatasetStartTransaction(out.get(), FALSE);
        in_batch = 0;
      }
    }
    if (transactions && GDALDatasetCommitTransaction(out.get()) != OGRERR_NONE)
      export_failed("commit", errors.last_failure());
    int failures_before_close = errors.failures();
    out.reset();
    if (errors.failures() != failures_before_close) export_failed("close", errors.last_failure());
    if (dropped_ > 0)
      log::warn("export of {}: {} geometries could not be transformed and were left out", ds_.id,
                dropped_);
  }

 private:
  void create_fields(OGRLayerH layer, const std::vector<int>& widths) {
    std::vector<std::string> taken;
    for (std::size_t i = 0; i < ds_.schema.size(); ++i) {
      const Field& field = ds_.schema.fields[i];
      std::string name = shapefile_ ? shapefile_name(field.name, taken) : field.name;
      OGRFieldType type = OFTString;
      OGRFieldSubType sub = OFSTNone;
      int width = 0;
      switch (field.type) {
        case FieldType::integer:
          type = OFTInteger64;
          break;
        case FieldType::real:
          type = OFTReal;
          break;
        case FieldType::boolean:
          type = OFTInteger;
          sub = OFSTBoolean;
          break;
        case FieldType::text:
          if (shapefile_) width = widths[i];
          break;
        case FieldType::date:
          type = OFTDate;
          break;
        case FieldType::datetime:
          // A .dbf has no date-time type: RFC 3339 text keeps the instant and its zone.
          if (shapefile_)
            width = 32;
          else
            type = OFTDateTime;
          break;
      }
      std::unique_ptr<std::remove_pointer_t<OGRFieldDefnH>, FieldDefnDeleter> fd(
          OGR_Fld_Create(name.c_str(), type));
      OGR_Fld_SetSubType(fd.get(), sub);
      if (width > 0) OGR_Fld_SetWidth(fd.get(), width);
      if (OGR_L_CreateField(layer, fd.get(), TRUE) != OGRERR_NONE)
        export_failed("create field " + name, "refused");
    }
  }

  void fill(OGRFeatureH out, const Feature& f) {
    if (!shapefile_ && f.id > 0) OGR_F_SetFID(out, f.id);
    if (!f.wkb.empty()) set_geometry(out, f.wkb);
    for (std::size_t i = 0; i < ds_.schema.size() && i < f.properties.size(); ++i) {
      int k = static_cast<int>(i);
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
              OGR_F_SetFieldNull(out, k);
            } else if constexpr (std::is_same_v<T, bool>) {
              OGR_F_SetFieldInteger(out, k, v ? 1 : 0);
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
              OGR_F_SetFieldInteger64(out, k, v);
            } else if constexpr (std::is_same_v<T, double>) {
              if (std::isfinite(v))
                OGR_F_SetFieldDouble(out, k, v);
              else
                OGR_F_SetFieldNull(out, k);
            } else if constexpr (std::is_same_v<T, std::string>) {
              OGR_F_SetFieldString(out, k, v.c_str());
            } else if constexpr (std::is_same_v<T, Date>) {
              int y;
              unsigned m, d;
              civil_from_date(v, y, m, d);
              OGR_F_SetFieldDateTimeEx(out, k, y, static_cast<int>(m), static_cast<int>(d), 0, 0, 0,
                                       0);
            } else {
              set_instant(out, k, v);
            }
          },
          f.properties[i]);
    }
  }

  void set_instant(OGRFeatureH out, int k, Instant t) {
    if (shapefile_) {
      OGR_F_SetFieldString(out, k, datum::format_rfc3339(t).c_str());
      return;
    }
    std::int64_t days = t.micros >= 0 ? t.micros / 86'400'000'000
                                      : -((-t.micros + 86'399'999'999) / 86'400'000'000);
    std::int64_t rest = t.micros - days * 86'400'000'000;
    int y;
    unsigned m, d;
    civil_from_date(Date{static_cast<std::int32_t>(days)}, y, m, d);
    auto sec_of_day = rest / 1'000'000;
    float sec = static_cast<float>(sec_of_day % 60) +
                static_cast<float>((rest % 1'000'000) / 1000) / 1000.0f;
    OGR_F_SetFieldDateTimeEx(out, k, y, static_cast<int>(m), static_cast<int>(d),
                             static_cast<int>(sec_of_day / 3600),
                             static_cast<int>(sec_of_day / 60 % 60), sec, 100);
  }

  void set_geometry(OGRFeatureH out, const std::string& wkb) {
    const std::string* bytes = &wkb;
    if (!tr_->is_identity()) {
      try {
        geo::Geometry g = geo::from_wkb(wkb);
        tr_->transform(g);
        wkb_ = geo::to_wkb(g);
        bytes = &wkb_;
      } catch (const Error&) {
        ++dropped_;
        return;
      }
    }
    OGRGeometryH g = nullptr;
    if (OGR_G_CreateFromWkbEx(bytes->data(), nullptr, &g, bytes->size()) != OGRERR_NONE || !g) {
      ++dropped_;
      return;
    }
    OGRwkbGeometryType flat = wkbFlatten(layer_type_);
    if (flat == wkbMultiPolygon || flat == wkbMultiLineString || flat == wkbMultiPoint)
      g = OGR_G_ForceTo(g, layer_type_, nullptr);
    OGR_F_SetGeometryDirectly(out, g);
  }

  storage::Store& store_;
  const storage::DatasetInfo& ds_;
  bool shapefile_;
  std::shared_ptr<const datum::Transformer> tr_;
  OGRSpatialReference srs_;
  OGRwkbGeometryType layer_type_ = wkbUnknown;
  std::string wkb_;
  std::int64_t dropped_ = 0;
};

void zip_directory(const fs::path& dir, const fs::path& zip_path) {
  int err = 0;
  zip_t* za = zip_open(zip_path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (!za) export_failed(zip_path.string(), "zip_open failed");
  std::vector<fs::path> parts;
  for (const auto& de : fs::directory_iterator(dir)) parts.push_back(de.path());
  std::sort(parts.begin(), parts.end());
  for (const auto& p : parts) {
    zip_source_t* src = zip_source_file_create(p.c_str(), 0, -1, nullptr);
    if (!src || zip_file_add(za, p.filename().c_str(), src, ZIP_FL_ENC_UTF_8) < 0) {
      if (src) zip_source_free(src);
      std::string why = zip_error_strerror(zip_get_error(za));
      zip_discard(za);
      export_failed(p.string(), why);
    }
  }
  if (zip_close(za) != 0) {
    std::string why = zip_error_strerror(zip_get_error(za));
    zip_discard(za);
    export_failed(zip_path.string(), why);
  }
}

// Reserves <work_dir>/<id>-XXXXXX<ext>, a name no other export can take.
fs::path reserve_output(const fs::path& work_dir, const std::string& id, std::string_view ext) {
  std::string templ = (work_dir / (id + "-XXXXXX" + std::string(ext))).string();
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  int fd = ::mkstemps(buf.data(), static_cast<int>(ext.size()));
  if (fd < 0) export_failed(templ, std::strerror(errno));
  ::close(fd);
  return fs::path(buf.data());
}

}  // namespace

fs::path export_file(storage::Store& store, const storage::DatasetInfo& ds, ExportFormat format,
                     const datum::Crs& crs, const fs::path& work_dir) {
  if (format != ExportFormat::gpkg && format != ExportFormat::shapefile)
    throw Unsupported("unsupported-format", "GeoJSON and CSV exports are streamed, not files.",
                      "f");
  bool shapefile = format == ExportFormat::shapefile;
  if (shapefile && (ds.geometry_type == geo::GeometryType::unknown ||
                    ds.geometry_type == geo::GeometryType::geometry_collection))
    throw Unsupported("unsupported-geometry-type",
                      "A shapefile holds one kind of geometry; export this dataset as GeoPackage "
                      "or GeoJSON instead.",
                      "f");
  gdal::ensure_gdal_ready();
  std::error_code ec;
  fs::create_directories(work_dir, ec);
  // The store's own GeoPackage is not copied even in the platform CRS: it holds the store's
  // internal tables and may have pages still in its write-ahead log.
  TempDir build = TempDir::create(work_dir, "shikong-export-");
  fs::path built = build.path() / (ds.id + (shapefile ? ".shp" : ".gpkg"));
  FileWriter(store, ds, crs, shapefile).write(built);
  fs::path result = reserve_output(work_dir, ds.id, file_extension(format));
  if (shapefile) {
    zip_directory(build.path(), result);
  } else {
    fs::rename(built, result, ec);
    if (ec) export_failed(result.string(), ec.message());
  }
  return result;
}

}  // namespace shikong::ingest
