// The server on real sockets (127.0.0.1, port 0) with Beast and raw-socket clients: methods,
// keep-alive, errors, limits, uploads, chunked streams, gzip, ETag, CORS, timeouts, shutdown.
#include "http/server.hpp"

// Boost 1.74's asio needs <utility> first under GCC 12.
#include <utility>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <fstream>
#include <future>
#include <thread>

#include "core/error.hpp"
#include "core/log.hpp"
#include "http/health.hpp"
#include "http/metrics.hpp"
#include "http/middleware.hpp"

namespace shikong::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace fs = std::filesystem;
using tcp = net::ip::tcp;
using protocol::Request;
using protocol::Response;
using protocol::Route;

std::string gunzip(std::string_view in) {
  z_stream z{};
  inflateInit2(&z, 15 + 16);
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
  inflateEnd(&z);
  if (rc != Z_STREAM_END) return "<corrupt gzip>";
  return out;
}

std::string big_json() {
  std::string s = "[";
  for (int i = 0; i < 2000; ++i)
    s += (i ? "," : "") + std::string("{\"id\":") + std::to_string(i) + "}";
  return s + "]";
}

std::string stream_expected() {
  std::string s;
  for (int i = 0; i < 10000; ++i) s += "line " + std::to_string(i) + "\n";
  return s;
}

Route make_route(std::string method, std::string pattern, protocol::Handler handler,
                 bool upload = false) {
  Route r;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  r.handler = std::move(handler);
  r.streams_upload = upload;
  return r;
}

// A blocking HTTP client over one connection.
class Client {
 public:
  explicit Client(std::uint16_t port) : stream_(ioc_) {
    stream_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }
  bhttp::response<bhttp::string_body> request(
      bhttp::verb method, std::string target, std::string body = {},
      std::vector<std::pair<std::string, std::string>> headers = {}) {
    bhttp::request<bhttp::string_body> req{method, target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    for (auto& [n, v] : headers) req.set(n, v);
    req.body() = std::move(body);
    req.prepare_payload();
    bhttp::write(stream_, req);
    return read(method == bhttp::verb::head);
  }
  bhttp::response<bhttp::string_body> read(bool head = false) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    parser.skip(head);
    bhttp::read(stream_, buffer_, parser);
    return parser.release();
  }
  beast::tcp_stream& stream() { return stream_; }

