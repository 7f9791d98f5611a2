// Helpers for the ingest_gdal tests: building zip archives (hostile ones too) and reading files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace shikong::ingest::test {

struct ZipItem {
  std::string name;
  std::string data;
  std::uint32_t unix_mode = 0;  // e.g. S_IFLNK | 0777; 0 = leave libzip's default
  bool store = false;           // no compression
};

// Writes a zip archive with exactly these entries (names are not checked: that is the point).
void write_zip(const std::filesystem::path& zip, const std::vector<ZipItem>& items);
std::string read_file(const std::filesystem::path& file);
void write_file(const std::filesystem::path& file, const std::string& data);
std::filesystem::path shared_data(const std::string& name);

// The code of the shikong::Error that f throws, or "no error".
template <typename F>
std::string error_code_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return "no error";
}

}  // namespace shikong::ingest::test
