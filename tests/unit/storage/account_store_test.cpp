// The embedded AccountStore against real files: round trips of every record, conflicts and
// not-found errors, cascades, usage upserts, ban expiry, audit paging, reopening and concurrency.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <thread>

#include "core/error.hpp"
#include "storage/accounts.hpp"
#include "storage/sqlite/sqlite_db.hpp"

namespace shikong::storage {
namespace {

namespace fs = std::filesystem;

// The code of the error of type E that `f` throws, or a marker when it throws none.
template <typename E, typename F>
std::string error_code(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.code();
  }
  return "(no error)";
}

UserRecord alice() {
  UserRecord u;
  u.name = "alice";
  u.display_name = "Alice \"Al\" Liddell";
  u.email = "alice@example.org";
  u.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";
  u.role = "publisher";
  u.groups = {"survey", "back\\slash", "quote\"d",
              "新疆",   "tab\there",   std::string("nul\0byte", 8)};
  u.disabled = true;
  u.failed_logins = 3;
  u.locked_until = Instant{1'764'000'000'123'456};
  u.created = Instant{1'700'000'000'000'001};
  u.updated = Instant{1'700'000'000'000'002};
  u.last_login = Instant{1'700'000'000'000'003};
  return u;
}

UserRecord user(std::string name) {
  UserRecord u;
  u.name = std::move(name);
  u.password_hash = "$argon2id$x";
  u.created = Instant{10};
  u.updated = Instant{11};
  return u;
}

ApiKeyRecord key(std::string id, std::string owner) {
  ApiKeyRecord k;
  k.key_hash = "hash-" + id;
  k.id = std::move(id);
  k.owner = std::move(owner);
  k.name = "app";
  k.created = Instant{20};
  k.updated = Instant{21};
  return k;
}

ApiKeyRecord full_key() {
  ApiKeyRecord k;
  k.id = "k0123456789ab";
  k.key_hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  k.owner = "alice";
  k.name = "Field \"map\" app";
  k.referers = {"https://*.example.org/*", "http://localhost:8080"};
  k.ips = {"192.0.2.0/24", "2001:db8::1"};
  k.quotas = {{"tiles", 100000}, {"features", 5000}, {"geocoding", 0}, {"big", 9'000'000'000'000}};
  k.expires = Instant{1'800'000'000'000'000};
  k.disabled = true;
  k.created = Instant{1'700'000'000'000'010};
  k.updated = Instant{1'700'000'000'000'011};
  k.last_used = Instant{1'700'000'000'000'012};
  return k;
}

void expect_same(const UserRecord& a, const UserRecord& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.display_name, b.display_name);
  EXPECT_EQ(a.email, b.email);
  EXPECT_EQ(a.password_hash, b.password_hash);
  EXPECT_EQ(a.role, b.role);
  EXPECT_EQ(a.groups, b.groups);
  EXPECT_EQ(a.disabled, b.disabled);
  EXPECT_EQ(a.failed_logins, b.failed_logins);
  EXPECT_EQ(a.locked_until, b.locked_until);
  EXPECT_EQ(a.created, b.created);
  EXPECT_EQ(a.updated, b.updated);
  EXPECT_EQ(a.last_login, b.last_login);
}

void expect_same(const ApiKeyRecord& a, const ApiKeyRecord& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.key_hash, b.key_hash);
  EXPECT_EQ(a.owner, b.owner);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.referers, b.referers);
  EXPECT_EQ(a.ips, b.ips);
  EXPECT_EQ(a.quotas, b.quotas);
  EXPECT_EQ(a.expires, b.expires);
  EXPECT_EQ(a.disabled, b.disabled);
  EXPECT_EQ(a.created, b.created);
  EXPECT_EQ(a.updated, b.updated);
  EXPECT_EQ(a.last_used, b.last_used);
}

std::vector<std::string> names(const std::vector<UserRecord>& v) {
  std::vector<std::string> out;
  for (const auto& u : v) out.push_back(u.name);
  return out;
}

std::vector<std::string> ids(const std::vector<ApiKeyRecord>& v) {
  std::vector<std::string> out;
  for (const auto& k : v) out.push_back(k.id);
  return out;
}

// "key/day/service=count/denied" for compact, exact comparisons.
std::vector<std::string> rows(const std::vector<UsageRow>& v) {
  std::vector<std::string> out;
  for (const auto& u : v)
    out.push_back(u.key_id + "/" + u.day + "/" + u.service + "=" + std::to_string(u.count) + "/" +
                  std::to_string(u.denied));
  return out;
}

std::vector<std::string> grant_list(const std::vector<GrantRecord>& v) {
  std::vector<std::string> out;
  for (const auto& g : v) out.push_back(g.dataset_id + ":" + g.kind + ":" + g.grantee);
  return out;
}

std::vector<std::int64_t> seqs(const std::vector<AuditEvent>& v) {
  std::vector<std::int64_t> out;
  for (const auto& e : v) out.push_back(e.seq);
  return out;
}

class AccountStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/shikong-accounts-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    store_ = open_sqlite_account_store(dir_);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  void reopen() {
    store_.reset();
    store_ = open_sqlite_account_store(dir_);
  }
  fs::path db_path() const { return dir_ / "security.sqlite"; }

  fs::path dir_;
  std::unique_ptr<AccountStore> store_;
};

TEST_F(AccountStoreTest, CreatesAPrivateWalFileWithItsSchemaVersion) {
  struct stat st {};
  ASSERT_EQ(::stat(db_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  sqlite::Db db(db_path(), sqlite::OpenMode::read_write_create);
  EXPECT_EQ(db.query_int("PRAGMA user_version"), 1);
  sqlite::Stmt s = db.prepare("PRAGMA journal_mode");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.col_text(0), "wal");
}

TEST_F(AccountStoreTest, TightensAFileLeftReadableByOthers) {
  store_->create_user(user("x"));
  store_.reset();
  ASSERT_EQ(::chmod(db_path().c_str(), 0644), 0);
  reopen();
  struct stat st {};
  ASSERT_EQ(::stat(db_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_EQ(store_->count_users(), 1);
}

TEST_F(AccountStoreTest, CreatesTheDataDirectoryWhenMissing) {
  auto nested = dir_ / "a" / "b";
  auto other = open_sqlite_account_store(nested);
  other->create_user(user("x"));
  EXPECT_TRUE(fs::exists(nested / "security.sqlite"));
  EXPECT_EQ(other->count_users(), 1);
}

TEST_F(AccountStoreTest, RefusesAFileFromANewerSchema) {
  store_.reset();
  {
    sqlite::Db db(db_path(), sqlite::OpenMode::read_write_create);
    db.exec("PRAGMA user_version = 2");
  }
  EXPECT_EQ(error_code<Unavailable>([&] { open_sqlite_account_store(dir_); }),
            "security-store-too-new");
}

// ---- users

TEST_F(AccountStoreTest, UserRoundTripsEveryField) {
  store_->create_user(alice());
  auto got = store_->find_user("alice");
  ASSERT_TRUE(got.has_value());
  expect_same(*got, alice());
  EXPECT_FALSE(store_->find_user("Alice").has_value());  // case-sensitive
  EXPECT_FALSE(store_->find_user("").has_value());
}

TEST_F(AccountStoreTest, DefaultUserRoundTripsWithEmptyGroups) {
  store_->create_user(user("bob"));
  auto got = store_->find_user("bob");
  ASSERT_TRUE(got.has_value());
  expect_same(*got, user("bob"));
  EXPECT_EQ(got->role, "user");
  EXPECT_TRUE(got->groups.empty());
  EXPECT_EQ(got->last_login, Instant{0});
}

TEST_F(AccountStoreTest, NamesAreBoundNotEvaluated) {
  UserRecord u = user("o'brien\"; DROP TABLE users; --");
  store_->create_user(u);
  store_->create_user(user("x' OR '1'='1"));
  EXPECT_EQ(store_->count_users(), 2);
  ASSERT_TRUE(store_->find_user("o'brien\"; DROP TABLE users; --").has_value());
  EXPECT_FALSE(store_->find_user("' OR '1'='1").has_value());
}

TEST_F(AccountStoreTest, CreatingAnExistingUserConflictsAndKeepsTheFirst) {
  store_->create_user(alice());
  UserRecord again = user("alice");
  EXPECT_EQ(error_code<Conflict>([&] { store_->create_user(again); }), "user-exists");
  expect_same(*store_->find_user("alice"), alice());
  EXPECT_EQ(store_->count_users(), 1);
}

TEST_F(AccountStoreTest, UpdateReplacesEveryField) {
  store_->create_user(user("alice"));
  store_->update_user(alice());
  expect_same(*store_->find_user("alice"), alice());

  UserRecord plain = user("alice");
  plain.groups = {};
  store_->update_user(plain);
  expect_same(*store_->find_user("alice"), plain);
}

TEST_F(AccountStoreTest, UpdateOrDeleteOfAnUnknownUserIsNotFound) {
  store_->create_user(user("bob"));
  EXPECT_EQ(error_code<NotFound>([&] { store_->update_user(alice()); }), "user-not-found");
  EXPECT_EQ(error_code<NotFound>([&] { store_->delete_user("alice"); }), "user-not-found");
  EXPECT_FALSE(store_->find_user("alice").has_value());
  EXPECT_EQ(store_->count_users(), 1);
}

TEST_F(AccountStoreTest, ListsUsersByNameAndCountsThem) {
  EXPECT_EQ(store_->count_users(), 0);
  EXPECT_TRUE(store_->list_users().empty());
  for (const char* n : {"carol", "Bob", "alice", "bob"}) store_->create_user(user(n));
  EXPECT_EQ(names(store_->list_users()),
            (std::vector<std::string>{"Bob", "alice", "bob", "carol"}));
  EXPECT_EQ(store_->count_users(), 4);
  store_->delete_user("bob");
  EXPECT_EQ(names(store_->list_users()), (std::vector<std::string>{"Bob", "alice", "carol"}));
  EXPECT_EQ(store_->count_users(), 3);
}

TEST_F(AccountStoreTest, DeletingAUserRemovesItsSessionsKeysAndGrants) {
  store_->create_user(user("alice"));
  store_->create_user(user("bob"));
  store_->save_session(SessionRecord{"s-alice", "alice", "c1", "192.0.2.1", {}, Instant{99}, {}});
  store_->save_session(SessionRecord{"s-bob", "bob", "c2", "192.0.2.2", {}, Instant{99}, {}});
  store_->create_key(key("ka", "alice"));
  store_->create_key(key("kb", "bob"));
  store_->set_grants("d1", {{"d1", "user", "alice"},
                            {"d1", "user", "bob"},
                            {"d1", "group", "alice"},
                            {"d1", "key", "ka"},
                            {"d1", "key", "kb"}});
  store_->set_grants("d2", {{"d2", "user", "alice"}});
  store_->add_usage({{"ka", "tiles", "2026-11-25", 5, 1}});

  store_->delete_user("alice");

  EXPECT_FALSE(store_->find_user("alice").has_value());
  EXPECT_FALSE(store_->find_session("s-alice").has_value());
  EXPECT_TRUE(store_->find_session("s-bob").has_value());
  EXPECT_EQ(ids(store_->list_keys()), std::vector<std::string>{"kb"});
  EXPECT_FALSE(store_->find_key_by_hash("hash-ka").has_value());
  // A group that happens to share the name is not the user; usage is accounting and stays.
  EXPECT_EQ(grant_list(store_->grants("d1")),
            (std::vector<std::string>{"d1:group:alice", "d1:key:kb", "d1:user:bob"}));
  EXPECT_TRUE(store_->grants("d2").empty());
  EXPECT_EQ(rows(store_->usage("ka", "", "")), std::vector<std::string>{"ka/2026-11-25/tiles=5/1"});
}

// ---- sessions

TEST_F(AccountStoreTest, SessionRoundTripsAndIsReplacedByHash) {
  SessionRecord s{"a1b2",       "alice",      "csrf-1",    "2001:db8::7",
                  Instant{100}, Instant{200}, Instant{150}};
  store_->save_session(s);
  auto got = store_->find_session("a1b2");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->token_hash, "a1b2");
  EXPECT_EQ(got->user, "alice");
  EXPECT_EQ(got->csrf_token, "csrf-1");
  EXPECT_EQ(got->ip, "2001:db8::7");
  EXPECT_EQ(got->created, Instant{100});
  EXPECT_EQ(got->expires, Instant{200});
  EXPECT_EQ(got->last_seen, Instant{150});

  s.last_seen = Instant{180};
  s.expires = Instant{500};
  store_->save_session(s);
  got = store_->find_session("a1b2");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->last_seen, Instant{180});
  EXPECT_EQ(got->expires, Instant{500});
  EXPECT_EQ(got->created, Instant{100});
}

TEST_F(AccountStoreTest, SessionsAreDeletedOneByUserOrWhenExpired) {
  store_->save_session({"s1", "alice", "c", "ip", {}, Instant{100}, {}});
  store_->save_session({"s2", "alice", "c", "ip", {}, Instant{300}, {}});
  store_->save_session({"s3", "bob", "c", "ip", {}, Instant{101}, {}});
  store_->save_session({"s4", "bob", "c", "ip", {}, Instant{500}, {}});

  store_->delete_session("nope");  // absent: no error
  store_->delete_session("s2");
  EXPECT_FALSE(store_->find_session("s2").has_value());

  // Expires at exactly `now` counts as expired.
  store_->delete_expired_sessions(Instant{100});
  EXPECT_FALSE(store_->find_session("s1").has_value());
  EXPECT_TRUE(store_->find_session("s3").has_value());
  EXPECT_TRUE(store_->find_session("s4").has_value());

  store_->delete_sessions_of("bob");
  EXPECT_FALSE(store_->find_session("s3").has_value());
  EXPECT_FALSE(store_->find_session("s4").has_value());
  store_->delete_sessions_of("nobody");
}

// ---- keys

TEST_F(AccountStoreTest, KeyRoundTripsEveryFieldByIdAndByHash) {
  store_->create_key(full_key());
  auto by_id = store_->find_key("k0123456789ab");
  ASSERT_TRUE(by_id.has_value());
  expect_same(*by_id, full_key());
  auto by_hash = store_->find_key_by_hash(full_key().key_hash);
  ASSERT_TRUE(by_hash.has_value());
  expect_same(*by_hash, full_key());
  EXPECT_FALSE(store_->find_key("k0").has_value());
  EXPECT_FALSE(store_->find_key_by_hash("k0123456789ab").has_value());
}

TEST_F(AccountStoreTest, KeyWithoutExpiryOrListsRoundTrips) {
  ApiKeyRecord k = key("k1", "bob");
  store_->create_key(k);
  auto got = store_->find_key("k1");
  ASSERT_TRUE(got.has_value());
  expect_same(*got, k);
  EXPECT_FALSE(got->expires.has_value());
  EXPECT_TRUE(got->quotas.empty());
  sqlite::Db db(db_path(), sqlite::OpenMode::read_write_create);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM api_keys WHERE id = 'k1' AND expires IS NULL"), 1);
}

TEST_F(AccountStoreTest, DuplicateKeyIdOrHashConflicts) {
  store_->create_key(key("k1", "alice"));
  ApiKeyRecord same_id = key("k1", "bob");
  same_id.key_hash = "other";
  EXPECT_EQ(error_code<Conflict>([&] { store_->create_key(same_id); }), "key-exists");
  ApiKeyRecord same_hash = key("k2", "bob");
  same_hash.key_hash = "hash-k1";
  EXPECT_EQ(error_code<Conflict>([&] { store_->create_key(same_hash); }), "key-exists");
  EXPECT_EQ(ids(store_->list_keys()), std::vector<std::string>{"k1"});
  EXPECT_EQ(store_->find_key("k1")->owner, "alice");
}

TEST_F(AccountStoreTest, UpdateKeyReplacesFieldsButNotHashOrOwner) {
  store_->create_key(key("k0123456789ab", "alice"));
  ApiKeyRecord changed = full_key();
  changed.key_hash = "attempted-new-hash";
  changed.owner = "mallory";
  store_->update_key(changed);

  ApiKeyRecord want = full_key();
  want.key_hash = "hash-k0123456789ab";
  want.owner = "alice";
  expect_same(*store_->find_key("k0123456789ab"), want);
  EXPECT_FALSE(store_->find_key_by_hash("attempted-new-hash").has_value());

  // Clearing the expiry stores NULL again.
  changed.expires.reset();
  changed.quotas.clear();
  store_->update_key(changed);
  auto got = store_->find_key("k0123456789ab");
  EXPECT_FALSE(got->expires.has_value());
  EXPECT_TRUE(got->quotas.empty());
}

TEST_F(AccountStoreTest, UpdateOrDeleteOfAnUnknownKeyIsNotFound) {
  EXPECT_EQ(error_code<NotFound>([&] { store_->update_key(full_key()); }), "key-not-found");
  EXPECT_EQ(error_code<NotFound>([&] { store_->delete_key("k0123456789ab"); }), "key-not-found");
  EXPECT_TRUE(store_->list_keys().empty());
}

TEST_F(AccountStoreTest, ListsKeysByIdOptionallyOfOneOwner) {
  store_->create_key(key("k3", "alice"));
  store_->create_key(key("k1", "bob"));
  store_->create_key(key("k2", "alice"));
  EXPECT_EQ(ids(store_->list_keys()), (std::vector<std::string>{"k1", "k2", "k3"}));
  EXPECT_EQ(ids(store_->list_keys("alice")), (std::vector<std::string>{"k2", "k3"}));
  EXPECT_EQ(ids(store_->list_keys("bob")), std::vector<std::string>{"k1"});
  EXPECT_TRUE(store_->list_keys("carol").empty());
}

TEST_F(AccountStoreTest, DeletingAKeyRemovesItsGrantsAndKeepsItsUsage) {
  store_->create_key(key("k1", "alice"));
  store_->create_key(key("k2", "alice"));
  store_->set_grants("d1", {{"d1", "key", "k1"}, {"d1", "key", "k2"}, {"d1", "user", "k1"}});
  store_->add_usage({{"k1", "tiles", "2026-11-24", 7, 2}, {"k2", "maps", "2026-11-24", 1, 0}});

  store_->delete_key("k1");

  EXPECT_FALSE(store_->find_key("k1").has_value());
  EXPECT_TRUE(store_->find_key("k2").has_value());
  EXPECT_EQ(grant_list(store_->grants("d1")),
            (std::vector<std::string>{"d1:key:k2", "d1:user:k1"}));
  EXPECT_EQ(rows(store_->usage("k1", "", "")), std::vector<std::string>{"k1/2026-11-24/tiles=7/2"});
  // The id is free again.
  store_->create_key(key("k1", "bob"));
  EXPECT_EQ(store_->find_key("k1")->owner, "bob");
}

// ---- usage

TEST_F(AccountStoreTest, UsageAddsAcrossCallsAndWithinOneCall) {
  store_->add_usage({{"k1", "tiles", "2026-11-25", 10, 1}, {"k1", "maps", "2026-11-25", 2, 0}});
  store_->add_usage({{"k1", "tiles", "2026-11-25", 5, 3},
                     {"k1", "tiles", "2026-11-25", 1, 0},
                     {"k2", "tiles", "2026-11-25", 4, 4}});
  store_->add_usage({});
  EXPECT_EQ(rows(store_->usage("", "", "")),
            (std::vector<std::string>{"k1/2026-11-25/maps=2/0", "k1/2026-11-25/tiles=16/4",
                                      "k2/2026-11-25/tiles=4/4"}));
}

TEST_F(AccountStoreTest, UsageFiltersByKeyAndInclusiveDayRangeOrderedByDayKeyService) {
  store_->add_usage({{"k2", "tiles", "2026-11-23", 1, 0},
                     {"k1", "tiles", "2026-11-23", 2, 0},
                     {"k1", "api", "2026-11-24", 3, 0},
                     {"k2", "api", "2026-11-25", 4, 0},
                     {"k1", "search", "2026-11-25", 5, 0},
                     {"k1", "api", "2026-11-26", 6, 0}});
  EXPECT_EQ(rows(store_->usage("", "", "")),
            (std::vector<std::string>{"k1/2026-11-23/tiles=2/0", "k2/2026-11-23/tiles=1/0",
                                      "k1/2026-11-24/api=3/0", "k1/2026-11-25/search=5/0",
                                      "k2/2026-11-25/api=4/0", "k1/2026-11-26/api=6/0"}));
  EXPECT_EQ(rows(store_->usage("k1", "2026-11-24", "2026-11-25")),
            (std::vector<std::string>{"k1/2026-11-24/api=3/0", "k1/2026-11-25/search=5/0"}));
  EXPECT_EQ(rows(store_->usage("", "2026-11-25", "")),
            (std::vector<std::string>{"k1/2026-11-25/search=5/0", "k2/2026-11-25/api=4/0",
                                      "k1/2026-11-26/api=6/0"}));
  EXPECT_EQ(rows(store_->usage("", "", "2026-11-23")),
            (std::vector<std::string>{"k1/2026-11-23/tiles=2/0", "k2/2026-11-23/tiles=1/0"}));
  EXPECT_EQ(rows(store_->usage("k2", "", "")),
            (std::vector<std::string>{"k2/2026-11-23/tiles=1/0", "k2/2026-11-25/api=4/0"}));
  EXPECT_TRUE(store_->usage("k3", "", "").empty());
  EXPECT_TRUE(store_->usage("", "2026-11-27", "").empty());
  EXPECT_TRUE(store_->usage("", "2026-11-25", "2026-11-24").empty());
}

TEST_F(AccountStoreTest, ConcurrentUsageFromFourThreadsSumsExactly) {
  constexpr int kThreads = 4;
  constexpr int kCalls = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        store_->add_usage({{"k1", "tiles", "2026-11-25", 1, 0},
                           {"k1", "maps", "2026-11-25", t + 1, 1},
                           {"k" + std::to_string(t), "api", "2026-11-25", 2, 0}});
        if (i % 50 == 0) store_->usage("k1", "", "");
      }
    });
  }
  for (auto& th : threads) th.join();
  // maps: 200 * (1 + 2 + 3 + 4) = 2000 admitted, 800 denied.
  EXPECT_EQ(rows(store_->usage("", "", "")),
            (std::vector<std::string>{"k0/2026-11-25/api=400/0", "k1/2026-11-25/api=400/0",
                                      "k1/2026-11-25/maps=2000/800", "k1/2026-11-25/tiles=800/0",
                                      "k2/2026-11-25/api=400/0", "k3/2026-11-25/api=400/0"}));
}

TEST_F(AccountStoreTest, ConcurrentAuditAppendsGetDistinctConsecutiveSeqs) {
  constexpr int kThreads = 4;
  constexpr int kEach = 100;
  std::vector<std::vector<std::int64_t>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      AuditEvent e;
      e.actor = "t" + std::to_string(t);
      e.action = "login";
      for (int i = 0; i < kEach; ++i) got[t].push_back(store_->append_audit(e));
    });
  }
  for (auto& th : threads) th.join();
  std::vector<std::int64_t> all;
  for (const auto& v : got) {
    EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
    all.insert(all.end(), v.begin(), v.end());
  }
  std::sort(all.begin(), all.end());
  std::vector<std::int64_t> want(kThreads * kEach);
  std::iota(want.begin(), want.end(), 1);
  EXPECT_EQ(all, want);
  AuditQuery q;
  q.actor = "t2";
  q.limit = -1;
  EXPECT_EQ(seqs(store_->audit(q)), got[2]);
}

