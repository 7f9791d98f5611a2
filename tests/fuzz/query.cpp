// Fuzz target: query strings and percent-decoding (every request's target). Parsing throws only
// InvalidInput, respects the parameter limit, and what build_query writes parses back the same.
#include <cstdint>

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "protocol/query.hpp"

using namespace shikong;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  auto [path, query] = protocol::split_target(text);
  fuzz::check(path.size() + query.size() <= text.size(), "split_target grew the target");

  std::string encoded = protocol::url_encode(text);
  try {
    fuzz::check(protocol::percent_decode(encoded, false) == text,
                "percent_decode(url_encode(s)) differs from s");
  } catch (const InvalidInput&) {
    fuzz::fail("percent_decode refused what url_encode wrote");
  }
  try {
    (void)protocol::percent_decode(text, false, "invalid-path", "path");
  } catch (const InvalidInput&) {
  }

  protocol::QueryParams params;
  try {
    params = protocol::parse_query(query.empty() ? text : query);
  } catch (const InvalidInput&) {
    return 0;
  }
  fuzz::check(params.size() <= protocol::kMaxQueryParams, "parse_query exceeded its limit");
  try {
    fuzz::check(protocol::parse_query(protocol::build_query(params)) == params,
                "parse_query(build_query(p)) differs from p");
  } catch (const InvalidInput&) {
    fuzz::fail("parse_query refused what build_query wrote");
  }
  return 0;
}
