// The HTTP/1.1 server (Boost.Beast/Asio, the only Beast user): one io_context per I/O thread,
// handlers on a separate worker pool, limits and timeouts, streaming bodies, graceful shutdown.
// Every exception a request raises becomes a response in one place (see server.cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/net_address.hpp"
#include "protocol/metrics.hpp"
#include "protocol/request.hpp"
#include "protocol/router.hpp"

namespace shikong::http {

struct ServerOptions {
  std::string address = "0.0.0.0";
  std::uint16_t port = 8080;       // 0: any free port (see Server::port())
  std::size_t io_threads = 0;      // 0: hardware concurrency
  std::size_t worker_threads = 0;  // 0: hardware concurrency (at least 2)

  std::size_t max_header_bytes = 16 * 1024;
  std::uint64_t max_body_bytes = 1024 * 1024;              // in memory, normal routes
  std::uint64_t max_upload_bytes = 1024ull * 1024 * 1024;  // spooled, streams_upload routes
  std::filesystem::path upload_dir;                        // default: <temp>/shikong-uploads

  std::chrono::milliseconds header_timeout{10'000};  // total time to read a request header
  std::chrono::milliseconds idle_timeout{60'000};    // keep-alive wait for the next request
  std::chrono::milliseconds body_timeout{30'000};    // longest pause while reading a body
  // A body must also arrive at this average rate after its first body_timeout: a client
  // dripping a large body a byte at a time cannot hold its connection forever (0: no floor).
  std::uint64_t min_body_bytes_per_s = 512;
  std::chrono::milliseconds write_timeout{60'000};   // longest pause while writing a response
  std::chrono::milliseconds shutdown_grace{15'000};  // in-flight requests get this long

  std::size_t max_connections = 10'000;
  // By peer address, whatever X-Forwarded-For says; trusted proxies are not capped per IP
  // (they carry many clients), only by max_connections.
  std::size_t max_connections_per_ip = 256;

  // Peers whose X-Forwarded-For is believed: Request::remote_ip is then the address behind
  // them (see shikong::client_ip). Empty: remote_ip is always the peer.
  std::vector<shikong::Cidr> trusted_proxies;

  std::string public_url;      // "https://maps.example.org" overrides the Host header for links
  bool handle_signals = true;  // SIGTERM/SIGINT stop the server gracefully
  bool access_log = true;
  bool cors = true;
  bool gzip = true;
  int gzip_level = 5;
  std::size_t gzip_min_bytes = 1024;
};

struct Middleware {
  // Runs on the I/O thread as soon as the route is known, before any body is read: it must
  // only consult memory and never block (a ban list). A response returned here is sent at
  // once, without `before`, the handler or `after`, so a flood that is already refused does
  // not queue on the worker pool ahead of other clients' requests.
  std::function<std::optional<protocol::Response>(const protocol::Request&, const protocol::Route&)>
      quick;
  // Runs on the worker pool before the handler (auth, rate limits); a response returned here
  // is sent instead of calling the handler. For streams_upload routes it runs before the body
  // is read, so a refused upload is not spooled.
  std::function<std::optional<protocol::Response>(protocol::Request&, const protocol::Route&)>
      before;
  // Runs on the worker pool after the handler (or `before`) answered.
  std::function<void(const protocol::Request&, protocol::Response&)> after;
  // Receives shikong_http_requests_total, shikong_http_request_duration_seconds and
  // shikong_http_in_flight when set; must outlive the server.
  protocol::MetricsRegistry* metrics = nullptr;
};

class Server {
 public:
  // `router` must outlive the server.
  Server(ServerOptions options, const protocol::Router& router, Middleware middleware = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens (so port() is known); throws Unavailable("bind-failed") if it cannot.
  void start();
  std::uint16_t port() const;
  // Serves until stop() or a signal; then stops accepting, lets in-flight requests finish
  // within shutdown_grace, closes idle connections and returns. Calls start() if needed.
  void run();
  // Thread-safe and idempotent; returns at once (run() returns when the drain is done).
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The base URL for links: public_url if configured, else "http://" + the Host header when it
// is a plain host[:port], else "http://" + `fallback_host`.
std::string base_url(std::string_view public_url, std::optional<std::string_view> host_header,
                     std::string_view fallback_host);

}  // namespace shikong::http
