// Tests of security/key_rules: Referer patterns against honest and hostile Referers, IP
// bindings, quota services, and calendar days in fixed and daylight-saving zones.
#include "security/key_rules.hpp"

#include <gtest/gtest.h>

#include <ostream>

#include "core/error.hpp"

namespace shikong {
// Failures print instants as seconds rather than as bytes.
void PrintTo(const Instant& t, std::ostream* os) {
  *os << t.micros / 1'000'000 << " s";
}
}  // namespace shikong

namespace shikong::security {
namespace {

bool allowed(std::vector<std::string> patterns, std::string_view referer) {
  for (const auto& p : patterns) validate_referer_pattern(p);
  return referer_allowed(patterns, referer);
}

std::string pattern_error(std::string_view p) {
  try {
    validate_referer_pattern(p);
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.parameter(), "referers");
    return e.code();
  }
  return "ok";
}

// An instant from its UTC calendar fields (days_from_civil, written independently of the
// code under test, which goes the other way).
Instant utc(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = std::int64_t{era} * 146097 + doe - 719468;
  return Instant::from_seconds(days * 86400 + hh * 3600 + mm * 60 + ss);
}

}  // namespace

TEST(KeyRules, QuotaServices) {
  for (auto s : {"tiles", "maps", "features", "downloads", "search", "geocoding"})
    EXPECT_TRUE(is_quota_service(s)) << s;
  EXPECT_FALSE(is_quota_service(""));
  EXPECT_FALSE(is_quota_service("Tiles"));
  EXPECT_FALSE(is_quota_service("admin"));
  EXPECT_FALSE(is_quota_service("tile"));
}

TEST(KeyRules, ValidPatterns) {
  for (auto p : {"*", "example.org", "EXAMPLE.org", "*.example.org", "localhost",
                 "https://example.org", "HTTP://example.org", "example.org:8443",
                 "https://*.example.org:8443", "https://example.org/", "https://example.org/app/x",
                 "192.0.2.1", "192.0.2.1:8080", "[2001:db8::1]", "http://[2001:DB8::1]:8080",
                 "xn--fiqs8s.cn", "a-b.c_d.example", "*.com"}) {
    EXPECT_EQ(pattern_error(p), "ok") << p;
  }
}

TEST(KeyRules, InvalidPatterns) {
  for (auto p : {"",
                 " ",
                 " example.org",
                 "example.org ",
                 "**",
                 "*.",
                 "*example.org",
                 "a.*.example.org",
                 "example.*",
                 "ftp://example.org",
                 "javascript://x",
                 "://example.org",
                 "https://",
                 "example.org:",
                 "example.org:0",
                 "example.org:65536",
                 "example.org:080",
                 "example.org:http",
                 "user@example.org",
                 "https://user@example.org",
                 "example.org?x",
                 "example.org#x",
                 "-example.org",
                 "example-.org",
                 "exa mple.org",
                 "example..org",
                 ".example.org",
                 "example.org.",
                 "例子.cn",
                 "010.0.0.1",
                 "1.2.3",
                 "*.192.0.2.1",
                 "[2001:db8::1",
                 "[192.0.2.1]",
                 "2001:db8::1",
                 "[fe80::1%25eth0]",
                 "example.org\\evil",
                 "*.*.example.org"}) {
    EXPECT_EQ(pattern_error(p), "invalid-referer-pattern") << '"' << p << '"';
  }
  EXPECT_EQ(pattern_error(std::string(64, 'a') + ".org"), "invalid-referer-pattern");
  EXPECT_EQ(pattern_error(std::string(63, 'a') + ".org"), "ok");
}

TEST(KeyRules, NoPatternsAllowEverything) {
  EXPECT_TRUE(referer_allowed({}, ""));
  EXPECT_TRUE(referer_allowed({}, "https://anything.example/"));
  EXPECT_TRUE(referer_allowed({}, "garbage"));
}

