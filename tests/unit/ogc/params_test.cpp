// limit, offset, bbox and crs parameter validation.
#include "ogc/params.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace shikong::ogc {
namespace {

template <typename F>
std::string rejected_parameter(F&& f) {
  try {
    f();
  } catch (const InvalidInput& e) {
    return e.parameter();
  }
  return "<accepted>";
}

TEST(Limit, DefaultsClampsAndRejects) {
  EXPECT_EQ(parse_limit(std::nullopt, 10, 10000), 10);
  EXPECT_EQ(parse_limit("1", 10, 10000), 1);
  EXPECT_EQ(parse_limit("250", 10, 10000), 250);
  EXPECT_EQ(parse_limit("10000", 10, 10000), 10000);
  EXPECT_EQ(parse_limit("10001", 10, 10000), 10000);
  EXPECT_EQ(parse_limit("99999999999999999999999", 10, 10000), 10000);
  for (const char* bad : {"0", "-1", "abc", "", "1.5", "10 ", "1e3", "0x10"})
    EXPECT_EQ(rejected_parameter([&] { parse_limit(bad, 10, 10000); }), "limit") << bad;
}

TEST(Offset, NonNegativeIntegers) {
  EXPECT_EQ(parse_offset(std::nullopt), 0);
  EXPECT_EQ(parse_offset("0"), 0);
  EXPECT_EQ(parse_offset("30"), 30);
  for (const char* bad : {"-1", "x", "", "1.0", "99999999999999999999999"})
    EXPECT_EQ(rejected_parameter([&] { parse_offset(bad); }), "offset") << bad;
}

TEST(Bbox, Crs84IsLonLat) {
  EXPECT_EQ(parse_bbox("116,39,117,40", datum::crs84()), Envelope::of(116, 39, 117, 40));
  EXPECT_EQ(parse_bbox("-10.5, -20 ,+30,40.25", datum::crs84()),
            Envelope::of(-10.5, -20, 30, 40.25));
  // Six numbers: heights are dropped.
  EXPECT_EQ(parse_bbox("116,39,0,117,40,100", datum::crs84()), Envelope::of(116, 39, 117, 40));
}

TEST(Bbox, LatFirstCrsIsSwapped) {
  EXPECT_EQ(parse_bbox("39,116,40,117", datum::epsg(4326)), Envelope::of(116, 39, 117, 40));
  EXPECT_EQ(parse_bbox("39,116,40,117", datum::epsg(4490)), Envelope::of(116, 39, 117, 40));
}

TEST(Bbox, Rejected) {
  for (const char* bad : {"1,2,3", "1,2,3,4,5", "1,2,3,4,5,6,7", "a,b,c,d", "1,2,,4", "", "1;2;3;4",
                          "nan,0,1,1", "10,0,5,1", "0,10,1,5", "0,-91,1,1", "0,0,1,91"})
    EXPECT_EQ(rejected_parameter([&] { parse_bbox(bad, datum::crs84()); }), "bbox") << bad;
  // Projected CRS: no latitude range check.
  EXPECT_NO_THROW(parse_bbox("0,-1000,1000,1000", datum::epsg(3857)));
}

TEST(Crs, OnlyOfferedCrsAreSelected) {
  const std::vector<datum::Crs> offered = {datum::crs84(), datum::epsg(4490), datum::epsg(4326)};
  EXPECT_EQ(select_crs("http://www.opengis.net/def/crs/EPSG/0/4326", offered, "crs").id,
            datum::epsg(4326).id);
  EXPECT_EQ(select_crs("http://www.opengis.net/def/crs/OGC/1.3/CRS84", offered, "crs").id,
            datum::crs84().id);
  EXPECT_EQ(rejected_parameter([&] { select_crs("EPSG:32650", offered, "crs"); }), "crs");
  EXPECT_EQ(rejected_parameter([&] { select_crs("EPSG:999999", offered, "bbox-crs"); }),
            "bbox-crs");
  EXPECT_EQ(rejected_parameter([&] { select_crs("nonsense", offered, "crs"); }), "crs");
}

}  // namespace
}  // namespace shikong::ogc
