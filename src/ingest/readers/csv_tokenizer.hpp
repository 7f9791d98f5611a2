// RFC 4180 record splitter over a ByteSource: quoted fields with doubled quotes and embedded
// newlines, CRLF or LF line ends, line numbers of each record. Fields are views into the
// tokenizer's buffer, valid until the next call.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "ingest/readers/byte_source.hpp"

namespace shikong::ingest {

class CsvTokenizer {
 public:
  CsvTokenizer(ByteSource& source, char delimiter);

  // Reads the next non-blank record; false at the end. `line` is the record's first line.
  // `malformed` is set when a quoted field has text after its closing quote.
  bool next(std::vector<std::string_view>& fields, std::int64_t& line, bool& malformed);
  void rewind();

 private:
  bool refill();

  struct Span {
    std::uint32_t begin;
    std::uint32_t length;
    bool escaped;  // holds doubled quotes to collapse
    bool quoted;
  };

  ByteSource& source_;
  char delim_;
  std::vector<char> buf_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
  std::int64_t line_ = 1;
  std::vector<Span> spans_;
  bool is_special_[256] = {};
};

}  // namespace shikong::ingest
