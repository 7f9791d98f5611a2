// The security facade: the per-request gate (sessions, keys, registry, limits, quotas) over
// in-memory caches kept in step with our own writes, and the account, key, grant, ban and
// audit operations, each checking who may do it and writing its audit event.
#include "security/security.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <limits>
#include <mutex>
#include <set>
#include <tuple>
#include <unordered_map>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/net_address.hpp"
#include "core/utf8.hpp"
#include "security/key_rules.hpp"
#include "security/names.hpp"

namespace shikong::security {

namespace {

using storage::ApiKeyRecord;
using storage::SessionRecord;
using storage::UserRecord;

constexpr std::int64_t kSecond = 1'000'000;
// A cached session, user or key is trusted this long: another node's change (or a change made
// directly in the store) shows within it; our own changes drop the entry at once.
constexpr std::int64_t kCacheTtl = 30 * kSecond;
// Unknown tokens and keys are remembered briefly so a client repeating one costs no lookup.
constexpr std::int64_t kNegativeTtl = 10 * kSecond;
constexpr std::size_t kCacheMax = 50'000;
constexpr std::int64_t kLastSeenStep = 60 * kSecond;     // a session's last_seen write, at most
constexpr std::int64_t kDeniedAuditStep = 60 * kSecond;  // one key-denied event per key+reason
constexpr std::size_t kDeniedAuditMax = 10'000;
constexpr std::int64_t kSessionSweepStep = 3600 * kSecond;
constexpr std::size_t kMaxApiKeyLength = 256;
constexpr std::size_t kMaxListEntries = 64;  // referers, ips, groups
constexpr std::size_t kMaxGrants = 1000;
constexpr int kMaxBanSeconds = 366 * 86400;

constexpr std::size_t kServiceCount = std::size(registry_services);

Instant plus_seconds(Instant t, std::int64_t s) {
  return Instant{t.micros + s * kSecond};
}
double seconds_until(Instant now, Instant t) {
  return static_cast<double>(t.micros - now.micros) / 1e6;
}

int service_index(std::string_view s) {
  for (std::size_t i = 0; i < kServiceCount; ++i)
    if (registry_services[i] == s) return static_cast<int>(i);
  return -1;
}

// Usage is counted for the classes that do work for a key, not for the portal's static files.
bool usage_counted(std::string_view route_class) {
  return !route_class.empty() && route_class != "static" && route_class != "health";
}

UserRecord public_user(UserRecord u) {
  u.password_hash.clear();
  return u;
}
ApiKeyRecord public_key(ApiKeyRecord k) {
  k.key_hash.clear();
  return k;
}

Role role_of(const UserRecord& u) {
  return role_from_string(u.role).value_or(Role::user);
}

Principal principal_for(const UserRecord& u, AuthMethod method) {
  Principal p;
  p.user = u.name;
  p.role = role_of(u);
  p.groups = u.groups;
  p.method = method;
  return p;
}

// A short JSON object for an audit event's detail.
class Detail {
 public:
  Detail& str(std::string_view key, std::string_view value) {
    next(key);
    append_json_string(out_, value);
    return *this;
  }
  Detail& num(std::string_view key, std::int64_t value) {
    next(key);
    out_ += std::to_string(value);
    return *this;
  }
  Detail& boolean(std::string_view key, bool value) {
    next(key);
    out_ += value ? "true" : "false";
    return *this;
  }
  std::string done() const { return out_ + "}"; }

 private:
  void next(std::string_view key) {
    if (out_.size() > 1) out_.push_back(',');
    append_json_string(out_, key);
    out_.push_back(':');
  }
  std::string out_ = "{";
};

// Free text kept in records (display names, key names, reasons): well-formed UTF-8 without
// control characters, at most `max_bytes`.
bool plain_text(std::string_view s, std::size_t max_bytes) {
  if (s.size() > max_bytes) return false;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (b < 0x20 || b == 0x7F) return false;
      ++i;
    } else {
      const std::size_t len = utf8_sequence_length(s, i);
      if (len == 0) return false;
      i += len;
    }
  }
  return true;
}

void check_name(std::string_view name) {
  if (!valid_user_name(name))
    throw InvalidInput("invalid-name",
                       "A user name has 3 to 64 letters, digits, '.', '_' or '-' and is not "
                       "reserved.",
                       "name");
}

void check_display_name(std::string_view s) {
  if (!plain_text(s, 256))
    throw InvalidInput("invalid-display-name",
                       "A display name is at most 256 bytes of text without control characters.",
                       "display_name");
}

void check_email(std::string_view s) {
  if (s.empty()) return;
  const auto at = s.find('@');
  const bool ok = plain_text(s, 254) && at != std::string_view::npos && at > 0 &&
                  at + 1 < s.size() && s.find('@', at + 1) == std::string_view::npos &&
                  s.find(' ') == std::string_view::npos;
  if (!ok) throw InvalidInput("invalid-email", "The e-mail address is not valid.", "email");
}