 private:
  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    upload_dir_ = fs::temp_directory_path() /
                  ("shikong-http-test-" + std::to_string(::getpid()) + "-" +
                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(upload_dir_);
    fs::create_directories(upload_dir_);
    options_.address = "127.0.0.1";
    options_.port = 0;
    options_.io_threads = 2;
    options_.worker_threads = 2;
    options_.handle_signals = false;
    options_.access_log = false;
    options_.upload_dir = upload_dir_;
    options_.max_body_bytes = 64 * 1024;
    options_.max_upload_bytes = 1024 * 1024;
    options_.header_timeout = std::chrono::milliseconds(300);

    router_.add(make_route("GET", "/hello",
                           [](Request&) { return Response::text("hello", "text/plain"); }));
    router_.add(make_route("POST", "/echo", [](Request& r) {
      return Response::text(r.body, "application/octet-stream");
    }));
    router_.add(make_route("GET", "/items/{id}", [](Request& r) {
      return Response::json("{\"id\":\"" + std::string(r.path_param("id")) + "\",\"base\":\"" +
                            r.base_url + "\",\"q\":\"" + std::string(r.param("q").value_or("")) +
                            "\"}");
    }));
    router_.add(make_route("GET", "/ip",
                           [](Request& r) { return Response::text(r.remote_ip, "text/plain"); }));
    router_.add(make_route("GET", "/big", [](Request&) { return Response::json(big_json()); }));
    router_.add(make_route("GET", "/stream", [](Request&) {
      Response r;
      r.headers.set("Content-Type", "text/plain");
      r.stream = [i = 0](std::string& chunk) mutable {
        chunk += "line " + std::to_string(i) + "\n";
        return ++i < 10000;
      };
      return r;
    }));
    router_.add(make_route("GET", "/error", [](Request&) -> Response {
      throw InvalidInput("invalid-bbox", "The bbox needs 4 numbers.", "bbox");
    }));
    router_.add(make_route("GET", "/crash", [](Request&) -> Response {
      throw std::runtime_error("secret database path /var/x");
    }));
    router_.add(make_route(
        "POST", "/upload",
        [this](Request& r) {
          std::ifstream in(r.body_file, std::ios::binary);
          std::string content((std::istreambuf_iterator<char>(in)), {});
          spooled_ = r.body_file;
          return Response::json(
              "{\"size\":" + std::to_string(r.body_size) +
              ",\"read\":" + std::to_string(content.size()) +
              ",\"in_dir\":" + (r.body_file.parent_path() == upload_dir_ ? "true" : "false") +
              ",\"ok\":" + (content == std::string(r.body_size, 'u') ? "true" : "false") + "}");
        },
        true));
    router_.add(make_route("GET", "/slow", [this](Request&) {
      slow_started_.set_value();
      slow_release_.get_future().wait();
      return Response::text("slow done", "text/plain");
    }));
    router_.add(make_route("GET", "/file", [this](Request&) {
      const fs::path p = upload_dir_ / "served.json";
      std::ofstream(p) << big_json();
      Response r;
      r.headers.set("Content-Type", "application/json");
      r.file = p;
      r.delete_file_after = true;
      return r;
    }));
    router_.add(make_route("GET", "/private",
                           [](Request&) { return Response::text("secret", "text/plain"); }));
    router_.add(metrics_route(metrics_));
    router_.add(health_route([] { return true; }));
    middleware_.metrics = &metrics_;
    middleware_.before = [](Request& r, const Route& route) -> std::optional<Response> {
      if ((route.pattern == "/private" || route.pattern == "/upload") &&
          r.header("X-Deny").has_value()) {
        return protocol::Response::json("{\"denied\":true}", 403);
      }
      if (route.pattern == "/private" && r.header("X-API-Key") != "k1") {
        return protocol::Response::json("{\"denied\":true}", 401);
      }
      return std::nullopt;
    };
  }

  void start() {
    server_ = std::make_unique<Server>(options_, router_, middleware_);
    server_->start();
    thread_ = std::thread([this] { server_->run(); });
  }

  void TearDown() override {
    if (server_) {
      server_->stop();
      thread_.join();
    }
    fs::remove_all(upload_dir_);
  }

  std::size_t files_in_upload_dir() const {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(upload_dir_)) ++n;
    return n;
  }

  ServerOptions options_;
  protocol::Router router_;
  Middleware middleware_;
  protocol::MetricsRegistry metrics_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  fs::path upload_dir_;
  fs::path spooled_;
  std::promise<void> slow_started_;
  std::promise<void> slow_release_;
};

TEST_F(ServerTest, GetPostHeadOnOneKeepAliveConnection) {
  start();
  Client c(server_->port());
  auto r = c.request(bhttp::verb::get, "/hello");
  EXPECT_EQ(r.result_int(), 200);
  EXPECT_EQ(r.body(), "hello");
  EXPECT_TRUE(r.keep_alive());
  EXPECT_EQ(r[bhttp::field::access_control_allow_origin], "*");
  EXPECT_EQ(r[bhttp::field::etag], strong_etag("hello"));
  EXPECT_FALSE(r[bhttp::field::date].empty());

  r = c.request(bhttp::verb::post, "/echo", "abc");
  EXPECT_EQ(r.result_int(), 200);
  EXPECT_EQ(r.body(), "abc");

  r = c.request(bhttp::verb::head, "/hello");
  EXPECT_EQ(r.result_int(), 200);
  EXPECT_EQ(r[bhttp::field::content_length], "5");
  EXPECT_EQ(r.body(), "");

  r = c.request(bhttp::verb::get, "/items/a%2Fb?q=x+y");
  EXPECT_EQ(r.body(), "{\"id\":\"a/b\",\"base\":\"http://127.0.0.1\",\"q\":\"x y\"}");
}

