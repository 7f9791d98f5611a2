// Server implementation. Connections are coroutines on per-thread io_contexts; handlers and
// stream producers run on a thread pool and hand their result back, so network threads never
// block. respond_to_exception() is the one place where an exception becomes a response.
#include "http/server.hpp"

// Boost 1.74's awaitable.hpp needs <utility> first under GCC 12 (see DEPENDENCIES.md).
#include <utility>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <limits>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

#include "core/error.hpp"
#include "core/log.hpp"
#include "http/metrics.hpp"
#include "http/middleware.hpp"
#include "protocol/problem.hpp"
#include "protocol/query.hpp"

namespace shikong::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr std::size_t kStreamBatchBytes = 64 * 1024;

// The one mapping from an exception to a response.
protocol::Response respond_to_exception(const std::exception_ptr& e, std::string_view instance) {
  try {
    std::rethrow_exception(e);
  } catch (const Error& err) {
    if (err.kind() == ErrorKind::internal) return protocol::internal_error_response(e);
    return protocol::problem_response(err, instance);
  } catch (...) {
    return protocol::internal_error_response(e);
  }
}

std::string http_date() {
  thread_local std::time_t cached_second = 0;
  thread_local std::string cached;
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    cached_second = now;
    cached = fmt::format("{:%a, %d %b %Y %H:%M:%S} GMT", fmt::gmtime(now));
  }
  return cached;
}

bool valid_host(std::string_view host) {
  if (host.empty() || host.size() > 255) return false;
  for (const char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) return false;
  }
  return true;
}

std::string random_hex() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}", rng());
}

// A peer address as text; an IPv4 client of a dual-stack socket ("::ffff:192.0.2.1") is
// written as IPv4, so that connection caps, key IP bindings and logs see one form.
std::string peer_text(const net::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6()).to_string();
  }
  return a.to_string();
}

// A handler's body, as the writer will send it.
struct StreamBatch {
  std::string data;
  bool done = false;
};

}  // namespace

std::string base_url(std::string_view public_url, std::optional<std::string_view> host_header,
                     std::string_view fallback_host) {
  if (!public_url.empty()) {
    while (!public_url.empty() && public_url.back() == '/') public_url.remove_suffix(1);
    return std::string(public_url);
  }
  if (host_header && valid_host(*host_header)) return "http://" + std::string(*host_header);
  return "http://" + std::string(fallback_host);
}

struct Server::Impl {
  struct SessionState {
    net::any_io_executor executor;
    beast::tcp_stream* stream = nullptr;
    bool busy = false;    // between a complete request header and the end of its response
    bool linger = false;  // answered without reading the request body (see session())
  };

  Impl(ServerOptions o, const protocol::Router& r, Middleware m)
      : options(std::move(o)), router(r), middleware(std::move(m)) {
    const std::size_t hw = std::max(1u, std::thread::hardware_concurrency());
    if (options.io_threads == 0) options.io_threads = hw;
    if (options.worker_threads == 0) options.worker_threads = std::max<std::size_t>(2, hw);
    if (options.upload_dir.empty()) {
      options.upload_dir = std::filesystem::temp_directory_path() / "shikong-uploads";
    }
    for (std::size_t i = 0; i < options.io_threads; ++i) {
      ios.push_back(std::make_unique<net::io_context>(1));
      guards.emplace_back(ios.back()->get_executor());
    }
    workers = std::make_unique<net::thread_pool>(options.worker_threads);
    if (middleware.metrics) describe_http_metrics(*middleware.metrics);
  }

  ~Impl() {
    if (workers) workers->join();
  }

  // --- lifecycle --------------------------------------------------------------------------

