// Fuzz target: geo::from_wkb and geo::wkb_envelope on arbitrary bytes (uploads, GeoPackage
// blobs, client WKB). Whatever the reader accepts must come back through the writer.
#include <cstdint>

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "geo/wkb.hpp"

using namespace shikong;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes = fuzz::as_text(data, size);
  try {
    (void)geo::wkb_envelope(bytes);
  } catch (const Error&) {
  }
  geo::Geometry g;
  try {
    g = geo::from_wkb(bytes);
  } catch (const Error&) {
    return 0;
  }
  std::string out = geo::to_wkb(g);
  try {
    geo::Geometry again = geo::from_wkb(out);
    fuzz::check(again.type == g.type, "WKB round trip changed the geometry type");
  } catch (const Error&) {
    fuzz::fail("WKB written by to_wkb is refused by from_wkb");
  }
  (void)g.envelope();
  return 0;
}