std::vector<std::string> checked_groups(const std::vector<std::string>& groups) {
  if (groups.size() > kMaxListEntries)
    throw InvalidInput("invalid-groups", "A user has at most 64 groups.", "groups");
  for (const std::string& g : groups)
    if (!valid_group_name(g))
      throw InvalidInput("invalid-groups",
                         "A group name has 1 to 64 letters, digits, '.', '_' or '-'.", "groups");
  std::vector<std::string> out = groups;
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void check_role(Role r) {
  if (r == Role::anonymous)
    throw InvalidInput("invalid-role", "The role must be user, publisher, reviewer or admin.",
                       "role");
}

void check_day(std::string_view day, const char* parameter) {
  if (day.empty()) return;
  bool ok = day.size() == 10 && day[4] == '-' && day[7] == '-';
  for (std::size_t i = 0; ok && i < day.size(); ++i)
    if (i != 4 && i != 7) ok = day[i] >= '0' && day[i] <= '9';
  if (!ok) throw InvalidInput("invalid-day", "A day is written YYYY-MM-DD.", parameter);
}

void check_key_fields(const std::string* name, const std::vector<std::string>* referers,
                      const std::vector<std::string>* ips,
                      const std::map<std::string, std::int64_t>* quotas) {
  if (name != nullptr && !plain_text(*name, 200))
    throw InvalidInput("invalid-key-name",
                       "A key name is at most 200 bytes of text without control characters.",
                       "name");
  if (referers != nullptr) {
    if (referers->size() > kMaxListEntries)
      throw InvalidInput("invalid-referer-pattern", "A key has at most 64 Referer patterns.",
                         "referers");
    for (const std::string& r : *referers) validate_referer_pattern(r);
  }
  if (ips != nullptr) {
    if (ips->size() > kMaxListEntries)
      throw InvalidInput("invalid-ip-pattern", "A key has at most 64 IP patterns.", "ips");
    parse_ip_patterns(*ips);
  }
  if (quotas != nullptr) {
    for (const auto& [service, limit] : *quotas) {
      if (!is_quota_service(service))
        throw InvalidInput("invalid-quota",
                           "Quotas are for tiles, maps, features, downloads, search or geocoding.",
                           "quotas");
      if (limit < 0)
        throw InvalidInput("invalid-quota", "A quota is a number of requests, 0 or more.",
                           "quotas");
    }
  }
}

void require_signed_in(const Principal& p) {
  if (!p.authenticated())
    throw Unauthorized("unauthenticated", "Sign in or send an API key to do this.");
}

void require_admin(const Principal& p) {
  require_signed_in(p);
  if (!p.has_role(Role::admin)) throw Forbidden("forbidden", "Only an administrator can do this.");
}

// Entries that expire; a positive and a negative answer are both kept.
template <typename V>
class TtlCache {
 public:
  struct Entry {
    std::optional<V> value;
    Instant fetched;
  };
  const Entry* get(const std::string& key, Instant now) const {
    auto it = map_.find(key);
    if (it == map_.end()) return nullptr;
    const std::int64_t ttl = it->second.value ? kCacheTtl : kNegativeTtl;
    const std::int64_t age = now.micros - it->second.fetched.micros;
    if (age < 0 || age >= ttl) return nullptr;
    return &it->second;
  }
  void put(const std::string& key, std::optional<V> value, Instant now) {
    if (map_.size() >= kCacheMax) prune(now);
    map_[key] = Entry{std::move(value), now};
  }
  void erase(const std::string& key) { map_.erase(key); }
  template <typename Pred>
  void erase_if(Pred pred) {
    for (auto it = map_.begin(); it != map_.end();)
      it = pred(it->second) ? map_.erase(it) : std::next(it);
  }
  void clear() { map_.clear(); }

  std::int64_t hits = 0;    // lookups answered from memory (under the owner's cache lock)
  std::int64_t misses = 0;  // lookups that went to the store

 private:
  void prune(Instant now) {
    for (auto it = map_.begin(); it != map_.end();) {
      const std::int64_t ttl = it->second.value ? kCacheTtl : kNegativeTtl;
      const std::int64_t age = now.micros - it->second.fetched.micros;
      it = (age < 0 || age >= ttl) ? map_.erase(it) : std::next(it);
    }
    if (map_.size() >= kCacheMax) map_.clear();
  }
  std::unordered_map<std::string, Entry> map_;
};

// One key's requests for one service and day: `total` is what counts against the quota
// (stored rows plus what is pending); `pending_*` are not written to the store yet.
struct UsageCell {
  std::int64_t total = 0;
  std::int64_t pending_count = 0;
  std::int64_t pending_denied = 0;
};
using UsageId = std::tuple<std::string, std::string, std::string>;  // key id, service, day

// What checking a presented API key found: a refusal (code set) or the key and its owner.
struct KeyCheck {
  int status = 0;
  std::string code;
  std::string detail;
  std::optional<ApiKeyRecord> key;
  std::optional<UserRecord> owner;
};

}  // namespace

struct SecurityService::Impl {
  Impl(storage::AccountStore& s, const SecuritySettings& st, const Clock& c)
      : store(s), settings(st), clock(c), limiter(st.rate_limits, c) {}

  storage::AccountStore& store;
  const SecuritySettings& settings;
  const Clock& clock;
  RateLimiter limiter;

  // ---- caches (cache_mutex); `generation` moves on every invalidation, so a value read from
  // the store before an invalidation is not cached after it
  std::mutex cache_mutex;
  std::uint64_t generation = 0;
  TtlCache<SessionRecord> sessions;             // by token hash
  TtlCache<UserRecord> users;                   // by name
  TtlCache<ApiKeyRecord> keys;                  // by key hash
  TtlCache<std::vector<Grant>> dataset_grants;  // by dataset id

  // Session writes and deletions, so a last_seen update never brings back an ended session.
  std::mutex session_mutex;
  // Read-modify-write of one user's record (logins are serialised per user, so parallel
  // guesses cannot outrun the lockout), of key records, and of last-admin decisions.
  std::array<std::mutex, 64> user_locks;
  std::mutex admin_mutex;
  std::mutex key_mutex;

  // ---- service registry (lock-free: read on every request)
  std::array<std::atomic<bool>, kServiceCount> enabled{};
  std::array<std::atomic<std::int64_t>, kServiceCount> requests{}, errors{}, refused{};

  // ---- usage: usage_mutex for the cells; flush_mutex around a flush and merged reads
  std::mutex flush_mutex;
  std::mutex usage_mutex;
  std::map<UsageId, UsageCell> usage;
  std::set<std::string> loaded_days;
  std::string day;  // the day of [day_checked, day_end)
  Instant day_checked, day_end;
  std::atomic<std::int64_t> last_flush{0};

  // ---- counters and the key-denied audit dedupe
  std::mutex counters_mutex;
  SecurityCounters counts;
  std::unordered_map<std::string, Instant> denied_audited;

  std::once_flag dummy_once;
  std::string dummy_hash;  // verified for unknown users, so they take as long as known ones
  std::atomic<std::int64_t> last_session_sweep{0};

  std::mutex& user_lock(std::string_view name) {
    return user_locks[std::hash<std::string_view>{}(name) % user_locks.size()];
  }

  // ---- cache access

  template <typename V, typename Load>
  std::optional<V> cached(TtlCache<V>& cache, const std::string& key, Instant now, Load load) {
    std::uint64_t gen = 0;
    {
      std::lock_guard lock(cache_mutex);
      if (const auto* e = cache.get(key, now)) {
        ++cache.hits;
        return e->value;
      }
      ++cache.misses;
      gen = generation;
    }
    std::optional<V> value = load();
    std::lock_guard lock(cache_mutex);
    if (gen == generation) cache.put(key, value, now);
    return value;
  }

  std::optional<UserRecord> user(const std::string& name, Instant now) {
    return cached(users, name, now, [&] { return store.find_user(name); });
  }
  std::optional<SessionRecord> session(const std::string& hash, Instant now) {
    return cached(sessions, hash, now, [&] { return store.find_session(hash); });
  }
  std::optional<ApiKeyRecord> key_by_hash(const std::string& hash, Instant now) {
    return cached(keys, hash, now, [&] { return store.find_key_by_hash(hash); });
  }
  std::vector<Grant> grants_of(const std::string& dataset_id, Instant now) {
    auto g = cached(dataset_grants, dataset_id, now, [&] {
      std::vector<Grant> out;
      for (const storage::GrantRecord& r : store.grants(dataset_id)) {
        if (r.kind == "user") out.push_back(Grant{Grant::Kind::user, r.grantee});
        if (r.kind == "group") out.push_back(Grant{Grant::Kind::group, r.grantee});
        if (r.kind == "key") out.push_back(Grant{Grant::Kind::key, r.grantee});
      }
      return std::optional<std::vector<Grant>>(std::move(out));
    });
    return g ? std::move(*g) : std::vector<Grant>{};
  }

  template <typename F>
  void invalidate(F f) {
    std::lock_guard lock(cache_mutex);
    ++generation;
    f();
  }
  void forget_user(const std::string& name) {
    invalidate([&] { users.erase(name); });
  }

  void end_session(const std::string& hash) {
    std::lock_guard lock(session_mutex);
    store.delete_session(hash);
    invalidate([&] { sessions.erase(hash); });
  }
  void end_sessions_of(const std::string& name) {
    std::lock_guard lock(session_mutex);
    store.delete_sessions_of(name);
    invalidate([&] {
      sessions.erase_if([&](const auto& e) { return e.value && e.value->user == name; });
    });
  }
  // ---- audit

