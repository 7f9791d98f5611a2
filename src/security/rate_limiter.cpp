// Flood protection: bucket specs, the default limits, and the sharded limiter. Buckets are
// kept in GCRA form (one "theoretical arrival time" per bucket, integer microseconds), which
// is a token bucket with exact arithmetic: no drift from fractional refills.
#include "security/rate_limiter.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <tuple>
#include <unordered_map>

#include "core/ascii.hpp"
#include "core/error.hpp"
#include "core/net_address.hpp"

namespace shikong::security {

namespace {

constexpr std::string_view kDimensionNames[dimension_count] = {"ip", "cookie", "referer", "key",
                                                               "user"};

// The emission interval is a whole number of microseconds, so rates above 1e6/s cannot be
// represented; a burst above a million is not a limit anyone means.
constexpr double kMaxRatePerSecond = 1e6;
constexpr double kMaxBurst = 1e6;

[[noreturn]] void bad_spec(std::string detail) {
  throw InvalidInput("invalid-rate-limit", std::move(detail), "limits");
}

// A positive, finite decimal number that is the whole of `s`.
std::optional<double> parse_positive(std::string_view s) {
  if (s.empty() || s.front() == '-' || s.front() == '+') return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v) || v <= 0) {
    return std::nullopt;
  }
  return v;
}

std::optional<double> unit_seconds(std::string_view unit) {
  if (unit == "s" || unit == "sec" || unit == "second") return 1.0;
  if (unit == "min" || unit == "minute") return 60.0;
  if (unit == "h" || unit == "hour") return 3600.0;
  if (unit == "d" || unit == "day") return 86400.0;
  return std::nullopt;
}

std::string format_number(double v) {
  char buf[64];
  // Whole numbers as plain digits ("100000", never "1e+05"), which the parser reads back.
  const bool whole = v == std::floor(v) && std::abs(v) < 1e15;
  const auto [end, ec] = whole ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed)
                               : std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("0");
}

// One bucket's parameters in GCRA form: a token every `interval` microseconds, and a request
// is admitted while the theoretical arrival time is at most `tolerance` ahead of now.
struct Limit {
  std::int64_t interval = 0;  // 0: unlimited
  std::int64_t tolerance = 0;
};

Limit to_limit(const BucketSpec& spec) {
  if (!(spec.rate > 0)) return {};  // also NaN
  // Clamped so that the integer arithmetic below cannot overflow for any spec a program
  // builds by hand (the parser's bounds are tighter): an interval of at most a year, a
  // tolerance of at most a thousand years.
  constexpr double kMaxInterval = 366.0 * 86400 * 1e6;
  constexpr double kMaxTolerance = 1000 * kMaxInterval;
  const double rate = std::min(spec.rate, kMaxRatePerSecond);
  const double interval = std::clamp(std::round(1e6 / rate), 1.0, kMaxInterval);
  const double burst =
      std::isnan(spec.burst) ? 1.0 : std::clamp(std::floor(spec.burst), 1.0, kMaxBurst);
  return {static_cast<std::int64_t>(interval),
          static_cast<std::int64_t>(std::min((burst - 1) * interval, kMaxTolerance))};
}

// The identity an IP value stands for. An IPv6 subscriber is handed a whole /64 and can
// rotate through it at will, so IPv6 clients are limited and banned per /64; an IPv4-mapped
// address is the IPv4 address. Anything else (not an address) is kept as it is.
std::optional<std::string> ip_identity(std::string_view value) {
  if (value.find(':') == std::string_view::npos) return std::nullopt;
  auto ip = parse_ip(value);
  if (!ip) return std::nullopt;
  if (ip->is_v4()) return ip->to_string();
  std::fill(ip->bytes.begin() + 8, ip->bytes.end(), std::uint8_t{0});
  return ip->to_string() + "/64";
}

std::uint64_t key_hash(std::string_view key) {
  return std::hash<std::string_view>{}(key);
}

}  // namespace

