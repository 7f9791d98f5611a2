// Typed configuration with defaults, read from a TOML file, then SHIKONG_* environment
// variables, then command-line flags (each later source overrides the earlier).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/net_address.hpp"
#include "security/rate_limiter.hpp"
#include "security/security.hpp"

namespace shikong::app {

struct Config {
  // [storage]
  std::filesystem::path data_dir = "var";
  // [server]
  std::string listen = "127.0.0.1:8080";
  std::string public_url;  // e.g. https://data.example.org; empty: from the Host header
  int io_threads = 0;      // 0: one per core
  int worker_threads = 0;  // 0: two per core
  std::int64_t max_body_bytes = 1LL << 20;    // ordinary requests, held in memory
  std::int64_t max_upload_bytes = 2LL << 30;  // uploads, spooled to disk
  int request_timeout_s = 30;                 // to read a request's header
  int idle_timeout_s = 60;                    // keep-alive
  int max_connections = 10000;
  int max_connections_per_ip = 256;
  bool access_log = true;
  // [datum]
  std::string crs = "EPSG:4490";
  std::string time_zone = "Asia/Shanghai";
  // [features]
  int default_limit = 10;
  int max_limit = 10000;
  // [import]
  int import_threads = 1;
  // [log]
  std::string log_level = "info";
  // [security]
  bool require_key = false;
  bool open_registration = true;
  std::string trusted_proxies;  // comma-separated addresses or CIDRs (X-Forwarded-For senders)
  std::string admin_user = "admin";
  std::string admin_password;  // empty: no admin is created at start
  int session_ttl_s = 8 * 3600;
  int session_idle_s = 2 * 3600;
  int lockout_after = 5;
  int lockout_base_s = 30;
  int lockout_max_s = 3600;
  std::string password_cost = "interactive";  // interactive | moderate | test
  std::int64_t clock_offset_s = 0;            // testing aid: the security clock runs this far ahead
  std::string cookie_secure = "auto";         // auto (when public_url is https) | true | false
  // [limits]: token buckets per route class and dimension, and bans
  security::RateLimitSettings limits = security::RateLimitSettings::defaults();
  int ban_hold_ms = 1000;  // a banned IP's 429 is held this long (tarpit); 0: at once
  // [maps]: WMS and map limits
  int maps_max_width = 4096;
  int maps_max_height = 4096;
  std::int64_t maps_max_pixels = 4096LL * 4096;
  int maps_max_layers = 16;
  int maps_tile_buffer_px = 64;  // px rendered around raster tiles (no seams)
  // [tiles]: vector tiles
  int tiles_extent = 4096;
  int tiles_buffer = 64;              // extent units
  double tiles_simplify = 1.0;        // extent units; 0 = off
  std::string tiles_points = "thin";  // thin | cluster | all
  // [cache]: the tile cache (<data_dir>/cache/tiles on disk)
  std::int64_t cache_memory_mb = 256;
  bool cache_disk = true;
  // [catalog]: the directory service
  int catalog_refresh_s = 5;       // look for records changed by other processes (the CLI)
  int catalog_usage_flush_s = 10;  // write buffered usage counts
  // [harvest]: the harvester
  bool harvest_enabled = true;       // scheduled runs (on-demand runs work either way)
  int harvest_timeout_s = 20;        // per request
  std::int64_t harvest_max_mb = 32;  // per response
  int harvest_max_redirects = 3;
  int harvest_max_pages = 200;
  int harvest_tick_s = 60;  // how often due sources are looked for
};

// Keys are "section.key" (e.g. "server.listen"); environment names are SHIKONG_<SECTION>_<KEY>
// upper-cased, plus the short forms SHIKONG_DATA and SHIKONG_LISTEN. Rate limits are
// "limits.<class>" (every dimension of a route class) and "limits.<class>.<dimension>"
// (SHIKONG_LIMITS_TILES_IP); in TOML also as a [limits.<class>] table of dimensions.
void apply_toml_file(Config& config, const std::filesystem::path& file);
void apply_environment(Config& config);
void apply_setting(Config& config, const std::string& key, const std::string& value);
std::map<std::string, std::string> describe(const Config& config);

// The security engine's settings (time zone from datum.time_zone, limits from [limits]);
// checks what one setting alone cannot (the first lock not longer than the longest).
security::SecuritySettings security_settings(const Config& config);
// security.trusted_proxies parsed (validated when set, so this does not throw).
std::vector<Cidr> trusted_proxies(const Config& config);
// security.cookie_secure resolved: "auto" is true when server.public_url starts with https://.
bool cookie_secure(const Config& config);

}  // namespace shikong::app
