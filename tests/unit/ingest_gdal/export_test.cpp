// Exports read back by GDAL: GeoJSON and CSV streams, GeoPackage and zipped Shapefile files, in
// the platform CRS and a projected one, from a real embedded store.
#include "ingest/export.hpp"

#include <cpl_conv.h>
#include <gdal.h>
#include <gtest/gtest.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <algorithm>
#include <cmath>

#include "datum/crs.hpp"
#include "geo/wkb.hpp"
#include "ingest/import.hpp"
#include "ingest/readers/gdal/gdal_env.hpp"
#include "ingest/readers/gdal/gdal_reader.hpp"
#include "ingest/readers/gdal/safe_zip.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "test_support.hpp"

namespace shikong::ingest {
namespace {

namespace fs = std::filesystem;
using test::error_code_of;

Feature feature_of(const geo::Geometry* g, std::vector<Value> values) {
  Feature f;
  if (g) {
    f.wkb = geo::to_wkb(*g);
    f.envelope = g->envelope();
  }
  f.properties = std::move(values);
  return f;
}

geo::Geometry point(double x, double y) {
  geo::Geometry g;
  g.type = geo::GeometryType::point;
  g.coords.push_back({x, y, 0});
  return g;
}

Instant utc(int y, unsigned mo, unsigned d, int h, int mi, int s) {
  return Instant::from_seconds(static_cast<std::int64_t>(date_from_civil(y, mo, d).days) * 86400 +
                               h * 3600 + mi * 60 + s);
}

class Export : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir(TempDir::create());
    storage::SqliteOptions so;
    so.data_dir = dir_->path() / "var";
    store_ = storage::open_sqlite_store(so).release();

    // The 243 capitals, as the reader gives them (EPSG:4326 taken as the platform datum).
    auto reader = open_gdal_reader(test::shared_data("naturalearth_cities.shp.zip"), {});
    storage::DatasetInfo draft;
    draft.id = "cities";
    draft.title = "Capital cities";
    draft.schema = reader->schema();
    draft.geometry_type = geo::GeometryType::point;
    auto session = store_->begin_import(draft);
    RawRecord rec;
    while (reader->next(rec)) session->write(feature_of(&*rec.geometry, rec.values));
    cities_ = new storage::DatasetInfo(session->commit());

    // Every field type, awkward text, nulls and a feature without geometry.
    storage::DatasetInfo typed;
    typed.id = "typed";
    typed.title = "Typed";
    typed.geometry_type = geo::GeometryType::point;
    typed.schema.fields = {{"name", FieldType::text},  {"count", FieldType::integer},
                           {"ratio", FieldType::real}, {"open", FieldType::boolean},
                           {"day", FieldType::date},   {"observed_at_time", FieldType::datetime}};
    auto s2 = store_->begin_import(typed);
    geo::Geometry a = point(116.391, 39.907), b = point(121.4737, 31.2304);
    s2->write(feature_of(&a, {std::string("北京, \"天安门\""), std::int64_t{42}, 0.5, true,
                              date_from_civil(2021, 3, 5), utc(2021, 3, 5, 6, 30, 0)}));
    s2->write(
        feature_of(&b, {std::string("上海"), std::int64_t{-7}, 1e-7, false, Value{}, Value{}}));
    s2->write(feature_of(nullptr, {Value{}, Value{}, Value{}, Value{}, Value{}, Value{}}));
    typed_ = new storage::DatasetInfo(s2->commit());
  }
  static void TearDownTestSuite() {
    delete typed_;
    delete cities_;
    delete store_;
    delete dir_;
  }

  std::string text(const storage::DatasetInfo& ds, ExportFormat f, const datum::Crs& crs) {
    std::string out;
    export_text(*store_, ds, f, crs, [&](std::string_view b) { out.append(b); });
    return out;
  }