  void start() {
    if (started) return;
    std::error_code fs_ec;
    std::filesystem::create_directories(options.upload_dir, fs_ec);
    beast::error_code ec;
    const auto address = net::ip::make_address(options.address, ec);
    if (ec) throw InvalidInput("invalid-address", "The server address is not an IP address.");
    acceptor = std::make_unique<tcp::acceptor>(*ios[0]);
    const tcp::endpoint endpoint(address, options.port);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      log::error("http: cannot listen on {}:{}: {}", options.address, options.port, ec.message());
      throw Unavailable("bind-failed", "The server could not listen on its configured address.");
    }
    bound_port = acceptor->local_endpoint().port();
    if (options.handle_signals) {
      signals = std::make_unique<net::signal_set>(*ios[0], SIGINT, SIGTERM);
      signals->async_wait([this](const beast::error_code& e, int) {
        if (!e) {
          log::info("http: signal received, shutting down");
          request_stop();
        }
      });
    }
    net::co_spawn(*ios[0], accept_loop(), net::detached);
    started = true;
    log::info("http: listening on {}:{}", options.address, bound_port);
  }

  void run() {
    start();
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < ios.size(); ++i) {
      threads.emplace_back([io = ios[i].get()] { io->run(); });
    }
    ios[0]->run();
    for (auto& t : threads) t.join();
    workers->join();
    log::info("http: stopped");
  }

  void request_stop() {
    bool expected = false;
    if (!stopping.compare_exchange_strong(expected, true)) return;
    net::post(*ios[0], [this] { begin_drain(); });
  }

  // Runs on ios[0]: stop accepting, close idle connections, arm the grace deadline.
  void begin_drain() {
    beast::error_code ec;
    if (acceptor) acceptor->close(ec);
    if (signals) signals->cancel(ec);
    for (auto& g : guards) g.reset();
    deadline = std::make_unique<net::steady_timer>(*ios[0], options.shutdown_grace);
    deadline->async_wait([this](const beast::error_code& e) {
      if (e) return;
      log::warn("http: shutdown grace period over; closing remaining connections");
      for (auto& io : ios) io->stop();
    });
    std::lock_guard lock(conn_mutex);
    for (const auto& [id, state] : sessions) {
      net::post(state->executor, [this, id = id] {
        std::lock_guard inner(conn_mutex);
        const auto it = sessions.find(id);
        if (it == sessions.end() || it->second->busy) return;
        beast::error_code e;
        it->second->stream->socket().cancel(e);
      });
    }
    if (connections == 0) deadline->cancel();
  }

  // --- connections ------------------------------------------------------------------------

  net::awaitable<void> accept_loop() {
    while (!stopping) {
      net::io_context& io = *ios[next_io++ % ios.size()];
      tcp::socket socket(io);
      beast::error_code ec;
      co_await acceptor->async_accept(socket, net::redirect_error(net::use_awaitable, ec));
      if (ec) {
        if (ec == net::error::operation_aborted || stopping) break;
        log::warn("http: accept failed: {}", ec.message());
        // Out of descriptors and the like: pause instead of spinning.
        net::steady_timer pause(*ios[0], std::chrono::milliseconds(50));
        co_await pause.async_wait(net::redirect_error(net::use_awaitable, ec));
        continue;
      }
      std::string ip;
      {
        beast::error_code ep_ec;
        const auto remote = socket.remote_endpoint(ep_ec);
        if (ep_ec) continue;
        ip = peer_text(remote.address());
      }
      // A trusted proxy carries many clients over its connections, so the per-IP cap (meant
      // for one client holding many slots) does not apply to it; the total cap still does.
      const bool proxy = is_trusted_proxy(ip);
      bool admitted = false;
      std::uint64_t id = 0;
      {
        std::lock_guard lock(conn_mutex);
        std::size_t& per_ip = connections_per_ip[ip];
        if (connections < options.max_connections &&
            (proxy || per_ip < options.max_connections_per_ip)) {
          ++connections;
          ++per_ip;
          id = ++next_session_id;
          admitted = true;
        } else if (per_ip == 0) {
          connections_per_ip.erase(ip);
        }
      }
      if (admitted) {
        net::co_spawn(io, session(std::move(socket), std::move(ip), id), net::detached);
      } else {
        net::co_spawn(io, refuse(std::move(socket)), net::detached);
      }
    }
  }

  bool is_trusted_proxy(const std::string& peer) const {
    if (options.trusted_proxies.empty()) return false;
    const auto address = parse_ip(peer);
    if (!address) return false;
    return std::any_of(options.trusted_proxies.begin(), options.trusted_proxies.end(),
                       [&](const Cidr& c) { return c.contains(*address); });
  }

  // Over a connection limit: a short 503 and close.
  net::awaitable<void> refuse(tcp::socket socket) {
    try {
      beast::tcp_stream stream(std::move(socket));
      stream.expires_after(std::chrono::seconds(2));
      protocol::Response p = protocol::problem_response(
          503, "too-many-connections", "The server has too many open connections; retry later.");
      bhttp::response<bhttp::string_body> out{bhttp::status::service_unavailable, 11};
      out.set(bhttp::field::content_type, "application/problem+json");
      out.set(bhttp::field::retry_after, "1");
      out.keep_alive(false);
      out.body() = std::move(p.body);
      out.prepare_payload();
      beast::error_code ec;
      co_await bhttp::async_write(stream, out, net::redirect_error(net::use_awaitable, ec));
      stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    } catch (...) {
    }
  }

  net::awaitable<void> session(tcp::socket socket, std::string ip, std::uint64_t id) {
    beast::tcp_stream stream(std::move(socket));
    SessionState state{stream.get_executor(), &stream, false};
    {
      std::lock_guard lock(conn_mutex);
      sessions.emplace(id, &state);
    }
    try {
      co_await serve_connection(stream, state, ip);
    } catch (const std::exception& e) {
      log::error("http: connection from {} failed: {}", ip, e.what());
    } catch (...) {
      log::error("http: connection from {} failed", ip);
    }
    beast::error_code ec;
    if (state.linger) {
      // The client may still be sending the body we refused; reading and dropping it for a
      // moment lets it see our answer instead of a connection reset (nginx's lingering close).
      stream.socket().shutdown(tcp::socket::shutdown_send, ec);
      static thread_local char sink[16 * 1024];
      std::size_t drained_bytes = 0;
      stream.expires_after(std::chrono::seconds(2));
      while (!ec && drained_bytes < 4 * 1024 * 1024) {
        drained_bytes += co_await stream.async_read_some(
            net::buffer(sink), net::redirect_error(net::use_awaitable, ec));
      }
    }
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream.socket().close(ec);
    bool drained = false;
    {
      std::lock_guard lock(conn_mutex);
      sessions.erase(id);
      --connections;
      if (--connections_per_ip[ip] == 0) connections_per_ip.erase(ip);
      drained = stopping && connections == 0;
    }
    if (drained) {
      net::post(*ios[0], [this] {
        if (deadline) deadline->cancel();
      });
    }
  }

  net::awaitable<void> serve_connection(beast::tcp_stream& stream, SessionState& state,
                                        const std::string& ip) {
    beast::flat_buffer buffer;
    bool first = true;
    while (!stopping) {
      beast::error_code ec;
      // The header timeout is a deadline for the whole header, not a pause between reads, so
      // a client dripping a byte at a time (slowloris) is cut off all the same. A new
      // connection's deadline runs from the accept; a kept-alive one's from the first byte
      // of its next request (until then the idle timeout applies).
      auto header_deadline = std::chrono::steady_clock::now() + options.header_timeout;
      if (buffer.size() == 0) {
        if (first) {
          stream.expires_at(header_deadline);
        } else {
          stream.expires_after(options.idle_timeout);
        }
        const std::size_t n = co_await stream.async_read_some(
            buffer.prepare(4096), net::redirect_error(net::use_awaitable, ec));
        if (ec) co_return;
        buffer.commit(n);
        if (!first) header_deadline = std::chrono::steady_clock::now() + options.header_timeout;
      }
      first = false;
      bhttp::request_parser<bhttp::empty_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // checked per route below
      // One deadline for all the reads async_read_header makes.
      stream.expires_at(header_deadline);
      co_await bhttp::async_read_header(stream, buffer, parser,
                                        net::redirect_error(net::use_awaitable, ec));
      if (ec) {
        if (ec == bhttp::error::header_limit) {
          co_await send_simple_error(stream, 431, "header-too-large",
                                     "The request header is larger than allowed.");
        } else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
                   ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
          co_await send_simple_error(stream, 400, "malformed-request",
                                     "The request is not valid HTTP/1.1.");
        }
        co_return;
      }
      state.busy = true;
      const bool keep_alive = co_await exchange(stream, buffer, parser, ip, state);
      state.busy = false;
      if (!keep_alive) co_return;
    }
  }

  net::awaitable<void> send_simple_error(beast::tcp_stream& stream, int status,
                                         std::string_view code, std::string_view detail) {
    protocol::Response p = protocol::problem_response(status, code, detail);
    bhttp::response<bhttp::string_body> out;
    out.version(11);
    out.result(static_cast<unsigned>(status));
    out.set(bhttp::field::content_type, "application/problem+json");
    out.keep_alive(false);
    out.body() = std::move(p.body);
    out.prepare_payload();
    stream.expires_after(options.write_timeout);
    beast::error_code ec;
    co_await bhttp::async_write(stream, out, net::redirect_error(net::use_awaitable, ec));
  }

  // --- one request ------------------------------------------------------------------------

  template <typename F>
  net::awaitable<std::invoke_result_t<F&>> on_worker(F f) {
    using R = std::invoke_result_t<F&>;
    co_return co_await net::co_spawn(
        workers->get_executor(),
        [fn = std::move(f)]() mutable -> net::awaitable<R> { co_return fn(); }, net::use_awaitable);
  }

  // Reads the body (if any), runs the route, writes the response. Returns whether the
  // connection may carry another request.
  net::awaitable<bool> exchange(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                bhttp::request_parser<bhttp::empty_body>& parser,
                                const std::string& ip, SessionState& state) {
    const auto started_at = std::chrono::steady_clock::now();
    if (middleware.metrics) middleware.metrics->add("shikong_http_in_flight", {}, 1);
    auto& header = parser.get();
    protocol::Request req;
    req.method = std::string(header.method_string());
    req.target = std::string(header.target());
    std::string forwarded_for;
    for (const auto& field : header) {
      std::string name(field.name_string());
      std::string value(field.value());
      // Several X-Forwarded-For fields are one list (RFC 9110 5.3), in order.
      if (protocol::iequals(name, "X-Forwarded-For")) {
        if (!forwarded_for.empty()) forwarded_for += ", ";
        forwarded_for += value;
      }
      req.headers.add(std::move(name), std::move(value));
    }
    // Only a configured proxy is believed about the client behind it; the connection caps
    // stay on the peer itself.
    req.remote_ip = options.trusted_proxies.empty()
                        ? ip
                        : shikong::client_ip(ip, forwarded_for, options.trusted_proxies);
    bool keep_alive = header.keep_alive();
    bool body_unread = !parser.is_done();
    const bool http10 = header.version() < 11;
    bool before_done = false;
    const bool head = header.method() == bhttp::verb::head;
    std::filesystem::path spool;
    const protocol::Route* route = nullptr;
    protocol::Response res;
    bool answered = false;
    std::string_view raw_path;

    try {
      std::string_view target = req.target;
      // absolute-form (RFC 9112 3.2.2): drop scheme and authority.
      if (target.starts_with("http://") || target.starts_with("https://")) {
        const std::size_t slash = target.find('/', target.find("//") + 2);
        target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
      }
      if (target.empty() || target.front() != '/') {
        throw InvalidInput("invalid-target", "The request target must be an absolute path.");
      }
      const auto [path, query] = protocol::split_target(target);
      raw_path = path;
      req.path = protocol::percent_decode(path, false, "invalid-path");
      req.query = protocol::parse_query(query);
      {
        beast::error_code ep_ec;
        const auto local = stream.socket().local_endpoint(ep_ec);
        const std::string fallback =
            ep_ec ? std::string("localhost")
                  : (local.address().is_v6() ? "[" + local.address().to_string() + "]"
                                             : local.address().to_string()) +
                        ":" + std::to_string(local.port());
        req.base_url = base_url(options.public_url, req.header("Host"), fallback);
      }
      auto match = router.match(req.method, raw_path);
      route = match.route;
      if (!route) {
        answered = true;
        keep_alive = keep_alive && parser.is_done();  // an unread body: close afterwards
        if (req.method == "OPTIONS" && match.path_known) {
          res = cors_preflight_response(match.allow);
          res.headers.set("Allow", match.allow);
        } else if (match.path_known) {
          res = protocol::problem_response(405, "method-not-allowed",
                                           "This resource does not support the request method.", {},
                                           req.path);
          res.headers.set("Allow", match.allow);
        } else {
          res = protocol::problem_response(404, "not-found", "No resource exists at this path.", {},
                                           req.path);
        }
      } else {
        req.path_params = std::move(match.params);
      }
    } catch (...) {
      res = respond_to_exception(std::current_exception(), req.path);
      answered = true;
      keep_alive = keep_alive && parser.is_done();
    }

    bool quick_answer = false;
    if (!answered && middleware.quick) {
      try {
        if (auto quick = middleware.quick(req, *route)) {
          res = std::move(*quick);
          answered = quick_answer = true;
          keep_alive = keep_alive && parser.is_done();  // an unread body: close afterwards
        }
      } catch (...) {
        res = respond_to_exception(std::current_exception(), req.path);
        answered = true;
        keep_alive = keep_alive && parser.is_done();
      }
    }

    // For uploads, `before` runs ahead of the body so a refused upload is not spooled.
    if (!answered && route->streams_upload && !parser.is_done() && middleware.before) {
      before_done = true;
      auto early = co_await on_worker([&]() -> std::optional<protocol::Response> {
        try {
          return middleware.before(req, *route);
        } catch (...) {
          return respond_to_exception(std::current_exception(), req.path);
        }
      });
      if (early) {
        res = std::move(*early);
        answered = true;
        keep_alive = false;
      }
    }

    if (!answered && !parser.is_done()) {
      const std::uint64_t limit =
          route->streams_upload ? options.max_upload_bytes : options.max_body_bytes;
      const auto length = parser.content_length();
      if (length && *length > limit) {
        res = too_large(req.path);
        answered = true;
        keep_alive = false;
      } else {
        if (auto expect = req.header("Expect");
            expect && protocol::iequals(*expect, "100-continue")) {
          bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
          beast::error_code ec;
          stream.expires_after(options.write_timeout);
          co_await bhttp::async_write(stream, cont, net::redirect_error(net::use_awaitable, ec));
          if (ec) co_return finish_aborted(started_at, route, req, spool);
        }
        const int outcome = route->streams_upload
                                ? co_await read_upload(stream, buffer, parser, limit, req, spool)
                                : co_await read_body(stream, buffer, parser, limit, req);
        if (outcome < 0) co_return finish_aborted(started_at, route, req, spool);
        if (outcome == 0) body_unread = false;
        if (outcome > 0) {
          res = outcome == 1
                    ? too_large(req.path)
                    : protocol::problem_response(500, "internal-error",
                                                 "The server met an unexpected condition.");
          answered = true;
          keep_alive = false;
        }
      }
    }

    if (!answered) {
      const bool run_before = middleware.before && !before_done;
      res = co_await on_worker([&]() -> protocol::Response {
        try {
          if (run_before) {
            if (auto early = middleware.before(req, *route)) return std::move(*early);
          }
          return route->handler(req);
        } catch (...) {
          return respond_to_exception(std::current_exception(), req.path);
        }
      });
    }
    if (middleware.after && !quick_answer) {
      co_await on_worker([&]() -> int {
        try {
          middleware.after(req, res);
        } catch (...) {
          res = respond_to_exception(std::current_exception(), req.path);
        }
        return 0;
      });
    }

    if (stopping) keep_alive = false;
    if (body_unread) {
      keep_alive = false;
      state.linger = true;
    }
    // The handler is done with the spooled body (it may have moved it away to keep it).
    remove_spool(spool);
    if (res.hold.count() > 0 && !stopping) {
      // A tarpit: the answer waits on a timer of this connection's I/O thread (no CPU, no
      // worker), so a refused client's rate falls to one request per hold per connection.
      net::steady_timer hold(stream.get_executor());
      hold.expires_after(res.hold);
      beast::error_code ec;
      co_await hold.async_wait(net::redirect_error(net::use_awaitable, ec));
    }
    std::uint64_t bytes = 0;
    const bool written = co_await write_response(stream, req, res, head, http10, keep_alive, bytes);
    record(started_at, route, req, res.status, bytes);
    co_return written&& keep_alive;
  }

  protocol::Response too_large(std::string_view instance) {
    return protocol::problem_response(413, "body-too-large",
                                      "The request body is larger than allowed.", {}, instance);
  }

  static void remove_spool(const std::filesystem::path& spool) {
    if (spool.empty()) return;
    std::error_code ec;
    std::filesystem::remove(spool, ec);
  }

  bool finish_aborted(std::chrono::steady_clock::time_point started_at,
                      const protocol::Route* route, const protocol::Request& req,
                      const std::filesystem::path& spool) {
    remove_spool(spool);
    record(started_at, route, req, 499, 0);  // nginx's "client closed request"
    return false;
  }

  // When the next piece of a body must have arrived: after a pause of body_timeout at the
  // latest, and never later than the body so far would take at min_body_bytes_per_s plus one
  // body_timeout of grace (Apache's mod_reqtimeout MinRate, against slow-body attacks).
  std::chrono::steady_clock::time_point body_deadline(std::chrono::steady_clock::time_point since,
                                                      std::uint64_t received) const {
    const auto pause = std::chrono::steady_clock::now() + options.body_timeout;
    if (options.min_body_bytes_per_s == 0) return pause;
    const auto earned = std::chrono::microseconds(static_cast<std::int64_t>(
        std::min<std::uint64_t>(received, 1ull << 40) * 1'000'000 / options.min_body_bytes_per_s));
    return std::min(pause, since + options.body_timeout + earned);
  }

  // 0: read; 1: over the limit; 2: the server failed; -1: the connection failed.
  net::awaitable<int> read_body(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                bhttp::request_parser<bhttp::empty_body>& header_parser,
                                std::uint64_t limit, protocol::Request& req) {
    bhttp::request_parser<bhttp::string_body> parser(std::move(header_parser));
    parser.body_limit(limit);
    beast::error_code ec;
    const auto body_started = std::chrono::steady_clock::now();
    std::uint64_t received = 0;
    while (!parser.is_done()) {
      stream.expires_at(body_deadline(body_started, received));
      received += co_await bhttp::async_read_some(stream, buffer, parser,
                                                  net::redirect_error(net::use_awaitable, ec));
      if (ec == bhttp::error::body_limit) co_return 1;
      if (ec) co_return -1;
    }
    req.body = std::move(parser.get().body());
    req.body_size = req.body.size();
    co_return 0;
  }

  net::awaitable<int> read_upload(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                  bhttp::request_parser<bhttp::empty_body>& header_parser,
                                  std::uint64_t limit, protocol::Request& req,
                                  std::filesystem::path& spool) {
    bhttp::request_parser<bhttp::file_body> parser(std::move(header_parser));
    parser.body_limit(limit);
    spool = options.upload_dir / ("upload-" + random_hex() + ".part");
    beast::error_code ec;
    parser.get().body().open(spool.c_str(), beast::file_mode::write_new, ec);
    if (ec) {
      log::error("http: cannot create upload spool {}: {}", spool.string(), ec.message());
      spool.clear();
      co_return 2;
    }
    const auto body_started = std::chrono::steady_clock::now();
    std::uint64_t received = 0;
    while (!parser.is_done()) {
      stream.expires_at(body_deadline(body_started, received));
      received += co_await bhttp::async_read_some(stream, buffer, parser,
                                                  net::redirect_error(net::use_awaitable, ec));
      if (ec == bhttp::error::body_limit) {
        parser.get().body().close();
        co_return 1;
      }
      if (ec) {
        parser.get().body().close();
        co_return -1;
      }
    }
    parser.get().body().close();
    std::error_code size_ec;
    req.body_size = std::filesystem::file_size(spool, size_ec);
    req.body_file = spool;
    co_return 0;
  }

  // --- the response -----------------------------------------------------------------------

  template <typename Message>
  void copy_headers(const protocol::Response& res, Message& out) {
    for (const auto& [name, value] : res.headers.all()) {
      // Framing is the server's business, not the handler's.
      if (protocol::iequals(name, "Content-Length") ||
          protocol::iequals(name, "Transfer-Encoding") || protocol::iequals(name, "Connection")) {
        continue;
      }
      out.insert(name, value);
    }
    out.set(bhttp::field::server, "shikong");
    out.set(bhttp::field::date, http_date());
  }

  // Applies CORS, ETag/304 and gzip, then writes. Returns false if the connection failed.
  // A streamed body to an HTTP/1.0 client (no chunked coding) ends by closing: keep_alive is
  // cleared then.
  net::awaitable<bool> write_response(beast::tcp_stream& stream, const protocol::Request& req,
                                      protocol::Response& res, bool head, bool http10,
                                      bool& keep_alive, std::uint64_t& bytes) {
    struct FileCleanup {
      const protocol::Response& r;
      ~FileCleanup() {
        if (r.delete_file_after && !r.file.empty()) {
          std::error_code ec;
          std::filesystem::remove(r.file, ec);
        }
      }
    } cleanup{res};

    if (options.cors) add_cors_headers(res.headers);
    const std::string_view content_type = res.headers.get("Content-Type").value_or("");
    const bool compressible = is_compressible(content_type);
    const bool has_body = res.status >= 200 && res.status != 204 && res.status != 304;
    bool gzip = false;
    if (options.gzip && compressible && has_body && !res.headers.get("Content-Encoding")) {
      res.headers.add("Vary", "Accept-Encoding");
      const bool big = res.stream || !res.file.empty() || res.body.size() >= options.gzip_min_bytes;
      gzip = big && accepts_gzip(req.header("Accept-Encoding").value_or(""));
    }

    const bool cacheable = (req.method == "GET" || req.method == "HEAD") && res.status == 200;
    if (cacheable) {
      std::optional<std::string_view> tag = res.headers.get("ETag");
      if (!tag && !res.stream && res.file.empty()) {
        res.headers.set("ETag", strong_etag(res.body));
        tag = res.headers.get("ETag");
      }
      if (tag && gzip && tag->size() >= 2 && tag->back() == '"') {
        // A different encoding is a different representation: its strong tag must differ.
        std::string t(*tag);
        t.insert(t.size() - 1, "-gz");
        res.headers.set("ETag", std::move(t));
        tag = res.headers.get("ETag");
      }
      const auto inm = req.header("If-None-Match");
      if (tag && inm && etag_matches(*inm, *tag)) {
        res.status = 304;
        res.body.clear();
        res.stream = nullptr;
        res.headers.remove("Content-Type");
        res.headers.remove("Content-Length");
        gzip = false;
      }
    }
    if (gzip) res.headers.set("Content-Encoding", "gzip");

    if (res.stream || (gzip && !res.file.empty())) {
      if (http10) keep_alive = false;
      co_return co_await write_stream(stream, res, head, keep_alive, gzip, http10, bytes);
    }
    if (!res.file.empty()) {
      co_return co_await write_file(stream, res, head, keep_alive, bytes);
    }
    if (gzip) res.body = gzip_compress(res.body, options.gzip_level);

    beast::error_code ec;
    stream.expires_after(options.write_timeout);
    if (head) {
      bhttp::response<bhttp::empty_body> out;
      out.version(11);
      out.result(static_cast<unsigned>(res.status));
      copy_headers(res, out);
      out.keep_alive(keep_alive);
      if (has_body) out.content_length(res.body.size());
      co_await bhttp::async_write(stream, out, net::redirect_error(net::use_awaitable, ec));
      co_return !ec;
    }
    bhttp::response<bhttp::string_body> out;
    out.version(11);
    out.result(static_cast<unsigned>(res.status));
    copy_headers(res, out);
    out.keep_alive(keep_alive);
    bytes = res.body.size();
    out.body() = std::move(res.body);
    out.prepare_payload();
    co_await bhttp::async_write(stream, out, net::redirect_error(net::use_awaitable, ec));
    co_return !ec;
  }

  net::awaitable<bool> write_file(beast::tcp_stream& stream, protocol::Response& res, bool head,
                                  bool keep_alive, std::uint64_t& bytes) {
    bhttp::response<bhttp::file_body> out;
    beast::error_code ec;
    out.body().open(res.file.c_str(), beast::file_mode::scan, ec);
    if (ec) {
      log::error("http: cannot open response file {}: {}", res.file.string(), ec.message());
      protocol::Response err = protocol::internal_error_response(nullptr);
      res.status = err.status;
      res.file.clear();
      res.body = std::move(err.body);
      res.headers = std::move(err.headers);
      co_return co_await write_response_plain(stream, res, head, keep_alive, bytes);
    }
    out.version(11);
    out.result(static_cast<unsigned>(res.status));
    copy_headers(res, out);
    out.keep_alive(keep_alive);
    stream.expires_after(options.write_timeout);
    if (head) {
      bhttp::response<bhttp::empty_body> h;
      h.version(11);
      h.result(static_cast<unsigned>(res.status));
      copy_headers(res, h);
      h.keep_alive(keep_alive);
      h.content_length(out.body().size());
      co_await bhttp::async_write(stream, h, net::redirect_error(net::use_awaitable, ec));
      co_return !ec;
    }
    out.prepare_payload();
    bytes = out.body().size();
    // file_body serialises in pieces; the write timeout is refreshed for each.
    bhttp::response_serializer<bhttp::file_body> sr(out);
    while (!sr.is_done()) {
      stream.expires_after(options.write_timeout);
      co_await bhttp::async_write_some(stream, sr, net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return false;
    }
    co_return true;
  }

  net::awaitable<bool> write_response_plain(beast::tcp_stream& stream, protocol::Response& res,
                                            bool head, bool keep_alive, std::uint64_t& bytes) {
    bhttp::response<bhttp::string_body> out;
    out.version(11);
    out.result(static_cast<unsigned>(res.status));
    copy_headers(res, out);
    out.keep_alive(keep_alive);
    if (!head) {
      bytes = res.body.size();
      out.body() = std::move(res.body);
    }
    out.prepare_payload();
    beast::error_code ec;
    stream.expires_after(options.write_timeout);
    co_await bhttp::async_write(stream, out, net::redirect_error(net::use_awaitable, ec));
    co_return !ec;
  }

  // Chunked transfer: pieces are produced (and compressed) on the worker pool in batches of
  // about 64 KiB and written in order.
  net::awaitable<bool> write_stream(beast::tcp_stream& stream, protocol::Response& res, bool head,
                                    bool keep_alive, bool gzip, bool http10, std::uint64_t& bytes) {
    if (!res.stream) {
      // A file sent compressed: read it piece by piece on the worker pool.
      auto file = std::shared_ptr<std::FILE>(std::fopen(res.file.c_str(), "rb"), [](std::FILE* f) {
        if (f) std::fclose(f);
      });
      if (!file) {
        log::error("http: cannot open response file {}", res.file.string());
        co_return false;
      }
      res.stream = [file](std::string& chunk) {
        char buf[64 * 1024];
        const std::size_t n = std::fread(buf, 1, sizeof buf, file.get());
        if (n == 0 && std::ferror(file.get())) {
          throw InternalError("file-read-failed", "The server could not read a response file.");
        }
        chunk.append(buf, n);
        return n == sizeof buf;
      };
    }
    bhttp::response<bhttp::empty_body> out;
    out.version(11);
    out.result(static_cast<unsigned>(res.status));
    copy_headers(res, out);
    out.keep_alive(keep_alive);
    out.chunked(!http10);
    beast::error_code ec;
    stream.expires_after(options.write_timeout);
    bhttp::response_serializer<bhttp::empty_body> sr(out);
    co_await bhttp::async_write_header(stream, sr, net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return false;
    if (head) co_return true;

    std::unique_ptr<GzipEncoder> encoder;
    if (gzip) encoder = std::make_unique<GzipEncoder>(options.gzip_level);
    while (true) {
      StreamBatch batch;
      bool failed = false;
      batch = co_await on_worker([&]() -> StreamBatch {
        StreamBatch b;
        std::string raw;
        try {
          bool more = true;
          while (more && raw.size() < kStreamBatchBytes) more = res.stream(raw);
          b.done = !more;
          if (encoder) {
            encoder->write(raw, b.data, b.done);
          } else {
            b.data = std::move(raw);
          }
        } catch (...) {
          // The status is already sent: log and cut the connection so the client sees a
          // truncated body rather than a complete-looking one.
          protocol::internal_error_response(std::current_exception());
          failed = true;
        }
        return b;
      });
      if (failed) co_return false;
      if (!batch.data.empty()) {
        stream.expires_after(options.write_timeout);
        bytes += batch.data.size();
        if (http10) {
          co_await net::async_write(stream, net::buffer(batch.data),
                                    net::redirect_error(net::use_awaitable, ec));
        } else {
          co_await net::async_write(stream, bhttp::make_chunk(net::buffer(batch.data)),
                                    net::redirect_error(net::use_awaitable, ec));
        }
        if (ec) co_return false;
      }
      if (batch.done) break;
    }
    if (http10) co_return true;
    stream.expires_after(options.write_timeout);
    co_await net::async_write(stream, bhttp::make_chunk_last(),
                              net::redirect_error(net::use_awaitable, ec));
    co_return !ec;
  }

  void record(std::chrono::steady_clock::time_point started_at, const protocol::Route* route,
              const protocol::Request& req, int status, std::uint64_t bytes) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at).count();
    const std::string_view route_label = route ? std::string_view(route->pattern) : "unmatched";
    if (middleware.metrics) {
      middleware.metrics->add("shikong_http_in_flight", {}, -1);
      record_http_request(*middleware.metrics, route_label, req.method, status, seconds);
    }
    if (options.access_log) {
      log::info("{}", access_log_line(req.remote_ip, req.method, req.path, status, bytes,
                                      seconds * 1000, route_label));
    }
  }

  ServerOptions options;
  const protocol::Router& router;
  Middleware middleware;

  std::vector<std::unique_ptr<net::io_context>> ios;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  std::unique_ptr<net::thread_pool> workers;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<net::signal_set> signals;
  std::unique_ptr<net::steady_timer> deadline;
  std::atomic<bool> stopping{false};
  bool started = false;
  std::uint16_t bound_port = 0;
  std::atomic<std::size_t> next_io{0};

  std::mutex conn_mutex;
  std::size_t connections = 0;
  std::unordered_map<std::string, std::size_t> connections_per_ip;
  std::unordered_map<std::uint64_t, SessionState*> sessions;
  std::uint64_t next_session_id = 0;
};

Server::Server(ServerOptions options, const protocol::Router& router, Middleware middleware)
    : impl_(std::make_unique<Impl>(std::move(options), router, std::move(middleware))) {}

Server::~Server() = default;

void Server::start() {
  impl_->start();
}
std::uint16_t Server::port() const {
  return impl_->bound_port;
}
void Server::run() {
  impl_->run();
}
void Server::stop() {
  impl_->request_stop();
}

}  // namespace shikong::http
