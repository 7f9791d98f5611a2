// API key rules: Referer patterns matched against a properly parsed Referer URL, IP/CIDR
// bindings, and the calendar day quotas are counted in (fixed offsets from datum, else ICU).
#include "security/key_rules.hpp"

#include <unicode/basictz.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "core/error.hpp"
#include "datum/time.hpp"

namespace shikong::security {

bool is_quota_service(std::string_view s) {
  return std::find(std::begin(quota_services), std::end(quota_services), s) !=
         std::end(quota_services);
}

namespace {

constexpr std::size_t kMaxPattern = 300;
constexpr std::size_t kMaxReferer = 4096;

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lowered(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// A DNS host name in ASCII (browsers send IDNs as punycode): labels of letters, digits, '-'
// and '_', 1-63 characters, not starting or ending with '-'. A last label of digits only is
// refused, as URL parsers would read the whole name as an IPv4 number.
bool valid_host_name(std::string_view h) {
  if (h.empty() || h.size() > 253) return false;
  std::size_t start = 0;
  std::string_view last;
  while (true) {
    std::size_t dot = h.find('.', start);
    std::string_view label = h.substr(start, dot == std::string_view::npos ? h.npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    for (char c : label) {
      bool ok = (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '_';
      if (!ok) return false;
    }
    last = label;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return !std::all_of(last.begin(), last.end(), is_digit);
}

// "1" to "65535" without leading zeros; 0 for anything else.
int parse_port(std::string_view p) {
  if (p.empty() || p.size() > 5 || p[0] == '0') return 0;
  int v = 0;
  for (char c : p) {
    if (!is_digit(c)) return 0;
    v = v * 10 + (c - '0');
  }
  return v <= 65535 ? v : 0;
}

struct HostPort {
  std::string host;  // lower case; IPv6 as "[rfc5952]"
  bool wildcard = false;
  int port = 0;             // 0: none given
  bool empty_port = false;  // "host:" (a URL may have it; a pattern may not)
};

// host[:port], where host is a name, a dotted quad, "[IPv6]", or (patterns only) "*.name".
std::optional<HostPort> parse_host_port(std::string_view a, bool allow_wildcard) {
  HostPort hp;
  std::string_view host, port;
  bool has_port = false;
  if (!a.empty() && a.front() == '[') {
    std::size_t close = a.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    auto ip = parse_ip(a.substr(1, close - 1));
    if (!ip || a.substr(1, close - 1).find(':') == std::string_view::npos) return std::nullopt;
    hp.host = "[" + ip->to_string() + "]";
    std::string_view rest = a.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      has_port = true;
      port = rest.substr(1);
    }
  } else {
    std::size_t colon = a.find(':');
    host = a.substr(0, colon);
    if (colon != std::string_view::npos) {
      has_port = true;
      port = a.substr(colon + 1);
    }
    std::string h = lowered(host);
    if (allow_wildcard && h.size() > 2 && h[0] == '*' && h[1] == '.') {
      hp.wildcard = true;
      h.erase(0, 2);
    }
    if (!h.empty() && h.find_first_not_of("0123456789.") == std::string::npos) {
      // Dotted quad: only the strict form, and never under a wildcard.
      if (hp.wildcard || !parse_ip(h)) return std::nullopt;
    } else if (!valid_host_name(h)) {
      return std::nullopt;
    }
    hp.host = std::move(h);
  }
  if (has_port) {
    if (port.empty()) {
      hp.empty_port = true;
    } else if ((hp.port = parse_port(port)) == 0) {
      return std::nullopt;
    }
  }
  return hp;
}

struct RefererPattern {
  bool any = false;
  std::string scheme;  // "" for any of http and https
  HostPort host;
};

std::optional<RefererPattern> parse_pattern(std::string_view p) {
  RefererPattern out;
  if (p == "*") {
    out.any = true;
    return out;
  }
  if (p.empty() || p.size() > kMaxPattern) return std::nullopt;
  for (char c : p)
    if (static_cast<unsigned char>(c) <= ' ' || static_cast<unsigned char>(c) >= 0x7f)
      return std::nullopt;
  std::size_t sep = p.find("://");
  if (sep != std::string_view::npos) {
    out.scheme = lowered(p.substr(0, sep));
    if (out.scheme != "http" && out.scheme != "https") return std::nullopt;
    p.remove_prefix(sep + 3);
  }
  // A path is allowed and ignored; a query, fragment or user info is not a pattern.
  std::size_t slash = p.find('/');
  std::string_view authority = p.substr(0, slash);
  if (p.find_first_of("?#@\\") != std::string_view::npos) return std::nullopt;
  auto hp = parse_host_port(authority, true);
  if (!hp || hp->empty_port) return std::nullopt;
  out.host = std::move(*hp);
  return out;
}

struct RefererOrigin {
  std::string scheme;
  std::string host;
  int port = 0;  // explicit, or the scheme's default
};

// The scheme, host and port of a Referer URL (RFC 3986 with the WHATWG rules browsers apply
// to http and https). Anything a browser would not send is refused rather than guessed at:
// other schemes, user info, backslashes, percent-encoded or non-ASCII hosts.
std::optional<RefererOrigin> parse_referer(std::string_view r) {
  if (r.empty() || r.size() > kMaxReferer) return std::nullopt;
  for (char c : r)
    if (static_cast<unsigned char>(c) <= ' ' || static_cast<unsigned char>(c) == 0x7f)
      return std::nullopt;
  std::size_t sep = r.find("://");
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  RefererOrigin o;
  o.scheme = lowered(r.substr(0, sep));
  if (o.scheme != "http" && o.scheme != "https") return std::nullopt;
  std::string_view rest = r.substr(sep + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find_first_of("@\\%") != std::string_view::npos) return std::nullopt;
  auto hp = parse_host_port(authority, false);
  if (!hp) return std::nullopt;
  o.host = std::move(hp->host);
  o.port = hp->port != 0 ? hp->port : (o.scheme == "https" ? 443 : 80);
  return o;
}

bool matches(const RefererPattern& p, const RefererOrigin& o) {
  if (!p.scheme.empty() && p.scheme != o.scheme) return false;
  if (p.host.port != 0 && p.host.port != o.port) return false;
  if (!p.host.wildcard) return o.host == p.host.host;
  // "*.example.org": one or more labels, then ".example.org".
  const std::string& base = p.host.host;
  return o.host.size() > base.size() + 1 &&
         o.host.compare(o.host.size() - base.size(), base.size(), base) == 0 &&
         o.host[o.host.size() - base.size() - 1] == '.';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

void validate_referer_pattern(std::string_view pattern) {
  if (!parse_pattern(pattern))
    throw InvalidInput("invalid-referer-pattern",
                       "a Referer pattern is \"*\", a host name, \"*.\" and a host name, or an "
                       "IP address, optionally with an http or https scheme and a port",
                       "referers");
}

bool referer_allowed(const std::vector<std::string>& patterns, std::string_view referer) {
  if (patterns.empty()) return true;
  referer = trim(referer);
  if (referer.empty()) return false;
  std::optional<RefererOrigin> origin;
  bool parsed = false;
  for (const auto& text : patterns) {
    auto p = parse_pattern(text);
    if (!p) continue;  // refused when the key was saved; never a match
    if (p->any) return true;
    if (!parsed) {
      origin = parse_referer(referer);
      parsed = true;
    }
    if (origin && matches(*p, *origin)) return true;
  }
  return false;
}

std::vector<Cidr> parse_ip_patterns(const std::vector<std::string>& patterns) {
  std::vector<Cidr> out;
  out.reserve(patterns.size());
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    auto c = parse_cidr(patterns[i]);
    if (!c)
      throw InvalidInput("invalid-ip-pattern",
                         fmt::format("ips[{}] is not an IP address or a CIDR block such as "
                                     "192.0.2.0/24 or 2001:db8::/32",
                                     i),
                         "ips");
    out.push_back(*c);
  }
  return out;
}

bool ip_allowed(const std::vector<std::string>& patterns, std::string_view ip) {
  if (patterns.empty()) return true;
  auto addr = parse_ip(ip);
  if (!addr) return false;
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
    auto c = parse_cidr(p);
    return c && c->contains(*addr);
  });
}

namespace {

constexpr std::int64_t kDayMs = 86'400'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// A zone as the day rules need it: a fixed offset when datum knows the zone as one (China's
// zones, UTC, "+08:00"), else ICU's rules with their daylight saving transitions.
class DayZone {
 public:
  explicit DayZone(int fixed_minutes) : fixed_ms_(std::int64_t{fixed_minutes} * 60'000) {}
  explicit DayZone(std::unique_ptr<icu::BasicTimeZone> tz) : tz_(std::move(tz)) {}

  // UTC offset in milliseconds at the instant `utc_ms`.
  std::int64_t offset_at(std::int64_t utc_ms) const {
    if (!tz_) return fixed_ms_;
    std::lock_guard lock(mutex_);
    int32_t raw = 0, dst = 0;
    UErrorCode status = U_ZERO_ERROR;
    tz_->getOffset(static_cast<UDate>(utc_ms), false, raw, dst, status);
    if (U_FAILURE(status)) failed();
    return std::int64_t{raw} + dst;
  }

  // The instant local wall time `local_ms` happens; in a gap (clocks jumped over it) the
  // instant of the jump, in an overlap the first time, unless that is not after `after_ms`.
  std::int64_t instant_of_local(std::int64_t local_ms, std::int64_t after_ms) const {
    if (!tz_) return local_ms - fixed_ms_;
    std::lock_guard lock(mutex_);
    auto at = [&](UTimeZoneLocalOption opt) {
      int32_t raw = 0, dst = 0;
      UErrorCode status = U_ZERO_ERROR;
      tz_->getOffsetFromLocal(static_cast<UDate>(local_ms), opt, opt, raw, dst, status);
      if (U_FAILURE(status)) failed();
      return local_ms - (std::int64_t{raw} + dst);
    };
    std::int64_t u = at(UCAL_TZ_LOCAL_FORMER);
    return u > after_ms ? u : at(UCAL_TZ_LOCAL_LATTER);
  }

 private:
  [[noreturn]] static void failed() {
    throw InternalError("time-zone", "the time zone rules could not be applied");
  }

  std::int64_t fixed_ms_ = 0;
  std::unique_ptr<icu::BasicTimeZone> tz_;
  mutable std::mutex mutex_;  // ICU zone objects are not documented as thread-safe
};

std::shared_ptr<const DayZone> load_zone(std::string_view name) {
  try {
    return std::make_shared<const DayZone>(datum::parse_zone(name).offset_minutes);
  } catch (const InvalidInput&) {
    // Not a fixed offset datum knows: ask ICU.
  }
  if (!name.empty() && name.size() <= 64) {
    std::unique_ptr<icu::TimeZone> tz(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(
        icu::StringPiece(name.data(), static_cast<int32_t>(name.size())))));
    icu::UnicodeString id, unknown;
    if (tz) tz->getID(id);
    icu::TimeZone::getUnknown().getID(unknown);
    if (tz && id != unknown) {
      // ICU answers "Etc/Unknown" for names it does not know rather than failing.
      if (auto* basic = dynamic_cast<icu::BasicTimeZone*>(tz.get())) {
        tz.release();
        return std::make_shared<const DayZone>(std::unique_ptr<icu::BasicTimeZone>(basic));
      }
    }
  }
  throw InvalidInput("unknown-time-zone",
                     "the time zone is not known; use an IANA name such as Asia/Shanghai, UTC, "
                     "or an offset such as +08:00",
                     "zone");
}

// Zones come from configuration, so there are few; the cache is bounded all the same.
std::shared_ptr<const DayZone> zone_for(std::string_view name) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const DayZone>, std::less<>> cache;
  {
    std::lock_guard lock(mutex);
    auto it = cache.find(name);
    if (it != cache.end()) return it->second;
  }
  auto z = load_zone(name);
  std::lock_guard lock(mutex);
  if (cache.size() < 64) cache.emplace(std::string(name), z);
  return z;
}

// Days since 1970-01-01 of the local date `t` falls on, and the UTC millisecond of `t`.
std::int64_t local_day(const DayZone& z, std::int64_t utc_ms) {
  return floor_div(utc_ms + z.offset_at(utc_ms), kDayMs);
}

// Proleptic Gregorian date of a day number (H. Hinnant's civil_from_days).
std::string format_day(std::int64_t days) {
  days += 719468;
  const std::int64_t era = floor_div(days, 146097);
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

}  // namespace

std::string day_of(Instant t, std::string_view zone) {
  const auto z = zone_for(zone);
  return format_day(local_day(*z, floor_div(t.micros, 1000)));
}

Instant next_day_start(Instant t, std::string_view zone) {
  const auto z = zone_for(zone);
  const std::int64_t utc_ms = floor_div(t.micros, 1000);
  const std::int64_t next_local_midnight = (local_day(*z, utc_ms) + 1) * kDayMs;
  return Instant::from_millis(z->instant_of_local(next_local_midnight, utc_ms));
}

}  // namespace shikong::security
