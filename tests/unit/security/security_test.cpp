// Tests of security/security (the facade) over the real embedded AccountStore in a temporary
// directory, with a fake clock: every gate outcome, accounts, lockout, sessions, keys, quotas,
// grants, bans and the audit events each action writes.
#include "security/security.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "core/error.hpp"
#include "security/names.hpp"

namespace shikong::security {
namespace {

namespace fs = std::filesystem;

// 2026-11-25T04:00:00Z = 12:00 in Shanghai; the next day starts there at 16:00Z (12 h later).
constexpr std::int64_t kStart = 1795579200;
constexpr double kToMidnight = 12 * 3600;
const std::string kPw = "correct horse battery";
const std::string kToday = "2026-11-25";
const std::string kTomorrow = "2026-11-26";

template <typename F>
std::string error_code(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return "no error";
}

// The real store, with the lookups the gate makes counted: admit must be served from memory.
class CountingStore : public storage::AccountStore {
 public:
  explicit CountingStore(storage::AccountStore& s) : s_(s) {}
  std::atomic<int> find_session_calls{0}, find_user_calls{0}, find_key_calls{0}, grants_calls{0},
      save_session_calls{0};

  void create_user(const storage::UserRecord& u) override { s_.create_user(u); }
  void update_user(const storage::UserRecord& u) override { s_.update_user(u); }
  std::optional<storage::UserRecord> find_user(std::string_view n) override {
    ++find_user_calls;
    return s_.find_user(n);
  }
  std::vector<storage::UserRecord> list_users() override { return s_.list_users(); }
  void delete_user(std::string_view n) override { s_.delete_user(n); }
  std::int64_t count_users() override { return s_.count_users(); }
  void save_session(const storage::SessionRecord& r) override {
    ++save_session_calls;
    s_.save_session(r);
  }
  std::optional<storage::SessionRecord> find_session(std::string_view h) override {
    ++find_session_calls;
    return s_.find_session(h);
  }
  void delete_session(std::string_view h) override { s_.delete_session(h); }
  void delete_sessions_of(std::string_view u) override { s_.delete_sessions_of(u); }
  void delete_expired_sessions(Instant now) override { s_.delete_expired_sessions(now); }
  void create_key(const storage::ApiKeyRecord& k) override { s_.create_key(k); }
  void update_key(const storage::ApiKeyRecord& k) override { s_.update_key(k); }
  std::optional<storage::ApiKeyRecord> find_key(std::string_view id) override {
    return s_.find_key(id);
  }
  std::optional<storage::ApiKeyRecord> find_key_by_hash(std::string_view h) override {
    ++find_key_calls;
    return s_.find_key_by_hash(h);
  }
  std::vector<storage::ApiKeyRecord> list_keys(std::string_view o) override {
    return s_.list_keys(o);
  }
  void delete_key(std::string_view id) override { s_.delete_key(id); }
  void add_usage(const std::vector<storage::UsageRow>& d) override { s_.add_usage(d); }
  std::vector<storage::UsageRow> usage(std::string_view k, std::string_view f,
                                       std::string_view t) override {
    return s_.usage(k, f, t);
  }
  void set_grants(std::string_view d, const std::vector<storage::GrantRecord>& g) override {
    s_.set_grants(d, g);
  }
  std::vector<storage::GrantRecord> grants(std::string_view d) override {
    ++grants_calls;
    return s_.grants(d);
  }
  void delete_grants(std::string_view d) override { s_.delete_grants(d); }
  void save_ban(const storage::BanRecord& b) override { s_.save_ban(b); }
  std::vector<storage::BanRecord> list_bans(Instant now) override { return s_.list_bans(now); }
  void delete_ban(std::string_view d, std::string_view v) override { s_.delete_ban(d, v); }
  void set_service(const storage::ServiceRecord& r) override { s_.set_service(r); }
  std::vector<storage::ServiceRecord> services() override { return s_.services(); }
  std::int64_t append_audit(const storage::AuditEvent& e) override { return s_.append_audit(e); }
  std::vector<storage::AuditEvent> audit(const storage::AuditQuery& q) override {
    return s_.audit(q);
  }

