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

TEST(Metrics, CollectorsCopyOutsideCountsInAtEveryRender) {
  MetricsRegistry m;
  int renders = 0;
  long rejected = 0;
  m.describe("shikong_rate_limited_total", MetricsRegistry::Type::counter, "Rejections.");
  m.add_collector([&](MetricsRegistry& r) {
    ++renders;
    r.set_counter("shikong_rate_limited_total", {{"dimension", "ip"}},
                  static_cast<double>(rejected));
    r.set("shikong_bans_active", {}, static_cast<double>(renders));
  });
  rejected = 4;
  EXPECT_EQ(m.render(),
            "# TYPE shikong_bans_active gauge\n"
            "shikong_bans_active 1\n"
            "# HELP shikong_rate_limited_total Rejections.\n"
            "# TYPE shikong_rate_limited_total counter\n"
            "shikong_rate_limited_total{dimension=\"ip\"} 4\n");
  rejected = 9;
  const std::string second = m.render();
  EXPECT_NE(second.find("shikong_rate_limited_total{dimension=\"ip\"} 9\n"), std::string::npos);
  EXPECT_NE(second.find("shikong_bans_active 2\n"), std::string::npos);
  EXPECT_EQ(renders, 2);
  EXPECT_EQ(m.value("shikong_rate_limited_total", {{"dimension", "ip"}}), 9);
  // A collector's series keeps its type: setting a counter as a gauge is a programming error.
  EXPECT_THROW(m.set("shikong_rate_limited_total", {{"dimension", "ip"}}, 1), std::logic_error);
}

TEST(Metrics, CollectorsRunInOrderAdded) {
  MetricsRegistry m;
  std::string order;
  m.add_collector([&](MetricsRegistry&) { order += "a"; });
  m.add_collector([&](MetricsRegistry& r) {
    order += "b";
    r.set_counter("c_total", {}, 2);
  });
  EXPECT_EQ(m.render(), "# TYPE c_total counter\nc_total 2\n");
  EXPECT_EQ(order, "ab");
}

}  // namespace
}  // namespace shikong::protocol
