// Role and access-level names, and the visibility and write rules every path applies.
#include "security/access.hpp"

#include <algorithm>

namespace shikong::security {

std::string_view to_string(Role r) {
  switch (r) {
    case Role::anonymous:
      return "anonymous";
    case Role::user:
      return "user";
    case Role::publisher:
      return "publisher";
    case Role::reviewer:
      return "reviewer";
    case Role::admin:
      return "admin";
  }
  return "anonymous";
}

// "anonymous" is not a role anyone can be given, so it is not read back.
std::optional<Role> role_from_string(std::string_view s) {
  if (s == "user") return Role::user;
  if (s == "publisher") return Role::publisher;
  if (s == "reviewer") return Role::reviewer;
  if (s == "admin") return Role::admin;
  return std::nullopt;
}

std::string_view to_string(AccessLevel a) {
  switch (a) {
    case AccessLevel::public_:
      return "public";
    case AccessLevel::registered:
      return "registered";
    case AccessLevel::restricted:
      return "restricted";
    case AccessLevel::private_:
      return "private";
  }
  return "private";
}

std::optional<AccessLevel> access_level_from_string(std::string_view s) {
  if (s == "public") return AccessLevel::public_;
  if (s == "registered") return AccessLevel::registered;
  if (s == "restricted") return AccessLevel::restricted;
  if (s == "private") return AccessLevel::private_;
  return std::nullopt;
}

std::string Principal::actor() const {
  return user.empty() ? std::string("anonymous") : user;
}

namespace {

// Rights beyond "public" need a principal that authenticated and has a name: a half-filled
// Principal (a role or key id without a method, or a method without a user) gets nothing, and
// empty names never match an empty owner or grantee.
bool identified(const Principal& p) {
  return p.authenticated() && !p.user.empty();
}

bool is_owner(const Principal& p, const Resource& r) {
  return identified(p) && !r.owner.empty() && p.user == r.owner;
}

bool is_admin(const Principal& p) {
  return identified(p) && p.has_role(Role::admin);
}

bool granted(const Principal& p, const Resource& r) {
  return std::any_of(r.grants.begin(), r.grants.end(), [&](const Grant& g) {
    if (g.grantee.empty()) return false;
    switch (g.kind) {
      case Grant::Kind::user:
        return g.grantee == p.user;
      case Grant::Kind::group:
        return std::find(p.groups.begin(), p.groups.end(), g.grantee) != p.groups.end();
      case Grant::Kind::key:
        // Only the key actually presented with this request.
        return p.method == AuthMethod::key && g.grantee == p.key_id;
    }
    return false;
  });
}

}  // namespace

bool can_read(const Principal& p, const Resource& r) {
  switch (r.access) {
    case AccessLevel::public_:
      return true;
    case AccessLevel::registered:
      return identified(p);
    case AccessLevel::restricted:
      return identified(p) && (is_owner(p, r) || is_admin(p) || granted(p, r));
    case AccessLevel::private_:
      return is_owner(p, r) || is_admin(p);
  }
  return false;
}

bool can_write(const Principal& p, const Resource& r) {
  return is_admin(p) || (is_owner(p, r) && p.has_role(Role::publisher));
}

}  // namespace shikong::security
