// `shikong serve`: composes the store, the directory service, search engine and harvester, the
// security engine and its gate, the import job runner, the OGC and native API routes, health
// and metrics, and runs the HTTP server until SIGTERM/SIGINT.
#include <filesystem>

#include "api/accounts.hpp"
#include "api/catalog.hpp"
#include "api/datasets.hpp"
#include "api/security_gate.hpp"
#include "api/styles.hpp"
#include "api/tiles.hpp"
#include "app/catalog_metrics.hpp"
#include "app/cli/args.hpp"
#include "app/cli/commands.hpp"
#include "app/jobs.hpp"
#include "app/periodic.hpp"
#include "app/platform.hpp"
#include "app/security_metrics.hpp"
#include "app/tile_cache_metrics.hpp"
#include "app/usage_events.hpp"
#include "catalog/catalog_service.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "harvest/harvest.hpp"
#include "http/client.hpp"
#include "http/health.hpp"
#include "http/metrics.hpp"
#include "http/server.hpp"
#include "maps/map_service.hpp"
#include "ogc/csw.hpp"
#include "ogc/features.hpp"
#include "ogc/records.hpp"
#include "ogc/tiles.hpp"
#include "ogc/wms.hpp"
#include "ogc/wmts.hpp"
#include "protocol/metrics.hpp"
#include "protocol/router.hpp"
#include "search/search_service.hpp"
#include "storage/change_listener.hpp"
#include "tiles/tile_cache.hpp"

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
  options.trusted_proxies = trusted_proxies(config);
  auto data_dir = std::filesystem::path(config.data_dir);
  options.upload_dir = data_dir / "tmp" / "uploads";

  // Every committed change reaches the map engine and the directory service, whoever made it
  // (API, job, CLI in process). A new dataset's record starts as a draft (uploads); the CLI
  // import publishes its own.
  maps::MapService* map_engine = nullptr;
  catalog::CatalogService* catalog_engine = nullptr;
  auto store = storage::with_change_listener(
      open_store(config),
      [&map_engine, &catalog_engine](std::string_view id, std::optional<std::int64_t> version) {
        if (map_engine) map_engine->dataset_changed(id, version);
        if (!catalog_engine) return;
        try {
          if (version)
            catalog_engine->dataset_changed(id);
          else
            catalog_engine->dataset_deleted(id);
        } catch (const Error& e) {
          // The data change is committed; its record is mended by the next refresh or load.
          log::warn("catalog: the record of dataset '{}' was not updated: {}", id, e.detail());
        }
      });
  // After the store is open: opening it may clean tmp/ of a dead process's leftovers.
  std::filesystem::create_directories(options.upload_dir);
  protocol::MetricsRegistry metrics;
  http::describe_http_metrics(metrics);

  auto accounts = open_account_store(config);
  security::SecurityService security(*accounts, security_settings(config), security_clock(config));
  if (!config.admin_password.empty()) {
    if (security.ensure_admin(config.admin_user, config.admin_password))
      log::info("created the admin account '{}' from security.admin_password", config.admin_user);
    else
      log::info("the account '{}' exists; security.admin_password is not applied to it",
                config.admin_user);
  }
  if (config.clock_offset_s != 0)
    log::warn("the security clock runs {} s ahead (security.clock_offset_s, a testing aid)",
              config.clock_offset_s);
  log::info("security: keys {}, registration {}, {} trusted prox{}",
            config.require_key ? "required" : "optional",
            config.open_registration ? "open" : "closed", options.trusted_proxies.size(),
            options.trusted_proxies.size() == 1 ? "y" : "ies");
  add_security_metrics(metrics, security);
  const api::SecurityGateSettings gate{cookie_secure(config),
                                       std::chrono::milliseconds(config.ban_hold_ms)};

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

  auto records = open_record_store(config);
  catalog::CatalogService catalog(*store, *records, system_now);
  catalog.load();
  catalog_engine = &catalog;
  search::SearchService search(catalog);
  harvest::HarvestService harvester(catalog, *records, http::fetch, harvest_settings(config),
                                    system_now);
  log::info("catalog: {} records, search index of {} terms", catalog.all().size(),
            search.stats().terms);
  add_catalog_metrics(metrics, catalog, search, *records);

  // Every read path asks the one visibility rule (SECURITY rule 7): the access level, and the
  // publishing workflow (only published data is public).
  auto can_read = [&security, &catalog](const protocol::Request& req,
                                        const storage::DatasetInfo& ds) {
    return security.can_read(api::principal_of(req), ds.id, ds.access, ds.owner) &&
           catalog.dataset_visible(ds.id, ds.owner, api::actor_of(req));
  };
  ogc::CatalogContext catalog_context{catalog, search, &harvester};
  catalog_context.actor_of = api::actor_of;
  catalog_context.can_see = [&security](const protocol::Request& req, const catalog::Record& r) {
    if (!catalog::CatalogService::visible(r, api::actor_of(req))) return false;
    return security.can_read(api::principal_of(req), r.dataset_id.empty() ? r.id : r.dataset_id,
                             r.access, r.owner);
  };
  ogc::FeaturesContext features{*store, {}, can_read};
  features.settings.default_limit = config.default_limit;
  features.settings.max_limit = config.max_limit;
  ogc::register_records_routes(router, catalog_context);
  ogc::register_csw_routes(router, catalog_context);
  ogc::add_catalog_to_features(features, catalog_context);
  ogc::register_features_routes(router, features);

  auto tile_cache = std::make_shared<tiles::TileCache>(tile_cache_settings(config));
  maps::MapService map_service(*store, map_settings(config), tile_cache);
  map_engine = &map_service;
  // Tiles of datasets the CLI replaced or deleted while the server was down are never served
  // (their versions are gone); removing them only frees the disk.
  map_service.prune_cache();
  add_tile_cache_metrics(metrics, [&map_service] { return map_service.cache_stats(); });
  ogc::MapsContext maps_context{*store, map_service, can_read};
  ogc::register_ogc_tiles_routes(router, maps_context);
  ogc::register_wms_routes(router, maps_context);
  ogc::register_wmts_routes(router, maps_context);
  api::register_tile_routes(router, maps_context);
  api::register_style_routes(
      router, maps_context,
      [&security](const protocol::Request& req, const storage::DatasetInfo& ds) {
        return security.can_write(api::principal_of(req), ds.id, ds.access, ds.owner);
      });

  api::ApiContext api_context{*store, jobs, data_dir / "tmp" / "jobs", {}};
  api_context.security = &security;
  api_context.can_read = can_read;
  std::filesystem::create_directories(api_context.upload_dir);
  // Same settings (and so the same OpenAPI document) for the dataset and the security routes.
  api::SecurityApiContext security_api{security, *store, api_context.settings, gate};
  api::register_security_routes(router, security_api);
  api::register_api_routes(router, api_context);
  api::register_record_routes(router, catalog_context, api_context.settings);
  api::register_search_routes(router, catalog_context, api_context.settings);
  api::register_dcat_routes(router, catalog_context, api_context.settings);
  api::register_harvest_routes(router, catalog_context, api_context.settings);

  http::Middleware middleware;
  middleware.metrics = &metrics;
  middleware.quick = [&security, gate](const protocol::Request& req, const protocol::Route& route) {
    return api::security_quick(security, req, route, gate);
  };
  middleware.before = [&security, gate](protocol::Request& req, const protocol::Route& route) {
    return api::security_before(security, req, route, gate);
  };
  middleware.after = [&security, &catalog, gate](const protocol::Request& req,
                                                 protocol::Response& res) {
    api::security_after(security, req, res, gate);
    auto use = dataset_use(req, res.status);
    for (const auto& id : use.dataset_ids) catalog.count_usage(id, use.kind);
    if (use.dataset_ids.size() > 1) catalog.count_used_together(use.dataset_ids);
  };
  // Records written by other processes (the CLI), buffered usage counts, popularity for the
  // ranking, and scheduled harvests.
  using std::chrono::seconds;
  Periodic catalog_refresh("catalog refresh", seconds(config.catalog_refresh_s),
                           [&catalog] { catalog.refresh(); });
  Periodic usage_flush("usage flush", seconds(config.catalog_usage_flush_s), [&catalog, &search] {
    catalog.flush_usage();
    search.refresh_popularity();
  });
  std::optional<Periodic> harvests;
  if (config.harvest_enabled)
    harvests.emplace("scheduled harvests", seconds(config.harvest_tick_s),
                     [&harvester] { harvester.run_due(); });

  http::Server server(options, router, middleware);
  server.start();
  log::info("shikong serving http://{}:{} with data in {}", options.address, server.port(),
            data_dir.string());
  server.run();
  log::info("shikong stopping: waiting for import jobs");
  jobs.stop();
  if (harvests) harvests->stop();
  usage_flush.stop();
  catalog_refresh.stop();
  catalog.flush_usage();
  security.flush_usage();
  return 0;
}

}  // namespace shikong::app
