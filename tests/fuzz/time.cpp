// Fuzz target: datum::parse_time (CSV/GeoJSON time fields, CQL2 literals), which must never
// throw. An accepted value inside years 1..9999 must survive RFC 3339 output and parsing back.
#include <cstdint>

#include "datum/time.hpp"
#include "fuzz_support.hpp"

using namespace shikong;

namespace {
// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z in Unix seconds.
constexpr std::int64_t kMinSeconds = -62135596800;
constexpr std::int64_t kMaxSeconds = 253402300799;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  datum::TimeParseOptions unix_ok;
  datum::TimeParseOptions no_unix;
  no_unix.allow_unix = false;
  datum::TimeParseOptions utc;
  utc.zone = datum::Zone{0, "UTC"};
  (void)datum::parse_time(text, no_unix);
  (void)datum::parse_time(text, utc);
  auto p = datum::parse_time(text, unix_ok);
  if (!p) return 0;
  fuzz::check(p->instant <= p->last,
              "parse_time gave a value whose last instant is before its start");
  if (p->instant.micros / 1'000'000 > kMinSeconds + 86400 &&
      p->instant.micros / 1'000'000 < kMaxSeconds - 86400) {
    std::string out = datum::format_rfc3339_utc(p->instant);
    auto again = datum::parse_time(out, no_unix);
    fuzz::check(again.has_value(), "format_rfc3339_utc wrote text that parse_time refuses");
    fuzz::check(again->instant == p->instant, "RFC 3339 round trip changed the instant");
  }
  return 0;
}
