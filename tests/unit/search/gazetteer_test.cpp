// The built-in gazetteer and the rule attaching places to an extent: Beijing, Ireland, the
// world, China, and the extents of the shared test data sets.
#include "search/gazetteer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace shikong;
using search::Place;

namespace {

// "kind:English name" of the places attached to an extent, in the order given.
std::vector<std::string> attached(double x0, double y0, double x1, double y1) {
  std::vector<std::string> out;
  for (const Place* p : search::places_for(Envelope::of(x0, y0, x1, y1)))
    out.push_back(std::string(p->kind) + ":" + std::string(p->name_en));
  return out;
}

using Strings = std::vector<std::string>;

const Place* find(std::string_view en, std::string_view kind) {
  for (const Place& p : search::gazetteer())
    if (p.name_en == en && p.kind == kind) return &p;
  return nullptr;
}

}  // namespace

TEST(Gazetteer, HoldsChinaTheWorldAndTheTestDataPlaces) {
  // Unique English names (places_for relies on it); a place may have several rows.
  std::map<std::string, std::string> kind_of_name;
  std::set<std::string> provinces_of_china;
  std::set<std::string> countries;
  std::size_t chinese_cities = 0;
  for (const Place& p : search::gazetteer()) {
    EXPECT_FALSE(p.name_zh.empty());
    EXPECT_FALSE(p.name_en.empty());
    EXPECT_FALSE(p.extent.empty()) << p.name_en;
    EXPECT_GE(p.extent.min_x, -180.0);
    EXPECT_LE(p.extent.max_x, 180.0);
    EXPECT_GE(p.extent.min_y, -90.0);
    EXPECT_LE(p.extent.max_y, 90.0);
    auto [it, fresh] = kind_of_name.emplace(std::string(p.name_en), std::string(p.kind));
    EXPECT_TRUE(fresh || it->second == p.kind) << p.name_en;
    if (p.kind == "country") countries.insert(std::string(p.name_en));
    const Place* china = find("China", "country");
    if (p.kind == "province" && china->extent.contains(p.extent))
      provinces_of_china.insert(std::string(p.name_zh));
    if (p.kind == "city" && china->extent.contains(p.extent)) ++chinese_cities;
  }
  EXPECT_EQ(provinces_of_china.size(), 34u);
  EXPECT_GE(chinese_cities, 60u);
  EXPECT_GE(countries.size(), 170u);
  for (const char* c : {"Ireland", "Luxembourg", "United Kingdom", "Kiribati", "Brazil",
                        "United States", "New Zealand"})
    EXPECT_EQ(countries.count(c), 1u) << c;
  EXPECT_EQ(find("Beijing", "province")->name_zh, "北京市");
  EXPECT_EQ(find("Ireland", "country")->name_zh, "爱尔兰");
  EXPECT_EQ(find("Taiwan", "country"), nullptr);
  EXPECT_EQ(find("Taiwan", "province")->name_zh, "台湾省");
  EXPECT_EQ(find("Guangzhou", "city")->extent,
            Envelope::of(113.264 - 0.3, 23.129 - 0.3, 113.264 + 0.3, 23.129 + 0.3));
}

TEST(PlacesFor, BeijingSizedExtent) {
  // The municipality's extent: inside the boxes of Hebei and Inner Mongolia, overlapping
  // Tianjin's; none of them is attached.
  EXPECT_EQ(attached(115.42, 39.44, 117.5, 41.06), (Strings{"country:China", "province:Beijing"}));
  std::vector<const Place*> places = search::places_for(Envelope::of(115.42, 39.44, 117.5, 41.06));
  ASSERT_EQ(places.size(), 2u);
  EXPECT_EQ(places[0]->name_zh, "中国");
  EXPECT_EQ(places[1]->name_zh, "北京市");
  // Central Beijing, and a point there.
  EXPECT_EQ(attached(116.2, 39.8, 116.6, 40.05), (Strings{"country:China", "province:Beijing"}));
  EXPECT_EQ(attached(116.4, 39.9, 116.4, 39.9), (Strings{"country:China", "province:Beijing"}));
}

TEST(PlacesFor, ACityDatasetGetsCityProvinceAndCountry) {
  EXPECT_EQ(attached(113.1, 23.0, 113.5, 23.3),
            (Strings{"country:China", "province:Guangdong", "city:Guangzhou"}));
  // Between Hangzhou and Shaoxing: the city whose box overlaps.
  EXPECT_EQ(attached(120.5, 30.1, 120.9, 30.5),
            (Strings{"country:China", "province:Zhejiang", "city:Shaoxing"}));
}

TEST(PlacesFor, TheMostSpecificContainingPlaceDecides) {
  // Nanning's box lies in the boxes of China and Vietnam; Guangxi's (China) decides.
  EXPECT_EQ(attached(108.066, 22.517, 108.666, 23.117),
            (Strings{"country:China", "province:Guangxi", "city:Nanning"}));
  // Dalian's box lies in Inner Mongolia's, and only for 84% in Liaoning's.
  EXPECT_EQ(attached(121.315, 38.614, 121.915, 39.214),
            (Strings{"country:China", "province:Liaoning", "city:Dalian"}));
}

