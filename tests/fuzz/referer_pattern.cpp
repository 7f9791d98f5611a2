// Fuzz target: API key Referer patterns and IP patterns (security/key_rules.hpp). Input lines:
// patterns, the last line is the Referer. Validation throws only InvalidInput; matching throws
// nothing; a valid host pattern matches a URL made of itself and a wildcard skips the bare domain.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "security/key_rules.hpp"

using namespace shikong;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  std::vector<std::string> lines;
  for (std::size_t start = 0;;) {
    std::size_t nl = text.find('\n', start);
    lines.emplace_back(text.substr(start, nl == std::string_view::npos ? nl : nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  const std::string referer = lines.back();
  lines.pop_back();

  std::vector<std::string> valid;
  for (const auto& p : lines) {
    try {
      security::validate_referer_pattern(p);
      valid.push_back(p);
    } catch (const InvalidInput& e) {
      fuzz::check(e.parameter() == "referers", "a Referer pattern error does not name referers");
    }
  }
  fuzz::check(security::referer_allowed({}, referer), "no patterns refused a request");
  (void)security::referer_allowed(valid, referer);
  if (!valid.empty())
    fuzz::check(!security::referer_allowed(valid, ""), "a missing Referer passed");

  for (const auto& p : valid) {
    const std::vector<std::string> one{p};
    if (p == "*") {
      fuzz::check(security::referer_allowed(one, "https://example.org/"), "'*' refused a Referer");
      continue;
    }
    const std::size_t sep = p.find("://");
    const std::string scheme = sep == std::string::npos ? "http://" : p.substr(0, sep + 3);
    const std::string rest = sep == std::string::npos ? p : p.substr(sep + 3);
    if (rest.rfind("*.", 0) == 0) {
      // A subdomain label added to the longest host names would exceed DNS's 253 characters.
      const std::size_t host_len = std::min(rest.find(':'), rest.size()) - 2;
      const std::string sub = scheme + "a." + rest.substr(2) + "/page";
      if (host_len + 2 <= 253)
        fuzz::check(security::referer_allowed(one, sub), "a wildcard refused its subdomain");
      const std::string bare = scheme + rest.substr(2) + "/page";
      fuzz::check(!security::referer_allowed(one, bare), "a wildcard matched the bare domain");
    } else {
      const std::string url = scheme + rest + "/some/page?x=1";
      fuzz::check(security::referer_allowed(one, url), "a host pattern refused its own URL");
    }
  }

  // The same lines as IP patterns.
  std::vector<std::string> ips;
  for (const auto& p : lines) {
    try {
      (void)security::parse_ip_patterns({p});
      ips.push_back(p);
    } catch (const InvalidInput& e) {
      fuzz::check(e.parameter() == "ips", "an IP pattern error does not name ips");
    }
  }
  try {
    auto cidrs = security::parse_ip_patterns(ips);
    fuzz::check(cidrs.size() == ips.size(), "parse_ip_patterns dropped a pattern");
    for (const auto& c : cidrs)
      fuzz::check(security::ip_allowed(ips, c.base.to_string()), "a CIDR's base not allowed");
  } catch (const InvalidInput&) {
    fuzz::fail("parse_ip_patterns refused patterns it accepted one by one");
  }
  (void)security::ip_allowed(ips, referer);
  fuzz::check(security::ip_allowed({}, referer), "no IP patterns refused an address");
  return 0;
}