  // Events the engine writes itself: a failing audit write is logged, and does not undo or
  // fail what already happened.
  void record(std::string_view actor, std::string_view action, std::string_view target,
              std::string_view ip, std::string_view outcome, std::string detail = "{}") {
    storage::AuditEvent e;
    e.at = clock();
    e.actor = actor;
    e.action = action;
    e.target = target;
    e.ip = ip;
    e.outcome = outcome;
    e.detail = std::move(detail);
    try {
      store.append_audit(e);
    } catch (const std::exception& ex) {
      log::error("security: audit event {} for {} not written: {}", action, target, ex.what());
    }
  }

  // ---- sessions in the gate

  std::optional<Principal> resolve_session(const std::string& token, Instant now) {
    const std::string hash = sha256_hex(token);
    std::optional<SessionRecord> s = session(hash, now);
    if (!s) return std::nullopt;
    if (now >= s->expires) {
      end_session(hash);
      return std::nullopt;
    }
    // 0 or less: no idle timeout, only the absolute one.
    const std::int64_t idle = settings.session_idle_s > 0
                                  ? static_cast<std::int64_t>(settings.session_idle_s) * kSecond
                                  : std::numeric_limits<std::int64_t>::max();
    if (now.micros - s->last_seen.micros >= idle) {
      // The cached copy may be behind a last_seen written elsewhere: the store decides, under
      // the session lock so that a logout meanwhile is not undone by caching what we read.
      std::lock_guard lock(session_mutex);
      s = store.find_session(hash);
      if (!s || now >= s->expires || now.micros - s->last_seen.micros >= idle) {
        store.delete_session(hash);
        invalidate([&] { sessions.erase(hash); });
        return std::nullopt;
      }
      std::lock_guard cache_lock(cache_mutex);
      sessions.put(hash, s, now);
    }
    std::optional<UserRecord> u = user(s->user, now);
    if (!u || u->disabled) {
      end_session(hash);
      return std::nullopt;
    }
    if (now.micros - s->last_seen.micros >= kLastSeenStep) touch_session(hash, now);
    Principal p = principal_for(*u, AuthMethod::session);
    p.session_hash = hash;
    p.csrf_token = s->csrf_token;
    return p;
  }

  void touch_session(const std::string& hash, Instant now) {
    std::lock_guard lock(session_mutex);
    // Re-read under the lock: a logout since our read must not be undone by this write.
    std::optional<SessionRecord> s = store.find_session(hash);
    if (!s) {
      invalidate([&] { sessions.erase(hash); });
      return;
    }
    s->last_seen = now;
    store.save_session(*s);
    std::lock_guard cache_lock(cache_mutex);
    sessions.put(hash, s, now);
  }

  // ---- keys in the gate

  KeyCheck check_key(const ClientInfo& c, Instant now) {
    KeyCheck k;
    auto refuse = [&](int status, std::string code, std::string detail) {
      k.status = status;
      k.code = std::move(code);
      k.detail = std::move(detail);
      return std::move(k);
    };
    if (c.api_key.size() > kMaxApiKeyLength)
      return refuse(401, "invalid-key", "The API key is not known.");
    k.key = key_by_hash(sha256_hex(c.api_key), now);
    if (!k.key) return refuse(401, "invalid-key", "The API key is not known.");
    if (k.key->disabled) return refuse(403, "key-disabled", "The API key is disabled.");
    if (k.key->expires && now >= *k.key->expires)
      return refuse(403, "key-expired", "The API key has expired.");
    if (!referer_allowed(k.key->referers, c.referer))
      return refuse(403, "key-referer-denied", "The API key may not be used from this Referer.");
    if (!ip_allowed(k.key->ips, c.ip))
      return refuse(403, "key-ip-denied", "The API key may not be used from this address.");
    k.owner = user(k.key->owner, now);
    if (!k.owner || k.owner->disabled)
      return refuse(403, "key-disabled", "The API key's account is disabled.");
    return k;
  }

  // Counts a key refusal and audits it, at most once a minute per key (or, for unknown keys,
  // per address) and reason, so a flood cannot fill the log.
  void note_key_denial(const std::optional<ApiKeyRecord>& key, std::string_view code,
                       const ClientInfo& c, std::string_view actor, Instant now) {
    bool write = false;
    {
      std::lock_guard lock(counters_mutex);
      ++counts.key_denied_by_reason[std::string(code)];
      const std::string id = (key ? "key:" + key->id : "ip:" + c.ip) + "|" + std::string(code);
      auto it = denied_audited.find(id);
      if (it == denied_audited.end() || now.micros - it->second.micros >= kDeniedAuditStep ||
          now < it->second) {
        if (denied_audited.size() >= kDeniedAuditMax) {
          std::erase_if(denied_audited, [&](const auto& e) {
            return now.micros - e.second.micros >= kDeniedAuditStep;
          });
          if (denied_audited.size() >= kDeniedAuditMax) denied_audited.clear();
        }
        denied_audited[id] = now;
        write = true;
      }
    }
    if (write)
      record(key ? "key:" + key->id : std::string(actor), "key-denied",
             key ? key->id : std::string(), c.ip, "denied",
             Detail().str("reason", code).str("service", c.route_class).done());
  }

  // ---- usage

  // The day of `now` in the settings' zone, cached until the next day starts.
  const std::string& day_locked(Instant now) {
    if (day.empty() || now < day_checked || now >= day_end) {
      day = day_of(now, settings.time_zone);
      day_checked = now;
      day_end = next_day_start(now, settings.time_zone);
    }
    return day;
  }

  // A day's stored counts are read once, the first time the day is counted, so a restart
  // continues where the last process stopped.
  void load_day_locked(const std::string& d) {
    if (loaded_days.count(d) != 0) return;
    for (const storage::UsageRow& r : store.usage("", d, d))
      usage[UsageId{r.key_id, r.service, r.day}].total += r.count;
    loaded_days.insert(d);
  }

  void count_usage(const std::string& key_id, std::string_view service, Instant now,
                   std::int64_t count, std::int64_t denied) {
    std::lock_guard lock(usage_mutex);
    const std::string d = day_locked(now);
    load_day_locked(d);
    UsageCell& cell = usage[UsageId{key_id, std::string(service), d}];
    cell.total += count;
    cell.pending_count += count;
    cell.pending_denied += denied;
  }

  // Takes one request of the key's daily quota (if it has one for the service); false when
  // it is spent (counted as a denial).
  // `next_day` receives the start of the next day (from the cache: a flood of spent-quota
  // requests does no time zone arithmetic).
  bool take_usage(const std::string& key_id, std::string_view service, Instant now,
                  std::optional<std::int64_t> quota, Instant& next_day) {
    std::lock_guard lock(usage_mutex);
    const std::string d = day_locked(now);
    next_day = day_end;
    load_day_locked(d);
    UsageCell& cell = usage[UsageId{key_id, std::string(service), d}];
    if (quota && cell.total >= *quota) {
      ++cell.pending_denied;
      return false;
    }
    ++cell.total;
    ++cell.pending_count;
    return true;
  }

