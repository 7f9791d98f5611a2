// Configuration sources in order: defaults, TOML file, environment, flags.
#include "app/config.hpp"

#include <toml++/toml.h>

#include <cstdlib>
#include <functional>
#include <vector>

#include "core/error.hpp"

namespace shikong::app {
namespace {

struct Setting {
  const char* key;
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

bool to_bool(const std::string& key, const std::string& v) {
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  throw InvalidInput("invalid-config", "setting '" + key + "' needs true or false", key);
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

const std::vector<Setting>& settings() {
  static const std::vector<Setting> all = {
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
  };
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
    for (auto&& [key, value] : *inner) {
      std::string full = std::string(section.str()) + "." + std::string(key.str());
      std::string text;
      if (auto s = value.value<std::string>(); s && value.is_string())
        text = *s;
      else if (value.is_integer())
        text = std::to_string(*value.value<std::int64_t>());
      else if (value.is_boolean())
        text = *value.value<bool>() ? "true" : "false";
      else
        throw InvalidInput("invalid-config", "setting '" + full + "' has an unsupported type",
                           full);
      apply_setting(config, full, text);
    }
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
  for (const auto& s : settings()) out[s.key] = s.get(config);
  return out;
}

}  // namespace shikong::app
