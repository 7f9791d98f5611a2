// The outbound client against small socket servers on 127.0.0.1: bodies (sized, chunked, until
// EOF, endless), timeouts, redirects and their checks, 304, POST, and the refusals of URLs and
// of non-public addresses.
#include "http/client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"

namespace shikong::http {
namespace {

// What the test server saw of one request.
struct Seen {
  std::string method;
  std::string target;
  std::string head;  // the request line and headers, as sent
  std::string body;

  // The value of a header (case-insensitive name), or "" when absent.
  std::string header(std::string_view name) const {
    std::string lower_head = head;
    for (char& c : lower_head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string key = "\r\n" + std::string(name) + ":";
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto at = lower_head.find(key);
    if (at == std::string::npos) return "__absent__";
    auto start = at + key.size();
    while (head[start] == ' ') ++start;
    return head.substr(start, head.find("\r\n", start) - start);
  }
};

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// A loopback server that answers each connection, one at a time, with `handler`.
class TestServer {
 public:
  using Handler = std::function<void(int fd, const Seen& request, TestServer& self)>;

  explicit TestServer(Handler handler) : handler_(std::move(handler)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 16), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { loop(); });
  }
  ~TestServer() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    ::close(fd_);
  }

  int port() const { return port_; }
  std::string url(std::string_view path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }
  std::string origin() const { return "127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_.load(); }
  std::vector<Seen> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }
  // Blocks a handler until the server is being destroyed.
  void wait_for_stop() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return stop_; });
  }
  bool stopping() {
    std::lock_guard lock(mu_);
    return stop_;
  }

 private:
  void loop() {
    while (!stopping()) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      ++connections_;
      Seen s;
      if (read_request(c, s)) {
        {
          std::lock_guard lock(mu_);
          seen_.push_back(s);
        }
        handler_(c, s, *this);
      }
      ::close(c);
    }
  }

  static bool read_request(int fd, Seen& s) {
    std::string data;
    char buf[4096];
    // A TLS ClientHello (record type 22) never ends in a blank line: hand it over unread.
    if (::recv(fd, buf, 1, MSG_PEEK) == 1 && buf[0] == 0x16) {
      s.method = "TLS";
      return true;
    }
    std::size_t end = std::string::npos;
    while ((end = data.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return false;
      data.append(buf, static_cast<std::size_t>(n));
    }
    s.head = data.substr(0, end + 2);
    s.method = s.head.substr(0, s.head.find(' '));
    const auto t = s.head.find(' ') + 1;
    s.target = s.head.substr(t, s.head.find(' ', t) - t);
    s.body = data.substr(end + 4);
    const std::string cl = s.header("content-length");
    const std::size_t want = cl == "__absent__" ? 0 : std::stoul(cl);
    while (s.body.size() < want) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return false;
      s.body.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }

  Handler handler_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::vector<Seen> seen_;
  std::thread thread_;
};

// An answer with a Content-Length.
std::string answer(int status, std::string_view reason, std::string_view body,
                   std::string_view extra_headers = "") {
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         std::string(extra_headers) + "\r\n" + std::string(body);
}

FetchRequest allowed(const TestServer& s, std::string_view path = "/") {
  FetchRequest r;
  r.url = s.url(path);
  r.allowed_private_origins = {s.origin()};
  r.timeout = std::chrono::milliseconds(10000);
  return r;
}

// The code of the Unavailable that fetch throws, or "" when it succeeds.
std::string error_code_of(const FetchRequest& r) {
  try {
    fetch(r);
  } catch (const Unavailable& e) {
    return e.code();
  }
  return "";
}