TEST(PlacesFor, HebeiExtentGetsTheMunicipalitiesItCovers) {
  Strings got = attached(113.45, 36.03, 119.89, 42.63);
  EXPECT_EQ(got[0], "country:China");
  EXPECT_EQ(got[1], "province:Hebei");
  std::set<std::string> s(got.begin(), got.end());
  EXPECT_EQ(s.count("province:Beijing"), 1u);
  EXPECT_EQ(s.count("province:Tianjin"), 1u);
  EXPECT_EQ(s.count("city:Shijiazhuang"), 1u);
  EXPECT_EQ(s.count("province:Shandong"), 0u);
  EXPECT_EQ(s.count("province:Inner Mongolia"), 0u);
  EXPECT_EQ(s.count("city:Jinan"), 0u);  // inside Hebei's box, but in Shandong
}

TEST(PlacesFor, IrelandStations) {
  // The stations of ireland_wind_1961_1978.csv: Valentia to Malin Head.
  // The United Kingdom's box overlaps (Northern Ireland), but Ireland contains the extent, and
  // Northern Ireland is not attached without its country.
  EXPECT_EQ(attached(-10.25, 51.8, -6.25, 55.37667), (Strings{"country:Ireland", "city:Dublin"}));
  std::vector<const Place*> places = search::places_for(Envelope::of(-10.25, 51.8, -6.25, 55.37));
  ASSERT_EQ(places.size(), 2u);
  EXPECT_EQ(places[0]->name_zh, "爱尔兰");
  // A Dublin extent also gets the city.
  EXPECT_EQ(attached(-6.4, 53.3, -6.1, 53.4), (Strings{"country:Ireland", "city:Dublin"}));
}

TEST(PlacesFor, WorldExtentGetsLargeCountriesOnly) {
  Strings got = attached(-180, -90, 180, 90);
  std::set<std::string> s(got.begin(), got.end());
  for (const std::string& g : got) EXPECT_EQ(g.rfind("country:", 0), 0u) << g;
  EXPECT_EQ(s.count("country:China"), 1u);
  EXPECT_EQ(s.count("country:Russia"), 1u);
  EXPECT_EQ(s.count("country:Luxembourg"), 0u);
  // Russia has two rows (across the antimeridian) but is reported once.
  EXPECT_EQ(std::count(got.begin(), got.end(), "country:Russia"), 1);
}

TEST(PlacesFor, ChinaExtentGetsProvincesNotCities) {
  Strings got = attached(73.5, 18.1, 135.1, 53.6);
  std::set<std::string> s(got.begin(), got.end());
  EXPECT_EQ(got[0], "country:China");
  EXPECT_EQ(s.count("province:Beijing"), 1u);
  EXPECT_EQ(s.count("province:Xinjiang"), 1u);
  EXPECT_EQ(s.count("province:Shanghai"), 1u);
  for (const std::string& g : got) EXPECT_NE(g.rfind("city:", 0), 0u) << g;
}

TEST(PlacesFor, SharedDataSets) {
  // london_cycle_hire.geojson
  EXPECT_EQ(attached(-0.237, 51.455, -0.002, 51.542),
            (Strings{"country:United Kingdom", "province:England", "city:London"}));
  // scotland_bng.shp.zip (in degrees)
  EXPECT_EQ(attached(-9.198, 54.508, -0.746, 60.848),
            (Strings{"country:United Kingdom", "province:Scotland", "city:Edinburgh"}));
  // luxembourg_admin.kml
  EXPECT_EQ(attached(5.744, 49.448, 6.528, 50.182),
            (Strings{"country:Luxembourg", "city:Luxembourg City"}));
  // nc_sids_nad27.gpkg
  EXPECT_EQ(attached(-84.324, 33.882, -75.457, 36.59),
            (Strings{"country:United States", "province:North Carolina", "city:Raleigh"}));
  // kiritimati_roads_utm4n.shp.zip
  EXPECT_EQ(attached(-157.493, 1.697, -157.165, 2.044),
            (Strings{"country:Kiribati", "city:Kiritimati"}));
  // landsat7_olinda_utm25s.tif
  EXPECT_EQ(attached(-34.9166, -8.0409, -34.8264, -7.9498),
            (Strings{"country:Brazil", "province:Pernambuco", "city:Olinda", "city:Recife"}));
  // gps_track_2009.gpx
  EXPECT_EQ(attached(170.172, -46.036, 170.717, -45.792),
            (Strings{"country:New Zealand", "city:Dunedin"}));
}

TEST(PlacesFor, EveryPlaceIsFoundByItsOwnBox) {
  // Also checks that every province's and city's parent is in the table.
  for (const Place& p : search::gazetteer()) {
    std::vector<const Place*> got = search::places_for(p.extent);
    bool found = std::any_of(got.begin(), got.end(),
                             [&](const Place* q) { return q->name_en == p.name_en; });
    EXPECT_TRUE(found) << p.kind << " " << p.name_en;
  }
}

TEST(PlacesFor, EmptyOrFarAwayExtents) {
  EXPECT_TRUE(search::places_for(Envelope{}).empty());
  EXPECT_TRUE(attached(-140, -50, -139, -49).empty());  // the South Pacific
}
