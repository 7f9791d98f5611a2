// JsonWriter and the JSON string/number encoders.
#include "protocol/json_writer.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "core/utf8.hpp"

namespace shikong::protocol {
void append_json_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out.append("null");
    return;
  }
  fmt::format_to(std::back_inserter(out), "{}", v);
}

std::string json_quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  append_json_string(out, s);
  return out;
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!stack_.empty()) {
    Level& top = stack_.back();
    if (top.is_object) throw std::logic_error("JsonWriter: value inside an object needs a key");
    if (!top.first) out_.push_back(',');
    top.first = false;
  }
}

void JsonWriter::open(char c, bool is_object) {
  before_value();
  out_.push_back(c);
  stack_.push_back(Level{is_object, true});
}

void JsonWriter::close(char c, bool is_object) {
  if (stack_.empty() || stack_.back().is_object != is_object || after_key_) {
    throw std::logic_error("JsonWriter: unbalanced end");
  }
  stack_.pop_back();
  out_.push_back(c);
}

JsonWriter& JsonWriter::begin_object() {
  open('{', true);
  return *this;
}
JsonWriter& JsonWriter::end_object() {
  close('}', true);
  return *this;
}
JsonWriter& JsonWriter::begin_array() {
  open('[', false);
  return *this;
}
JsonWriter& JsonWriter::end_array() {
  close(']', false);
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  if (stack_.empty() || !stack_.back().is_object || after_key_) {
    throw std::logic_error("JsonWriter: key outside an object");
  }
  Level& top = stack_.back();
  if (!top.first) out_.push_back(',');
  top.first = false;
  append_json_string(out_, name);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  before_value();
  append_json_string(out_, s);
  return *this;
}

JsonWriter& JsonWriter::value(double v) {
  before_value();
  append_json_number(out_, v);
  return *this;
}

JsonWriter& JsonWriter::value(bool b) {
  before_value();
  out_.append(b ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::integer(std::int64_t v) {
  before_value();
  fmt::format_to(std::back_inserter(out_), "{}", v);
  return *this;
}

JsonWriter& JsonWriter::unsigned_integer(std::uint64_t v) {
  before_value();
  fmt::format_to(std::back_inserter(out_), "{}", v);
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_.append("null");
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  before_value();
  out_.append(json);
  return *this;
}

std::string JsonWriter::take() {
  std::string result = std::move(out_);
  out_.clear();
  return result;
}

void JsonWriter::clear() {
  out_.clear();
  stack_.clear();
  after_key_ = false;
}

}  // namespace shikong::protocol
