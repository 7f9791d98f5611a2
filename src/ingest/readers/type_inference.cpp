// Cell classification and conversion shared by the CSV and GeoJSON readers.
#include "ingest/readers/type_inference.hpp"

#include <charconv>
#include <cmath>

#include "datum/time.hpp"

namespace shikong::ingest {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

bool is_digit_string(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

datum::TimeParseOptions inference_options() {
  datum::TimeParseOptions o;
  o.allow_unix = false;  // plain integers are numbers, not seconds since 1970
  return o;
}

}  // namespace

std::string_view trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n'))
    --e;
  return s.substr(b, e - b);
}

bool parse_boolean(std::string_view s, bool& out) {
  if (iequals(s, "true") || iequals(s, "yes") || s == "是") {
    out = true;
    return true;
  }
  if (iequals(s, "false") || iequals(s, "no") || s == "否") {
    out = false;
    return true;
  }
  return false;
}

bool parse_double(std::string_view s, double& out) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc() && p == end && std::isfinite(out);
}

bool parse_integer(std::string_view s, std::int64_t& out) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  std::size_t digits_at = s[0] == '-' ? 1 : 0;
  if (s.size() > digits_at + 1 && s[digits_at] == '0') return false;
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc() && p == end;
}

void ColumnGuess::observe_text(std::string_view cell) {
  cell = trim(cell);
  if (cell.empty()) return;
  seen = true;
  if (integer || real) {
    std::int64_t i;
    double d;
    if (parse_integer(cell, i)) {
      boolean = temporal = false;
      return;  // an integer fits an integer or a real column alike
    }
    integer = false;
    if (is_digit_string(cell)) {
      // Leading zeros or more digits than int64 holds: a code, kept as written.
      real = boolean = temporal = false;
      return;
    }
    if (real && parse_double(cell, d)) {
      boolean = temporal = false;
      return;
    }
    real = false;
  }
  if (boolean) {
    bool b;
    if (parse_boolean(cell, b)) {
      temporal = false;
      return;
    }
    boolean = false;
  }
  if (temporal) {
    auto t = datum::parse_time(cell, inference_options());
    if (!t) {
      temporal = false;
      return;
    }
    if (!t->date_only) time_of_day = true;
  }
}

FieldType ColumnGuess::result() const {
  if (!seen) return FieldType::text;
  if (integer) return FieldType::integer;
  if (real) return FieldType::real;
  if (boolean) return FieldType::boolean;
  if (temporal) return time_of_day ? FieldType::datetime : FieldType::date;
  return FieldType::text;
}

bool convert_text(std::string_view cell, FieldType type, Value& out) {
  if (type == FieldType::text) {
    if (cell.empty()) {
      out = std::monostate{};
      return true;
    }
    set_text(out, cell);
    return true;
  }
  cell = trim(cell);
  if (cell.empty()) {
    out = std::monostate{};
    return true;
  }
  switch (type) {
    case FieldType::integer: {
      std::int64_t i;
      if (!parse_integer(cell, i)) return false;
      out = i;
      return true;
    }
    case FieldType::real: {
      double d;
      if (!parse_double(cell, d)) return false;
      out = d;
      return true;
    }
    case FieldType::boolean: {
      bool b;
      if (!parse_boolean(cell, b)) return false;
      out = b;
      return true;
    }
    case FieldType::date: {
      // The calendar date as written: parse in UTC so midnight falls on a day boundary.
      auto o = inference_options();
      o.zone = datum::Zone{0, "UTC"};
      auto t = datum::parse_time(cell, o);
      if (!t) return false;
      std::int64_t day = t->instant.micros / 86'400'000'000LL;
      if (t->instant.micros < 0 && t->instant.micros % 86'400'000'000LL != 0) --day;
      out = Date{static_cast<std::int32_t>(day)};
      return true;
    }
    case FieldType::datetime: {
      auto t = datum::parse_time(cell, inference_options());
      if (!t) return false;
      out = t->instant;
      return true;
    }
    case FieldType::text:
      break;
  }
  return false;
}

}  // namespace shikong::ingest