  void flush(Instant now) {
    std::lock_guard flush_lock(flush_mutex);
    std::vector<storage::UsageRow> deltas;
    {
      std::lock_guard lock(usage_mutex);
      const std::string today = day_locked(now);
      for (auto it = usage.begin(); it != usage.end();) {
        UsageCell& c = it->second;
        const auto& [key_id, service, d] = it->first;
        if (c.pending_count != 0 || c.pending_denied != 0) {
          deltas.push_back(
              storage::UsageRow{key_id, service, d, c.pending_count, c.pending_denied});
          c.pending_count = c.pending_denied = 0;
        }
        it = d < today ? usage.erase(it) : std::next(it);
      }
      std::erase_if(loaded_days, [&](const std::string& d) { return d < today; });
    }
    last_flush = now.micros;
    if (deltas.empty()) return;
    try {
      store.add_usage(deltas);
    } catch (...) {
      // Kept for the next flush; nothing is lost while the process lives.
      std::lock_guard lock(usage_mutex);
      for (const storage::UsageRow& r : deltas) {
        UsageCell& c = usage[UsageId{r.key_id, r.service, r.day}];
        c.pending_count += r.count;
        c.pending_denied += r.denied;
      }
      throw;
    }
    std::set<std::string> used;
    for (const storage::UsageRow& r : deltas)
      if (r.count > 0) used.insert(r.key_id);
    for (const std::string& id : used) {
      std::lock_guard lock(key_mutex);
      std::optional<ApiKeyRecord> k = store.find_key(id);
      if (!k) continue;
      k->last_used = now;
      store.update_key(*k);
    }
  }

  void maybe_flush(Instant now) {
    std::int64_t last = last_flush.load();
    const std::int64_t step = static_cast<std::int64_t>(settings.usage_flush_s) * kSecond;
    if (now.micros - last < step && now.micros >= last) return;
    if (!last_flush.compare_exchange_strong(last, now.micros)) return;  // another thread does it
    try {
      flush(now);
    } catch (const std::exception& e) {
      log::error("security: key usage not written to the store: {}", e.what());
    }
  }

  // Stored rows with what is not flushed yet added in.
  std::vector<storage::UsageRow> merged_usage(std::string_view key_id, std::string_view from,
                                              std::string_view to) {
    std::lock_guard flush_lock(flush_mutex);
    std::vector<storage::UsageRow> rows = store.usage(key_id, from, to);
    std::map<UsageId, std::size_t> index;
    for (std::size_t i = 0; i < rows.size(); ++i)
      index[UsageId{rows[i].key_id, rows[i].service, rows[i].day}] = i;
    std::lock_guard lock(usage_mutex);
    for (const auto& [id, cell] : usage) {
      const auto& [k, service, d] = id;
      if (cell.pending_count == 0 && cell.pending_denied == 0) continue;
      if ((!key_id.empty() && k != key_id) || (!from.empty() && d < from) ||
          (!to.empty() && d > to))
        continue;
      if (auto it = index.find(id); it != index.end()) {
        rows[it->second].count += cell.pending_count;
        rows[it->second].denied += cell.pending_denied;
      } else {
        rows.push_back(storage::UsageRow{k, service, d, cell.pending_count, cell.pending_denied});
      }
    }
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return std::tie(a.day, a.key_id, a.service) < std::tie(b.day, b.key_id, b.service);
    });
    return rows;
  }

  // ---- refusals

  Admission refuse(Admission a, int svc, int status, std::string code, std::string detail,
                   double retry_after = 0) {
    a.allowed = false;
    a.status = status;
    a.code = std::move(code);
    a.detail = std::move(detail);
    a.retry_after_s = retry_after;
    if (svc >= 0) ++refused[static_cast<std::size_t>(svc)];
    return a;
  }

  Admission rate_refusal(Admission a, int svc, const RateDecision& d, const ClientKey& ck,
                         Instant now, std::string_view ip) {
    if (d.dimension) {
      std::lock_guard lock(counters_mutex);
      ++counts.rate_limited_by_dimension[std::string(to_string(*d.dimension))];
    }
    if (d.newly_banned) ban_automatically(*d.newly_banned, ck[*d.newly_banned], now, ip);
    if (d.banned)
      return refuse(std::move(a), svc, 429, "banned",
                    "This client is banned for a while after too many requests.", d.retry_after_s);
    return refuse(std::move(a), svc, 429, "rate-limited", "Too many requests; retry later.",
                  d.retry_after_s);
  }

  void ban_automatically(Dimension dim, const std::string& value, Instant now,
                         std::string_view ip) {
    const int seconds = limiter.settings().ban_s;
    storage::BanRecord b{std::string(to_string(dim)), value, plus_seconds(now, seconds),
                         "rate-limit", now};
    try {
      store.save_ban(b);
    } catch (const std::exception& e) {
      // The ban holds in memory; only its survival across a restart is lost.
      log::error("security: ban of {} {} not stored: {}", b.dimension, value, e.what());
    }
    record("system", "ban", value, ip, "ok",
           Detail()
               .str("dimension", b.dimension)
               .num("seconds", seconds)
               .str("reason", "rate-limit")
               .done());
  }

  void load(Instant now) {
    for (auto& e : enabled) e = true;
    for (const storage::ServiceRecord& s : store.services()) {
      const int i = service_index(s.service);
      if (i >= 0) enabled[static_cast<std::size_t>(i)] = s.enabled;
    }
    for (const storage::BanRecord& b : store.list_bans(now)) {
      if (auto d = dimension_from_string(b.dimension)) limiter.ban(*d, b.value, b.until);
    }
    std::lock_guard lock(usage_mutex);
    load_day_locked(day_locked(now));
    last_flush = now.micros;
  }

  // Consecutive failures beyond the threshold double the lock, up to the maximum.
  std::int64_t lock_seconds(int failures) const {
    std::int64_t s = settings.lockout_base_s;
    for (int i = settings.lockout_after; i < failures && s < settings.lockout_max_s; ++i) s *= 2;
    return std::min<std::int64_t>(s, settings.lockout_max_s);
  }

  const std::string& dummy() {
    std::call_once(dummy_once, [&] {
      dummy_hash = hash_password("shikong-no-such-user", settings.password_cost);
    });
    return dummy_hash;
  }

  void count_auth_failure(const std::string& reason) {
    std::lock_guard lock(counters_mutex);
    ++counts.auth_failures_by_reason[reason];
  }

  // The password check of login and change_password, with the lockout: the caller holds the
  // user's lock. Throws account-locked; returns false after counting a failure.
  bool verify_with_lockout(UserRecord& u, std::string_view password, std::string_view ip,
                           Instant now) {
    if (u.locked_until > now) {
      count_auth_failure("account-locked");
      record(u.name, "login-locked", u.name, ip, "denied",
             Detail().num("failures", u.failed_logins).done());
      throw TooManyRequests("account-locked",
                            "Too many failed sign-ins; the account is locked for a while.",
                            seconds_until(now, u.locked_until));
    }
    if (verify_password(u.password_hash, password)) return true;
    ++u.failed_logins;
    Detail d;
    d.str("reason", "wrong-password").num("failures", u.failed_logins);
    if (settings.lockout_after > 0 && u.failed_logins >= settings.lockout_after) {
      const std::int64_t s = lock_seconds(u.failed_logins);
      u.locked_until = plus_seconds(now, s);
      d.num("locked_s", s);
    }
    store.update_user(u);
    forget_user(u.name);
    count_auth_failure("invalid-credentials");
    record(u.name, "login-failed", u.name, ip, "failed", d.done());
    return false;
  }

  // Fails with Conflict("last-admin") if `name` is the only enabled admin; the caller holds
  // admin_mutex.
  void check_not_last_admin(const std::string& name) {
    std::int64_t others = 0;
    for (const UserRecord& u : store.list_users())
      if (u.role == "admin" && !u.disabled && u.name != name) ++others;
    if (others == 0)
      throw Conflict("last-admin",
                     "The last administrator cannot be removed, demoted or disabled.");
  }
};

