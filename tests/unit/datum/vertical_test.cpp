// Vertical datum tags validated against proj.db.
#include "datum/vertical.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace shikong::datum {
namespace {

TEST(VerticalDatum, ParsesCodes) {
  EXPECT_EQ(parse_vertical_datum(default_vertical_datum), "EPSG:5737");
  EXPECT_EQ(parse_vertical_datum("epsg:5737"), "EPSG:5737");
  EXPECT_EQ(parse_vertical_datum("5773"), "EPSG:5773");
  EXPECT_EQ(parse_vertical_datum("urn:ogc:def:crs:EPSG::5737"), "EPSG:5737");
  EXPECT_EQ(vertical_datum_name("EPSG:5737"), "Yellow Sea 1985 height");
  EXPECT_EQ(vertical_datum_name("EPSG:5773"), "EGM96 height");
}

TEST(VerticalDatum, RejectsNonVerticalCodes) {
  for (std::string_view bad : {"EPSG:4490", "EPSG:99999", "", "height", "EPSG:-5"}) {
    try {
      parse_vertical_datum(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const InvalidInput& e) {
      EXPECT_EQ(e.code(), "unknown-vertical-datum");
    }
  }
  EXPECT_THROW(vertical_datum_name("EPSG:4326"), InvalidInput);
}

}  // namespace
}  // namespace shikong::datum
