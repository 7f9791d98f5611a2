// Test helpers: zip writing through libzip, whole-file reads and writes.
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <zip.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace shikong::ingest::test {

void write_zip(const std::filesystem::path& zip, const std::vector<ZipItem>& items) {
  int err = 0;
  zip_t* za = zip_open(zip.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (!za) throw std::runtime_error("zip_open failed");
  for (const auto& item : items) {
    zip_source_t* src = zip_source_buffer(za, item.data.data(), item.data.size(), 0);
    zip_int64_t idx = zip_file_add(za, item.name.c_str(), src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) throw std::runtime_error("zip_file_add failed for " + item.name);
    if (item.store) zip_set_file_compression(za, static_cast<zip_uint64_t>(idx), ZIP_CM_STORE, 0);
    if (item.unix_mode != 0)
      zip_file_set_external_attributes(za, static_cast<zip_uint64_t>(idx), 0, ZIP_OPSYS_UNIX,
                                       item.unix_mode << 16);
  }
  if (zip_close(za) != 0) throw std::runtime_error("zip_close failed");
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::filesystem::path& file, const std::string& data) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

std::filesystem::path shared_data(const std::string& name) {
  return std::filesystem::path(SHIKONG_SHARED_DATA) / name;
}

}  // namespace shikong::ingest::test
