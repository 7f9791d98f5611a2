// The security collector on /metrics: exact series from a real engine over a sqlite account
// store, driven through the gate with a fixed clock.
#include "app/security_metrics.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "core/error.hpp"
#include "security/security.hpp"
#include "storage/accounts.hpp"

namespace shikong::app {
namespace {

namespace fs = std::filesystem;

class SecurityMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("shikong_security_metrics_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store_ = storage::open_sqlite_account_store(dir_);
    security::SecuritySettings settings;
    settings.password_cost = security::PasswordCost::test;
    settings.rate_limits.limits["api"].fill(security::parse_bucket_spec("1/min burst 1"));
    service_ =
        std::make_unique<security::SecurityService>(*store_, settings, [this] { return now_; });
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  security::ClientInfo client(std::string ip, std::string route_class, std::string key = {}) {
    security::ClientInfo c;
    c.ip = std::move(ip);
    c.route_class = std::move(route_class);
    c.api_key = std::move(key);
    c.method = "GET";
    return c;
  }

  static bool has_line(const std::string& text, const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos;
  }

  fs::path dir_;
  Instant now_ = Instant::from_seconds(1'764'000'000);
  std::unique_ptr<storage::AccountStore> store_;
  std::unique_ptr<security::SecurityService> service_;
};

TEST_F(SecurityMetricsTest, EveryFamilyFromTheEngine) {
  protocol::MetricsRegistry metrics;
  add_security_metrics(metrics, *service_);
  auto& s = *service_;
  ASSERT_TRUE(s.ensure_admin("root", "root-password-1"));
  security::Principal admin;
  admin.user = "root";
  admin.role = security::Role::admin;
  admin.method = security::AuthMethod::session;

  EXPECT_THROW(s.login("root", "wrong-password", "192.0.2.1"), Unauthorized);
  EXPECT_THROW(s.login("nobody", "wrong-password", "192.0.2.1"), Unauthorized);

  security::KeySpec spec;
  spec.name = "app";
  auto key = s.create_key(admin, spec, "");
  EXPECT_TRUE(s.admit(client("192.0.2.2", "tiles", key.secret)).allowed);
  EXPECT_TRUE(s.admit(client("192.0.2.2", "tiles", key.secret)).allowed);
  auto unknown = s.admit(client("192.0.2.3", "tiles", "not-a-key"));
  EXPECT_FALSE(unknown.allowed);
  EXPECT_EQ(unknown.code, "invalid-key");

  EXPECT_TRUE(s.admit(client("192.0.2.4", "api")).allowed);
  auto limited = s.admit(client("192.0.2.4", "api"));
  EXPECT_EQ(limited.code, "rate-limited");

  s.ban(admin, "ip", "198.51.100.7", 600, "test", "");
  s.record_result("tiles", 200);
  s.record_result("tiles", 503);
  s.record_result("api", 429);

  const std::string text = "\n" + metrics.render();
  EXPECT_TRUE(has_line(text, "shikong_auth_failures_total{reason=\"invalid-credentials\"} 2"))
      << text;
  EXPECT_TRUE(has_line(text, "shikong_key_requests_total{service=\"tiles\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "shikong_key_denied_total{reason=\"invalid-key\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "shikong_rate_limited_total{dimension=\"ip\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "shikong_bans_active 1")) << text;
  EXPECT_TRUE(has_line(text, "shikong_service_requests_total{service=\"tiles\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "shikong_service_errors_total{service=\"tiles\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "shikong_service_requests_total{service=\"api\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "shikong_service_enabled{service=\"maps\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "# TYPE shikong_rate_limited_total counter")) << text;
  EXPECT_TRUE(has_line(text, "# TYPE shikong_bans_active gauge")) << text;
  EXPECT_TRUE(has_line(text, "# TYPE shikong_cache_hit_ratio gauge")) << text;
  EXPECT_NE(text.find("shikong_cache_misses_total{cache=\"sessions\"}"), std::string::npos) << text;

  // The next scrape sees what changed since.
  s.set_service_enabled(admin, "maps", false, "");
  s.unban(admin, "ip", "198.51.100.7", "");
  const std::string next = "\n" + metrics.render();
  EXPECT_TRUE(has_line(next, "shikong_service_enabled{service=\"maps\"} 0")) << next;
  EXPECT_TRUE(has_line(next, "shikong_bans_active 0")) << next;
}

}  // namespace
}  // namespace shikong::app
