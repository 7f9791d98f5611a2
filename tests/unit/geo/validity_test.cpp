// GEOS-backed validity, repair and intersection.
#include "geo/geos/validity.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "core/error.hpp"
#include "geo/wkt.hpp"
#include "test_geometries.hpp"

namespace shikong::geo {
namespace {

using namespace testing;

TEST(Validity, ValidSquare) {
  Validity v = check_validity(polygon({square(0, 0, 1)}));
  EXPECT_TRUE(v.valid);
  EXPECT_EQ(v.reason, "");
}

TEST(Validity, BowTieIsSelfIntersecting) {
  Geometry bowtie = from_wkt("POLYGON ((0 0, 2 2, 2 0, 0 2, 0 0))");
  Validity v = check_validity(bowtie);
  EXPECT_FALSE(v.valid);
  EXPECT_EQ(v.reason, "Self-intersection[1 1]");

  Geometry fixed = make_valid(bowtie);
  EXPECT_EQ(fixed.type, GeometryType::multi_polygon);
  ASSERT_EQ(fixed.parts.size(), 2u);
  EXPECT_TRUE(check_validity(fixed).valid);
  EXPECT_EQ(fixed.envelope(), Envelope::of(0, 0, 2, 2));
}

TEST(Validity, UnclosedRingIsReportedAndRepaired) {
  Geometry open = polygon({{{0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {0, 1, 0}}});
  Validity v = check_validity(open);
  EXPECT_FALSE(v.valid);
  EXPECT_EQ(v.reason, "Ring is not closed");
  Geometry fixed = make_valid(open);
  EXPECT_EQ(fixed, polygon({square(0, 0, 1)}));
}

TEST(Validity, Intersects) {
  Geometry a = polygon({square(0, 0, 2)});
  EXPECT_TRUE(intersects(a, point(1, 1)));
  EXPECT_TRUE(intersects(a, point(2, 2)));  // boundary counts
  EXPECT_FALSE(intersects(a, point(3, 1)));
  EXPECT_TRUE(intersects(from_wkt("LINESTRING (-1 1, 3 1)"), a));
  EXPECT_FALSE(intersects(empty_of(GeometryType::point), a));
}

TEST(Validity, WorksFromSeveralThreads) {
  std::vector<std::thread> ts;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([t, &ok] {
      Geometry bowtie = from_wkt("POLYGON ((0 0, 2 2, 2 0, 0 2, 0 0))");
      for (int i = 0; i < 200; ++i)
        if (!check_validity(bowtie).valid && intersects(bowtie, point(0.5, 1))) ++ok[t];
    });
  for (auto& th : ts) th.join();
  for (int n : ok) EXPECT_EQ(n, 200);
}

}  // namespace
}  // namespace shikong::geo
