// The gate and the account, key and admin routes through the router with the real security
// engine: cookies and CSRF, sessions and fixation, lockout and Retry-After, keys shown once,
// quotas and usage, admin rights, audit export, and 400s that name the member at fault.
#include "gate_fixture.hpp"

namespace shikong::api::testing {
namespace {

// ---- cookies and the principal, without a service ----

TEST(Cookies, ParsesSeveralQuotedAndSkipsMalformedPairs) {
  const auto c = parse_cookie_header(R"(a=1; b="two"; bad; =x; c=3;  d=4 ; e=x y; f=; g=h=i; ü=5)");
  std::vector<std::pair<std::string, std::string>> want = {{"a", "1"}, {"b", "two"}, {"c", "3"},
                                                           {"d", "4"}, {"f", ""},    {"g", "h=i"}};
  EXPECT_EQ(c, want);
}

TEST(Cookies, FirstValueOverEveryCookieLine) {
  protocol::Request req;
  req.headers.add("Cookie", "theme=dark");
  req.headers.add("Cookie", "shikong_session=abc; shikong_session=second");
  EXPECT_EQ(request_cookie(req, "shikong_session").value_or("-"), "abc");
  EXPECT_EQ(request_cookie(req, "theme").value_or("-"), "dark");
  EXPECT_FALSE(request_cookie(req, "missing").has_value());
}

TEST(Cookies, SetCookieText) {
  SetCookie c;
  c.name = "shikong_session";
  c.value = "tok";
  c.max_age = 3600;
  c.secure = true;
  EXPECT_EQ(set_cookie_value(c),
            "shikong_session=tok; Max-Age=3600; Path=/; HttpOnly; Secure; SameSite=Lax");
  c.value = "a;b";
  EXPECT_THROW(set_cookie_value(c), Error);
  protocol::Headers h;
  expire_session_cookies(h, {}, true);
  ASSERT_EQ(h.all().size(), 2u);
  EXPECT_EQ(h.all()[0].second, "shikong_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax");
  EXPECT_EQ(h.all()[1].second, "shikong_csrf=; Max-Age=0; Path=/; SameSite=Lax");
}

TEST(Principal, AnonymousWhenNoGateRan) {
  protocol::Request req;
  EXPECT_EQ(principal_of(req).role, security::Role::anonymous);
  EXPECT_FALSE(principal_of(req).authenticated());
  EXPECT_THROW(require_role(principal_of(req), security::Role::user), Unauthorized);
}

// ---- auth ----

TEST_F(GateTest, RegisterLoginMeLogoutWithCookiesAndCsrf) {
  start();
  Client c;
  auto reg = post(c, "/api/v1/auth/register",
                  R"({"name":"alice","password":"correct horse 1","display_name":"Alice"})");
  ASSERT_EQ(reg.status, 201) << reg.response.body;
  EXPECT_EQ(reg.str("name"), "alice");
  EXPECT_EQ(reg.str("role"), "user");
  EXPECT_EQ(reg.str("display_name"), "Alice");
  EXPECT_EQ(reg.response.body.find("password"), std::string::npos);
  EXPECT_TRUE(reg.json["last_login"].is_null());
  EXPECT_EQ(
      post(c, "/api/v1/auth/register", R"({"name":"alice","password":"another pass 2"})").code(),
      "user-exists");

  auto me0 = get(c, "/api/v1/auth/me");
  EXPECT_EQ(me0.str("role"), "anonymous");
  EXPECT_EQ(me0.str("method"), "none");

  auto bad = post(c, "/api/v1/auth/login", R"({"name":"alice","password":"wrong password"})");
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.code(), "invalid-credentials");
  EXPECT_TRUE(c.cookies.empty());

  auto login = post(c, "/api/v1/auth/login", R"({"name":"alice","password":"correct horse 1"})");
  ASSERT_EQ(login.status, 200) << login.response.body;
  const auto cookies = login.set_cookies();
  ASSERT_EQ(cookies.size(), 2u);
  const std::string ttl = "; Max-Age=" + std::to_string(security_->settings().session_ttl_s);
  EXPECT_EQ(cookies[0], "shikong_session=" + c.cookies["shikong_session"] + ttl +
                            "; Path=/; HttpOnly; SameSite=Lax");
  EXPECT_EQ(cookies[1], "shikong_csrf=" + login.str("csrf_token") + ttl + "; Path=/; SameSite=Lax");
  EXPECT_EQ(std::string(login.json["user"]["name"].get_string().value()), "alice");
  EXPECT_NE(login.str("expires"), "<absent>");
  EXPECT_EQ(login.header("Cache-Control"), "no-store");

