// Reads a text file in large blocks as UTF-8: raw when it already is, through iconv when it is
// GBK/GB18030 or another declared encoding. Used by the CSV reader.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace shikong::ingest {

// True when the whole file is valid UTF-8 (a BOM is fine). Reads the file once in blocks.
bool is_utf8_file(const std::filesystem::path& file);

// Normalises encoding names ("gbk", "cp936", "GB2312" -> "GB18030"; "utf8" -> "UTF-8").
std::string canonical_encoding(std::string_view name);

class ByteSource {
 public:
  // `encoding` is a canonical name; "UTF-8" reads raw bytes. Throws InvalidInput for an
  // encoding iconv does not know.
  ByteSource(const std::filesystem::path& file, const std::string& encoding);
  ~ByteSource();
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  // Fills up to `cap` bytes of UTF-8 at dst; returns 0 at the end. A leading UTF-8 BOM is
  // dropped. Throws InvalidInput("invalid-encoding") on bytes that are not of the encoding.
  std::size_t read(char* dst, std::size_t cap);
  void rewind();
  std::uint64_t bytes_done() const { return raw_done_; }
  std::uint64_t bytes_total() const { return total_; }

 private:
  std::size_t read_raw(char* dst, std::size_t cap);

  std::FILE* file_ = nullptr;
  std::string encoding_;
  void* iconv_ = nullptr;    // iconv_t when transcoding
  std::vector<char> inbuf_;  // raw bytes waiting for conversion
  std::size_t in_begin_ = 0;
  std::size_t in_end_ = 0;
  bool raw_eof_ = false;
  bool at_start_ = true;
  std::uint64_t raw_done_ = 0;
  std::uint64_t total_ = 0;
};

}  // namespace shikong::ingest
