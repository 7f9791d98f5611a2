// MetricsRegistry: exact Prometheus text for counters, gauges and histograms.
#include "protocol/metrics.hpp"

#include <gtest/gtest.h>

namespace shikong::protocol {
namespace {

TEST(Metrics, RendersCountersGaugesAndHistograms) {
  MetricsRegistry m;
  m.describe("shikong_imports_total", MetricsRegistry::Type::counter, "Imports by result.");
  m.inc("shikong_imports_total", {{"result", "ok"}});
  m.inc("shikong_imports_total", {{"result", "ok"}}, 2);
  m.inc("shikong_imports_total", {{"result", "failed \"x\"\n"}});
  m.add("shikong_http_in_flight", {}, 1);
  m.add("shikong_http_in_flight", {}, 1);
  m.add("shikong_http_in_flight", {}, -1);
  m.describe("d", MetricsRegistry::Type::histogram, "", {1, 0.5});
  m.observe("d", {{"route", "/x"}}, 0.25);
  m.observe("d", {{"route", "/x"}}, 0.5);
  m.observe("d", {{"route", "/x"}}, 7);
  EXPECT_EQ(m.render(),
            "# TYPE d histogram\n"
            "d_bucket{route=\"/x\",le=\"0.5\"} 2\n"
            "d_bucket{route=\"/x\",le=\"1\"} 2\n"
            "d_bucket{route=\"/x\",le=\"+Inf\"} 3\n"
            "d_sum{route=\"/x\"} 7.75\n"
            "d_count{route=\"/x\"} 3\n"
            "# TYPE shikong_http_in_flight gauge\n"
            "shikong_http_in_flight 1\n"
            "# HELP shikong_imports_total Imports by result.\n"
            "# TYPE shikong_imports_total counter\n"
            "shikong_imports_total{result=\"failed \\\"x\\\"\\n\"} 1\n"
            "shikong_imports_total{result=\"ok\"} 3\n");
  EXPECT_EQ(m.value("shikong_imports_total", {{"result", "ok"}}), 3);
  EXPECT_EQ(m.value("d", {{"route", "/x"}}), 3);
  EXPECT_EQ(m.value("nothing"), 0);
  EXPECT_THROW(m.set("shikong_imports_total", {}, 1), std::logic_error);
}

TEST(Metrics, DefaultBuckets) {
  MetricsRegistry m;
  m.observe("h", {}, 0.003);
  const std::string text = m.render();
  EXPECT_NE(text.find("h_bucket{le=\"0.0025\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("h_bucket{le=\"0.005\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("h_bucket{le=\"10\"} 1\n"), std::string::npos);
}

}  // namespace
}  // namespace shikong::protocol