 private:
  storage::AccountStore& s_;
};

class SecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> n{0};
    dir_ = fs::temp_directory_path() /
           ("shikong_security_test_" + std::to_string(getpid()) + "_" + std::to_string(n++));
    fs::create_directories(dir_);
    store_ = storage::open_sqlite_account_store(dir_);
    counting_ = std::make_unique<CountingStore>(*store_);
    now_ = Instant::from_seconds(kStart);
  }
  void TearDown() override {
    svc_.reset();
    counting_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  static SecuritySettings base_settings() {
    SecuritySettings s;
    s.password_cost = PasswordCost::test;
    s.rate_limits = RateLimitSettings{};  // unlimited unless a test sets limits
    s.rate_limits.ban_after = 0;
    return s;
  }
  SecurityService& start(SecuritySettings s = base_settings()) {
    svc_.reset();
    svc_ = std::make_unique<SecurityService>(*counting_, std::move(s), [this] { return now_; });
    return *svc_;
  }
  void advance(double seconds) { now_.micros += static_cast<std::int64_t>(seconds * 1e6); }

  // Creates the first admin "root" and returns its principal from a real login.
  Principal root() {
    svc_->ensure_admin("root", kPw);
    return signed_in("root", kPw);
  }
  Principal add_user(const std::string& name, Role role = Role::user) {
    NewUser u;
    u.name = name;
    u.password = kPw;
    u.role = role;
    Principal admin;
    admin.user = "root";
    admin.role = Role::admin;
    admin.method = AuthMethod::session;
    if (role != Role::user) {
      svc_->register_user(admin, u, "192.0.2.9");
    } else {
      svc_->register_user(Principal{}, u, "192.0.2.9");
    }
    return signed_in(name, kPw);
  }
  Principal signed_in(const std::string& name, const std::string& pw) {
    LoginResult r = svc_->login(name, pw, "192.0.2.9");
    Admission a = admit_session(r.session_token);
    EXPECT_TRUE(a.allowed);
    return a.principal;
  }
  Admission admit_session(const std::string& token, const std::string& cls = "api") {
    ClientInfo c;
    c.ip = "192.0.2.9";
    c.session_token = token;
    c.route_class = cls;
    c.method = "GET";
    return svc_->admit(c);
  }
  Admission admit_key(const std::string& key, const std::string& cls = "tiles",
                      const std::string& ip = "192.0.2.9", const std::string& referer = "") {
    ClientInfo c;
    c.ip = ip;
    c.api_key = key;
    c.referer = referer;
    c.route_class = cls;
    c.method = "GET";
    return svc_->admit(c);
  }
  Admission admit_key_less_referer(const std::string& referer) {
    ClientInfo c;
    c.ip = "192.0.2.77";
    c.referer = referer;
    c.route_class = "maps";
    return svc_->admit(c);
  }
  Admission admit_anonymous(const std::string& cls, const std::string& ip = "192.0.2.9") {
    ClientInfo c;
    c.ip = ip;
    c.route_class = cls;
    c.method = "GET";
    return svc_->admit(c);
  }
  std::vector<storage::AuditEvent> events(const std::string& action) {
    storage::AuditQuery q;
    q.action = action;
    q.limit = -1;
    return store_->audit(q);
  }

  fs::path dir_;
  std::unique_ptr<storage::AccountStore> store_;
  std::unique_ptr<CountingStore> counting_;
  std::unique_ptr<SecurityService> svc_;
  Instant now_;
};

// ---- names -----------------------------------------------------------------------------------

TEST(SecurityNames, UserNames) {
  EXPECT_TRUE(valid_user_name("alice"));
  EXPECT_TRUE(valid_user_name("a.b_c-9"));
  EXPECT_TRUE(valid_user_name("李小龙"));
  EXPECT_TRUE(valid_user_name("José"));
  EXPECT_TRUE(valid_user_name(std::string(64, 'x')));
  EXPECT_FALSE(valid_user_name(std::string(65, 'x')));
  EXPECT_FALSE(valid_user_name("ab"));
  EXPECT_FALSE(valid_user_name("a b"));
  EXPECT_FALSE(valid_user_name("a/b"));
  EXPECT_FALSE(valid_user_name("alice\n"));
  EXPECT_FALSE(valid_user_name("Jose\xCC\x81"));          // combining acute accent
  EXPECT_FALSE(valid_user_name("\xEF\xBD\x81\x62\x63"));  // fullwidth 'a'
  EXPECT_FALSE(valid_user_name("ab\xFF"));                // not UTF-8
  EXPECT_FALSE(valid_user_name("Anonymous"));
  EXPECT_FALSE(valid_user_name("system"));
  EXPECT_TRUE(valid_group_name("g"));
  EXPECT_FALSE(valid_group_name(""));
}

TEST(SecurityNames, RefererHost) {
  EXPECT_EQ(referer_host("https://Maps.Example.org:8443/a/b?c#d"), "maps.example.org");
  EXPECT_EQ(referer_host("http://user:pw@example.org/"), "example.org");
  EXPECT_EQ(referer_host("https://[2001:db8::1]:443/x"), "[2001:db8::1]");
  EXPECT_EQ(referer_host("example.org/path"), "example.org");
  EXPECT_EQ(referer_host(""), "");
}

// ---- accounts --------------------------------------------------------------------------------

TEST_F(SecurityTest, RegisterValidatesAndAudits) {
  start();
  NewUser u;
  u.name = "alice";
  u.password = kPw;
  u.display_name = "Alice";
  storage::UserRecord r = svc_->register_user(Principal{}, u, "192.0.2.1");
  EXPECT_EQ(r.name, "alice");
  EXPECT_EQ(r.role, "user");
  EXPECT_EQ(r.password_hash, "");  // never handed out
  EXPECT_EQ(r.created, now_);
  EXPECT_EQ(store_->find_user("alice")->password_hash.rfind("$argon2id$", 0), 0u);
  auto reg = events("register");
  ASSERT_EQ(reg.size(), 1u);
  EXPECT_EQ(reg[0].actor, "alice");
  EXPECT_EQ(reg[0].target, "alice");
  EXPECT_EQ(reg[0].ip, "192.0.2.1");
  EXPECT_EQ(reg[0].outcome, "ok");

  EXPECT_EQ(error_code([&] { svc_->register_user(Principal{}, u, ""); }), "user-exists");
  NewUser weak = u;
  weak.name = "bob";
  weak.password = "short";
  EXPECT_EQ(error_code([&] { svc_->register_user(Principal{}, weak, ""); }), "weak-password");
  NewUser bad = u;
  bad.name = "a b";
  EXPECT_EQ(error_code([&] { svc_->register_user(Principal{}, bad, ""); }), "invalid-name");
  NewUser escalate = u;
  escalate.name = "mallory";
  escalate.role = Role::admin;
  EXPECT_EQ(error_code([&] { svc_->register_user(Principal{}, escalate, ""); }), "forbidden");
  NewUser email = u;
  email.name = "carol";
  email.email = "not-an-address";
  EXPECT_EQ(error_code([&] { svc_->register_user(Principal{}, email, ""); }), "invalid-email");

  // An admin may create any role; the event is user-create by the admin.
  Principal admin = root();
  storage::UserRecord pub = svc_->register_user(admin, escalate, "192.0.2.2");
  EXPECT_EQ(pub.role, "admin");
  auto created = events("user-create");
  ASSERT_EQ(created.size(), 2u);  // root by ensure_admin, mallory by root
  EXPECT_EQ(created[0].actor, "system");
  EXPECT_EQ(created[1].actor, "root");
  EXPECT_EQ(created[1].target, "mallory");
  EXPECT_EQ(created[1].detail, R"({"role":"admin"})");
}

TEST_F(SecurityTest, RegistrationClosed) {
  SecuritySettings s = base_settings();
  s.open_registration = false;
  start(s);
  NewUser u;
  u.name = "alice";
  u.password = kPw;
  EXPECT_EQ(error_code([&] { svc_->register_user(Principal{}, u, ""); }), "registration-closed");
  EXPECT_FALSE(store_->find_user("alice"));
}

TEST_F(SecurityTest, EnsureAdminCreatesOnce) {
  start();
  EXPECT_TRUE(svc_->ensure_admin("root", kPw));
  EXPECT_FALSE(svc_->ensure_admin("root", "another long password"));
  EXPECT_EQ(store_->find_user("root")->role, "admin");
  EXPECT_EQ(error_code([&] { svc_->ensure_admin("root2", "short"); }), "weak-password");
}

TEST_F(SecurityTest, LoginMakesHashedSessionAndAudits) {
  start();
  add_user("alice");
  LoginResult r = svc_->login("alice", kPw, "192.0.2.7");
  EXPECT_EQ(r.session_token.size(), 43u);
  EXPECT_EQ(r.csrf_token.size(), 43u);
  EXPECT_EQ(r.expires, Instant::from_seconds(kStart + 8 * 3600));
  EXPECT_EQ(r.user.name, "alice");
  EXPECT_EQ(r.user.password_hash, "");
  EXPECT_FALSE(store_->find_session(r.session_token));  // only the hash is stored
  auto stored = store_->find_session(sha256_hex(r.session_token));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->user, "alice");
  EXPECT_EQ(stored->ip, "192.0.2.7");
  EXPECT_EQ(stored->csrf_token, r.csrf_token);

  Admission a = admit_session(r.session_token);
  EXPECT_TRUE(a.allowed);
  EXPECT_EQ(a.principal.user, "alice");
  EXPECT_EQ(a.principal.role, Role::user);
  EXPECT_EQ(a.principal.method, AuthMethod::session);
  EXPECT_EQ(a.principal.session_hash, sha256_hex(r.session_token));
  EXPECT_EQ(a.principal.csrf_token, r.csrf_token);
  EXPECT_FALSE(a.clear_session_cookie);
  EXPECT_EQ(store_->find_user("alice")->last_login, now_);
  auto logins = events("login");
  ASSERT_EQ(logins.size(), 2u);  // add_user's and this one
  EXPECT_EQ(logins[1].actor, "alice");
  EXPECT_EQ(logins[1].ip, "192.0.2.7");
}

TEST_F(SecurityTest, LoginFailuresLookTheSame) {
  start();
  add_user("alice");
  Principal admin = root();
  UserPatch off;
  off.disabled = true;
  add_user("bob");
  svc_->update_user(admin, "bob", off, "");
  EXPECT_EQ(error_code([&] { svc_->login("nobody", kPw, "192.0.2.1"); }), "invalid-credentials");
  EXPECT_EQ(error_code([&] { svc_->login("alice", "wrong password!", "192.0.2.1"); }),
            "invalid-credentials");
  EXPECT_EQ(error_code([&] { svc_->login("bob", kPw, "192.0.2.1"); }), "invalid-credentials");
  try {
    svc_->login("alice", "wrong password!", "");
    FAIL();
  } catch (const Unauthorized& e) {
    EXPECT_EQ(e.kind(), ErrorKind::unauthorized);
  }
  auto failed = events("login-failed");
  ASSERT_EQ(failed.size(), 4u);
  EXPECT_EQ(failed[0].actor, "anonymous");
  EXPECT_EQ(failed[0].target, "nobody");
  EXPECT_EQ(failed[0].outcome, "failed");
  EXPECT_EQ(failed[0].detail, R"({"reason":"unknown-user"})");
  EXPECT_EQ(failed[1].detail, R"({"reason":"wrong-password","failures":1})");
  EXPECT_EQ(failed[2].detail, R"({"reason":"disabled"})");
  EXPECT_EQ(svc_->counters().auth_failures_by_reason.at("invalid-credentials"), 4);
  // A "name" that cannot be one is not copied into the log.
  EXPECT_EQ(error_code([&] { svc_->login(std::string(5000, 'a'), kPw, ""); }),
            "invalid-credentials");
  EXPECT_EQ(events("login-failed").back().target, "");
}

