// Fuzz target: the OGC API - Features query parameters limit, offset and bbox (in CRS84 and in
// latitude-first EPSG:4490). Each throws only InvalidInput naming its parameter, and what it
// accepts is in range: a finite box whose lower corner is below its upper one.
#include <cmath>
#include <cstdint>

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "ogc/params.hpp"

using namespace shikong;

namespace {

void check_bbox(std::string_view text, const datum::Crs& crs) {
  try {
    Envelope e = ogc::parse_bbox(text, crs);
    fuzz::check(std::isfinite(e.min_x) && std::isfinite(e.min_y) && std::isfinite(e.max_x) &&
                    std::isfinite(e.max_y),
                "parse_bbox accepted a non-finite box");
    fuzz::check(e.min_x <= e.max_x && e.min_y <= e.max_y, "parse_bbox accepted an inverted box");
    if (crs.geographic)
      fuzz::check(e.min_y >= -90 && e.max_y <= 90, "parse_bbox accepted a latitude beyond 90");
  } catch (const InvalidInput& err) {
    fuzz::check(err.parameter() == "bbox", "a bbox error does not name bbox");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const datum::Crs crs84 = datum::crs84();
  static const datum::Crs cgcs2000 = datum::epsg(4490);
  std::string_view text = fuzz::as_text(data, size);
  try {
    std::int64_t limit = ogc::parse_limit(text, 10, 1000);
    fuzz::check(limit >= 1 && limit <= 1000, "parse_limit returned a limit outside 1..max");
  } catch (const InvalidInput& err) {
    fuzz::check(err.parameter() == "limit", "a limit error does not name limit");
  }
  try {
    fuzz::check(ogc::parse_offset(text) >= 0, "parse_offset returned a negative offset");
  } catch (const InvalidInput& err) {
    fuzz::check(err.parameter() == "offset", "an offset error does not name offset");
  }
  check_bbox(text, crs84);
  check_bbox(text, cgcs2000);
  return 0;
}