std::string_view to_string(Dimension d) {
  return kDimensionNames[static_cast<std::size_t>(d)];
}

std::optional<Dimension> dimension_from_string(std::string_view s) {
  for (std::size_t i = 0; i < dimension_count; ++i) {
    if (kDimensionNames[i] == s) return static_cast<Dimension>(i);
  }
  return std::nullopt;
}

BucketSpec parse_bucket_spec(std::string_view text) {
  const std::string spec = ascii_lowercase(trim_blanks(text));
  std::string_view s = spec;
  if (s == "off") return BucketSpec{};
  const std::size_t slash = s.find('/');
  if (slash == std::string_view::npos) {
    bad_spec(
        "A rate limit is written as \"<count>/<s|min|h|day>\", optionally followed by "
        "\"burst <n>\", or \"off\".");
  }
  const auto count = parse_positive(trim_blanks(s.substr(0, slash)));
  if (!count) bad_spec("The count of a rate limit must be a positive number.");
  s = s.substr(slash + 1);
  const std::size_t unit_end = std::min(s.find_first_of(" \t"), s.size());
  const auto per = unit_seconds(s.substr(0, unit_end));
  if (!per) bad_spec("The unit of a rate limit must be s, min, h or day.");
  BucketSpec out;
  out.rate = *count / *per;
  if (out.rate > kMaxRatePerSecond) {
    bad_spec("A rate limit may not exceed 1000000 requests per second.");
  }
  // Without an explicit burst a client may spend one unit's worth at once ("30/min": 30).
  out.burst = std::clamp(std::ceil(*count), 1.0, kMaxBurst);
  s = trim_blanks(s.substr(unit_end));
  if (!s.empty()) {
    if (!s.starts_with("burst") || s.size() == 5 || (s[5] != ' ' && s[5] != '\t')) {
      bad_spec("Only \"burst <n>\" may follow the rate of a rate limit.");
    }
    const std::string_view n = trim_blanks(s.substr(5));
    std::uint64_t burst = 0;
    const auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), burst);
    if (ec != std::errc() || end != n.data() + n.size() || burst < 1 || burst > kMaxBurst) {
      bad_spec("The burst of a rate limit must be a whole number from 1 to 1000000.");
    }
    out.burst = static_cast<double>(burst);
  }
  return out;
}

std::string to_string(const BucketSpec& spec) {
  if (spec.unlimited()) return "off";
  // The largest unit in which the rate is a whole count reads best ("30/min", not "0.5/s").
  static constexpr std::pair<double, std::string_view> units[] = {
      {1, "s"}, {60, "min"}, {3600, "h"}, {86400, "day"}};
  std::string out;
  for (const auto& [seconds, name] : units) {
    const double n = spec.rate * seconds;
    if (n >= 1 && std::abs(n - std::round(n)) <= 1e-9 * n) {
      out = format_number(std::round(n)) + "/" + std::string(name);
      break;
    }
  }
  if (out.empty()) out = format_number(spec.rate) + "/s";
  return out + " burst " + format_number(std::clamp(std::floor(spec.burst), 1.0, kMaxBurst));
}

