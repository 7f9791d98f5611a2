// A platform in process for the security tests: a real SecurityService over a real sqlite
// AccountStore in a temporary directory, the /api/v1 routes, and a client with a cookie jar
// whose every request goes through the gate as the http server runs it.
#pragma once

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "api/accounts.hpp"
#include "api/datasets.hpp"
#include "api/security_gate.hpp"
#include "core/error.hpp"
#include "protocol/problem.hpp"
#include "protocol/query.hpp"
#include "security/security.hpp"
#include "storage/accounts.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace shikong::api::testing {

namespace fs = std::filesystem;

// A browser or script: its address, cookies, and an API key to send.
struct Client {
  std::string ip = "192.0.2.10";
  std::map<std::string, std::string> cookies;
  std::string key;        // sent as X-API-Key when set
  bool send_csrf = true;  // echo the shikong_csrf cookie in X-CSRF-Token
  std::string referer;
};

struct Result {
  int status = 0;
  bool quick = false;  // answered by security_quick (the server's I/O-thread ban check)
  protocol::Response response;
  std::unique_ptr<simdjson::dom::parser> parser = std::make_unique<simdjson::dom::parser>();
  simdjson::dom::element json;
  std::string header(std::string_view n) const {
    return std::string(response.headers.get(n).value_or(""));
  }
  std::vector<std::string> set_cookies() const {
    std::vector<std::string> out;
    for (const auto& [n, v] : response.headers.all())
      if (protocol::iequals(n, "Set-Cookie")) out.push_back(v);
    return out;
  }
  std::string str(std::string_view member) const {
    std::string_view v;
    if (json[member].get_string().get(v) != simdjson::SUCCESS) return "<absent>";
    return std::string(v);
  }
  std::string code() const { return str("code"); }
  std::string parameter() const { return str("parameter"); }
};

// Counts submissions and saves the job as queued, with the owner the API gave it.
class QueueingJobs : public ImportJobs {
 public:
  explicit QueueingJobs(storage::Store& s) : store(s) {}
  storage::Job submit(std::vector<fs::path> files, ingest::ImportOptions o) override {
    for (const auto& f : files) fs::remove(f);
    options = o;
    storage::Job j;
    j.id = "job-" + std::to_string(++submitted);
    j.dataset_id = o.dataset_id;
    j.owner = o.owner;
    store.save_job(j);
    return j;
  }
  storage::Store& store;
  ingest::ImportOptions options;
  int submitted = 0;
};

inline security::SecuritySettings test_settings() {
  security::SecuritySettings s;
  s.password_cost = security::PasswordCost::test;
  // No flood limits unless a test sets them: the tests make many requests from one address.
  s.rate_limits = security::RateLimitSettings{};
  for (auto cls : security::limit_classes) s.rate_limits.limits[std::string(cls)].fill({});
  s.lockout_after = 3;
  s.lockout_base_s = 60;
  return s;
}

class GateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() /
           ("shikong-gate-test-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(dir_ / "uploads");
    fs::create_directories(dir_ / "security");
    storage::SqliteOptions o;
    o.data_dir = dir_ / "data";
    store_ = storage::open_sqlite_store(o);
    accounts_ = storage::open_sqlite_account_store(dir_ / "security");
  }
  void TearDown() override {
    router_.reset();
    security_.reset();
    accounts_.reset();
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Builds the service and the routes; call once per test (after changing settings).
  void start(security::SecuritySettings settings = test_settings(),
             SecurityGateSettings gate = {}) {
    gate_ = gate;
    security_ = std::make_unique<security::SecurityService>(*accounts_, std::move(settings),
                                                            [this] { return now_; });
    security_->ensure_admin("root", "root-password-1");
    jobs_ = std::make_unique<QueueingJobs>(*store_);
    router_ = std::make_unique<protocol::Router>();
    ApiContext ctx{*store_, *jobs_, dir_ / "uploads", {}};
    ctx.security = security_.get();
    register_api_routes(*router_, ctx);
    register_security_routes(*router_, SecurityApiContext{*security_, *store_, ctx.settings, gate});
    // A quota service to spend quotas on.
    protocol::Route tiles;
    tiles.method = "GET";
    tiles.pattern = "/tiles/test";
    tiles.route_class = protocol::RouteClass::tiles;
    tiles.handler = [](protocol::Request&) {
      return protocol::Response::text("tile", "text/plain");
    };
    router_->add(std::move(tiles));
  }

  Result call(Client& c, std::string method, std::string path, std::string body = {},
              protocol::QueryParams query = {}, std::string content_type = "application/json") {
    protocol::Request req;
    req.method = method;
    req.path = path;
    req.target = path;
    req.query = std::move(query);
    req.base_url = "http://test";
    req.remote_ip = c.ip;
    if (!body.empty() && !content_type.empty()) req.headers.set("Content-Type", content_type);
    req.body = std::move(body);
    req.body_size = req.body.size();
    std::string cookie_line;
    for (const auto& [n, v] : c.cookies)
      cookie_line += (cookie_line.empty() ? "" : "; ") + n + "=" + v;
    if (!cookie_line.empty()) req.headers.set("Cookie", cookie_line);
    if (c.send_csrf && c.cookies.count("shikong_csrf"))
      req.headers.set("X-CSRF-Token", c.cookies.at("shikong_csrf"));
    if (!c.key.empty()) req.headers.set("X-API-Key", c.key);
    if (!c.referer.empty()) req.headers.set("Referer", c.referer);

    Result r;
    auto m = router_->match(method, path);
    if (!m.route) {
      r.status = m.path_known ? 405 : 404;
      return r;
    }
    req.path_params = m.params;
    // As the server does: the I/O thread's ban check, then before, handler and after.
    if (auto quick = security_quick(*security_, req, *m.route, gate_)) {
      r.response = std::move(*quick);
      r.quick = true;
    } else {
      try {
        if (auto early = security_before(*security_, req, *m.route, gate_)) {
          r.response = std::move(*early);
        } else {
          r.response = m.route->handler(req);
        }
      } catch (const Error& e) {
        r.response = protocol::problem_response(e);
      }
      security_after(*security_, req, r.response, gate_);
    }
    r.status = r.response.status;
    if (r.response.stream) {
      std::string chunk;
      while (r.response.stream(chunk)) {
      }
      r.response.body += chunk;
    }
    // The browser's side: store and expire cookies.
    for (const auto& line : r.set_cookies()) {
      const auto eq = line.find('=');
      const auto semi = line.find(';');
      const std::string name = line.substr(0, eq);
      const std::string value = line.substr(eq + 1, semi - eq - 1);
      if (line.find("Max-Age=0") != std::string::npos)
        c.cookies.erase(name);
      else
        c.cookies[name] = value;
    }
    const auto type = r.header("Content-Type");
    if (!r.response.body.empty() && type.find("json") != std::string::npos &&
        r.parser->parse(r.response.body).get(r.json) != simdjson::SUCCESS)
      ADD_FAILURE() << "not JSON: " << r.response.body.substr(0, 2000);
    return r;
  }

  Result post(Client& c, std::string path, std::string body) {
    return call(c, "POST", std::move(path), std::move(body));
  }
  Result get(Client& c, std::string path, protocol::QueryParams query = {}) {
    return call(c, "GET", std::move(path), {}, std::move(query));
  }

  Client signed_in(std::string name, std::string password) {
    Client c;
    auto r = post(c, "/api/v1/auth/login",
                  R"({"name":")" + name + R"(","password":")" + password + R"("})");
    EXPECT_EQ(r.status, 200) << r.response.body;
    return c;
  }

  // An account made by the admin with this role.
  void make_user(std::string name, std::string role, std::string groups = "[]") {
    Client admin = signed_in("root", "root-password-1");
    auto r = post(admin, "/api/v1/admin/users",
                  R"({"name":")" + name + R"(","password":")" + name + R"(-password-1","role":")" +
                      role + R"(","groups":)" + groups + "}");
    ASSERT_EQ(r.status, 201) << r.response.body;
  }

  fs::path dir_;
  Instant now_ = Instant::from_seconds(1'764'000'000);  // 2025-11-24T16:00:00Z
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::AccountStore> accounts_;
  std::unique_ptr<security::SecurityService> security_;
  std::unique_ptr<QueueingJobs> jobs_;
  std::unique_ptr<protocol::Router> router_;
  SecurityGateSettings gate_;
};

}  // namespace shikong::api::testing