TEST(HttpClient, SizedBodyHeadersAndRequestFields) {
  TestServer s([](int fd, const Seen&, TestServer&) {
    send_all(fd, answer(200, "OK", "hello", "Content-Type: text/plain\r\nETag: \"v1\"\r\n"));
  });
  auto r = allowed(s, "/a/b?x=1&y=%20");
  r.headers = {{"If-None-Match", "\"v0\""}, {"Accept", "application/xml"}};
  const FetchResponse res = fetch(r);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "hello");
  EXPECT_EQ(res.header("content-type"), "text/plain");
  EXPECT_EQ(res.header("etag"), "\"v1\"");
  EXPECT_EQ(res.final_url, s.url("/a/b?x=1&y=%20"));
  const auto seen = s.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].target, "/a/b?x=1&y=%20");
  EXPECT_EQ(seen[0].header("host"), s.origin());
  EXPECT_EQ(seen[0].header("user-agent"), "shikong-harvester/0.1");
  EXPECT_EQ(seen[0].header("accept-encoding"), "identity");
  EXPECT_EQ(seen[0].header("if-none-match"), "\"v0\"");
  EXPECT_EQ(seen[0].header("accept"), "application/xml");
}

TEST(HttpClient, ChunkedBody) {
  TestServer s([](int fd, const Seen&, TestServer&) {
    send_all(fd,
             "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5\r\npedia\r\n"
             "0\r\n\r\n");
  });
  const FetchResponse res = fetch(allowed(s));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "Wikipedia");
}

TEST(HttpClient, BodyUntilClose) {
  TestServer s([](int fd, const Seen&, TestServer&) {
    send_all(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end");
  });
  EXPECT_EQ(fetch(allowed(s)).body, "until the end");
}

TEST(HttpClient, EndlessBodyIsRefusedAtTheLimit) {
  TestServer s([](int fd, const Seen&, TestServer& self) {
    send_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n\r\n");
    const std::string block(16384, 'x');
    // Until the client hangs up; the test would never end if the client kept reading.
    while (!self.stopping() && send_all(fd, block)) {
    }
  });
  auto r = allowed(s);
  r.max_bytes = 100000;
  r.timeout = std::chrono::milliseconds(600000);
  EXPECT_EQ(error_code_of(r), "fetch-too-large");
}

TEST(HttpClient, EndlessChunkedBodyIsRefusedAtTheLimit) {
  TestServer s([](int fd, const Seen&, TestServer& self) {
    send_all(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    const std::string chunk = "1000\r\n" + std::string(4096, 'y') + "\r\n";
    while (!self.stopping() && send_all(fd, chunk)) {
    }
  });
  auto r = allowed(s);
  r.max_bytes = 50000;
  r.timeout = std::chrono::milliseconds(600000);
  EXPECT_EQ(error_code_of(r), "fetch-too-large");
}

TEST(HttpClient, DeclaredLengthAboveTheLimitIsRefused) {
  TestServer s([](int fd, const Seen&, TestServer&) {
    send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\nabc");
  });
  auto r = allowed(s);
  r.max_bytes = 1000;
  EXPECT_EQ(error_code_of(r), "fetch-too-large");
}

TEST(HttpClient, BodyExactlyAtTheLimitIsAccepted) {
  TestServer s([](int fd, const Seen&, TestServer&) {
    send_all(fd, answer(200, "OK", std::string(1000, 'z')));
  });
  auto r = allowed(s);
  r.max_bytes = 1000;
  EXPECT_EQ(fetch(r).body.size(), 1000u);
}

TEST(HttpClient, HugeHeaderIsRefused) {
  TestServer s([](int fd, const Seen&, TestServer&) {
    send_all(fd, "HTTP/1.1 200 OK\r\nX-Big: " + std::string(100000, 'h') +
                     "\r\nContent-Length: 0\r\n\r\n");
  });
  EXPECT_EQ(error_code_of(allowed(s)), "fetch-too-large");
}

TEST(HttpClient, SilentServerTimesOut) {
  TestServer s([](int, const Seen&, TestServer& self) { self.wait_for_stop(); });
  auto r = allowed(s);
  r.timeout = std::chrono::milliseconds(200);
  EXPECT_EQ(error_code_of(r), "fetch-timeout");
}

TEST(HttpClient, TricklingServerTimesOutOnTheWholeExchange) {
  // A byte now and then keeps any per-read timer alive; the deadline covers the exchange.
  TestServer s([](int fd, const Seen&, TestServer& self) {
    send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
    while (!self.stopping() && send_all(fd, "t"))
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  });
  auto r = allowed(s);
  r.timeout = std::chrono::milliseconds(300);
  EXPECT_EQ(error_code_of(r), "fetch-timeout");
}

// /r/<k> redirects to /r/<k-1> (absolute Location when k is odd, relative when even), /r/0
// answers.
TestServer::Handler chain_handler() {
  return [](int fd, const Seen& req, TestServer& self) {
    const int k = std::stoi(req.target.substr(3));
    if (k == 0) {
      send_all(fd, answer(200, "OK", "end of chain"));
    } else if (k % 2 == 1) {
      send_all(fd, answer(302, "Found", "",
                          "Location: " + self.url("/r/" + std::to_string(k - 1)) + "\r\n"));
    } else {
      send_all(fd, answer(301, "Moved", "", "Location: " + std::to_string(k - 1) + "\r\n"));
    }
  };
}

TEST(HttpClient, RedirectsUpToTheLimitAreFollowed) {
  TestServer s(chain_handler());
  auto r = allowed(s, "/r/3");
  r.max_redirects = 3;
  const FetchResponse res = fetch(r);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "end of chain");
  EXPECT_EQ(res.final_url, s.url("/r/0"));
  const auto seen = s.seen();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[1].target, "/r/2");
  EXPECT_EQ(seen[2].target, "/r/1");
  EXPECT_EQ(seen[3].target, "/r/0");
}