  auto me = get(c, "/api/v1/auth/me");
  EXPECT_EQ(me.str("name"), "alice");
  EXPECT_EQ(me.str("role"), "user");
  EXPECT_EQ(me.str("method"), "session");
  EXPECT_EQ(me.str("display_name"), "Alice");

  // A cookie-authenticated write without the CSRF header, or with a wrong one, is refused.
  c.send_csrf = false;
  auto no_csrf = post(c, "/api/v1/auth/logout", "");
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_EQ(no_csrf.code(), "csrf-failed");
  EXPECT_EQ(no_csrf.parameter(), "X-CSRF-Token");
  Client forged = c;
  forged.cookies["shikong_csrf"] = "forged";
  forged.send_csrf = true;
  EXPECT_EQ(post(forged, "/api/v1/auth/logout", "").code(), "csrf-failed");
  EXPECT_EQ(get(c, "/api/v1/auth/me").str("method"), "session");  // still signed in

  c.send_csrf = true;
  const std::string old_session = c.cookies["shikong_session"];
  auto out = post(c, "/api/v1/auth/logout", "");
  EXPECT_EQ(out.status, 204);
  EXPECT_EQ(out.set_cookies().size(), 2u);
  EXPECT_TRUE(c.cookies.empty());

  // The ended session's cookie, sent again, admits nobody and is expired by the gate.
  c.cookies["shikong_session"] = old_session;
  auto stale = get(c, "/api/v1/auth/me");
  EXPECT_EQ(stale.str("method"), "none");
  ASSERT_EQ(stale.set_cookies().size(), 1u);
  EXPECT_EQ(stale.set_cookies()[0], "shikong_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax");
  EXPECT_TRUE(c.cookies.empty());

  // Login and register skip the CSRF check (they make no use of a session).
  Client other = signed_in("alice", "correct horse 1");
  other.send_csrf = false;
  EXPECT_EQ(
      post(other, "/api/v1/auth/login", R"({"name":"alice","password":"correct horse 1"})").status,
      200);
}

TEST_F(GateTest, LoginEndsTheSessionItWasSentWith) {
  start();
  Client c = signed_in("root", "root-password-1");
  const std::string first = c.cookies["shikong_session"];
  auto again = post(c, "/api/v1/auth/login", R"({"name":"root","password":"root-password-1"})");
  ASSERT_EQ(again.status, 200);
  EXPECT_NE(c.cookies["shikong_session"], first);
  Client fixed;
  fixed.cookies["shikong_session"] = first;
  EXPECT_EQ(get(fixed, "/api/v1/auth/me").str("method"), "none");
  EXPECT_EQ(get(c, "/api/v1/auth/me").str("method"), "session");
}

TEST_F(GateTest, SecureCookiesWhenConfigured) {
  start(test_settings(), SecurityGateSettings{true});
  Client c = signed_in("root", "root-password-1");
  ASSERT_EQ(c.cookies.size(), 2u);
  auto out = post(c, "/api/v1/auth/logout", "");
  ASSERT_EQ(out.set_cookies().size(), 2u);
  EXPECT_EQ(out.set_cookies()[0],
            "shikong_session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax");
  EXPECT_EQ(out.set_cookies()[1], "shikong_csrf=; Max-Age=0; Path=/; Secure; SameSite=Lax");
}

TEST_F(GateTest, LockoutAnswers429WithRetryAfter) {
  start();
  make_user("bob", "user");
  Client c;
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(post(c, "/api/v1/auth/login", R"({"name":"bob","password":"nope nope 1"})").status,
              401);
  auto locked = post(c, "/api/v1/auth/login", R"({"name":"bob","password":"bob-password-1"})");
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(locked.code(), "account-locked");
  EXPECT_EQ(locked.header("Retry-After"), "60");
  now_.micros += 61'000'000;
  EXPECT_EQ(post(c, "/api/v1/auth/login", R"({"name":"bob","password":"bob-password-1"})").status,
            200);
}

TEST_F(GateTest, FloodLimitAnswers429WithRetryAfter) {
  auto s = test_settings();
  s.rate_limits.limits["login"].fill(security::BucketSpec{1.0 / 30, 1});
  start(s);
  Client c;
  EXPECT_EQ(post(c, "/api/v1/auth/login", R"({"name":"root","password":"wrong wrong 1"})").status,
            401);
  auto r = post(c, "/api/v1/auth/login", R"({"name":"root","password":"root-password-1"})");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.code(), "rate-limited");
  EXPECT_EQ(r.header("Retry-After"), "30");
  // Another class is not limited by the login bucket.
  EXPECT_EQ(get(c, "/api/v1/auth/me").status, 200);
}

