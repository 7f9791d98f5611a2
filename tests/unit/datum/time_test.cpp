// Time parsing, zones, OGC datetime intervals and RFC 3339 output, as tables of exact values.
#include "datum/time.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace shikong::datum {
namespace {

struct Case {
  std::string_view text;
  std::string_view instant;  // RFC 3339 in UTC
  std::string_view last;     // RFC 3339 in UTC
  bool date_only;
  bool had_zone;
};

// Values without a zone are read in Beijing time (UTC+8), the platform default.
const Case kCases[] = {
    {"2021-03-05T14:30:00Z", "2021-03-05T14:30:00Z", "2021-03-05T14:30:00.999999Z", false, true},
    {"2021-03-05t14:30:00z", "2021-03-05T14:30:00Z", "2021-03-05T14:30:00.999999Z", false, true},
    {"2021-03-05T14:30:00+08:00", "2021-03-05T06:30:00Z", "2021-03-05T06:30:00.999999Z", false,
     true},
    {"2021-03-05T14:30:00+0800", "2021-03-05T06:30:00Z", "2021-03-05T06:30:00.999999Z", false,
     true},
    {"2021-03-05T14:30:00-05:30", "2021-03-05T20:00:00Z", "2021-03-05T20:00:00.999999Z", false,
     true},
    {"2021-03-05T14:30:00.123456Z", "2021-03-05T14:30:00.123456Z", "2021-03-05T14:30:00.123456Z",
     false, true},
    {"2021-03-05T14:30:00.5Z", "2021-03-05T14:30:00.500Z", "2021-03-05T14:30:00.599999Z", false,
     true},
    {"2021-03-05T14:30:00.123456789Z", "2021-03-05T14:30:00.123456Z", "2021-03-05T14:30:00.123456Z",
     false, true},
    {"2021-03-05 14:30:00", "2021-03-05T06:30:00Z", "2021-03-05T06:30:00.999999Z", false, false},
    {"2021-03-05T14:30", "2021-03-05T06:30:00Z", "2021-03-05T06:30:59.999999Z", false, false},
    {"2021-03-05 14:30 Z", "2021-03-05T14:30:00Z", "2021-03-05T14:30:59.999999Z", false, true},
    {"2021-03-05", "2021-03-04T16:00:00Z", "2021-03-05T15:59:59.999999Z", true, false},
    {"2021/03/05", "2021-03-04T16:00:00Z", "2021-03-05T15:59:59.999999Z", true, false},
    {"2021/3/5", "2021-03-04T16:00:00Z", "2021-03-05T15:59:59.999999Z", true, false},
    {"2021.3.5", "2021-03-04T16:00:00Z", "2021-03-05T15:59:59.999999Z", true, false},
    {"2021/3/5 8:05:09", "2021-03-05T00:05:09Z", "2021-03-05T00:05:09.999999Z", false, false},
    {"20210305", "2021-03-04T16:00:00Z", "2021-03-05T15:59:59.999999Z", true, false},
    {"20210305143000", "2021-03-05T06:30:00Z", "2021-03-05T06:30:00.999999Z", false, false},
    {"2020-02-29", "2020-02-28T16:00:00Z", "2020-02-29T15:59:59.999999Z", true, false},
    {"2021-03-05T24:00:00Z", "2021-03-06T00:00:00Z", "2021-03-06T00:00:00.999999Z", false, true},
    {"1614925800", "2021-03-05T06:30:00Z", "2021-03-05T06:30:00.999999Z", false, true},
    {"1614925800.25", "2021-03-05T06:30:00.250Z", "2021-03-05T06:30:00.259999Z", false, true},
    {"1614925800123", "2021-03-05T06:30:00.123Z", "2021-03-05T06:30:00.123999Z", false, true},
    {"2021年3月5日", "2021-03-04T16:00:00Z", "2021-03-05T15:59:59.999999Z", true, false},
    {"2021年03月05日", "2021-03-04T16:00:00Z", "2021-03-05T15:59:59.999999Z", true, false},
    {"2021年3月5日 14时30分", "2021-03-05T06:30:00Z", "2021-03-05T06:30:59.999999Z", false, false},
    {"2021年3月5日14时30分20秒", "2021-03-05T06:30:20Z", "2021-03-05T06:30:20.999999Z", false,
     false},
    {"2021年3月5日14:30:00", "2021-03-05T06:30:00Z", "2021-03-05T06:30:00.999999Z", false, false},
    {"2021年3月5日 8点", "2021-03-05T00:00:00Z", "2021-03-05T00:59:59.999999Z", false, false},
    {"2021年2月", "2021-01-31T16:00:00Z", "2021-02-28T15:59:59.999999Z", true, false},
    {"  2021-03-05T14:30:00Z  ", "2021-03-05T14:30:00Z", "2021-03-05T14:30:00.999999Z", false,
     true},
};

TEST(ParseTime, AcceptedForms) {
  for (const auto& c : kCases) {
    auto p = parse_time(c.text);
    ASSERT_TRUE(p) << c.text;
    EXPECT_EQ(format_rfc3339_utc(p->instant), c.instant) << c.text;
    EXPECT_EQ(format_rfc3339_utc(p->last), c.last) << c.text;
    EXPECT_EQ(p->date_only, c.date_only) << c.text;
    EXPECT_EQ(p->had_zone, c.had_zone) << c.text;
  }
}

TEST(ParseTime, ExactMicros) {
  EXPECT_EQ(parse_time("2021-03-05T14:30:00+08:00")->instant, Instant::from_seconds(1614925800));
  EXPECT_EQ(parse_time("2021-03-05")->instant, Instant::from_seconds(1614873600));
  EXPECT_EQ(parse_time("1970-01-01T00:00:00Z")->instant, Instant{0});
  EXPECT_EQ(parse_time("1969-12-31T23:59:59.999999Z")->instant, Instant{-1});
}

TEST(ParseTime, ZoneOption) {
  TimeParseOptions utc;
  utc.zone = parse_zone("UTC");
  EXPECT_EQ(format_rfc3339_utc(parse_time("2021-03-05 14:30:00", utc)->instant),
            "2021-03-05T14:30:00Z");
  TimeParseOptions ny;
  ny.zone = parse_zone("-05:00");
  EXPECT_EQ(format_rfc3339_utc(parse_time("2021-03-05", ny)->instant), "2021-03-05T05:00:00Z");
  // An explicit offset wins over the option.
  EXPECT_EQ(format_rfc3339_utc(parse_time("2021-03-05T00:00:00Z", ny)->instant),
            "2021-03-05T00:00:00Z");
}

TEST(ParseTime, UnixFormsNeedPermission) {
  TimeParseOptions no_unix;
  no_unix.allow_unix = false;
  EXPECT_FALSE(parse_time("1614925800", no_unix));
  EXPECT_FALSE(parse_time("1614925800123", no_unix));
  EXPECT_TRUE(parse_time("20210305", no_unix));
}

TEST(ParseTime, RejectsNonTimes) {
  for (std::string_view bad : {"",
                               "hello",
                               "2021",
                               "2021-13-01",
                               "2021-02-29",
                               "2021-04-31",
                               "2021-00-10",
                               "2021-03-05T25:00:00Z",
                               "2021-03-05T24:00:01Z",
                               "2021-03-05T14:60:00Z",
                               "2021-03-05T14:30:61Z",
                               "2021-03-05T14:30:00+25:00",
                               "2021-03-05T14:30:00Zjunk",
                               "2021-03/05",
                               "12345678",
                               "20211305",
                               "123",
                               "12345678901",
                               "12345678901234567",
                               "2021年13月5日",
                               "2021年2月30日",
                               "2021年3月5日 14时61分",
                               "2021-03-05T",
                               "2021-03-05T14",
                               "1614925800.",
                               "1.5",
                               "2021-03-05T14:30:00.Z",
                               "0000-01-01"}) {
    EXPECT_FALSE(parse_time(bad)) << bad;
  }
}

TEST(Zone, ParsesNamesAndOffsets) {
  EXPECT_EQ(parse_zone("Asia/Shanghai").offset_minutes, 480);
  EXPECT_EQ(parse_zone("Asia/Shanghai").name, "Asia/Shanghai");
  EXPECT_EQ(parse_zone("Asia/Chongqing").offset_minutes, 480);
  EXPECT_EQ(parse_zone("Asia/Hong_Kong").offset_minutes, 480);
  EXPECT_EQ(parse_zone("PRC").offset_minutes, 480);
  EXPECT_EQ(parse_zone("UTC").offset_minutes, 0);
  EXPECT_EQ(parse_zone("Z").offset_minutes, 0);
  EXPECT_EQ(parse_zone("Etc/UTC").offset_minutes, 0);
  EXPECT_EQ(parse_zone("+08:00").offset_minutes, 480);
  EXPECT_EQ(parse_zone("-0530").offset_minutes, -330);
  EXPECT_EQ(parse_zone("-0530").name, "-05:30");
  EXPECT_EQ(parse_zone("+09").offset_minutes, 540);
  for (std::string_view bad : {"", "Mars/Olympus", "America/New_York", "+25:00", "+08:00x", "8"}) {
    try {
      parse_zone(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const InvalidInput& e) {
      EXPECT_EQ(e.code(), "unknown-time-zone");
    }
  }
  EXPECT_EQ(platform_zone().offset_minutes, 480);
}

TEST(FormatRfc3339, ZonesAndFractions) {
  Instant t = Instant::from_seconds(1614925800);
  EXPECT_EQ(format_rfc3339(t), "2021-03-05T14:30:00+08:00");
  EXPECT_EQ(format_rfc3339_utc(t), "2021-03-05T06:30:00Z");
  EXPECT_EQ(format_rfc3339(t, parse_zone("-05:30")), "2021-03-05T01:00:00-05:30");
  EXPECT_EQ(format_rfc3339_utc(Instant{t.micros + 1}), "2021-03-05T06:30:00.000001Z");
  EXPECT_EQ(format_rfc3339_utc(Instant{t.micros + 250000}), "2021-03-05T06:30:00.250Z");
  EXPECT_EQ(format_rfc3339_utc(Instant{-1}), "1969-12-31T23:59:59.999999Z");
}

std::string show(const Interval& iv) {
  return (iv.start ? format_rfc3339_utc(*iv.start) : std::string("..")) + "/" +
         (iv.end ? format_rfc3339_utc(*iv.end) : std::string(".."));
}

TEST(DatetimeParameter, InstantsAndIntervals) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"2021-03-05T14:30:00Z", "2021-03-05T14:30:00Z/2021-03-05T14:30:00Z"},
      {"2021-03-05", "2021-03-04T16:00:00Z/2021-03-05T15:59:59.999999Z"},
      {"2021/03/05", "2021-03-04T16:00:00Z/2021-03-05T15:59:59.999999Z"},
      {"2021-03-05T00:00:00Z/2021-03-06T00:00:00Z", "2021-03-05T00:00:00Z/2021-03-06T00:00:00Z"},
      {"2021-03-05/2021-03-06", "2021-03-04T16:00:00Z/2021-03-06T15:59:59.999999Z"},
      {"../2021-03-06T00:00:00Z", "../2021-03-06T00:00:00Z"},
      {"/2021-03-06T00:00:00Z", "../2021-03-06T00:00:00Z"},
      {"2021-03-05T00:00:00Z/..", "2021-03-05T00:00:00Z/.."},
      {"2021-03-05T00:00:00Z/", "2021-03-05T00:00:00Z/.."},
      {"../..", "../.."},
      {"2021/03/05/2021/03/06", "2021-03-04T16:00:00Z/2021-03-06T15:59:59.999999Z"},
      {"2021-03-05T00:00:00+08:00/2021-03-05T00:00:00+08:00",
       "2021-03-04T16:00:00Z/2021-03-04T16:00:00Z"},
  };
  for (const auto& [text, expected] : cases)
    EXPECT_EQ(show(parse_datetime_parameter(text)), expected) << text;
  EXPECT_TRUE(parse_datetime_parameter("2021-03-05T14:30:00Z").is_instant());
  EXPECT_TRUE(parse_datetime_parameter("../..").unbounded());
}

TEST(DatetimeParameter, Errors) {
  for (std::string_view bad :
       {"", "yesterday", "2021-03-06/2021-03-05", "2021-03-05T10:00:00Z/2021-03-05T09:59:59Z",
        "2021-13-01/..", "1614925800", "2021-03-05//2021-03-06"}) {
    try {
      parse_datetime_parameter(bad, "datetime");
      ADD_FAILURE() << "accepted " << bad;
    } catch (const InvalidInput& e) {
      EXPECT_EQ(e.code(), "invalid-datetime") << bad;
      EXPECT_EQ(e.parameter(), "datetime");
    }
  }
  try {
    parse_datetime_parameter("2021-03-06/2021-03-05");
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.detail(), "The start of the datetime interval is after its end.");
  }
}

}  // namespace
}  // namespace shikong::datum
