// .dbf text encoding detection: the language driver id plus a scan of the character fields.
#include "ingest/readers/gdal/dbf_encoding.hpp"

#include <fstream>
#include <vector>

namespace shikong::ingest {

namespace {

// Length of the UTF-8 sequence starting at lead byte c (0 when c cannot start one).
int utf8_length(unsigned char c) {
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return 2;
  if (c >= 0xE0 && c <= 0xEF) return 3;
  if (c >= 0xF0 && c <= 0xF4) return 4;
  return 0;
}

// GB18030: one byte 0x00-0x7F; two bytes 81-FE + 40-7E/80-FE; four bytes 81-FE 30-39 81-FE 30-39.
void scan_gb18030(std::string_view s, DbfTextStats& st) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (c == 0x80 || c == 0xFF || i + 1 >= s.size()) {
      st.valid_gb18030 = false;
      return;
    }
    auto d = static_cast<unsigned char>(s[i + 1]);
    if ((d >= 0x40 && d <= 0x7E) || (d >= 0x80 && d <= 0xFE)) {
      ++st.gb_pairs;
      if (c >= 0xA1 && d >= 0xA1) ++st.gb2312_pairs;
      i += 2;
      continue;
    }
    if (d >= 0x30 && d <= 0x39 && i + 3 < s.size()) {
      auto e = static_cast<unsigned char>(s[i + 2]);
      auto f = static_cast<unsigned char>(s[i + 3]);
      if (e >= 0x81 && e <= 0xFE && f >= 0x30 && f <= 0x39) {
        i += 4;
        continue;
      }
    }
    st.valid_gb18030 = false;
    return;
  }
}

std::uint32_t le32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}
std::uint16_t le16(const unsigned char* p) {
  return static_cast<std::uint16_t>(p[0] | p[1] << 8);
}

}  // namespace

bool is_valid_utf8(std::string_view s, bool allow_cut_end) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    int n = utf8_length(c);
    if (n == 0) return false;
    if (i + static_cast<std::size_t>(n) > s.size()) {
      // A fixed-width field may cut the last character; the rest must still be continuations.
      if (!allow_cut_end) return false;
      for (std::size_t k = i + 1; k < s.size(); ++k)
        if ((static_cast<unsigned char>(s[k]) & 0xC0) != 0x80) return false;
      return true;
    }
    for (int k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0xC0) != 0x80)
        return false;
    if (n == 3) {
      auto d = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xE0 && d < 0xA0) || (c == 0xED && d > 0x9F)) return false;  // overlong, surrogate
    } else if (n == 4) {
      auto d = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xF0 && d < 0x90) || (c == 0xF4 && d > 0x8F)) return false;
    }
    i += static_cast<std::size_t>(n);
  }
  return true;
}

DbfTextStats scan_dbf_text(const std::filesystem::path& dbf, std::uint64_t max_bytes) {
  DbfTextStats st;
  std::ifstream in(dbf, std::ios::binary);
  unsigned char head[32];
  if (!in.read(reinterpret_cast<char*>(head), sizeof head)) return st;
  st.ldid = head[29];
  std::uint32_t records = le32(head + 4);
  std::uint16_t header_len = le16(head + 8);
  std::uint16_t record_len = le16(head + 10);
  if (header_len < 33 || record_len < 1) return st;

  struct TextField {
    std::size_t offset;
    std::size_t length;
  };
  std::vector<TextField> text;
  std::size_t offset = 1;  // the deletion flag comes first
  for (std::size_t pos = 32; pos + 32 <= header_len; pos += 32) {
    unsigned char fd[32];
    if (!in.read(reinterpret_cast<char*>(fd), sizeof fd) || fd[0] == 0x0D) break;
    std::size_t len = fd[16];
    if (fd[11] == 'C') {
      len = fd[16] | static_cast<std::size_t>(fd[17]) << 8;  // long character fields use both
      if (offset + len <= record_len) text.push_back({offset, len});
    }
    offset += len;
  }
  if (text.empty()) return st;

  in.seekg(header_len);
  std::string rec(record_len, '\0');
  std::uint64_t read = 0;
  for (std::uint32_t r = 0; r < records && read < max_bytes; ++r) {
    if (!in.read(rec.data(), record_len)) break;
    read += record_len;
    for (const auto& f : text) {
      std::string_view v(rec.data() + f.offset, f.length);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\0')) v.remove_suffix(1);
      bool high = false;
      for (char c : v)
        if (static_cast<unsigned char>(c) >= 0x80) high = true;
      if (!high) continue;
      st.non_ascii = true;
      if (st.valid_utf8 && !is_valid_utf8(v, true)) st.valid_utf8 = false;
      if (st.valid_gb18030) scan_gb18030(v, st);
    }
  }
  return st;
}

bool dbf_is_complete(const std::filesystem::path& dbf) {
  std::ifstream in(dbf, std::ios::binary);
  unsigned char head[32];
  if (!in.read(reinterpret_cast<char*>(head), sizeof head)) return false;
  std::uint64_t records = le32(head + 4);
  std::uint64_t header_len = le16(head + 8);
  std::uint64_t record_len = le16(head + 10);
  if (header_len < 33 || record_len < 1) return false;
  std::error_code ec;
  std::uint64_t size = std::filesystem::file_size(dbf, ec);
  return !ec && size >= header_len + records * record_len;
}

std::string choose_dbf_encoding(const DbfTextStats& st) {
  if (!st.non_ascii) return "";
  if (st.valid_utf8) return "UTF-8";
  // 0x4D and 0x7A are the ids of code page 936 (GBK).
  if (st.ldid == 0x4D || st.ldid == 0x7A) return "CP936";
  // 0 says nothing and 0x57 is "the Windows ANSI code page", which is 936 on Chinese systems.
  // Latin-1 text also passes as GB18030 byte pairs, but there the second byte is mostly ASCII;
  // in Chinese text both bytes are nearly always in GB2312's 0xA1-0xFE rows.
  if ((st.ldid == 0 || st.ldid == 0x57) && st.valid_gb18030 && st.gb_pairs > 0 &&
      st.gb2312_pairs * 10 >= st.gb_pairs * 8)
    return "GB18030";
  return "";
}

}  // namespace shikong::ingest
