// Outbound HTTP requests as plain values, so that an engine (the harvester) can ask for a remote
// document without knowing the client that fetches it; http/client implements the Fetcher and
// app/ wires it in.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace shikong {

struct FetchRequest {
  std::string method = "GET";                                // GET or POST
  std::string url;                                           // http:// or https://
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. If-None-Match, Accept
  std::string body;                                          // for POST
  std::chrono::milliseconds timeout{15000};                  // whole exchange, redirects included
  std::uint64_t max_bytes = 32u << 20;                       // body larger than this: refused
  int max_redirects = 3;
  // Loopback, link-local, private and other non-public addresses are refused unless the host
  // and port of `url` are listed here as "host:port" (the source an admin explicitly allowed).
  // A redirect to any other origin on such an address is refused.
  std::vector<std::string> allowed_private_origins;
};

struct FetchResponse {
  int status = 0;         // 200, 304, ...; redirects are followed, never returned
  std::string final_url;  // after redirects
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;

  // The first header of that (lower-case) name, or "".
  std::string header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return {};
  }
};

// Throws shikong::Unavailable (core/error.hpp) with codes "fetch-refused" (address not allowed,
// scheme not http/https), "fetch-timeout", "fetch-too-large", "fetch-redirects",
// "fetch-failed" (DNS, connect, TLS, malformed response); the message is a sentence we write.
using Fetcher = std::function<FetchResponse(const FetchRequest&)>;

}  // namespace shikong