TEST_F(ServerTest, PublicUrlOverridesHost) {
  options_.public_url = "https://maps.example.org/";
  start();
  Client c(server_->port());
  EXPECT_EQ(c.request(bhttp::verb::get, "/items/1").body(),
            "{\"id\":\"1\",\"base\":\"https://maps.example.org\",\"q\":\"\"}");
}

TEST_F(ServerTest, NotFoundAndMethodNotAllowedAreProblems) {
  start();
  Client c(server_->port());
  auto r = c.request(bhttp::verb::get, "/nowhere");
  EXPECT_EQ(r.result_int(), 404);
  EXPECT_EQ(r[bhttp::field::content_type], "application/problem+json");
  EXPECT_EQ(r.body(), R"({"type":"urn:shikong:error:not-found","title":"Not Found","status":404,)"
                      R"("detail":"No resource exists at this path.","instance":"/nowhere",)"
                      R"("code":"not-found"})");
  r = c.request(bhttp::verb::delete_, "/hello");
  EXPECT_EQ(r.result_int(), 405);
  EXPECT_EQ(r[bhttp::field::allow], "GET, HEAD");
  r = c.request(bhttp::verb::get, "/items/%zz");
  EXPECT_EQ(r.result_int(), 400);
  EXPECT_NE(r.body().find(R"("code":"invalid-path")"), std::string::npos);
  r = c.request(bhttp::verb::get, "/hello?a=%");
  EXPECT_EQ(r.result_int(), 400);
  EXPECT_NE(r.body().find(R"("code":"invalid-query")"), std::string::npos);
}

TEST_F(ServerTest, ExceptionsBecomeResponses) {
  start();
  Client c(server_->port());
  auto r = c.request(bhttp::verb::get, "/error");
  EXPECT_EQ(r.result_int(), 400);
  EXPECT_EQ(r.body(),
            R"({"type":"urn:shikong:error:invalid-bbox","title":"Bad Request","status":400,)"
            R"("detail":"The bbox needs 4 numbers.","instance":"/error","code":"invalid-bbox",)"
            R"("parameter":"bbox"})");
  shikong::log::set_sink([](shikong::log::Level, std::string_view) {});
  r = c.request(bhttp::verb::get, "/crash");
  shikong::log::set_sink({});
  EXPECT_EQ(r.result_int(), 500);
  EXPECT_EQ(r.body().find("secret"), std::string::npos);
  EXPECT_NE(r.body().find(R"("code":"internal-error")"), std::string::npos);
  // The connection survives handler errors.
  EXPECT_EQ(c.request(bhttp::verb::get, "/hello").body(), "hello");
}

TEST_F(ServerTest, BeforeHookCanAnswer) {
  start();
  Client c(server_->port());
  EXPECT_EQ(c.request(bhttp::verb::get, "/private").result_int(), 401);
  auto r = c.request(bhttp::verb::get, "/private", {}, {{"X-API-Key", "k1"}});
  EXPECT_EQ(r.result_int(), 200);
  EXPECT_EQ(r.body(), "secret");
}

