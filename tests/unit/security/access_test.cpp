// Tests of security/access: names of roles and levels, and the full table of who may read and
// write what (principals x access levels x grants).
#include "security/access.hpp"

#include <gtest/gtest.h>

namespace shikong::security {
namespace {

Principal make(std::string user, Role role, AuthMethod method, std::vector<std::string> groups = {},
               std::string key_id = {}) {
  Principal p;
  p.user = std::move(user);
  p.role = role;
  p.method = method;
  p.groups = std::move(groups);
  p.key_id = std::move(key_id);
  return p;
}

Resource res(AccessLevel level, std::vector<Grant> grants = {}, std::string owner = "pub") {
  return Resource{level, std::move(owner), std::move(grants)};
}

// One row: the principal and what it may read, as "public registered [restricted with no
// grant, a grant to user alice, to group hydro, to key k1] private" in 0/1, then can_write.
struct Row {
  const char* name;
  Principal p;
  const char* read;  // 7 characters: P R n u g k V
  bool write;
};

}  // namespace

TEST(Access, Names) {
  for (Role r : {Role::user, Role::publisher, Role::reviewer, Role::admin}) {
    EXPECT_EQ(role_from_string(to_string(r)), r);
  }
  EXPECT_EQ(to_string(Role::anonymous), "anonymous");
  EXPECT_EQ(to_string(Role::reviewer), "reviewer");
  EXPECT_FALSE(role_from_string("anonymous"));
  EXPECT_FALSE(role_from_string("Admin"));
  EXPECT_FALSE(role_from_string(""));
  EXPECT_FALSE(role_from_string("admin "));

  EXPECT_EQ(to_string(AccessLevel::public_), "public");
  EXPECT_EQ(to_string(AccessLevel::registered), "registered");
  EXPECT_EQ(to_string(AccessLevel::restricted), "restricted");
  EXPECT_EQ(to_string(AccessLevel::private_), "private");
  for (auto a : {AccessLevel::public_, AccessLevel::registered, AccessLevel::restricted,
                 AccessLevel::private_})
    EXPECT_EQ(access_level_from_string(to_string(a)), a);
  EXPECT_FALSE(access_level_from_string("public_"));
  EXPECT_FALSE(access_level_from_string("Private"));
  EXPECT_FALSE(access_level_from_string(""));
}

TEST(Access, RolesAreOrdered) {
  Principal p = make("r", Role::reviewer, AuthMethod::session);
  EXPECT_TRUE(p.has_role(Role::user));
  EXPECT_TRUE(p.has_role(Role::publisher));
  EXPECT_TRUE(p.has_role(Role::reviewer));
  EXPECT_FALSE(p.has_role(Role::admin));
  EXPECT_TRUE(Principal{}.has_role(Role::anonymous));
  EXPECT_FALSE(Principal{}.has_role(Role::user));
}

TEST(Access, Actor) {
  EXPECT_EQ(Principal{}.actor(), "anonymous");
  EXPECT_EQ(make("alice", Role::user, AuthMethod::session).actor(), "alice");
  EXPECT_EQ(make("bob", Role::user, AuthMethod::key, {}, "k1").actor(), "bob");
  EXPECT_FALSE(Principal{}.authenticated());
  EXPECT_TRUE(make("bob", Role::user, AuthMethod::key, {}, "k1").authenticated());
}

TEST(Access, Table) {
  const std::vector<Row> rows = {
      {"anonymous", Principal{}, "1000000", false},
      {"user", make("alice", Role::user, AuthMethod::session), "1101000", false},
      {"user in group", make("carol", Role::user, AuthMethod::session, {"staff", "hydro"}),
       "1100100", false},
      {"key holder", make("bob", Role::user, AuthMethod::key, {}, "k1"), "1100010", false},
      {"key holder with another key", make("bob", Role::user, AuthMethod::key, {}, "k2"), "1100000",
       false},
      {"key owner by session", make("bob", Role::user, AuthMethod::session), "1100000", false},
      // A key id left on a session principal is not "the key presented".
      {"session with stray key id", make("bob", Role::user, AuthMethod::session, {}, "k1"),
       "1100000", false},
      {"key holder in group", make("dave", Role::user, AuthMethod::key, {"hydro"}, "k2"), "1100100",
       false},
      {"publisher owner", make("pub", Role::publisher, AuthMethod::session), "1111111", true},
      {"publisher owner by key", make("pub", Role::publisher, AuthMethod::key, {}, "k9"), "1111111",
       true},
      {"reviewer owner", make("pub", Role::reviewer, AuthMethod::session), "1111111", true},
      {"demoted owner", make("pub", Role::user, AuthMethod::session), "1111111", false},
      {"other publisher", make("pub2", Role::publisher, AuthMethod::session), "1100000", false},
      {"reviewer", make("rev", Role::reviewer, AuthMethod::session), "1100000", false},
      {"admin", make("adm", Role::admin, AuthMethod::session), "1111111", true},
      {"admin by key", make("adm", Role::admin, AuthMethod::key, {}, "k7"), "1111111", true},
      // Half-filled principals get no more than anonymous.
      {"role without method", make("adm", Role::admin, AuthMethod::none), "1000000", false},
      {"owner name without method", make("pub", Role::publisher, AuthMethod::none), "1000000",
       false},
      {"method without user", make("", Role::admin, AuthMethod::session, {"hydro"}, "k1"),
       "1000000", false},
  };
  const std::vector<std::vector<Grant>> restricted_grants = {
      {},
      {{Grant::Kind::user, "alice"}},
      {{Grant::Kind::group, "hydro"}},
      {{Grant::Kind::key, "k1"}},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    std::string got;
    got += can_read(row.p, res(AccessLevel::public_)) ? '1' : '0';
    got += can_read(row.p, res(AccessLevel::registered)) ? '1' : '0';
    for (const auto& g : restricted_grants)
      got += can_read(row.p, res(AccessLevel::restricted, g)) ? '1' : '0';
    got += can_read(row.p, res(AccessLevel::private_)) ? '1' : '0';
    EXPECT_EQ(got, row.read);
    // Writing does not depend on the level or grants.
    for (auto level : {AccessLevel::public_, AccessLevel::registered, AccessLevel::restricted,
                       AccessLevel::private_})
      EXPECT_EQ(can_write(row.p, res(level, {{Grant::Kind::user, row.p.user}})), row.write);
  }
}

TEST(Access, GrantKindsDoNotMix) {
  const Principal alice = make("alice", Role::user, AuthMethod::session, {"hydro"});
  // A group named like the user, a user grant named like the group, a key grant named like
  // the user: none of them is this principal's grant.
  EXPECT_FALSE(can_read(alice, res(AccessLevel::restricted, {{Grant::Kind::group, "alice"}})));
  EXPECT_FALSE(can_read(alice, res(AccessLevel::restricted, {{Grant::Kind::user, "hydro"}})));
  EXPECT_FALSE(can_read(alice, res(AccessLevel::restricted, {{Grant::Kind::key, "alice"}})));
  // Names compare exactly.
  EXPECT_FALSE(can_read(alice, res(AccessLevel::restricted, {{Grant::Kind::user, "Alice"}})));
  EXPECT_FALSE(can_read(alice, res(AccessLevel::restricted, {{Grant::Kind::group, "Hydro"}})));
  // Grants do not open private resources.
  EXPECT_FALSE(can_read(alice, res(AccessLevel::private_, {{Grant::Kind::user, "alice"}})));
  // One matching grant among several is enough.
  EXPECT_TRUE(can_read(alice, res(AccessLevel::restricted,
                                  {{Grant::Kind::user, "zed"}, {Grant::Kind::group, "hydro"}})));
}

TEST(Access, EmptyNamesNeverMatch) {
  // An ownerless resource is not owned by a principal without a name, nor by empty grants.
  const Principal anon;
  const Resource ownerless = res(AccessLevel::private_, {}, "");
  EXPECT_FALSE(can_read(anon, ownerless));
  EXPECT_FALSE(can_write(anon, ownerless));
  const Resource empty_grants =
      res(AccessLevel::restricted,
          {{Grant::Kind::user, ""}, {Grant::Kind::group, ""}, {Grant::Kind::key, ""}}, "");
  EXPECT_FALSE(can_read(anon, empty_grants));
  const Principal keyless = make("bob", Role::user, AuthMethod::key, {""}, "");
  EXPECT_FALSE(can_read(keyless, empty_grants));
  EXPECT_FALSE(can_read(keyless, ownerless));
  const Principal admin = make("adm", Role::admin, AuthMethod::session);
  EXPECT_TRUE(can_read(admin, ownerless));
  EXPECT_TRUE(can_write(admin, ownerless));
}

}  // namespace shikong::security