// ============================================================================================

SecurityService::SecurityService(storage::AccountStore& store, SecuritySettings settings,
                                 Clock clock)
    : settings_(std::move(settings)), clock_(std::move(clock)) {
  ensure_crypto();
  impl_ = std::make_unique<Impl>(store, settings_, clock_);
  impl_->load(clock_());
}

SecurityService::~SecurityService() {
  try {
    impl_->flush(clock_());
  } catch (const std::exception& e) {
    log::error("security: key usage not written at shutdown: {}", e.what());
  }
}

// ---- the gate --------------------------------------------------------------------------------

std::optional<Admission> SecurityService::refuse_banned_ip(std::string_view ip,
                                                           std::string_view route_class) {
  Impl& s = *impl_;
  const double left = s.limiter.ban_remaining(Dimension::ip, ip);
  if (left <= 0) return std::nullopt;
  {
    std::lock_guard lock(s.counters_mutex);
    ++s.counts.rate_limited_by_dimension[std::string(to_string(Dimension::ip))];
  }
  return s.refuse(Admission{}, service_index(route_class), 429, "banned",
                  "This client is banned for a while after too many requests.", left);
}

Admission SecurityService::admit(const ClientInfo& c) {
  Impl& s = *impl_;
  const Instant now = clock_();
  s.maybe_flush(now);
  const std::string_view rc = c.route_class;
  const int svc = service_index(rc);
  Admission a;

  // 1. the session cookie
  std::string session_hash;
  if (!c.session_token.empty()) {
    if (std::optional<Principal> p = s.resolve_session(c.session_token, now)) {
      a.principal = std::move(*p);
      session_hash = a.principal.session_hash;
    } else {
      a.clear_session_cookie = true;
    }
  }

  // 2. the API key; it wins over the session, and a refused key is final
  ClientKey ck;
  ck[Dimension::ip] = c.ip;
  ck[Dimension::cookie] = session_hash;
  ck[Dimension::referer] = referer_host(c.referer);
  std::optional<ApiKeyRecord> key;
  if (!c.api_key.empty()) {
    KeyCheck k = s.check_key(c, now);
    if (!k.code.empty()) {
      s.note_key_denial(k.key, k.code, c, a.principal.actor(), now);
      if (k.key && usage_counted(rc)) s.count_usage(k.key->id, rc, now, 0, 1);
      // A refused key still costs the client's tokens, so a flood of bad keys (each a store
      // lookup) meets 429 and bans like any other flood.
      ck[Dimension::user] = a.principal.user;
      RateDecision d = s.limiter.admit(rc, ck);
      if (!d.allowed) return s.rate_refusal(std::move(a), svc, d, ck, now, c.ip);
      return s.refuse(std::move(a), svc, k.status, std::move(k.code), std::move(k.detail));
    }
    Principal p = principal_for(*k.owner, AuthMethod::key);
    p.key_id = k.key->id;
    a.principal = std::move(p);
    key = std::move(k.key);
  }
  const bool counted = key && usage_counted(rc);

  // 3. the service registry
  if (svc >= 0 && !s.enabled[static_cast<std::size_t>(svc)]) {
    if (counted) s.count_usage(key->id, rc, now, 0, 1);
    return s.refuse(std::move(a), svc, 503, "service-disabled", "This service is switched off.");
  }

  // 4. TIANDITU's rule
  if (settings_.require_key && is_quota_service(rc) && !key && session_hash.empty())
    return s.refuse(std::move(a), svc, 401, "key-required",
                    "This service needs an API key (tk= or X-API-Key).");

  // 5. flood protection
  ck[Dimension::key] = key ? key->id : std::string();
  ck[Dimension::user] = a.principal.user;
  RateDecision d = s.limiter.admit(rc, ck);
  if (!d.allowed) {
    if (counted) s.count_usage(key->id, rc, now, 0, 1);
    return s.rate_refusal(std::move(a), svc, d, ck, now, c.ip);
  }

  // 6. the key's daily quota
  if (counted) {
    std::optional<std::int64_t> quota;
    if (auto q = key->quotas.find(std::string(rc)); q != key->quotas.end()) quota = q->second;
    Instant next;
    if (!s.take_usage(key->id, rc, now, quota, next)) {
      s.note_key_denial(key, "quota-exceeded", c, a.principal.actor(), now);
      return s.refuse(std::move(a), svc, 429, "quota-exceeded",
                      "The API key's daily quota for this service is spent.",
                      seconds_until(now, next));
    }
    std::lock_guard lock(s.counters_mutex);
    ++s.counts.key_requests_by_service[std::string(rc)];
  }

  a.allowed = true;
  a.status = 200;
  return a;
}

void SecurityService::record_result(std::string_view route_class, int status) {
  const int i = service_index(route_class);
  if (i < 0) return;
  const auto u = static_cast<std::size_t>(i);
  ++impl_->requests[u];
  // A disabled service's 503 is the gate's refusal (counted there), not a failure.
  if (status >= 500 && !(status == 503 && !impl_->enabled[u])) ++impl_->errors[u];
}

bool SecurityService::csrf_ok(const Principal& p, std::string_view token) const {
  return p.method == AuthMethod::session && !p.csrf_token.empty() &&
         constant_time_equal(p.csrf_token, token);
}

// ---- accounts ----------------------------------------------------------------------------------

storage::UserRecord SecurityService::register_user(const Principal& actor, const NewUser& nu,
                                                   std::string_view ip) {
  Impl& s = *impl_;
  const bool by_admin = actor.has_role(Role::admin);
  if (!by_admin) {
    if (!settings_.open_registration)
      throw Forbidden("registration-closed", "Accounts are created by an administrator here.");
    if (nu.role != Role::user || !nu.groups.empty())
      throw Forbidden("forbidden", "Only an administrator can give roles or groups.");
  }
  check_name(nu.name);
  check_role(nu.role);
  check_display_name(nu.display_name);
  check_email(nu.email);
  std::vector<std::string> groups = checked_groups(nu.groups);
  check_password_policy(nu.password, nu.name);

  std::lock_guard lock(s.user_lock(nu.name));
  if (s.store.find_user(nu.name)) throw Conflict("user-exists", "A user with this name exists.");
  const Instant now = clock_();
  UserRecord u;
  u.name = nu.name;
  u.display_name = nu.display_name;
  u.email = nu.email;
  u.password_hash = hash_password(nu.password, settings_.password_cost);
  u.role = std::string(to_string(nu.role));
  u.groups = std::move(groups);
  u.created = now;
  u.updated = now;
  s.store.create_user(u);
  s.forget_user(u.name);  // a cached "no such user"
  s.record(by_admin ? actor.actor() : u.name, by_admin ? "user-create" : "register", u.name, ip,
           "ok", Detail().str("role", u.role).done());
  return public_user(std::move(u));
}