TEST(HttpClient, OneRedirectMoreThanTheLimitIsRefused) {
  TestServer s(chain_handler());
  auto r = allowed(s, "/r/4");
  r.max_redirects = 3;
  EXPECT_EQ(error_code_of(r), "fetch-redirects");
  EXPECT_EQ(s.connections(), 4);  // the fifth hop is never made
}

TEST(HttpClient, RelativeLocationsAreResolved) {
  TestServer s([](int fd, const Seen& req, TestServer&) {
    if (req.target == "/a/b/c?q=1") {
      send_all(fd, answer(307, "Temporary", "", "Location: ../d/./e?z=2#frag\r\n"));
    } else if (req.target == "/a/d/e?z=2") {
      send_all(fd, answer(308, "Permanent", "", "Location: ?only=query\r\n"));
    } else if (req.target == "/a/d/e?only=query") {
      send_all(fd, answer(302, "Found", "", "Location: //127.0.0.1:0/never\r\n"));
    } else {
      send_all(fd, answer(404, "Not Found", ""));
    }
  });
  auto r = allowed(s, "/a/b/c?q=1");
  r.max_redirects = 1;
  // Two hops are allowed by the origin; the second redirect exceeds max_redirects = 1.
  EXPECT_EQ(error_code_of(r), "fetch-redirects");
  r.max_redirects = 5;
  // The third Location names port 0: malformed, refused before any connection.
  EXPECT_EQ(error_code_of(r), "fetch-refused");
  const auto seen = s.seen();
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen[1].target, "/a/d/e?z=2");
  EXPECT_EQ(seen[4].target, "/a/d/e?only=query");
}

TEST(HttpClient, RedirectToAnotherLoopbackPortIsRefused) {
  TestServer other(
      [](int fd, const Seen&, TestServer&) { send_all(fd, answer(200, "OK", "internal secret")); });
  TestServer s([&other](int fd, const Seen&, TestServer&) {
    send_all(fd, answer(302, "Found", "", "Location: " + other.url("/admin") + "\r\n"));
  });
  EXPECT_EQ(error_code_of(allowed(s)), "fetch-refused");
  EXPECT_EQ(other.connections(), 0);
}

