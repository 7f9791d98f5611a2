// Tests of security/rate_limiter: bucket specs, default limits, exact token counts with a fake
// clock, the strictest bucket, refusals that cost nothing, bans, eviction and concurrency.
#include "security/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <thread>

#include "core/error.hpp"

namespace shikong::security {
namespace {

constexpr std::int64_t kStart = 1'700'000'000'000'000;  // an arbitrary instant, in microseconds

class FakeClock {
 public:
  RateLimiter::Clock clock() {
    return [this] { return Instant{now_.load()}; };
  }
  Instant now() const { return Instant{now_.load()}; }
  void advance_us(std::int64_t us) { now_ += us; }
  void advance_s(double s) { now_ += static_cast<std::int64_t>(s * 1e6); }

 private:
  std::atomic<std::int64_t> now_{kStart};
};

std::size_t at(Dimension d) {
  return static_cast<std::size_t>(d);
}

// Settings with only the given buckets (everything else unlimited).
RateLimitSettings settings_with(
    std::initializer_list<std::tuple<std::string, Dimension, std::string>> specs) {
  RateLimitSettings s;
  s.limits.clear();
  for (const auto& [cls, d, text] : specs) s.limits[cls][at(d)] = parse_bucket_spec(text);
  return s;
}

ClientKey client(std::string ip, std::string key = {}, std::string cookie = {},
                 std::string user = {}) {
  ClientKey c;
  c[Dimension::ip] = std::move(ip);
  c[Dimension::key] = std::move(key);
  c[Dimension::cookie] = std::move(cookie);
  c[Dimension::user] = std::move(user);
  return c;
}

void expect_invalid(std::string_view text) {
  try {
    parse_bucket_spec(text);
    ADD_FAILURE() << "accepted: " << text;
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "invalid-rate-limit") << text;
    EXPECT_EQ(e.parameter(), "limits") << text;
  }
}

TEST(BucketSpec, ParsesRatesUnitsAndBursts) {
  auto s = parse_bucket_spec("100/s");
  EXPECT_DOUBLE_EQ(s.rate, 100);
  EXPECT_DOUBLE_EQ(s.burst, 100);
  s = parse_bucket_spec("100/s burst 200");
  EXPECT_DOUBLE_EQ(s.rate, 100);
  EXPECT_DOUBLE_EQ(s.burst, 200);
  s = parse_bucket_spec("30/min burst 10");
  EXPECT_DOUBLE_EQ(s.rate, 0.5);
  EXPECT_DOUBLE_EQ(s.burst, 10);
  s = parse_bucket_spec("30/min");
  EXPECT_DOUBLE_EQ(s.burst, 30);
  s = parse_bucket_spec("5/h");
  EXPECT_DOUBLE_EQ(s.rate, 5.0 / 3600);
  EXPECT_DOUBLE_EQ(s.burst, 5);
  s = parse_bucket_spec("1/day");
  EXPECT_DOUBLE_EQ(s.rate, 1.0 / 86400);
  s = parse_bucket_spec("0.5/s");
  EXPECT_DOUBLE_EQ(s.rate, 0.5);
  EXPECT_DOUBLE_EQ(s.burst, 1);
  s = parse_bucket_spec("  2/S   Burst\t3 ");
  EXPECT_DOUBLE_EQ(s.rate, 2);
  EXPECT_DOUBLE_EQ(s.burst, 3);
  EXPECT_TRUE(parse_bucket_spec("off").unlimited());
  EXPECT_TRUE(parse_bucket_spec(" OFF ").unlimited());
  EXPECT_FALSE(parse_bucket_spec("1/h").unlimited());
}

TEST(BucketSpec, RefusesMalformedSpecs) {
  for (const char* text : {"",
                           "100",
                           "/s",
                           "100/",
                           "100/x",
                           "100/ms",
                           "-1/s",
                           "+1/s",
                           "0/s",
                           "abc/s",
                           "nan/s",
                           "inf/s",
                           "1e300/s",
                           "2000000/s",
                           "100/s burst",
                           "100/s burst 0",
                           "100/s burst -1",
                           "100/s burst 1.5",
                           "100/s burst 2000000",
                           "100/s bursts 3",
                           "100/s burst 3 x",
                           "100/s 200",
                           "100 /s extra",
                           "on",
                           "100/s/s"}) {
    expect_invalid(text);
  }
}

TEST(BucketSpec, PrintsInTheLargestWholeUnit) {
  for (const char* text : {"100/s burst 200", "30/min burst 10", "5/h burst 5", "10/min burst 10",
                           "7/min burst 1", "1/day burst 3", "3/s burst 3"}) {
    EXPECT_EQ(to_string(parse_bucket_spec(text)), text);
  }
  EXPECT_EQ(to_string(parse_bucket_spec("off")), "off");
  EXPECT_EQ(to_string(parse_bucket_spec("60/min")), "1/s burst 60");
  EXPECT_EQ(to_string(BucketSpec{2.5, 4}), "150/min burst 4");
  EXPECT_EQ(to_string(BucketSpec{0.3125, 1}), "1125/h burst 1");
  EXPECT_EQ(to_string(BucketSpec{0.3333, 1}), "0.3333/s burst 1");  // whole in no unit
  // Large whole counts are written as digits, and an implicit burst is capped like an explicit
  // one, so every spec written reads back (both found by the bucket_spec fuzz target).
  EXPECT_EQ(to_string(parse_bucket_spec("100000/min")), "100000/min burst 100000");
  EXPECT_EQ(to_string(parse_bucket_spec("10/s burst 200000")), "10/s burst 200000");
  EXPECT_EQ(parse_bucket_spec("51000000/day").burst, 1e6);
  // 51000000 a day is 2125000 an hour: the same rate, in the largest unit where it is whole.
  EXPECT_EQ(to_string(parse_bucket_spec("51000000/day")), "2125000/h burst 1000000");
  EXPECT_EQ(to_string(parse_bucket_spec("2125000/h burst 1000000")), "2125000/h burst 1000000");
}

TEST(Dimensions, RoundTripTheirNames) {
  EXPECT_EQ(to_string(Dimension::ip), "ip");
  EXPECT_EQ(to_string(Dimension::cookie), "cookie");
  EXPECT_EQ(to_string(Dimension::referer), "referer");
  EXPECT_EQ(to_string(Dimension::key), "key");
  EXPECT_EQ(to_string(Dimension::user), "user");
  for (std::size_t i = 0; i < dimension_count; ++i) {
    const auto d = static_cast<Dimension>(i);
    EXPECT_EQ(dimension_from_string(to_string(d)), d);
  }
  EXPECT_FALSE(dimension_from_string("IP"));
  EXPECT_FALSE(dimension_from_string(""));
}

TEST(RateLimitSettings, DefaultsCoverEveryClass) {
  const auto s = RateLimitSettings::defaults();
  for (const auto cls : limit_classes) {
    const auto it = s.limits.find(cls);
    ASSERT_NE(it, s.limits.end()) << cls;
    EXPECT_FALSE(it->second[at(Dimension::ip)].unlimited()) << cls;
    EXPECT_TRUE(it->second[at(Dimension::referer)].unlimited()) << cls;
  }
  const auto& tiles = s.limits.find("tiles")->second;
  EXPECT_EQ(to_string(tiles[at(Dimension::ip)]), "300/s burst 600");
  EXPECT_EQ(to_string(tiles[at(Dimension::key)]), "300/s burst 600");
  const auto& login = s.limits.find("login")->second;
  EXPECT_EQ(to_string(login[at(Dimension::ip)]), "10/min burst 10");
  EXPECT_EQ(to_string(login[at(Dimension::user)]), "5/min burst 5");
  EXPECT_EQ(to_string(s.limits.find("upload")->second[at(Dimension::ip)]), "2/s burst 10");
  EXPECT_EQ(to_string(s.limits.find("downloads")->second[at(Dimension::cookie)]), "5/s burst 20");
  EXPECT_EQ(s.ban_after, 200);
}

TEST(RateLimiter, BurstThenRefusalsThenOneTokenPerInterval) {
  FakeClock fc;
  RateLimiter rl(settings_with({{"api", Dimension::ip, "10/s burst 3"}}), fc.clock());
  const auto c = client("192.0.2.1");
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(rl.admit("api", c).allowed) << i;
  auto d = rl.admit("api", c);
  EXPECT_FALSE(d.allowed);
  EXPECT_FALSE(d.banned);
  EXPECT_EQ(d.dimension, Dimension::ip);
  EXPECT_DOUBLE_EQ(d.retry_after_s, 0.1);
  EXPECT_FALSE(d.newly_banned);

  fc.advance_us(99'999);
  d = rl.admit("api", c);
  EXPECT_FALSE(d.allowed);
  EXPECT_DOUBLE_EQ(d.retry_after_s, 1e-6);
  fc.advance_us(1);
  EXPECT_TRUE(rl.admit("api", c).allowed);
  EXPECT_FALSE(rl.admit("api", c).allowed);

  // A long pause refills to the burst, not beyond it.
  fc.advance_s(3600);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(rl.admit("api", c).allowed) << i;
  EXPECT_FALSE(rl.admit("api", c).allowed);
}

TEST(RateLimiter, ExtremeHandBuiltSpecsStayWellDefined) {
  FakeClock fc;
  RateLimitSettings s;
  s.limits.clear();
  s.limits["api"][at(Dimension::ip)] = BucketSpec{1e-30, 1e30};       // clamped, no overflow
  s.limits["api"][at(Dimension::key)] = BucketSpec{std::nan(""), 5};  // not a rate: unlimited
  s.limits["api"][at(Dimension::cookie)] = BucketSpec{1e12, 0};       // burst at least 1
  RateLimiter rl(s, fc.clock());
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(rl.admit("api", client("192.0.2.1", "k")).allowed);
  const auto c = client("", "", "s1");
  EXPECT_TRUE(rl.admit("api", c).allowed);
  EXPECT_FALSE(rl.admit("api", c).allowed);
  fc.advance_us(1);  // rates above 1e6/s are treated as 1e6/s
  EXPECT_TRUE(rl.admit("api", c).allowed);
}

TEST(RateLimiter, SlowRatesAreExact) {
  FakeClock fc;
  RateLimiter rl(settings_with({{"login", Dimension::ip, "10/min burst 2"}}), fc.clock());
  const auto c = client("192.0.2.1");
  EXPECT_TRUE(rl.admit("login", c).allowed);
  EXPECT_TRUE(rl.admit("login", c).allowed);
  auto d = rl.admit("login", c);
  EXPECT_FALSE(d.allowed);
  EXPECT_DOUBLE_EQ(d.retry_after_s, 6);
  fc.advance_us(5'999'999);
  EXPECT_FALSE(rl.admit("login", c).allowed);
  fc.advance_us(1);
  EXPECT_TRUE(rl.admit("login", c).allowed);
  EXPECT_FALSE(rl.admit("login", c).allowed);
}

TEST(RateLimiter, StrictestBucketDecides) {
  FakeClock fc;
  RateLimiter rl(settings_with({{"api", Dimension::ip, "10/s burst 5"},
                                {"api", Dimension::key, "1/s burst 2"}}),
                 fc.clock());
  const auto c = client("192.0.2.1", "k1");
  EXPECT_TRUE(rl.admit("api", c).allowed);
  EXPECT_TRUE(rl.admit("api", c).allowed);
  const auto d = rl.admit("api", c);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.dimension, Dimension::key);
  EXPECT_DOUBLE_EQ(d.retry_after_s, 1);

  // Both refuse: the longer wait is reported.
  RateLimiter two(settings_with({{"api", Dimension::ip, "1/s burst 1"},
                                 {"api", Dimension::key, "1/min burst 1"}}),
                  fc.clock());
  EXPECT_TRUE(two.admit("api", c).allowed);
  const auto e = two.admit("api", c);
  EXPECT_FALSE(e.allowed);
  EXPECT_EQ(e.dimension, Dimension::key);
  EXPECT_DOUBLE_EQ(e.retry_after_s, 60);
}

TEST(RateLimiter, RefusedRequestsCostNothingOnOtherBuckets) {
  FakeClock fc;
  RateLimiter rl(settings_with({{"api", Dimension::ip, "1/min burst 10"},
                                {"api", Dimension::key, "1/min burst 1"}}),
                 fc.clock());
  const auto keyed = client("192.0.2.1", "k1");
  EXPECT_TRUE(rl.admit("api", keyed).allowed);
  for (int i = 0; i < 20; ++i) {
    const auto d = rl.admit("api", keyed);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.dimension, Dimension::key);
  }
  // The address paid for one request only: nine of its ten tokens are left.
  const auto same_ip = client("192.0.2.1");
  for (int i = 0; i < 9; ++i) EXPECT_TRUE(rl.admit("api", same_ip).allowed) << i;
  const auto d = rl.admit("api", same_ip);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.dimension, Dimension::ip);
}