LoginResult SecurityService::login(std::string_view name, std::string_view password,
                                   std::string_view ip, std::string_view previous_token) {
  Impl& s = *impl_;
  const std::string user_name(name);
  std::optional<UserRecord> u;
  {
    std::lock_guard lock(s.user_lock(user_name));
    const Instant now = clock_();
    u = s.store.find_user(user_name);
    if (!u) {
      verify_password(s.dummy(), password);  // the same work as for a known name
      s.count_auth_failure("invalid-credentials");
      // What was typed is kept only when it could be a name: no megabytes or control bytes.
      s.record("anonymous", "login-failed", valid_user_name(user_name) ? user_name : "", ip,
               "failed", Detail().str("reason", "unknown-user").done());
      throw Unauthorized("invalid-credentials", "The user name or password is wrong.");
    }
    if (!s.verify_with_lockout(*u, password, ip, now))
      throw Unauthorized("invalid-credentials", "The user name or password is wrong.");
    if (u->disabled) {
      s.count_auth_failure("invalid-credentials");
      s.record(u->name, "login-failed", u->name, ip, "failed",
               Detail().str("reason", "disabled").done());
      throw Unauthorized("invalid-credentials", "The user name or password is wrong.");
    }
    u->failed_logins = 0;
    u->locked_until = Instant{};
    u->last_login = now;
    if (password_needs_rehash(u->password_hash, settings_.password_cost))
      u->password_hash = hash_password(password, settings_.password_cost);
    s.store.update_user(*u);
    s.forget_user(u->name);
  }

  // No session fixation: the cookie sent with the login ends, and a new token is made.
  if (!previous_token.empty()) s.end_session(sha256_hex(previous_token));
  const Instant now = clock_();
  LoginResult r;
  r.session_token = random_token(32);
  r.csrf_token = random_token(32);
  r.expires = plus_seconds(now, settings_.session_ttl_s);
  SessionRecord session{
      sha256_hex(r.session_token), u->name, r.csrf_token, std::string(ip), now, r.expires, now};
  s.store.save_session(session);
  s.invalidate([&] { s.sessions.erase(session.token_hash); });
  if (now.micros - s.last_session_sweep.load() >= kSessionSweepStep) {
    s.last_session_sweep = now.micros;
    try {
      s.store.delete_expired_sessions(now);
    } catch (const std::exception& e) {
      log::warn("security: expired sessions not swept: {}", e.what());
    }
  }
  s.record(u->name, "login", u->name, ip, "ok");
  r.user = public_user(std::move(*u));
  return r;
}

void SecurityService::logout(const Principal& p, std::string_view ip) {
  if (p.method != AuthMethod::session || p.session_hash.empty()) return;
  impl_->end_session(p.session_hash);
  impl_->record(p.actor(), "logout", p.user, ip, "ok");
}

void SecurityService::change_password(const Principal& p, std::string_view old_password,
                                      std::string_view new_password, std::string_view ip) {
  Impl& s = *impl_;
  require_signed_in(p);
  if (p.method != AuthMethod::session)
    throw Forbidden("forbidden", "A password is changed from a signed-in session, not with a key.");
  check_password_policy(new_password, p.user);
  {
    std::lock_guard lock(s.user_lock(p.user));
    const Instant now = clock_();
    std::optional<UserRecord> u = s.store.find_user(p.user);
    if (!u) throw Unauthorized("unauthenticated", "Sign in to do this.");
    if (!s.verify_with_lockout(*u, old_password, ip, now))
      throw InvalidInput("wrong-password", "The old password is wrong.", "old_password");
    u->failed_logins = 0;
    u->locked_until = Instant{};
    u->password_hash = hash_password(new_password, settings_.password_cost);
    u->updated = now;
    s.store.update_user(*u);
    s.forget_user(u->name);
  }
  // Every session ends, this one too: whoever held an old cookie is out, and the caller
  // signs in again.
  s.end_sessions_of(p.user);
  s.record(p.actor(), "password-change", p.user, ip, "ok");
}

void SecurityService::reset_password(const Principal& admin, std::string_view user,
                                     std::string_view password, std::string_view ip) {
  Impl& s = *impl_;
  require_admin(admin);
  const std::string name(user);
  check_password_policy(password, name);
  {
    std::lock_guard lock(s.user_lock(name));
    std::optional<UserRecord> u = s.store.find_user(name);
    if (!u) throw NotFound("user-not-found", "No such user.", "name");
    u->password_hash = hash_password(password, settings_.password_cost);
    u->failed_logins = 0;
    u->locked_until = Instant{};
    u->updated = clock_();
    s.store.update_user(*u);
    s.forget_user(name);
  }
  s.end_sessions_of(name);
  s.record(admin.actor(), "password-reset", name, ip, "ok");
}

storage::UserRecord SecurityService::update_user(const Principal& admin, std::string_view user,
                                                 const UserPatch& patch, std::string_view ip) {
  Impl& s = *impl_;
  require_admin(admin);
  const std::string name(user);
  if (patch.role) check_role(*patch.role);
  std::optional<std::vector<std::string>> groups;
  if (patch.groups) groups = checked_groups(*patch.groups);
  if (patch.display_name) check_display_name(*patch.display_name);
  if (patch.email) check_email(*patch.email);

  std::lock_guard admin_lock(s.admin_mutex);
  std::lock_guard lock(s.user_lock(name));
  std::optional<UserRecord> u = s.store.find_user(name);
  if (!u) throw NotFound("user-not-found", "No such user.", "name");
  const std::string old_role = u->role;
  const bool was_disabled = u->disabled;
  const std::string new_role = patch.role ? std::string(to_string(*patch.role)) : u->role;
  const bool disable = patch.disabled.value_or(u->disabled);
  if (u->role == "admin" && !u->disabled && (new_role != "admin" || disable))
    s.check_not_last_admin(name);

  Detail d;
  if (patch.role && new_role != old_role) d.str("from", old_role).str("to", new_role);
  if (groups && *groups != u->groups) d.boolean("groups", true);
  if (patch.disabled && *patch.disabled != was_disabled) d.boolean("disabled", disable);
  if (patch.display_name && *patch.display_name != u->display_name) d.boolean("display_name", true);
  if (patch.email && *patch.email != u->email) d.boolean("email", true);
  u->role = new_role;
  if (groups) u->groups = std::move(*groups);
  u->disabled = disable;
  if (patch.display_name) u->display_name = *patch.display_name;
  if (patch.email) u->email = *patch.email;
  u->updated = clock_();
  s.store.update_user(*u);
  s.forget_user(name);
  if (disable && !was_disabled) s.end_sessions_of(name);
  s.record(admin.actor(), new_role != old_role ? "role-change" : "user-update", name, ip, "ok",
           d.done());
  return public_user(std::move(*u));
}

