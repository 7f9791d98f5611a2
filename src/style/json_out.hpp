// Small JSON output helpers shared by the style document writer and the MapLibre export (the
// style layer may not use protocol::JsonWriter): numbers that read back to the same double.
#pragma once

#include <charconv>
#include <cmath>
#include <string>
#include <string_view>

#include "core/utf8.hpp"

namespace shikong::style::detail {

// The shortest text that parses back to `v`; integral values keep a ".0" when `keep_real` so a
// reader can tell a real from an integer. Non-finite values are written as null (JSON has none).
inline void append_number(std::string& out, double v, bool keep_real = false) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  if (v == 0) v = 0;  // no "-0"
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string_view text(buf, static_cast<std::size_t>(end - buf));
  out += text;
  if (keep_real && text.find_first_of(".eE") == std::string_view::npos) out += ".0";
}

inline void append_string(std::string& out, std::string_view s) {
  append_json_string(out, s);
}

// Appends `"key":` after a comma unless the object was just opened.
inline void append_key(std::string& out, std::string_view key) {
  if (!out.empty() && out.back() != '{' && out.back() != '[') out += ',';
  append_json_string(out, key);
  out += ':';
}

}  // namespace shikong::style::detail