// ---- grants

TEST_F(AccountStoreTest, SetGrantsReplacesTheDatasetsGrants) {
  store_->set_grants("d1", {{"d1", "user", "bob"}, {"d1", "group", "survey"}});
  store_->set_grants("d2", {{"d2", "key", "k1"}});
  EXPECT_EQ(grant_list(store_->grants("d1")),
            (std::vector<std::string>{"d1:group:survey", "d1:user:bob"}));

  // Duplicates collapse; the dataset named by the call is the one stored.
  store_->set_grants("d1", {{"d1", "user", "carol"}, {"d1", "user", "carol"}, {"dX", "key", "k9"}});
  EXPECT_EQ(grant_list(store_->grants("d1")),
            (std::vector<std::string>{"d1:key:k9", "d1:user:carol"}));
  EXPECT_TRUE(store_->grants("dX").empty());
  EXPECT_EQ(grant_list(store_->grants("d2")), std::vector<std::string>{"d2:key:k1"});

  store_->set_grants("d1", {});
  EXPECT_TRUE(store_->grants("d1").empty());
  store_->delete_grants("d2");
  EXPECT_TRUE(store_->grants("d2").empty());
  store_->delete_grants("never-granted");
}

// ---- bans

TEST_F(AccountStoreTest, ListsOnlyBansThatHaveNotExpired) {
  store_->save_ban({"ip", "192.0.2.9", Instant{1000}, "flood", Instant{10}});
  store_->save_ban({"key", "k1", Instant{2000}, "abuse", Instant{20}});
  store_->save_ban({"cookie", "abc", Instant{999}, "flood", Instant{30}});

  auto bans = store_->list_bans(Instant{999});  // until > now: 999 has just ended
  ASSERT_EQ(bans.size(), 2u);
  EXPECT_EQ(bans[0].dimension, "ip");
  EXPECT_EQ(bans[0].value, "192.0.2.9");
  EXPECT_EQ(bans[0].until, Instant{1000});
  EXPECT_EQ(bans[0].reason, "flood");
  EXPECT_EQ(bans[0].created, Instant{10});
  EXPECT_EQ(bans[1].dimension, "key");
  EXPECT_EQ(bans[1].value, "k1");
  EXPECT_EQ(bans[1].until, Instant{2000});
  EXPECT_EQ(bans[1].reason, "abuse");
  EXPECT_EQ(bans[1].created, Instant{20});

  ASSERT_EQ(store_->list_bans(Instant{1000}).size(), 1u);
  EXPECT_TRUE(store_->list_bans(Instant{2000}).empty());
  EXPECT_EQ(store_->list_bans(Instant{0}).size(), 3u);
}

