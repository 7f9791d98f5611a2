// The outbound HTTP/1.1 client: a strict URL parser, resolution checked address by address
// against the non-public ranges, one connection per hop to the checked addresses only, and
// limits on time (the whole exchange), size (as the body streams) and redirects.
#include "http/client.hpp"

// Boost 1.74's asio needs <utility> first under GCC 12 (see DEPENDENCIES.md).
#include <utility>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/net_address.hpp"

namespace shikong::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr char kUserAgent[] = "shikong-harvester/0.1";
constexpr std::uint32_t kHeaderLimit = 64 * 1024;
constexpr int kMaxInterimResponses = 8;  // 1xx answers skipped before the real one

[[noreturn]] void refuse(std::string sentence) {
  throw Unavailable("fetch-refused", std::move(sentence));
}
[[noreturn]] void fail(std::string sentence) {
  throw Unavailable("fetch-failed", std::move(sentence));
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && lower(a) == lower(b);
}

// An absolute http(s) URL taken apart. `host` is lower-case; an IPv6 literal is kept in its
// canonical text without brackets (`ipv6` says so).
struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;
  bool ipv6 = false;
  std::uint16_t port = 0;
  std::string target;  // path and query, starting with '/'

  std::uint16_t default_port() const { return scheme == "https" ? 443 : 80; }
  std::string host_text() const { return ipv6 ? "[" + host + "]" : host; }
  // The Host header: the port only when it is not the scheme's own.
  std::string authority() const {
    return port == default_port() ? host_text() : host_text() + ":" + std::to_string(port);
  }
  // "host:port" as allowed_private_origins lists it.
  std::string origin() const { return host_text() + ":" + std::to_string(port); }
  std::string text() const { return scheme + "://" + authority() + target; }
};

bool valid_hostname(std::string_view h) {
  if (h.empty() || h.size() > 253 || h.front() == '.' || h.back() == '.') return false;
  std::size_t label = 0;
  for (const char c : h) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok || ++label > 63) return false;
  }
  return true;
}

// Bytes a request line may not carry as they are are percent-encoded; control characters
// (a CR or LF would split the request) are refused.
std::string encode_target(std::string_view t) {
  static constexpr std::string_view kUnsafe = " \"<>\\^`{|}";
  std::string out;
  out.reserve(t.size());
  for (const char ch : t) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) refuse("The URL contains a control character.");
    if (c >= 0x80 || kUnsafe.find(ch) != std::string_view::npos) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

// An optional ":port" after the host; "" means the scheme's default.
std::uint16_t parse_port(std::string_view p, std::uint16_t dflt) {
  if (p.empty()) return dflt;
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  if (ec != std::errc{} || end != p.data() + p.size() || p.size() > 5 || value == 0 ||
      value > 65535)
    refuse("The URL has an invalid port.");
  return static_cast<std::uint16_t>(value);
}

Url parse_url(std::string_view text) {
  const auto colon = text.find("://");
  if (colon == std::string_view::npos) refuse("The URL is not an absolute http or https URL.");
  Url u;
  u.scheme = lower(text.substr(0, colon));
  if (u.scheme != "http" && u.scheme != "https") refuse("Only http and https URLs are fetched.");
  std::string_view rest = text.substr(colon + 3);
  const auto hash = rest.find('#');
  if (hash != std::string_view::npos) rest = rest.substr(0, hash);
  const auto path_at = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_at);
  const std::string_view path = path_at == std::string_view::npos ? "" : rest.substr(path_at);
  if (authority.find('@') != std::string_view::npos)
    refuse("URLs with a user name or password are not fetched.");
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) refuse("The URL has an invalid host.");
    const auto ip = parse_ip(authority.substr(0, close + 1));
    if (!ip || ip->is_v4()) refuse("The URL has an invalid host.");
    u.host = ip->to_string();
    u.ipv6 = true;
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':' || after.size() == 1) refuse("The URL has an invalid port.");
      port_text = after.substr(1);
    }
  } else {
    const auto c = authority.find(':');
    if (c != std::string_view::npos) {
      port_text = authority.substr(c + 1);
      if (port_text.empty()) refuse("The URL has an invalid port.");
      authority = authority.substr(0, c);
    }
    u.host = lower(authority);
    if (!valid_hostname(u.host)) refuse("The URL has an invalid host.");
  }
  u.port = parse_port(port_text, u.default_port());
  u.target = encode_target(path);
  if (u.target.empty() || u.target.front() == '?') u.target.insert(0, "/");
  return u;
}

