// Instants on the platform's one time line (microseconds since the Unix epoch, UTC) and
// intervals that may be open at either end.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>

namespace shikong {

struct Instant {
  std::int64_t micros = 0;  // since 1970-01-01T00:00:00Z

  static constexpr Instant from_seconds(std::int64_t s) { return Instant{s * 1'000'000}; }
  static constexpr Instant from_millis(std::int64_t ms) { return Instant{ms * 1'000}; }
  constexpr double seconds() const { return static_cast<double>(micros) / 1e6; }
  auto operator<=>(const Instant&) const = default;
};

// [start, end], both inclusive; an absent end is open ("..").
struct Interval {
  std::optional<Instant> start;
  std::optional<Instant> end;

  static Interval at(Instant t) { return Interval{t, t}; }
  bool is_instant() const { return start && end && *start == *end; }
  bool unbounded() const { return !start && !end; }
  bool contains(Instant t) const { return (!start || *start <= t) && (!end || t <= *end); }
  // True when both intervals share at least one instant; open ends reach forever.
  bool overlaps(const Interval& o) const {
    return (!end || !o.start || *o.start <= *end) && (!o.end || !start || *start <= *o.end);
  }
  void extend(Instant t) {
    if (!start || t < *start) start = t;
    if (!end || t > *end) end = t;
  }
  void extend(const Interval& o) {
    if (o.start) extend(*o.start);
    if (o.end) extend(*o.end);
  }
  bool operator==(const Interval&) const = default;
};

}  // namespace shikong