void SecurityService::delete_user(const Principal& admin, std::string_view user,
                                  std::string_view ip) {
  Impl& s = *impl_;
  require_admin(admin);
  const std::string name(user);
  std::lock_guard admin_lock(s.admin_mutex);
  std::lock_guard lock(s.user_lock(name));
  std::optional<UserRecord> u = s.store.find_user(name);
  if (!u) throw NotFound("user-not-found", "No such user.", "name");
  if (u->role == "admin" && !u->disabled) s.check_not_last_admin(name);
  s.store.delete_user(name);  // its sessions, keys and grants go with it
  {
    std::lock_guard session_lock(s.session_mutex);
    s.invalidate([&] {
      s.users.erase(name);
      s.sessions.erase_if([&](const auto& e) { return e.value && e.value->user == name; });
      s.keys.erase_if([&](const auto& e) { return e.value && e.value->owner == name; });
      s.dataset_grants.clear();
    });
  }
  s.record(admin.actor(), "user-delete", name, ip, "ok");
}

std::vector<storage::UserRecord> SecurityService::list_users(const Principal& admin) {
  require_admin(admin);
  std::vector<UserRecord> out = impl_->store.list_users();
  for (UserRecord& u : out) u.password_hash.clear();
  return out;
}

std::optional<storage::UserRecord> SecurityService::find_user(std::string_view user) {
  std::optional<UserRecord> u = impl_->store.find_user(user);
  if (u) u->password_hash.clear();
  return u;
}

bool SecurityService::ensure_admin(std::string_view name, std::string_view password) {
  Impl& s = *impl_;
  const std::string user_name(name);
  check_name(user_name);
  std::lock_guard lock(s.user_lock(user_name));
  if (s.store.find_user(user_name)) return false;
  check_password_policy(password, user_name);
  const Instant now = clock_();
  UserRecord u;
  u.name = user_name;
  u.password_hash = hash_password(password, settings_.password_cost);
  u.role = "admin";
  u.created = now;
  u.updated = now;
  s.store.create_user(u);
  s.forget_user(user_name);
  s.record("system", "user-create", user_name, "", "ok", Detail().str("role", "admin").done());
  return true;
}

// ---- API keys ----------------------------------------------------------------------------------

namespace {

// A key the caller may see (its owner or an admin); others get NotFound, as for a missing one.
ApiKeyRecord visible_key(storage::AccountStore& store, const Principal& p, std::string_view id) {
  require_signed_in(p);
  std::optional<ApiKeyRecord> k = store.find_key(id);
  if (!k || (k->owner != p.user && !p.has_role(Role::admin)))
    throw NotFound("key-not-found", "No such key.", "keyId");
  return std::move(*k);
}

}  // namespace

CreatedKey SecurityService::create_key(const Principal& p, const KeySpec& spec,
                                       std::string_view ip) {
  Impl& s = *impl_;
  require_signed_in(p);
  const std::string owner = spec.owner.empty() ? p.user : spec.owner;
  if (owner != p.user) {
    if (!p.has_role(Role::admin))
      throw Forbidden("forbidden", "Only an administrator can create keys for another user.");
    if (!s.store.find_user(owner))
      throw InvalidInput("unknown-owner", "The key's owner is not a user.", "owner");
  }
  check_key_fields(&spec.name, &spec.referers, &spec.ips, &spec.quotas);

  const Instant now = clock_();
  CreatedKey out;
  ApiKeyRecord& k = out.record;
  k.owner = owner;
  k.name = spec.name;
  k.referers = spec.referers;
  k.ips = spec.ips;
  k.quotas = spec.quotas;
  k.expires = spec.expires;
  k.disabled = spec.disabled;
  k.created = now;
  k.updated = now;
  // 48 random bits make a clash of ids unlikely; one is answered by drawing again.
  for (int attempt = 0;; ++attempt) {
    k.id = "k" + random_hex(6);
    out.secret = random_hex(16);
    k.key_hash = sha256_hex(out.secret);
    try {
      s.store.create_key(k);
      break;
    } catch (const Conflict&) {
      if (attempt >= 3) throw;
    }
  }
  s.invalidate([&] { s.keys.erase(k.key_hash); });
  s.record(p.actor(), "key-create", k.id, ip, "ok", Detail().str("owner", owner).done());
  k.key_hash.clear();
  return out;
}

storage::ApiKeyRecord SecurityService::update_key(const Principal& p, std::string_view id,
                                                  const KeyPatch& patch, std::string_view ip) {
  Impl& s = *impl_;
  check_key_fields(patch.name ? &*patch.name : nullptr, patch.referers ? &*patch.referers : nullptr,
                   patch.ips ? &*patch.ips : nullptr, patch.quotas ? &*patch.quotas : nullptr);
  ApiKeyRecord k;
  {
    std::lock_guard lock(s.key_mutex);
    k = visible_key(s.store, p, id);
    Detail d;
    if (patch.name) {
      k.name = *patch.name;
      d.boolean("name", true);
    }
    if (patch.referers) {
      k.referers = *patch.referers;
      d.boolean("referers", true);
    }
    if (patch.ips) {
      k.ips = *patch.ips;
      d.boolean("ips", true);
    }
    if (patch.quotas) {
      k.quotas = *patch.quotas;
      d.boolean("quotas", true);
    }
    if (patch.expires) {
      k.expires = *patch.expires;
      d.boolean("expires", true);
    }
    if (patch.disabled) {
      k.disabled = *patch.disabled;
      d.boolean("disabled", k.disabled);
    }
    k.updated = clock_();
    s.store.update_key(k);
    s.invalidate([&] { s.keys.erase(k.key_hash); });
    s.record(p.actor(), "key-update", k.id, ip, "ok", d.done());
  }
  return public_key(std::move(k));
}

void SecurityService::delete_key(const Principal& p, std::string_view id, std::string_view ip) {
  Impl& s = *impl_;
  {
    std::lock_guard lock(s.key_mutex);
    ApiKeyRecord k = visible_key(s.store, p, id);
    s.store.delete_key(k.id);  // and grants naming it
    s.invalidate([&] {
      s.keys.erase(k.key_hash);
      s.dataset_grants.clear();
    });
  }
  s.record(p.actor(), "key-delete", id, ip, "ok");
}

storage::ApiKeyRecord SecurityService::find_key(const Principal& p, std::string_view id) {
  return public_key(visible_key(impl_->store, p, id));
}

std::vector<storage::ApiKeyRecord> SecurityService::list_keys(const Principal& p, bool all_users) {
  require_signed_in(p);
  if (all_users && !p.has_role(Role::admin))
    throw Forbidden("forbidden", "Only an administrator can list every user's keys.");
  std::vector<ApiKeyRecord> out = impl_->store.list_keys(all_users ? std::string() : p.user);
  for (ApiKeyRecord& k : out) k.key_hash.clear();
  return out;
}

std::vector<storage::UsageRow> SecurityService::key_usage(const Principal& p, std::string_view id,
                                                          std::string_view from_day,
                                                          std::string_view to_day) {
  check_day(from_day, "from");
  check_day(to_day, "to");
  const ApiKeyRecord k = visible_key(impl_->store, p, id);
  return impl_->merged_usage(k.id, from_day, to_day);
}

std::vector<storage::UsageRow> SecurityService::all_usage(const Principal& admin,
                                                          std::string_view from_day,
                                                          std::string_view to_day) {
  require_admin(admin);
  check_day(from_day, "from");
  check_day(to_day, "to");
  return impl_->merged_usage("", from_day, to_day);
}

// ---- visibility --------------------------------------------------------------------------------