// The defaults let anonymous browsing of a map portal through comfortably: one page view
// loads a few dozen tiles at once and pans for hundreds more, so tiles get the most room.
// Per IP (per session cookie, API key and account the same, so that one person behind a
// shared address is not limited more than the address):
//   tiles 300/s burst 600, static 200/s burst 400, maps (rendered images) 50/s burst 100,
//   api, features, search 100/s burst 200, geocoding 50/s burst 100, admin 50/s burst 100,
//   downloads 5/s burst 20, upload 2/s burst 10,
//   login 10/min burst 10 per IP, cookie and key, 5/min burst 5 per account (brute force
//   against one account from many addresses).
// Referer is off by default: every visitor of the portal (and of any page embedding our maps)
// sends the same Referer, so a default bucket would throttle a whole audience together; an
// operator who wants to cap one hot-linking site sets limits.<class>.referer.
// Bans: 200 refusals within 60 s ban that identity for 5 minutes.
RateLimitSettings RateLimitSettings::defaults() {
  RateLimitSettings s;
  const auto spec = [](double rate, double burst) { return BucketSpec{rate, burst}; };
  const auto all = [&](std::string_view cls, BucketSpec b) {
    auto& row = s.limits[std::string(cls)];
    row.fill(b);
    row[static_cast<std::size_t>(Dimension::referer)] = BucketSpec{};
  };
  all("tiles", spec(300, 600));
  all("static", spec(200, 400));
  all("maps", spec(50, 100));
  all("api", spec(100, 200));
  all("features", spec(100, 200));
  all("search", spec(100, 200));
  all("geocoding", spec(50, 100));
  all("admin", spec(50, 100));
  all("downloads", spec(5, 20));
  all("upload", spec(2, 10));
  all("login", spec(10.0 / 60, 10));
  s.limits["login"][static_cast<std::size_t>(Dimension::user)] = spec(5.0 / 60, 5);
  return s;
}

// ---- the limiter ----------------------------------------------------------------------------

struct RateLimiter::Impl {
  static constexpr std::size_t kShards = 64;

  struct Bucket {
    std::int64_t tat = 0;        // theoretical arrival time; at or before now: the bucket is full
    std::int64_t last_used = 0;  // for evicting the least recently used under pressure
  };
  struct Window {
    std::vector<std::int64_t> times;  // rejections inside the window, oldest first
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Bucket> buckets;     // dimension, class, value
    std::unordered_map<std::string, Window> windows;     // dimension, value
    std::unordered_map<std::string, std::int64_t> bans;  // dimension, value -> until
  };

  struct ClassLimits {
    std::array<Limit, dimension_count> limits;
  };

  Impl(const RateLimitSettings& settings, Clock c) : clock(std::move(c)) {
    if (!clock) {
      clock = [] {
        return Instant{std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count()};
      };
    }
    for (const auto& [name, row] : settings.limits) {
      ClassLimits cl;
      for (std::size_t d = 0; d < dimension_count; ++d) cl.limits[d] = to_limit(row[d]);
      classes.emplace(name, cl);
    }
    if (const auto it = classes.find("api"); it != classes.end()) fallback = it->second;
    if (settings.ban_after > 0 && settings.ban_window_s > 0 && settings.ban_s > 0) {
      ban_after = static_cast<std::size_t>(settings.ban_after);
      ban_window = std::int64_t{settings.ban_window_s} * 1'000'000;
      ban_length = std::int64_t{settings.ban_s} * 1'000'000;
    }
    max_tracked = std::max<std::size_t>(1, settings.max_tracked);
  }

  static std::string identity_key(Dimension d, std::string_view value) {
    std::string k;
    k.reserve(1 + value.size());
    k += static_cast<char>('0' + static_cast<int>(d));
    k += value;
    return k;
  }
  static std::string bucket_key(Dimension d, std::string_view cls, std::string_view value) {
    std::string k;
    k.reserve(2 + cls.size() + value.size());
    k += static_cast<char>('0' + static_cast<int>(d));
    k += cls;
    k += '\0';
    k += value;
    return k;
  }
  Shard& shard_of(std::string_view key) { return shards[key_hash(key) % kShards]; }
  std::size_t shard_index(std::string_view key) const { return key_hash(key) % kShards; }

  const ClassLimits& limits_of(std::string_view cls) const {
    const auto it = classes.find(cls);
    return it == classes.end() ? fallback : it->second;
  }

