// User and group name rules and the Referer host, kept apart from the facade so each rule is
// tested alone.
#include "security/names.hpp"

#include <cstdint>

#include "core/ascii.hpp"
#include "core/utf8.hpp"

namespace shikong::security {

namespace {

// Letter blocks accepted beyond ASCII: an allow list, since names are identities and a
// symbol, space or invisible character must never make two names look alike.
bool is_letter(std::uint32_t c) {
  struct Range {
    std::uint32_t lo, hi;
  };
  static constexpr Range kLetters[] = {
      {0x00C0, 0x00D6},   {0x00D8, 0x00F6}, {0x00F8, 0x024F},  // Latin-1, Extended A/B
      {0x0386, 0x0386},   {0x0388, 0x03FF},                    // Greek
      {0x0400, 0x0481},   {0x048A, 0x052F},                    // Cyrillic
      {0x05D0, 0x05EA},                                        // Hebrew
      {0x0620, 0x064A},                                        // Arabic
      {0x0904, 0x0939},                                        // Devanagari
      {0x0E01, 0x0E30},                                        // Thai
      {0x1E00, 0x1EFF},                                        // Latin Extended Additional
      {0x3041, 0x3096},   {0x30A1, 0x30FA}, {0x30FC, 0x30FC},  // kana
      {0x3400, 0x4DBF},   {0x4E00, 0x9FFF}, {0xF900, 0xFAFF},  // CJK ideographs
      {0xAC00, 0xD7A3},                                        // Hangul syllables
      {0x20000, 0x2FA1F},                                      // CJK extensions B-F
  };
  for (const Range& r : kLetters)
    if (c >= r.lo && c <= r.hi) return true;
  return false;
}

bool is_ascii_name_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// Counts the code points of `s` if every one is allowed; -1 otherwise.
int count_name_chars(std::string_view s) {
  int n = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (!is_ascii_name_char(b)) return -1;
      ++i;
    } else {
      const std::size_t len = utf8_sequence_length(s, i);
      if (len == 0) return -1;
      std::uint32_t c = b & (len == 2 ? 0x1Fu : len == 3 ? 0x0Fu : 0x07u);
      for (std::size_t k = 1; k < len; ++k)
        c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
      if (!is_letter(c)) return -1;
      i += len;
    }
    ++n;
  }
  return n;
}

}  // namespace

bool valid_user_name(std::string_view name) {
  if (name.size() > 64 * 4) return false;
  const int n = count_name_chars(name);
  if (n < 3 || n > 64) return false;
  return !ascii_iequals(name, "anonymous") && !ascii_iequals(name, "system");
}

bool valid_group_name(std::string_view name) {
  if (name.size() > 64 * 4) return false;
  const int n = count_name_chars(name);
  return n >= 1 && n <= 64;
}

std::string referer_host(std::string_view referer) {
  std::string_view rest = referer;
  if (auto scheme = rest.find("://"); scheme != std::string_view::npos)
    rest.remove_prefix(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    rest = close == std::string_view::npos ? std::string_view{} : rest.substr(0, close + 1);
  } else {
    rest = rest.substr(0, rest.find(':'));
  }
  if (rest.size() > 255) return {};
  std::string host(rest);
  for (char& c : host)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return host;
}

}  // namespace shikong::security