  static TempDir* dir_;
  static storage::Store* store_;
  static storage::DatasetInfo* cities_;
  static storage::DatasetInfo* typed_;
};
TempDir* Export::dir_ = nullptr;
storage::Store* Export::store_ = nullptr;
storage::DatasetInfo* Export::cities_ = nullptr;
storage::DatasetInfo* Export::typed_ = nullptr;

// Opens an export with GDAL (trusted test code: /vsizip/ is fine here).
struct Opened {
  GDALDatasetH ds = nullptr;
  OGRLayerH layer = nullptr;
  explicit Opened(const std::string& path) {
    gdal::ensure_gdal_ready();
    ds = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
    if (ds) layer = GDALDatasetGetLayer(ds, 0);
  }
  ~Opened() {
    if (ds) GDALClose(ds);
  }
  std::string string_field(OGRFeatureH f, const char* name) {
    return OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, name));
  }
};

TEST(ExportFormat, NamesMediaTypesExtensions) {
  EXPECT_EQ(parse_export_format("GeoJSON"), ExportFormat::geojson);
  EXPECT_EQ(parse_export_format("json"), ExportFormat::geojson);
  EXPECT_EQ(parse_export_format("csv"), ExportFormat::csv);
  EXPECT_EQ(parse_export_format("geopackage"), ExportFormat::gpkg);
  EXPECT_EQ(parse_export_format("gpkg"), ExportFormat::gpkg);
  EXPECT_EQ(parse_export_format("shp"), ExportFormat::shapefile);
  EXPECT_EQ(parse_export_format("zip"), ExportFormat::shapefile);
  EXPECT_EQ(parse_export_format("shapefile"), ExportFormat::shapefile);
  EXPECT_EQ(error_code_of([] { parse_export_format("kml"); }), "unknown-format");
  EXPECT_EQ(media_type(ExportFormat::geojson), "application/geo+json");
  EXPECT_EQ(media_type(ExportFormat::csv), "text/csv; charset=utf-8");
  EXPECT_EQ(media_type(ExportFormat::gpkg), "application/geopackage+sqlite3");
  EXPECT_EQ(media_type(ExportFormat::shapefile), "application/zip");
  EXPECT_EQ(file_extension(ExportFormat::shapefile), ".shp.zip");
}

TEST_F(Export, GeoJsonReadsBackInGdal) {
  std::string json = text(*cities_, ExportFormat::geojson, datum::platform_crs());
  EXPECT_TRUE(
      json.starts_with("{\"type\":\"FeatureCollection\",\"name\":\"cities\",\"features\":["));
  fs::path p = dir_->path() / "cities.geojson";
  test::write_file(p, json);
  Opened o(p.string());
  ASSERT_NE(o.layer, nullptr);
  EXPECT_EQ(OGR_L_GetFeatureCount(o.layer, TRUE), 243);
  OGRFeatureH f = OGR_L_GetNextFeature(o.layer);
  EXPECT_EQ(o.string_field(f, "name"), "Vatican City");
  OGRGeometryH g = OGR_F_GetGeometryRef(f);
  EXPECT_EQ(OGR_G_GetX(g, 0), 12.4533865);
  EXPECT_EQ(OGR_G_GetY(g, 0), 41.9032822);
  OGR_F_Destroy(f);
}

TEST_F(Export, GeoJsonInWebMercator) {
  std::string json = text(*cities_, ExportFormat::geojson, datum::epsg(3857));
  fs::path p = dir_->path() / "cities3857.geojson";
  test::write_file(p, json);
  Opened o(p.string());
  ASSERT_NE(o.layer, nullptr);
  OGRFeatureH f = OGR_L_GetNextFeature(o.layer);
  OGRGeometryH g = OGR_F_GetGeometryRef(f);
  const double r = 6378137.0, pi = std::acos(-1.0);
  EXPECT_NEAR(OGR_G_GetX(g, 0), r * 12.4533865 * pi / 180, 0.01);
  EXPECT_NEAR(OGR_G_GetY(g, 0), r * std::log(std::tan(pi / 4 + 41.9032822 * pi / 360)), 0.01);
  OGR_F_Destroy(f);
}

