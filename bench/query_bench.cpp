// bbox + time-window query latency, shikong's embedded store against PostGIS over libpq, on the
// same queries (bench/gen_queries.py). Writes one line per query (count, microseconds) so the
// harness can check that both sides return exactly the same number of features.
//
//   query_bench shikong DATA_DIR DATASET QUERIES.tsv OUT.tsv
//   query_bench postgis CONNINFO QUERIES.tsv OUT.tsv [exact]
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <libpq-fe.h>

#ifdef SHIKONG_BENCH_HAVE_STORE
#include "core/error.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#endif

namespace {

struct Window {
  double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
  std::int64_t start_s = 0, end_s = 0;  // inclusive, seconds since the epoch (UTC)
};

struct Result {
  std::int64_t count = 0;
  double micros = 0;
};

std::vector<Window> read_windows(const char* path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(std::string("cannot read ") + path);
  std::vector<Window> out;
  Window w;
  while (in >> w.min_x >> w.min_y >> w.max_x >> w.max_y >> w.start_s >> w.end_s) out.push_back(w);
  if (out.empty()) throw std::runtime_error(std::string("no queries in ") + path);
  return out;
}

// Runs every query once untimed (page cache, prepared plans), then once timed.
std::vector<Result> run_all(const std::vector<Window>& windows,
                            const std::function<std::int64_t(const Window&)>& query) {
  for (const auto& w : windows) query(w);
  std::vector<Result> results;
  results.reserve(windows.size());
  for (const auto& w : windows) {
    auto t0 = std::chrono::steady_clock::now();
    std::int64_t n = query(w);
    auto t1 = std::chrono::steady_clock::now();
    results.push_back({n, std::chrono::duration<double, std::micro>(t1 - t0).count()});
  }
  return results;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

void report(const char* side, const std::vector<Result>& results, const char* out_path) {
  std::FILE* f = std::fopen(out_path, "w");
  if (!f) throw std::runtime_error(std::string("cannot write ") + out_path);
  std::vector<double> micros;
  std::int64_t rows = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    std::fprintf(f, "%zu\t%" PRId64 "\t%.1f\n", i, results[i].count, results[i].micros);
    micros.push_back(results[i].micros);
    rows += results[i].count;
  }
  std::fclose(f);
  std::printf("%s: %zu queries, %" PRId64 " rows, p50 %.3f ms, p95 %.3f ms, p99 %.3f ms\n", side,
              results.size(), rows, percentile(micros, 0.50) / 1000,
              percentile(micros, 0.95) / 1000, percentile(micros, 0.99) / 1000);
}

// Keeps the compiler from dropping reads whose values are otherwise unused.
volatile std::uint64_t g_sink = 0;

#ifdef SHIKONG_BENCH_HAVE_STORE
int run_shikong(const char* data_dir, const char* dataset, const char* queries, const char* out) {
  using namespace shikong;
  auto windows = read_windows(queries);
  storage::SqliteOptions options;
  options.data_dir = data_dir;
  auto store = storage::open_sqlite_store(options);
  auto ds = store->find_dataset(dataset);
  if (!ds) throw std::runtime_error(std::string("no dataset ") + dataset);
  Feature f;
  auto results = run_all(windows, [&](const Window& w) {
    storage::FeatureQuery q;
    q.bbox = Envelope::of(w.min_x, w.min_y, w.max_x, w.max_y);
    q.time = Interval{Instant::from_seconds(w.start_s), Instant::from_seconds(w.end_s)};
    auto cursor = store->query(*ds, q);
    std::int64_t n = 0;
    std::uint64_t sum = 0;
    while (cursor->next(f)) {
      sum += f.wkb.size() + f.properties.size() + static_cast<std::uint64_t>(f.id);
      ++n;
    }
    g_sink = g_sink + sum;
    return n;
  });
  report("shikong", results, out);
  return 0;
}
#endif

std::string iso_utc(std::int64_t s) {
  std::time_t t = static_cast<std::time_t>(s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S+00", &tm);
  return buf;
}

std::uint64_t be64(const char* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

int run_postgis(const char* conninfo, const char* queries, const char* out, bool exact) {
  auto windows = read_windows(queries);
  PGconn* conn = PQconnectdb(conninfo);
  if (PQstatus(conn) != CONNECTION_OK) {
    std::fprintf(stderr, "query_bench: cannot connect: %s", PQerrorMessage(conn));
    return 1;
  }
  // `&&` compares float4 boxes (rounded outwards), so a point a few 1e-6 degrees outside the
  // window can match; `exact` adds the exact test shikong makes.
  const char* sql = exact
                        ? "SELECT id, ST_AsBinary(geom), t, category, value, name FROM pts "
                          "WHERE geom && ST_MakeEnvelope($1,$2,$3,$4,4490) "
                          "AND ST_X(geom) BETWEEN $1 AND $3 AND ST_Y(geom) BETWEEN $2 AND $4 "
                          "AND t BETWEEN $5 AND $6"
                        : "SELECT id, ST_AsBinary(geom), t, category, value, name FROM pts "
                          "WHERE geom && ST_MakeEnvelope($1,$2,$3,$4,4490) AND t BETWEEN $5 AND $6";
  const Oid types[6] = {701, 701, 701, 701, 1184, 1184};  // float8 x4, timestamptz x2
  PGresult* prep = PQprepare(conn, "q", sql, 6, types);
  if (PQresultStatus(prep) != PGRES_COMMAND_OK) {
    std::fprintf(stderr, "query_bench: prepare failed: %s", PQerrorMessage(conn));
    return 1;
  }
  PQclear(prep);
  auto results = run_all(windows, [&](const Window& w) {
    char x0[32], y0[32], x1[32], y1[32];
    std::snprintf(x0, sizeof x0, "%.17g", w.min_x);
    std::snprintf(y0, sizeof y0, "%.17g", w.min_y);
    std::snprintf(x1, sizeof x1, "%.17g", w.max_x);
    std::snprintf(y1, sizeof y1, "%.17g", w.max_y);
    std::string t0 = iso_utc(w.start_s), t1 = iso_utc(w.end_s);
    const char* values[6] = {x0, y0, x1, y1, t0.c_str(), t1.c_str()};
    PGresult* r = PQexecPrepared(conn, "q", 6, values, nullptr, nullptr, 1);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      std::fprintf(stderr, "query_bench: query failed: %s", PQerrorMessage(conn));
      std::exit(1);
    }
    int rows = PQntuples(r);
    std::uint64_t sum = 0;
    for (int i = 0; i < rows; ++i) {
      sum += be64(PQgetvalue(r, i, 0));                         // id
      sum += static_cast<std::uint64_t>(PQgetlength(r, i, 1));  // WKB
      sum += be64(PQgetvalue(r, i, 2));                         // t
      sum += static_cast<std::uint64_t>(PQgetlength(r, i, 3));  // category
      sum += be64(PQgetvalue(r, i, 4));                         // value
      sum += static_cast<std::uint64_t>(PQgetlength(r, i, 5));  // name
    }
    g_sink = g_sink + sum;
    PQclear(r);
    return static_cast<std::int64_t>(rows);
  });
  PQfinish(conn);
  report(exact ? "postgis-exact" : "postgis", results, out);
  return 0;
}

int usage() {
  std::fprintf(stderr,
               "usage: query_bench shikong DATA_DIR DATASET QUERIES.tsv OUT.tsv\n"
               "       query_bench postgis CONNINFO QUERIES.tsv OUT.tsv [exact]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc >= 6 && std::strcmp(argv[1], "shikong") == 0) {
#ifdef SHIKONG_BENCH_HAVE_STORE
      return run_shikong(argv[2], argv[3], argv[4], argv[5]);
#else
      std::fprintf(stderr, "query_bench: built without shikong_storage_sqlite\n");
      return 1;
#endif
    }
    if (argc >= 5 && std::strcmp(argv[1], "postgis") == 0)
      return run_postgis(argv[2], argv[3], argv[4],
                         argc >= 6 && std::strcmp(argv[5], "exact") == 0);
    return usage();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "query_bench: %s\n", e.what());
    return 1;
  }
}