TEST_F(SecurityTest, LockoutDoublesAndExpires) {
  SecuritySettings s = base_settings();
  s.lockout_after = 3;
  s.lockout_base_s = 30;
  s.lockout_max_s = 100;
  start(s);
  add_user("alice");
  auto wrong = [&] { return error_code([&] { svc_->login("alice", "wrong password!", ""); }); };
  auto locked_for = [&](const std::string& pw) {
    try {
      svc_->login("alice", pw, "");
    } catch (const TooManyRequests& e) {
      EXPECT_EQ(e.code(), "account-locked");
      return e.retry_after_s();
    }
    return -1.0;
  };
  EXPECT_EQ(wrong(), "invalid-credentials");
  EXPECT_EQ(wrong(), "invalid-credentials");
  EXPECT_EQ(wrong(), "invalid-credentials");  // the third failure locks for 30 s
  EXPECT_EQ(store_->find_user("alice")->locked_until, Instant::from_seconds(kStart + 30));
  EXPECT_EQ(locked_for(kPw), 30.0);  // even the right password
  advance(10);
  EXPECT_EQ(locked_for("wrong password!"), 20.0);
  advance(20);
  EXPECT_EQ(wrong(), "invalid-credentials");  // fourth: 60 s
  EXPECT_EQ(locked_for(kPw), 60.0);
  advance(60);
  EXPECT_EQ(wrong(), "invalid-credentials");  // fifth: 120 s, capped at 100
  EXPECT_EQ(locked_for(kPw), 100.0);
  advance(100);
  LoginResult r = svc_->login("alice", kPw, "");
  EXPECT_EQ(r.user.failed_logins, 0);
  EXPECT_EQ(r.user.locked_until, Instant{});
  EXPECT_EQ(wrong(), "invalid-credentials");  // counting starts again: no lock yet
  EXPECT_EQ(store_->find_user("alice")->locked_until, Instant{});
  EXPECT_EQ(events("login-locked").size(), 4u);
  EXPECT_EQ(svc_->counters().auth_failures_by_reason.at("account-locked"), 4);
}

TEST_F(SecurityTest, ResetPasswordUnlocksAndEndsSessions) {
  SecuritySettings s = base_settings();
  s.lockout_after = 1;
  start(s);
  Principal admin = root();
  add_user("alice");
  LoginResult before = svc_->login("alice", kPw, "");
  EXPECT_EQ(error_code([&] { svc_->login("alice", "wrong password!", ""); }),
            "invalid-credentials");
  EXPECT_EQ(error_code([&] { svc_->login("alice", kPw, ""); }), "account-locked");
  Principal alice;
  alice.user = "alice";
  alice.role = Role::user;
  alice.method = AuthMethod::session;
  EXPECT_EQ(error_code([&] { svc_->reset_password(alice, "alice", "new password 1", ""); }),
            "forbidden");
  EXPECT_EQ(error_code([&] { svc_->reset_password(Principal{}, "alice", "new password 1", ""); }),
            "unauthenticated");
  EXPECT_EQ(error_code([&] { svc_->reset_password(admin, "nobody", "new password 1", ""); }),
            "user-not-found");
  svc_->reset_password(admin, "alice", "new password 1", "192.0.2.3");
  EXPECT_TRUE(admit_session(before.session_token).clear_session_cookie);
  EXPECT_EQ(error_code([&] { svc_->login("alice", kPw, ""); }), "invalid-credentials");
  svc_->reset_password(admin, "alice", "new password 2", "192.0.2.3");  // unlocks again
  EXPECT_EQ(svc_->login("alice", "new password 2", "").user.name, "alice");
  auto resets = events("password-reset");
  ASSERT_EQ(resets.size(), 2u);
  EXPECT_EQ(resets[0].actor, "root");
  EXPECT_EQ(resets[0].target, "alice");
}

TEST_F(SecurityTest, ChangePasswordNeedsOldAndEndsSessions) {
  start();
  Principal alice = add_user("alice");
  LoginResult other = svc_->login("alice", kPw, "");
  EXPECT_EQ(
      error_code([&] { svc_->change_password(alice, "wrong password!", "new password 1", ""); }),
      "wrong-password");
  EXPECT_EQ(error_code([&] { svc_->change_password(alice, kPw, "alice", ""); }), "weak-password");
  EXPECT_EQ(error_code([&] { svc_->change_password(Principal{}, kPw, "new password 1", ""); }),
            "unauthenticated");
  svc_->change_password(alice, kPw, "new password 1", "192.0.2.4");
  EXPECT_TRUE(admit_session(other.session_token).clear_session_cookie);
  EXPECT_EQ(error_code([&] { svc_->login("alice", kPw, ""); }), "invalid-credentials");
  EXPECT_EQ(svc_->login("alice", "new password 1", "").user.name, "alice");
  auto changes = events("password-change");
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].actor, "alice");
}

// ---- sessions --------------------------------------------------------------------------------

TEST_F(SecurityTest, SessionFixationOldTokenDiesOnLogin) {
  start();
  add_user("alice");
  LoginResult first = svc_->login("alice", kPw, "");
  EXPECT_TRUE(admit_session(first.session_token).allowed);
  LoginResult second = svc_->login("alice", kPw, "", first.session_token);
  EXPECT_NE(second.session_token, first.session_token);
  Admission old = admit_session(first.session_token);
  EXPECT_TRUE(old.allowed);  // the request goes on, anonymously
  EXPECT_EQ(old.principal.method, AuthMethod::none);
  EXPECT_TRUE(old.clear_session_cookie);
  EXPECT_FALSE(store_->find_session(sha256_hex(first.session_token)));
  EXPECT_EQ(admit_session(second.session_token).principal.user, "alice");
}

TEST_F(SecurityTest, UnknownCookieIsCleared) {
  start();
  Admission a = admit_session("made-up-token");
  EXPECT_TRUE(a.allowed);
  EXPECT_TRUE(a.clear_session_cookie);
  EXPECT_EQ(a.principal.method, AuthMethod::none);
}

TEST_F(SecurityTest, IdleTimeoutAndLastSeenOncePerMinute) {
  SecuritySettings s = base_settings();
  s.session_idle_s = 600;
  s.session_ttl_s = 3600;
  start(s);
  add_user("alice");
  const Instant login_at = now_;
  LoginResult r = svc_->login("alice", kPw, "");
  const std::string hash = sha256_hex(r.session_token);
  advance(30);
  EXPECT_TRUE(admit_session(r.session_token).principal.authenticated());
  EXPECT_EQ(store_->find_session(hash)->last_seen, login_at);        // under a minute: no write
  advance(570);                                                      // 600 s after login
  EXPECT_TRUE(admit_session(r.session_token).clear_session_cookie);  // idle since login

  LoginResult r2 = svc_->login("alice", kPw, "");
  const std::string hash2 = sha256_hex(r2.session_token);
  advance(599);
  EXPECT_TRUE(admit_session(r2.session_token).principal.authenticated());
  EXPECT_EQ(store_->find_session(hash2)->last_seen, now_);
  advance(599);
  EXPECT_TRUE(admit_session(r2.session_token).principal.authenticated());
  advance(600);
  Admission a = admit_session(r2.session_token);
  EXPECT_TRUE(a.clear_session_cookie);
  EXPECT_FALSE(store_->find_session(hash2));
}