  // The longest active ban among the client's identities, as (dimension, until).
  std::optional<std::pair<Dimension, std::int64_t>> active_ban(const ClientKey& client,
                                                               std::int64_t now) {
    if (ban_count.load(std::memory_order_acquire) == 0) return std::nullopt;
    std::optional<std::pair<Dimension, std::int64_t>> found;
    for (std::size_t i = 0; i < dimension_count; ++i) {
      const auto d = static_cast<Dimension>(i);
      if (client[d].empty()) continue;
      const std::string key = identity_key(d, client[d]);
      Shard& sh = shard_of(key);
      std::lock_guard lock(sh.mutex);
      const auto it = sh.bans.find(key);
      if (it == sh.bans.end()) continue;
      if (it->second <= now) {  // expired: bans end by themselves
        sh.bans.erase(it);
        ban_count.fetch_sub(1, std::memory_order_acq_rel);
        continue;
      }
      if (!found || it->second > found->second) found = std::pair{d, it->second};
    }
    return found;
  }

  // Counts a rejection of (d, value); true when it starts a ban.
  bool count_rejection(Dimension d, std::string_view value, std::int64_t now) {
    if (ban_after == 0) return false;
    const std::string key = identity_key(d, value);
    Shard& sh = shard_of(key);
    std::lock_guard lock(sh.mutex);
    auto& times = sh.windows[key].times;
    const auto expired = std::find_if(times.begin(), times.end(),
                                      [&](std::int64_t t) { return t > now - ban_window; });
    times.erase(times.begin(), expired);
    times.push_back(now);
    if (times.size() < ban_after) return false;
    sh.windows.erase(key);
    // A concurrent request may have started the same ban: only the first reports it.
    const auto [it, inserted] = sh.bans.try_emplace(key, now + ban_length);
    if (!inserted) {
      it->second = std::max(it->second, now + ban_length);
      return false;
    }
    ban_count.fetch_add(1, std::memory_order_acq_rel);
    return true;
  }

  // Removes full buckets (losslessly: a new bucket starts full), expired windows and bans;
  // if that is not enough, the least recently used buckets, down to 90 % of the cap so that
  // the sweep runs once per many insertions.
  void evict(std::int64_t now) {
    const std::size_t target = max_tracked - max_tracked / 10;
    for (Shard& sh : shards) {
      std::lock_guard lock(sh.mutex);
      std::erase_if(sh.buckets, [&](const auto& e) {
        if (e.second.tat > now) return false;
        bucket_count.fetch_sub(1, std::memory_order_relaxed);
        return true;
      });
      std::erase_if(sh.windows, [&](const auto& e) {
        return e.second.times.empty() || e.second.times.back() <= now - ban_window;
      });
      std::erase_if(sh.bans, [&](const auto& e) {
        if (e.second > now) return false;
        ban_count.fetch_sub(1, std::memory_order_acq_rel);
        return true;
      });
    }
    if (bucket_count.load() <= target) return;

    std::vector<std::int64_t> used;
    for (Shard& sh : shards) {
      std::lock_guard lock(sh.mutex);
      for (const auto& [key, b] : sh.buckets) used.push_back(b.last_used);
    }
    if (used.size() <= target) return;
    std::size_t excess = used.size() - target;
    std::nth_element(used.begin(), used.begin() + static_cast<std::ptrdiff_t>(excess - 1),
                     used.end());
    const std::int64_t cutoff = used[excess - 1];
    // Strictly older first, then those used exactly at the cutoff until enough are gone.
    for (const bool at_cutoff : {false, true}) {
      for (Shard& sh : shards) {
        if (excess == 0) return;
        std::lock_guard lock(sh.mutex);
        for (auto it = sh.buckets.begin(); it != sh.buckets.end() && excess > 0;) {
          const std::int64_t u = it->second.last_used;
          if (at_cutoff ? u == cutoff : u < cutoff) {
            it = sh.buckets.erase(it);
            bucket_count.fetch_sub(1, std::memory_order_relaxed);
            --excess;
          } else {
            ++it;
          }
        }
      }
    }
  }