// RFC 3986 section 5.2.4.
std::string remove_dot_segments(std::string_view path) {
  std::string out;
  while (!path.empty()) {
    if (path.starts_with("../")) {
      path.remove_prefix(3);
    } else if (path.starts_with("./")) {
      path.remove_prefix(2);
    } else if (path.starts_with("/./")) {
      path.remove_prefix(2);
    } else if (path == "/.") {
      path = "/";
    } else if (path.starts_with("/../") || path == "/..") {
      path = path.size() == 3 ? std::string_view("/") : path.substr(3);
      const auto slash = out.rfind('/');
      out.erase(slash == std::string::npos ? 0 : slash);
    } else if (path == "." || path == "..") {
      path = {};
    } else {
      const auto next = path.find('/', path.front() == '/' ? 1 : 0);
      out.append(path.substr(0, next));
      path = next == std::string_view::npos ? std::string_view{} : path.substr(next);
    }
  }
  return out;
}

// A Location header resolved against the URL that answered with it.
std::string resolve_reference(const Url& base, std::string_view ref) {
  const auto hash = ref.find('#');
  if (hash != std::string_view::npos) ref = ref.substr(0, hash);
  // A scheme: letters, digits, '+', '-', '.' before the first ':' and before any '/', '?'.
  const auto colon = ref.find(':');
  if (colon != std::string_view::npos && colon > 0 &&
      std::isalpha(static_cast<unsigned char>(ref[0]))) {
    const std::string_view scheme = ref.substr(0, colon);
    if (std::all_of(scheme.begin(), scheme.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
        }))
      return std::string(ref);
  }
  if (ref.starts_with("//")) return base.scheme + ":" + std::string(ref);
  const std::string root = base.scheme + "://" + base.authority();
  const std::string_view base_target = base.target;
  const std::string_view base_path = base_target.substr(0, base_target.find('?'));
  if (ref.empty()) return root + std::string(base_target);
  if (ref.front() == '?') return root + std::string(base_path) + std::string(ref);
  const std::string_view ref_path = ref.substr(0, ref.find('?'));
  const std::string_view ref_query =
      ref.find('?') == std::string_view::npos ? "" : ref.substr(ref.find('?'));
  std::string merged;
  if (ref.front() == '/') {
    merged = std::string(ref_path);
  } else {
    merged = std::string(base_path.substr(0, base_path.rfind('/') + 1)) + std::string(ref_path);
  }
  std::string path = remove_dot_segments(merged);
  if (path.empty() || path.front() != '/') path.insert(0, "/");
  return root + path + std::string(ref_query);
}

IpAddress to_ip(const net::ip::address& a) {
  IpAddress ip;
  if (a.is_v4()) {
    const auto b = a.to_v4().to_bytes();
    ip.bytes[10] = 0xff;
    ip.bytes[11] = 0xff;
    std::copy(b.begin(), b.end(), ip.bytes.begin() + 12);
  } else {
    const auto b = a.to_v6().to_bytes();
    std::copy(b.begin(), b.end(), ip.bytes.begin());
  }
  return ip;
}