TEST_F(SecurityTest, AbsoluteExpiry) {
  SecuritySettings s = base_settings();
  s.session_idle_s = 7200;
  s.session_ttl_s = 3600;
  start(s);
  add_user("alice");
  LoginResult r = svc_->login("alice", kPw, "");
  for (int i = 0; i < 3; ++i) {
    advance(1000);
    EXPECT_TRUE(admit_session(r.session_token).principal.authenticated()) << i;
  }
  advance(599);  // 3599 s
  EXPECT_TRUE(admit_session(r.session_token).principal.authenticated());
  advance(1);
  EXPECT_TRUE(admit_session(r.session_token).clear_session_cookie);
}

TEST_F(SecurityTest, NoIdleTimeoutWhenZero) {
  SecuritySettings s = base_settings();
  s.session_idle_s = 0;
  s.session_ttl_s = 10000;
  start(s);
  add_user("alice");
  LoginResult r = svc_->login("alice", kPw, "");
  advance(9999);
  EXPECT_TRUE(admit_session(r.session_token).principal.authenticated());
  advance(1);
  EXPECT_TRUE(admit_session(r.session_token).clear_session_cookie);
}

TEST_F(SecurityTest, LogoutEndsSession) {
  start();
  add_user("alice");
  LoginResult r = svc_->login("alice", kPw, "");
  Principal p = admit_session(r.session_token).principal;
  svc_->logout(p, "192.0.2.5");
  EXPECT_TRUE(admit_session(r.session_token).clear_session_cookie);
  auto out = events("logout");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].actor, "alice");
  EXPECT_EQ(out[0].ip, "192.0.2.5");
}

TEST_F(SecurityTest, DisabledUsersSessionEnds) {
  start();
  Principal admin = root();
  add_user("alice");
  LoginResult r = svc_->login("alice", kPw, "");
  EXPECT_TRUE(admit_session(r.session_token).principal.authenticated());
  UserPatch off;
  off.disabled = true;
  svc_->update_user(admin, "alice", off, "");
  EXPECT_TRUE(admit_session(r.session_token).clear_session_cookie);
}

TEST_F(SecurityTest, CsrfCheck) {
  start();
  add_user("alice");
  LoginResult r = svc_->login("alice", kPw, "");
  Principal p = admit_session(r.session_token).principal;
  EXPECT_TRUE(svc_->csrf_ok(p, r.csrf_token));
  EXPECT_FALSE(svc_->csrf_ok(p, ""));
  EXPECT_FALSE(svc_->csrf_ok(p, r.csrf_token.substr(1)));
  std::string flipped = r.csrf_token;
  flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(svc_->csrf_ok(p, flipped));
  Principal other = p;
  other.method = AuthMethod::key;
  EXPECT_FALSE(svc_->csrf_ok(other, r.csrf_token));
  EXPECT_FALSE(svc_->csrf_ok(Principal{}, ""));
}

// ---- users and the last admin ----------------------------------------------------------------

TEST_F(SecurityTest, LastAdminIsProtected) {
  start();
  Principal admin = root();
  UserPatch demote;
  demote.role = Role::user;
  UserPatch off;
  off.disabled = true;
  EXPECT_EQ(error_code([&] { svc_->update_user(admin, "root", demote, ""); }), "last-admin");
  EXPECT_EQ(error_code([&] { svc_->update_user(admin, "root", off, ""); }), "last-admin");
  EXPECT_EQ(error_code([&] { svc_->delete_user(admin, "root", ""); }), "last-admin");
  add_user("second", Role::admin);
  svc_->update_user(admin, "second", off, "");  // a disabled admin does not count
  EXPECT_EQ(error_code([&] { svc_->update_user(admin, "root", demote, ""); }), "last-admin");
  UserPatch on;
  on.disabled = false;
  svc_->update_user(admin, "second", on, "");
  storage::UserRecord r = svc_->update_user(admin, "root", demote, "192.0.2.8");
  EXPECT_EQ(r.role, "user");
  auto rc = events("role-change");
  ASSERT_EQ(rc.size(), 1u);
  EXPECT_EQ(rc[0].actor, "root");
  EXPECT_EQ(rc[0].target, "root");
  EXPECT_EQ(rc[0].detail, R"({"from":"admin","to":"user"})");
  EXPECT_EQ(events("user-update").size(), 2u);
  // root's next request carries the user role: admin rights are gone at once.
  Principal fresh = signed_in("root", kPw);
  EXPECT_EQ(fresh.role, Role::user);
  EXPECT_EQ(error_code([&] { svc_->list_users(fresh); }), "forbidden");
}

TEST_F(SecurityTest, AdminOnlyMethods) {
  start();
  Principal admin = root();
  Principal alice = add_user("alice");
  EXPECT_EQ(error_code([&] { svc_->list_users(alice); }), "forbidden");
  EXPECT_EQ(error_code([&] { svc_->list_users(Principal{}); }), "unauthenticated");
  EXPECT_EQ(error_code([&] { svc_->update_user(alice, "alice", UserPatch{}, ""); }), "forbidden");
  EXPECT_EQ(error_code([&] { svc_->delete_user(alice, "root", ""); }), "forbidden");
  EXPECT_EQ(error_code([&] { svc_->audit_log(alice, storage::AuditQuery{}); }), "forbidden");
  EXPECT_EQ(error_code([&] { svc_->all_usage(alice, "", ""); }), "forbidden");
  EXPECT_EQ(error_code([&] { svc_->set_service_enabled(alice, "tiles", false, ""); }), "forbidden");
  EXPECT_EQ(error_code([&] { svc_->ban(alice, "ip", "192.0.2.1", 60, "", ""); }), "forbidden");
  auto users = svc_->list_users(admin);
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].name, "alice");
  EXPECT_EQ(users[0].password_hash, "");
  EXPECT_EQ(error_code([&] { svc_->update_user(admin, "nobody", UserPatch{}, ""); }),
            "user-not-found");
  UserPatch g;
  g.groups = std::vector<std::string>{"team-b", "team-a", "team-a"};
  EXPECT_EQ(svc_->update_user(admin, "alice", g, "").groups,
            (std::vector<std::string>{"team-a", "team-b"}));
  EXPECT_EQ(signed_in("alice", kPw).groups, (std::vector<std::string>{"team-a", "team-b"}));
  svc_->delete_user(admin, "alice", "192.0.2.1");
  EXPECT_FALSE(svc_->find_user("alice"));
  auto del = events("user-delete");
  ASSERT_EQ(del.size(), 1u);
  EXPECT_EQ(del[0].target, "alice");
}

// ---- keys: management ------------------------------------------------------------------------

TEST_F(SecurityTest, CreateKeyStoresOnlyTheHash) {
  start();
  Principal alice = add_user("alice");
  KeySpec spec;
  spec.name = "my map";
  spec.referers = {"*.example.org"};
  spec.ips = {"10.0.0.0/8"};
  spec.quotas = {{"tiles", 1000}};
  CreatedKey k = svc_->create_key(alice, spec, "192.0.2.1");
  ASSERT_EQ(k.record.id.size(), 13u);
  EXPECT_EQ(k.record.id[0], 'k');
  EXPECT_EQ(k.record.id.find_first_not_of("0123456789abcdef", 1), std::string::npos);
  ASSERT_EQ(k.secret.size(), 32u);
  EXPECT_EQ(k.secret.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(k.record.key_hash, "");
  EXPECT_EQ(k.record.owner, "alice");
  auto stored = store_->find_key(k.record.id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->key_hash, sha256_hex(k.secret));
  EXPECT_EQ(stored->quotas.at("tiles"), 1000);
  auto created = events("key-create");
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].actor, "alice");
  EXPECT_EQ(created[0].target, k.record.id);

  KeySpec bad = spec;
  bad.referers = {"http://"};
  EXPECT_EQ(error_code([&] { svc_->create_key(alice, bad, ""); }), "invalid-referer-pattern");
  bad = spec;
  bad.ips = {"10.0.0.0/33"};
  EXPECT_EQ(error_code([&] { svc_->create_key(alice, bad, ""); }), "invalid-ip-pattern");
  bad = spec;
  bad.quotas = {{"api", 5}};
  EXPECT_EQ(error_code([&] { svc_->create_key(alice, bad, ""); }), "invalid-quota");
  bad = spec;
  bad.quotas = {{"tiles", -1}};
  EXPECT_EQ(error_code([&] { svc_->create_key(alice, bad, ""); }), "invalid-quota");
  bad = spec;
  bad.owner = "root";
  EXPECT_EQ(error_code([&] { svc_->create_key(alice, bad, ""); }), "forbidden");
  EXPECT_EQ(error_code([&] { svc_->create_key(Principal{}, spec, ""); }), "unauthenticated");
}

