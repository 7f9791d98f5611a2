// HTTP instrumentation on the shared MetricsRegistry, and the /metrics route.
#pragma once

#include <string_view>

#include "protocol/metrics.hpp"
#include "protocol/router.hpp"

namespace shikong::http {

// Declares shikong_http_requests_total, shikong_http_request_duration_seconds and
// shikong_http_in_flight with their help texts.
void describe_http_metrics(protocol::MetricsRegistry& metrics);
// One finished request: requests_total{route,method,status} and the duration {route}.
void record_http_request(protocol::MetricsRegistry& metrics, std::string_view route,
                         std::string_view method, int status, double seconds);

// GET /metrics: the registry in Prometheus text format 0.0.4. `metrics` must outlive the route.
protocol::Route metrics_route(protocol::MetricsRegistry& metrics);

}  // namespace shikong::http
