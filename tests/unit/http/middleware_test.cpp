// Middleware pieces without sockets: gzip round trips, ETag matching, Accept-Encoding, health.
#include "http/middleware.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <set>

#include "http/health.hpp"
#include "http/metrics.hpp"

namespace shikong::http {
namespace {

std::string gunzip(std::string_view in) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  std::string out;
  int rc = Z_OK;
  while (rc == Z_OK) {
    char buf[16384];
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  }
  EXPECT_EQ(rc, Z_STREAM_END);
  EXPECT_EQ(z.avail_in, 0u);
  inflateEnd(&z);
  return out;
}

TEST(Middleware, GzipRoundTripWholeAndChunked) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "{\"id\":" + std::to_string(i) + ",\"name\":\"北京\"},";
  const std::string whole = gzip_compress(text);
  EXPECT_LT(whole.size(), text.size() / 4);
  EXPECT_EQ(gunzip(whole), text);

  GzipEncoder encoder;
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 1000) {
    encoder.write(std::string_view(text).substr(i, 1000), out, false);
  }
  encoder.write({}, out, true);
  EXPECT_EQ(gunzip(out), text);
  EXPECT_EQ(gunzip(gzip_compress("")), "");
}

TEST(Middleware, AcceptEncoding) {
  EXPECT_TRUE(accepts_gzip("gzip, deflate, br"));
  EXPECT_TRUE(accepts_gzip("GZIP;q=0.5"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0, *"));
  EXPECT_FALSE(accepts_gzip("identity"));
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("br, *;q=0"));
}

TEST(Middleware, Compressible) {
  EXPECT_TRUE(is_compressible("application/json"));
  EXPECT_TRUE(is_compressible("application/geo+json; charset=utf-8"));
  EXPECT_TRUE(is_compressible("text/csv"));
  EXPECT_TRUE(is_compressible("application/problem+json"));
  EXPECT_TRUE(is_compressible("application/vnd.ogc.se_xml"));
  EXPECT_FALSE(is_compressible("image/png"));
  EXPECT_FALSE(is_compressible("application/zip"));
  EXPECT_FALSE(is_compressible(""));
}

TEST(Middleware, ETags) {
  const std::string tag = strong_etag("hello");
  ASSERT_EQ(tag.size(), 18u);
  EXPECT_EQ(tag.front(), '"');
  EXPECT_EQ(tag.back(), '"');
  EXPECT_EQ(tag.substr(1, 16).find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(tag, strong_etag(std::string("hello")));
  // Every length through the lane, word and byte paths, and one-bit changes, give new tags.
  std::set<std::uint64_t> seen;
  std::string s;
  for (int len = 0; len < 200; ++len) {
    EXPECT_TRUE(seen.insert(body_hash(s)).second) << len;
    for (int bit = 0; bit < 8 && len > 0; ++bit) {
      std::string flipped = s;
      flipped[static_cast<std::size_t>(len) / 2] =
          static_cast<char>(flipped[static_cast<std::size_t>(len) / 2] ^ (1 << bit));
      EXPECT_TRUE(seen.insert(body_hash(flipped)).second) << len << " " << bit;
    }
    s.push_back(static_cast<char>('a' + len % 26));
  }
  EXPECT_NE(strong_etag("ab"), strong_etag("ba"));
  EXPECT_TRUE(etag_matches("\"x\"", "\"x\""));
  EXPECT_TRUE(etag_matches("\"a\", W/\"x\"", "\"x\""));
  EXPECT_TRUE(etag_matches("*", "\"x\""));
  EXPECT_FALSE(etag_matches("\"y\"", "\"x\""));
}

TEST(Middleware, AccessLogLineIsJson) {
  const std::string line = access_log_line("127.0.0.1", "GET", "/a\"b", 200, 12, 1.23456, "/a");
  EXPECT_NE(line.find(R"("remote":"127.0.0.1","method":"GET","path":"/a\"b","status":200,)"
                      R"("bytes":12,"duration_ms":1.234,"route":"/a"})"),
            std::string::npos)
      << line;
  EXPECT_EQ(line.rfind(R"({"time":")", 0), 0u);
}

TEST(Health, PassAndFail) {
  bool ready = true;
  protocol::Route route = health_route([&] { return ready; });
  EXPECT_EQ(route.pattern, "/health");
  protocol::Request req;
  protocol::Response r = route.handler(req);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.get("Content-Type").value(), "application/health+json");
  EXPECT_EQ(
      r.body.rfind(
          R"({"status":"pass","serviceId":"shikong","checks":{"liveness":[{"status":"pass")", 0),
      0u);
  ready = false;
  r = route.handler(req);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body.rfind(R"({"status":"fail")", 0), 0u);
  EXPECT_NE(r.body.find(R"("readiness":[{"status":"fail")"), std::string::npos);
  const auto routes = health_routes([&] { return ready; });
  ASSERT_EQ(routes.size(), 3u);
  EXPECT_EQ(routes[1].handler(req).status, 200);  // live even when not ready
  EXPECT_EQ(routes[2].handler(req).status, 503);
}

TEST(Metrics, RouteRendersRegistry) {
  protocol::MetricsRegistry registry;
  describe_http_metrics(registry);
  record_http_request(registry, "/x/{id}", "GET", 200, 0.002);
  protocol::Request req;
  const protocol::Response r = metrics_route(registry).handler(req);
  EXPECT_EQ(r.headers.get("Content-Type").value(), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find(
                "shikong_http_requests_total{route=\"/x/{id}\",method=\"GET\",status=\"200\"} 1\n"),
            std::string::npos);
  EXPECT_NE(
      r.body.find(
          "shikong_http_request_duration_seconds_bucket{route=\"/x/{id}\",le=\"0.0025\"} 1\n"),
      std::string::npos);
  EXPECT_NE(r.body.find("shikong_http_in_flight 0\n"), std::string::npos);
}

}  // namespace
}  // namespace shikong::http
