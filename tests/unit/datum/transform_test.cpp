// Transformations: exact values against PROJ's own cs2cs results, GIS axis order, datum
// shifts, envelopes, failures and use from several threads.
#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "core/error.hpp"
#include "datum/crs.hpp"

namespace shikong::datum {
namespace {

TEST(Transform, Wgs84ToWebMercatorKnownPoint) {
  auto t = transformer(epsg(4326), epsg(3857));
  EXPECT_FALSE(t->is_identity());
  double x = 116.391;  // GIS order: longitude first even though EPSG:4326 is latitude first
  double y = 39.907;
  t->transform(x, y);
  EXPECT_NEAR(x, 12956586.852919903, 1e-6);
  EXPECT_NEAR(y, 4852436.961991247, 1e-6);
  EXPECT_EQ(transformer(epsg(4326), epsg(3857)), t);  // cached per pair
  EXPECT_FALSE(t->description().empty());
}

TEST(Transform, Cgcs2000ToGaussKrugerRoundTrip) {
  auto fwd = transformer(epsg(4490), epsg(4547));
  auto inv = transformer(epsg(4547), epsg(4490));
  double x = 114.5;
  double y = 30.5;
  fwd->transform(x, y);
  // cs2cs EPSG:4490 EPSG:4547 gives northing 3375648.032604862, easting 547999.761274797.
  EXPECT_NEAR(x, 547999.761274797, 1e-6);
  EXPECT_NEAR(y, 3375648.032604862, 1e-6);
  inv->transform(x, y);
  EXPECT_NEAR(x, 114.5, 1e-9);
  EXPECT_NEAR(y, 30.5, 1e-9);
}

TEST(Transform, Nad27ToCgcs2000ShiftsTheDatum) {
  // No registered NAD27 -> CGCS2000 operation exists; the shift goes through WGS 84
  // (cs2cs EPSG:4267 EPSG:4326: 36.9999087544, -122.0010228059).
  auto t = transformer(epsg(4267), epsg(4490));
  double x = -122;
  double y = 37;
  t->transform(x, y);
  EXPECT_NEAR(x, -122.0010228059, 1e-9);
  EXPECT_NEAR(y, 36.9999087544, 1e-9);
  EXPECT_EQ(t->description().find("unavailable"), std::string::npos) << t->description();
  EXPECT_NE(t->description().find("NAD27 to WGS 84"), std::string::npos) << t->description();
  // The array path (proj_trans_generic) chooses the same operation as the single-point path.
  geo::Geometry line{geo::GeometryType::line_string, false, {{-122, 37, 0}, {-100, 40, 0}}, {}, {}};
  t->transform(line);
  EXPECT_EQ(line.coords[0].x, x);
  EXPECT_EQ(line.coords[0].y, y);
  double x2 = -100;
  double y2 = 40;
  t->transform(x2, y2);
  EXPECT_EQ(line.coords[1].x, x2);
  EXPECT_EQ(line.coords[1].y, y2);
}

TEST(Transform, Cgcs2000AndCrs84AgreeExactly) {
  // CGCS2000 <-> WGS 84 is a ballpark (identity) operation: coordinates stay as they are, in
  // longitude-latitude order both ways, even though EPSG:4490 is latitude first.
  for (auto [from, to] : {std::pair{epsg(4490), crs84()}, std::pair{crs84(), epsg(4490)},
                          std::pair{epsg(4490), epsg(4326)}}) {
    auto t = transformer(from, to);
    double x = 116.391;
    double y = 39.907;
    t->transform(x, y);
    EXPECT_EQ(x, 116.391) << from.id << " -> " << to.id;
    EXPECT_EQ(y, 39.907) << from.id << " -> " << to.id;
    EXPECT_NE(t->description().find("Ballpark"), std::string::npos) << t->description();
  }
}

TEST(Transform, GeometryUsesEveryCoordinateInGisOrder) {
  auto t = transformer(epsg(4326), epsg(3857));
  geo::Geometry g{geo::GeometryType::multi_polygon,
                  false,
                  {},
                  {},
                  {geo::Geometry{geo::GeometryType::polygon,
                                 false,
                                 {},
                                 {{{116, 39, 0}, {117, 39, 0}, {117, 40, 0}, {116, 39, 0}}},
                                 {}}}};
  t->transform(g);
  const auto& ring = g.parts[0].rings[0];
  for (std::size_t i = 0; i < ring.size(); ++i) {
    double x = i == 0 || i == 3 ? 116 : 117;
    double y = i == 2 ? 40 : 39;
    t->transform(x, y);
    EXPECT_EQ(ring[i].x, x);
    EXPECT_EQ(ring[i].y, y);
  }
  // Z passes through a horizontal transformation.
  geo::Geometry p{geo::GeometryType::point, true, {{116.391, 39.907, 52.5}}, {}, {}};
  t->transform(p);
  EXPECT_NEAR(p.coords[0].x, 12956586.852919903, 1e-6);
  EXPECT_EQ(p.coords[0].z, 52.5);
}

TEST(Transform, EnvelopeIsDensified) {
  auto t = transformer(epsg(4547), epsg(4490));
  // A box in Gauss-Kruger: its top edge bows in geographic coordinates, so the result must
  // cover the transformed mid-point of that edge, not only the corners.
  Envelope e = Envelope::of(400000, 3300000, 700000, 3500000);
  Envelope g = t->transform(e);
  double mx = 550000;
  double my = 3500000;
  t->transform(mx, my);
  EXPECT_LE(g.min_y, my);
  EXPECT_GE(g.max_y, my);
  double cx = 400000;
  double cy = 3500000;
  t->transform(cx, cy);
  EXPECT_GT(my, cy);  // the edge's middle lies north of its corner
  EXPECT_GE(g.max_y, my);
  EXPECT_LE(g.min_x, cx);
}

TEST(Transform, UnmappablePointThrows) {
  auto t = transformer(epsg(4326), epsg(3857));
  double x = 0;
  double y = 91;  // beyond the pole: no image
  try {
    t->transform(x, y);
    ADD_FAILURE() << "transformed latitude 91 to " << x << " " << y;
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "transform-failed");
  }
  geo::Geometry line{geo::GeometryType::line_string, false, {{0, 0, 0}, {0, 91, 0}}, {}, {}};
  EXPECT_THROW(t->transform(line), InvalidInput);
}

TEST(Transform, IdentityWhenSameCrs) {
  auto t = transformer(epsg(4490), parse_crs("urn:ogc:def:crs:EPSG::4490"));
  EXPECT_TRUE(t->is_identity());
  double x = 1.5;
  double y = 2.5;
  t->transform(x, y);
  EXPECT_EQ(x, 1.5);
  EXPECT_EQ(y, 2.5);
}

TEST(Transform, SharedTransformerFromFourThreads) {
  auto t = transformer(epsg(4490), epsg(4547));
  constexpr int kPoints = 2000;
  std::vector<double> ex(kPoints);
  std::vector<double> ey(kPoints);
  for (int i = 0; i < kPoints; ++i) {
    ex[i] = 113 + i * 0.001;
    ey[i] = 22 + i * 0.002;
    t->transform(ex[i], ey[i]);
  }
  std::vector<int> matches(4, 0);
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k)
    threads.emplace_back([&, k] {
      for (int round = 0; round < 3; ++round) {
        geo::Geometry line{geo::GeometryType::line_string, false, {}, {}, {}};
        for (int i = 0; i < kPoints; ++i)
          line.coords.push_back({113 + i * 0.001, 22 + i * 0.002, 0});
        t->transform(line);
        int ok = 0;
        for (int i = 0; i < kPoints; ++i)
          if (line.coords[i].x == ex[i] && line.coords[i].y == ey[i]) ++ok;
        if (ok == kPoints) ++matches[k];
      }
    });
  for (auto& th : threads) th.join();
  for (int m : matches) EXPECT_EQ(m, 3);
}

}  // namespace
}  // namespace shikong::datum
