// The security engine's counters on /metrics: rate-limit rejections by dimension, keyed
// requests by service, key denials and authentication failures by reason, active bans, and
// each registered service's traffic, copied from SecurityService at every scrape.
#pragma once

#include "protocol/metrics.hpp"
#include "security/security.hpp"

namespace shikong::app {

// Declares the families and adds a collector; `security` must outlive the registry's renders.
void add_security_metrics(protocol::MetricsRegistry& metrics,
                          const security::SecurityService& security);

}  // namespace shikong::app