TEST(KeyRules, PlainHost) {
  const std::vector<std::string> p = {"example.org"};
  EXPECT_TRUE(allowed(p, "https://example.org/"));
  EXPECT_TRUE(allowed(p, "http://example.org/map.html?x=1#y"));
  EXPECT_TRUE(allowed(p, "https://example.org"));
  EXPECT_TRUE(allowed(p, "https://example.org:8443/"));  // no port in the pattern: any port
  EXPECT_TRUE(allowed(p, "HTTPS://EXAMPLE.ORG/Path"));
  EXPECT_TRUE(allowed(p, "https://example.org?q"));
  EXPECT_TRUE(allowed(p, "https://example.org#f"));
  EXPECT_TRUE(allowed(p, "http://example.org:/"));  // an empty port is the default
  EXPECT_TRUE(allowed(p, " https://example.org/ "));
  EXPECT_FALSE(allowed(p, "https://www.example.org/"));
  EXPECT_FALSE(allowed(p, "https://badexample.org/"));
  EXPECT_FALSE(allowed(p, "https://example.org.evil.com/"));
  EXPECT_FALSE(allowed(p, "https://evil.com/?example.org"));
  EXPECT_FALSE(allowed(p, "https://evil.com/example.org"));
  EXPECT_FALSE(allowed(p, "https://evil.com#example.org"));
  EXPECT_FALSE(allowed(p, "https://example.org@evil.com/"));
  EXPECT_FALSE(allowed(p, "https://user@example.org/"));  // browsers never send user info
  EXPECT_FALSE(allowed(p, "https://user:pw@example.org/"));
  EXPECT_FALSE(allowed(p, "https://example.org\\@evil.com/"));
  EXPECT_FALSE(allowed(p, "https://evil.com\\example.org"));
  EXPECT_FALSE(allowed(p, "https://example%2eorg/"));
  EXPECT_FALSE(allowed(p, "https://example.org./"));
  EXPECT_FALSE(allowed(p, "//example.org/"));
  EXPECT_FALSE(allowed(p, "example.org"));
  EXPECT_FALSE(allowed(p, "ftp://example.org/"));
  EXPECT_FALSE(allowed(p, "file://example.org/etc/passwd"));
  EXPECT_FALSE(allowed(p, "android-app://example.org/"));
  EXPECT_FALSE(allowed(p, "https://example.org:99999/"));
  EXPECT_FALSE(allowed(p, "https://example.org:x/"));
  EXPECT_FALSE(allowed(p, "https://exa mple.org/"));
  EXPECT_FALSE(allowed(p, "https://example.org\t.evil/"));
  EXPECT_FALSE(allowed(p, ""));
  EXPECT_FALSE(allowed(p, "   "));
  EXPECT_FALSE(allowed(p, "garbage"));
  EXPECT_FALSE(allowed(p, "https://"));
  EXPECT_FALSE(allowed(p, "https:///example.org"));
  EXPECT_FALSE(allowed(p, std::string("https://example.org\0.evil.com/", 30)));
  EXPECT_FALSE(allowed(p, "https://example.org/" + std::string(5000, 'a')));
  EXPECT_FALSE(allowed(p, "https://example.org:443.evil.com/"));
  EXPECT_FALSE(allowed(p, "https://example.org:443@evil.com/"));
  EXPECT_FALSE(allowed(p, "https://example.org%40evil.com/"));
  EXPECT_FALSE(allowed(p, "https://evil.com:443#@example.org"));
  EXPECT_FALSE(allowed(p, "https://evil.com?@example.org"));
  EXPECT_FALSE(allowed(p, "http://[::ffff:example.org]/"));
  EXPECT_FALSE(allowed(p, "https://ex\xc3\xa4mple.org/"));  // non-ASCII host
}

TEST(KeyRules, UpperCasePatternMatchesLowerCaseReferer) {
  EXPECT_TRUE(allowed({"Example.ORG"}, "https://example.org/"));
  EXPECT_TRUE(allowed({"*.Example.Org"}, "https://Tiles.EXAMPLE.org/"));
}

