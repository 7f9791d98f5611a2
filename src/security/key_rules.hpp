// The rules an API key carries: Referer patterns, IP/CIDR bindings, per-service daily quotas.
// Pure functions, so each rule is tested alone and the facade only combines them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/instant.hpp"
#include "core/net_address.hpp"

namespace shikong::security {

// Services a key is counted and limited for (quotas, usage, the service registry).
inline constexpr std::string_view quota_services[] = {"tiles",     "maps",   "features",
                                                      "downloads", "search", "geocoding"};
bool is_quota_service(std::string_view s);

// A Referer pattern is a host name ("example.org"), a wildcard over subdomains
// ("*.example.org", which does not match "example.org" itself), optionally with a scheme
// ("https://example.org") and/or a port ("example.org:8443"), or "*" (any Referer, but one
// must be sent). Hosts compare case-insensitively; paths are ignored.
// Throws InvalidInput("invalid-referer-pattern", ..., "referers") for anything else.
void validate_referer_pattern(std::string_view pattern);
// True when `referer` (a full URL from the Referer header) matches one of `patterns`. With no
// patterns every request passes; with patterns, a request without a Referer does not.
bool referer_allowed(const std::vector<std::string>& patterns, std::string_view referer);

// Throws InvalidInput("invalid-ip-pattern", ..., "ips") unless every entry parses as a CIDR.
std::vector<Cidr> parse_ip_patterns(const std::vector<std::string>& patterns);
// True when `ip` is inside one of the patterns; with no patterns, always.
bool ip_allowed(const std::vector<std::string>& patterns, std::string_view ip);

// The calendar day of `t` in `zone` ("Asia/Shanghai"), as "YYYY-MM-DD", and the instant the
// next day starts there (for Retry-After when a quota is spent).
std::string day_of(Instant t, std::string_view zone);
Instant next_day_start(Instant t, std::string_view zone);

}  // namespace shikong::security