TEST_F(SecurityTest, KeyVisibilityBetweenUsers) {
  start();
  Principal admin = root();
  Principal alice = add_user("alice");
  Principal bob = add_user("bob");
  CreatedKey k = svc_->create_key(alice, KeySpec{}, "");
  const std::string id = k.record.id;
  EXPECT_EQ(svc_->find_key(alice, id).owner, "alice");
  EXPECT_EQ(svc_->find_key(admin, id).owner, "alice");
  EXPECT_EQ(error_code([&] { svc_->find_key(bob, id); }), "key-not-found");
  EXPECT_EQ(error_code([&] { svc_->update_key(bob, id, KeyPatch{}, ""); }), "key-not-found");
  EXPECT_EQ(error_code([&] { svc_->delete_key(bob, id, ""); }), "key-not-found");
  EXPECT_EQ(error_code([&] { svc_->key_usage(bob, id, "", ""); }), "key-not-found");
  EXPECT_EQ(error_code([&] { svc_->find_key(Principal{}, id); }), "unauthenticated");
  EXPECT_EQ(error_code([&] { svc_->find_key(alice, "k000000000000"); }), "key-not-found");
  EXPECT_TRUE(svc_->list_keys(bob).empty());
  ASSERT_EQ(svc_->list_keys(alice).size(), 1u);
  EXPECT_EQ(svc_->list_keys(alice)[0].key_hash, "");
  EXPECT_EQ(error_code([&] { svc_->list_keys(bob, true); }), "forbidden");
  CreatedKey for_bob = [&] {
    KeySpec s;
    s.owner = "bob";
    return svc_->create_key(admin, s, "");
  }();
  EXPECT_EQ(for_bob.record.owner, "bob");
  EXPECT_EQ(svc_->list_keys(admin, true).size(), 2u);
  EXPECT_EQ(svc_->list_keys(bob).size(), 1u);

  KeyPatch patch;
  patch.name = "renamed";
  patch.disabled = true;
  storage::ApiKeyRecord updated = svc_->update_key(admin, id, patch, "");
  EXPECT_EQ(updated.name, "renamed");
  EXPECT_TRUE(updated.disabled);
  EXPECT_EQ(updated.key_hash, "");
  EXPECT_EQ(store_->find_key(id)->key_hash, sha256_hex(k.secret));
  auto upd = events("key-update");
  ASSERT_EQ(upd.size(), 1u);
  EXPECT_EQ(upd[0].actor, "root");
  EXPECT_EQ(upd[0].detail, R"({"name":true,"disabled":true})");
  svc_->delete_key(alice, id, "");
  EXPECT_EQ(error_code([&] { svc_->find_key(alice, id); }), "key-not-found");
  EXPECT_EQ(events("key-delete").size(), 1u);
}

// ---- the gate: keys --------------------------------------------------------------------------

TEST_F(SecurityTest, ValidKeyActsForItsOwnerAndWinsOverSession) {
  start();
  Principal alice = add_user("alice", Role::publisher);
  add_user("bob");
  CreatedKey k = svc_->create_key(alice, KeySpec{}, "");
  Admission a = admit_key(k.secret);
  EXPECT_TRUE(a.allowed);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.principal.user, "alice");
  EXPECT_EQ(a.principal.role, Role::publisher);
  EXPECT_EQ(a.principal.method, AuthMethod::key);
  EXPECT_EQ(a.principal.key_id, k.record.id);

  LoginResult bob = svc_->login("bob", kPw, "");
  ClientInfo both;
  both.ip = "192.0.2.9";
  both.session_token = bob.session_token;
  both.api_key = k.secret;
  both.route_class = "features";
  Admission w = svc_->admit(both);
  EXPECT_TRUE(w.allowed);
  EXPECT_EQ(w.principal.user, "alice");
  EXPECT_EQ(w.principal.method, AuthMethod::key);
  EXPECT_EQ(w.principal.session_hash, "");
  EXPECT_EQ(w.principal.csrf_token, "");
  EXPECT_EQ(svc_->counters().key_requests_by_service.at("tiles"), 1);
  EXPECT_EQ(svc_->counters().key_requests_by_service.at("features"), 1);
}

TEST_F(SecurityTest, EveryKeyRefusal) {
  start();
  Principal admin = root();
  Principal alice = add_user("alice");
  add_user("carol");
  Principal carol = signed_in("carol", kPw);
  auto expect = [&](const Admission& a, int status, const std::string& code) {
    EXPECT_FALSE(a.allowed);
    EXPECT_EQ(a.status, status);
    EXPECT_EQ(a.code, code);
    EXPECT_FALSE(a.detail.empty());
  };
  expect(admit_key("0123456789abcdef0123456789abcdef"), 401, "invalid-key");
  expect(admit_key(std::string(300, 'a')), 401, "invalid-key");

  KeySpec dis;
  dis.disabled = true;
  expect(admit_key(svc_->create_key(alice, dis, "").secret), 403, "key-disabled");

  KeySpec exp;
  exp.expires = Instant::from_seconds(kStart + 100);
  CreatedKey ek = svc_->create_key(alice, exp, "");
  EXPECT_TRUE(admit_key(ek.secret).allowed);
  advance(100);
  expect(admit_key(ek.secret), 403, "key-expired");

  KeySpec ref;
  ref.referers = {"*.example.org"};
  CreatedKey rk = svc_->create_key(alice, ref, "");
  expect(admit_key(rk.secret, "tiles", "192.0.2.9", "https://evil.example.com/x"), 403,
         "key-referer-denied");
  expect(admit_key(rk.secret), 403, "key-referer-denied");  // no Referer sent
  EXPECT_TRUE(admit_key(rk.secret, "tiles", "192.0.2.9", "https://maps.example.org/x").allowed);

  KeySpec ips;
  ips.ips = {"10.0.0.0/8"};
  CreatedKey ik = svc_->create_key(alice, ips, "");
  expect(admit_key(ik.secret, "tiles", "192.0.2.9"), 403, "key-ip-denied");
  EXPECT_TRUE(admit_key(ik.secret, "tiles", "10.1.2.3").allowed);

  CreatedKey ck = svc_->create_key(carol, KeySpec{}, "");
  EXPECT_TRUE(admit_key(ck.secret).allowed);
  UserPatch off;
  off.disabled = true;
  svc_->update_user(admin, "carol", off, "");
  expect(admit_key(ck.secret), 403, "key-disabled");

  // A key disabled after it was used (and cached) is refused at once.
  KeyPatch kp;
  kp.disabled = true;
  svc_->update_key(alice, ik.record.id, kp, "");
  expect(admit_key(ik.secret, "tiles", "10.1.2.3"), 403, "key-disabled");

  SecurityCounters c = svc_->counters();
  EXPECT_EQ(c.key_denied_by_reason.at("invalid-key"), 2);
  EXPECT_EQ(c.key_denied_by_reason.at("key-disabled"), 3);
  EXPECT_EQ(c.key_denied_by_reason.at("key-expired"), 1);
  EXPECT_EQ(c.key_denied_by_reason.at("key-referer-denied"), 2);
  EXPECT_EQ(c.key_denied_by_reason.at("key-ip-denied"), 1);

  // Denials of known keys are counted in their usage for the service and day.
  auto ru = svc_->key_usage(alice, rk.record.id, "", "");
  ASSERT_EQ(ru.size(), 1u);
  EXPECT_EQ(ru[0].day, kToday);
  EXPECT_EQ(ru[0].service, "tiles");
  EXPECT_EQ(ru[0].count, 1);
  EXPECT_EQ(ru[0].denied, 2);

  auto denied = events("key-denied");
  ASSERT_EQ(denied.size(), 7u);  // two invalid keys from one address in a minute: one event
  EXPECT_EQ(denied[0].actor, "anonymous");
  EXPECT_EQ(denied[0].target, "");
  EXPECT_EQ(denied[0].outcome, "denied");
  EXPECT_EQ(denied[0].detail, R"({"reason":"invalid-key","service":"tiles"})");
  EXPECT_EQ(denied[3].actor, "key:" + rk.record.id);
  EXPECT_EQ(denied[3].target, rk.record.id);
  EXPECT_EQ(denied[3].detail, R"({"reason":"key-referer-denied","service":"tiles"})");
}

