// Configuration sources in order: defaults, TOML file, environment, flags.
#include "app/config.hpp"

#include <toml++/toml.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "security/crypto.hpp"

namespace shikong::app {
namespace {

struct Setting {
  std::string key;
  std::function<void(Config&, const std::string&)> set;
  std::function<std::string(const Config&)> get;
};

std::int64_t to_int(const std::string& key, const std::string& v) {
  try {
    std::size_t used = 0;
    long long n = std::stoll(v, &used);
    if (used != v.size()) throw std::invalid_argument(v);
    return n;
  } catch (const std::exception&) {
    throw InvalidInput("invalid-config", "setting '" + key + "' needs a whole number", key);
  }
}

std::int64_t to_int_in(const std::string& key, const std::string& v, std::int64_t lo,
                       std::int64_t hi) {
  std::int64_t n = to_int(key, v);
  if (n < lo || n > hi)
    throw InvalidInput("invalid-config",
                       "setting '" + key + "' must be between " + std::to_string(lo) + " and " +
                           std::to_string(hi),
                       key);
  return n;
}

bool to_bool(const std::string& key, const std::string& v) {
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  throw InvalidInput("invalid-config", "setting '" + key + "' needs true or false", key);
}

// Shortest text that reads back as the same double ("1", "0.5").
std::string number_text(double d) {
  char buf[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  return buf;
}

#define SK_STRING(k, member)                                  \
  Setting {                                                   \
    k, [](Config& c, const std::string& v) { c.member = v; }, \
        [](const Config& c) { return std::string(c.member); } \
  }
#define SK_INT(k, member)                                           \
  Setting {                                                         \
    k,                                                              \
        [](Config& c, const std::string& v) {                       \
          c.member = static_cast<decltype(c.member)>(to_int(k, v)); \
        },                                                          \
        [](const Config& c) { return std::to_string(c.member); }    \
  }
#define SK_BOOL(k, member)                                                       \
  Setting {                                                                      \
    k, [](Config& c, const std::string& v) { c.member = to_bool(k, v); },        \
        [](const Config& c) { return std::string(c.member ? "true" : "false"); } \
  }

#define SK_INT_IN(k, member, lo, hi)                                           \
  Setting {                                                                    \
    k,                                                                         \
        [](Config& c, const std::string& v) {                                  \
          c.member = static_cast<decltype(c.member)>(to_int_in(k, v, lo, hi)); \
        },                                                                     \
        [](const Config& c) { return std::string(std::to_string(c.member)); }  \
  }

double to_double_in(const std::string& key, const std::string& v, double lo, double hi) {
  double d = 0;
  try {
    std::size_t used = 0;
    d = std::stod(v, &used);
    if (used != v.size()) throw std::invalid_argument(v);
  } catch (const std::exception&) {
    throw InvalidInput("invalid-config", "setting '" + key + "' needs a number", key);
  }
  if (!(d >= lo && d <= hi))
    throw InvalidInput(
        "invalid-config",
        "setting '" + key + "' must be between " + number_text(lo) + " and " + number_text(hi),
        key);
  return d;
}

std::string one_of(const std::string& key, const std::string& v,
                   std::initializer_list<std::string_view> allowed) {
  std::string list;
  for (auto a : allowed) {
    if (v == a) return v;
    list += list.empty() ? "" : ", ";
    list += a;
  }
  throw InvalidInput("invalid-config", "setting '" + key + "' must be one of " + list, key);
}

std::vector<std::string> split_commas(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    auto part = text.substr(start, comma - start);
    while (!part.empty() && (part.front() == ' ' || part.front() == '\t')) part.remove_prefix(1);
    while (!part.empty() && (part.back() == ' ' || part.back() == '\t')) part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
    start = comma + 1;
  }
  return out;
}

std::vector<Cidr> parse_proxies(const std::string& key, std::string_view text) {
  std::vector<Cidr> out;
  for (const auto& part : split_commas(text)) {
    auto cidr = parse_cidr(part);
    if (!cidr)
      throw InvalidInput("invalid-config",
                         "setting '" + key +
                             "' takes IP addresses or CIDR blocks separated by "
                             "commas; '" +
                             part + "' is neither",
                         key);
    out.push_back(*cidr);
  }
  return out;
}

security::BucketSpec bucket(const std::string& key, const std::string& v) {
  try {
    return security::parse_bucket_spec(v);
  } catch (const Error&) {
    throw InvalidInput(
        "invalid-config",
        "setting '" + key + "' takes a rate such as \"100/s burst 200\", \"30/min\" or \"off\"",
        key);
  }
}

// The limits of a class, created from "api"'s (which a class without its own uses) on first
// change, so that changing one dimension keeps the others as they were in effect.
std::array<security::BucketSpec, security::dimension_count>& class_limits(
    security::RateLimitSettings& limits, std::string_view route_class) {
  auto it = limits.limits.find(route_class);
  if (it != limits.limits.end()) return it->second;
  std::array<security::BucketSpec, security::dimension_count> start{};
  if (auto api = limits.limits.find(std::string_view("api")); api != limits.limits.end())
    start = api->second;
  return limits.limits.emplace(std::string(route_class), start).first->second;
}

const std::array<security::BucketSpec, security::dimension_count>* find_class_limits(
    const security::RateLimitSettings& limits, std::string_view route_class) {
  auto it = limits.limits.find(route_class);
  if (it == limits.limits.end()) it = limits.limits.find(std::string_view("api"));
  return it == limits.limits.end() ? nullptr : &it->second;
}

void add_limit_settings(std::vector<Setting>& all) {
  for (std::string_view cls : security::limit_classes) {
    std::string name(cls);
    // limits.<class>: every dimension at once (described per dimension below).
    all.push_back(Setting{"limits." + name,
                          [name](Config& c, const std::string& v) {
                            auto spec = bucket("limits." + name, v);
                            class_limits(c.limits, name).fill(spec);
                          },
                          nullptr});
    for (std::size_t d = 0; d < security::dimension_count; ++d) {
      std::string key =
          "limits." + name + "." + std::string(security::to_string(security::Dimension(d)));
      all.push_back(Setting{key,
                            [name, key, d](Config& c, const std::string& v) {
                              class_limits(c.limits, name)[d] = bucket(key, v);
                            },
                            [name, d](const Config& c) {
                              auto* l = find_class_limits(c.limits, name);
                              return l ? security::to_string((*l)[d]) : std::string("off");
                            }});
    }
  }
  all.push_back(SK_INT_IN("limits.ban_after", limits.ban_after, 1, 1'000'000'000));
  all.push_back(SK_INT_IN("limits.ban_window_s", limits.ban_window_s, 1, 365 * 86400));
  all.push_back(SK_INT_IN("limits.ban_s", limits.ban_s, 0, 365 * 86400));
  all.push_back(SK_INT_IN("limits.ban_hold_ms", ban_hold_ms, 0, 60'000));
}

void add_map_settings(std::vector<Setting>& all) {
  all.push_back(SK_INT_IN("maps.max_width", maps_max_width, 1, 65536));
  all.push_back(SK_INT_IN("maps.max_height", maps_max_height, 1, 65536));
  all.push_back(SK_INT_IN("maps.max_pixels", maps_max_pixels, 1, 65536LL * 65536));
  all.push_back(SK_INT_IN("maps.max_layers", maps_max_layers, 1, 256));
  all.push_back(SK_INT_IN("maps.tile_buffer_px", maps_tile_buffer_px, 0, 256));
  all.push_back(SK_INT_IN("tiles.extent", tiles_extent, 256, 65536));
  all.push_back(SK_INT_IN("tiles.buffer", tiles_buffer, 0, 65536));
  all.push_back(Setting{"tiles.simplify",
                        [](Config& c, const std::string& v) {
                          c.tiles_simplify = to_double_in("tiles.simplify", v, 0, 1000);
                        },
                        [](const Config& c) { return number_text(c.tiles_simplify); }});
  all.push_back(Setting{"tiles.points",
                        [](Config& c, const std::string& v) {
                          c.tiles_points = one_of("tiles.points", v, {"thin", "cluster", "all"});
                        },
                        [](const Config& c) { return c.tiles_points; }});
  all.push_back(SK_INT_IN("cache.memory_mb", cache_memory_mb, 0, 1LL << 20));
  all.push_back(SK_BOOL("cache.disk", cache_disk));
}

void add_catalog_settings(std::vector<Setting>& all) {
  all.push_back(SK_INT_IN("catalog.refresh_s", catalog_refresh_s, 1, 3600));
  all.push_back(SK_INT_IN("catalog.usage_flush_s", catalog_usage_flush_s, 1, 3600));
  all.push_back(SK_BOOL("harvest.enabled", harvest_enabled));
  all.push_back(SK_INT_IN("harvest.timeout_s", harvest_timeout_s, 1, 600));
  all.push_back(SK_INT_IN("harvest.max_mb", harvest_max_mb, 1, 4096));
  all.push_back(SK_INT_IN("harvest.max_redirects", harvest_max_redirects, 0, 20));
  all.push_back(SK_INT_IN("harvest.max_pages", harvest_max_pages, 1, 100000));
  all.push_back(SK_INT_IN("harvest.tick_s", harvest_tick_s, 1, 86400));
}

const std::vector<Setting>& settings() {
  static std::vector<Setting> all = {
      SK_STRING("storage.data_dir", data_dir),
      SK_STRING("server.listen", listen),
      SK_STRING("server.public_url", public_url),
      SK_INT("server.io_threads", io_threads),
      SK_INT("server.worker_threads", worker_threads),
      SK_INT("server.max_body_bytes", max_body_bytes),
      SK_INT("server.max_upload_bytes", max_upload_bytes),
      SK_INT("server.request_timeout_s", request_timeout_s),
      SK_INT("server.idle_timeout_s", idle_timeout_s),
      SK_INT("server.max_connections", max_connections),
      SK_INT("server.max_connections_per_ip", max_connections_per_ip),
      SK_BOOL("server.access_log", access_log),
      SK_STRING("datum.crs", crs),
      SK_STRING("datum.time_zone", time_zone),
      SK_INT("features.default_limit", default_limit),
      SK_INT("features.max_limit", max_limit),
      SK_INT("import.threads", import_threads),
      SK_STRING("log.level", log_level),
      SK_BOOL("security.require_key", require_key),
      SK_BOOL("security.open_registration", open_registration),
      Setting{"security.trusted_proxies",
              [](Config& c, const std::string& v) {
                parse_proxies("security.trusted_proxies", v);
                c.trusted_proxies = v;
              },
              [](const Config& c) { return c.trusted_proxies; }},
      Setting{"security.admin_user",
              [](Config& c, const std::string& v) {
                if (v.empty())
                  throw InvalidInput("invalid-config",
                                     "setting 'security.admin_user' needs a user name",
                                     "security.admin_user");
                c.admin_user = v;
              },
              [](const Config& c) { return c.admin_user; }},
      // Never shown by describe(): it is a secret.
      Setting{"security.admin_password",
              [](Config& c, const std::string& v) { c.admin_password = v; },
              [](const Config& c) { return std::string(c.admin_password.empty() ? "" : "(set)"); }},
      SK_INT_IN("security.session_ttl_s", session_ttl_s, 60, 366 * 86400),
      SK_INT_IN("security.session_idle_s", session_idle_s, 0, 366 * 86400),
      SK_INT_IN("security.lockout_after", lockout_after, 0, 1'000'000),
      SK_INT_IN("security.lockout_base_s", lockout_base_s, 1, 86400),
      SK_INT_IN("security.lockout_max_s", lockout_max_s, 1, 366 * 86400),
      Setting{"security.password_cost",
              [](Config& c, const std::string& v) {
                c.password_cost =
                    one_of("security.password_cost", v, {"interactive", "moderate", "test"});
              },
              [](const Config& c) { return c.password_cost; }},
      SK_INT_IN("security.clock_offset_s", clock_offset_s, -100LL * 365 * 86400,
                100LL * 365 * 86400),
      Setting{"security.cookie_secure",
              [](Config& c, const std::string& v) {
                c.cookie_secure =
                    v == "auto" ? v : (to_bool("security.cookie_secure", v) ? "true" : "false");
              },
              [](const Config& c) { return c.cookie_secure; }},
  };
  static const bool limits_added =
      (add_limit_settings(all), add_map_settings(all), add_catalog_settings(all), true);
  (void)limits_added;
  return all;
}

std::string env_name(std::string key) {
  std::string out = "SHIKONG_";
  for (char c : key)
    out += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

void apply_setting(Config& config, const std::string& key, const std::string& value) {
  for (const auto& s : settings())
    if (key == s.key) return s.set(config, value);
  throw InvalidInput("unknown-setting", "there is no setting '" + key + "'", key);
}

namespace {

// A value as the text apply_setting takes; an array of strings is joined with commas
// (security.trusted_proxies = ["10.0.0.0/8", "192.0.2.1"]).
std::string toml_text(const std::string& key, const toml::node& value) {
  if (auto s = value.value<std::string>(); s && value.is_string()) return *s;
  if (value.is_integer()) return std::to_string(*value.value<std::int64_t>());
  if (value.is_floating_point()) return number_text(*value.value<double>());
  if (value.is_boolean()) return *value.value<bool>() ? "true" : "false";
  if (const auto* array = value.as_array()) {
    std::string out;
    for (const auto& item : *array) {
      if (!item.is_string())
        throw InvalidInput("invalid-config", "setting '" + key + "' takes a list of strings", key);
      out += out.empty() ? "" : ",";
      out += *item.value<std::string>();
    }
    return out;
  }
  throw InvalidInput("invalid-config", "setting '" + key + "' has an unsupported type", key);
}

// Nested tables ([limits.tiles] ip = "...") name settings by their dotted path.
void apply_toml_table(Config& config, const std::string& prefix, const toml::table& table) {
  for (auto&& [key, value] : table) {
    std::string full = prefix + "." + std::string(key.str());
    if (const auto* inner = value.as_table())
      apply_toml_table(config, full, *inner);
    else
      apply_setting(config, full, toml_text(full, value));
  }
}

}  // namespace

void apply_toml_file(Config& config, const std::filesystem::path& file) {
  toml::table table;
  try {
    table = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw InvalidInput("invalid-config",
                       "the configuration file " + file.string() + " is not valid TOML (line " +
                           std::to_string(e.source().begin.line) + ")",
                       "config");
  }
  for (auto&& [section, node] : table) {
    const auto* inner = node.as_table();
    if (!inner)
      throw InvalidInput("invalid-config",
                         "top-level key '" + std::string(section.str()) + "' must be a [section]",
                         "config");
    apply_toml_table(config, std::string(section.str()), *inner);
  }
}

void apply_environment(Config& config) {
  if (const char* v = std::getenv("SHIKONG_DATA")) config.data_dir = v;
  if (const char* v = std::getenv("SHIKONG_LISTEN")) config.listen = v;
  for (const auto& s : settings())
    if (const char* v = std::getenv(env_name(s.key).c_str())) s.set(config, v);
}

std::map<std::string, std::string> describe(const Config& config) {
  std::map<std::string, std::string> out;
  for (const auto& s : settings())
    if (s.get) out[s.key] = s.get(config);
  return out;
}

security::SecuritySettings security_settings(const Config& config) {
  if (config.lockout_base_s > config.lockout_max_s)
    throw InvalidInput("invalid-config",
                       "setting 'security.lockout_base_s' must not exceed security.lockout_max_s",
                       "security.lockout_base_s");
  security::SecuritySettings s;
  s.require_key = config.require_key;
  s.open_registration = config.open_registration;
  s.time_zone = config.time_zone;
  s.password_cost = config.password_cost == "moderate" ? security::PasswordCost::moderate
                    : config.password_cost == "test"   ? security::PasswordCost::test
                                                       : security::PasswordCost::interactive;
  s.session_ttl_s = config.session_ttl_s;
  s.session_idle_s = config.session_idle_s;
  s.lockout_after = config.lockout_after;
  s.lockout_base_s = config.lockout_base_s;
  s.lockout_max_s = config.lockout_max_s;
  s.rate_limits = config.limits;
  return s;
}

std::vector<Cidr> trusted_proxies(const Config& config) {
  return parse_proxies("security.trusted_proxies", config.trusted_proxies);
}

bool cookie_secure(const Config& config) {
  if (config.cookie_secure == "auto") return config.public_url.rfind("https://", 0) == 0;
  return config.cookie_secure == "true";
}

}  // namespace shikong::app
