// Micro benchmark of the embedded store's bbox + time query over 200k clustered points, reading
// every matching feature (the work behind an OGC API items request, without the encoding).
#include <benchmark/benchmark.h>

#include <memory>

#include "geo/wkb.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "workload.hpp"

namespace {

using namespace shikong;

constexpr std::size_t kPoints = 200000;

struct StoreFixture {
  std::unique_ptr<storage::Store> store;
  storage::DatasetInfo dataset;

  StoreFixture() {
    storage::SqliteOptions options;
    options.data_dir = bench::bench_temp_dir() / "store";
    store = storage::open_sqlite_store(options);
    storage::DatasetInfo draft;
    draft.id = "bench-points";
    draft.title = "benchmark points";
    draft.geometry_type = geo::GeometryType::point;
    draft.schema.fields = {
        {"category", FieldType::text}, {"value", FieldType::real}, {"name", FieldType::text}};
    draft.time_start_field = "time";
    draft.source_format = "csv";
    auto session = store->begin_import(draft);
    Feature f;
    geo::Geometry g;
    g.type = geo::GeometryType::point;
    g.coords.resize(1);
    for (const auto& p : bench::bench_points(kPoints)) {
      g.coords[0] = {p.x, p.y, 0};
      f.id = p.id;
      f.wkb = geo::to_wkb(g);
      f.envelope = Envelope::of(p.x, p.y, p.x, p.y);
      f.valid_time = Interval::at(Instant::from_seconds(p.t_s));
      f.properties = {p.category, p.value, p.name};
      session->write(f);
    }
    dataset = session->commit();
  }
};

StoreFixture& fixture() {
  static StoreFixture f;
  return f;
}

void BM_StoreBboxTimeQuery(benchmark::State& state) {
  auto& fx = fixture();
  auto windows = bench::bench_windows(1000);
  std::size_t i = 0;
  std::int64_t features = 0;
  Feature f;
  for (auto _ : state) {
    const auto& w = windows[i++ % windows.size()];
    storage::FeatureQuery q;
    q.bbox = Envelope::of(w.min_x, w.min_y, w.max_x, w.max_y);
    q.time = Interval{Instant::from_seconds(w.start_s), Instant::from_seconds(w.end_s)};
    auto cursor = fx.store->query(fx.dataset, q);
    while (cursor->next(f)) ++features;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["features/query"] =
      benchmark::Counter(static_cast<double>(features), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_StoreBboxTimeQuery)->Unit(benchmark::kMicrosecond);

void BM_StoreBboxQuery(benchmark::State& state) {
  auto& fx = fixture();
  auto windows = bench::bench_windows(1000);
  std::size_t i = 0;
  std::int64_t features = 0;
  Feature f;
  for (auto _ : state) {
    const auto& w = windows[i++ % windows.size()];
    storage::FeatureQuery q;
    q.bbox = Envelope::of(w.min_x, w.min_y, w.max_x, w.max_y);
    q.limit = 1000;
    auto cursor = fx.store->query(fx.dataset, q);
    while (cursor->next(f)) ++features;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["features/query"] =
      benchmark::Counter(static_cast<double>(features), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_StoreBboxQuery)->Unit(benchmark::kMicrosecond);

}  // namespace