TEST_F(ServerTest, QuickHookAnswersWithoutBeforeHandlerOrAfter) {
  std::atomic<int> befores{0}, afters{0};
  middleware_.quick = [](const Request& r, const Route&) -> std::optional<Response> {
    if (!r.header("X-Banned")) return std::nullopt;
    auto res = Response::json("{\"banned\":true}", 429);
    res.hold = std::chrono::milliseconds(300);  // a tarpit
    return res;
  };
  auto before = middleware_.before;
  middleware_.before = [&befores, before](Request& r, const Route& route) {
    ++befores;
    return before(r, route);
  };
  middleware_.after = [&afters](const Request&, Response&) { ++afters; };
  start();
  Client c(server_->port());
  const auto sent = std::chrono::steady_clock::now();
  auto r = c.request(bhttp::verb::get, "/hello", {}, {{"X-Banned", "1"}});
  EXPECT_EQ(r.result_int(), 429);
  // Held on a timer first: never sooner than the hold (a lower bound, not a speed claim).
  EXPECT_GE(std::chrono::steady_clock::now() - sent, std::chrono::milliseconds(300));
  EXPECT_EQ(r.body(), "{\"banned\":true}");
  EXPECT_EQ(befores.load(), 0);
  EXPECT_EQ(afters.load(), 0);
  // The keep-alive connection goes on, and other requests take the usual way.
  EXPECT_EQ(c.request(bhttp::verb::get, "/hello").body(), "hello");
  EXPECT_EQ(befores.load(), 1);
  EXPECT_EQ(afters.load(), 1);
  // A refused upload is answered before its body is read or spooled.
  auto up = c.request(bhttp::verb::post, "/upload", std::string(4096, 'x'), {{"X-Banned", "1"}});
  EXPECT_EQ(up.result_int(), 429);
  EXPECT_EQ(files_in_upload_dir(), 0u);
}

TEST_F(ServerTest, BodyOverLimitIs413) {
  start();
  Client c(server_->port());
  bhttp::request<bhttp::empty_body> req{bhttp::verb::post, "/echo", 11};
  req.set(bhttp::field::host, "x");
  req.content_length(2 * 1024 * 1024);
  bhttp::write(c.stream(), req);
  auto r = c.read();
  EXPECT_EQ(r.result_int(), 413);
  EXPECT_FALSE(r.keep_alive());
  EXPECT_NE(r.body().find(R"("code":"body-too-large")"), std::string::npos);
}

TEST_F(ServerTest, ChunkedUploadOverLimitIs413AndSpoolRemoved) {
  start();
  Client c(server_->port());
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/upload", 11};
  req.set(bhttp::field::host, "x");
  req.chunked(true);
  req.body() = std::string(1024 * 1024 + 100, 'u');
  bhttp::write(c.stream(), req);
  auto r = c.read();
  EXPECT_EQ(r.result_int(), 413);
  // The response is sent after the spool is removed.
  EXPECT_EQ(files_in_upload_dir(), 0u);
}

TEST_F(ServerTest, UploadIsSpooledToAFileAndRemovedAfterwards) {
  start();
  Client c(server_->port());
  const std::size_t size = 300 * 1024;  // above max_body_bytes: only an upload route takes it
  auto r = c.request(bhttp::verb::post, "/upload", std::string(size, 'u'));
  EXPECT_EQ(r.result_int(), 200);
  EXPECT_EQ(r.body(), "{\"size\":307200,\"read\":307200,\"in_dir\":true,\"ok\":true}");
  EXPECT_FALSE(spooled_.empty());
  EXPECT_FALSE(fs::exists(spooled_));
  EXPECT_EQ(files_in_upload_dir(), 0u);
  // Expect: 100-continue is answered before the body is sent.
  bhttp::request<bhttp::empty_body> head{bhttp::verb::post, "/upload", 11};
  head.set(bhttp::field::host, "x");
  head.set(bhttp::field::expect, "100-continue");
  head.content_length(3);
  bhttp::write(c.stream(), head);
  EXPECT_EQ(c.read().result_int(), 100);
  net::write(c.stream(), net::buffer(std::string("uuu")));
  EXPECT_EQ(c.read().body(), "{\"size\":3,\"read\":3,\"in_dir\":true,\"ok\":true}");
}