TEST(KeyRules, Wildcard) {
  const std::vector<std::string> p = {"*.example.org"};
  EXPECT_TRUE(allowed(p, "https://a.example.org/"));
  EXPECT_TRUE(allowed(p, "https://a.b.example.org/"));
  EXPECT_TRUE(allowed(p, "http://a.example.org:8080/x"));
  EXPECT_FALSE(allowed(p, "https://example.org/"));
  EXPECT_FALSE(allowed(p, "https://badexample.org/"));
  EXPECT_FALSE(allowed(p, "https://a.badexample.org/"));
  EXPECT_FALSE(allowed(p, "https://.example.org/"));
  EXPECT_FALSE(allowed(p, "https://a.example.org.evil.com/"));
  EXPECT_FALSE(allowed(p, "https://evil.com/a.example.org"));
  EXPECT_FALSE(allowed(p, "https://a.example.org@evil.com/"));
  EXPECT_FALSE(allowed(p, "https://example.org.a/"));
  // Both forms together cover the domain and its subdomains.
  EXPECT_TRUE(allowed({"*.example.org", "example.org"}, "https://example.org/"));
}

TEST(KeyRules, SchemeAndPort) {
  EXPECT_TRUE(allowed({"https://example.org"}, "https://example.org/"));
  EXPECT_TRUE(allowed({"https://example.org"}, "HTTPS://example.org/"));
  EXPECT_FALSE(allowed({"https://example.org"}, "http://example.org/"));
  EXPECT_TRUE(allowed({"http://example.org"}, "http://example.org/"));
  EXPECT_FALSE(allowed({"http://example.org"}, "https://example.org/"));

  EXPECT_TRUE(allowed({"example.org:8443"}, "https://example.org:8443/"));
  EXPECT_TRUE(allowed({"example.org:8443"}, "http://example.org:8443/"));
  EXPECT_FALSE(allowed({"example.org:8443"}, "https://example.org/"));
  EXPECT_FALSE(allowed({"example.org:8443"}, "https://example.org:8444/"));
  // Default ports follow from the Referer's scheme.
  EXPECT_TRUE(allowed({"example.org:443"}, "https://example.org/"));
  EXPECT_FALSE(allowed({"example.org:443"}, "http://example.org/"));
  EXPECT_TRUE(allowed({"example.org:80"}, "http://example.org/x"));
  EXPECT_TRUE(allowed({"example.org:80"}, "https://example.org:80/x"));
  EXPECT_TRUE(allowed({"https://example.org:443"}, "https://example.org:443/"));
  EXPECT_TRUE(allowed({"https://*.example.org:8443"}, "https://a.example.org:8443/"));
  EXPECT_FALSE(allowed({"https://*.example.org:8443"}, "http://a.example.org:8443/"));
  EXPECT_FALSE(allowed({"https://*.example.org:8443"}, "https://a.example.org/"));
  // A path in a pattern is ignored.
  EXPECT_TRUE(allowed({"https://example.org/app"}, "https://example.org/other"));
}

TEST(KeyRules, AddressLiterals) {
  EXPECT_TRUE(allowed({"192.0.2.1"}, "http://192.0.2.1/"));
  EXPECT_TRUE(allowed({"192.0.2.1:8080"}, "http://192.0.2.1:8080/"));
  EXPECT_FALSE(allowed({"192.0.2.1"}, "http://192.0.2.10/"));
  EXPECT_FALSE(allowed({"192.0.2.1"}, "http://192.0.2.1.evil.com/"));
  EXPECT_TRUE(allowed({"[2001:db8::1]"}, "http://[2001:DB8:0::1]/"));
  EXPECT_TRUE(allowed({"http://[2001:db8::1]:8080"}, "http://[2001:db8::1]:8080/x"));
  EXPECT_FALSE(allowed({"[2001:db8::1]"}, "http://[2001:db8::2]/"));
  EXPECT_FALSE(allowed({"[2001:db8::1]"}, "http://[2001:db8::1/"));
  EXPECT_FALSE(allowed({"[2001:db8::1]"}, "http://[2001:db8::1]x/"));
  EXPECT_FALSE(allowed({"[2001:db8::1]"}, "http://2001:db8::1/"));
}

