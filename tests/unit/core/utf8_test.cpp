#include "core/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace shikong {

TEST(Utf8, WellFormed) {
  EXPECT_TRUE(is_well_formed_utf8(""));
  EXPECT_TRUE(is_well_formed_utf8("plain ascii"));
  EXPECT_TRUE(is_well_formed_utf8("北京市主要道路 é \xF0\x9F\x97\xBA"));
  EXPECT_FALSE(is_well_formed_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_well_formed_utf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(is_well_formed_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_well_formed_utf8("\xE5\x8C"));          // cut off
  EXPECT_FALSE(is_well_formed_utf8("a\x80z"));            // a stray continuation byte
}

TEST(Utf8, JsonPointerEscapesTildeAndSlash) {
  EXPECT_EQ(json_pointer("", "title"), "/title");
  EXPECT_EQ(json_pointer("/rules/0", "a/b~c"), "/rules/0/a~1b~0c");
}

}  // namespace shikong