TEST_F(GateTest, ClosedRegistration) {
  auto s = test_settings();
  s.open_registration = false;
  start(s);
  Client c;
  auto r = post(c, "/api/v1/auth/register", R"({"name":"carol","password":"carol password 1"})");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code(), "registration-closed");
}

TEST_F(GateTest, BadBodiesAre400NamingTheMember) {
  start();
  Client c;
  struct Case {
    std::string body;
    int status;
    std::string parameter;
  };
  const Case cases[] = {
      {R"({"name":"dave"})", 400, "password"},
      {R"({"name":"dave","password":"dave password 1","admin":true})", 400, "admin"},
      {R"({"name":5,"password":"dave password 1"})", 400, "name"},
      {R"({"name":"dave","password":["x"]})", 400, "password"},
      {R"(["name","dave"])", 400, "body"},
      {R"({"name":"dave",)", 400, "body"},
      {R"({"name":"dave","name":"eve","password":"dave password 1"})", 400, "name"},
  };
  for (const auto& k : cases) {
    auto r = post(c, "/api/v1/auth/register", k.body);
    EXPECT_EQ(r.status, k.status) << k.body;
    EXPECT_EQ(r.parameter(), k.parameter) << k.body;
  }
  auto text = call(c, "POST", "/api/v1/auth/register",
                   R"({"name":"dave","password":"dave password 1"})", {}, "text/plain");
  EXPECT_EQ(text.status, 415);
  EXPECT_EQ(text.parameter(), "Content-Type");
  auto query = call(c, "GET", "/api/v1/auth/me", {}, {{"verbose", "1"}});
  EXPECT_EQ(query.status, 400);
  EXPECT_EQ(query.parameter(), "verbose");
  // The API key parameter passes.
  EXPECT_EQ(call(c, "GET", "/api/v1/auth/me", {}, {{"tk", ""}}).status, 200);
}

TEST_F(GateTest, ChangePassword) {
  start();
  make_user("erin", "user");
  Client c = signed_in("erin", "erin-password-1");
  EXPECT_EQ(post(c, "/api/v1/auth/password",
                 R"({"old_password":"wrong-password","new_password":"erin new pass 2"})")
                .parameter(),
            "old_password");
  EXPECT_EQ(post(c, "/api/v1/auth/password",
                 R"({"old_password":"erin-password-1","new_password":"erin new pass 2"})")
                .status,
            204);
  Client anon;
  EXPECT_EQ(post(anon, "/api/v1/auth/password",
                 R"({"old_password":"erin-password-1","new_password":"erin new pass 3"})")
                .status,
            401);
  signed_in("erin", "erin new pass 2");
}

// ---- keys ----

