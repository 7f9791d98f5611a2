// Typed configuration with defaults, read from a TOML file, then SHIKONG_* environment
// variables, then command-line flags (each later source overrides the earlier).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

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
};

// Keys are "section.key" (e.g. "server.listen"); environment names are SHIKONG_<SECTION>_<KEY>
// upper-cased, plus the short forms SHIKONG_DATA and SHIKONG_LISTEN.
void apply_toml_file(Config& config, const std::filesystem::path& file);
void apply_environment(Config& config);
void apply_setting(Config& config, const std::string& key, const std::string& value);
std::map<std::string, std::string> describe(const Config& config);

}  // namespace shikong::app