TEST_F(ServerTest, RefusedUploadIsNotSpooled) {
  start();
  Client c(server_->port());
  bhttp::request<bhttp::empty_body> req{bhttp::verb::post, "/upload", 11};
  req.set(bhttp::field::host, "x");
  req.set("X-Deny", "1");
  req.content_length(512 * 1024);
  bhttp::write(c.stream(), req);  // the body is never sent: the answer comes first
  const auto r = c.read();
  EXPECT_EQ(r.result_int(), 403);
  EXPECT_FALSE(r.keep_alive());
  EXPECT_EQ(files_in_upload_dir(), 0u);
}

TEST_F(ServerTest, StreamToHttp10ClientEndsWithClose) {
  start();
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server_->port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  timeval tv{30, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const std::string request = "GET /stream HTTP/1.0\r\n\r\n";
  ASSERT_EQ(::send(fd, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
  std::string received;
  char buf[65536];
  ssize_t n = 0;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0)
    received.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  ASSERT_EQ(n, 0);  // EOF marks the end of the body
  const std::size_t end = received.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos);
  const std::string head = received.substr(0, end);
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << head;
  EXPECT_EQ(head.find("chunked"), std::string::npos) << head;
  EXPECT_EQ(received.substr(end + 4), stream_expected());
}

TEST_F(ServerTest, ChunkedStreamOf10kChunks) {
  start();
  Client c(server_->port());
  auto r = c.request(bhttp::verb::get, "/stream");
  EXPECT_EQ(r.result_int(), 200);
  EXPECT_TRUE(r.chunked());
  EXPECT_EQ(r.body(), stream_expected());
  // HEAD of a stream: headers only, and the connection stays usable.
  r = c.request(bhttp::verb::head, "/stream");
  EXPECT_EQ(r.result_int(), 200);
  EXPECT_EQ(c.request(bhttp::verb::get, "/hello").body(), "hello");
}

TEST_F(ServerTest, GzipWhenAccepted) {
  start();
  Client c(server_->port());
  auto r = c.request(bhttp::verb::get, "/big", {}, {{"Accept-Encoding", "gzip, br"}});
  EXPECT_EQ(r[bhttp::field::content_encoding], "gzip");
  EXPECT_EQ(r[bhttp::field::vary], "Accept-Encoding");
  EXPECT_LT(r.body().size(), big_json().size());
  EXPECT_EQ(gunzip(r.body()), big_json());

  r = c.request(bhttp::verb::get, "/stream", {}, {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(r[bhttp::field::content_encoding], "gzip");
  EXPECT_EQ(gunzip(r.body()), stream_expected());

  r = c.request(bhttp::verb::get, "/file", {}, {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(gunzip(r.body()), big_json());
  r = c.request(bhttp::verb::get, "/file");
  EXPECT_EQ(r[bhttp::field::content_encoding], "");
  EXPECT_EQ(r.body(), big_json());
  EXPECT_FALSE(fs::exists(upload_dir_ / "served.json"));  // delete_file_after

  r = c.request(bhttp::verb::get, "/big");
  EXPECT_EQ(r[bhttp::field::content_encoding], "");
  EXPECT_EQ(r.body(), big_json());
  r = c.request(bhttp::verb::get, "/hello", {}, {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(r.body(), "hello");  // too small to be worth it (and not a compressible type)
}

TEST_F(ServerTest, ETagAndIfNoneMatch) {
  start();
  Client c(server_->port());
  auto r = c.request(bhttp::verb::get, "/big");
  const std::string etag(r[bhttp::field::etag]);
  ASSERT_EQ(etag.size(), 18u);
  r = c.request(bhttp::verb::get, "/big", {}, {{"If-None-Match", etag}});
  EXPECT_EQ(r.result_int(), 304);
  EXPECT_EQ(r.body(), "");
  EXPECT_EQ(r[bhttp::field::etag], etag);
  r = c.request(bhttp::verb::get, "/big", {}, {{"If-None-Match", "\"other\""}});
  EXPECT_EQ(r.result_int(), 200);
  // The gzip representation has its own tag.
  r = c.request(bhttp::verb::get, "/big", {}, {{"Accept-Encoding", "gzip"}});
  const std::string gz_etag(r[bhttp::field::etag]);
  EXPECT_EQ(gz_etag, etag.substr(0, 17) + "-gz\"");
  r = c.request(bhttp::verb::get, "/big", {},
                {{"Accept-Encoding", "gzip"}, {"If-None-Match", gz_etag}});
  EXPECT_EQ(r.result_int(), 304);
  EXPECT_EQ(c.request(bhttp::verb::get, "/stream")[bhttp::field::etag], "");
}

TEST_F(ServerTest, CorsPreflight) {
  start();
  Client c(server_->port());
  auto r = c.request(bhttp::verb::options, "/echo", {},
                     {{"Origin", "https://portal.example"},
                      {"Access-Control-Request-Method", "POST"},
                      {"Access-Control-Request-Headers", "x-api-key, content-type"}});
  EXPECT_EQ(r.result_int(), 204);
  EXPECT_EQ(r[bhttp::field::access_control_allow_origin], "*");
  EXPECT_EQ(r[bhttp::field::access_control_allow_methods], "POST");
  const std::string allow_headers(r[bhttp::field::access_control_allow_headers]);
  EXPECT_NE(allow_headers.find("X-API-Key"), std::string::npos);
  EXPECT_NE(allow_headers.find("Content-Type"), std::string::npos);
  EXPECT_EQ(c.request(bhttp::verb::options, "/nowhere").result_int(), 404);
}

TEST_F(ServerTest, SlowHeaderIsClosedAfterTheTimeout) {
  start();
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server_->port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  timeval tv{30, 0};  // a safety net far above the 300 ms server timeout
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const std::string half = "GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
  ASSERT_EQ(::send(fd, half.data(), half.size(), 0), static_cast<ssize_t>(half.size()));
  char buf[256];
  const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  const int err = errno;
  ::close(fd);
  // The server closed: an orderly EOF (or a reset), not our own receive timeout.
  EXPECT_TRUE(n == 0 || (n < 0 && err == ECONNRESET)) << n << " errno " << err;
}

// A raw client that sends `prefix` at once, then `data` a byte at a time, `gap` apart, until
// the server closes the connection or everything is sent. Returns whether the server closed
// before the last byte and how many bytes of `data` it had been given.
struct Drip {
  bool closed_early = false;
  std::size_t sent = 0;
};
Drip drip(std::uint16_t port, const std::string& prefix, const std::string& data,
          std::chrono::milliseconds gap, std::promise<void>* started = nullptr) {
  Drip out;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return out;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return out;
  }
  if (!prefix.empty() && ::send(fd, prefix.data(), prefix.size(), MSG_NOSIGNAL) !=
                             static_cast<ssize_t>(prefix.size())) {
    ::close(fd);
    return out;
  }
  for (const char c : data) {
    if (::send(fd, &c, 1, MSG_NOSIGNAL) != 1) {
      out.closed_early = true;
      break;
    }
    ++out.sent;
    if (out.sent == 3 && started) started->set_value();
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(gap.count())) > 0) {
      char buf[512];
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) {  // EOF or reset: the server gave up on us
        out.closed_early = true;
        break;
      }
    }
  }
  ::close(fd);
  return out;
}

TEST_F(ServerTest, HeaderTimeoutIsATotalNotAPause) {
  options_.header_timeout = std::chrono::seconds(1);
  start();
  // One byte every 200 ms: each pause is far below the timeout, so only a deadline for the
  // whole header can cut this client off. 50 bytes would take 10 s.
  const std::string header =
      "GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + std::string(50, 'a') + "\r\n\r\n";
  std::promise<void> started;
  auto slow = std::async(std::launch::async, [&] {
    return drip(server_->port(), {}, header, std::chrono::milliseconds(200), &started);
  });
  started.get_future().wait();
  // Meanwhile a normal client is served.
  Client normal(server_->port());
  EXPECT_EQ(normal.request(bhttp::verb::get, "/hello").body(), "hello");
  const Drip d = slow.get();
  EXPECT_TRUE(d.closed_early);
  EXPECT_LT(d.sent, header.size());
}

TEST_F(ServerTest, SlowBodyIsCutOffBelowTheMinimumRate) {
  options_.body_timeout = std::chrono::seconds(1);
  options_.min_body_bytes_per_s = 1000;
  start();
  // The header at once, then 60 body bytes at 5 bytes/s: no pause reaches the body timeout,
  // but the average rate is far below the floor, so the server ends it after about a second
  // instead of the 12 s the body would take.
  const std::string header = "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 60\r\n\r\n";
  const std::string body(60, 'b');
  const Drip d = drip(server_->port(), header, body, std::chrono::milliseconds(200));
  EXPECT_TRUE(d.closed_early);
  EXPECT_LT(d.sent, body.size());
  // A body at full speed is still read.
  Client c(server_->port());
  EXPECT_EQ(c.request(bhttp::verb::post, "/echo", std::string(50'000, 'x')).body().size(), 50'000u);
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosed) {
  options_.idle_timeout = std::chrono::milliseconds(300);
  start();
  Client c(server_->port());
  EXPECT_EQ(c.request(bhttp::verb::get, "/hello").result_int(), 200);
  c.stream().expires_after(std::chrono::seconds(10));  // a safety net far above 300 ms
  beast::flat_buffer buf;
  bhttp::response<bhttp::string_body> none;
  beast::error_code ec;
  bhttp::read(c.stream(), buf, none, ec);
  EXPECT_EQ(ec, bhttp::error::end_of_stream);
}

TEST_F(ServerTest, ForwardedForIsBelievedOnlyFromTrustedProxies) {
  options_.trusted_proxies = {*parse_cidr("127.0.0.1/32")};
  start();
  Client c(server_->port());
  EXPECT_EQ(c.request(bhttp::verb::get, "/ip").body(), "127.0.0.1");
  EXPECT_EQ(c.request(bhttp::verb::get, "/ip", {}, {{"X-Forwarded-For", "203.0.113.7"}}).body(),
            "203.0.113.7");
  // A client's own entries on the left are not believed: the proxy appended the real peer.
  EXPECT_EQ(
      c.request(bhttp::verb::get, "/ip", {}, {{"X-Forwarded-For", "1.2.3.4, 203.0.113.7"}}).body(),
      "203.0.113.7");
}

TEST_F(ServerTest, ForwardedForFieldsAreOneList) {
  options_.trusted_proxies = {*parse_cidr("127.0.0.1/32"), *parse_cidr("10.0.0.0/8")};
  start();
  Client c(server_->port());
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, "/ip", 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.insert("X-Forwarded-For", "1.2.3.4");
  req.insert("X-Forwarded-For", "203.0.113.7, 10.1.2.3");  // through a second, trusted proxy
  bhttp::write(c.stream(), req);
  EXPECT_EQ(c.read().body(), "203.0.113.7");
}

TEST_F(ServerTest, ForwardedForIsIgnoredWithoutTrustedProxies) {
  start();
  Client c(server_->port());
  EXPECT_EQ(c.request(bhttp::verb::get, "/ip", {}, {{"X-Forwarded-For", "203.0.113.7"}}).body(),
            "127.0.0.1");
}

TEST_F(ServerTest, ForwardedForFromAnUntrustedPeerIsIgnored) {
  options_.trusted_proxies = {*parse_cidr("10.0.0.0/8")};
  start();
  Client c(server_->port());
  EXPECT_EQ(c.request(bhttp::verb::get, "/ip", {}, {{"X-Forwarded-For", "203.0.113.7"}}).body(),
            "127.0.0.1");
}

TEST_F(ServerTest, MetricsAndHealth) {
  start();
  Client c(server_->port());
  c.request(bhttp::verb::get, "/hello");
  c.request(bhttp::verb::get, "/nowhere");
  EXPECT_EQ(c.request(bhttp::verb::get, "/health").result_int(), 200);
  const std::string text = c.request(bhttp::verb::get, "/metrics").body();
  EXPECT_NE(
      text.find("shikong_http_requests_total{route=\"/hello\",method=\"GET\",status=\"200\"} 1\n"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find(
          "shikong_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1\n"),
      std::string::npos);
  EXPECT_NE(text.find("shikong_http_request_duration_seconds_count{route=\"/hello\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("shikong_http_in_flight 1\n"), std::string::npos);  // the /metrics request
}

TEST_F(ServerTest, ConnectionsPerIpAreCapped) {
  options_.max_connections_per_ip = 1;
  start();
  Client first(server_->port());
  EXPECT_EQ(first.request(bhttp::verb::get, "/hello").result_int(), 200);
  Client second(server_->port());
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, "/hello", 11};
  req.set(bhttp::field::host, "x");
  beast::error_code ec;
  bhttp::write(second.stream(), req, ec);  // may fail if the 503 and close came first
  const auto r = second.read();
  EXPECT_EQ(r.result_int(), 503);
  EXPECT_EQ(first.request(bhttp::verb::get, "/hello").result_int(), 200);
}

TEST_F(ServerTest, ConnectionCapCountsThePeerNotTheForwardedClient) {
  options_.max_connections_per_ip = 1;
  options_.trusted_proxies = {*parse_cidr("10.0.0.0/8")};  // not us
  start();
  Client first(server_->port());
  EXPECT_EQ(first.request(bhttp::verb::get, "/ip", {}, {{"X-Forwarded-For", "203.0.113.7"}}).body(),
            "127.0.0.1");
  // A second connection claiming another client is still the same peer: refused.
  Client second(server_->port());
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, "/ip", 11};
  req.set(bhttp::field::host, "x");
  req.set("X-Forwarded-For", "198.51.100.9");
  beast::error_code ec;
  bhttp::write(second.stream(), req, ec);  // may fail if the 503 and close came first
  EXPECT_EQ(second.read().result_int(), 503);
}

TEST_F(ServerTest, TrustedProxyIsNotCappedPerIp) {
  options_.max_connections_per_ip = 1;
  options_.trusted_proxies = {*parse_cidr("127.0.0.1/32")};
  start();
  Client first(server_->port());
  Client second(server_->port());
  EXPECT_EQ(first.request(bhttp::verb::get, "/ip", {}, {{"X-Forwarded-For", "203.0.113.7"}}).body(),
            "203.0.113.7");
  EXPECT_EQ(
      second.request(bhttp::verb::get, "/ip", {}, {{"X-Forwarded-For", "198.51.100.9"}}).body(),
      "198.51.100.9");
}

TEST_F(ServerTest, GracefulStopFinishesTheRequestInFlight) {
  start();
  Client idle(server_->port());
  EXPECT_EQ(idle.request(bhttp::verb::get, "/hello").result_int(), 200);

  auto slow = std::async(std::launch::async, [port = server_->port()] {
    Client c(port);
    return c.request(bhttp::verb::get, "/slow");
  });
  slow_started_.get_future().wait();
  server_->stop();
  // The idle keep-alive connection is closed by the drain.
  beast::flat_buffer buf;
  bhttp::response<bhttp::string_body> none;
  beast::error_code ec;
  bhttp::read(idle.stream(), buf, none, ec);
  EXPECT_EQ(ec, bhttp::error::end_of_stream);
  slow_release_.set_value();
  const auto r = slow.get();
  EXPECT_EQ(r.result_int(), 200);
  EXPECT_EQ(r.body(), "slow done");
  EXPECT_FALSE(r.keep_alive());
  thread_.join();  // run() returned
  server_.reset();
}

}  // namespace
}  // namespace shikong::http
