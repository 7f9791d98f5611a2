// Helpers for the ingest tests: read every record of a file, temporary directories.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "ingest/reader.hpp"

namespace shikong::ingest::test {

inline std::filesystem::path shared(const char* name) {
  return std::filesystem::path(SHIKONG_SHARED_DATA) / name;
}
inline std::filesystem::path data(const char* name) {
  return std::filesystem::path(SHIKONG_TEST_DATA) / "ingest" / name;
}

inline std::vector<RawRecord> read_all(Reader& r) {
  std::vector<RawRecord> out;
  RawRecord rec;
  while (r.next(rec)) out.push_back(rec);
  return out;
}

// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("shikong-ingest-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path write(const std::string& name, const std::string& bytes) const {
    auto p = path_ / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }

 private:
  std::filesystem::path path_;
};

inline FieldType type_of(const Reader& r, const std::string& name) {
  auto i = r.schema().find(name);
  EXPECT_TRUE(i.has_value()) << name;
  return i ? r.schema().fields[*i].type : FieldType::text;
}

template <typename T>
T get(const RawRecord& rec, const Reader& r, const std::string& name) {
  auto i = r.schema().find(name);
  EXPECT_TRUE(i.has_value()) << name;
  EXPECT_TRUE(std::holds_alternative<T>(rec.values.at(*i))) << name;
  return std::get<T>(rec.values.at(*i));
}

}  // namespace shikong::ingest::test
