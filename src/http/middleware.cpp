// gzip through zlib, FNV-1a ETags, CORS headers and the access log line.
#include "http/middleware.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <zlib.h>

#include <charconv>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "protocol/json_writer.hpp"

namespace shikong::http {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool contains_icase(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (protocol::iequals(haystack.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
  bool star = false;
  std::size_t start = 0;
  while (start <= accept_encoding.size()) {
    std::size_t end = accept_encoding.find(',', start);
    if (end == std::string_view::npos) end = accept_encoding.size();
    const std::string_view item = trim(accept_encoding.substr(start, end - start));
    start = end + 1;
    const std::size_t semi = item.find(';');
    const std::string_view coding = trim(item.substr(0, semi));
    double q = 1;
    if (semi != std::string_view::npos) {
      std::string_view param = trim(item.substr(semi + 1));
      if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
        param.remove_prefix(2);
        const auto [ptr, ec] = std::from_chars(param.data(), param.data() + param.size(), q);
        if (ec != std::errc()) q = 0;
      }
    }
    if (protocol::iequals(coding, "gzip") || protocol::iequals(coding, "x-gzip")) return q > 0;
    if (coding == "*") star = q > 0;
  }
  return star;
}

bool is_compressible(std::string_view content_type) {
  const std::string_view type = trim(content_type.substr(0, content_type.find(';')));
  if (type.size() >= 5 && protocol::iequals(type.substr(0, 5), "text/")) return true;
  return contains_icase(type, "json") || contains_icase(type, "xml") ||
         contains_icase(type, "csv") || contains_icase(type, "javascript") ||
         contains_icase(type, "vnd.mapbox-vector-tile") || contains_icase(type, "x-protobuf");
}

struct GzipEncoder::State {
  z_stream z{};
  bool finished = false;
};

GzipEncoder::GzipEncoder(int level) : state_(std::make_unique<State>()) {
  // windowBits 15 + 16 selects the gzip wrapper.
  if (deflateInit2(&state_->z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("zlib deflateInit2 failed");
  }
}

GzipEncoder::~GzipEncoder() {
  deflateEnd(&state_->z);
}

void GzipEncoder::write(std::string_view in, std::string& out, bool finish) {
  if (state_->finished) throw std::logic_error("GzipEncoder: write after finish");
  z_stream& z = state_->z;
  // zlib's API is not const-correct; it does not write through next_in.
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  const int flush = finish ? Z_FINISH : Z_NO_FLUSH;
  while (true) {
    const std::size_t old = out.size();
    const std::size_t room = std::max<std::size_t>(deflateBound(&z, z.avail_in), 4096);
    out.resize(old + room);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + old);
    z.avail_out = static_cast<uInt>(room);
    const int rc = deflate(&z, flush);
    out.resize(old + room - z.avail_out);
    if (rc == Z_STREAM_END) {
      state_->finished = true;
      return;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) throw std::runtime_error("zlib deflate failed");
    if (z.avail_in == 0 && !finish && z.avail_out != 0) return;
  }
}

std::string gzip_compress(std::string_view in, int level) {
  GzipEncoder encoder(level);
  std::string out;
  out.reserve(in.size() / 3 + 64);
  encoder.write(in, out, true);
  return out;
}

// A 64-bit hash that reads eight bytes at a time in four independent lanes (several times
// faster than byte-wise FNV on large bodies); not cryptographic, which an ETag need not be.
std::uint64_t body_hash(std::string_view s) {
  constexpr std::uint64_t k1 = 0x9E3779B97F4A7C15ull;
  constexpr std::uint64_t k2 = 0xC2B2AE3D27D4EB4Full;
  auto rotl = [](std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); };
  auto load = [&](std::size_t at) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + at, 8);
    return w;
  };
  const std::size_t n = s.size();
  std::uint64_t lane[4] = {n ^ k1, k2, k1 ^ k2, ~k1};
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    for (int j = 0; j < 4; ++j) {
      lane[j] = rotl(lane[j] ^ (load(i + 8 * static_cast<std::size_t>(j)) * k2), 31) * k1;
    }
  }
  std::uint64_t h = lane[0] ^ rotl(lane[1], 7) ^ rotl(lane[2], 12) ^ rotl(lane[3], 18);
  for (; i + 8 <= n; i += 8) h = rotl(h ^ (load(i) * k2), 27) * k1;
  for (; i < n; ++i) h = rotl(h ^ (static_cast<unsigned char>(s[i]) * k1), 11) * k2;
  // Murmur3's finaliser spreads the last inputs over all bits.
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ull;
  h ^= h >> 33;
  return h;
}

std::string strong_etag(std::string_view body) {
  return fmt::format("\"{:016x}\"", body_hash(body));
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  if (trim(if_none_match) == "*") return true;
  auto opaque = [](std::string_view t) {
    t = trim(t);
    if (t.starts_with("W/")) t.remove_prefix(2);
    return t;
  };
  const std::string_view want = opaque(etag);
  std::size_t start = 0;
  while (start <= if_none_match.size()) {
    std::size_t end = if_none_match.find(',', start);
    if (end == std::string_view::npos) end = if_none_match.size();
    if (opaque(if_none_match.substr(start, end - start)) == want) return true;
    start = end + 1;
  }
  return false;
}

void add_cors_headers(protocol::Headers& headers) {
  headers.set("Access-Control-Allow-Origin", "*");
  headers.set("Access-Control-Expose-Headers",
              "ETag, Link, Location, Content-Crs, Content-Disposition, Retry-After, X-Cache");
}

protocol::Response cors_preflight_response(std::string_view allow_methods) {
  protocol::Response r;
  r.status = 204;
  add_cors_headers(r.headers);
  r.headers.set("Access-Control-Allow-Methods", std::string(allow_methods));
  r.headers.set("Access-Control-Allow-Headers",
                "Accept, Accept-Language, Content-Type, Authorization, X-API-Key, If-None-Match, "
                "Range");
  r.headers.set("Access-Control-Max-Age", "86400");
  return r;
}

std::string access_log_line(std::string_view remote, std::string_view method, std::string_view path,
                            int status, std::uint64_t bytes, double duration_ms,
                            std::string_view route) {
  const auto now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  protocol::JsonWriter w(256);
  w.begin_object();
  w.key("time").value(fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", now));
  w.key("remote").value(remote);
  w.key("method").value(method);
  w.key("path").value(path);
  w.key("status").value(status);
  w.key("bytes").value(bytes);
  w.key("duration_ms")
      .value(static_cast<double>(static_cast<std::int64_t>(duration_ms * 1000)) / 1000);
  w.key("route").value(route);
  w.end_object();
  return w.take();
}

}  // namespace shikong::http
