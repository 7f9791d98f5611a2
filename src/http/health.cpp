// Health check documents.
#include "http/health.hpp"

#include <chrono>

#include <fmt/chrono.h>

#include "protocol/json_writer.hpp"

namespace shikong::http {
namespace {

protocol::Response health_document(bool live, bool ready, bool include_ready) {
  const bool pass = live && (!include_ready || ready);
  const std::string time = fmt::format(
      "{:%Y-%m-%dT%H:%M:%S}Z",
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
  protocol::JsonWriter w(256);
  w.begin_object();
  w.key("status").value(pass ? "pass" : "fail");
  w.key("serviceId").value("shikong");
  w.key("checks").begin_object();
  w.key("liveness").begin_array().begin_object();
  w.key("status").value("pass").key("time").value(time);
  w.end_object().end_array();
  if (include_ready) {
    w.key("readiness").begin_array().begin_object();
    w.key("status").value(ready ? "pass" : "fail").key("time").value(time);
    w.end_object().end_array();
  }
  w.end_object();
  w.end_object();
  protocol::Response r =
      protocol::Response::text(w.take(), "application/health+json", pass ? 200 : 503);
  r.headers.set("Cache-Control", "no-store");
  return r;
}

protocol::Route make(std::string pattern, std::string operation_id, protocol::Handler handler) {
  protocol::Route route;
  route.method = "GET";
  route.pattern = std::move(pattern);
  route.route_class = protocol::RouteClass::health;
  route.summary = "Health check";
  route.operation_id = std::move(operation_id);
  route.handler = std::move(handler);
  return route;
}

}  // namespace

protocol::Route health_route(std::function<bool()> ready) {
  return make("/health", "getHealth", [ready = std::move(ready)](protocol::Request&) {
    return health_document(true, !ready || ready(), true);
  });
}

std::vector<protocol::Route> health_routes(std::function<bool()> ready) {
  std::vector<protocol::Route> routes;
  routes.push_back(health_route(ready));
  routes.push_back(make("/health/live", "getLiveness",
                        [](protocol::Request&) { return health_document(true, true, false); }));
  routes.push_back(make("/health/ready", "getReadiness", [ready](protocol::Request&) {
    return health_document(true, !ready || ready(), true);
  }));
  return routes;
}

}  // namespace shikong::http
