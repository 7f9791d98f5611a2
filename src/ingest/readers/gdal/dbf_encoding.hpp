// Guessing the text encoding of a shapefile's .dbf when no .cpg says it: Chinese shapefiles are
// very often GBK with a language driver id of 0, which GDAL would read as ISO-8859-1.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace shikong::ingest {

struct DbfTextStats {
  std::uint8_t ldid = 0;           // language driver id (header byte 29)
  bool non_ascii = false;          // some text byte >= 0x80
  bool valid_utf8 = true;          // every text value is UTF-8 (a cut-off last character allowed)
  bool valid_gb18030 = true;       // every text value is GB18030 byte sequences
  std::uint64_t gb_pairs = 0;      // two-byte GB sequences seen
  std::uint64_t gb2312_pairs = 0;  // ... of which both bytes are in 0xA1-0xFE (GB2312 proper)
};

// Reads the header and the character fields of up to `max_bytes` of records.
// Returns nullopt-like stats (ldid 0, all ASCII) for a file that is not a readable .dbf.
DbfTextStats scan_dbf_text(const std::filesystem::path& dbf, std::uint64_t max_bytes = 64ULL << 20);

// The ENCODING open option for the shapefile driver, or "" to keep GDAL's own choice (.cpg, or
// the language driver id). UTF-8 when the text is valid UTF-8; CP936 when the id says GBK;
// GB18030 when the id is 0 or "ANSI" and the bytes look like GB text.
std::string choose_dbf_encoding(const DbfTextStats& stats);

// True when the .dbf has a sound header and holds every record it announces. GDAL opens a
// shapefile whose .dbf is unreadable as if it had no attributes, silently.
bool dbf_is_complete(const std::filesystem::path& dbf);

// True when `s` is valid UTF-8; `allow_cut_end` accepts an incomplete last sequence.
bool is_valid_utf8(std::string_view s, bool allow_cut_end = false);

}  // namespace shikong::ingest
