// Who is calling and what they may see: roles, principals, access levels, and the one
// visibility rule every read path applies (SECURITY rule 7: invisible objects answer 404).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shikong::security {

// Ordered: a higher role has every right of the lower ones.
enum class Role { anonymous = 0, user = 1, publisher = 2, reviewer = 3, admin = 4 };
std::string_view to_string(Role r);
std::optional<Role> role_from_string(std::string_view s);  // user|publisher|reviewer|admin

enum class AccessLevel { public_, registered, restricted, private_ };
std::string_view to_string(AccessLevel a);  // "public", "registered", "restricted", "private"
std::optional<AccessLevel> access_level_from_string(std::string_view s);

enum class AuthMethod { none, session, key };

struct Principal {
  std::string user;  // empty for anonymous (and for nothing else: a key acts for its owner)
  Role role = Role::anonymous;
  std::vector<std::string> groups;
  AuthMethod method = AuthMethod::none;
  std::string key_id;        // set when a key was presented and accepted
  std::string session_hash;  // set for a session (SHA-256 of the cookie)
  std::string csrf_token;    // the session's CSRF token

  bool authenticated() const { return method != AuthMethod::none; }
  bool has_role(Role r) const { return role >= r; }
  // For the audit log: the user name, or "anonymous".
  std::string actor() const;
};

struct Grant {
  enum class Kind { user, group, key } kind;
  std::string grantee;
};

// What the rule needs to know of a dataset or record.
struct Resource {
  AccessLevel access = AccessLevel::public_;
  std::string owner;
  std::vector<Grant> grants;  // used for restricted resources
};

// public: everyone; registered: any authenticated principal (session or key); restricted: the
// owner, admins, and principals matching a grant (user name, one of their groups, or the key
// id presented); private: the owner and admins.
bool can_read(const Principal& p, const Resource& r);
// Changing data, metadata, access or grants: the owner (publisher or above) and admins.
bool can_write(const Principal& p, const Resource& r);

}  // namespace shikong::security
