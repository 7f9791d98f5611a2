// WKB codec: round trips of every type, exact bytes, foreign byte orders and dialects, and
// hostile input that must be refused without reading out of bounds or allocating wildly.
#include "geo/wkb.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "core/error.hpp"
#include "test_geometries.hpp"

namespace shikong::geo {
namespace {

using namespace testing;

std::string hex_to_bytes(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

std::string to_hex(std::string_view b) {
  static const char* d = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : b) {
    out.push_back(d[c >> 4]);
    out.push_back(d[c & 15]);
  }
  return out;
}

std::vector<Geometry> samples() {
  return {
      point(1, 2),
      point_z(1, 2, 3),
      empty_of(GeometryType::point),
      empty_of(GeometryType::point, true),
      line({{0, 0, 0}, {1.5, -2.25, 0}, {1e10, 1e-10, 0}}),
      line({{0, 0, 7}, {1, 1, 8}}, true),
      empty_of(GeometryType::line_string),
      polygon({square(0, 0, 10), square(2, 2, 1)}),
      empty_of(GeometryType::polygon),
      multi(GeometryType::multi_point, {point(1, 2), point(3, 4)}),
      multi(GeometryType::multi_point, {point_z(1, 2, 3)}, true),
      multi(GeometryType::multi_line_string,
            {line({{0, 0, 0}, {1, 1, 0}}), line({{2, 2, 0}, {3, 3, 0}})}),
      multi(GeometryType::multi_polygon, {polygon({square(0, 0, 1)}), polygon({square(5, 5, 1)})}),
      empty_of(GeometryType::multi_polygon),
      multi(GeometryType::geometry_collection,
            {point(1, 2), line({{0, 0, 0}, {1, 1, 0}}),
             multi(GeometryType::geometry_collection, {polygon({square(0, 0, 1)})})}),
      empty_of(GeometryType::geometry_collection),
  };
}

TEST(Wkb, RoundTripsEveryType) {
  for (const auto& g : samples()) {
    std::string b = to_wkb(g);
    EXPECT_EQ(from_wkb(b), g) << to_hex(b);
    Envelope expected = g.envelope();
    EXPECT_EQ(wkb_envelope(b), expected) << to_hex(b);
  }
}

TEST(Wkb, ExactLittleEndianBytes) {
  EXPECT_EQ(to_hex(to_wkb(point(1, 2))), "0101000000000000000000F03F0000000000000040");
  // ISO Z: type 1001 = 0x3E9.
  EXPECT_EQ(to_hex(to_wkb(point_z(1, 2, 3))),
            "01E9030000000000000000F03F00000000000000400000000000000840");
  // An empty point is written as NaN coordinates (the GeoPackage and PostGIS convention).
  EXPECT_EQ(to_hex(to_wkb(empty_of(GeometryType::point))),
            "0101000000000000000000F87F000000000000F87F");
  EXPECT_EQ(to_hex(to_wkb(empty_of(GeometryType::multi_polygon))), "010600000000000000");
}

TEST(Wkb, ReadsBigEndian) {
  Geometry g = from_wkb(hex_to_bytes("00000000013FF00000000000004000000000000000"));
  EXPECT_EQ(g, point(1, 2));
  // LINESTRING(1 2, 3 4), big-endian.
  g = from_wkb(hex_to_bytes(
      "0000000002000000023FF0000000000000400000000000000040080000000000004010000000000000"));
  EXPECT_EQ(g, line({{1, 2, 0}, {3, 4, 0}}));
  // A big-endian point inside a little-endian multipoint.
  g =
      from_wkb(hex_to_bytes("010400000001000000"
                            "00000000013FF00000000000004000000000000000"));
  EXPECT_EQ(g, multi(GeometryType::multi_point, {point(1, 2)}));
}

TEST(Wkb, ReadsEwkbWithSridAndZ) {
  // 0xA0000001: point with the EWKB Z and SRID flags, SRID 4326.
  Geometry g =
      from_wkb(hex_to_bytes("01010000A0E6100000000000000000F03F00000000000000400000000000000840"));
  EXPECT_EQ(g, point_z(1, 2, 3));
}

TEST(Wkb, DropsM) {
  // ISO ZM point (3001 = 0xBB9): x=1 y=2 z=3 m=4.
  Geometry g = from_wkb(
      hex_to_bytes("01B90B0000000000000000F03F000000000000004000000000000008400000000000001040"));
  EXPECT_EQ(g, point_z(1, 2, 3));
  // ISO M point (2001 = 0x7D1): x=1 y=2 m=4.
  g = from_wkb(hex_to_bytes("01D1070000000000000000F03F00000000000000400000000000001040"));
  EXPECT_EQ(g, point(1, 2));
  // EWKB M flag (0x40000001).
  g = from_wkb(hex_to_bytes("0101000040000000000000F03F00000000000000400000000000001040"));
  EXPECT_EQ(g, point(1, 2));
}

void expect_invalid(std::string_view bytes) {
  try {
    from_wkb(bytes);
    ADD_FAILURE() << "accepted " << to_hex(bytes);
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "invalid-wkb");
  }
  EXPECT_THROW(wkb_envelope(bytes), InvalidInput) << to_hex(bytes);
}

TEST(Wkb, EveryTruncationThrows) {
  for (const auto& g : samples()) {
    std::string b = to_wkb(g);
    for (std::size_t n = 0; n < b.size(); ++n) expect_invalid(std::string_view(b).substr(0, n));
  }
}

TEST(Wkb, HostileInputThrows) {
  // Line string claiming 0xFFFFFFFF points with 16 bytes behind it.
  expect_invalid(hex_to_bytes("0102000000FFFFFFFF000000000000F03F0000000000000040"));
  // Polygon claiming 2^31 rings.
  expect_invalid(hex_to_bytes("010300000000000080"));
  // Collection claiming 2^30 parts.
  expect_invalid(hex_to_bytes("010700000000000040"));
  // Unknown type code 8, byte order 2, type 4000.
  expect_invalid(hex_to_bytes("010800000000000000"));
  expect_invalid(hex_to_bytes("020100000000000000000000F03F0000000000000040"));
  expect_invalid(hex_to_bytes("01A00F0000000000000000F03F0000000000000040"));
  // Trailing bytes after a complete point.
  expect_invalid(hex_to_bytes("0101000000000000000000F03F000000000000004000"));
  // A multipoint holding a line string.
  expect_invalid(hex_to_bytes("010400000001000000010200000000000000"));
}

TEST(Wkb, NestingDepthIsLimited) {
  Geometry g = point(1, 2);
  for (int i = 0; i < 32; ++i) g = multi(GeometryType::geometry_collection, {g});
  EXPECT_EQ(from_wkb(to_wkb(g)), g);  // 32 levels of collections are fine
  g = multi(GeometryType::geometry_collection, {g});
  expect_invalid(to_wkb(g));
  // A chain of 100000 collection headers must fail fast rather than recurse.
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += hex_to_bytes("010700000001000000");
  expect_invalid(deep);
}

}  // namespace
}  // namespace shikong::geo
