// `shikong serve`: composes the store, the import job runner, the OGC and native API routes,
// health and metrics, and runs the HTTP server until SIGTERM/SIGINT.
#include <filesystem>

#include "api/datasets.hpp"
#include "app/cli/args.hpp"
#include "app/cli/commands.hpp"
#include "app/jobs.hpp"
#include "app/platform.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "http/health.hpp"
#include "http/metrics.hpp"
#include "http/server.hpp"
#include "ogc/features.hpp"
#include "protocol/metrics.hpp"
#include "protocol/router.hpp"

namespace shikong::app {
namespace {

void split_listen(const std::string& listen, std::string& host, std::uint16_t& port) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos)
    throw InvalidInput("invalid-listen", "--listen takes HOST:PORT", "--listen");
  host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  int p = -1;
  try {
    p = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
  }
  if (p < 0 || p > 65535)
    throw InvalidInput("invalid-listen", "the port must be 0 to 65535", "--listen");
  port = static_cast<std::uint16_t>(p);
}

}  // namespace

int run_serve(CommandLine& cl) {
  Args args(cl.args, {"--listen"}, {});
  auto& config = cl.config;
  if (args.has("--listen")) config.listen = args.get("--listen");

  http::ServerOptions options;
  split_listen(config.listen, options.address, options.port);
  options.io_threads = static_cast<std::size_t>(std::max(0, config.io_threads));
  options.worker_threads = static_cast<std::size_t>(std::max(0, config.worker_threads));
  options.max_body_bytes = static_cast<std::uint64_t>(config.max_body_bytes);
  options.max_upload_bytes = static_cast<std::uint64_t>(config.max_upload_bytes);
  options.header_timeout = std::chrono::seconds(config.request_timeout_s);
  options.idle_timeout = std::chrono::seconds(config.idle_timeout_s);
  options.max_connections = static_cast<std::size_t>(config.max_connections);
  options.max_connections_per_ip = static_cast<std::size_t>(config.max_connections_per_ip);
  options.public_url = config.public_url;
  options.access_log = config.access_log;
  auto data_dir = std::filesystem::path(config.data_dir);
  options.upload_dir = data_dir / "tmp" / "uploads";
  std::filesystem::create_directories(options.upload_dir);

  auto store = open_store(config);
  protocol::MetricsRegistry metrics;
  http::describe_http_metrics(metrics);
  JobRunner jobs(*store, metrics, config.import_threads);

  protocol::Router router;
  for (auto& route : http::health_routes([] { return true; })) router.add(std::move(route));
  router.add(http::metrics_route(metrics));
  // Until the portal is served here, the root points people at the OGC API landing page.
  router.add(protocol::Route{"GET", "/",
                             [](protocol::Request&) {
                               protocol::Response r;
                               r.status = 302;
                               r.headers.set("Location", "/ogc");
                               return r;
                             },
                             protocol::RouteClass::static_files,
                             "Points to the OGC API landing page", "root", false});

  ogc::FeaturesContext features{*store, {}};
  features.settings.default_limit = config.default_limit;
  features.settings.max_limit = config.max_limit;
  ogc::register_features_routes(router, features);

  api::ApiContext api_context{*store, jobs, data_dir / "tmp" / "jobs", {}};
  std::filesystem::create_directories(api_context.upload_dir);
  api::register_api_routes(router, api_context);

  http::Middleware middleware;
  middleware.metrics = &metrics;
  http::Server server(options, router, middleware);
  server.start();
  log::info("shikong serving http://{}:{} with data in {}", options.address, server.port(),
            data_dir.string());
  server.run();
  log::info("shikong stopping: waiting for import jobs");
  jobs.stop();
  return 0;
}

}  // namespace shikong::app