  void maybe_evict(std::int64_t now) {
    if (bucket_count.load(std::memory_order_relaxed) <= max_tracked) return;
    if (evicting.exchange(true, std::memory_order_acquire)) return;  // another thread is on it
    evict(now);
    evicting.store(false, std::memory_order_release);
  }

  RateDecision admit(std::string_view cls, const ClientKey& original) {
    const std::int64_t now = clock().micros;
    ClientKey normalized;
    const ClientKey* key = &original;
    if (auto v = ip_identity(original[Dimension::ip])) {
      normalized = original;
      normalized[Dimension::ip] = std::move(*v);
      key = &normalized;
    }
    const ClientKey& client = *key;
    RateDecision decision;
    if (const auto ban = active_ban(client, now)) {
      decision.allowed = false;
      decision.banned = true;
      decision.dimension = ban->first;
      decision.retry_after_s = static_cast<double>(ban->second - now) / 1e6;
      return decision;
    }

    struct Candidate {
      Dimension dimension;
      Limit limit;
      std::string key;
      std::size_t shard;
      Bucket* bucket = nullptr;
      std::int64_t tat = 0;
    };
    const ClassLimits& cl = limits_of(cls);
    std::array<Candidate, dimension_count> candidates;
    std::size_t n = 0;
    for (std::size_t i = 0; i < dimension_count; ++i) {
      const auto d = static_cast<Dimension>(i);
      if (client[d].empty() || cl.limits[i].interval == 0) continue;
      Candidate& c = candidates[n++];
      c.dimension = d;
      c.limit = cl.limits[i];
      c.key = bucket_key(d, cls, client[d]);
      c.shard = shard_index(c.key);
    }
    if (n == 0) return decision;

    // All buckets of the request are decided together under their shards' locks, taken in
    // shard order so that concurrent requests cannot deadlock.
    std::array<std::size_t, dimension_count> order{};
    std::size_t locks = 0;
    for (std::size_t i = 0; i < n; ++i) order[locks++] = candidates[i].shard;
    std::sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(locks));
    locks = static_cast<std::size_t>(
        std::unique(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(locks)) -
        order.begin());
    std::array<std::unique_lock<std::mutex>, dimension_count> held;
    for (std::size_t i = 0; i < locks; ++i) {
      held[i] = std::unique_lock(shards[order[i]].mutex);
    }

    std::optional<std::size_t> strictest;
    std::int64_t longest_wait = 0;
    for (std::size_t i = 0; i < n; ++i) {
      Candidate& c = candidates[i];
      auto& map = shards[c.shard].buckets;
      const auto it = map.find(c.key);
      c.bucket = it == map.end() ? nullptr : &it->second;
      c.tat = std::max(c.bucket ? c.bucket->tat : now, now);
      const std::int64_t wait = c.tat - c.limit.tolerance - now;
      if (wait > 0 && (!strictest || wait > longest_wait)) {
        strictest = i;
        longest_wait = wait;
      }
    }
    if (!strictest) {
      std::size_t inserted = 0;
      for (std::size_t i = 0; i < n; ++i) {
        Candidate& c = candidates[i];
        if (!c.bucket) {
          c.bucket = &shards[c.shard].buckets[c.key];
          ++inserted;
        }
        c.bucket->tat = c.tat + c.limit.interval;
        c.bucket->last_used = now;
      }
      for (std::size_t i = 0; i < locks; ++i) held[i].unlock();
      if (inserted > 0) {
        bucket_count.fetch_add(inserted, std::memory_order_relaxed);
        maybe_evict(now);
      }
      return decision;
    }
    for (std::size_t i = 0; i < locks; ++i) held[i].unlock();

