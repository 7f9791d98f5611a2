#include "app/cli/args.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace shikong::app {

TEST(Args, ValuedBooleanAndPositional) {
  Args a({"a.csv", "--crs", "EPSG:4547", "--on-error=skip", "--repair-geometry", "b.csv"},
         {"--crs", "--on-error"}, {"--repair-geometry"});
  EXPECT_EQ(a.positionals(), (std::vector<std::string>{"a.csv", "b.csv"}));
  EXPECT_EQ(a.get("--crs"), "EPSG:4547");
  EXPECT_EQ(a.get("--on-error"), "skip");
  EXPECT_TRUE(a.has("--repair-geometry"));
  EXPECT_EQ(a.get("--missing", "x"), "x");
}

TEST(Args, RepeatedFlagsKeepEveryValueInOrder) {
  Args a({"--referer", "*.example.org", "--ip=10.0.0.0/8", "--referer", "maps.example.com"},
         {"--referer", "--ip", "--quota"}, {});
  EXPECT_EQ(a.get_all("--referer"),
            (std::vector<std::string>{"*.example.org", "maps.example.com"}));
  EXPECT_EQ(a.get("--referer"), "maps.example.com");
  EXPECT_EQ(a.get_all("--ip"), (std::vector<std::string>{"10.0.0.0/8"}));
  EXPECT_TRUE(a.get_all("--quota").empty());
}

TEST(Args, ErrorsNameTheOption) {
  try {
    Args a({"--bogus"}, {}, {});
    FAIL();
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.parameter(), "--bogus");
  }
  EXPECT_THROW(Args({"--crs"}, {"--crs"}, {}), InvalidInput);
}

}  // namespace shikong::app
