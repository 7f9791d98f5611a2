// GeoPackage geometry blobs: header layout, flags, round trips and malformed headers.
#include "geo/gpkg_binary.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "core/error.hpp"
#include "geo/wkb.hpp"
#include "test_geometries.hpp"

namespace shikong::geo {
namespace {

using namespace testing;

TEST(GpkgBinary, RoundTripWithEnvelope) {
  Geometry g = polygon({square(116, 39, 1)});
  std::string wkb = to_wkb(g);
  std::string blob = to_gpkg_blob(wkb, g.envelope(), 4490);
  ASSERT_EQ(blob.size(), 8 + 32 + wkb.size());
  EXPECT_EQ(blob.substr(0, 4), std::string("GP\0\x03", 4));  // version 0, xy envelope, LE
  EXPECT_EQ(gpkg_blob_srs_id(blob), 4490);
  EXPECT_EQ(gpkg_blob_wkb(blob), wkb);
  EXPECT_EQ(from_wkb(gpkg_blob_wkb(blob)), g);
  double v[4];
  std::memcpy(v, blob.data() + 8, 32);
  EXPECT_EQ(v[0], 116);  // min_x, max_x, min_y, max_y
  EXPECT_EQ(v[1], 117);
  EXPECT_EQ(v[2], 39);
  EXPECT_EQ(v[3], 40);
}

TEST(GpkgBinary, NoEnvelopeAndEmptyFlag) {
  std::string wkb = to_wkb(point(1, 2));
  std::string blob = to_gpkg_blob(wkb, Envelope{}, -1);
  EXPECT_EQ(blob.substr(0, 4), std::string("GP\0\x01", 4));
  EXPECT_EQ(gpkg_blob_srs_id(blob), -1);
  EXPECT_EQ(gpkg_blob_wkb(blob), wkb);

  std::string empty = to_wkb(empty_of(GeometryType::point));
  blob = to_gpkg_blob(empty, Envelope{}, 4326);
  EXPECT_EQ(blob.substr(0, 4), std::string("GP\0\x11", 4));
  EXPECT_TRUE(from_wkb(gpkg_blob_wkb(blob)).empty());
}

TEST(GpkgBinary, ReadsBigEndianHeaderAndXyzEnvelope) {
  std::string wkb = to_wkb(point_z(1, 2, 3));
  std::string blob("GP\0\x04", 4);             // big-endian header values, envelope type 2 (xyz)
  blob += std::string("\x00\x00\x11\x8A", 4);  // 4490
  blob += std::string(48, '\0');
  blob += wkb;
  EXPECT_EQ(gpkg_blob_srs_id(blob), 4490);
  EXPECT_EQ(gpkg_blob_wkb(blob), wkb);
}

void expect_invalid(const std::string& blob) {
  try {
    gpkg_blob_wkb(blob);
    ADD_FAILURE() << "accepted a malformed blob";
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "invalid-gpkg-geometry");
  }
}

TEST(GpkgBinary, RejectsMalformedHeaders) {
  std::string wkb = to_wkb(point(1, 2));
  std::string good = to_gpkg_blob(wkb, point(1, 2).envelope(), 4326);
  expect_invalid("");
  expect_invalid("GP");
  expect_invalid("XP" + good.substr(2));
  std::string v1 = good;
  v1[2] = 1;
  expect_invalid(v1);
  std::string e5 = good;
  e5[3] = 0x0B;  // envelope type 5
  expect_invalid(e5);
  std::string ext = good;
  ext[3] = 0x23;  // extended type flag
  expect_invalid(ext);
  expect_invalid(good.substr(0, 20));  // ends inside the envelope
  expect_invalid(good.substr(0, 40));  // no WKB after the header
}

}  // namespace
}  // namespace shikong::geo
