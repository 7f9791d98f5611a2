// Fuzz target: rate limit specs ("20/s burst 40", "off"; configuration only, but --set and TOML
// reach it) and the limiter's arithmetic with whatever rates they allow. Parsing throws only
// InvalidInput; to_string parses back to the same spec; admit never yields NaN or negative waits.
#include <cmath>
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "security/rate_limiter.hpp"

using namespace shikong;

namespace {
bool close(double a, double b) {
  return a == b || std::fabs(a - b) <= 1e-8 * std::fmax(std::fabs(a), std::fabs(b));
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  security::BucketSpec spec;
  try {
    spec = security::parse_bucket_spec(text);
  } catch (const InvalidInput&) {
    return 0;
  }
  fuzz::check(std::isfinite(spec.rate) && std::isfinite(spec.burst),
              "a spec with a non-finite number");
  if (!spec.unlimited()) fuzz::check(spec.burst >= 1, "a limited spec with a burst below 1");
  const std::string written = security::to_string(spec);
  try {
    auto again = security::parse_bucket_spec(written);
    fuzz::check(again.unlimited() == spec.unlimited(), "to_string changed unlimited");
    if (!spec.unlimited())
      fuzz::check(close(again.rate, spec.rate) && close(again.burst, spec.burst),
                  "parse_bucket_spec(to_string(s)) differs from s");
  } catch (const InvalidInput&) {
    fuzz::fail("parse_bucket_spec refused what to_string wrote");
  }

  // Drive a limiter with that spec on every dimension and a clock that jumps.
  auto settings = security::RateLimitSettings::defaults();
  for (auto cls : security::limit_classes) settings.limits[std::string(cls)].fill(spec);
  settings.ban_after = 3;
  settings.ban_window_s = 60;
  settings.ban_s = 5;
  std::int64_t now = 1'700'000'000'000'000;
  security::RateLimiter limiter(settings, [&now] { return Instant{now}; });
  security::ClientKey client;
  client[security::Dimension::ip] = "192.0.2.1";
  client[security::Dimension::key] = "k0123456789ab";
  for (int i = 0; i < 8; ++i) {
    auto d = limiter.admit(i % 2 ? "api" : "tiles", client);
    fuzz::check(std::isfinite(d.retry_after_s) && d.retry_after_s >= 0,
                "retry_after_s is negative or not finite");
    if (spec.unlimited()) fuzz::check(d.allowed, "an unlimited spec refused a request");
    if (!d.allowed) fuzz::check(d.dimension.has_value(), "a refusal names no dimension");
    now += (i == 4) ? 3'600'000'000LL : 1000;
  }
  return 0;
}
