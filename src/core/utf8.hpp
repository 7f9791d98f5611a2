// UTF-8 well-formedness and the one JSON string escaper, shared by every JSON and XML encoder.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace shikong {

// Length of the well-formed UTF-8 sequence starting at s[i] (RFC 3629: no overlongs, no
// surrogates, nothing above U+10FFFF), or 0 if s[i] does not start one. s[i] must be >= 0x80.
inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  const std::size_t left = s.size() - i;
  auto cont = [&](std::size_t k) {
    return (static_cast<unsigned char>(s[i + k]) & 0xC0u) == 0x80u;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) return left >= 2 && cont(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (left < 3 || !cont(1) || !cont(2)) return 0;
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b0 == 0xE0 && b1 < 0xA0) return 0;  // overlong
    if (b0 == 0xED && b1 > 0x9F) return 0;  // surrogate
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (left < 4 || !cont(1) || !cont(2) || !cont(3)) return 0;
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b0 == 0xF0 && b1 < 0x90) return 0;  // overlong
    if (b0 == 0xF4 && b1 > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

// Whether all of `s` is well-formed UTF-8 (the rule of utf8_sequence_length).
inline bool is_well_formed_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

inline constexpr std::string_view kUtf8Replacement = "\xEF\xBF\xBD";  // U+FFFD

// Appends `s` as a quoted JSON string (RFC 8259): quotes, backslashes and control characters
// escaped, bytes that are not well-formed UTF-8 replaced by U+FFFD so the output stays valid.
void append_json_string(std::string& out, std::string_view s);

// The JSON pointer (RFC 6901) of member `key` below `base`: "~" and "/" in the key are escaped.
std::string json_pointer(std::string_view base, std::string_view key);

}  // namespace shikong
