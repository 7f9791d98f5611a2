// The CSV record splitter: scans a whole record before building views, so a record cut by the
// end of the buffer is simply rescanned after the buffer is refilled.
#include "ingest/readers/csv_tokenizer.hpp"

#include <algorithm>
#include <cstring>

#include "core/error.hpp"

namespace shikong::ingest {

namespace {
constexpr std::size_t kInitialBuffer = 4 << 20;
constexpr std::size_t kMaxRecord = 256 << 20;  // one record larger than this is not a table
}  // namespace

CsvTokenizer::CsvTokenizer(ByteSource& source, char delimiter)
    : source_(source), delim_(delimiter), buf_(kInitialBuffer) {
  is_special_[static_cast<unsigned char>(delimiter)] = true;
  is_special_[static_cast<unsigned char>('\n')] = true;
  is_special_[static_cast<unsigned char>('\r')] = true;
}

void CsvTokenizer::rewind() {
  source_.rewind();
  pos_ = end_ = 0;
  eof_ = false;
  line_ = 1;
}

// Returns true when the buffer changed (moved, grew or got more bytes): views and offsets
// taken before are then stale and the caller rescans its record.
bool CsvTokenizer::refill() {
  if (eof_) return false;
  bool moved = false;
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
    moved = true;
  } else if (end_ == buf_.size()) {
    if (buf_.size() >= kMaxRecord)
      throw InvalidInput("record-too-long", "A CSV record is larger than 256 MiB.", "file");
    buf_.resize(buf_.size() * 2);
    moved = true;
  }
  std::size_t n = source_.read(buf_.data() + end_, buf_.size() - end_);
  if (n == 0) eof_ = true;
  end_ += n;
  return moved || n > 0;
}

bool CsvTokenizer::next(std::vector<std::string_view>& fields, std::int64_t& line,
                        bool& malformed) {
  for (;;) {
  restart:
    while (pos_ == end_)
      if (!refill()) return false;
    const char* b = buf_.data();
    std::size_t i = pos_;
    std::size_t newlines = 0;
    bool bad = false;
    spans_.clear();
    for (;;) {
      // One field starting at i.
      if (i < end_ && b[i] == '"') {
        std::size_t content = i + 1;
        std::size_t j = content;
        bool escaped = false;
        for (;;) {
          const void* q = j < end_ ? std::memchr(b + j, '"', end_ - j) : nullptr;
          if (!q) {
            if (refill()) goto restart;
            // Unterminated quote at the end of the file: take the rest as the field.
            newlines += static_cast<std::size_t>(std::count(b + content, b + end_, '\n'));
            spans_.push_back({static_cast<std::uint32_t>(content - pos_),
                              static_cast<std::uint32_t>(end_ - content), escaped, true});
            bad = true;
            i = end_;
            goto record_done;
          }
          std::size_t qi = static_cast<std::size_t>(static_cast<const char*>(q) - b);
          if (qi + 1 == end_ && !eof_) {
            if (refill()) goto restart;
          }
          if (qi + 1 < end_ && b[qi + 1] == '"') {
            escaped = true;
            j = qi + 2;
            continue;
          }
          newlines += static_cast<std::size_t>(std::count(b + content, b + qi, '\n'));
          spans_.push_back({static_cast<std::uint32_t>(content - pos_),
                            static_cast<std::uint32_t>(qi - content), escaped, true});
          i = qi + 1;
          break;
        }
        // Anything between the closing quote and the delimiter is malformed and dropped.
        while (i < end_ && !is_special_[static_cast<unsigned char>(b[i])]) {
          bad = true;
          ++i;
        }
      } else {
        std::size_t start = i;
        while (i < end_ && !is_special_[static_cast<unsigned char>(b[i])]) ++i;
        spans_.push_back({static_cast<std::uint32_t>(start - pos_),
                          static_cast<std::uint32_t>(i - start), false, false});
      }
      if (i == end_) {
        if (!eof_ && refill()) goto restart;
        break;  // last record without a line end
      }
      char c = b[i];
      if (c == delim_) {
        ++i;
        if (i == end_ && !eof_ && refill()) goto restart;
        continue;
      }
      // Line end: LF, CRLF or a lone CR.
      ++i;
      if (c == '\r') {
        if (i == end_ && !eof_ && refill()) goto restart;
        if (i < end_ && b[i] == '\n') ++i;
      }
      ++newlines;
      break;
    }
  record_done:
    std::size_t start = pos_;
    pos_ = i;
    line = line_;
    line_ += static_cast<std::int64_t>(newlines);
    // A blank line is not a record.
    if (spans_.size() == 1 && spans_[0].length == 0 && !spans_[0].quoted) continue;
    fields.clear();
    char* base = buf_.data() + start;
    for (const Span& s : spans_) {
      char* f = base + s.begin;
      std::size_t len = s.length;
      if (s.escaped) {  // collapse "" to " in place; the record is never rescanned
        std::size_t w = 0;
        for (std::size_t r = 0; r < len; ++r) {
          f[w++] = f[r];
          if (f[r] == '"' && r + 1 < len && f[r + 1] == '"') ++r;
        }
        len = w;
      }
      fields.emplace_back(f, len);
    }
    malformed = bad;
    return true;
  }
}

}  // namespace shikong::ingest