TEST_F(GateTest, KeysCrudSecretShownOnceUsageAndQuota) {
  start();
  make_user("frank", "user");
  Client c = signed_in("frank", "frank-password-1");
  Client anon;
  EXPECT_EQ(get(anon, "/api/v1/keys").status, 401);
  EXPECT_EQ(post(anon, "/api/v1/keys", R"({"name":"x"})").code(), "unauthenticated");

  auto made = post(c, "/api/v1/keys",
                   R"({"name":"map app","referers":["*.example.com"],"ips":[],)"
                   R"("quotas":{"tiles":2},"expires":null})");
  ASSERT_EQ(made.status, 201) << made.response.body;
  const std::string id = made.str("id");
  const std::string secret = made.str("key");
  EXPECT_EQ(made.str("owner"), "frank");
  EXPECT_EQ(made.str("name"), "map app");
  EXPECT_EQ(made.json["quotas"]["tiles"].get_int64().value(), 2);
  EXPECT_TRUE(made.json["expires"].is_null());
  EXPECT_EQ(made.header("Location"), "/api/v1/keys/" + id);
  ASSERT_GT(secret.size(), 20u);

  auto list = get(c, "/api/v1/keys");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.json["keys"].get_array().size(), 1u);
  EXPECT_EQ(std::string(list.json["keys"].at(0)["id"].get_string().value()), id);
  EXPECT_EQ(list.response.body.find(secret), std::string::npos);
  EXPECT_TRUE(list.json["keys"].at(0)["key"].error());
  auto one = get(c, "/api/v1/keys/" + id);
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.response.body.find(secret), std::string::npos);

  // The key identifies its owner; a wrong Referer is refused by its binding.
  Client app;
  app.key = secret;
  app.referer = "https://maps.example.com/page";
  auto me = get(app, "/api/v1/auth/me");
  EXPECT_EQ(me.str("method"), "key");
  EXPECT_EQ(me.str("name"), "frank");
  EXPECT_EQ(me.str("key_id"), id);
  Client elsewhere = app;
  elsewhere.referer = "https://evil.example.org/";
  EXPECT_EQ(get(elsewhere, "/api/v1/auth/me").code(), "key-referer-denied");
  // A key cannot make keys for its owner.
  EXPECT_EQ(post(app, "/api/v1/keys", R"({"name":"more"})").code(), "session-required");

  // Quota: two tiles a day, the third answers 429 until the next day.
  EXPECT_EQ(get(app, "/tiles/test").status, 200);
  EXPECT_EQ(get(app, "/tiles/test").status, 200);
  auto spent = get(app, "/tiles/test");
  EXPECT_EQ(spent.status, 429);
  EXPECT_EQ(spent.code(), "quota-exceeded");
  EXPECT_NE(spent.header("Retry-After"), "");

  security_->flush_usage();
  auto usage =
      get(c, "/api/v1/keys/" + id + "/usage", {{"from", "2025-11-01"}, {"to", "2025-11-30"}});
  ASSERT_EQ(usage.status, 200) << usage.response.body;
  EXPECT_EQ(usage.str("key_id"), id);
  std::int64_t tiles = -1, denied = -1;
  for (auto row : usage.json["usage"].get_array()) {
    if (std::string_view(row["service"].get_string().value()) != "tiles") continue;
    EXPECT_EQ(std::string_view(row["day"].get_string().value()), "2025-11-25");  // Beijing time
    tiles = row["count"].get_int64().value();
    denied = row["denied"].get_int64().value();
  }
  EXPECT_EQ(tiles, 2);
  EXPECT_EQ(denied, 1);
  EXPECT_EQ(get(c, "/api/v1/keys/" + id + "/usage", {{"from", "2025-13-01"}}).parameter(), "from");

  auto patched = call(c, "PATCH", "/api/v1/keys/" + id,
                      R"({"name":"renamed","disabled":true,"expires":"2026-01-01T00:00:00Z"})");
  ASSERT_EQ(patched.status, 200) << patched.response.body;
  EXPECT_EQ(patched.str("name"), "renamed");
  EXPECT_EQ(patched.str("expires"), "2026-01-01T00:00:00Z");
  EXPECT_TRUE(patched.json["disabled"].get_bool().value());
  EXPECT_EQ(get(app, "/api/v1/auth/me").code(), "key-disabled");
  EXPECT_EQ(call(c, "PATCH", "/api/v1/keys/" + id, R"({"owner":"root"})").parameter(), "owner");
  EXPECT_EQ(call(c, "PATCH", "/api/v1/keys/" + id, R"({"quotas":{"tiles":-1}})").parameter(),
            "quotas");
  EXPECT_EQ(call(c, "PATCH", "/api/v1/keys/" + id, R"({"expires":"soon"})").parameter(), "expires");

  // Another user sees nothing of it.
  make_user("gina", "user");
  Client g = signed_in("gina", "gina-password-1");
  EXPECT_EQ(get(g, "/api/v1/keys/" + id).status, 404);
  EXPECT_EQ(call(g, "DELETE", "/api/v1/keys/" + id).status, 404);
  EXPECT_EQ(get(g, "/api/v1/keys").json["keys"].get_array().size(), 0u);

  EXPECT_EQ(call(c, "DELETE", "/api/v1/keys/" + id).status, 204);
  EXPECT_EQ(get(c, "/api/v1/keys/" + id).status, 404);
}

