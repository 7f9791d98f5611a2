// Micro benchmark of the datum transformer: CGCS2000 geographic (EPSG:4490) to Web Mercator
// (EPSG:3857), per point.
#include <benchmark/benchmark.h>

#include <vector>

#include "datum/crs.hpp"
#include "workload.hpp"

namespace {

void BM_Transform4490To3857(benchmark::State& state) {
  auto tr = shikong::datum::transformer(shikong::datum::epsg(4490), shikong::datum::epsg(3857));
  auto points = shikong::bench::bench_points(4096);
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& p = points[i++ & 4095];
    double x = p.x, y = p.y;
    tr->transform(x, y);
    benchmark::DoNotOptimize(x);
    benchmark::DoNotOptimize(y);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Transform4490To3857);

void BM_Transform4490To3857Geometry(benchmark::State& state) {
  auto tr = shikong::datum::transformer(shikong::datum::epsg(4490), shikong::datum::epsg(3857));
  shikong::geo::Geometry line;
  line.type = shikong::geo::GeometryType::line_string;
  for (const auto& p : shikong::bench::bench_points(1024)) line.coords.push_back({p.x, p.y, 0});
  for (auto _ : state) {
    auto g = line;
    tr->transform(g);
    benchmark::DoNotOptimize(g.coords.data());
  }
  state.SetItemsProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_Transform4490To3857Geometry);

}  // namespace
