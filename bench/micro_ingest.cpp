// Micro benchmark of the CSV reader (ingest::open_reader on a generated point file): rows/s and
// bytes/s of reading and parsing alone, without storing.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "ingest/reader.hpp"
#include "workload.hpp"

namespace {

void BM_CsvReader(benchmark::State& state) {
  auto rows = static_cast<std::size_t>(state.range(0));
  auto path = shikong::bench::bench_temp_dir() / ("points-" + std::to_string(rows) + ".csv");
  shikong::bench::write_points_csv(path, rows);
  auto bytes = std::filesystem::file_size(path);
  shikong::ingest::ImportOptions options;
  std::int64_t read = 0;
  for (auto _ : state) {
    auto reader = shikong::ingest::open_reader(path, options);
    shikong::ingest::RawRecord rec;
    while (reader->next(rec)) {
      benchmark::DoNotOptimize(rec.values.data());
      ++read;
    }
  }
  state.SetItemsProcessed(read);
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * state.iterations());
}
BENCHMARK(BM_CsvReader)->Arg(100000)->ArgName("rows")->Unit(benchmark::kMillisecond);

}  // namespace
