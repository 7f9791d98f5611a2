// A small, fast JSON text builder for responses (API documents, GeoJSON) without a DOM.
// It handles commas and nesting; strings are escaped (invalid UTF-8 becomes U+FFFD) and
// doubles are written in their shortest round-trip form (NaN and infinities become null).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/utf8.hpp"

namespace shikong::protocol {

// The one JSON string escaper lives in core/utf8.hpp.
using shikong::append_json_string;
// Appends a JSON number for `v` (shortest round-trip; "null" for NaN or infinity).
void append_json_number(std::string& out, double v);
// `s` as a quoted JSON string.
std::string json_quote(std::string_view s);

class JsonWriter {
 public:
  JsonWriter() = default;
  explicit JsonWriter(std::size_t reserve) { out_.reserve(reserve); }

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // Inside an object: the member name; the next call writes its value.
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view s);
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(double v);
  JsonWriter& value(bool b);
  JsonWriter& value(std::nullptr_t) { return null(); }
  template <typename T>
  requires(std::is_integral_v<T> && !std::is_same_v<T, bool>) JsonWriter& value(T v) {
    if constexpr (std::is_signed_v<T>) {
      return integer(static_cast<std::int64_t>(v));
    } else {
      return unsigned_integer(static_cast<std::uint64_t>(v));
    }
  }
  JsonWriter& null();
  // A complete JSON value already encoded by the caller (e.g. a GeoJSON geometry).
  JsonWriter& raw(std::string_view json);

  // key(name) followed by value(v).
  template <typename T>
  JsonWriter& member(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

  const std::string& str() const { return out_; }
  std::size_t size() const { return out_.size(); }
  // True when every object and array opened has been closed.
  bool complete() const { return stack_.empty(); }
  // Moves the text written so far out while keeping the nesting state, so a streamed response
  // can send a long document piece by piece.
  std::string take();
  void clear();

 private:
  JsonWriter& integer(std::int64_t v);
  JsonWriter& unsigned_integer(std::uint64_t v);
  void before_value();
  void open(char c, bool is_object);
  void close(char c, bool is_object);

  struct Level {
    bool is_object = false;
    bool first = true;
  };
  std::string out_;
  std::vector<Level> stack_;
  bool after_key_ = false;
};

}  // namespace shikong::protocol
