// The geometry path of vector tiles on its own: MVT commands against the spec's examples, the
// WKB walker, line and ring clipping, Douglas-Peucker and ring orientation.
#include "tiles/tile_geometry.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "geo/wkb.hpp"

namespace shikong::tiles::detail {
namespace {

using Pts = std::vector<TilePoint>;

geo::Geometry point_at(double x, double y) {
  return geo::Geometry{geo::GeometryType::point, false, {{x, y, 0}}, {}, {}};
}
using Cmds = std::vector<std::uint32_t>;

TileGeometry lines(std::vector<Pts> parts, PartKind kind = PartKind::line) {
  TileGeometry g;
  for (auto& p : parts) {
    g.parts.push_back(Part{kind, static_cast<std::uint32_t>(g.points.size()),
                           static_cast<std::uint32_t>(p.size())});
    g.points.insert(g.points.end(), p.begin(), p.end());
  }
  return g;
}

Pts part_points(const TileGeometry& g, std::size_t i) {
  const Part& p = g.parts.at(i);
  return Pts(g.points.begin() + p.begin, g.points.begin() + p.begin + p.size);
}

// Vector tile spec 2.1, section 4.3.5 examples.
TEST(TileGeometry, EncodesTheSpecExamples) {
  Cmds out;
  encode_points(Pts{{25, 17}}, out);
  EXPECT_EQ(out, (Cmds{9, 50, 34}));
  out.clear();
  encode_points(Pts{{5, 7}, {3, 2}}, out);
  EXPECT_EQ(out, (Cmds{17, 10, 14, 3, 9}));
  out.clear();
  encode_lines(lines({{{2, 2}, {2, 10}, {10, 10}}}), out);
  EXPECT_EQ(out, (Cmds{9, 4, 4, 18, 0, 16, 16, 0}));
  out.clear();
  encode_lines(lines({{{2, 2}, {2, 10}, {10, 10}}, {{1, 1}, {3, 5}}}), out);
  EXPECT_EQ(out, (Cmds{9, 4, 4, 18, 0, 16, 16, 0, 9, 17, 17, 10, 4, 8}));
  out.clear();
  encode_polygons(lines({{{3, 6}, {8, 12}, {20, 34}}}, PartKind::outer), out);
  EXPECT_EQ(out, (Cmds{9, 6, 12, 18, 10, 12, 24, 44, 15}));
  // Multipolygon with a hole (4.3.5.7).
  TileGeometry mp = lines({{{0, 0}, {10, 0}, {10, 10}, {0, 10}},
                           {{11, 11}, {20, 11}, {20, 20}, {11, 20}},
                           {{13, 13}, {13, 17}, {17, 17}, {17, 13}}},
                          PartKind::outer);
  mp.parts[2].kind = PartKind::inner;
  out.clear();
  encode_polygons(mp, out);
  EXPECT_EQ(out, (Cmds{9, 0,  0,  26, 20, 0, 0, 20, 19, 0, 15, 9, 22, 2, 26, 18, 0,
                       0, 18, 17, 0,  15, 9, 4, 13, 26, 0, 8,  8, 0,  0, 7,  15}));
}

TEST(TileGeometry, RingAreaSignFollowsTheSpec) {
  // Clockwise on screen (y down) is positive: an exterior ring.
  EXPECT_EQ(ring_area2(Pts{{0, 0}, {10, 0}, {10, 10}, {0, 10}}), 200);
  EXPECT_EQ(ring_area2(Pts{{0, 0}, {0, 10}, {10, 10}, {10, 0}}), -200);
  EXPECT_EQ(ring_area2(Pts{{0, 0}, {5, 5}, {10, 10}}), 0);
}

TEST(TileGeometry, WalksWkbOfEveryKind) {
  // Identity-like projection: CGCS2000Quad level 1, east tile, extent 180 -> 1 unit a degree.
  const auto& set = cgcs2000_quad();
  TileProjector proj(set, Envelope::of(0, -90, 180, 90), 180);
  geo::Geometry gc;
  gc.type = geo::GeometryType::geometry_collection;
  geo::Geometry pt{geo::GeometryType::point, true, {{10, 80, 5}}, {}, {}};
  geo::Geometry ls{geo::GeometryType::line_string, true, {{1, 89, 1}, {2, 88, 1}}, {}, {}};
  geo::Geometry poly{geo::GeometryType::polygon,
                     true,
                     {},
                     {{{0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {0, 0, 0}},
                      {{0.2, 0.1, 0}, {0.3, 0.1, 0}, {0.3, 0.2, 0}, {0.2, 0.1, 0}}},
                     {}};
  gc.parts = {pt, ls, poly};
  gc.has_z = true;
  FlatGeometry flat;
  ASSERT_TRUE(walk_wkb(geo::to_wkb(gc), proj, flat));
  ASSERT_EQ(flat.parts.size(), 4u);
  EXPECT_EQ(flat.parts[0].kind, PartKind::point);
  EXPECT_EQ(flat.parts[1].kind, PartKind::line);
  EXPECT_EQ(flat.parts[1].size, 2u);
  EXPECT_EQ(flat.parts[2].kind, PartKind::outer);
  EXPECT_EQ(flat.parts[3].kind, PartKind::inner);
  EXPECT_EQ(flat.parts[3].begin, 7u);
  ASSERT_EQ(flat.points.size(), 11u);
  EXPECT_DOUBLE_EQ(flat.points[0].x, 10);
  EXPECT_DOUBLE_EQ(flat.points[0].y, 10);  // lat 80 is 10 units below the top
  EXPECT_DOUBLE_EQ(flat.points[2].y, 2);
  EXPECT_DOUBLE_EQ(flat.points[5].x, 1);
  EXPECT_DOUBLE_EQ(flat.points[5].y, 89);

  // Truncated and hostile bytes are refused, never read past the end.
  std::string wkb = geo::to_wkb(gc);
  for (std::size_t cut = 0; cut < wkb.size(); ++cut) {
    flat.clear();
    EXPECT_FALSE(walk_wkb(std::string_view(wkb).substr(0, cut), proj, flat)) << cut;
  }
  std::string huge("\x01\x02\x00\x00\x00\xff\xff\xff\x7f", 9);  // 2^31 vertices claimed
  EXPECT_FALSE(walk_wkb(huge, proj, flat));
  // Non-finite vertices make the geometry unreadable; NaN x and y together is POINT EMPTY.
  geo::Geometry bad{geo::GeometryType::line_string, false, {{1, 1, 0}, {INFINITY, 2, 0}}, {}, {}};
  flat.clear();
  EXPECT_FALSE(walk_wkb(geo::to_wkb(bad), proj, flat));
  bad.coords[1].x = NAN;
  flat.clear();
  EXPECT_FALSE(walk_wkb(geo::to_wkb(bad), proj, flat));
  flat.clear();
  EXPECT_FALSE(walk_wkb(geo::to_wkb(point_at(NAN, 3)), proj, flat));
  // Empty point (NaN coordinates) is no vertex at all.
  flat.clear();
  ASSERT_TRUE(walk_wkb(geo::to_wkb(geo::Geometry{geo::GeometryType::point, false, {}, {}, {}}),
                       proj, flat));
  EXPECT_TRUE(flat.parts.empty());
}

TEST(TileGeometry, ClipsLinesIntoParts) {
  ClipBox box{0, 0, 100, 100};
  Scratch s;
  TileGeometry g;
  // Crosses the box from left to right.
  std::vector<DPoint> across{{-100, 50}, {200, 50}};
  clip_line(across, box, 0, g, s);
  ASSERT_EQ(g.parts.size(), 1u);
  EXPECT_EQ(part_points(g, 0), (Pts{{0, 50}, {100, 50}}));
  // Leaves and comes back: two parts.
  g.clear();
  std::vector<DPoint> out_and_back{{50, 50}, {150, 50}, {150, 60}, {50.4, 60.4}};
  clip_line(out_and_back, box, 0, g, s);
  ASSERT_EQ(g.parts.size(), 2u);
  EXPECT_EQ(part_points(g, 0), (Pts{{50, 50}, {100, 50}}));
  EXPECT_EQ(part_points(g, 1), (Pts{{100, 60}, {50, 60}}));
  // Entirely outside, and a corner cut.
  g.clear();
  std::vector<DPoint> outside{{-10, -10}, {-5, 200}};
  clip_line(outside, box, 0, g, s);
  EXPECT_TRUE(g.parts.empty());
  std::vector<DPoint> corner{{-10, 80}, {30, 120}};
  clip_line(corner, box, 0, g, s);
  ASSERT_EQ(g.parts.size(), 1u);
  EXPECT_EQ(part_points(g, 0), (Pts{{0, 90}, {10, 100}}));
  // Touching the box at one corner only leaves no line.
  g.clear();
  std::vector<DPoint> touch{{-10, 90}, {20, 120}};
  clip_line(touch, box, 0, g, s);
  EXPECT_TRUE(g.parts.empty());
  EXPECT_TRUE(g.points.empty());
  // Repeated vertices after rounding collapse; a line shorter than a unit vanishes.
  g.clear();
  std::vector<DPoint> repeats{{1, 1}, {1.2, 1.1}, {1.4, 0.9}, {5, 5}, {5, 5}};
  clip_line(repeats, box, 0, g, s);
  ASSERT_EQ(g.parts.size(), 1u);
  EXPECT_EQ(part_points(g, 0), (Pts{{1, 1}, {5, 5}}));
  g.clear();
  std::vector<DPoint> tiny{{1, 1}, {1.3, 1.2}};
  clip_line(tiny, box, 0, g, s);
  EXPECT_TRUE(g.parts.empty());
}

TEST(TileGeometry, ClipsAndOrientsRings) {
  ClipBox box{-10, -10, 110, 110};
  Scratch s;
  TileGeometry g;
  // Counter-clockwise on screen (as a lon/lat exterior arrives): reversed to positive area.
  std::vector<DPoint> ccw{{0, 0}, {0, 50}, {50, 50}, {50, 0}, {0, 0}};
  ASSERT_TRUE(clip_ring(ccw, PartKind::outer, box, 0, g, s));
  EXPECT_EQ(part_points(g, 0), (Pts{{50, 0}, {50, 50}, {0, 50}, {0, 0}}));
  EXPECT_GT(ring_area2(part_points(g, 0)), 0);
  // The same ring as a hole: negative area, kept as given.
  ASSERT_TRUE(clip_ring(ccw, PartKind::inner, box, 0, g, s));
  EXPECT_EQ(part_points(g, 1), (Pts{{0, 0}, {0, 50}, {50, 50}, {50, 0}}));
  // A ring larger than the box becomes the box.
  g.clear();
  std::vector<DPoint> big{{-500, -500}, {500, -500}, {500, 500}, {-500, 500}, {-500, -500}};
  ASSERT_TRUE(clip_ring(big, PartKind::outer, box, 0, g, s));
  Pts r = part_points(g, 0);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(ring_area2(r), 2 * 120 * 120);
  // Half outside: cut at the box edge x = 110.
  g.clear();
  std::vector<DPoint> half{{50, 0}, {200, 0}, {200, 20}, {50, 20}, {50, 0}};
  ASSERT_TRUE(clip_ring(half, PartKind::outer, box, 0, g, s));
  EXPECT_EQ(part_points(g, 0), (Pts{{50, 0}, {110, 0}, {110, 20}, {50, 20}}));
  // Spikes (straight there and back) go, the area stays: two along edges, then one at the
  // seam between the last and first vertices.
  g.clear();
  std::vector<DPoint> spiky{{0, 0},  {50, 0}, {80, 0}, {50, 0}, {50, 50},
                            {0, 50}, {0, 70}, {0, 50}, {0, 0}};
  ASSERT_TRUE(clip_ring(spiky, PartKind::inner, box, 0, g, s));  // a hole: reversed
  EXPECT_EQ(part_points(g, 0), (Pts{{0, 50}, {50, 50}, {50, 0}, {0, 0}}));
  g.clear();
  std::vector<DPoint> seam{{0, -5}, {0, 0}, {50, 0}, {50, 50}, {0, 50}, {0, -5}};
  ASSERT_TRUE(clip_ring(seam, PartKind::outer, box, 0, g, s));
  EXPECT_EQ(part_points(g, 0), (Pts{{0, 0}, {50, 0}, {50, 50}, {0, 50}}));
  // Disjoint, degenerate and sub-unit rings are dropped.
  g.clear();
  std::vector<DPoint> away{{200, 200}, {300, 200}, {300, 300}, {200, 200}};
  EXPECT_FALSE(clip_ring(away, PartKind::outer, box, 0, g, s));
  std::vector<DPoint> flat{{0, 0}, {10, 10}, {20, 20}, {0, 0}};
  EXPECT_FALSE(clip_ring(flat, PartKind::outer, box, 0, g, s));
  std::vector<DPoint> speck{{1, 1}, {1.2, 1}, {1.2, 1.2}, {1, 1}};
  EXPECT_FALSE(clip_ring(speck, PartKind::outer, box, 0, g, s));
  EXPECT_TRUE(g.parts.empty());
  EXPECT_TRUE(g.points.empty());
}

TEST(TileGeometry, SimplifiesAndKeepsRingsValid) {
  Scratch s;
  // Small wiggles (<= 1 unit) go, a 10-unit detour stays.
  Pts line{{0, 0}, {10, 1}, {20, 0}, {30, 10}, {40, 0}, {50, 1}, {60, 0}};
  std::size_t n = simplify(line.data(), line.size(), 1.0, s);
  line.resize(n);
  EXPECT_EQ(line, (Pts{{0, 0}, {20, 0}, {30, 10}, {40, 0}, {60, 0}}));
  // Tolerance 0 keeps everything.
  Pts same{{0, 0}, {10, 1}, {20, 0}};
  EXPECT_EQ(simplify(same.data(), same.size(), 0, s), 3u);

  ClipBox box{0, 0, 4096, 4096};
  TileGeometry g;
  // A square with points along its sides simplifies to its four corners, still positive.
  std::vector<DPoint> sq{{100, 100}, {150, 100.4}, {200, 100}, {200, 150}, {200, 200},
                         {150, 200}, {100, 200},   {100, 150}, {100, 100}};
  ASSERT_TRUE(clip_ring(sq, PartKind::outer, box, 1.0, g, s));
  EXPECT_EQ(part_points(g, 0), (Pts{{100, 100}, {200, 100}, {200, 200}, {100, 200}}));
  // A thin sliver collapses under the tolerance and is dropped rather than kept degenerate.
  g.clear();
  std::vector<DPoint> sliver{{100, 100}, {300, 100}, {300, 101}, {100, 101}, {100, 100}};
  EXPECT_FALSE(clip_ring(sliver, PartKind::outer, box, 2.0, g, s));
  EXPECT_TRUE(g.parts.empty());
  // A simplified line keeps its ends.
  std::vector<DPoint> l{{0, 0}, {1000, 0.4}, {2000, 0}};
  clip_line(l, box, 1.0, g, s);
  ASSERT_EQ(g.parts.size(), 1u);
  EXPECT_EQ(part_points(g, 0), (Pts{{0, 0}, {2000, 0}}));
}

// Random stars and zigzags around the box, fixed seed: whatever goes in, what comes out stays in
// the box, has no repeated neighbours, and every kept ring has 3+ vertices and the MVT sign.
TEST(TileGeometry, ClippingInvariantsOnRandomShapes) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> centre(-600, 700), radius(1, 900), unit(0, 1);
  ClipBox box{-64, -64, 4160, 4160};
  Scratch s;
  TileGeometry g;
  int kept_rings = 0, kept_lines = 0;
  for (int iter = 0; iter < 2000; ++iter) {
    double cx = centre(rng) * 4, cy = centre(rng) * 4, r = radius(rng) * 3;
    int n = 3 + static_cast<int>(unit(rng) * 60);
    std::vector<DPoint> ring;
    for (int k = 0; k < n; ++k) {
      double a = 2 * 3.141592653589793 * k / n;
      double rr = r * (0.3 + 0.7 * unit(rng));
      ring.push_back({cx + rr * std::cos(a), cy + rr * std::sin(a)});
    }
    ring.push_back(ring.front());
    double tolerance = iter % 3 == 0 ? 0.0 : unit(rng) * 8;
    g.clear();
    PartKind kind = iter % 2 ? PartKind::outer : PartKind::inner;
    bool kept = clip_ring(ring, kind, box, tolerance, g, s);
    ASSERT_EQ(kept, g.parts.size() == 1);
    if (kept) {
      ++kept_rings;
      Pts r2 = part_points(g, 0);
      ASSERT_GE(r2.size(), 3u);
      std::int64_t a2 = ring_area2(r2);
      EXPECT_EQ(a2 > 0, kind == PartKind::outer) << a2;
      EXPECT_NE(a2, 0);
      for (std::size_t k = 0; k < r2.size(); ++k) {
        EXPECT_TRUE(box.contains(DPoint{double(r2[k].x), double(r2[k].y)}));
        EXPECT_NE(r2[k], r2[(k + 1) % r2.size()]);
      }
    }
    g.clear();
    clip_line(std::span(ring).first(ring.size() - 1), box, tolerance, g, s);
    for (std::size_t p = 0; p < g.parts.size(); ++p) {
      ++kept_lines;
      Pts l = part_points(g, p);
      ASSERT_GE(l.size(), 2u);
      for (std::size_t k = 0; k < l.size(); ++k) {
        EXPECT_TRUE(box.contains(DPoint{double(l[k].x), double(l[k].y)}));
        if (k + 1 < l.size()) {
          EXPECT_NE(l[k], l[k + 1]);
        }
      }
    }
  }
  // The shapes straddle the box often enough for the checks to mean something.
  EXPECT_GT(kept_rings, 400);
  EXPECT_GT(kept_lines, 400);
}

}  // namespace
}  // namespace shikong::tiles::detail