TEST_F(GateTest, HealthAndPreflightsPassAndAKeyWinsOverTheCookie) {
  start();
  Client admin = signed_in("root", "root-password-1");
  ASSERT_EQ(
      post(admin, "/api/v1/admin/bans", R"({"dimension":"ip","value":"203.0.113.9","seconds":60})")
          .status,
      201);
  protocol::Route health;
  health.method = "GET";
  health.pattern = "/health";
  health.route_class = protocol::RouteClass::health;
  protocol::Request req;
  req.method = "GET";
  req.remote_ip = "203.0.113.9";
  EXPECT_FALSE(security_before(*security_, req, health, gate_).has_value());
  EXPECT_EQ(req.route_class, "");
  protocol::Route api_route = health;
  api_route.route_class = protocol::RouteClass::api;
  req.method = "OPTIONS";
  EXPECT_FALSE(security_before(*security_, req, api_route, gate_).has_value());
  req.method = "GET";
  auto refused = security_before(*security_, req, api_route, gate_);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 429);
  EXPECT_EQ(refused->headers.get("Retry-After").value_or(""), "60");
  EXPECT_EQ(req.route_class, "api");

  // An upload is refused before its body is read.
  protocol::Route upload_route = api_route;
  upload_route.route_class = protocol::RouteClass::upload;
  protocol::Request up;
  up.method = "POST";
  up.remote_ip = "192.0.2.50";
  auto early = security_before(*security_, up, upload_route, gate_);
  ASSERT_TRUE(early.has_value());
  EXPECT_EQ(early->status, 401);

  // The admin's key with the admin's cookie: the key decides, so no CSRF token is needed,
  // and it is accepted as tk= as well.
  const std::string secret = post(admin, "/api/v1/keys", R"({"name":"ops"})").str("key");
  Client both = admin;
  both.key = secret;
  both.send_csrf = false;
  EXPECT_EQ(get(both, "/api/v1/auth/me").str("method"), "key");
  EXPECT_EQ(post(both, "/api/v1/keys", R"({"name":"more"})").status, 201);
  Client by_param;
  EXPECT_EQ(call(by_param, "GET", "/api/v1/auth/me", {}, {{"tk", secret}}).str("method"), "key");
  Client wrong;
  wrong.key = "not-a-key";
  auto invalid = get(wrong, "/api/v1/auth/me");
  EXPECT_EQ(invalid.status, 401);
  EXPECT_EQ(invalid.code(), "invalid-key");
}

TEST_F(GateTest, MapServicesAreRefusedInTheirOwnExceptionFormat) {
  start();
  Client admin = signed_in("root", "root-password-1");
  ASSERT_EQ(
      post(admin, "/api/v1/admin/bans", R"({"dimension":"ip","value":"203.0.113.9","seconds":60})")
          .status,
      201);
  protocol::Request req;
  req.method = "GET";
  req.remote_ip = "203.0.113.9";
  protocol::Route wms;
  wms.method = "GET";
  wms.pattern = "/ogc/wms";
  wms.route_class = protocol::RouteClass::maps;
  auto refused = security_before(*security_, req, wms, gate_);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 429);
  EXPECT_EQ(refused->headers.get("Retry-After").value_or(""), "60");
  EXPECT_EQ(refused->headers.get("Content-Type").value_or(""), "text/xml; charset=UTF-8");
  EXPECT_NE(refused->body.find("<ServiceExceptionReport"), std::string::npos);
  EXPECT_NE(refused->body.find(R"(code="NoApplicableCode")"), std::string::npos);

  protocol::Route wmts = wms;
  wmts.pattern = "/ogc/wmts/1.0.0/{layer}/{style}/{set}/{matrix}/{row}/{col}.png";
  wmts.route_class = protocol::RouteClass::tiles;
  auto quick = security_quick(*security_, req, wmts, gate_);
  ASSERT_TRUE(quick.has_value());
  EXPECT_EQ(quick->status, 429);
  EXPECT_NE(quick->body.find("ExceptionReport"), std::string::npos);
  EXPECT_NE(quick->body.find(R"(exceptionCode="NoApplicableCode")"), std::string::npos);

  protocol::Route xyz = wms;
  xyz.pattern = "/tiles/{datasets}/{z}/{x}/{y}.pbf";
  auto problem = security_before(*security_, req, xyz, gate_);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->headers.get("Content-Type").value_or(""), "application/problem+json");
}

// ---- admin ----