TEST_F(SecurityTest, KeyDeniedAuditIsDeduplicated) {
  start();
  Principal alice = add_user("alice");
  KeySpec ips;
  ips.ips = {"10.0.0.0/8"};
  CreatedKey k = svc_->create_key(alice, ips, "");
  for (int i = 0; i < 50; ++i) admit_key(k.secret, "tiles", "192.0.2.9");
  EXPECT_EQ(events("key-denied").size(), 1u);
  advance(59);
  admit_key(k.secret, "tiles", "192.0.2.9");
  EXPECT_EQ(events("key-denied").size(), 1u);
  advance(1);
  admit_key(k.secret, "tiles", "192.0.2.9");
  EXPECT_EQ(events("key-denied").size(), 2u);
  admit_key(k.secret, "tiles", "10.0.0.1", "x");  // allowed
  KeySpec r;
  r.referers = {"example.org"};
  KeyPatch patch;
  patch.referers = r.referers;
  svc_->update_key(alice, k.record.id, patch, "");
  admit_key(k.secret, "tiles", "10.0.0.1", "https://other.org/");  // another reason
  EXPECT_EQ(events("key-denied").size(), 3u);
  EXPECT_EQ(svc_->counters().key_denied_by_reason.at("key-ip-denied"), 52);
  auto u = svc_->key_usage(alice, k.record.id, kToday, kToday);
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0].denied, 53);
  EXPECT_EQ(u[0].count, 1);
}

TEST_F(SecurityTest, FloodOfBadKeysMeetsTheRateLimit) {
  SecuritySettings s = base_settings();
  s.rate_limits.limits["tiles"][static_cast<std::size_t>(Dimension::ip)] = BucketSpec{1, 3};
  start(s);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(admit_key("bad" + std::to_string(i)).code, "invalid-key");
  Admission a = admit_key("bad-again");
  EXPECT_EQ(a.status, 429);
  EXPECT_EQ(a.code, "rate-limited");
  EXPECT_EQ(a.retry_after_s, 1.0);
}

// ---- the gate: registry, require_key, limits, bans -------------------------------------------

TEST_F(SecurityTest, DisabledServiceAnswers503AndPersists) {
  start();
  Principal admin = root();
  Principal alice = add_user("alice");
  CreatedKey k = svc_->create_key(alice, KeySpec{}, "");
  EXPECT_EQ(error_code([&] { svc_->set_service_enabled(admin, "nothing", false, ""); }),
            "service-not-found");
  svc_->set_service_enabled(admin, "tiles", false, "192.0.2.1");
  Admission a = admit_anonymous("tiles");
  EXPECT_FALSE(a.allowed);
  EXPECT_EQ(a.status, 503);
  EXPECT_EQ(a.code, "service-disabled");
  EXPECT_EQ(admit_key(k.secret).code, "service-disabled");
  EXPECT_TRUE(admit_anonymous("features").allowed);
  EXPECT_TRUE(admit_anonymous("login").allowed);
  EXPECT_TRUE(admit_anonymous("admin").allowed);
  EXPECT_TRUE(admit_anonymous("static").allowed);
  svc_->record_result("tiles", 503);
  svc_->record_result("tiles", 503);
  svc_->record_result("features", 200);
  svc_->record_result("features", 500);
  svc_->record_result("login", 500);  // not a registry service
  auto find = [&](const std::string& name) {
    for (const ServiceStatus& st : svc_->services())
      if (st.service == name) return st;
    return ServiceStatus{};
  };
  EXPECT_FALSE(find("tiles").enabled);
  EXPECT_EQ(find("tiles").requests, 2);
  EXPECT_EQ(find("tiles").errors, 0);  // the gate's own 503s are refusals
  EXPECT_EQ(find("tiles").refused, 2);
  EXPECT_EQ(find("features").requests, 2);
  EXPECT_EQ(find("features").errors, 1);
  EXPECT_EQ(find("features").refused, 0);
  EXPECT_EQ(svc_->services().size(), std::size(registry_services));
  auto ev = events("service-change");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].target, "tiles");
  EXPECT_EQ(ev[0].detail, R"({"enabled":false})");
  EXPECT_EQ(svc_->key_usage(alice, k.record.id, "", "")[0].denied, 1);

  start();  // a restart keeps the switch
  EXPECT_EQ(admit_anonymous("tiles").code, "service-disabled");
  svc_->set_service_enabled(admin, "tiles", true, "");
  EXPECT_TRUE(admit_anonymous("tiles").allowed);
}

TEST_F(SecurityTest, RequireKey) {
  SecuritySettings s = base_settings();
  s.require_key = true;
  start(s);
  Principal alice = add_user("alice");
  CreatedKey k = svc_->create_key(alice, KeySpec{}, "");
  Admission a = admit_anonymous("tiles");
  EXPECT_EQ(a.status, 401);
  EXPECT_EQ(a.code, "key-required");
  for (const char* cls : {"maps", "features", "downloads", "search", "geocoding"})
    EXPECT_EQ(admit_anonymous(cls).code, "key-required") << cls;
  EXPECT_TRUE(admit_anonymous("api").allowed);
  EXPECT_TRUE(admit_anonymous("login").allowed);
  EXPECT_TRUE(admit_key(k.secret, "tiles").allowed);
  LoginResult r = svc_->login("alice", kPw, "");
  EXPECT_TRUE(admit_session(r.session_token, "tiles").allowed);
  // A stale cookie is no pass.
  Admission stale = admit_session("stale", "tiles");
  EXPECT_EQ(stale.code, "key-required");
  EXPECT_TRUE(stale.clear_session_cookie);
}