TEST(RateLimiter, ClassesHaveSeparateBucketsAndUnlistedClassesUseApi) {
  FakeClock fc;
  RateLimiter rl(settings_with({{"api", Dimension::ip, "1/min burst 2"},
                                {"tiles", Dimension::ip, "1/min burst 1"},
                                {"static", Dimension::cookie, "1/min burst 1"}}),
                 fc.clock());
  const auto c = client("192.0.2.1", "", "session-1");
  EXPECT_TRUE(rl.admit("tiles", c).allowed);
  EXPECT_FALSE(rl.admit("tiles", c).allowed);
  EXPECT_TRUE(rl.admit("api", c).allowed);
  EXPECT_TRUE(rl.admit("api", c).allowed);
  EXPECT_FALSE(rl.admit("api", c).allowed);
  // "maps" is not listed: it falls back to api's limits, in buckets of its own.
  EXPECT_TRUE(rl.admit("maps", c).allowed);
  EXPECT_TRUE(rl.admit("maps", c).allowed);
  EXPECT_FALSE(rl.admit("maps", c).allowed);
  // "static" limits only cookies; the address is unlimited there.
  EXPECT_TRUE(rl.admit("static", c).allowed);
  EXPECT_EQ(rl.admit("static", c).dimension, Dimension::cookie);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(rl.admit("static", client("192.0.2.1")).allowed);
  // An empty value is not limited on its dimension.
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(rl.admit("tiles", client("")).allowed);
}