TEST_F(GateTest, AdminRoutesNeedTheAdminRole) {
  start();
  make_user("hal", "publisher");
  Client anon;
  Client user = signed_in("hal", "hal-password-1");
  Client admin = signed_in("root", "root-password-1");
  for (const std::string path :
       {"/api/v1/admin/users", "/api/v1/admin/keys", "/api/v1/admin/usage",
        "/api/v1/admin/services", "/api/v1/admin/bans", "/api/v1/admin/audit"}) {
    auto a = get(anon, path);
    EXPECT_EQ(a.status, 401) << path;
    EXPECT_EQ(a.code(), "unauthenticated") << path;
    auto u = get(user, path);
    EXPECT_EQ(u.status, 403) << path;
    EXPECT_EQ(u.code(), "forbidden") << path;
    EXPECT_EQ(get(admin, path).status, 200) << path;
  }
  EXPECT_EQ(call(user, "PATCH", "/api/v1/admin/users/hal", R"({"role":"admin"})").status, 403);
  EXPECT_EQ(get(user, "/api/v1/auth/me").str("role"), "publisher");
}

TEST_F(GateTest, AdminManagesUsers) {
  start();
  Client admin = signed_in("root", "root-password-1");
  auto made = post(admin, "/api/v1/admin/users",
                   R"({"name":"ivy","password":"ivy password 1","role":"publisher",)"
                   R"("groups":["survey"],"display_name":"Ivy","email":"ivy@example.com"})");
  ASSERT_EQ(made.status, 201) << made.response.body;
  EXPECT_EQ(made.str("role"), "publisher");
  EXPECT_EQ(made.header("Location"), "/api/v1/admin/users/ivy");
  EXPECT_EQ(
      post(admin, "/api/v1/admin/users", R"({"name":"x1y","password":"p p p p 1","role":"king"})")
          .parameter(),
      "role");

  auto list = get(admin, "/api/v1/admin/users");
  ASSERT_EQ(list.json["users"].get_array().size(), 2u);  // root and ivy

  auto patched = call(admin, "PATCH", "/api/v1/admin/users/ivy",
                      R"({"role":"reviewer","groups":["a","b"],"disabled":false})");
  ASSERT_EQ(patched.status, 200) << patched.response.body;
  EXPECT_EQ(patched.str("role"), "reviewer");
  EXPECT_EQ(patched.json["groups"].get_array().size(), 2u);
  EXPECT_EQ(call(admin, "PATCH", "/api/v1/admin/users/ivy", R"({"password":"x"})").parameter(),
            "password");
  EXPECT_EQ(call(admin, "PATCH", "/api/v1/admin/users/ivy", R"({"disabled":"yes"})").parameter(),
            "disabled");

  Client ivy = signed_in("ivy", "ivy password 1");
  EXPECT_EQ(
      post(admin, "/api/v1/admin/users/ivy/password", R"({"password":"reset pass 42"})").status,
      204);
  EXPECT_EQ(get(ivy, "/api/v1/auth/me").str("method"), "none");  // sessions ended
  signed_in("ivy", "reset pass 42");

  EXPECT_EQ(get(admin, "/api/v1/admin/users/ivy").str("role"), "reviewer");
  EXPECT_EQ(call(admin, "DELETE", "/api/v1/admin/users/ivy").status, 204);
  EXPECT_EQ(get(admin, "/api/v1/admin/users/ivy").status, 404);
}

