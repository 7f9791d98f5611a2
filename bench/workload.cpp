// Deterministic point and query-window generators for the micro benchmarks (fixed seeds).
#include "workload.hpp"

#include <unistd.h>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <random>
#include <stdexcept>

namespace shikong::bench {
namespace {

struct City {
  double x, y;
  const char* name;
};
constexpr City kCities[] = {
    {116.40, 39.90, "北京"},    {121.47, 31.23, "上海"}, {113.26, 23.13, "广州"},
    {114.06, 22.54, "深圳"},    {104.07, 30.67, "成都"}, {108.94, 34.26, "西安"},
    {114.30, 30.59, "武汉"},    {120.16, 30.27, "杭州"}, {118.78, 32.06, "南京"},
    {117.20, 39.13, "天津"},    {106.55, 29.56, "重庆"}, {126.64, 45.75, "哈尔滨"},
    {87.62, 43.82, "乌鲁木齐"}, {91.13, 29.65, "拉萨"},  {102.71, 25.04, "昆明"},
    {110.35, 20.02, "海口"}};
constexpr const char* kCategories[] = {"traffic", "air",    "water",  "noise",
                                       "retail",  "health", "school", "energy"};
constexpr std::int64_t kEpoch2020 = 1577836800;
constexpr std::int64_t kThreeYears = 3LL * 365 * 86400;

}  // namespace

std::vector<BenchPoint> bench_points(std::size_t n) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> unit(0, 1);
  std::uniform_int_distribution<std::size_t> city(0, std::size(kCities) - 1);
  std::uniform_int_distribution<std::size_t> category(0, std::size(kCategories) - 1);
  std::uniform_int_distribution<std::int64_t> when(0, kThreeYears - 1);
  std::normal_distribution<double> gauss(0, 1);
  std::exponential_distribution<double> value(0.1);
  const double spreads[] = {0.05, 0.2, 0.8};
  std::vector<BenchPoint> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto& p = out[i];
    p.id = static_cast<std::int64_t>(i) + 1;
    std::string place = "野外";
    if (unit(rng) < 0.9) {
      const auto& c = kCities[city(rng)];
      double s = spreads[static_cast<std::size_t>(unit(rng) * 3) % 3];
      p.x = c.x + gauss(rng) * s;
      p.y = c.y + gauss(rng) * s * 0.8;
      place = c.name;
    } else {
      p.x = 73 + unit(rng) * 62;
      p.y = 18 + unit(rng) * 36;
    }
    // Six decimals, as in the CSV workload, so CSV and in-memory points are the same.
    p.x = std::round(p.x * 1e6) / 1e6;
    p.y = std::round(p.y * 1e6) / 1e6;
    p.t_s = kEpoch2020 + when(rng);
    p.category = kCategories[category(rng)];
    p.value = std::round(value(rng) * 1000) / 1000;
    p.name = place + "站点" + std::to_string(i % 997);
  }
  return out;
}

std::vector<BenchWindow> bench_windows(std::size_t n) {
  std::mt19937_64 rng(20240601);
  std::uniform_real_distribution<double> unit(0, 1);
  std::uniform_int_distribution<std::size_t> city(0, std::size(kCities) - 1);
  std::normal_distribution<double> gauss(0, 1);
  std::vector<BenchWindow> out(n);
  for (auto& w : out) {
    const auto& c = kCities[city(rng)];
    double x = c.x + gauss(rng) * 0.3, y = c.y + gauss(rng) * 0.25;
    double side = std::exp(std::log(0.03) + unit(rng) * (std::log(1.0) - std::log(0.03)));
    double h = side * (0.6 + 0.4 * unit(rng));
    auto length = static_cast<std::int64_t>(std::exp(unit(rng) * std::log(31.0)) * 86400);
    w.min_x = x - side / 2;
    w.max_x = x + side / 2;
    w.min_y = y - h / 2;
    w.max_y = y + h / 2;
    w.start_s = kEpoch2020 +
                static_cast<std::int64_t>(unit(rng) * static_cast<double>(kThreeYears - length));
    w.end_s = w.start_s + length;
  }
  return out;
}

void write_points_csv(const std::filesystem::path& path, std::size_t n) {
  if (std::filesystem::exists(path)) return;
  auto tmp = path;
  tmp += ".part";
  {
    std::ofstream out(tmp);
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
    out << "id,lon,lat,time,category,value,name\n";
    char buf[256];
    for (const auto& p : bench_points(n)) {
      std::time_t t = static_cast<std::time_t>(p.t_s);
      std::tm tm{};
      gmtime_r(&t, &tm);
      char when[32];
      std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
      std::snprintf(buf, sizeof buf, "%lld,%.6f,%.6f,%s,%s,%.3f,", static_cast<long long>(p.id),
                    p.x, p.y, when, p.category.c_str(), p.value);
      out << buf << p.name << '\n';
    }
  }
  std::filesystem::rename(tmp, path);
}

std::filesystem::path bench_temp_dir() {
  // Removed at exit; statics that use it (an open store) are made later, so destroyed first.
  struct TempDir {
    std::filesystem::path path;
    TempDir()
        : path(std::filesystem::temp_directory_path() /
               ("shikong-bench-" + std::to_string(static_cast<long long>(::getpid())))) {
      std::filesystem::create_directories(path);
    }
    ~TempDir() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  };
  static const TempDir dir;
  return dir.path;
}

}  // namespace shikong::bench
