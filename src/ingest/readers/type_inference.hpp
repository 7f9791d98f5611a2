// Schema inference for text-typed sources: each column's values are observed over the whole
// file and the narrowest type that holds all of them wins (integer, real, boolean, date,
// datetime, else text). Also the conversions of cell text to typed values used in the read pass.
#pragma once

#include <string>
#include <string_view>

#include "core/value.hpp"

namespace shikong::ingest {

// ASCII whitespace trimmed at both ends.
std::string_view trim(std::string_view s);

struct ColumnGuess {
  bool seen = false;  // at least one non-null value
  bool integer = true;
  bool real = true;
  bool boolean = true;
  bool temporal = true;
  bool time_of_day = false;  // some temporal value had a time of day

  // Observes one cell as text (an empty or blank cell is null and says nothing).
  void observe_text(std::string_view cell);
  // Observes a value of known JSON kind.
  void observe_integer() { boolean = temporal = false; }
  void observe_real() { integer = boolean = temporal = false; }
  void observe_boolean() { integer = real = temporal = false; }
  void observe_other() { integer = real = boolean = temporal = false; }
  FieldType result() const;
};

// Converts cell text to a value of `type` into `out` (reusing its string buffer). An empty or
// blank cell is null. Returns false when the text does not fit the type.
bool convert_text(std::string_view cell, FieldType type, Value& out);

// Parses a boolean spelled true/false, yes/no, 是/否 (ASCII case-insensitive).
bool parse_boolean(std::string_view s, bool& out);
// Parses a whole string as a finite double (leading '+' allowed, nan/inf refused).
bool parse_double(std::string_view s, double& out);
// Parses a whole string as an int64 (leading '+' allowed; leading zeros refused, since codes
// like "0101" must stay text).
bool parse_integer(std::string_view s, std::int64_t& out);

inline void set_text(Value& v, std::string_view s) {
  if (auto* str = std::get_if<std::string>(&v))
    str->assign(s.data(), s.size());
  else
    v.emplace<std::string>(s);
}

}  // namespace shikong::ingest