TEST(KeyRules, AnyReferer) {
  EXPECT_TRUE(allowed({"*"}, "https://anything.example/"));
  EXPECT_TRUE(allowed({"*"}, "android-app://com.example/"));
  EXPECT_FALSE(allowed({"*"}, ""));
  EXPECT_FALSE(allowed({"*"}, " "));
}

TEST(KeyRules, SeveralPatterns) {
  const std::vector<std::string> p = {"https://example.org", "*.example.net", "localhost:3000"};
  EXPECT_TRUE(allowed(p, "https://example.org/"));
  EXPECT_TRUE(allowed(p, "https://maps.example.net/"));
  EXPECT_TRUE(allowed(p, "http://localhost:3000/"));
  EXPECT_FALSE(allowed(p, "http://localhost:3001/"));
  EXPECT_FALSE(allowed(p, "http://example.org/"));
  EXPECT_FALSE(allowed(p, "https://example.net/"));
  // A stored pattern that no longer validates never matches (and does not stop the others).
  EXPECT_FALSE(referer_allowed({"bad pattern"}, "https://bad pattern/"));
  EXPECT_TRUE(referer_allowed({"bad pattern", "example.org"}, "https://example.org/"));
}

TEST(KeyRules, IpPatterns) {
  auto c = parse_ip_patterns({"192.0.2.0/24", "2001:db8::/32", "198.51.100.7"});
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].to_string(), "192.0.2.0/24");
  EXPECT_EQ(c[1].to_string(), "2001:db8::/32");
  EXPECT_EQ(c[2].to_string(), "198.51.100.7/32");
  EXPECT_TRUE(parse_ip_patterns({}).empty());
  for (auto bad : {"", "192.0.2.0/33", "example.org", "192.0.2.0/24 ", "010.0.0.0/8", "*"}) {
    try {
      parse_ip_patterns({"10.0.0.0/8", bad});
      ADD_FAILURE() << "accepted " << bad;
    } catch (const InvalidInput& e) {
      EXPECT_EQ(e.code(), "invalid-ip-pattern");
      EXPECT_EQ(e.parameter(), "ips");
      EXPECT_NE(e.detail().find("ips[1]"), std::string::npos) << e.detail();
    }
  }
}

TEST(KeyRules, IpAllowed) {
  const std::vector<std::string> p = {"192.0.2.0/24", "2001:db8::/32", "198.51.100.7"};
  EXPECT_TRUE(ip_allowed(p, "192.0.2.200"));
  EXPECT_TRUE(ip_allowed(p, "::ffff:192.0.2.200"));
  EXPECT_TRUE(ip_allowed(p, "2001:db8:1::5"));
  EXPECT_TRUE(ip_allowed(p, "198.51.100.7"));
  EXPECT_FALSE(ip_allowed(p, "198.51.100.8"));
  EXPECT_FALSE(ip_allowed(p, "192.0.3.1"));
  EXPECT_FALSE(ip_allowed(p, "2001:db9::1"));
  EXPECT_FALSE(ip_allowed(p, ""));
  EXPECT_FALSE(ip_allowed(p, "garbage"));
  EXPECT_FALSE(ip_allowed(p, "192.0.2.1:80"));
  EXPECT_TRUE(ip_allowed({}, "203.0.113.1"));
  EXPECT_TRUE(ip_allowed({}, "garbage"));
  EXPECT_FALSE(ip_allowed({"not-a-cidr"}, "203.0.113.1"));
}

