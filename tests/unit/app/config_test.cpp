#include "app/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "app/platform.hpp"
#include "core/error.hpp"

namespace shikong::app {

TEST(Config, TomlThenEnvironmentThenFlags) {
  auto file = std::filesystem::temp_directory_path() / "shikong_config_test.toml";
  {
    std::ofstream out(file);
    out << "[server]\nlisten = \"0.0.0.0:9000\"\nmax_upload_bytes = 1000\naccess_log = false\n"
           "[datum]\ncrs = \"EPSG:4326\"\n";
  }
  Config c;
  apply_toml_file(c, file);
  EXPECT_EQ(c.listen, "0.0.0.0:9000");
  EXPECT_EQ(c.max_upload_bytes, 1000);
  EXPECT_FALSE(c.access_log);
  EXPECT_EQ(c.crs, "EPSG:4326");

  setenv("SHIKONG_SERVER_LISTEN", "127.0.0.1:9001", 1);
  setenv("SHIKONG_DATA", "/tmp/x", 1);
  apply_environment(c);
  unsetenv("SHIKONG_SERVER_LISTEN");
  unsetenv("SHIKONG_DATA");
  EXPECT_EQ(c.listen, "127.0.0.1:9001");
  EXPECT_EQ(c.data_dir, "/tmp/x");

  apply_setting(c, "server.listen", "127.0.0.1:9002");
  EXPECT_EQ(c.listen, "127.0.0.1:9002");
  std::filesystem::remove(file);
}

TEST(Config, RejectsUnknownKeysAndBadValues) {
  Config c;
  EXPECT_THROW(apply_setting(c, "server.nope", "1"), InvalidInput);
  EXPECT_THROW(apply_setting(c, "server.max_upload_bytes", "12abc"), InvalidInput);
  EXPECT_THROW(apply_setting(c, "server.access_log", "maybe"), InvalidInput);
  auto file = std::filesystem::temp_directory_path() / "shikong_config_bad.toml";
  {
    std::ofstream out(file);
    out << "[server\nlisten=";
  }
  EXPECT_THROW(apply_toml_file(c, file), InvalidInput);
  std::filesystem::remove(file);
}

TEST(Config, DescribeListsEverySetting) {
  auto d = describe(Config{});
  EXPECT_EQ(d.at("datum.crs"), "EPSG:4490");
  EXPECT_EQ(d.at("datum.time_zone"), "Asia/Shanghai");
  EXPECT_EQ(d.at("server.listen"), "127.0.0.1:8080");
}

TEST(Config, SecurityAndLimitsFromToml) {
  auto file = std::filesystem::temp_directory_path() / "shikong_config_security.toml";
  {
    std::ofstream out(file);
    out << "[security]\nrequire_key = true\nopen_registration = false\n"
           "trusted_proxies = [\"10.0.0.0/8\", \"192.0.2.1\"]\nsession_ttl_s = 600\n"
           "password_cost = \"test\"\nclock_offset_s = 86400\n"
           "[limits]\ntiles = \"100/s burst 200\"\nban_after = 7\n\"upload.key\" = \"off\"\n"
           "[limits.login]\nip = \"30/min burst 5\"\n";
  }
  Config c;
  apply_toml_file(c, file);
  std::filesystem::remove(file);
  EXPECT_TRUE(c.require_key);
  EXPECT_FALSE(c.open_registration);
  EXPECT_EQ(c.trusted_proxies, "10.0.0.0/8,192.0.2.1");
  EXPECT_EQ(c.session_ttl_s, 600);
  EXPECT_EQ(c.clock_offset_s, 86400);
  EXPECT_EQ(c.limits.ban_after, 7);
  using security::Dimension;
  const auto& tiles = c.limits.limits.at("tiles");
  for (const auto& spec : tiles) {
    EXPECT_DOUBLE_EQ(spec.rate, 100);
    EXPECT_DOUBLE_EQ(spec.burst, 200);
  }
  const auto& login = c.limits.limits.at("login")[static_cast<std::size_t>(Dimension::ip)];
  EXPECT_DOUBLE_EQ(login.rate, 0.5);
  EXPECT_DOUBLE_EQ(login.burst, 5);
  EXPECT_TRUE(c.limits.limits.at("upload")[static_cast<std::size_t>(Dimension::key)].unlimited());

  auto proxies = trusted_proxies(c);
  ASSERT_EQ(proxies.size(), 2u);
  EXPECT_EQ(proxies[0].to_string(), "10.0.0.0/8");
  EXPECT_TRUE(proxies[1].contains(*parse_ip("192.0.2.1")));
  EXPECT_FALSE(proxies[1].contains(*parse_ip("192.0.2.2")));

  auto s = security_settings(c);
  EXPECT_TRUE(s.require_key);
  EXPECT_FALSE(s.open_registration);
  EXPECT_EQ(s.session_ttl_s, 600);
  EXPECT_EQ(s.password_cost, security::PasswordCost::test);
  EXPECT_EQ(s.time_zone, "Asia/Shanghai");
  EXPECT_EQ(s.rate_limits.ban_after, 7);
  EXPECT_DOUBLE_EQ(s.rate_limits.limits.at("tiles")[0].rate, 100);
}

TEST(Config, OneDimensionOfAClassStartsFromTheLimitsInEffect) {
  Config c;
  c.limits.limits.erase("geocoding");
  apply_setting(c, "limits.api", "7/s burst 9");
  apply_setting(c, "limits.geocoding.ip", "1/s burst 1");
  const auto& g = c.limits.limits.at("geocoding");
  EXPECT_DOUBLE_EQ(g[static_cast<std::size_t>(security::Dimension::ip)].rate, 1);
  EXPECT_DOUBLE_EQ(g[static_cast<std::size_t>(security::Dimension::key)].rate, 7);
  EXPECT_DOUBLE_EQ(g[static_cast<std::size_t>(security::Dimension::key)].burst, 9);
  auto d = describe(c);
  EXPECT_EQ(d.at("limits.geocoding.ip"),
            security::to_string(security::parse_bucket_spec("1/s burst 1")));
  EXPECT_EQ(d.count("limits.geocoding"), 0u);  // described per dimension
}

TEST(Config, SecurityFromEnvironment) {
  Config c;
  setenv("SHIKONG_SECURITY_ADMIN_PASSWORD", "correct horse", 1);
  setenv("SHIKONG_LIMITS_MAPS_REFERER", "off", 1);
  setenv("SHIKONG_SECURITY_REQUIRE_KEY", "yes", 1);
  apply_environment(c);
  unsetenv("SHIKONG_SECURITY_ADMIN_PASSWORD");
  unsetenv("SHIKONG_LIMITS_MAPS_REFERER");
  unsetenv("SHIKONG_SECURITY_REQUIRE_KEY");
  EXPECT_EQ(c.admin_password, "correct horse");
  EXPECT_TRUE(c.require_key);
  EXPECT_TRUE(c.limits.limits.at("maps")[static_cast<std::size_t>(security::Dimension::referer)]
                  .unlimited());
  // The password is a secret: describe() says only that it is set.
  EXPECT_EQ(describe(c).at("security.admin_password"), "(set)");
  EXPECT_EQ(describe(Config{}).at("security.admin_password"), "");
}

TEST(Config, SecurityDefaultsAndCookieSecure) {
  Config c;
  auto d = describe(c);
  EXPECT_EQ(d.at("security.require_key"), "false");
  EXPECT_EQ(d.at("security.open_registration"), "true");
  EXPECT_EQ(d.at("security.admin_user"), "admin");
  EXPECT_EQ(d.at("security.session_ttl_s"), "28800");
  EXPECT_EQ(d.at("security.session_idle_s"), "7200");
  EXPECT_EQ(d.at("security.lockout_after"), "5");
  EXPECT_EQ(d.at("security.lockout_base_s"), "30");
  EXPECT_EQ(d.at("security.lockout_max_s"), "3600");
  EXPECT_EQ(d.at("security.password_cost"), "interactive");
  EXPECT_EQ(d.at("security.clock_offset_s"), "0");
  EXPECT_EQ(d.at("security.cookie_secure"), "auto");
  EXPECT_EQ(d.at("security.trusted_proxies"), "");
  EXPECT_EQ(d.at("limits.ban_after"),
            std::to_string(security::RateLimitSettings::defaults().ban_after));
  EXPECT_FALSE(cookie_secure(c));
  c.public_url = "https://data.example.org";
  EXPECT_TRUE(cookie_secure(c));
  apply_setting(c, "security.cookie_secure", "off");
  EXPECT_EQ(c.cookie_secure, "false");
  EXPECT_FALSE(cookie_secure(c));
  c.public_url = "http://local";
  apply_setting(c, "security.cookie_secure", "true");
  EXPECT_TRUE(cookie_secure(c));
  EXPECT_TRUE(trusted_proxies(Config{}).empty());
}

TEST(Config, SecurityValuesAreValidated) {
  Config c;
  auto refuses = [&](const std::string& key, const std::string& value) {
    try {
      apply_setting(c, key, value);
      ADD_FAILURE() << key << "=" << value << " was accepted";
    } catch (const InvalidInput& e) {
      EXPECT_EQ(e.parameter(), key);
      EXPECT_EQ(e.code(), "invalid-config");
    }
  };
  refuses("limits.tiles", "fast");
  refuses("limits.tiles.ip", "10 per second");
  refuses("security.password_cost", "slow");
  refuses("security.trusted_proxies", "10.0.0.0/8, proxy.example.org");
  refuses("security.session_ttl_s", "0");
  refuses("security.lockout_after", "-1");
  refuses("security.session_idle_s", "-5");
  refuses("security.cookie_secure", "sometimes");
  refuses("security.admin_user", "");
  refuses("limits.ban_after", "0");
  EXPECT_THROW(apply_setting(c, "limits.nonsense", "1/s"), InvalidInput);
  EXPECT_THROW(apply_setting(c, "limits.tiles.nose", "1/s"), InvalidInput);
  Config locks;
  apply_setting(locks, "security.lockout_base_s", "600");
  apply_setting(locks, "security.lockout_max_s", "60");
  EXPECT_THROW(security_settings(locks), InvalidInput);
  apply_setting(locks, "security.lockout_max_s", "600");
  EXPECT_EQ(security_settings(locks).lockout_max_s, 600);
  // Nothing was changed by the refused values.
  EXPECT_EQ(c.password_cost, "interactive");
  EXPECT_EQ(c.trusted_proxies, "");
  EXPECT_EQ(c.session_ttl_s, 8 * 3600);
}

TEST(Config, MapTileAndCacheSettings) {
  Config c;
  auto m = map_settings(c);
  EXPECT_EQ(m.max_width, 4096);
  EXPECT_EQ(m.max_pixels, 16777216);
  EXPECT_EQ(m.max_layers, 16);
  EXPECT_EQ(m.tile_render_buffer, 64);
  EXPECT_EQ(m.vector_tiles.extent, 4096u);
  EXPECT_EQ(m.vector_tiles.points, tiles::PointMode::thin);
  auto t = tile_cache_settings(c);
  EXPECT_EQ(t.memory_bytes, 256u << 20);
  EXPECT_TRUE(t.disk);
  EXPECT_EQ(t.directory, std::filesystem::path("var") / "cache" / "tiles");

  auto file = std::filesystem::temp_directory_path() / "shikong_config_maps_test.toml";
  {
    std::ofstream out(file);
    out << "[maps]\nmax_width = 1024\nmax_layers = 4\n[tiles]\nsimplify = 0.25\n"
           "points = \"cluster\"\n[cache]\nmemory_mb = 8\ndisk = false\n";
  }
  apply_toml_file(c, file);
  std::filesystem::remove(file);
  apply_setting(c, "maps.tile_buffer_px", "0");
  apply_setting(c, "storage.data_dir", "/srv/shikong");
  m = map_settings(c);
  EXPECT_EQ(m.max_width, 1024);
  EXPECT_EQ(m.max_layers, 4);
  EXPECT_EQ(m.tile_render_buffer, 0);
  EXPECT_EQ(m.vector_tiles.simplify, 0.25);
  EXPECT_EQ(m.vector_tiles.points, tiles::PointMode::cluster);
  t = tile_cache_settings(c);
  EXPECT_EQ(t.memory_bytes, 8u << 20);
  EXPECT_FALSE(t.disk);
  EXPECT_EQ(t.directory, std::filesystem::path("/srv/shikong/cache/tiles"));
  auto d = describe(c);
  EXPECT_EQ(d["tiles.simplify"], "0.25");
  EXPECT_EQ(d["tiles.points"], "cluster");
  EXPECT_EQ(d["cache.disk"], "false");
  EXPECT_EQ(d["maps.max_pixels"], "16777216");

  for (auto [key, value] : {std::pair{"tiles.points", "some"}, std::pair{"tiles.simplify", "-1"},
                            std::pair{"tiles.simplify", "x"}, std::pair{"maps.max_width", "0"},
                            std::pair{"cache.memory_mb", "-1"}}) {
    try {
      apply_setting(c, key, value);
      ADD_FAILURE() << key << "=" << value;
    } catch (const InvalidInput& e) {
      EXPECT_EQ(e.code(), "invalid-config");
      EXPECT_EQ(e.parameter(), key);
    }
  }
}

}  // namespace shikong::app
