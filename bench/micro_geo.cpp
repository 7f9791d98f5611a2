// Micro benchmarks of the geometry codecs: WKB encode/decode and GeoJSON geometry writing.
#include <benchmark/benchmark.h>

#include <cmath>
#include <string>

#include "geo/geojson.hpp"
#include "geo/wkb.hpp"

namespace {

using shikong::geo::Coord;
using shikong::geo::Geometry;
using shikong::geo::GeometryType;

Geometry point() {
  Geometry g;
  g.type = GeometryType::point;
  g.coords.push_back(Coord{116.397128, 39.916527, 0});
  return g;
}

// A closed ring of `n` vertices around Beijing.
Geometry polygon(int n) {
  Geometry g;
  g.type = GeometryType::polygon;
  g.rings.emplace_back();
  for (int i = 0; i < n; ++i) {
    double a = 2 * M_PI * i / n;
    g.rings[0].push_back(Coord{116.4 + 0.1 * std::cos(a), 39.9 + 0.08 * std::sin(a), 0});
  }
  g.rings[0].push_back(g.rings[0].front());
  return g;
}

Geometry geometry_for(const benchmark::State& state) {
  return state.range(0) == 1 ? point() : polygon(static_cast<int>(state.range(0)));
}

void BM_WkbEncode(benchmark::State& state) {
  Geometry g = geometry_for(state);
  for (auto _ : state) {
    std::string wkb = shikong::geo::to_wkb(g);
    benchmark::DoNotOptimize(wkb.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WkbEncode)->Arg(1)->Arg(64)->ArgName("vertices");

void BM_WkbDecode(benchmark::State& state) {
  std::string wkb = shikong::geo::to_wkb(geometry_for(state));
  for (auto _ : state) {
    Geometry g = shikong::geo::from_wkb(wkb);
    benchmark::DoNotOptimize(g.coords.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WkbDecode)->Arg(1)->Arg(64)->ArgName("vertices");

void BM_WkbEnvelope(benchmark::State& state) {
  std::string wkb = shikong::geo::to_wkb(geometry_for(state));
  for (auto _ : state) {
    auto e = shikong::geo::wkb_envelope(wkb);
    benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WkbEnvelope)->Arg(1)->Arg(64)->ArgName("vertices");

void BM_GeoJsonWrite(benchmark::State& state) {
  Geometry g = geometry_for(state);
  std::string out;
  for (auto _ : state) {
    out.clear();
    shikong::geo::write_geojson_geometry(out, g, 6);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GeoJsonWrite)->Arg(1)->Arg(64)->ArgName("vertices");

void BM_GeoJsonWriteShortest(benchmark::State& state) {
  Geometry g = geometry_for(state);
  std::string out;
  for (auto _ : state) {
    out.clear();
    shikong::geo::write_geojson_geometry(out, g);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GeoJsonWriteShortest)->Arg(1)->Arg(64)->ArgName("vertices");

}  // namespace