TEST(HttpClient, RedirectToTheAllowedOriginUnderAnotherNameIsRefused) {
  // localhost:<port> is the same socket but not the origin the admin allowed.
  TestServer s([](int fd, const Seen& req, TestServer& self) {
    if (req.target == "/start")
      send_all(fd,
               answer(302, "Found", "",
                      "Location: http://localhost:" + std::to_string(self.port()) + "/end\r\n"));
    else
      send_all(fd, answer(200, "OK", "reached"));
  });
  EXPECT_EQ(error_code_of(allowed(s, "/start")), "fetch-refused");
  EXPECT_EQ(s.connections(), 1);
}

TEST(HttpClient, NotModifiedHasNoBody) {
  // The connection stays open: a client waiting for EOF would time out.
  TestServer s([](int fd, const Seen&, TestServer& self) {
    send_all(fd, "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n");
    self.wait_for_stop();
  });
  auto r = allowed(s);
  r.headers = {{"If-None-Match", "\"v1\""}};
  const FetchResponse res = fetch(r);
  EXPECT_EQ(res.status, 304);
  EXPECT_EQ(res.body, "");
  EXPECT_EQ(res.header("etag"), "\"v1\"");
}

TEST(HttpClient, InterimAnswersAreSkipped) {
  TestServer s([](int fd, const Seen&, TestServer&) {
    send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n" + answer(200, "OK", "after continue"));
  });
  const FetchResponse res = fetch(allowed(s));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "after continue");
}

TEST(HttpClient, PostSendsItsBody) {
  TestServer s([](int fd, const Seen& req, TestServer&) {
    send_all(fd, answer(200, "OK", "got " + req.body));
  });
  auto r = allowed(s, "/csw");
  r.method = "POST";
  r.body = "<GetRecords/>";
  r.headers = {{"Content-Type", "application/xml"}};
  const FetchResponse res = fetch(r);
  EXPECT_EQ(res.body, "got <GetRecords/>");
  const auto seen = s.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].header("content-type"), "application/xml");
  EXPECT_EQ(seen[0].header("content-length"), "13");
}

TEST(HttpClient, SeeOtherTurnsPostIntoGetAndTemporaryKeepsPost) {
  TestServer s([](int fd, const Seen& req, TestServer&) {
    if (req.target == "/303")
      send_all(fd, answer(303, "See Other", "", "Location: /after\r\n"));
    else if (req.target == "/307")
      send_all(fd, answer(307, "Temporary Redirect", "", "Location: /after\r\n"));
    else
      send_all(fd, answer(200, "OK", req.method + ":" + req.body));
  });
  auto r = allowed(s, "/303");
  r.method = "POST";
  r.body = "payload";
  r.headers = {{"Content-Type", "text/plain"}};
  EXPECT_EQ(fetch(r).body, "GET:");
  auto seen = s.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].header("content-type"), "__absent__");
  r.url = s.url("/307");
  EXPECT_EQ(fetch(r).body, "POST:payload");
}

TEST(HttpClient, PrivateAddressRefusedUnlessItsOriginIsAllowed) {
  TestServer s([](int fd, const Seen&, TestServer&) { send_all(fd, answer(200, "OK", "x")); });
  FetchRequest r;
  r.url = s.url();
  EXPECT_EQ(error_code_of(r), "fetch-refused");
  r.allowed_private_origins = {"127.0.0.1:1"};  // another port
  EXPECT_EQ(error_code_of(r), "fetch-refused");
  r.url = "http://localhost:" + std::to_string(s.port()) + "/";
  r.allowed_private_origins = {s.origin()};  // the address, not the name the URL uses
  EXPECT_EQ(error_code_of(r), "fetch-refused");
  EXPECT_EQ(s.connections(), 0);
  r.allowed_private_origins = {"LocalHost:" + std::to_string(s.port())};
  EXPECT_EQ(fetch(r).body, "x");
  EXPECT_EQ(s.connections(), 1);
}

