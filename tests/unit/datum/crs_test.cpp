// CRS parsing: every accepted form, axis order, identification of WKT/PROJJSON, and refusals.
#include "datum/crs.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "core/error.hpp"

namespace shikong::datum {
namespace {

TEST(ParseCrs, Cgcs2000InEveryForm) {
  for (std::string_view form :
       {"EPSG:4490", "epsg:4490", "4490", " EPSG:4490 ",
        "http://www.opengis.net/def/crs/EPSG/0/4490", "https://www.opengis.net/def/crs/EPSG/0/4490",
        "urn:ogc:def:crs:EPSG::4490", "urn:ogc:def:crs:EPSG:9.8.6:4490",
        "URN:OGC:DEF:CRS:EPSG::4490"}) {
    Crs c = parse_crs(form);
    EXPECT_EQ(c.id, "EPSG:4490") << form;
    EXPECT_EQ(c.epsg, 4490) << form;
    EXPECT_TRUE(c.geographic) << form;
    EXPECT_TRUE(c.lat_first) << form;
    EXPECT_EQ(c.name, "China Geodetic Coordinate System 2000") << form;
    EXPECT_EQ(c.uri(), "http://www.opengis.net/def/crs/EPSG/0/4490");
  }
  EXPECT_EQ(epsg(4490), parse_crs("EPSG:4490"));
}

TEST(ParseCrs, Crs84IsLongitudeFirst) {
  for (std::string_view form :
       {"CRS84", "OGC:CRS84", "CRS:84", "crs84", "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        "urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84"}) {
    Crs c = parse_crs(form);
    EXPECT_EQ(c.id, "OGC:CRS84") << form;
    EXPECT_EQ(c.epsg, 0);
    EXPECT_TRUE(c.geographic);
    EXPECT_FALSE(c.lat_first);
  }
  EXPECT_EQ(crs84().uri(), "http://www.opengis.net/def/crs/OGC/1.3/CRS84");
  Crs h = parse_crs("http://www.opengis.net/def/crs/OGC/0/CRS84h");
  EXPECT_EQ(h.id, "OGC:CRS84h");
  EXPECT_FALSE(h.lat_first);
  EXPECT_EQ(h.uri(), "http://www.opengis.net/def/crs/OGC/0/CRS84h");
}

TEST(ParseCrs, ProjectedCrs) {
  Crs gk = parse_crs("EPSG:4547");
  EXPECT_FALSE(gk.geographic);
  EXPECT_EQ(gk.name, "CGCS2000 / 3-degree Gauss-Kruger CM 114E");
  EXPECT_TRUE(gk.lat_first);  // EPSG defines northing (X) before easting (Y)
  Crs merc = parse_crs("EPSG:3857");
  EXPECT_FALSE(merc.geographic);
  EXPECT_FALSE(merc.lat_first);
  Crs wgs = parse_crs("EPSG:4326");
  EXPECT_TRUE(wgs.lat_first);
}

std::string prj_from_zip(const char* zip) {
  std::string cmd = std::string("unzip -p '") + SHIKONG_SHARED_DATA + "/" + zip + "' '*.prj'";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[512];
  while (p && !std::feof(p)) {
    std::size_t n = std::fread(buf, 1, sizeof buf, p);
    out.append(buf, n);
  }
  if (p) pclose(p);
  return out;
}

TEST(ParseCrs, EsriPrjIdentifiesAsBritishNationalGrid) {
  std::string prj = prj_from_zip("scotland_bng.shp.zip");
  ASSERT_TRUE(prj.starts_with("PROJCS[\"OSGB 1936 / British National Grid\""));
  Crs c = parse_crs(prj);
  EXPECT_EQ(c.id, "EPSG:27700");
  EXPECT_EQ(c.epsg, 27700);
  EXPECT_FALSE(c.geographic);
  EXPECT_FALSE(c.lat_first);
  EXPECT_EQ(c.name, "OSGB36 / British National Grid");
}

TEST(ParseCrs, Wkt1AndWkt2) {
  Crs wgs =
      parse_crs(R"(GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],)"
                R"(PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]])");
  EXPECT_EQ(wgs.id, "EPSG:4326");
  EXPECT_TRUE(wgs.lat_first);  // the EPSG definition's order, whatever the WKT said

  Crs cgcs =
      parse_crs(R"(GEOGCRS["China Geodetic Coordinate System 2000",DATUM["China 2000",)"
                R"(ELLIPSOID["CGCS2000",6378137,298.257222101,LENGTHUNIT["metre",1]]],)"
                R"(PRIMEM["Greenwich",0,ANGLEUNIT["degree",0.0174532925199433]],CS[ellipsoidal,2],)"
                R"x(AXIS["geodetic latitude (Lat)",north,ANGLEUNIT["degree",0.0174532925199433]],)x"
                R"x(AXIS["geodetic longitude (Lon)",east,ANGLEUNIT["degree",0.0174532925199433]],)x"
                R"(ID["EPSG",4490]])");
  EXPECT_EQ(cgcs.id, "EPSG:4490");
}

TEST(ParseCrs, ProjJson) {
  Crs c = parse_crs(
      R"({"type":"GeographicCRS","name":"China Geodetic Coordinate System 2000",)"
      R"("datum":{"type":"GeodeticReferenceFrame","name":"China 2000","ellipsoid":{"name":"CGCS2000",)"
      R"("semi_major_axis":6378137,"inverse_flattening":298.257222101}},)"
      R"("coordinate_system":{"subtype":"ellipsoidal","axis":[)"
      R"({"name":"Geodetic latitude","abbreviation":"Lat","direction":"north","unit":"degree"},)"
      R"({"name":"Geodetic longitude","abbreviation":"Lon","direction":"east","unit":"degree"}]}})");
  EXPECT_EQ(c.id, "EPSG:4490");
  EXPECT_TRUE(c.geographic);
}

const char* kCustomWkt =
    R"(PROJCS["Local TM",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,)"
    R"(298.257223563]],PRIMEM["Greenwich",0],UNIT["Degree",0.0174532925199433]],)"
    R"(PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",12345],)"
    R"(PARAMETER["False_Northing",0],PARAMETER["Central_Meridian",116.123],)"
    R"(PARAMETER["Scale_Factor",1],PARAMETER["Latitude_Of_Origin",0],UNIT["Meter",1]])";

TEST(ParseCrs, UnidentifiedWktGetsAStableCustomId) {
  Crs a = parse_crs(kCustomWkt);
  EXPECT_TRUE(a.id.starts_with("CUSTOM:")) << a.id;
  EXPECT_EQ(a.id.size(), 7u + 16u);
  EXPECT_EQ(a.epsg, 0);
  EXPECT_FALSE(a.geographic);
  EXPECT_FALSE(a.lat_first);
  EXPECT_EQ(a.uri(), "");
  EXPECT_EQ(parse_crs(std::string(kCustomWkt) + "\n").id, a.id);
  // Usable for transformation: the central meridian maps to the false easting.
  double x = 116.123;
  double y = 0;
  transformer(parse_crs("EPSG:4326"), a)->transform(x, y);
  EXPECT_NEAR(x, 12345, 1e-6);
  EXPECT_NEAR(y, 0, 1e-6);
}

TEST(ParseCrs, RejectsUnknownAndRemoteForms) {
  for (std::string_view bad :
       {"", "garbage", "EPSG:", "EPSG:abc", "EPSG:99999999", "EPSG:0", "EPSG:5737",
        "http://evil.example/crs", "https://evil.example/def/crs/EPSG/0/4326",
        "http://www.opengis.net/def/crs/EPSG/0/abc", "http://www.opengis.net/def/crs/OGC/1.3/XYZ",
        "file:///etc/passwd", "+proj=longlat +datum=WGS84", "urn:ogc:def:crs:EPSG::",
        "GEOGCS[\"broken\"", "{\"type\":\"GeographicCRS\"}", "EPSG:4978"}) {
    try {
      parse_crs(bad, "bbox-crs");
      ADD_FAILURE() << "accepted " << bad;
    } catch (const InvalidInput& e) {
      EXPECT_EQ(e.code(), "unknown-crs") << bad;
      EXPECT_EQ(e.parameter(), "bbox-crs");
    }
  }
}

TEST(ParseCrs, RefusesClientTextThatNamesGridFiles) {
  std::string wkt =
      R"(GEOGCS["NAD27 grid",DATUM["North_American_Datum_1927",SPHEROID["Clarke 1866",6378206.4,)"
      R"(294.9786982138982]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],)"
      R"(EXTENSION["PROJ4","+proj=longlat +ellps=clrk66 +nadgrids=/etc/passwd +no_defs"]])";
  try {
    parse_crs(wkt);
    ADD_FAILURE() << "accepted a CRS naming a grid file";
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "unknown-crs");
  }
  // The same through a WKT2 bound CRS whose transformation reads a grid file.
  std::string bound = R"(BOUNDCRS[SOURCECRS[GEOGCRS["x",DATUM["North American Datum 1927",)"
                      R"(ELLIPSOID["Clarke 1866",6378206.4,294.978698213898]],CS[ellipsoidal,2],)"
                      R"(AXIS["lat",north,ANGLEUNIT["degree",0.0174532925199433]],)"
                      R"(AXIS["lon",east,ANGLEUNIT["degree",0.0174532925199433]]]],)"
                      R"(TARGETCRS[GEOGCRS["WGS 84",DATUM["World Geodetic System 1984",)"
                      R"(ELLIPSOID["WGS 84",6378137,298.257223563]],CS[ellipsoidal,2],)"
                      R"(AXIS["lat",north,ANGLEUNIT["degree",0.0174532925199433]],)"
                      R"(AXIS["lon",east,ANGLEUNIT["degree",0.0174532925199433]]]],)"
                      R"(ABRIDGEDTRANSFORMATION["grid",METHOD["NTv2",ID["EPSG",9615]],)"
                      R"(PARAMETERFILE["Latitude and longitude difference file","/etc/passwd"]]])";
  EXPECT_THROW(parse_crs(bound), InvalidInput);
  // TOWGS84 (a Helmert shift, no grid) stays accepted.
  Crs c = parse_crs(
      R"(GEOGCS["Beijing 1954",DATUM["Beijing_1954",SPHEROID["Krassowsky 1940",6378245,298.3],)"
      R"(TOWGS84[15.8,-154.4,-82.3,0,0,0,0]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]])");
  EXPECT_TRUE(c.geographic);
}

TEST(PlatformCrs, DefaultsToCgcs2000) {
  EXPECT_EQ(platform_crs().id, "EPSG:4490");
  set_platform_crs(parse_crs("EPSG:4326"));
  EXPECT_EQ(platform_crs().id, "EPSG:4326");
  set_platform_crs(parse_crs("EPSG:4490"));
  EXPECT_EQ(platform_crs().id, "EPSG:4490");
}

}  // namespace
}  // namespace shikong::datum