TEST_F(SecurityTest, RateLimitAndAutomaticBan) {
  SecuritySettings s = base_settings();
  s.rate_limits.limits["tiles"][static_cast<std::size_t>(Dimension::ip)] = BucketSpec{2, 2};
  s.rate_limits.ban_after = 3;
  s.rate_limits.ban_window_s = 60;
  s.rate_limits.ban_s = 300;
  start(s);
  EXPECT_TRUE(admit_anonymous("tiles").allowed);
  EXPECT_TRUE(admit_anonymous("tiles").allowed);
  Admission a = admit_anonymous("tiles");
  EXPECT_EQ(a.status, 429);
  EXPECT_EQ(a.code, "rate-limited");
  EXPECT_EQ(a.retry_after_s, 0.5);
  EXPECT_TRUE(admit_anonymous("tiles", "192.0.2.10").allowed);  // another client goes on
  EXPECT_EQ(admit_anonymous("tiles").code, "rate-limited");
  Admission b = admit_anonymous("tiles");  // the third rejection in the window bans
  EXPECT_EQ(b.code, "banned");
  EXPECT_EQ(b.retry_after_s, 300.0);
  auto stored = store_->list_bans(now_);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].dimension, "ip");
  EXPECT_EQ(stored[0].value, "192.0.2.9");
  EXPECT_EQ(stored[0].until, Instant::from_seconds(kStart + 300));
  EXPECT_EQ(stored[0].reason, "rate-limit");
  auto ban_events = events("ban");
  ASSERT_EQ(ban_events.size(), 1u);
  EXPECT_EQ(ban_events[0].actor, "system");
  EXPECT_EQ(ban_events[0].target, "192.0.2.9");
  EXPECT_EQ(ban_events[0].detail, R"({"dimension":"ip","seconds":300,"reason":"rate-limit"})");
  advance(10);
  Admission c = admit_anonymous("api");  // a ban holds on every class
  EXPECT_EQ(c.code, "banned");
  EXPECT_EQ(c.retry_after_s, 290.0);
  SecurityCounters counters = svc_->counters();
  EXPECT_EQ(counters.rate_limited_by_dimension.at("ip"), 4);
  EXPECT_EQ(counters.active_bans, 1);

  start(s);  // the ban survives a restart
  EXPECT_EQ(admit_anonymous("api").code, "banned");
  advance(290);
  EXPECT_TRUE(admit_anonymous("api").allowed);
}

TEST_F(SecurityTest, AdminBansAndUnbans) {
  start();
  Principal admin = root();
  EXPECT_EQ(error_code([&] { svc_->ban(admin, "planet", "x", 60, "", ""); }), "invalid-dimension");
  EXPECT_EQ(error_code([&] { svc_->ban(admin, "ip", "not-an-ip", 60, "", ""); }), "invalid-value");
  EXPECT_EQ(error_code([&] { svc_->ban(admin, "ip", "192.0.2.1", 0, "", ""); }), "invalid-seconds");
  svc_->ban(admin, "ip", "::ffff:192.0.2.50", 600, "scraper", "192.0.2.1");
  Admission a = admit_anonymous("tiles", "192.0.2.50");
  EXPECT_EQ(a.code, "banned");
  EXPECT_EQ(a.retry_after_s, 600.0);
  auto list = svc_->bans();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].value, "192.0.2.50");
  EXPECT_EQ(list[0].reason, "scraper");
  EXPECT_EQ(error_code([&] { svc_->ban(admin, "referer", "https:///", 60, "", ""); }),
            "invalid-value");
  svc_->ban(admin, "referer", "https://Evil.example.com/page", 60, "", "");
  EXPECT_EQ(admit_key_less_referer("https://evil.example.com/x").code, "banned");
  svc_->unban(admin, "referer", "evil.example.com", "");
  EXPECT_TRUE(admit_key_less_referer("https://evil.example.com/x").allowed);
  svc_->ban(admin, "user", "alice", 60, "", "");
  svc_->unban(admin, "ip", "192.0.2.50", "192.0.2.1");
  EXPECT_TRUE(admit_anonymous("tiles", "192.0.2.50").allowed);
  EXPECT_EQ(svc_->bans().size(), 1u);
  auto b = events("ban");
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[0].actor, "root");
  EXPECT_EQ(b[0].detail, R"({"dimension":"ip","seconds":600,"reason":"scraper"})");
  auto u = events("unban");
  ASSERT_EQ(u.size(), 2u);
  EXPECT_EQ(u[0].target, "evil.example.com");
  EXPECT_EQ(u[1].target, "192.0.2.50");
}

// ---- quotas and usage ------------------------------------------------------------------------

TEST_F(SecurityTest, QuotaRunsOutAndResetsNextDay) {
  start();
  Principal alice = add_user("alice");
  KeySpec spec;
  spec.quotas = {{"tiles", 3}};
  CreatedKey k = svc_->create_key(alice, spec, "");
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(admit_key(k.secret).allowed) << i;
  Admission a = admit_key(k.secret);
  EXPECT_FALSE(a.allowed);
  EXPECT_EQ(a.status, 429);
  EXPECT_EQ(a.code, "quota-exceeded");
  EXPECT_EQ(a.retry_after_s, kToMidnight);
  EXPECT_TRUE(admit_key(k.secret, "features").allowed);  // no quota there
  advance(3600);
  EXPECT_EQ(admit_key(k.secret).retry_after_s, kToMidnight - 3600);
  auto u = svc_->key_usage(alice, k.record.id, "", "");
  ASSERT_EQ(u.size(), 2u);
  EXPECT_EQ(u[0].service, "features");
  EXPECT_EQ(u[0].count, 1);
  EXPECT_EQ(u[1].service, "tiles");
  EXPECT_EQ(u[1].count, 3);
  EXPECT_EQ(u[1].denied, 2);
  EXPECT_EQ(svc_->counters().key_denied_by_reason.at("quota-exceeded"), 2);
  EXPECT_EQ(events("key-denied").size(), 2u);  // the denials were an hour apart
  advance(kToMidnight - 3600 - 1);             // 15:59:59Z: still today
  EXPECT_EQ(admit_key(k.secret).code, "quota-exceeded");
  EXPECT_EQ(events("key-denied").size(), 3u);
  advance(1);  // midnight in Shanghai
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(admit_key(k.secret).allowed) << i;
  EXPECT_EQ(admit_key(k.secret).code, "quota-exceeded");
  svc_->flush_usage();
  auto rows = store_->usage(k.record.id, kToday, kTomorrow);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].day, kToday);
  EXPECT_EQ(rows[0].service, "features");
  EXPECT_EQ(rows[1].day, kToday);
  EXPECT_EQ(rows[1].count, 3);
  EXPECT_EQ(rows[1].denied, 3);
  EXPECT_EQ(rows[2].day, kTomorrow);
  EXPECT_EQ(rows[2].count, 3);
  EXPECT_EQ(rows[2].denied, 1);
}

TEST_F(SecurityTest, QuotaZeroRefusesEverything) {
  start();
  Principal alice = add_user("alice");
  KeySpec spec;
  spec.quotas = {{"maps", 0}};
  CreatedKey k = svc_->create_key(alice, spec, "");
  EXPECT_EQ(admit_key(k.secret, "maps").code, "quota-exceeded");
}

TEST_F(SecurityTest, CountsSurviveARestart) {
  start();
  Principal alice = add_user("alice");
  KeySpec spec;
  spec.quotas = {{"tiles", 5}};
  CreatedKey k = svc_->create_key(alice, spec, "");
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(admit_key(k.secret).allowed);
  EXPECT_TRUE(store_->usage(k.record.id, "", "").empty());  // not flushed yet
  start();                                                  // the old service flushes as it goes
  auto rows = store_->usage(k.record.id, "", "");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].count, 3);
  EXPECT_TRUE(admit_key(k.secret).allowed);
  EXPECT_TRUE(admit_key(k.secret).allowed);
  EXPECT_EQ(admit_key(k.secret).code, "quota-exceeded");
  advance(kToMidnight);
  start();  // a restart on the next day starts from zero
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(admit_key(k.secret).allowed) << i;
  EXPECT_EQ(admit_key(k.secret).code, "quota-exceeded");
}