TEST_F(GateTest, AdminKeysServicesBansAndAudit) {
  start();
  make_user("jack", "user");
  Client jack = signed_in("jack", "jack-password-1");
  const std::string id = post(jack, "/api/v1/keys", R"({"name":"jk"})").str("id");
  Client admin = signed_in("root", "root-password-1");

  auto keys = get(admin, "/api/v1/admin/keys", {{"owner", "jack"}});
  ASSERT_EQ(keys.json["keys"].get_array().size(), 1u);
  EXPECT_EQ(get(admin, "/api/v1/admin/keys", {{"owner", "nobody"}}).json["keys"].get_array().size(),
            0u);
  auto pk = call(admin, "PATCH", "/api/v1/admin/keys/" + id, R"({"quotas":{"maps":5}})");
  ASSERT_EQ(pk.status, 200) << pk.response.body;
  EXPECT_EQ(pk.json["quotas"]["maps"].get_int64().value(), 5);

  // Services: switch tiles off and on.
  auto off = call(admin, "PATCH", "/api/v1/admin/services/tiles", R"({"enabled":false})");
  ASSERT_EQ(off.status, 200) << off.response.body;
  EXPECT_FALSE(off.json["enabled"].get_bool().value());
  auto refused = get(jack, "/tiles/test");
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.code(), "service-disabled");
  EXPECT_EQ(call(admin, "PATCH", "/api/v1/admin/services/tiles", R"({"enabled":true})").status,
            200);
  EXPECT_EQ(get(jack, "/tiles/test").status, 200);
  EXPECT_EQ(call(admin, "PATCH", "/api/v1/admin/services/nope", R"({"enabled":true})").status, 404);
  EXPECT_EQ(call(admin, "PATCH", "/api/v1/admin/services/tiles", R"({"enabled":1})").parameter(),
            "enabled");
  auto services = get(admin, "/api/v1/admin/services");
  bool seen = false;
  for (auto s : services.json["services"].get_array()) {
    if (std::string_view(s["service"].get_string().value()) != "tiles") continue;
    seen = true;
    EXPECT_EQ(s["requests"].get_int64().value(), 2);
    EXPECT_EQ(s["errors"].get_int64().value(), 0);
  }
  EXPECT_TRUE(seen);

  // Bans.
  Client banned;
  banned.ip = "198.51.100.7";
  auto ban = post(admin, "/api/v1/admin/bans",
                  R"({"dimension":"ip","value":"198.51.100.7","seconds":600,"reason":"abuse"})");
  ASSERT_EQ(ban.status, 201) << ban.response.body;
  EXPECT_EQ(ban.str("dimension"), "ip");
  EXPECT_EQ(ban.str("until"), "2025-11-24T16:10:00Z");
  {
    // A banned IP is refused by the I/O-thread check, with the ban's time left.
    auto quick = get(banned, "/api/v1/auth/me");
    EXPECT_EQ(quick.code(), "banned");
    EXPECT_EQ(quick.status, 429);
    EXPECT_TRUE(quick.quick);
    EXPECT_EQ(quick.header("Retry-After"), "600");
    EXPECT_EQ(quick.response.hold, std::chrono::milliseconds(1000));  // the default tarpit
    // Other clients are not, and the admin's own request went the usual way.
    EXPECT_FALSE(get(admin, "/api/v1/auth/me").quick);
  }
  EXPECT_EQ(get(admin, "/api/v1/admin/bans").json["bans"].get_array().size(), 1u);
  EXPECT_EQ(post(admin, "/api/v1/admin/bans", R"({"dimension":"moon","value":"x","seconds":5})")
                .parameter(),
            "dimension");
  EXPECT_EQ(
      post(admin, "/api/v1/admin/bans", R"({"dimension":"ip","value":"1.2.3.4"})").parameter(),
      "seconds");
  EXPECT_EQ(call(admin, "DELETE", "/api/v1/admin/bans/ip/198.51.100.7").status, 204);
  EXPECT_EQ(get(banned, "/api/v1/auth/me").status, 200);

  // Audit: JSON pages and the CSV export.
  auto page = get(admin, "/api/v1/admin/audit", {{"limit", "2"}});
  ASSERT_EQ(page.status, 200) << page.response.body;
  ASSERT_EQ(page.json["events"].get_array().size(), 2u);
  const std::int64_t next = page.json["next_after"].get_int64().value();
  EXPECT_EQ(page.json["events"].at(1)["seq"].get_int64().value(), next);
  auto rest =
      get(admin, "/api/v1/admin/audit", {{"after", std::to_string(next)}, {"limit", "1000"}});
  EXPECT_TRUE(rest.json["next_after"].is_null());
  EXPECT_GT(rest.json["events"].at(0)["seq"].get_int64().value(), next);
  auto bans = get(admin, "/api/v1/admin/audit", {{"action", "ban"}});
  ASSERT_EQ(bans.json["events"].get_array().size(), 1u);
  EXPECT_EQ(std::string_view(bans.json["events"].at(0)["actor"].get_string().value()), "root");
  EXPECT_EQ(std::string_view(bans.json["events"].at(0)["detail"]["reason"].get_string().value()),
            "abuse");
  EXPECT_EQ(get(admin, "/api/v1/admin/audit", {{"limit", "0"}}).parameter(), "limit");
  EXPECT_EQ(get(admin, "/api/v1/admin/audit", {{"from", "yesterday"}}).parameter(), "from");
  EXPECT_EQ(get(admin, "/api/v1/admin/audit", {{"format", "xml"}}).parameter(), "format");
  EXPECT_EQ(
      get(admin, "/api/v1/admin/audit", {{"to", "2025-11-23"}}).json["events"].get_array().size(),
      0u);

  auto csv = get(admin, "/api/v1/admin/audit", {{"action", "ban"}, {"format", "csv"}});
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.header("Content-Type"), "text/csv; charset=utf-8");
  const std::string seq = std::to_string(bans.json["events"].at(0)["seq"].get_int64().value());
  EXPECT_EQ(csv.response.body, "seq,at,actor,action,target,ip,outcome,detail\r\n" + seq +
                                   ",2025-11-24T16:00:00Z,root,ban,198.51.100.7,192.0.2.10,ok,"
                                   "\"{\"\"dimension\"\":\"\"ip\"\",\"\"seconds\"\":600,"
                                   "\"\"reason\"\":\"\"abuse\"\"}\"\r\n");
  // The whole log as CSV, streamed in pages of 1000: one line per event.
  for (int i = 0; i < 1100; ++i) security_->audit("system", "filler", std::to_string(i), "", "ok");
  auto all = get(admin, "/api/v1/admin/audit", {{"format", "csv"}});
  std::size_t lines = 0;
  for (char ch : all.response.body) lines += ch == '\n';
  const auto json_all = get(admin, "/api/v1/admin/audit", {{"limit", "1000"}});
  const auto json_rest =
      get(admin, "/api/v1/admin/audit",
          {{"limit", "1000"},
           {"after", std::to_string(json_all.json["next_after"].get_int64().value())}});
  const std::size_t events =
      json_all.json["events"].get_array().size() + json_rest.json["events"].get_array().size();
  EXPECT_GT(events, 1100u);
  EXPECT_EQ(lines, events + 1);
  EXPECT_NE(all.response.body.find(",system,filler,1099,,ok,{}\r\n"), std::string::npos);
}

