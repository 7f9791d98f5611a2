// URL pieces the harvester needs: the origin of a source (for the private-address allowance),
// query strings added to capabilities URLs, and links relative to the page they came in.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace shikong::harvest {

struct UrlParts {
  std::string scheme;          // "http" or "https", lower-case
  std::string host;            // lower-case; IPv6 literals keep their brackets
  int port = 0;                // explicit or the scheme's default
  std::string path_and_query;  // from the first '/' or '?' ("/" when absent)
};

// An absolute http(s) URL with a host, or nullopt.
std::optional<UrlParts> split_url(std::string_view url);
// "host:port" of an http(s) URL, the form FetchRequest::allowed_private_origins lists.
std::string origin_of(std::string_view url);
// The URL without its query and fragment.
std::string without_query(std::string_view url);
// Appends "k=v&..." with '?' or '&'.
std::string with_query(std::string_view url, std::string_view query);
// Whether the query has a parameter of that name (case-insensitive, as OGC KVP keys are).
bool has_query_param(std::string_view url, std::string_view name);
// RFC 3986 unreserved characters kept, everything else %XX.
std::string percent_encode(std::string_view s);
// `href` resolved against the page `base` it was found in (absolute, scheme-relative,
// absolute-path, query-only or relative-path references).
std::string resolve_url(std::string_view base, std::string_view href);

}  // namespace shikong::harvest
