// Fuzz target: style documents as clients send them to the styles API. parse_style throws only
// InvalidInput("invalid-style") naming a JSON pointer; what it accepts survives to_json and
// parse again unchanged, and picking a symbol for any value never fails.
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "style/style.hpp"

using namespace shikong;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  style::Style s;
  try {
    s = style::parse_style(text);
  } catch (const InvalidInput& e) {
    fuzz::check(e.code() == "invalid-style", "a style error with another code");
    fuzz::check(e.parameter().empty() || e.parameter().front() == '/',
                "a style error whose parameter is not a JSON pointer");
    return 0;
  }
  const std::string json = style::to_json(s);
  style::Style again;
  try {
    again = style::parse_style(json);
  } catch (const InvalidInput&) {
    fuzz::fail("to_json wrote a document parse_style refuses");
  }
  fuzz::check(again == s, "a style changed through to_json and parse_style");
  (void)style::symbol_for(s, Value{});
  (void)style::symbol_for(s, Value{3.5});
  (void)style::symbol_for(s, Value{std::string("x")});
  return 0;
}