TEST_F(GateTest, AuditExportQuotesFieldsAndSurvivesABadDetail) {
  start();
  security_->audit("system", "note", "a,b", "", "ok", "line one\nsaid \"hi\"");
  Client admin = signed_in("root", "root-password-1");
  auto j = get(admin, "/api/v1/admin/audit", {{"action", "note"}});
  ASSERT_EQ(j.status, 200) << j.response.body;
  ASSERT_EQ(j.json["events"].get_array().size(), 1u);
  EXPECT_EQ(std::string_view(j.json["events"].at(0)["detail"].get_string().value()),
            "line one\nsaid \"hi\"");
  const std::string seq = std::to_string(j.json["events"].at(0)["seq"].get_int64().value());
  auto csv = get(admin, "/api/v1/admin/audit", {{"action", "note"}, {"format", "csv"}});
  EXPECT_EQ(csv.response.body, "seq,at,actor,action,target,ip,outcome,detail\r\n" + seq +
                                   ",2025-11-24T16:00:00Z,system,note,\"a,b\",,ok,"
                                   "\"line one\nsaid \"\"hi\"\"\"\r\n");
  // limit caps a CSV export.
  auto two = get(admin, "/api/v1/admin/audit", {{"format", "csv"}, {"limit", "2"}});
  std::size_t records = 0;
  for (std::size_t at = two.response.body.find("\r\n"); at != std::string::npos;
       at = two.response.body.find("\r\n", at + 2))
    ++records;
  EXPECT_EQ(records, 3u);
}

TEST_F(GateTest, OpenApiListsTheSecurityRoutes) {
  start();
  Client c;
  auto doc = get(c, "/api/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  simdjson::dom::parser p;
  simdjson::dom::element e;
  ASSERT_EQ(p.parse(doc.response.body).get(e), simdjson::SUCCESS);
  for (const char* path :
       {"/auth/login", "/auth/register", "/auth/me", "/keys", "/keys/{keyId}",
        "/keys/{keyId}/usage", "/admin/users", "/admin/users/{name}/password", "/admin/audit",
        "/admin/bans/{dimension}/{value}", "/datasets/{datasetId}/grants"})
    EXPECT_FALSE(e["paths"][path].error()) << path;
  // Described, not only listed: the login body and the admin's 403.
  EXPECT_FALSE(e["paths"]["/auth/login"]["post"]["requestBody"].error());
  EXPECT_FALSE(e["paths"]["/admin/users"]["get"]["responses"]["403"].error());
  EXPECT_EQ(std::string_view(e["paths"]["/keys"]["post"]["operationId"].get_string().value()),
            "createKey");
}

}  // namespace
}  // namespace shikong::api::testing