// An allowed origin in the form Url::origin() writes, or "" when it is not "host[:port]".
// Without a port, the entry stands for both default ports (80 and 443).
std::string normalise_origin(std::string_view entry, bool& has_port) {
  std::string e = lower(entry);
  has_port = true;
  std::string host;
  std::string port;
  if (!e.empty() && e.front() == '[') {
    const auto close = e.find(']');
    if (close == std::string::npos) return {};
    const auto ip = parse_ip(std::string_view(e).substr(0, close + 1));
    if (!ip) return {};
    host = "[" + ip->to_string() + "]";
    if (close + 1 < e.size()) {
      if (e[close + 1] != ':') return {};
      port = e.substr(close + 2);
    }
  } else {
    const auto c = e.rfind(':');
    host = e.substr(0, c);
    if (c != std::string::npos) port = e.substr(c + 1);
  }
  if (port.empty()) {
    has_port = false;
    return host;
  }
  return host + ":" + port;
}

bool origin_allowed(const Url& url, const std::vector<std::string>& allowed) {
  const std::string origin = url.origin();
  for (const auto& entry : allowed) {
    bool has_port = true;
    const std::string n = normalise_origin(entry, has_port);
    if (n.empty()) continue;
    if (has_port ? n == origin : (n == url.host_text() && url.port == url.default_port()))
      return true;
  }
  return false;
}

// Where the whole exchange must have ended, and what to say when it has not.
struct Deadline {
  SteadyClock::time_point at;
  bool passed() const { return SteadyClock::now() >= at; }
};

[[noreturn]] void timed_out(const Url& url) {
  throw Unavailable("fetch-timeout", "The remote server at " + url.origin() +
                                         " did not answer within the time limit.");
}

// Runs the io_context until the operation `start` launched has completed; returns its error.
template <typename Start>
beast::error_code run_op(net::io_context& ioc, Start&& start) {
  beast::error_code result;
  bool done = false;
  start([&](beast::error_code ec, auto&&...) {
    result = ec;
    done = true;
  });
  ioc.restart();
  ioc.run();
  if (!done) return net::error::operation_aborted;
  return result;
}

// Resolves the host and refuses the lot when one address is non-public and the origin was not
// explicitly allowed; the caller connects to these results only.
tcp::resolver::results_type resolve_checked(net::io_context& ioc, const Url& url,
                                            const FetchRequest& request, const Deadline& deadline) {
  tcp::resolver resolver(ioc);
  net::steady_timer timer(ioc);
  timer.expires_at(deadline.at);
  tcp::resolver::results_type results;
  beast::error_code ec;
  bool resolved = false;
  resolver.async_resolve(url.host, std::to_string(url.port), tcp::resolver::numeric_service,
                         [&](beast::error_code e, tcp::resolver::results_type r) {
                           ec = e;
                           results = std::move(r);
                           resolved = true;
                           timer.cancel();
                         });
  timer.async_wait([&](beast::error_code e) {
    if (!e) resolver.cancel();
  });
  ioc.restart();
  ioc.run();
  if (!resolved || (ec && deadline.passed())) timed_out(url);
  if (ec) {
    log::debug("fetch: resolving {} failed: {}", url.host, ec.message());
    fail("The host name " + url.host + " could not be resolved.");
  }
  if (results.empty()) fail("The host name " + url.host + " has no address.");
  const bool allowed = origin_allowed(url, request.allowed_private_origins);
  for (const auto& entry : results) {
    const net::ip::address a = entry.endpoint().address();
    if (!allowed && is_non_public(to_ip(a))) {
      log::debug("fetch: {} resolves to the non-public address {}", url.host, a.to_string());
      refuse("The address of " + url.origin() +
             " is not public and that source is not allowed to use private addresses.");
    }
  }
  return results;
}

net::ssl::context& tls_context() {
  static net::ssl::context ctx = [] {
    net::ssl::context c(net::ssl::context::tls_client);
    c.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                  net::ssl::context::no_sslv3 | net::ssl::context::no_compression);
    SSL_CTX_set_min_proto_version(c.native_handle(), TLS1_2_VERSION);
    c.set_default_verify_paths();
    c.set_verify_mode(net::ssl::verify_peer);
    return c;
  }();
  return ctx;
}

