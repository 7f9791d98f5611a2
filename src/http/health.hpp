// Health routes per draft-inadarei-api-health-check (application/health+json).
#pragma once

#include <functional>
#include <vector>

#include "protocol/router.hpp"

namespace shikong::http {

// GET /health: {"status":"pass"} (200) when `ready()` is true, else {"status":"fail"} (503);
// the body lists a "liveness" and a "readiness" check.
protocol::Route health_route(std::function<bool()> ready);
// /health plus /health/live (always 200 while the process answers) and /health/ready
// (200 or 503 from `ready`), for orchestrators that probe them separately.
std::vector<protocol::Route> health_routes(std::function<bool()> ready);

}  // namespace shikong::http
