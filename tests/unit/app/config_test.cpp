#include "app/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

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

}  // namespace shikong::app