struct Answer {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

using Request = bhttp::request<bhttp::string_body>;

template <typename Stream>
Answer exchange(net::io_context& ioc, Stream& stream, beast::tcp_stream& tcp_layer,
                const Request& req, const Url& url, const FetchRequest& request,
                const Deadline& deadline) {
  auto check = [&](beast::error_code ec, std::string_view what) {
    if (!ec) return;
    if (ec == beast::error::timeout || deadline.passed()) timed_out(url);
    log::debug("fetch: {} {}: {}", what, url.origin(), ec.message());
    fail("The exchange with " + url.origin() + " failed while " + std::string(what) + ".");
  };
  tcp_layer.expires_at(deadline.at);
  check(run_op(ioc, [&](auto h) { bhttp::async_write(stream, req, std::move(h)); }),
        "sending the request");

  beast::flat_buffer buffer;
  for (int interim = 0;; ++interim) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(request.max_bytes);
    tcp_layer.expires_at(deadline.at);
    beast::error_code ec = run_op(
        ioc, [&](auto h) { bhttp::async_read_header(stream, buffer, parser, std::move(h)); });
    // Beast 1.74 does not apply body_limit to a Content-Length when the header and the start of
    // the body arrive together in eager mode; the declared length is checked here.
    if (!ec && parser.content_length() && *parser.content_length() > request.max_bytes)
      ec = bhttp::error::body_limit;
    if (!ec && !parser.is_done())
      ec = run_op(ioc, [&](auto h) { bhttp::async_read(stream, buffer, parser, std::move(h)); });
    // A TLS peer closing without close_notify after an EOF-delimited body.
    if (ec == net::ssl::error::stream_truncated && parser.is_header_done() && !parser.is_done() &&
        !parser.chunked() && !parser.content_length()) {
      ec = {};
      parser.put_eof(ec);
    }
    if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit ||
        ec == bhttp::error::buffer_overflow) {
      throw Unavailable("fetch-too-large",
                        "The answer of " + url.origin() + " is larger than the size limit.");
    }
    check(ec, "reading the answer");
    auto& res = parser.get();
    const int status = static_cast<int>(res.result_int());
    if (status >= 100 && status < 200) {
      if (interim >= kMaxInterimResponses || status == 101)
        fail("The server at " + url.origin() + " did not send a final answer.");
      continue;
    }
    Answer a;
    a.status = status;
    for (const auto& f : res)
      a.headers.emplace_back(lower({f.name_string().data(), f.name_string().size()}),
                             std::string(f.value()));
    a.body = std::move(res.body());
    return a;
  }
}

