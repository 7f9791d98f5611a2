// Response middleware of the server, free of sockets so it can be tested alone: gzip (whole
// bodies and chunk by chunk), strong ETags with If-None-Match, CORS headers, access log lines.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "protocol/request.hpp"

namespace shikong::http {

// True if Accept-Encoding admits gzip (gzip, x-gzip or * with q > 0, not gzip;q=0).
bool accepts_gzip(std::string_view accept_encoding);
// Text-like media types worth compressing: text/*, JSON, XML, CSV, GeoJSON, JavaScript, SVG, MVT.
bool is_compressible(std::string_view content_type);

// A gzip stream (RFC 1952) fed piece by piece; each call returns the compressed bytes ready so far.
class GzipEncoder {
 public:
  explicit GzipEncoder(int level = 5);
  ~GzipEncoder();
  GzipEncoder(const GzipEncoder&) = delete;
  GzipEncoder& operator=(const GzipEncoder&) = delete;

  // Appends compressed output for `in` to `out`; `finish` ends the stream (trailer included).
  void write(std::string_view in, std::string& out, bool finish);

 private:
  struct State;
  std::unique_ptr<State> state_;
};
std::string gzip_compress(std::string_view in, int level = 5);

// A fast 64-bit hash of the body (not cryptographic).
std::uint64_t body_hash(std::string_view body);
// body_hash as a quoted strong entity tag: "\"0123456789abcdef\"".
std::string strong_etag(std::string_view body);
// If-None-Match matching (RFC 9110 13.1.2, weak comparison): "*" or any listed tag.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

// Headers CORS needs on every response, and the answer to a preflight OPTIONS request.
void add_cors_headers(protocol::Headers& headers);
protocol::Response cors_preflight_response(std::string_view allow_methods);

// One JSON access-log line (time in UTC, remote, method, path, status, bytes, duration, route).
std::string access_log_line(std::string_view remote, std::string_view method, std::string_view path,
                            int status, std::uint64_t bytes, double duration_ms,
                            std::string_view route);

}  // namespace shikong::http