bool SecurityService::can_read(const Principal& p, std::string_view dataset_id,
                               std::string_view access, std::string_view owner) {
  // An unknown level is treated as the strictest one.
  Resource r{
      access_level_from_string(access).value_or(AccessLevel::private_), std::string(owner), {}};
  // Only restricted resources consult grants: public listings cost no lookup at all.
  if (r.access == AccessLevel::restricted)
    r.grants = impl_->grants_of(std::string(dataset_id), clock_());
  return security::can_read(p, r);
}

bool SecurityService::can_write(const Principal& p, std::string_view /*dataset_id*/,
                                std::string_view access, std::string_view owner) {
  Resource r{
      access_level_from_string(access).value_or(AccessLevel::private_), std::string(owner), {}};
  return security::can_write(p, r);
}

std::vector<storage::GrantRecord> SecurityService::grants(std::string_view dataset_id) {
  return impl_->store.grants(dataset_id);
}

void SecurityService::set_grants(const Principal& p, std::string_view dataset_id,
                                 const std::vector<storage::GrantRecord>& grants,
                                 std::string_view ip) {
  Impl& s = *impl_;
  require_signed_in(p);
  if (grants.size() > kMaxGrants)
    throw InvalidInput("invalid-grant", "A dataset has at most 1000 grants.", "grants");
  std::vector<storage::GrantRecord> rows;
  for (const storage::GrantRecord& g : grants) {
    if (g.kind != "user" && g.kind != "group" && g.kind != "key")
      throw InvalidInput("invalid-grant", "A grant's kind is user, group or key.", "grants");
    if (g.grantee.empty() || !plain_text(g.grantee, 256))
      throw InvalidInput("invalid-grant", "A grant names its user, group or key.", "grants");
    rows.push_back(storage::GrantRecord{std::string(dataset_id), g.kind, g.grantee});
  }
  s.store.set_grants(dataset_id, rows);
  s.invalidate([&] { s.dataset_grants.erase(std::string(dataset_id)); });
  s.record(p.actor(), "grants-change", dataset_id, ip, "ok",
           Detail().num("grants", static_cast<std::int64_t>(rows.size())).done());
}

void SecurityService::forget_dataset(std::string_view dataset_id) {
  impl_->store.delete_grants(dataset_id);
  impl_->invalidate([&] { impl_->dataset_grants.erase(std::string(dataset_id)); });
}

// ---- services, bans, audit ---------------------------------------------------------------------

std::vector<ServiceStatus> SecurityService::services() const {
  std::vector<ServiceStatus> out;
  for (std::size_t i = 0; i < kServiceCount; ++i)
    out.push_back(ServiceStatus{std::string(registry_services[i]), impl_->enabled[i].load(),
                                impl_->requests[i].load(), impl_->errors[i].load(),
                                impl_->refused[i].load()});
  return out;
}

void SecurityService::set_service_enabled(const Principal& admin, std::string_view service,
                                          bool enabled, std::string_view ip) {
  require_admin(admin);
  const int i = service_index(service);
  if (i < 0) throw NotFound("service-not-found", "No such service.", "service");
  impl_->store.set_service(storage::ServiceRecord{std::string(service), enabled, clock_()});
  impl_->enabled[static_cast<std::size_t>(i)] = enabled;
  impl_->record(admin.actor(), "service-change", service, ip, "ok",
                Detail().boolean("enabled", enabled).done());
}

std::vector<storage::BanRecord> SecurityService::bans() {
  return impl_->store.list_bans(clock_());
}

namespace {

// The dimension and the value as the limiter sees them (an IP in its canonical text).
std::pair<Dimension, std::string> ban_target(std::string_view dimension, std::string_view value) {
  const std::optional<Dimension> d = dimension_from_string(dimension);
  if (!d)
    throw InvalidInput("invalid-dimension", "A ban is on ip, cookie, referer, key or user.",
                       "dimension");
  if (value.empty() || !plain_text(value, 512))
    throw InvalidInput("invalid-value", "A ban names the client it is for.", "value");
  if (*d == Dimension::ip) {
    std::optional<IpAddress> a = parse_ip(value);
    if (!a) throw InvalidInput("invalid-value", "An IP ban needs an IP address.", "value");
    return {*d, a->to_string()};
  }
  if (*d == Dimension::referer) {
    std::string host = referer_host(value);
    if (host.empty())
      throw InvalidInput("invalid-value", "A Referer ban needs a host name.", "value");
    return {*d, std::move(host)};
  }
  return {*d, std::string(value)};
}

}  // namespace

void SecurityService::ban(const Principal& admin, std::string_view dimension,
                          std::string_view value, int seconds, std::string_view reason,
                          std::string_view ip) {
  require_admin(admin);
  auto [d, v] = ban_target(dimension, value);
  if (seconds <= 0 || seconds > kMaxBanSeconds)
    throw InvalidInput("invalid-seconds", "A ban lasts 1 second to 366 days.", "seconds");
  if (!plain_text(reason, 200))
    throw InvalidInput("invalid-reason", "A reason is at most 200 bytes of text.", "reason");
  const Instant now = clock_();
  storage::BanRecord b{std::string(to_string(d)), v, plus_seconds(now, seconds),
                       std::string(reason), now};
  impl_->store.save_ban(b);
  impl_->limiter.ban(d, v, b.until);
  impl_->record(
      admin.actor(), "ban", v, ip, "ok",
      Detail().str("dimension", b.dimension).num("seconds", seconds).str("reason", reason).done());
}

void SecurityService::unban(const Principal& admin, std::string_view dimension,
                            std::string_view value, std::string_view ip) {
  require_admin(admin);
  auto [d, v] = ban_target(dimension, value);
  impl_->store.delete_ban(to_string(d), v);
  impl_->limiter.unban(d, v);
  impl_->record(admin.actor(), "unban", v, ip, "ok",
                Detail().str("dimension", to_string(d)).done());
}

void SecurityService::audit(std::string_view actor, std::string_view action,
                            std::string_view target, std::string_view ip, std::string_view outcome,
                            std::string_view detail_json) {
  storage::AuditEvent e;
  e.at = clock_();
  e.actor = actor;
  e.action = action;
  e.target = target;
  e.ip = ip;
  e.outcome = outcome;
  e.detail = detail_json.empty() ? std::string("{}") : std::string(detail_json);
  impl_->store.append_audit(e);
}

std::vector<storage::AuditEvent> SecurityService::audit_log(const Principal& admin,
                                                            const storage::AuditQuery& query) {
  require_admin(admin);
  return impl_->store.audit(query);
}

SecurityCounters SecurityService::counters() const {
  SecurityCounters c;
  {
    std::lock_guard lock(impl_->counters_mutex);
    c = impl_->counts;
  }
  c.active_bans = static_cast<std::int64_t>(impl_->limiter.bans().size());
  {
    std::lock_guard lock(impl_->cache_mutex);
    const auto add = [&c](const char* name, std::int64_t hits, std::int64_t misses) {
      c.cache_hits[name] = hits;
      c.cache_misses[name] = misses;
    };
    add("sessions", impl_->sessions.hits, impl_->sessions.misses);
    add("users", impl_->users.hits, impl_->users.misses);
    add("keys", impl_->keys.hits, impl_->keys.misses);
    add("grants", impl_->dataset_grants.hits, impl_->dataset_grants.misses);
  }
  return c;
}

void SecurityService::flush_usage() {
  impl_->flush(clock_());
}

}  // namespace shikong::security