TEST(HttpClient, NonPublicAddressesAreRefusedWithoutConnecting) {
  for (const std::string url :
       {"http://10.1.2.3/", "http://192.168.0.1:8080/x", "http://169.254.169.254/latest/meta-data",
        "http://0.0.0.0/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[fe80::1]/",
        "https://100.64.0.1/", "http://2130706433/", "http://127.1/"}) {
    FetchRequest r;
    r.url = url;
    r.timeout = std::chrono::milliseconds(5000);
    EXPECT_EQ(error_code_of(r), "fetch-refused") << url;
  }
}

TEST(HttpClient, AllowedIpv6OriginIsComparedInCanonicalForm) {
  // Nothing listens on [::1]:<port>: once allowed, the failure is the connection, not a refusal.
  TestServer s([](int fd, const Seen&, TestServer&) { send_all(fd, answer(200, "OK", "")); });
  FetchRequest r;
  r.url = "http://[0:0::1]:" + std::to_string(s.port()) + "/";
  EXPECT_EQ(error_code_of(r), "fetch-refused");
  r.allowed_private_origins = {"[::0:1]:" + std::to_string(s.port())};
  EXPECT_EQ(error_code_of(r), "fetch-failed");
}

TEST(HttpClient, UrlsOtherThanPlainHttpAreRefused) {
  for (const std::string url :
       {"ftp://example.com/file", "file:///etc/passwd", "gopher://127.0.0.1:70/",
        "http://user:pass@example.com/", "http://user@127.0.0.1/", "https://a@b@example.com/",
        "example.com/path", "http://", "http:///path", "http://exa mple.com/",
        "http://example.com:0/", "http://example.com:99999/", "http://example.com:/",
        "http://example.com:8a/", "http://[::1/", "http://[fe80::1%25eth0]/",
        "http://ex%61mple.com/", "http://example.com/a\r\nX-Injected: 1", "http://example..com/"}) {
    FetchRequest r;
    r.url = url;
    EXPECT_EQ(error_code_of(r), "fetch-refused") << url;
  }
  FetchRequest r;
  r.url = "http://example.com/";
  r.method = "DELETE";
  EXPECT_EQ(error_code_of(r), "fetch-refused");
  r.method = "GET";
  r.headers = {{"X-Evil", "a\r\nHost: other"}};
  EXPECT_EQ(error_code_of(r), "fetch-refused");
}

TEST(HttpClient, MalformedAnswerFails) {
  TestServer s([](int fd, const Seen&, TestServer&) { send_all(fd, "SSH-2.0-OpenSSH\r\n\r\n"); });
  EXPECT_EQ(error_code_of(allowed(s)), "fetch-failed");
}

TEST(HttpClient, ClosedPortFails) {
  int port = 0;
  {
    TestServer s([](int, const Seen&, TestServer&) {});
    port = s.port();
  }
  FetchRequest r;
  r.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  r.allowed_private_origins = {"127.0.0.1:" + std::to_string(port)};
  EXPECT_EQ(error_code_of(r), "fetch-failed");
}

TEST(HttpClient, HttpsToAPlainServerFailsTheHandshake) {
  TestServer s([](int fd, const Seen&, TestServer&) { send_all(fd, answer(400, "Bad", "")); });
  FetchRequest r;
  r.url = "https://127.0.0.1:" + std::to_string(s.port()) + "/";
  r.allowed_private_origins = {s.origin()};
  EXPECT_EQ(error_code_of(r), "fetch-failed");
}

TEST(HttpClient, ConcurrentCallsEachGetTheirAnswer) {
  TestServer s([](int fd, const Seen& req, TestServer&) {
    send_all(fd, answer(200, "OK", req.target.substr(1)));
  });
  std::vector<std::thread> threads;
  std::atomic<int> right{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        const std::string id = std::to_string(t) + "-" + std::to_string(i);
        if (fetch(allowed(s, "/" + id)).body == id) ++right;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(right.load(), 20);
}

}  // namespace
}  // namespace shikong::http
