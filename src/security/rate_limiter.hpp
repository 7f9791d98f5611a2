// Flood ("CC") protection: token buckets per client dimension (IP, session cookie, Referer,
// API key, account) and route class, where the strictest bucket decides, plus temporary bans
// for clients that keep hitting the limits. In memory, sharded, with idle buckets evicted.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/instant.hpp"

namespace shikong::security {

enum class Dimension { ip, cookie, referer, key, user };
inline constexpr std::size_t dimension_count = 5;
std::string_view to_string(Dimension d);
std::optional<Dimension> dimension_from_string(std::string_view s);

// Route classes with their own limits (the names of protocol::RouteClass, kept as strings so
// the engine does not depend on protocol/).
inline constexpr std::string_view limit_classes[] = {"api",       "features", "tiles",     "maps",
                                                     "downloads", "search",   "geocoding", "upload",
                                                     "login",     "admin",    "static"};

struct BucketSpec {
  double rate = 0;   // tokens per second; 0 or less: unlimited
  double burst = 0;  // bucket size (at least 1 when rate > 0)
  bool unlimited() const { return rate <= 0; }
};
// "100/s", "100/s burst 200", "30/min burst 10", "5/h", "off". Throws InvalidInput.
BucketSpec parse_bucket_spec(std::string_view text);
std::string to_string(const BucketSpec& spec);

struct RateLimitSettings {
  // limits[class][dimension]; a class not listed uses "api"'s limits.
  std::map<std::string, std::array<BucketSpec, dimension_count>, std::less<>> limits;
  // Ban a client identity after `ban_after` rejections within `ban_window_s`, for `ban_s`.
  int ban_after = 200;
  int ban_window_s = 60;
  int ban_s = 300;
  std::size_t max_tracked = 200'000;  // buckets kept; the idlest are evicted beyond it
  static RateLimitSettings defaults();
};

// The identities of one request; an empty value is not limited on its dimension. IPv6
// addresses are limited and banned per /64 (one subscriber's network; bans() lists them as
// "2001:db8::/64"), IPv4-mapped IPv6 addresses as the IPv4 address.
struct ClientKey {
  std::array<std::string, dimension_count> values;  // indexed by Dimension
  std::string& operator[](Dimension d) { return values[static_cast<std::size_t>(d)]; }
  const std::string& operator[](Dimension d) const { return values[static_cast<std::size_t>(d)]; }
};

struct RateDecision {
  bool allowed = true;
  bool banned = false;                    // refused because of an active ban
  std::optional<Dimension> dimension;     // the bucket or ban that refused
  double retry_after_s = 0;               // when a token (or the ban's end) arrives
  std::optional<Dimension> newly_banned;  // this rejection started a ban
  // When a rejection starts a ban, that decision already says banned = true with the ban's
  // length as retry_after_s; newly_banned is set on that one decision only (for the audit).
};

class RateLimiter {
 public:
  using Clock = std::function<Instant()>;
  RateLimiter(RateLimitSettings settings, Clock clock);

  // Takes one token from every applicable bucket of `route_class` only if all have one
  // (a refused request costs nothing); checks bans first. Thread-safe.
  RateDecision admit(std::string_view route_class, const ClientKey& client);

  // Bans (also set by admins); a ban on a dimension refuses that value on every class.
  void ban(Dimension d, std::string_view value, Instant until);
  void unban(Dimension d, std::string_view value);
  struct Ban {
    Dimension dimension;
    std::string value;
    Instant until;
  };
  std::vector<Ban> bans() const;  // active ones
  // Seconds left of an active ban on (d, value), 0 if none: one map lookup, no bucket is
  // touched, so it can run where blocking is not allowed (the server's I/O threads).
  double ban_remaining(Dimension d, std::string_view value) const;

  std::size_t tracked_buckets() const;
  const RateLimitSettings& settings() const { return settings_; }

 private:
  struct Impl;
  RateLimitSettings settings_;
  Clock clock_;
  std::shared_ptr<Impl> impl_;
};

}  // namespace shikong::security