TEST_F(Export, GeoJsonTypedValues) {
  std::string json = text(*typed_, ExportFormat::geojson, datum::platform_crs());
  EXPECT_NE(
      json.find("\"properties\":{\"name\":\"北京, \\\"天安门\\\"\",\"count\":42,\"ratio\":0.5,"
                "\"open\":true,\"day\":\"2021-03-05\",\"observed_at_time\":"
                "\"2021-03-05T14:30:00+08:00\"}"),
      std::string::npos)
      << json;
  EXPECT_NE(json.find("\"geometry\":null,\"properties\":{\"name\":null,\"count\":null"),
            std::string::npos);
  EXPECT_TRUE(json.ends_with("\n]}\n"));
}

TEST_F(Export, CsvExactText) {
  std::string csv = text(*typed_, ExportFormat::csv, datum::platform_crs());
  EXPECT_EQ(csv,
            "name,count,ratio,open,day,observed_at_time,lon,lat,wkt\r\n"
            "\"北京, \"\"天安门\"\"\",42,0.5,true,2021-03-05,2021-03-05T14:30:00+08:00,116.391,"
            "39.907,POINT (116.391 39.907)\r\n"
            "上海,-7,1e-07,false,,,121.4737,31.2304,POINT (121.4737 31.2304)\r\n"
            ",,,,,,,,\r\n");
}

TEST_F(Export, CsvProjectedUsesXY) {
  std::string csv = text(*cities_, ExportFormat::csv, datum::epsg(3857));
  EXPECT_TRUE(csv.starts_with("name,x,y,wkt\r\nVatican City,1386")) << csv.substr(0, 80);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 244);
}

TEST_F(Export, GeoPackageReadsBack) {
  fs::path out = export_file(*store_, *typed_, ExportFormat::gpkg, datum::platform_crs(),
                             dir_->path() / "exports");
  EXPECT_EQ(out.parent_path(), dir_->path() / "exports");
  EXPECT_TRUE(out.filename().string().starts_with("typed-"));
  EXPECT_EQ(out.extension(), ".gpkg");
  Opened o(out.string());
  ASSERT_NE(o.layer, nullptr);
  EXPECT_STREQ(GDALGetDriverShortName(GDALGetDatasetDriver(o.ds)), "GPKG");
  EXPECT_STREQ(OGR_L_GetName(o.layer), "typed");
  EXPECT_STREQ(OSRGetAuthorityCode(OGR_L_GetSpatialRef(o.layer), nullptr), "4490");
  EXPECT_EQ(OGR_L_GetFeatureCount(o.layer, TRUE), 3);
  OGRFeatureH f = OGR_L_GetNextFeature(o.layer);
  EXPECT_EQ(o.string_field(f, "name"), "北京, \"天安门\"");
  EXPECT_EQ(OGR_F_GetFieldAsInteger64(f, OGR_F_GetFieldIndex(f, "count")), 42);
  EXPECT_EQ(o.string_field(f, "observed_at_time"), "2021/03/05 06:30:00+00");
  EXPECT_EQ(o.string_field(f, "day"), "2021/03/05");
  EXPECT_EQ(OGR_G_GetX(OGR_F_GetGeometryRef(f), 0), 116.391);
  OGR_F_Destroy(f);
  fs::remove(out);
}

