// HTTP metrics names and the /metrics handler.
#include "http/metrics.hpp"

#include <string>

namespace shikong::http {

void describe_http_metrics(protocol::MetricsRegistry& metrics) {
  using Type = protocol::MetricsRegistry::Type;
  metrics.describe("shikong_http_requests_total", Type::counter,
                   "HTTP requests answered, by route pattern, method and status.");
  metrics.describe("shikong_http_request_duration_seconds", Type::histogram,
                   "Time from a complete request header to the end of the response.",
                   protocol::MetricsRegistry::default_buckets());
  metrics.describe("shikong_http_in_flight", Type::gauge, "HTTP requests being handled.");
  metrics.set("shikong_http_in_flight", {}, 0);
}

void record_http_request(protocol::MetricsRegistry& metrics, std::string_view route,
                         std::string_view method, int status, double seconds) {
  metrics.inc("shikong_http_requests_total", {{"route", std::string(route)},
                                              {"method", std::string(method)},
                                              {"status", std::to_string(status)}});
  metrics.observe("shikong_http_request_duration_seconds", {{"route", std::string(route)}},
                  seconds);
}

protocol::Route metrics_route(protocol::MetricsRegistry& metrics) {
  protocol::Route route;
  route.method = "GET";
  route.pattern = "/metrics";
  route.route_class = protocol::RouteClass::health;
  route.summary = "Prometheus metrics";
  route.operation_id = "getMetrics";
  route.handler = [&metrics](protocol::Request&) {
    protocol::Response r =
        protocol::Response::text(metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
    r.headers.set("Cache-Control", "no-store");
    return r;
  };
  return route;
}

}  // namespace shikong::http
