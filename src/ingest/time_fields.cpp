// Valid-time field detection (by type, then by name) and value conversion.
#include "ingest/time_fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "core/error.hpp"
#include "datum/time.hpp"

namespace shikong::ingest {

namespace {

std::string norm(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == '-' || c == ' ') c = '_';
    out += c;
  }
  return out;
}

template <std::size_t N>
bool named(const Field& f, const std::array<std::string_view, N>& names) {
  std::string n = norm(f.name);
  return std::find(names.begin(), names.end(), n) != names.end();
}

constexpr std::array<std::string_view, 16> kInstantNames = {
    "time",     "date",       "datetime", "timestamp", "ts",         "date_time",
    "obs_time", "时间",       "日期",     "观测时间",  "valid_time", "event_time",
    "observed", "time_stamp", "采集时间", "发生时间"};
constexpr std::array<std::string_view, 9> kStartNames = {"start",      "start_time", "time_start",
                                                         "begin",      "begin_time", "start_date",
                                                         "valid_from", "开始时间",   "起始时间"};
constexpr std::array<std::string_view, 8> kEndNames = {
    "end", "end_time", "time_end", "end_date", "finish", "valid_to", "结束时间", "终止时间"};

bool temporal(const Field& f) {
  return f.type == FieldType::date || f.type == FieldType::datetime;
}

std::size_t require(const Schema& schema, const std::string& name, const char* param) {
  auto i = schema.find(name);
  if (!i)
    throw InvalidInput("unknown-field", fmt::format("The data has no field named \"{}\".", name),
                       param);
  return *i;
}

// nullopt: the value is null. Sets ok=false when it is not a time.
std::optional<Instant> to_instant(const Value& v, bool& ok) {
  ok = true;
  if (is_null(v)) return std::nullopt;
  if (auto* t = std::get_if<Instant>(&v)) return *t;
  if (auto* d = std::get_if<Date>(&v)) return date_start(*d);
  if (auto* s = std::get_if<std::string>(&v)) {
    auto p = datum::parse_time(*s);
    if (p) return p->instant;
  } else if (auto* i = std::get_if<std::int64_t>(&v)) {
    auto p = datum::parse_time(std::to_string(*i));
    if (p) return p->instant;
  }
  ok = false;
  return std::nullopt;
}

}  // namespace

Instant date_start(Date d) {
  return Instant{static_cast<std::int64_t>(d.days) * 86'400'000'000LL -
                 static_cast<std::int64_t>(datum::platform_zone().offset_minutes) * 60'000'000LL};
}

TimeFields resolve_time_fields(const Schema& schema, const ImportOptions& options) {
  TimeFields tf;
  if (!options.time_field.empty()) tf.start = require(schema, options.time_field, "time_field");
  if (!options.time_start_field.empty())
    tf.start = require(schema, options.time_start_field, "time_start_field");
  if (!options.time_end_field.empty())
    tf.end = require(schema, options.time_end_field, "time_end_field");
  if (tf.start || tf.end || !options.detect_time) return tf;

  std::optional<std::size_t> start, end, instant, first;
  for (std::size_t i = 0; i < schema.size(); ++i) {
    const Field& f = schema.fields[i];
    if (!temporal(f)) continue;
    if (!first) first = i;
    if (!start && named(f, kStartNames)) start = i;
    if (!end && named(f, kEndNames)) end = i;
    if (!instant && named(f, kInstantNames)) instant = i;
  }
  if (start && end) {
    tf.start = start;
    tf.end = end;
  } else if (instant) {
    tf.start = instant;
  } else if (start) {
    tf.start = start;
  } else {
    tf.start = first;
  }
  return tf;
}

bool to_valid_time(const std::vector<Value>& values, const Schema& schema, const TimeFields& tf,
                   Interval& out, std::string& column, std::string& reason) {
  out = Interval{};
  if (!tf.start && !tf.end) return true;
  bool ok = true;
  std::optional<Instant> start, end;
  if (tf.start) {
    start = to_instant(values[*tf.start], ok);
    if (!ok) {
      column = schema.fields[*tf.start].name;
      reason = "the value is not a recognised date or time";
      return false;
    }
  }
  if (tf.end) {
    end = to_instant(values[*tf.end], ok);
    if (!ok) {
      column = schema.fields[*tf.end].name;
      reason = "the value is not a recognised date or time";
      return false;
    }
  } else {
    end = start;  // one field: the feature's time is an instant
  }
  if (start && end && *end < *start) {
    column = schema.fields[*tf.end].name;
    reason = "the end time is before the start time";
    return false;
  }
  out.start = start;
  out.end = end;
  return true;
}

}  // namespace shikong::ingest