TEST_F(SecurityTest, UsageFlushesOnItsOwnAndMergesUnflushed) {
  SecuritySettings s = base_settings();
  s.usage_flush_s = 10;
  start(s);
  Principal alice = add_user("alice");
  Principal admin = root();
  CreatedKey k = svc_->create_key(alice, KeySpec{}, "");
  EXPECT_TRUE(admit_key(k.secret, "search").allowed);
  EXPECT_TRUE(admit_key(k.secret, "search").allowed);
  EXPECT_TRUE(store_->usage(k.record.id, "", "").empty());
  auto merged = svc_->key_usage(alice, k.record.id, kToday, kToday);
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].count, 2);
  EXPECT_EQ(store_->find_key(k.record.id)->last_used, Instant{});
  advance(10);
  EXPECT_TRUE(admit_key(k.secret, "search").allowed);  // this admit flushes what came before
  auto rows = store_->usage(k.record.id, "", "");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].count, 2);
  EXPECT_EQ(store_->find_key(k.record.id)->last_used, now_);
  merged = svc_->key_usage(alice, k.record.id, "", "");
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].count, 3);
  auto all = svc_->all_usage(admin, kToday, "");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].key_id, k.record.id);
  EXPECT_EQ(all[0].count, 3);
  EXPECT_TRUE(svc_->all_usage(admin, kTomorrow, "").empty());
  EXPECT_EQ(error_code([&] { svc_->all_usage(admin, "2026-1-1", ""); }), "invalid-day");
}

// ---- visibility ------------------------------------------------------------------------------

TEST_F(SecurityTest, GrantsDecideRestrictedReads) {
  start();
  Principal alice = add_user("alice", Role::publisher);
  Principal bob = add_user("bob");
  Principal carol = add_user("carol");
  const Principal anon;
  EXPECT_TRUE(svc_->can_read(anon, "d1", "public", "alice"));
  EXPECT_FALSE(svc_->can_read(anon, "d1", "registered", "alice"));
  EXPECT_TRUE(svc_->can_read(bob, "d1", "registered", "alice"));
  EXPECT_FALSE(svc_->can_read(bob, "d1", "restricted", "alice"));
  EXPECT_FALSE(svc_->can_read(bob, "d1", "nonsense", "alice"));  // unknown: strictest
  EXPECT_TRUE(svc_->can_read(alice, "d1", "private", "alice"));

  svc_->set_grants(alice, "d1", {{"", "user", "bob"}}, "192.0.2.1");
  EXPECT_TRUE(svc_->can_read(bob, "d1", "restricted", "alice"));
  EXPECT_FALSE(svc_->can_read(carol, "d1", "restricted", "alice"));
  EXPECT_FALSE(svc_->can_read(bob, "d1", "private", "alice"));
  svc_->set_grants(alice, "d1", {{"", "user", "carol"}}, "");  // the cache follows
  EXPECT_FALSE(svc_->can_read(bob, "d1", "restricted", "alice"));
  EXPECT_TRUE(svc_->can_read(carol, "d1", "restricted", "alice"));
  auto g = svc_->grants("d1");
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].dataset_id, "d1");
  EXPECT_EQ(g[0].grantee, "carol");

  CreatedKey k = svc_->create_key(bob, KeySpec{}, "");
  svc_->set_grants(alice, "d1", {{"d1", "key", k.record.id}}, "");
  Principal via_key = admit_key(k.secret).principal;
  EXPECT_TRUE(svc_->can_read(via_key, "d1", "restricted", "alice"));
  EXPECT_FALSE(svc_->can_read(bob, "d1", "restricted", "alice"));  // bob's session: no key

  EXPECT_EQ(error_code([&] {
              svc_->set_grants(alice, "d1", {{"", "team", "x"}}, "");
            }),
            "invalid-grant");
  svc_->forget_dataset("d1");
  EXPECT_TRUE(svc_->grants("d1").empty());
  EXPECT_FALSE(svc_->can_read(via_key, "d1", "restricted", "alice"));
  EXPECT_EQ(events("grants-change").size(), 3u);
  EXPECT_EQ(events("grants-change")[0].detail, R"({"grants":1})");

  EXPECT_TRUE(svc_->can_write(alice, "d1", "public", "alice"));
  EXPECT_FALSE(svc_->can_write(bob, "d1", "public", "alice"));
}

TEST_F(SecurityTest, AuditAppendAndQuery) {
  start();
  Principal admin = root();
  svc_->audit("root", "dataset-delete", "d9", "192.0.2.1", "ok", R"({"version":3})");
  storage::AuditQuery q;
  q.action = "dataset-delete";
  auto ev = svc_->audit_log(admin, q);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].at, now_);
  EXPECT_EQ(ev[0].target, "d9");
  EXPECT_EQ(ev[0].detail, R"({"version":3})");
}

// ---- the hot path and concurrency -----------------------------------------------------------

TEST_F(SecurityTest, AdmitIsServedFromMemory) {
  start();
  Principal alice = add_user("alice");
  CreatedKey k = svc_->create_key(alice, KeySpec{}, "");
  LoginResult r = svc_->login("alice", kPw, "");
  admit_session(r.session_token);
  admit_key(k.secret);
  admit_key("unknown-key");
  svc_->can_read(alice, "d1", "restricted", "bob");
  const int sessions = counting_->find_session_calls, users = counting_->find_user_calls,
            keys = counting_->find_key_calls, grants = counting_->grants_calls;
  const SecurityCounters before = svc_->counters();
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(admit_session(r.session_token).principal.user, "alice");
    EXPECT_EQ(admit_key(k.secret).principal.key_id, k.record.id);
    EXPECT_EQ(admit_key("unknown-key").code, "invalid-key");
    EXPECT_FALSE(svc_->can_read(alice, "d1", "restricted", "bob"));
    EXPECT_TRUE(svc_->can_read(alice, "d2", "public", "bob"));  // no grants needed
  }
  EXPECT_EQ(counting_->find_session_calls, sessions);
  // Every lookup of the loop came from memory, and the metrics' cache counters say so.
  const SecurityCounters c = svc_->counters();
  for (const char* cache : {"sessions", "keys", "grants"})
    EXPECT_EQ(c.cache_misses.at(cache), before.cache_misses.at(cache)) << cache;
  EXPECT_GE(c.cache_hits.at("sessions") - before.cache_hits.at("sessions"), 200);
  EXPECT_GE(c.cache_hits.at("keys") - before.cache_hits.at("keys"), 400);  // good and unknown
  EXPECT_GE(c.cache_hits.at("grants") - before.cache_hits.at("grants"), 200);
  EXPECT_EQ(counting_->find_user_calls, users);
  EXPECT_EQ(counting_->find_key_calls, keys);
  EXPECT_EQ(counting_->grants_calls, grants);
  EXPECT_EQ(counting_->save_session_calls, 2);  // the two logins; no last_seen write yet
  advance(30);                                  // entries are trusted 30 s, then read again once
  admit_session(r.session_token);
  admit_session(r.session_token);
  EXPECT_EQ(counting_->find_session_calls, sessions + 1);
  EXPECT_EQ(counting_->save_session_calls, 2);
  advance(30);  // a minute after login: last_seen is written once
  admit_session(r.session_token);
  admit_session(r.session_token);
  EXPECT_EQ(counting_->save_session_calls, 3);
}

TEST_F(SecurityTest, ConcurrentAdmitsKeepTheQuotaExact) {
  start();
  Principal alice = add_user("alice");
  KeySpec spec;
  spec.quotas = {{"tiles", 100}};
  CreatedKey k = svc_->create_key(alice, spec, "");
  std::atomic<int> allowed{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 40; ++i) {
        Admission a = admit_key(k.secret);
        ++(a.allowed ? allowed : refused);
      }
    });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(allowed, 100);
  EXPECT_EQ(refused, 220);
  auto u = svc_->key_usage(alice, k.record.id, "", "");
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0].count, 100);
  EXPECT_EQ(u[0].denied, 220);
}

TEST_F(SecurityTest, ParallelGuessesCannotOutrunTheLockout) {
  SecuritySettings s = base_settings();
  s.lockout_after = 3;
  start(s);
  add_user("alice");
  std::atomic<int> invalid{0}, locked{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      const std::string code = error_code([&] { svc_->login("alice", "guess password", ""); });
      ++(code == "account-locked" ? locked : invalid);
    });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(invalid, 3);
  EXPECT_EQ(locked, 5);
  EXPECT_EQ(store_->find_user("alice")->failed_logins, 3);
}

}  // namespace
}  // namespace shikong::security
