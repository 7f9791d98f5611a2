// Deterministic mutation tests for the readers of untrusted bytes and text (WKB, GeoPackage
// blobs, WKT, GeoJSON): every mutant must either parse or throw InvalidInput, never crash
// (run under the sanitizer build to catch out-of-bounds reads), and what parses must re-encode.
#include <gtest/gtest.h>

#include <random>

#include "core/error.hpp"
#include "geo/geojson.hpp"
#include "geo/gpkg_binary.hpp"
#include "geo/wkb.hpp"
#include "geo/wkt.hpp"
#include "test_geometries.hpp"

namespace shikong::geo {
namespace {

using namespace testing;

Geometry sample() {
  return multi(GeometryType::geometry_collection,
               {point(1, 2), line({{0, 0, 0}, {1, 1, 0}, {2, 0, 0}}),
                polygon({square(0, 0, 4), square(1, 1, 1)}),
                multi(GeometryType::multi_polygon, {polygon({square(5, 5, 1)})}),
                multi(GeometryType::multi_point, {point(7, 8), point(9, 10)})});
}

std::string mutate(std::string s, std::mt19937& rng, std::string_view alphabet) {
  std::uniform_int_distribution<int> op(0, 3);
  int n = 1 + static_cast<int>(rng() % 4);
  for (int k = 0; k < n && !s.empty(); ++k) {
    std::size_t at = rng() % s.size();
    switch (op(rng)) {
      case 0:  // replace a byte
        s[at] =
            alphabet.empty() ? static_cast<char>(rng() & 0xFF) : alphabet[rng() % alphabet.size()];
        break;
      case 1:  // drop a byte
        s.erase(at, 1);
        break;
      case 2:  // truncate
        s.resize(at);
        break;
      default:  // duplicate a slice
        s.insert(at, s.substr(rng() % s.size(), 1 + rng() % 16));
        break;
    }
  }
  return s;
}

template <typename F>
int run_mutants(const std::string& seed, std::string_view alphabet, F&& parse) {
  std::mt19937 rng(20240611);
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string m = mutate(seed, rng, alphabet);
    try {
      parse(m);
      ++parsed;
    } catch (const InvalidInput&) {
    }
  }
  return parsed;
}

TEST(Robustness, WkbMutants) {
  std::string seed = to_wkb(sample());
  int parsed = run_mutants(seed, "", [](const std::string& m) {
    Geometry g = from_wkb(m);
    EXPECT_EQ(from_wkb(to_wkb(g)), g);
    wkb_envelope(m);
  });
  EXPECT_GT(parsed, 0);  // coordinate bytes flipped still make valid WKB
}

TEST(Robustness, GpkgBlobMutants) {
  Geometry g = sample();
  std::string seed = to_gpkg_blob(to_wkb(g), g.envelope(), 4490);
  run_mutants(seed, "", [](const std::string& m) {
    gpkg_blob_srs_id(m);
    from_wkb(gpkg_blob_wkb(m));
  });
}

TEST(Robustness, WktMutants) {
  std::string seed = to_wkt(sample(), -1);
  int parsed = run_mutants(seed, "0123456789.-+eE ,()ZMPOINTEMPTY", [](const std::string& m) {
    Geometry g = from_wkt(m);
    EXPECT_EQ(from_wkt(to_wkt(g, -1)), g) << m;
  });
  EXPECT_GT(parsed, 0);
}

TEST(Robustness, GeoJsonMutants) {
  std::string seed;
  write_geojson_geometry(seed, sample());
  int parsed = run_mutants(seed, "0123456789.-+eE ,[]{}\":", [](const std::string& m) {
    Geometry g = geometry_from_geojson(m);
    std::string again;
    write_geojson_geometry(again, g);
    EXPECT_EQ(geometry_from_geojson(again), g) << m;
  });
  EXPECT_GT(parsed, 0);
}

}  // namespace
}  // namespace shikong::geo