TEST(KeyRules, DaysInShanghai) {
  EXPECT_EQ(day_of(utc(2024, 3, 5, 15, 59, 59), "Asia/Shanghai"), "2024-03-05");
  EXPECT_EQ(day_of(utc(2024, 3, 5, 16), "Asia/Shanghai"), "2024-03-06");
  EXPECT_EQ(day_of(utc(2024, 3, 5, 0), "Asia/Shanghai"), "2024-03-05");
  EXPECT_EQ(next_day_start(utc(2024, 3, 5, 10), "Asia/Shanghai"), utc(2024, 3, 5, 16));
  EXPECT_EQ(next_day_start(utc(2024, 3, 5, 16), "Asia/Shanghai"), utc(2024, 3, 6, 16));
  EXPECT_EQ(next_day_start(utc(2024, 3, 5, 15, 59, 59), "Asia/Shanghai"), utc(2024, 3, 5, 16));
  // Leap day and year end.
  EXPECT_EQ(day_of(utc(2024, 2, 28, 16), "Asia/Shanghai"), "2024-02-29");
  EXPECT_EQ(day_of(utc(2024, 12, 31, 16), "Asia/Shanghai"), "2025-01-01");
  EXPECT_EQ(next_day_start(utc(2024, 12, 31, 12), "Asia/Shanghai"), utc(2024, 12, 31, 16));
}

TEST(KeyRules, DaysInFixedZones) {
  EXPECT_EQ(day_of(utc(2024, 3, 5, 23, 59, 59), "UTC"), "2024-03-05");
  EXPECT_EQ(next_day_start(utc(2024, 3, 5, 23, 59, 59), "UTC"), utc(2024, 3, 6));
  EXPECT_EQ(next_day_start(utc(2024, 3, 6), "UTC"), utc(2024, 3, 7));
  EXPECT_EQ(day_of(utc(2024, 3, 5, 20), "+05:30"), "2024-03-06");
  EXPECT_EQ(next_day_start(utc(2024, 3, 5, 12), "+05:30"), utc(2024, 3, 5, 18, 30));
  EXPECT_EQ(day_of(utc(2024, 3, 5, 3), "-05:00"), "2024-03-04");
  // Before the epoch, and a microsecond before it.
  EXPECT_EQ(day_of(Instant{-1}, "UTC"), "1969-12-31");
  EXPECT_EQ(next_day_start(Instant{-1}, "UTC"), utc(1970, 1, 1));
  EXPECT_EQ(day_of(utc(1969, 7, 20, 20, 17), "UTC"), "1969-07-20");
  EXPECT_EQ(day_of(Instant{0}, "Asia/Shanghai"), "1970-01-01");
}

TEST(KeyRules, DaysInBerlinAcrossDaylightSaving) {
  const char* z = "Europe/Berlin";
  // Spring: the day of 2024-03-31 is 23 hours long (CET +1 to CEST +2 at 02:00).
  EXPECT_EQ(day_of(utc(2024, 3, 30, 22, 59, 59), z), "2024-03-30");
  EXPECT_EQ(day_of(utc(2024, 3, 30, 23), z), "2024-03-31");
  EXPECT_EQ(next_day_start(utc(2024, 3, 30, 12), z), utc(2024, 3, 30, 23));
  EXPECT_EQ(day_of(utc(2024, 3, 31, 12), z), "2024-03-31");
  EXPECT_EQ(next_day_start(utc(2024, 3, 31, 12), z), utc(2024, 3, 31, 22));
  EXPECT_EQ(next_day_start(utc(2024, 3, 30, 23), z), utc(2024, 3, 31, 22));
  EXPECT_EQ(day_of(utc(2024, 3, 31, 21, 59, 59), z), "2024-03-31");
  EXPECT_EQ(day_of(utc(2024, 3, 31, 22), z), "2024-04-01");
  // Autumn: 2024-10-27 is 25 hours long.
  EXPECT_EQ(day_of(utc(2024, 10, 26, 21, 59, 59), z), "2024-10-26");
  EXPECT_EQ(day_of(utc(2024, 10, 26, 22), z), "2024-10-27");
  EXPECT_EQ(next_day_start(utc(2024, 10, 26, 22), z), utc(2024, 10, 27, 23));
  EXPECT_EQ(next_day_start(utc(2024, 10, 27, 12), z), utc(2024, 10, 27, 23));
  EXPECT_EQ(day_of(utc(2024, 10, 27, 22, 59, 59), z), "2024-10-27");
  EXPECT_EQ(day_of(utc(2024, 10, 27, 23), z), "2024-10-28");
  // Winter and summer days away from the changes.
  EXPECT_EQ(next_day_start(utc(2024, 1, 15, 8), z), utc(2024, 1, 15, 23));
  EXPECT_EQ(next_day_start(utc(2024, 7, 15, 8), z), utc(2024, 7, 15, 22));
}

