// JsonWriter: comma handling, nesting, string escaping and number formatting.
#include "protocol/json_writer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace shikong::protocol {
namespace {

TEST(JsonWriter, NestedObjectsAndArrays) {
  JsonWriter w;
  w.begin_object();
  w.key("type").value("FeatureCollection");
  w.key("n").value(3);
  w.key("ok").value(true);
  w.key("none").null();
  w.key("list").begin_array().value(1).value(-2).value(std::uint64_t{18446744073709551615u});
  w.begin_object().end_object().begin_array().end_array().end_array();
  w.key("geometry").raw(R"({"type":"Point","coordinates":[1,2]})");
  w.member("x", 1.5);
  w.end_object();
  EXPECT_TRUE(w.complete());
  EXPECT_EQ(w.str(), R"({"type":"FeatureCollection","n":3,"ok":true,"none":null,)"
                     R"("list":[1,-2,18446744073709551615,{},[]],)"
                     R"("geometry":{"type":"Point","coordinates":[1,2]},"x":1.5})");
}

TEST(JsonWriter, EscapesControlCharactersAndQuotes) {
  EXPECT_EQ(json_quote("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(json_quote("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(json_quote(std::string_view("\x00\x01\x1f\x7f", 4)), R"("\u0000\u0001\u001f)"
                                                                 "\x7f\"");
  EXPECT_EQ(json_quote("/"), R"("/")");
}

TEST(JsonWriter, KeepsValidUtf8AndReplacesInvalid) {
  EXPECT_EQ(json_quote("北京市"), "\"北京市\"");
  EXPECT_EQ(json_quote("\xF0\x9F\x98\x80"), "\"\xF0\x9F\x98\x80\"");  // U+1F600
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(json_quote("a\xFF"
                       "b"),
            "\"a" + fffd + "b\"");                                          // invalid byte
  EXPECT_EQ(json_quote("\xC0\xAF"), "\"" + fffd + fffd + "\"");             // overlong '/'
  EXPECT_EQ(json_quote("\xED\xA0\x80"), "\"" + fffd + fffd + fffd + "\"");  // surrogate
  EXPECT_EQ(json_quote("\xE5\x8C"), "\"" + fffd + fffd + "\"");             // truncated at end
  EXPECT_EQ(json_quote("\xF4\x90\x80\x80"), "\"" + fffd + fffd + fffd + fffd + "\"");
}

TEST(JsonWriter, NumbersRoundTrip) {
  std::string s;
  append_json_number(s, 0.1);
  EXPECT_EQ(s, "0.1");
  s.clear();
  append_json_number(s, 116.39123456789);
  EXPECT_EQ(s, "116.39123456789");
  s.clear();
  append_json_number(s, std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(s, "null");
  s.clear();
  append_json_number(s, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(s, "null");
  s.clear();
  append_json_number(s, 1e300);
  EXPECT_EQ(std::strtod(s.c_str(), nullptr), 1e300);
}

TEST(JsonWriter, TakeKeepsNestingState) {
  JsonWriter w;
  w.begin_array().value(1);
  EXPECT_EQ(w.take(), "[1");
  w.value(2).end_array();
  EXPECT_EQ(w.take(), ",2]");
  EXPECT_TRUE(w.complete());
}

TEST(JsonWriter, MisuseThrows) {
  JsonWriter w;
  w.begin_object();
  EXPECT_THROW(w.value(1), std::logic_error);
  EXPECT_THROW(w.end_array(), std::logic_error);
  JsonWriter a;
  a.begin_array();
  EXPECT_THROW(a.key("x"), std::logic_error);
}

}  // namespace
}  // namespace shikong::protocol