TEST_F(AccountStoreTest, BanIsReplacedByDimensionAndValueAndDeleted) {
  store_->save_ban({"ip", "192.0.2.9", Instant{1000}, "flood", Instant{10}});
  store_->save_ban({"user", "192.0.2.9", Instant{1000}, "same value, other dimension", {}});
  store_->save_ban({"ip", "192.0.2.9", Instant{5000}, "again", Instant{40}});
  auto bans = store_->list_bans(Instant{0});
  ASSERT_EQ(bans.size(), 2u);
  EXPECT_EQ(bans[0].until, Instant{5000});
  EXPECT_EQ(bans[0].reason, "again");
  EXPECT_EQ(bans[0].created, Instant{40});

  store_->delete_ban("ip", "192.0.2.9");
  bans = store_->list_bans(Instant{0});
  ASSERT_EQ(bans.size(), 1u);
  EXPECT_EQ(bans[0].dimension, "user");
  store_->delete_ban("ip", "192.0.2.9");  // absent: no error
}

// ---- services

TEST_F(AccountStoreTest, ServicesAreSetAndListedByName) {
  EXPECT_TRUE(store_->services().empty());
  store_->set_service({"tiles", false, Instant{5}});
  store_->set_service({"features", true, Instant{6}});
  store_->set_service({"tiles", true, Instant{7}});
  auto s = store_->services();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].service, "features");
  EXPECT_TRUE(s[0].enabled);
  EXPECT_EQ(s[0].updated, Instant{6});
  EXPECT_EQ(s[1].service, "tiles");
  EXPECT_TRUE(s[1].enabled);
  EXPECT_EQ(s[1].updated, Instant{7});
  store_->set_service({"tiles", false, Instant{8}});
  EXPECT_FALSE(store_->services()[1].enabled);
}