TEST(RateLimiter, SeparateIdentitiesAreIndependent) {
  FakeClock fc;
  RateLimiter rl(settings_with({{"api", Dimension::ip, "1/min burst 3"},
                                {"api", Dimension::key, "1/min burst 3"}}),
                 fc.clock());
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(rl.admit("api", client("192.0.2.1", "k1")).allowed);
  EXPECT_FALSE(rl.admit("api", client("192.0.2.1", "k1")).allowed);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(rl.admit("api", client("192.0.2.2", "k2")).allowed);
  EXPECT_FALSE(rl.admit("api", client("192.0.2.2", "k2")).allowed);
  // The same key from a fresh address is still refused by the key's bucket, and vice versa.
  EXPECT_EQ(rl.admit("api", client("192.0.2.3", "k1")).dimension, Dimension::key);
  EXPECT_EQ(rl.admit("api", client("192.0.2.1", "k3")).dimension, Dimension::ip);
  EXPECT_EQ(rl.tracked_buckets(), 4u);
}

TEST(RateLimiter, Ipv6ClientsAreLimitedPerSlash64) {
  FakeClock fc;
  RateLimiter rl(settings_with({{"api", Dimension::ip, "1/min burst 2"}}), fc.clock());
  EXPECT_TRUE(rl.admit("api", client("2001:db8:1:2::1")).allowed);
  EXPECT_TRUE(rl.admit("api", client("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).allowed);
  EXPECT_FALSE(rl.admit("api", client("2001:DB8:1:2::ffff")).allowed);  // same /64
  EXPECT_TRUE(rl.admit("api", client("2001:db8:1:3::1")).allowed);      // the next /64
  // An IPv4-mapped address is its IPv4 address.
  EXPECT_TRUE(rl.admit("api", client("192.0.2.1")).allowed);
  EXPECT_TRUE(rl.admit("api", client("::ffff:192.0.2.1")).allowed);
  EXPECT_FALSE(rl.admit("api", client("192.0.2.1")).allowed);
  // Values that are not addresses are kept as they are.
  EXPECT_TRUE(rl.admit("api", client("a:b")).allowed);
  EXPECT_TRUE(rl.admit("api", client("a:c")).allowed);

  rl.ban(Dimension::ip, "2001:db8:9::1", Instant{kStart + 10'000'000});
  EXPECT_TRUE(rl.admit("api", client("2001:db8:9::2")).banned);
  EXPECT_FALSE(rl.admit("api", client("2001:db8:9:1::2")).banned);
  ASSERT_EQ(rl.bans().size(), 1u);
  EXPECT_EQ(rl.bans()[0].value, "2001:db8:9::/64");
  rl.unban(Dimension::ip, "2001:db8:9::3");
  EXPECT_TRUE(rl.bans().empty());
  rl.ban(Dimension::ip, "::ffff:198.51.100.7", Instant{kStart + 10'000'000});
  EXPECT_TRUE(rl.admit("api", client("198.51.100.7")).banned);
}

TEST(RateLimiter, RepeatedRejectionsBanTheIdentityUntilTheBanExpires) {
  FakeClock fc;
  auto s = settings_with({{"api", Dimension::ip, "1/s burst 1"}});
  s.ban_after = 3;
  s.ban_window_s = 10;
  s.ban_s = 60;
  RateLimiter rl(s, fc.clock());
  const auto c = client("192.0.2.9");
  EXPECT_TRUE(rl.admit("api", c).allowed);
  for (int i = 0; i < 2; ++i) {
    const auto d = rl.admit("api", c);
    EXPECT_FALSE(d.allowed);
    EXPECT_FALSE(d.banned);
    EXPECT_FALSE(d.newly_banned);
  }
  auto d = rl.admit("api", c);
  EXPECT_FALSE(d.allowed);
  EXPECT_TRUE(d.banned);
  EXPECT_EQ(d.newly_banned, Dimension::ip);
  EXPECT_EQ(d.dimension, Dimension::ip);
  EXPECT_DOUBLE_EQ(d.retry_after_s, 60);

  d = rl.admit("api", c);
  EXPECT_TRUE(d.banned);
  EXPECT_FALSE(d.newly_banned);  // reported once
  EXPECT_DOUBLE_EQ(d.retry_after_s, 60);
  ASSERT_EQ(rl.bans().size(), 1u);
  EXPECT_EQ(rl.bans()[0].dimension, Dimension::ip);
  EXPECT_EQ(rl.bans()[0].value, "192.0.2.9");
  EXPECT_EQ(rl.bans()[0].until, Instant{kStart + 60'000'000});

  // The bucket has long refilled, but the ban holds on every class until it ends.
  fc.advance_s(30);
  d = rl.admit("tiles", c);
  EXPECT_TRUE(d.banned);
  EXPECT_DOUBLE_EQ(d.retry_after_s, 30);
  EXPECT_TRUE(rl.admit("api", client("192.0.2.10")).allowed);
  fc.advance_us(29'999'999);
  EXPECT_TRUE(rl.admit("api", c).banned);
  fc.advance_us(1);
  EXPECT_TRUE(rl.admit("api", c).allowed);
  EXPECT_TRUE(rl.bans().empty());
  // The count starts afresh after a ban.
  EXPECT_FALSE(rl.admit("api", c).banned);
  EXPECT_FALSE(rl.admit("api", c).banned);
  EXPECT_TRUE(rl.admit("api", c).newly_banned);
}

TEST(RateLimiter, RejectionsAreCountedInASlidingWindow) {
  FakeClock fc;
  auto s = settings_with({{"api", Dimension::key, "1/h burst 1"}});
  s.ban_after = 3;
  s.ban_window_s = 10;
  RateLimiter rl(s, fc.clock());
  const auto c = client("192.0.2.1", "k1");
  EXPECT_TRUE(rl.admit("api", c).allowed);
  EXPECT_FALSE(rl.admit("api", c).banned);  // rejection at 0 s
  fc.advance_s(6);
  EXPECT_FALSE(rl.admit("api", c).banned);  // 6 s
  fc.advance_s(6);
  EXPECT_FALSE(rl.admit("api", c).banned);  // 12 s: the one at 0 s has left the window
  fc.advance_s(1);
  const auto d = rl.admit("api", c);  // 13 s: 6, 12 and 13 are within 10 s
  EXPECT_TRUE(d.banned);
  EXPECT_EQ(d.newly_banned, Dimension::key);
  // The key is banned, not the address.
  ASSERT_EQ(rl.bans().size(), 1u);
  EXPECT_EQ(rl.bans()[0].dimension, Dimension::key);
  EXPECT_EQ(rl.admit("api", client("192.0.2.1", "k2")).allowed, true);
}

TEST(RateLimiter, BanRemainingReadsOneBanWithoutTouchingBuckets) {
  FakeClock fc;
  RateLimiter rl(settings_with({{"api", Dimension::ip, "1/s burst 1"}}), fc.clock());
  EXPECT_DOUBLE_EQ(rl.ban_remaining(Dimension::ip, "192.0.2.1"), 0);
  rl.ban(Dimension::ip, "192.0.2.1", Instant{kStart + 40'000'000});
  rl.ban(Dimension::ip, "2001:db8::1", Instant{kStart + 10'000'000});
  EXPECT_DOUBLE_EQ(rl.ban_remaining(Dimension::ip, "192.0.2.1"), 40);
  EXPECT_DOUBLE_EQ(rl.ban_remaining(Dimension::ip, "::ffff:192.0.2.1"), 40);  // mapped = v4
  EXPECT_DOUBLE_EQ(rl.ban_remaining(Dimension::ip, "2001:db8::ffff"), 10);    // same /64
  EXPECT_DOUBLE_EQ(rl.ban_remaining(Dimension::ip, "192.0.2.2"), 0);
  EXPECT_DOUBLE_EQ(rl.ban_remaining(Dimension::key, "192.0.2.1"), 0);  // other dimension
  EXPECT_EQ(rl.tracked_buckets(), 0u);
  fc.advance_s(15);
  EXPECT_DOUBLE_EQ(rl.ban_remaining(Dimension::ip, "192.0.2.1"), 25);
  EXPECT_DOUBLE_EQ(rl.ban_remaining(Dimension::ip, "2001:db8::1"), 0);  // over by itself
}

TEST(RateLimiter, AdminBansAndUnbans) {
  FakeClock fc;
  RateLimiter rl(settings_with({}), fc.clock());
  const auto c = client("192.0.2.1", "k1");
  EXPECT_TRUE(rl.admit("api", c).allowed);
  rl.ban(Dimension::key, "k1", Instant{kStart + 100'000'000});
  rl.ban(Dimension::ip, "192.0.2.1", Instant{kStart + 40'000'000});
  rl.ban(Dimension::cookie, "old", Instant{kStart - 1});  // already over: no ban
  auto d = rl.admit("tiles", c);
  EXPECT_FALSE(d.allowed);
  EXPECT_TRUE(d.banned);
  EXPECT_EQ(d.dimension, Dimension::key);  // the longer of the two bans
  EXPECT_DOUBLE_EQ(d.retry_after_s, 100);
  EXPECT_FALSE(d.newly_banned);
  const auto bans = rl.bans();
  ASSERT_EQ(bans.size(), 2u);
  EXPECT_EQ(bans[0].dimension, Dimension::ip);
  EXPECT_EQ(bans[1].dimension, Dimension::key);
  EXPECT_EQ(bans[1].value, "k1");

  rl.unban(Dimension::key, "k1");
  d = rl.admit("tiles", c);
  EXPECT_TRUE(d.banned);
  EXPECT_EQ(d.dimension, Dimension::ip);
  EXPECT_DOUBLE_EQ(d.retry_after_s, 40);
  EXPECT_TRUE(rl.admit("tiles", client("192.0.2.2", "k1")).allowed);
  rl.unban(Dimension::ip, "192.0.2.1");
  rl.unban(Dimension::ip, "never-banned");
  EXPECT_TRUE(rl.admit("tiles", c).allowed);
  EXPECT_TRUE(rl.bans().empty());
}

TEST(RateLimiter, EvictsFullBucketsFirst) {
  FakeClock fc;
  auto s = settings_with(
      {{"tiles", Dimension::ip, "1/s burst 1"}, {"login", Dimension::ip, "1/h burst 1"}});
  s.max_tracked = 10;
  RateLimiter rl(s, fc.clock());
  EXPECT_TRUE(rl.admit("login", client("198.51.100.1")).allowed);
  for (int i = 0; i < 200; ++i) {
    EXPECT_TRUE(rl.admit("tiles", client("203.0.113." + std::to_string(i))).allowed) << i;
    EXPECT_LE(rl.tracked_buckets(), 10u);
    fc.advance_s(1);  // the bucket just used is full again a second later
  }
  // The drained login bucket was never full, so it was kept and still refuses.
  const auto d = rl.admit("login", client("198.51.100.1"));
  EXPECT_FALSE(d.allowed);
  EXPECT_DOUBLE_EQ(d.retry_after_s, 3600 - 200);
}

TEST(RateLimiter, EvictsTheLeastRecentlyUsedWhenNoneIsFull) {
  FakeClock fc;
  auto s = settings_with({{"api", Dimension::ip, "1/h burst 1"}});
  s.max_tracked = 10;
  RateLimiter rl(s, fc.clock());
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(rl.admit("api", client("ip" + std::to_string(i))).allowed) << i;
    EXPECT_LE(rl.tracked_buckets(), 10u);
    fc.advance_us(1);
  }
  EXPECT_FALSE(rl.admit("api", client("ip99")).allowed);  // recent: kept
  EXPECT_FALSE(rl.admit("api", client("ip95")).allowed);
  EXPECT_TRUE(rl.admit("api", client("ip0")).allowed);  // the oldest was forgotten
  EXPECT_LE(rl.tracked_buckets(), 10u);
}

TEST(RateLimiter, ConcurrentAdmitsTakeExactlyTheBurst) {
  FakeClock fc;  // frozen: no refill during the test
  auto s = settings_with({{"api", Dimension::ip, "1/s burst 100"},
                          {"api", Dimension::key, "1/s burst 1000"},
                          {"api", Dimension::cookie, "1/s burst 1000"}});
  RateLimiter rl(s, fc.clock());
  std::atomic<int> allowed{0};
  std::atomic<int> newly_banned{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      const auto c = client("192.0.2.1", "k1", "s1");
      for (int i = 0; i < 10'000; ++i) {
        const auto d = rl.admit("api", c);
        if (d.allowed) ++allowed;
        if (d.newly_banned) ++newly_banned;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 100);
  EXPECT_EQ(newly_banned.load(), 1);  // 200 refusals ban the address, once
  EXPECT_EQ(rl.bans().size(), 1u);
}

TEST(RateLimiter, ConcurrentDistinctClientsWithEviction) {
  FakeClock fc;
  auto s = settings_with({{"api", Dimension::ip, "1/s burst 2"}});
  s.max_tracked = 100;
  RateLimiter rl(s, fc.clock());
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2'000; ++i) {
        if (rl.admit("api", client(std::to_string(t) + "/" + std::to_string(i))).allowed) {
          ++allowed;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 16'000);  // every client is new: each has its burst
  rl.admit("api", client("last"));    // single-threaded now: the sweep brings it under the cap
  EXPECT_LE(rl.tracked_buckets(), 100u);
}

}  // namespace
}  // namespace shikong::security
