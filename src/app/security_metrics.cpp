// The collector reads counters() and services() (each takes the engine's own locks) and
// mirrors them as counters (cumulative since start) and gauges (bans, service switches).
#include "app/security_metrics.hpp"

namespace shikong::app {

void add_security_metrics(protocol::MetricsRegistry& metrics,
                          const security::SecurityService& security) {
  using Type = protocol::MetricsRegistry::Type;
  metrics.describe("shikong_rate_limited_total", Type::counter,
                   "Requests refused by flood protection, by the dimension whose bucket or ban "
                   "refused them (ip, cookie, referer, key, user).");
  metrics.describe("shikong_key_requests_total", Type::counter,
                   "Requests admitted with an API key, by service.");
  metrics.describe("shikong_key_denied_total", Type::counter,
                   "Requests refused because of their API key, by reason.");
  metrics.describe("shikong_auth_failures_total", Type::counter,
                   "Failed sign-ins and refused credentials, by reason.");
  metrics.describe("shikong_bans_active", Type::gauge, "Temporary bans in force.");
  metrics.describe("shikong_cache_hits_total", Type::counter,
                   "Lookups answered from an in-memory cache, by cache.");
  metrics.describe("shikong_cache_misses_total", Type::counter,
                   "Lookups an in-memory cache passed to the store, by cache.");
  metrics.describe("shikong_cache_hit_ratio", Type::gauge,
                   "Hits over lookups of an in-memory cache since start, by cache.");
  metrics.describe("shikong_service_requests_total", Type::counter,
                   "Requests per registered service since start.");
  metrics.describe("shikong_service_errors_total", Type::counter,
                   "Answers with status 500 or above per registered service since start.");
  metrics.describe("shikong_service_refused_total", Type::counter,
                   "Requests the security gate refused (401, 403, 429) per registered service.");
  metrics.describe("shikong_service_enabled", Type::gauge,
                   "1 when the service is switched on in the service registry, else 0.");
  metrics.add_collector([&security](protocol::MetricsRegistry& m) {
    const auto counters = security.counters();
    for (const auto& [dimension, n] : counters.rate_limited_by_dimension)
      m.set_counter("shikong_rate_limited_total", {{"dimension", dimension}},
                    static_cast<double>(n));
    for (const auto& [service, n] : counters.key_requests_by_service)
      m.set_counter("shikong_key_requests_total", {{"service", service}}, static_cast<double>(n));
    for (const auto& [reason, n] : counters.key_denied_by_reason)
      m.set_counter("shikong_key_denied_total", {{"reason", reason}}, static_cast<double>(n));
    for (const auto& [reason, n] : counters.auth_failures_by_reason)
      m.set_counter("shikong_auth_failures_total", {{"reason", reason}}, static_cast<double>(n));
    m.set("shikong_bans_active", {}, static_cast<double>(counters.active_bans));
    for (const auto& [cache, hits] : counters.cache_hits) {
      const auto it = counters.cache_misses.find(cache);
      const std::int64_t misses = it == counters.cache_misses.end() ? 0 : it->second;
      const protocol::MetricLabels labels = {{"cache", cache}};
      m.set_counter("shikong_cache_hits_total", labels, static_cast<double>(hits));
      m.set_counter("shikong_cache_misses_total", labels, static_cast<double>(misses));
      if (hits + misses > 0)
        m.set("shikong_cache_hit_ratio", labels,
              static_cast<double>(hits) / static_cast<double>(hits + misses));
    }
    for (const auto& s : security.services()) {
      const protocol::MetricLabels labels = {{"service", s.service}};
      m.set_counter("shikong_service_requests_total", labels, static_cast<double>(s.requests));
      m.set_counter("shikong_service_errors_total", labels, static_cast<double>(s.errors));
      m.set_counter("shikong_service_refused_total", labels, static_cast<double>(s.refused));
      m.set("shikong_service_enabled", labels, s.enabled ? 1 : 0);
    }
  });
}

}  // namespace shikong::app
