// The platform's time line: parsing the forms data comes in (ISO 8601/RFC 3339, dates, slashed
// dates, Unix seconds and milliseconds, Chinese dates), zone handling and RFC 3339 output.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/instant.hpp"
#include "core/value.hpp"

namespace shikong::datum {

// A fixed UTC offset; the platform zone is Asia/Shanghai (UTC+8, no daylight saving since 1991).
struct Zone {
  int offset_minutes = 480;
  std::string name = "Asia/Shanghai";
};
const Zone& platform_zone();
void set_platform_zone(Zone zone);
// "Asia/Shanghai", "UTC", "+08:00", "-05:30", "Z"; throws InvalidInput("unknown-time-zone").
Zone parse_zone(std::string_view text);

struct ParsedTime {
  Instant instant;         // the start of the value's precision (a date: its midnight)
  Instant last;            // the last microsecond the value covers (a date: 23:59:59.999999)
  bool date_only = false;  // no time of day was given
  bool had_zone = false;   // the text carried Z or an offset
};

struct TimeParseOptions {
  bool allow_unix = true;  // 9-10 digit seconds and 12-13 digit milliseconds
  Zone zone = platform_zone();
};

// Returns nullopt when the text is not a recognised time; never throws.
std::optional<ParsedTime> parse_time(std::string_view text, const TimeParseOptions& opt = {});

// OGC API `datetime`: an instant, "start/end", "../end", "start/..", "start/" or "/end".
// A date alone covers its whole day. Throws InvalidInput("invalid-datetime", ..., parameter).
Interval parse_datetime_parameter(std::string_view text, std::string_view parameter = "datetime");

// RFC 3339 with the zone's offset ("2021-03-05T14:30:00+08:00"; fractional seconds only when
// non-zero; "Z" for UTC).
std::string format_rfc3339(Instant t, const Zone& zone = platform_zone());
std::string format_rfc3339_utc(Instant t);

// A property value as plain text (feature info, labels, widening to text): null is empty,
// numbers in their shortest round-trip form, dates YYYY-MM-DD, instants RFC 3339 in `zone`.
std::string format_value(const Value& v, const Zone& zone = platform_zone());

}  // namespace shikong::datum