TEST(KeyRules, DaysInHavanaWhereMidnightIsSkippedOrRepeated) {
  const char* z = "America/Havana";
  // 2024-03-10: clocks jump from 00:00 to 01:00, so the day starts at 01:00 CDT (05:00Z).
  EXPECT_EQ(next_day_start(utc(2024, 3, 9, 12), z), utc(2024, 3, 10, 5));
  EXPECT_EQ(day_of(utc(2024, 3, 10, 4, 59, 59), z), "2024-03-09");
  EXPECT_EQ(day_of(utc(2024, 3, 10, 5), z), "2024-03-10");
  // 2024-11-03: clocks go back from 01:00 to 00:00; the day starts at the first midnight.
  EXPECT_EQ(next_day_start(utc(2024, 11, 2, 12), z), utc(2024, 11, 3, 4));
  EXPECT_EQ(day_of(utc(2024, 11, 3, 3, 59, 59), z), "2024-11-02");
  EXPECT_EQ(day_of(utc(2024, 11, 3, 4, 30), z), "2024-11-03");
  EXPECT_EQ(day_of(utc(2024, 11, 3, 5, 30), z), "2024-11-03");
  EXPECT_EQ(next_day_start(utc(2024, 11, 3, 4, 30), z), utc(2024, 11, 4, 5));
  EXPECT_EQ(next_day_start(utc(2024, 11, 3, 5, 30), z), utc(2024, 11, 4, 5));
}

TEST(KeyRules, DayBoundariesHoldAllYear) {
  // Every 20 minutes through 2024: the next day starts after `t`, within 25 hours, on another
  // day, and the microsecond before it is still the day of `t`. Lord Howe moves by 30 minutes,
  // Santiago and Havana change at midnight, Berlin at 02:00.
  for (auto z : {"Europe/Berlin", "America/Havana", "America/Santiago", "Australia/Lord_Howe",
                 "Asia/Shanghai", "UTC"}) {
    SCOPED_TRACE(z);
    int failures = 0;
    for (Instant t = utc(2024, 1, 1); t < utc(2025, 1, 1) && failures < 5;
         t.micros += std::int64_t{1200} * 1'000'000) {
      const std::string day = day_of(t, z);
      const Instant next = next_day_start(t, z);
      const bool ok = next > t && next.micros - t.micros <= std::int64_t{25} * 3600 * 1'000'000 &&
                      day_of(next, z) > day && day_of(Instant{next.micros - 1}, z) == day;
      if (!ok) {
        ++failures;
        ADD_FAILURE() << "t=" << t.micros / 1'000'000 << " day=" << day
                      << " next=" << next.micros / 1'000'000;
      }
    }
  }
}

TEST(KeyRules, UnknownZones) {
  for (auto z : {"", "Mars/Olympus_Mons", "Europe/Berlin ", "not a zone", "Etc/Unknown"}) {
    try {
      day_of(utc(2024, 1, 1), z);
      ADD_FAILURE() << "accepted zone " << z;
    } catch (const InvalidInput& e) {
      EXPECT_EQ(e.code(), "unknown-time-zone") << z;
    }
    EXPECT_THROW(next_day_start(utc(2024, 1, 1), z), InvalidInput) << z;
  }
}

}  // namespace shikong::security
