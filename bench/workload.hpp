// Deterministic point workload for the micro benchmarks: the shape of bench/gen_points.py
// (clustered around Chinese cities, 2020-2022), generated in-process so no files are needed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace shikong::bench {

struct BenchPoint {
  std::int64_t id = 0;
  double x = 0;          // longitude
  double y = 0;          // latitude
  std::int64_t t_s = 0;  // seconds since the epoch, UTC
  std::string category;
  double value = 0;
  std::string name;
};

std::vector<BenchPoint> bench_points(std::size_t n);

struct BenchWindow {
  double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
  std::int64_t start_s = 0, end_s = 0;
};
// Boxes of ~3 km to 1 degree around the cities, time windows of 1 day to 1 month.
std::vector<BenchWindow> bench_windows(std::size_t n);

// Writes bench_points(n) as CSV (id,lon,lat,time,category,value,name) unless `path` exists.
void write_points_csv(const std::filesystem::path& path, std::size_t n);

// A directory under the system temp dir for this process's benchmark files.
std::filesystem::path bench_temp_dir();

}  // namespace shikong::bench
