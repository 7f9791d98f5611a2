// `shikong user` and `shikong key` on a temporary data directory: what they store, what they
// print (the key secret once, on stdout alone) and what they refuse.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "app/cli/commands.hpp"
#include "app/platform.hpp"
#include "core/error.hpp"
#include "security/crypto.hpp"
#include "storage/accounts.hpp"

namespace shikong::app {
namespace {

namespace fs = std::filesystem;

class AccountsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("shikong_accounts_cli_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs one command; returns its standard output.
  std::string run(std::vector<std::string> args) {
    CommandLine cl;
    cl.config.data_dir = dir_;
    cl.config.password_cost = "test";
    const std::string command = args.front();
    cl.args.assign(args.begin() + 1, args.end());
    ::testing::internal::CaptureStdout();
    int rc = -1;
    try {
      rc = command == "user" ? run_user(cl) : run_key(cl);
    } catch (...) {
      ::testing::internal::GetCapturedStdout();
      throw;
    }
    EXPECT_EQ(rc, 0);
    return ::testing::internal::GetCapturedStdout();
  }

  std::unique_ptr<storage::AccountStore> store() {
    return storage::open_sqlite_account_store(dir_);
  }

  fs::path dir_;
};

TEST_F(AccountsCli, UserAddListPasswdDelete) {
  EXPECT_EQ(run({"user", "add", "root", "--admin", "--password", "root-password-1"}), "");
  EXPECT_EQ(run({"user", "add", "lin", "--role", "publisher", "--password", "lin-password-1",
                 "--group", "survey", "--group", "maps", "--email", "lin@example.org"}),
            "");
  {
    auto s = store();
    auto root = s->find_user("root");
    ASSERT_TRUE(root);
    EXPECT_EQ(root->role, "admin");
    auto lin = s->find_user("lin");
    ASSERT_TRUE(lin);
    EXPECT_EQ(lin->role, "publisher");
    EXPECT_EQ(lin->groups, (std::vector<std::string>{"maps", "survey"}));  // kept sorted
    EXPECT_EQ(lin->email, "lin@example.org");
    EXPECT_TRUE(security::verify_password(lin->password_hash, "lin-password-1"));
    // The operator at the terminal is the actor of the audit log.
    storage::AuditQuery q;
    q.action = "user-create";
    auto events = s->audit(q);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[1].actor, "cli");
    EXPECT_EQ(events[1].target, "lin");
  }
  std::string list = run({"user", "list"});
  EXPECT_NE(list.find("lin"), std::string::npos);
  EXPECT_NE(list.find("publisher"), std::string::npos);
  EXPECT_NE(list.find("maps,survey"), std::string::npos);
  EXPECT_EQ(list.find("password"), std::string::npos);
  EXPECT_EQ(list.find("$argon2id"), std::string::npos);

  EXPECT_EQ(run({"user", "passwd", "lin", "--password", "lin-password-2"}), "");
  {
    auto lin = store()->find_user("lin");
    EXPECT_TRUE(security::verify_password(lin->password_hash, "lin-password-2"));
    EXPECT_FALSE(security::verify_password(lin->password_hash, "lin-password-1"));
  }
  EXPECT_EQ(run({"user", "delete", "lin"}), "");
  EXPECT_FALSE(store()->find_user("lin"));
}

TEST_F(AccountsCli, KeyAddPrintsTheSecretOnceAndListNever) {
  run({"user", "add", "lin", "--role", "publisher", "--password", "lin-password-1"});
  std::string out = run({"key", "add", "--user", "lin", "--name", "web map", "--referer",
                         "*.example.org", "--referer", "maps.example.com", "--ip", "10.0.0.0/8",
                         "--quota", "tiles=1000", "--quota", "features=50"});
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.back(), '\n');
  const std::string secret = out.substr(0, out.size() - 1);
  EXPECT_EQ(secret.find('\n'), std::string::npos);

  auto keys = store()->list_keys("lin");
  ASSERT_EQ(keys.size(), 1u);
  const auto& k = keys[0];
  EXPECT_EQ(k.key_hash, security::sha256_hex(secret));
  EXPECT_EQ(k.name, "web map");
  EXPECT_EQ(k.referers, (std::vector<std::string>{"*.example.org", "maps.example.com"}));
  EXPECT_EQ(k.ips, (std::vector<std::string>{"10.0.0.0/8"}));
  EXPECT_EQ(k.quotas, (std::map<std::string, std::int64_t>{{"features", 50}, {"tiles", 1000}}));

  std::string list = run({"key", "list", "--user", "lin"});
  EXPECT_NE(list.find(k.id), std::string::npos);
  EXPECT_NE(list.find("tiles=1000"), std::string::npos);
  EXPECT_EQ(list.find(secret), std::string::npos);
  EXPECT_EQ(run({"key", "list", "--user", "someone-else"}).find(k.id), std::string::npos);
}

TEST_F(AccountsCli, RefusesWhatItCannotDo) {
  auto parameter_of = [&](std::vector<std::string> args) -> std::string {
    try {
      run(std::move(args));
    } catch (const Error& e) {
      return e.parameter();
    }
    return "(accepted)";
  };
  EXPECT_EQ(parameter_of({"user", "add", "x1y", "--admin", "--role", "user", "--password",
                          "pw-long-enough"}),
            "--role");
  EXPECT_EQ(
      parameter_of({"user", "add", "x1y", "--role", "emperor", "--password", "pw-long-enough"}),
      "--role");
  EXPECT_EQ(parameter_of({"user", "add", "--password", "pw-long-enough"}), "NAME");
  EXPECT_EQ(parameter_of({"user", "frob"}), "user");
  EXPECT_EQ(parameter_of({"key", "add", "--name", "n"}), "--user");
  run({"user", "add", "lin", "--password", "lin-password-1"});
  EXPECT_EQ(parameter_of({"key", "add", "--user", "lin", "--quota", "tiles"}), "--quota");
  EXPECT_EQ(parameter_of({"key", "add", "--user", "lin", "--quota", "tiles=-1"}), "--quota");
  EXPECT_EQ(parameter_of({"key", "add", "--user", "lin", "--expires", "someday"}), "--expires");
  EXPECT_THROW(run({"user", "add", "lin", "--password", "lin-password-1"}), Conflict);
  EXPECT_THROW(run({"user", "add", "weak", "--password", "short"}), InvalidInput);
  EXPECT_TRUE(store()->list_keys("lin").empty());
}

}  // namespace
}  // namespace shikong::app
