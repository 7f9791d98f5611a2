// Fuzz target: the Cookie header parser of the security gate (every request's session cookie).
// Nothing throws; every kept pair is a valid RFC 6265 name and value; the pairs joined with "; "
// parse back the same; set_cookie_value accepts every kept pair and writes it first.
#include <cstdint>
#include <string>

#include "api/security_gate.hpp"
#include "fuzz_support.hpp"

using namespace shikong;

namespace {

bool token_char(unsigned char c) {  // RFC 7230 tchar
  if (c <= 0x20 || c >= 0x7f) return false;
  return std::string_view("()<>@,;:\\\"/[]?={}").find(static_cast<char>(c)) ==
         std::string_view::npos;
}
bool cookie_octet(unsigned char c) {  // RFC 6265 cookie-octet
  return c == 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) ||
         (c >= 0x3c && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  const auto pairs = api::parse_cookie_header(text);
  std::string joined;
  for (const auto& [name, value] : pairs) {
    fuzz::check(!name.empty(), "a cookie with an empty name was kept");
    for (unsigned char c : name) fuzz::check(token_char(c), "a cookie name with a non-token octet");
    for (unsigned char c : value)
      fuzz::check(cookie_octet(c), "a cookie value with an invalid octet");
    fuzz::check(name.size() + value.size() <= text.size(), "a cookie larger than the header");
    if (!joined.empty()) joined += "; ";
    joined += name + "=" + value;

    std::string line;
    try {
      line = api::set_cookie_value(api::SetCookie{name, value, 0});
    } catch (...) {
      fuzz::fail("set_cookie_value refused a pair the parser kept");
    }
    fuzz::check(line.rfind(name + "=" + value, 0) == 0,
                "Set-Cookie does not start with name=value");
  }
  fuzz::check(api::parse_cookie_header(joined) == pairs, "parsing the kept pairs again differs");
  return 0;
}
