// Fuzz target: geo::from_wkt on arbitrary text (CQL2 literals, CSV geometry columns). Whatever
// the reader accepts must come back through the writer.
#include <cstdint>

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "geo/wkb.hpp"
#include "geo/wkt.hpp"

using namespace shikong;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  geo::Geometry g;
  try {
    g = geo::from_wkt(fuzz::as_text(data, size));
  } catch (const Error&) {
    return 0;
  }
  std::string text = geo::to_wkt(g);
  try {
    geo::Geometry again = geo::from_wkt(text);
    fuzz::check(again.type == g.type, "WKT round trip changed the geometry type");
  } catch (const Error&) {
    fuzz::fail("WKT written by to_wkt is refused by from_wkt");
  }
  (void)geo::to_wkb(g);
  return 0;
}
