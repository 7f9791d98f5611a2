// Query strings and percent-encoding: parsing what clients send and encoding what we link to.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shikong::protocol {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Most parameters one query string may carry; more is InvalidInput("too-many-parameters").
inline constexpr std::size_t kMaxQueryParams = 512;

// Decodes %XX escapes (and '+' as a space when `plus_as_space`). A malformed escape throws
// InvalidInput(`error_code`) naming `parameter`.
std::string percent_decode(std::string_view s, bool plus_as_space,
                           std::string_view error_code = "invalid-query",
                           std::string_view parameter = {});

// Parses "a=1&b=x%20y" into decoded pairs, in order; "a" alone gives ("a", ""), empty pieces
// are skipped. Throws InvalidInput("invalid-query") on a malformed escape.
QueryParams parse_query(std::string_view query);

// Splits a request target into its path and query (without the '?'); a fragment is dropped.
std::pair<std::string_view, std::string_view> split_target(std::string_view target);

// Percent-encodes everything but RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~), so the
// result is safe as a query value or a path segment.
std::string url_encode(std::string_view s);
// "a=1&b=x%20y" from pairs, each name and value encoded.
std::string build_query(const QueryParams& params);

}  // namespace shikong::protocol