    const Candidate& refusing = candidates[*strictest];
    decision.allowed = false;
    decision.dimension = refusing.dimension;
    decision.retry_after_s = static_cast<double>(longest_wait) / 1e6;
    if (count_rejection(refusing.dimension, client[refusing.dimension], now)) {
      decision.banned = true;
      decision.newly_banned = refusing.dimension;
      decision.retry_after_s = static_cast<double>(ban_length) / 1e6;
    }
    return decision;
  }

  void ban(Dimension d, std::string_view value, std::int64_t until) {
    const std::int64_t now = clock().micros;
    const auto ip = d == Dimension::ip ? ip_identity(value) : std::nullopt;
    const std::string key = identity_key(d, ip ? std::string_view(*ip) : value);
    Shard& sh = shard_of(key);
    std::lock_guard lock(sh.mutex);
    sh.windows.erase(key);
    const auto it = sh.bans.find(key);
    if (until <= now) {
      if (it != sh.bans.end()) {
        sh.bans.erase(it);
        ban_count.fetch_sub(1, std::memory_order_acq_rel);
      }
      return;
    }
    if (it != sh.bans.end()) {
      it->second = until;
    } else {
      sh.bans.emplace(key, until);
      ban_count.fetch_add(1, std::memory_order_acq_rel);
    }
  }

  double ban_remaining(Dimension d, std::string_view value) {
    if (ban_count.load(std::memory_order_acquire) == 0 || value.empty()) return 0;
    const std::int64_t now = clock().micros;
    const auto ip = d == Dimension::ip ? ip_identity(value) : std::nullopt;
    const std::string key = identity_key(d, ip ? std::string_view(*ip) : value);
    Shard& sh = shard_of(key);
    std::lock_guard lock(sh.mutex);
    const auto it = sh.bans.find(key);
    if (it == sh.bans.end() || it->second <= now) return 0;
    return static_cast<double>(it->second - now) / 1e6;
  }

  std::vector<Ban> active_bans() {
    const std::int64_t now = clock().micros;
    std::vector<Ban> out;
    for (Shard& sh : shards) {
      std::lock_guard lock(sh.mutex);
      for (const auto& [key, until] : sh.bans) {
        if (until <= now) continue;
        out.push_back(Ban{static_cast<Dimension>(key[0] - '0'), key.substr(1), Instant{until}});
      }
    }
    std::sort(out.begin(), out.end(), [](const Ban& a, const Ban& b) {
      return std::tie(a.dimension, a.value) < std::tie(b.dimension, b.value);
    });
    return out;
  }

  Clock clock;
  std::map<std::string, ClassLimits, std::less<>> classes;
  ClassLimits fallback;       // "api"'s, or unlimited
  std::size_t ban_after = 0;  // 0: no automatic bans
  std::int64_t ban_window = 0;
  std::int64_t ban_length = 0;
  std::size_t max_tracked = 0;

  std::array<Shard, kShards> shards;
  std::atomic<std::size_t> bucket_count{0};
  std::atomic<std::int64_t> ban_count{0};  // entries in the ban maps, expired or not
  std::atomic<bool> evicting{false};
};

RateLimiter::RateLimiter(RateLimitSettings settings, Clock clock)
    : settings_(std::move(settings)),
      clock_(std::move(clock)),
      impl_(std::make_shared<Impl>(settings_, clock_)) {}

RateDecision RateLimiter::admit(std::string_view route_class, const ClientKey& client) {
  return impl_->admit(route_class, client);
}

void RateLimiter::ban(Dimension d, std::string_view value, Instant until) {
  impl_->ban(d, value, until.micros);
}

void RateLimiter::unban(Dimension d, std::string_view value) {
  impl_->ban(d, value, std::numeric_limits<std::int64_t>::min());
}

std::vector<RateLimiter::Ban> RateLimiter::bans() const {
  return impl_->active_bans();
}

double RateLimiter::ban_remaining(Dimension d, std::string_view value) const {
  return impl_->ban_remaining(d, value);
}

std::size_t RateLimiter::tracked_buckets() const {
  return impl_->bucket_count.load();
}

}  // namespace shikong::security
