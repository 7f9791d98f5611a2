// The GDAL reader on the real fixtures (counts, CRSs, attributes, times, encodings) and on
// hostile uploads (damaged or traversing archives, incomplete shapefiles, disguised VRT/GeoTIFF).
#include "ingest/readers/gdal/gdal_reader.hpp"

#include <cpl_http.h>
#include <cpl_string.h>
#include <gdal.h>
#include <gtest/gtest.h>
#include <ogr_api.h>

#include <fstream>

#include "ingest/readers/gdal/gdal_env.hpp"
#include "ingest/readers/gdal/safe_zip.hpp"
#include "test_support.hpp"

namespace shikong::ingest {
namespace {

namespace fs = std::filesystem;
using test::error_code_of;
using test::shared_data;

struct ReadAll {
  std::unique_ptr<Reader> reader;
  std::vector<RawRecord> records;
};

ReadAll read_all(const fs::path& file, const ImportOptions& options = {}) {
  ReadAll r;
  r.reader = open_gdal_reader(file, options);
  RawRecord rec;
  while (r.reader->next(rec)) r.records.push_back(rec);
  return r;
}

std::size_t field(const Reader& r, const std::string& name) {
  auto i = r.schema().find(name);
  if (!i) throw std::runtime_error("no field " + name);
  return *i;
}

template <typename T>
const T& value(const ReadAll& r, std::size_t record, const std::string& name) {
  return std::get<T>(r.records.at(record).values.at(field(*r.reader, name)));
}

TEST(GdalReader, NaturalEarthCountries) {
  ReadAll r = read_all(shared_data("naturalearth_lowres.shp.zip"));
  EXPECT_EQ(r.reader->format_name(), "shapefile");
  EXPECT_EQ(r.reader->source_crs(), "EPSG:4326");
  EXPECT_EQ(r.reader->geometry_type(), geo::GeometryType::multi_polygon);
  ASSERT_EQ(r.records.size(), 177u);
  const Schema& s = r.reader->schema();
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s.fields[0], (Field{"pop_est", FieldType::real}));
  EXPECT_EQ(s.fields[1], (Field{"continent", FieldType::text}));
  EXPECT_EQ(s.fields[4], (Field{"gdp_md_est", FieldType::integer}));
  EXPECT_EQ(r.records[0].number, 1);
  EXPECT_EQ(value<std::string>(r, 0, "name"), "Fiji");
  EXPECT_EQ(value<std::int64_t>(r, 0, "gdp_md_est"), 5496);
  EXPECT_EQ(value<double>(r, 0, "pop_est"), 889953.0);
  const geo::Geometry& fiji = *r.records[0].geometry;
  EXPECT_EQ(fiji.type, geo::GeometryType::multi_polygon);
  ASSERT_EQ(fiji.parts.size(), 3u);
  EXPECT_EQ(fiji.parts[1].rings[0][0], (geo::Coord{178.12557, -17.50481, 0}));
  bool ivory_coast = false;
  for (std::size_t i = 0; i < r.records.size(); ++i) {
    EXPECT_EQ(r.records[i].geometry->type, geo::GeometryType::multi_polygon);  // promoted
    EXPECT_TRUE(r.records[i].error.empty());
    if (value<std::string>(r, i, "name") == "Côte d'Ivoire") ivory_coast = true;
  }
  EXPECT_TRUE(ivory_coast);
  EXPECT_EQ(r.reader->bytes_total(), fs::file_size(shared_data("naturalearth_lowres.shp.zip")));
  EXPECT_EQ(r.reader->bytes_done(), r.reader->bytes_total());
}

TEST(GdalReader, NaturalEarthCities) {
  ReadAll r = read_all(shared_data("naturalearth_cities.shp.zip"));
  ASSERT_EQ(r.records.size(), 243u);
  EXPECT_EQ(r.reader->geometry_type(), geo::GeometryType::point);
  EXPECT_EQ(value<std::string>(r, 0, "name"), "Vatican City");
  EXPECT_EQ(r.records[0].geometry->coords.at(0), (geo::Coord{12.4533865, 41.9032822, 0}));
}

TEST(GdalReader, GeoPackageInNad27) {
  ImportOptions o;
  o.source_name = "nc.gpkg";
  ReadAll r = read_all(shared_data("nc_sids_nad27.gpkg"), o);
  EXPECT_EQ(r.reader->format_name(), "gpkg");
  EXPECT_EQ(r.reader->source_crs(), "EPSG:4267");
  EXPECT_EQ(r.reader->geometry_type(), geo::GeometryType::multi_polygon);
  ASSERT_EQ(r.records.size(), 100u);
  EXPECT_EQ(value<std::string>(r, 0, "NAME"), "Ashe");
  EXPECT_EQ(value<std::string>(r, 0, "FIPS"), "37009");
  EXPECT_EQ(value<std::int64_t>(r, 0, "CRESS_ID"), 5);
  EXPECT_EQ(value<double>(r, 0, "BIR74"), 1091.0);
}

TEST(GdalReader, ProjectedCrsFromPrj) {
  ReadAll r = read_all(shared_data("scotland_bng.shp.zip"));
  EXPECT_EQ(r.reader->source_crs(), "EPSG:27700");
  EXPECT_EQ(r.records.size(), 56u);
  ReadAll k = read_all(shared_data("kiritimati_roads_utm4n.shp.zip"));
  EXPECT_EQ(k.reader->source_crs(), "EPSG:32604");
  EXPECT_EQ(k.reader->geometry_type(), geo::GeometryType::multi_line_string);
  EXPECT_EQ(k.records.size(), 35u);
}

TEST(GdalReader, PolygonHoles) {
  ReadAll r = read_all(shared_data("polygon_holes.shp.zip"));
  ASSERT_EQ(r.records.size(), 3u);
  // Rings per polygon as OGR assembles them (ogrinfo shows the same): a two-part multipolygon
  // with a hole in each part, then polygons with one and three holes, promoted to multi.
  std::vector<std::vector<std::size_t>> rings;
  for (const auto& rec : r.records) {
    rings.emplace_back();
    for (const auto& part : rec.geometry->parts) rings.back().push_back(part.rings.size());
  }
  EXPECT_EQ(rings, (std::vector<std::vector<std::size_t>>{{2, 2}, {2}, {4}}));
}

TEST(GdalReader, KmlWithExtendedData) {
  ReadAll r = read_all(shared_data("luxembourg_admin.kml"));
  EXPECT_EQ(r.reader->format_name(), "kml");
  EXPECT_EQ(r.reader->source_crs(), "EPSG:4326");
  ASSERT_EQ(r.records.size(), 12u);
  EXPECT_FALSE(r.reader->schema().find("tessellate"));  // KML styling is not data
  EXPECT_EQ(r.reader->schema().fields.at(field(*r.reader, "POP")).type, FieldType::integer);
  EXPECT_EQ(value<std::string>(r, 0, "NAME_2"), "Clervaux");
  EXPECT_EQ(value<std::int64_t>(r, 0, "POP"), 18081);
  EXPECT_EQ(value<std::string>(r, 1, "NAME_2"), "Diekirch");
  EXPECT_EQ(r.records[0].geometry->type, geo::GeometryType::polygon);
}

TEST(GdalReader, GpxTrackPointsWithTime) {
  ReadAll r = read_all(shared_data("gps_track_2009.gpx"));
  EXPECT_EQ(r.reader->format_name(), "gpx");
  EXPECT_EQ(r.reader->geometry_type(), geo::GeometryType::point);
  ASSERT_EQ(r.records.size(), 27u);
  std::size_t t = field(*r.reader, "time");
  EXPECT_EQ(r.reader->schema().fields[t].type, FieldType::datetime);
  int timed = 0;
  for (const auto& rec : r.records)
    if (!is_null(rec.values[t])) ++timed;
  EXPECT_EQ(timed, 8);
  // Point 20 was taken at 2009-04-27T02:36:23Z.
  Instant expected =
      Instant::from_seconds(static_cast<std::int64_t>(date_from_civil(2009, 4, 27).days) * 86400 +
                            2 * 3600 + 36 * 60 + 23);
  EXPECT_EQ(std::get<Instant>(r.records[19].values[t]), expected);
  EXPECT_EQ(r.records[0].geometry->coords.at(0).x, 170.641103368);
  ASSERT_EQ(r.reader->warnings().size(), 1u);  // the 2 tracks were not imported
  EXPECT_NE(r.reader->warnings()[0].find("track_points"), std::string::npos);
}

TEST(GdalReader, GpxLayerChosenByName) {
  ImportOptions o;
  o.layer = "tracks";
  ReadAll r = read_all(shared_data("gps_track_2009.gpx"), o);
  EXPECT_EQ(r.reader->geometry_type(), geo::GeometryType::multi_line_string);
  EXPECT_EQ(r.records.size(), 2u);
  EXPECT_TRUE(r.reader->warnings().empty());
  o.layer = "no such layer";
  EXPECT_EQ(error_code_of([&] { open_gdal_reader(shared_data("gps_track_2009.gpx"), o); }),
            "unknown-layer");
}

TEST(GdalReader, KmzIsUnpackedByUs) {
  TempDir dir = TempDir::create();
  fs::path kmz = dir.path() / "upload.bin";
  test::write_zip(kmz, {{"doc.kml", test::read_file(shared_data("luxembourg_admin.kml"))},
                        {"files/readme.txt", "x"}});
  ImportOptions o;
  o.source_name = "luxembourg.kmz";
  ReadAll r = read_all(kmz, o);
  EXPECT_EQ(r.reader->format_name(), "kml");
  ASSERT_EQ(r.records.size(), 12u);
  EXPECT_EQ(value<std::string>(r, 0, "NAME_2"), "Clervaux");
}

TEST(GdalReader, ZippedGeoJsonGoesThroughTheGeoJsonDriver) {
  TempDir dir = TempDir::create();
  fs::path zip = dir.path() / "upload.zip";
  test::write_zip(zip, {{"london/cycle_hire.geojson",
                         test::read_file(shared_data("london_cycle_hire.geojson"))}});
  ReadAll r = read_all(zip);
  EXPECT_EQ(r.reader->format_name(), "geojson");
  EXPECT_EQ(r.records.size(), 742u);
  EXPECT_EQ(r.reader->geometry_type(), geo::GeometryType::point);
}

TEST(GdalReader, DamagedGeoPackageFailsQuickCheck) {
  TempDir dir = TempDir::create();
  fs::path p = dir.path() / "nc.gpkg";
  std::string bytes = test::read_file(shared_data("nc_sids_nad27.gpkg"));
  // Page 34 (1 KiB pages) is the root of the feature table: scribble over its cell pointers.
  // GDAL still opens the file; only reading or quick_check notices.
  ASSERT_EQ(bytes.size(), 122u * 1024u);
  bytes.replace(33 * 1024 + 8, 32, std::string(32, '\xFF'));
  test::write_file(p, bytes);
  EXPECT_EQ(error_code_of([&] { open_gdal_reader(p, {}); }), "invalid-geopackage");
}

// A point shapefile whose .dbf holds GBK text, written by GDAL itself.
void write_gbk_shapefile(const fs::path& shp, unsigned char ldid, bool keep_cpg) {
  gdal::ensure_gdal_ready();
  GDALDatasetH ds =
      GDALCreate(GDALGetDriverByName("ESRI Shapefile"), shp.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
  ASSERT_NE(ds, nullptr);
  CPLStringList lco;
  lco.SetNameValue("ENCODING", "CP936");
  OGRLayerH l = GDALDatasetCreateLayer(ds, "cities", nullptr, wkbPoint, lco.List());
  OGRFieldDefnH fd = OGR_Fld_Create("name", OFTString);
  OGR_Fld_SetWidth(fd, 20);
  ASSERT_EQ(OGR_L_CreateField(l, fd, TRUE), OGRERR_NONE);
  OGR_Fld_Destroy(fd);
  const std::pair<const char*, std::pair<double, double>> rows[] = {{"北京市", {116.4, 39.9}},
                                                                    {"广州市", {113.26, 23.13}}};
  for (const auto& [name, xy] : rows) {
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
    OGR_F_SetFieldString(f, 0, name);
    OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(g, 0, xy.first, xy.second);
    OGR_F_SetGeometryDirectly(f, g);
    ASSERT_EQ(OGR_L_CreateFeature(l, f), OGRERR_NONE);
    OGR_F_Destroy(f);
  }
  GDALClose(ds);
  fs::path cpg = fs::path(shp).replace_extension(".cpg");
  if (!keep_cpg) fs::remove(cpg);
  fs::path dbf = fs::path(shp).replace_extension(".dbf");
  std::fstream f(dbf, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(29);
  f.put(static_cast<char>(ldid));
}

class GbkShapefile : public ::testing::Test {
 protected:
  TempDir dir = TempDir::create();
  fs::path shp = dir.path() / "cities.shp";
};

TEST_F(GbkShapefile, WithoutCpgOrLanguageIdReadsAsGb18030) {
  write_gbk_shapefile(shp, 0, false);
  // Proof that the bytes are GBK: the .dbf does not contain the UTF-8 text.
  std::string dbf = test::read_file(dir.path() / "cities.dbf");
  ASSERT_EQ(dbf.find("北京市"), std::string::npos);
  ASSERT_NE(dbf.find("\xB1\xB1\xBE\xA9\xCA\xD0"), std::string::npos);
  ReadAll r = read_all(shp);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(value<std::string>(r, 0, "name"), "北京市");
  EXPECT_EQ(value<std::string>(r, 1, "name"), "广州市");
  EXPECT_EQ(r.reader->source_crs(), "");  // no .prj: the pipeline assumes CRS84
  ASSERT_EQ(r.reader->warnings().size(), 1u);
  EXPECT_NE(r.reader->warnings()[0].find("GB18030"), std::string::npos);
}

TEST_F(GbkShapefile, ZippedUploadToo) {
  write_gbk_shapefile(shp, 0, false);
  fs::path zip = dir.path() / "upload.zip";
  test::write_zip(zip, {{"cities.shp", test::read_file(shp)},
                        {"cities.shx", test::read_file(dir.path() / "cities.shx")},
                        {"cities.dbf", test::read_file(dir.path() / "cities.dbf")}});
  ImportOptions o;
  o.source_name = "城市.zip";
  ReadAll r = read_all(zip, o);
  EXPECT_EQ(value<std::string>(r, 1, "name"), "广州市");
}

TEST_F(GbkShapefile, LanguageIdOfCodePage936) {
  write_gbk_shapefile(shp, 0x4D, false);
  EXPECT_EQ(value<std::string>(read_all(shp), 0, "name"), "北京市");
}

TEST_F(GbkShapefile, CpgIsHonoured) {
  write_gbk_shapefile(shp, 0, true);
  ReadAll r = read_all(shp);
  EXPECT_EQ(value<std::string>(r, 0, "name"), "北京市");
  EXPECT_TRUE(r.reader->warnings().empty());
}

TEST_F(GbkShapefile, EncodingOptionOverrides) {
  write_gbk_shapefile(shp, 0x57, false);  // "ANSI": ambiguous, GDAL alone would say Latin-1
  ImportOptions o;
  o.encoding = "GBK";
  EXPECT_EQ(value<std::string>(read_all(shp, o), 1, "name"), "广州市");
}

class HostileUpload : public ::testing::Test {
 protected:
  TempDir dir = TempDir::create();
  fs::path zip = dir.path() / "upload.zip";
  std::string shp = test::read_file(test::shared_data("polygon_holes.shp.zip"));
};

TEST_F(HostileUpload, TruncatedZip) {
  test::write_file(zip, shp.substr(0, shp.size() - 300));
  EXPECT_EQ(error_code_of([&] { open_gdal_reader(zip, {}); }), "invalid-archive");
}

TEST_F(HostileUpload, DeclaredZipThatIsNot) {
  test::write_file(zip, "not a zip at all");
  EXPECT_EQ(error_code_of([&] { open_gdal_reader(zip, {}); }), "invalid-archive");
}

TEST_F(HostileUpload, TraversingEntry) {
  test::write_zip(zip, {{"a.shp", "s"}, {"a.shx", "x"}, {"a.dbf", "d"}, {"../evil.shp", "e"}});
  EXPECT_EQ(error_code_of([&] { open_gdal_reader(zip, {}); }), "unsafe-archive-entry");
  EXPECT_FALSE(fs::exists(fs::temp_directory_path() / "evil.shp"));
}

TEST_F(HostileUpload, ShapefileWithoutDbf) {
  TempDir x = extract_zip(test::shared_data("polygon_holes.shp.zip"));
  test::write_zip(zip, {{"polygon_holes.shp", test::read_file(x.path() / "polygon_holes.shp")},
                        {"polygon_holes.shx", test::read_file(x.path() / "polygon_holes.shx")},
                        {"polygon_holes.prj", test::read_file(x.path() / "polygon_holes.prj")}});
  try {
    open_gdal_reader(zip, {});
    FAIL() << "no error";
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "incomplete-shapefile");
    EXPECT_EQ(e.detail(), "The shapefile has no .dbf file.");
  }
}

const char* kVrt =
    "<OGRVRTDataSource><OGRVRTLayer name=\"x\"><SrcDataSource>/etc/passwd</SrcDataSource>"
    "</OGRVRTLayer></OGRVRTDataSource>";

TEST_F(HostileUpload, VrtDisguisedAsGeoPackageOrKmlOrUnknown) {
  for (const char* name : {"evil.gpkg", "evil.kml", "evil.dat"}) {
    fs::path p = dir.path() / name;
    test::write_file(p, kVrt);
    EXPECT_EQ(error_code_of([&] { open_gdal_reader(p, {}); }), "unreadable-file") << name;
  }
}

TEST_F(HostileUpload, GeoTiffAndVrtDisguisedAsShapefile) {
  // Real .dbf and .shx beside a .shp that is a GeoTIFF or a VRT: only the shapefile driver may
  // look at it, and it refuses.
  TempDir real = extract_zip(test::shared_data("polygon_holes.shp.zip"));
  std::string dbf = test::read_file(real.path() / "polygon_holes.dbf");
  std::string shx = test::read_file(real.path() / "polygon_holes.shx");
  std::string tif = test::read_file(test::shared_data("luxembourg_elev.tif"));
  for (const std::string& body : {tif, std::string(kVrt)}) {
    test::write_zip(zip, {{"evil.shp", body}, {"evil.shx", shx}, {"evil.dbf", dbf}});
    EXPECT_EQ(error_code_of([&] { open_gdal_reader(zip, {}); }), "unreadable-file");
  }
  fs::path p = dir.path() / "evil.shp";
  test::write_file(p, tif);
  test::write_file(dir.path() / "evil.shx", shx);
  test::write_file(dir.path() / "evil.dbf", dbf);
  EXPECT_EQ(error_code_of([&] { open_gdal_reader(p, {}); }), "unreadable-file");
  // A damaged .dbf is not read as "no attributes".
  test::write_file(p, test::read_file(real.path() / "polygon_holes.shp"));
  test::write_file(dir.path() / "evil.dbf", dbf.substr(0, 100));
  EXPECT_EQ(error_code_of([&] { open_gdal_reader(p, {}); }), "incomplete-shapefile");
}

TEST_F(HostileUpload, XmlWithDoctypeIsRefused) {
  fs::path p = dir.path() / "evil.kml";
  test::write_file(p,
                   "<?xml version=\"1.0\"?>\n<!-- a comment -->\n<!DOCTYPE kml [<!ENTITY x SYSTEM "
                   "\"file:///etc/passwd\">]>\n<kml><Placemark><name>&x;</name></Placemark></kml>");
  EXPECT_EQ(error_code_of([&] { open_gdal_reader(p, {}); }), "xml-doctype");
  fs::path g = dir.path() / "evil.gpx";
  test::write_file(g, "<!DOCTYPE gpx SYSTEM \"http://127.0.0.1/x.dtd\"><gpx version=\"1.1\"/>");
  EXPECT_EQ(error_code_of([&] { open_gdal_reader(g, {}); }), "xml-doctype");
}

TEST_F(HostileUpload, CsvInsideZipIsNotOursToRead) {
  test::write_zip(zip, {{"points.csv", "name,lon,lat\na,1,2\n"}});
  EXPECT_EQ(error_code_of([&] { open_gdal_reader(zip, {}); }), "unsupported-archive-content");
}

TEST_F(HostileUpload, GdalMakesNoNetworkRequests) {
  gdal::ensure_gdal_ready();
  CPLHTTPResult* r = CPLHTTPFetch("http://127.0.0.1:9/anything", nullptr);
  ASSERT_NE(r, nullptr);
  EXPECT_NE(r->nStatus, 0);
  EXPECT_EQ(r->nDataLen, 0);
  EXPECT_STREQ(r->pszErrBuf, "network access is disabled");
  CPLHTTPDestroyResult(r);
}

// Damaged parts of a real shapefile: every cut either reads (fewer records, or records marked
// with an error) or ends in a shikong error; never a crash or a foreign exception.
TEST_F(HostileUpload, TruncatedShapefilePartsEndInOurErrors) {
  TempDir x = extract_zip(test::shared_data("naturalearth_lowres.shp.zip"));
  for (const char* part :
       {"naturalearth_lowres.shp", "naturalearth_lowres.dbf", "naturalearth_lowres.shx"}) {
    fs::path p = x.path() / part;
    std::string original = test::read_file(p);
    for (std::size_t cut :
         {std::size_t{10}, std::size_t{100}, original.size() / 3, original.size() - 7}) {
      test::write_file(p, original.substr(0, cut));
      std::size_t good = 0;
      try {
        for (const auto& rec : read_all(x.path() / "naturalearth_lowres.shp").records)
          if (rec.error.empty()) ++good;
      } catch (const Error&) {
        good = 0;
      }
      EXPECT_LT(good, 177u) << part << " cut at " << cut;
    }
    test::write_file(p, original);
  }
  EXPECT_EQ(read_all(x.path() / "naturalearth_lowres.shp").records.size(), 177u);
}

TEST_F(HostileUpload, ShapefileWithoutPrjHasNoCrs) {
  TempDir x = extract_zip(test::shared_data("polygon_holes.shp.zip"));
  fs::remove(x.path() / "polygon_holes.prj");
  ReadAll r = read_all(x.path() / "polygon_holes.shp");
  EXPECT_EQ(r.reader->source_crs(), "");
  EXPECT_EQ(r.records.size(), 3u);
}

}  // namespace
}  // namespace shikong::ingest