TEST_F(Export, ZippedShapefileReadsBack) {
  fs::path out = export_file(*store_, *typed_, ExportFormat::shapefile, datum::platform_crs(),
                             dir_->path() / "exports");
  EXPECT_TRUE(out.string().ends_with(".shp.zip"));
  TempDir x = extract_zip(out);
  EXPECT_EQ(test::read_file(x.path() / "typed.cpg"), "UTF-8");
  EXPECT_TRUE(fs::exists(x.path() / "typed.prj"));
  Opened o("/vsizip/" + out.string() + "/typed.shp");
  ASSERT_NE(o.layer, nullptr);
  EXPECT_EQ(OGR_L_GetFeatureCount(o.layer, TRUE), 3);
  OGRFeatureH f = OGR_L_GetNextFeature(o.layer);
  EXPECT_EQ(o.string_field(f, "name"), "北京, \"天安门\"");
  EXPECT_EQ(o.string_field(f, "observed_a"), "2021-03-05T14:30:00+08:00");  // 10-byte names
  EXPECT_EQ(OGR_G_GetY(OGR_F_GetGeometryRef(f), 0), 39.907);
  OGR_F_Destroy(f);
  fs::remove(out);
}

TEST_F(Export, ZippedShapefileInUtm) {
  fs::path out = export_file(*store_, *cities_, ExportFormat::shapefile, datum::epsg(32633),
                             dir_->path() / "exports");
  Opened o("/vsizip/" + out.string() + "/cities.shp");
  ASSERT_NE(o.layer, nullptr);
  EXPECT_EQ(OGR_L_GetFeatureCount(o.layer, TRUE), 243);
  OGRFeatureH f = OGR_L_GetNextFeature(o.layer);
  EXPECT_EQ(o.string_field(f, "name"), "Vatican City");
  // Rome is about 290 km east of the UTM 33N central meridian's false easting of 500 km.
  EXPECT_NEAR(OGR_G_GetX(OGR_F_GetGeometryRef(f), 0), 288000, 3000);
  OGR_F_Destroy(f);
  fs::remove(out);
}

// The whole path: a GeoPackage in NAD27 imported by the pipeline (to the platform datum) and
// exported back to NAD27 lands where it started.
TEST_F(Export, ImportedNad27RoundTripsThroughThePlatformDatum) {
  ImportOptions o;
  o.dataset_id = "nc";
  ImportReport report = import_files(*store_, {test::shared_data("nc_sids_nad27.gpkg")}, o);
  ASSERT_TRUE(report.committed);
  ASSERT_TRUE(report.dataset);
  EXPECT_EQ(report.dataset->feature_count, 100);
  EXPECT_EQ(report.dataset->source_crs, "EPSG:4267");
  fs::path out = export_file(*store_, *report.dataset, ExportFormat::shapefile, datum::epsg(4267),
                             dir_->path() / "exports");
  Opened o2("/vsizip/" + out.string() + "/nc.shp");
  ASSERT_NE(o2.layer, nullptr);
  EXPECT_EQ(OGR_L_GetFeatureCount(o2.layer, TRUE), 100);
  EXPECT_STREQ(OSRGetName(OGR_L_GetSpatialRef(o2.layer)), "NAD27");
  OGRFeatureH f = OGR_L_GetNextFeature(o2.layer);
  EXPECT_EQ(o2.string_field(f, "NAME"), "Ashe");
  OGRGeometryH g = OGR_F_GetGeometryRef(f);
  if (wkbFlatten(OGR_G_GetGeometryType(g)) == wkbMultiPolygon) g = OGR_G_GetGeometryRef(g, 0);
  OGRGeometryH ring = OGR_G_GetGeometryRef(g, 0);
  EXPECT_NEAR(OGR_G_GetX(ring, 0), -81.4727554321289, 1e-7);
  EXPECT_NEAR(OGR_G_GetY(ring, 0), 36.2343559265137, 1e-7);
  OGR_F_Destroy(f);
  fs::remove(out);
}

TEST_F(Export, ShapefileRefusesMixedGeometry) {
  storage::DatasetInfo mixed = *typed_;
  mixed.geometry_type = geo::GeometryType::unknown;
  EXPECT_EQ(error_code_of([&] {
              export_file(*store_, mixed, ExportFormat::shapefile, datum::platform_crs(),
                          dir_->path() / "exports");
            }),
            "unsupported-geometry-type");
}

}  // namespace
}  // namespace shikong::ingest
