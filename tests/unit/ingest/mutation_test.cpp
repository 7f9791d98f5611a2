// Readers of untrusted uploads under mutated input: every damaged file must either read or fail
// with one of shikong's typed errors; never a crash, a hang or a foreign exception.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "core/error.hpp"
#include "test_util.hpp"

namespace shikong::ingest {
namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Flips, deletes, duplicates and inserts bytes (structural characters favoured).
std::string mutate(std::string s, std::mt19937& rng) {
  static const std::string special = "{}[]\",:;\n\r\t\\\x1e\"0-.eE";
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int k = 0; k < edits && !s.empty(); ++k) {
    std::size_t at = rng() % s.size();
    switch (rng() % 4) {
      case 0:
        s[at] = special[rng() % special.size()];
        break;
      case 1:
        s.erase(at, 1 + rng() % 8);
        break;
      case 2:
        s.insert(at, s.substr(at, rng() % 16));
        break;
      default:
        s[at] = static_cast<char>(rng() & 0xFF);
        break;
    }
  }
  return s;
}

void run_mutations(const std::filesystem::path& original, const std::string& name, int rounds) {
  std::string text = slurp(original);
  ASSERT_FALSE(text.empty());
  std::mt19937 rng(20240601);
  test::TempDir dir;
  int read_ok = 0, refused = 0;
  for (int i = 0; i < rounds; ++i) {
    auto p = dir.write(name, mutate(text, rng));
    try {
      auto r = open_reader(p, ImportOptions{});
      RawRecord rec;
      std::int64_t n = 0;
      while (r->next(rec)) {
        ASSERT_EQ(rec.values.size(), r->schema().size());
        ASSERT_EQ(rec.number, ++n);
      }
      ++read_ok;
    } catch (const Error&) {
      ++refused;
    } catch (const std::exception& e) {
      FAIL() << "round " << i << ": untyped exception: " << e.what();
    }
  }
  EXPECT_EQ(read_ok + refused, rounds);
}

TEST(Mutation, GeoJsonCollection) {
  run_mutations(test::data("broken_geometry.geojson"), "m.geojson", 400);
}
TEST(Mutation, NdJson) {
  run_mutations(test::data("points.ndjson"), "m.ndjson", 400);
}
TEST(Mutation, GeoJsonProvinces) {
  run_mutations(test::shared("china_provinces_echarts.geojson"), "m.geojson", 30);
}
TEST(Mutation, CsvQuoted) {
  run_mutations(test::data("quoted_newlines.csv"), "m.csv", 400);
}
TEST(Mutation, CsvWkt) {
  run_mutations(test::data("wkt.csv"), "m.csv", 400);
}
TEST(Mutation, CsvGbk) {
  run_mutations(test::data("gbk.csv"), "m.csv", 400);
}

}  // namespace
}  // namespace shikong::ingest