// ---- audit

class AuditTest : public AccountStoreTest {
 protected:
  void SetUp() override {
    AccountStoreTest::SetUp();
    // seq 1..6
    add(100, "alice", "login", "alice");
    add(200, "bob", "login-failed", "bob");
    add(300, "alice", "key-create", "k1");
    add(400, "admin", "role-change", "bob");
    add(500, "alice", "login", "alice");
    add(600, "key:k1", "key-denied", "k1");
  }
  void add(std::int64_t at, std::string actor, std::string action, std::string target) {
    AuditEvent e;
    e.at = Instant{at};
    e.actor = std::move(actor);
    e.action = std::move(action);
    e.target = std::move(target);
    e.ip = "192.0.2.1";
    e.outcome = "ok";
    e.detail = "{\"n\":1}";
    store_->append_audit(e);
  }
  std::vector<std::int64_t> query(AuditQuery q) { return seqs(store_->audit(q)); }
};

TEST_F(AuditTest, AppendReturnsIncreasingSeqAndRoundTrips) {
  AuditEvent e;
  e.at = Instant{1'764'000'000'000'001};
  e.actor = "anonymous";
  e.action = "register";
  e.target = "zoe";
  e.ip = "2001:db8::1";
  e.outcome = "failed";
  e.detail = "{\"reason\":\"weak \\\"password\\\"\"}";
  EXPECT_EQ(store_->append_audit(e), 7);
  EXPECT_EQ(store_->append_audit(e), 8);
  AuditQuery q;
  q.after_seq = 6;
  auto got = store_->audit(q);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].seq, 7);
  EXPECT_EQ(got[0].at, e.at);
  EXPECT_EQ(got[0].actor, "anonymous");
  EXPECT_EQ(got[0].action, "register");
  EXPECT_EQ(got[0].target, "zoe");
  EXPECT_EQ(got[0].ip, "2001:db8::1");
  EXPECT_EQ(got[0].outcome, "failed");
  EXPECT_EQ(got[0].detail, e.detail);
  EXPECT_EQ(got[1].seq, 8);
}

