// Block reads and transcoding to UTF-8 for the text readers.
#include "ingest/readers/byte_source.hpp"

#include <fmt/format.h>
#include <iconv.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "core/error.hpp"
#include "core/log.hpp"

namespace shikong::ingest {

namespace {

constexpr std::size_t kBlock = 1 << 20;

std::FILE* open_file(const std::filesystem::path& file) {
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (!f) throw InvalidInput("file-not-found", "The input file cannot be opened.", "file");
  std::setvbuf(f, nullptr, _IONBF, 0);  // we read in large blocks ourselves
  return f;
}

// Length of an incomplete UTF-8 sequence at the end of [p, p+n), 0 if the end is complete.
std::size_t incomplete_tail(const char* p, std::size_t n) {
  for (std::size_t back = 1; back <= 3 && back <= n; ++back) {
    auto c = static_cast<unsigned char>(p[n - back]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte: look further back
    std::size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

}  // namespace

bool is_utf8_file(const std::filesystem::path& file) {
  std::FILE* f = open_file(file);
  std::vector<char> buf(kBlock * 4 + 4);
  std::size_t carry = 0;
  bool ok = true;
  for (;;) {
    std::size_t n = std::fread(buf.data() + carry, 1, buf.size() - carry, f);
    if (n == 0) {
      ok = carry == 0;  // a truncated sequence at the very end is not UTF-8
      break;
    }
    std::size_t len = carry + n;
    std::size_t tail = incomplete_tail(buf.data(), len);
    if (!simdjson::validate_utf8(buf.data(), len - tail)) {
      ok = false;
      break;
    }
    std::memmove(buf.data(), buf.data() + len - tail, tail);
    carry = tail;
  }
  std::fclose(f);
  return ok;
}

std::string canonical_encoding(std::string_view name) {
  std::string s;
  for (char c : name)
    if (c != '-' && c != '_' && c != ' ')
      s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (s.empty() || s == "UTF8" || s == "UTF8BOM" || s == "UTF8SIG") return "UTF-8";
  if (s == "GBK" || s == "CP936" || s == "GB2312" || s == "GB18030" || s == "EUCCN" || s == "936")
    return "GB18030";
  if (s == "LATIN1" || s == "ISO88591") return "ISO-8859-1";
  if (s == "BIG5") return "BIG5";
  return std::string(name);
}

ByteSource::ByteSource(const std::filesystem::path& file, const std::string& encoding)
    : encoding_(encoding) {
  if (encoding_ != "UTF-8") {
    iconv_t cd = iconv_open("UTF-8", encoding_.c_str());
    if (cd == reinterpret_cast<iconv_t>(-1))
      throw InvalidInput("unknown-encoding", "The text encoding named is not supported.",
                         "encoding");
    iconv_ = cd;
    inbuf_.resize(kBlock);
  }
  file_ = open_file(file);
  std::error_code ec;
  total_ = std::filesystem::file_size(file, ec);
}

ByteSource::~ByteSource() {
  if (iconv_) iconv_close(static_cast<iconv_t>(iconv_));
  if (file_) std::fclose(file_);
}

void ByteSource::rewind() {
  std::rewind(file_);
  raw_done_ = 0;
  raw_eof_ = false;
  at_start_ = true;
  in_begin_ = in_end_ = 0;
  if (iconv_) iconv(static_cast<iconv_t>(iconv_), nullptr, nullptr, nullptr, nullptr);
}

std::size_t ByteSource::read_raw(char* dst, std::size_t cap) {
  std::size_t n = std::fread(dst, 1, cap, file_);
  if (n == 0 && std::ferror(file_))
    throw InternalError("read-failed", "The input file could not be read.");
  raw_done_ += n;
  return n;
}

std::size_t ByteSource::read(char* dst, std::size_t cap) {
  std::size_t n = 0;
  if (!iconv_) {
    n = read_raw(dst, cap);
  } else {
    // Convert what is buffered; refill the input when it runs dry or ends mid-character.
    for (;;) {
      if (in_begin_ == in_end_ || (n == 0 && !raw_eof_ && in_end_ - in_begin_ < 8)) {
        std::memmove(inbuf_.data(), inbuf_.data() + in_begin_, in_end_ - in_begin_);
        in_end_ -= in_begin_;
        in_begin_ = 0;
        if (!raw_eof_) {
          std::size_t got = read_raw(inbuf_.data() + in_end_, inbuf_.size() - in_end_);
          if (got == 0) raw_eof_ = true;
          in_end_ += got;
        }
      }
      if (in_begin_ == in_end_) break;
      char* in = inbuf_.data() + in_begin_;
      std::size_t in_left = in_end_ - in_begin_;
      char* out = dst + n;
      std::size_t out_left = cap - n;
      std::size_t r = iconv(static_cast<iconv_t>(iconv_), &in, &in_left, &out, &out_left);
      int err = errno;
      in_begin_ = static_cast<std::size_t>(in - inbuf_.data());
      n = static_cast<std::size_t>(out - dst);
      if (r != static_cast<std::size_t>(-1)) {
        if (raw_eof_ && in_begin_ == in_end_) break;
        if (n > 0) break;
        continue;
      }
      if (err == E2BIG) break;
      if (err == EINVAL && !raw_eof_) {
        if (n > 0) break;
        continue;  // incomplete character at the end of the block: read more
      }
      std::uint64_t offset = raw_done_ - (in_end_ - in_begin_);
      throw InvalidInput("invalid-encoding",
                         fmt::format("The file is not valid {} text (byte {}).", encoding_, offset),
                         "encoding");
    }
  }
  if (at_start_ && n > 0) {
    at_start_ = false;
    if (n >= 3 && std::memcmp(dst, "\xEF\xBB\xBF", 3) == 0) {
      std::memmove(dst, dst + 3, n - 3);
      n -= 3;
      if (n == 0) return read(dst, cap);
    }
  }
  return n;
}

}  // namespace shikong::ingest