Answer one_hop(const Url& url, const std::string& method, const std::string& body,
               const std::vector<std::pair<std::string, std::string>>& headers,
               const FetchRequest& request, const Deadline& deadline) {
  net::io_context ioc(1);
  const auto endpoints = resolve_checked(ioc, url, request, deadline);

  Request req{method == "POST" ? bhttp::verb::post : bhttp::verb::get, url.target, 11};
  req.set(bhttp::field::host, url.authority());
  req.set(bhttp::field::user_agent, kUserAgent);
  req.set(bhttp::field::accept_encoding, "identity");
  req.set(bhttp::field::connection, "close");
  for (const auto& [name, value] : headers) req.insert(name, value);
  if (method == "POST") {
    req.body() = body;
    req.prepare_payload();
  }

  if (url.scheme == "http") {
    beast::tcp_stream stream(ioc);
    stream.expires_at(deadline.at);
    const auto ec = run_op(ioc, [&](auto h) { stream.async_connect(endpoints, std::move(h)); });
    if (ec) {
      if (ec == beast::error::timeout || deadline.passed()) timed_out(url);
      log::debug("fetch: connecting to {} failed: {}", url.origin(), ec.message());
      fail("Could not connect to " + url.origin() + ".");
    }
    Answer a = exchange(ioc, stream, stream, req, url, request, deadline);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return a;
  }

  net::ssl::context* tls = nullptr;
  try {
    tls = &tls_context();
  } catch (const std::exception& e) {
    log::warn("fetch: the TLS client context could not be set up: {}", e.what());
    fail("TLS is not available on this server.");
  }
  beast::ssl_stream<beast::tcp_stream> stream(ioc, *tls);
  auto& tcp_layer = beast::get_lowest_layer(stream);
  tcp_layer.expires_at(deadline.at);
  auto ec = run_op(ioc, [&](auto h) { tcp_layer.async_connect(endpoints, std::move(h)); });
  if (ec) {
    if (ec == beast::error::timeout || deadline.passed()) timed_out(url);
    log::debug("fetch: connecting to {} failed: {}", url.origin(), ec.message());
    fail("Could not connect to " + url.origin() + ".");
  }
  SSL* ssl = stream.native_handle();
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  const bool literal = url.ipv6 || parse_ip(url.host).has_value();
  if (literal) {
    X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str());
  } else {
    // SSL_set_tlsext_host_name() without its C cast.
    SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(url.host.c_str()));
    X509_VERIFY_PARAM_set1_host(param, url.host.c_str(), url.host.size());
  }
  tcp_layer.expires_at(deadline.at);
  ec = run_op(ioc,
              [&](auto h) { stream.async_handshake(net::ssl::stream_base::client, std::move(h)); });
  if (ec) {
    if (ec == beast::error::timeout || deadline.passed()) timed_out(url);
    log::debug("fetch: TLS handshake with {} failed: {}", url.origin(), ec.message());
    fail("The TLS handshake with " + url.origin() +
         " failed (certificate not trusted or not for this host).");
  }
  Answer a = exchange(ioc, stream, tcp_layer, req, url, request, deadline);
  beast::error_code ignored;
  tcp_layer.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return a;
}

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// Request headers the client writes itself; a caller's copy is dropped.
bool reserved_header(std::string_view name) {
  for (const std::string_view r : {"host", "user-agent", "accept-encoding", "connection",
                                   "content-length", "transfer-encoding", "te", "upgrade", "expect",
                                   "keep-alive", "proxy-connection", "trailer"})
    if (iequals(name, r)) return true;
  return false;
}

bool valid_header(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == ':') return false;
  }
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return false;
  }
  return true;
}

}  // namespace

FetchResponse fetch(const FetchRequest& request) {
  const Deadline deadline{SteadyClock::now() + request.timeout};
  std::string method = request.method;
  for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (method != "GET" && method != "POST") refuse("Only GET and POST requests are sent.");
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [name, value] : request.headers) {
    if (!valid_header(name, value)) refuse("A request header is malformed.");
    if (!reserved_header(name)) headers.emplace_back(name, value);
  }
  std::string body = method == "POST" ? request.body : std::string();

  Url url = parse_url(request.url);
  for (int redirects = 0;; ++redirects) {
    Answer a = one_hop(url, method, body, headers, request, deadline);
    std::string location;
    for (const auto& [k, v] : a.headers)
      if (k == "location") {
        location = v;
        break;
      }
    if (!is_redirect(a.status) || location.empty()) {
      FetchResponse r;
      r.status = a.status;
      r.final_url = url.text();
      r.headers = std::move(a.headers);
      r.body = std::move(a.body);
      return r;
    }
    if (redirects >= request.max_redirects)
      throw Unavailable("fetch-redirects", "The source redirected more than " +
                                               std::to_string(request.max_redirects) + " times.");
    Url next = parse_url(resolve_reference(url, location));
    log::debug("fetch: {} redirects ({}) to {}", url.text(), a.status, next.text());
    if (a.status == 303 && method != "GET") {
      method = "GET";
      body.clear();
      std::erase_if(headers, [](const auto& h) { return iequals(h.first, "content-type"); });
    }
    // Credentials meant for one origin are not handed to another.
    if (next.origin() != url.origin() || next.scheme != url.scheme)
      std::erase_if(headers, [](const auto& h) {
        return iequals(h.first, "authorization") || iequals(h.first, "cookie") ||
               iequals(h.first, "x-api-key");
      });
    url = std::move(next);
  }
}

}  // namespace shikong::http