TEST_F(AuditTest, PagesWithAfterSeqAndLimit) {
  AuditQuery q;
  q.limit = 4;
  EXPECT_EQ(query(q), (std::vector<std::int64_t>{1, 2, 3, 4}));
  q.after_seq = 4;
  EXPECT_EQ(query(q), (std::vector<std::int64_t>{5, 6}));
  q.after_seq = 6;
  EXPECT_TRUE(query(q).empty());
  q.after_seq = 0;
  q.limit = -1;
  EXPECT_EQ(query(q), (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6}));
  q.limit = 0;
  EXPECT_TRUE(query(q).empty());
  EXPECT_EQ(query(AuditQuery{}), (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6}));  // default 100
}

TEST_F(AuditTest, FiltersByTimeActorActionAndTarget) {
  AuditQuery q;
  q.from = Instant{200};
  q.to = Instant{500};  // at >= from, at < to
  EXPECT_EQ(query(q), (std::vector<std::int64_t>{2, 3, 4}));

  q = {};
  q.actor = "alice";
  EXPECT_EQ(query(q), (std::vector<std::int64_t>{1, 3, 5}));
  q.action = "login";
  EXPECT_EQ(query(q), (std::vector<std::int64_t>{1, 5}));
  q.after_seq = 1;
  EXPECT_EQ(query(q), std::vector<std::int64_t>{5});

  q = {};
  q.target = "k1";
  EXPECT_EQ(query(q), (std::vector<std::int64_t>{3, 6}));
  q.target = "bob";
  q.from = Instant{300};
  EXPECT_EQ(query(q), std::vector<std::int64_t>{4});
  q.actor = "nobody";
  EXPECT_TRUE(query(q).empty());
}

