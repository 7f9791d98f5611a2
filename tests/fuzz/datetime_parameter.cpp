// Fuzz target: datum::parse_datetime_parameter (the OGC API `datetime` query parameter): throws
// only InvalidInput, and an accepted interval never ends before it starts.
#include <cstdint>

#include "core/error.hpp"
#include "datum/time.hpp"
#include "fuzz_support.hpp"

using namespace shikong;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Interval iv;
  try {
    iv = datum::parse_datetime_parameter(fuzz::as_text(data, size));
  } catch (const InvalidInput& e) {
    fuzz::check(e.parameter() == "datetime", "datetime error does not name its parameter");
    return 0;
  }
  fuzz::check(!iv.start || !iv.end || *iv.start <= *iv.end,
              "datetime interval ends before it starts");
  return 0;
}
