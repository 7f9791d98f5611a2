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