TEST_F(AuditTest, TheLogRefusesUpdatesAndDeletesEvenFromRawSql) {
  sqlite::Db db(db_path(), sqlite::OpenMode::read_write_create);
  db.exec("PRAGMA busy_timeout = 5000");
  EXPECT_EQ(error_code<InternalError>([&] { db.exec("DELETE FROM audit"); }), "storage-exec");
  EXPECT_EQ(error_code<InternalError>([&] { db.exec("UPDATE audit SET actor = 'x'"); }),
            "storage-exec");
  EXPECT_EQ(query(AuditQuery{}).size(), 6u);
  EXPECT_EQ(store_->audit(AuditQuery{})[0].actor, "alice");
}

// ---- durability and corruption

TEST_F(AccountStoreTest, ReopenedStoreFindsEverythingAgain) {
  store_->create_user(alice());
  store_->create_key(full_key());
  store_->save_session({"tok", "alice", "csrf", "192.0.2.5", Instant{1}, Instant{2}, Instant{3}});
  store_->add_usage({{"k0123456789ab", "tiles", "2026-11-25", 3, 1}});
  store_->set_grants("d1", {{"d1", "user", "alice"}});
  store_->save_ban({"ip", "192.0.2.66", Instant{900}, "flood", Instant{9}});
  store_->set_service({"maps", false, Instant{4}});
  AuditEvent e;
  e.at = Instant{77};
  e.actor = "admin";
  e.action = "ban";
  e.target = "192.0.2.66";
  e.outcome = "ok";
  e.detail = "{}";
  EXPECT_EQ(store_->append_audit(e), 1);

  reopen();

  expect_same(*store_->find_user("alice"), alice());
  expect_same(*store_->find_key_by_hash(full_key().key_hash), full_key());
  auto s = store_->find_session("tok");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->csrf_token, "csrf");
  EXPECT_EQ(s->last_seen, Instant{3});
  EXPECT_EQ(rows(store_->usage("", "", "")),
            std::vector<std::string>{"k0123456789ab/2026-11-25/tiles=3/1"});
  EXPECT_EQ(grant_list(store_->grants("d1")), std::vector<std::string>{"d1:user:alice"});
  auto bans = store_->list_bans(Instant{0});
  ASSERT_EQ(bans.size(), 1u);
  EXPECT_EQ(bans[0].value, "192.0.2.66");
  auto services = store_->services();
  ASSERT_EQ(services.size(), 1u);
  EXPECT_FALSE(services[0].enabled);
  auto events = store_->audit(AuditQuery{});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].target, "192.0.2.66");
  // The sequence continues after a reopen.
  EXPECT_EQ(store_->append_audit(e), 2);
}

TEST_F(AccountStoreTest, UnreadableListFieldIsAnInternalErrorWithOurCode) {
  store_->create_user(alice());
  store_->create_key(full_key());
  {
    sqlite::Db db(db_path(), sqlite::OpenMode::read_write_create);
    db.exec("PRAGMA busy_timeout = 5000");
    db.exec("UPDATE users SET groups_json = '{\"not\": \"a list\"}'");
    db.exec("UPDATE api_keys SET quotas_json = '{\"tiles\": \"lots\"}'");
  }
  EXPECT_EQ(error_code<InternalError>([&] { store_->find_user("alice"); }),
            "security-store-corrupt");
  EXPECT_EQ(error_code<InternalError>([&] { store_->list_keys(); }), "security-store-corrupt");
  // The store keeps working after the failure.
  store_->create_user(user("bob"));
  EXPECT_EQ(store_->count_users(), 2);
}

}  // namespace
}  // namespace shikong::storage
