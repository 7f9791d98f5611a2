// Which fields give a feature its valid time, and the conversion of their values to an
// interval on the platform time line.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/instant.hpp"
#include "core/schema.hpp"
#include "ingest/import.hpp"

namespace shikong::ingest {

struct TimeFields {
  std::optional<std::size_t> start;  // the instant, or the start of the interval
  std::optional<std::size_t> end;
};

// Explicit options first (time_field or time_start_field, and time_end_field; an unknown name
// throws InvalidInput("unknown-field")). Otherwise, with options.detect_time, only date and
// datetime fields are candidates: a start/end pair by name (start_time/end_time, 开始时间/结束时间
// ...), else one named like a time (time, date, datetime, timestamp, ts, 时间, 日期, 观测时间...),
// else the first date or datetime field.
TimeFields resolve_time_fields(const Schema& schema, const ImportOptions& options);

// The instant a date stands for: its midnight in the platform zone. A date-only value is an
// instant (start = end = that midnight), the same for dates in date fields and in text.
Instant date_start(Date d);

// Sets `out` from the record's values. A null start gives an unbounded interval (the feature
// has no time). Integer values are Unix seconds (10 digits) or milliseconds (13 digits); text
// is parsed by datum::parse_time in the platform zone. Returns false with the column and a
// reason when a value is not a time or the end is before the start.
bool to_valid_time(const std::vector<Value>& values, const Schema& schema, const TimeFields& tf,
                   Interval& out, std::string& column, std::string& reason);

}  // namespace shikong::ingest
