// Fuzz target: geo::geometry_from_geojson on arbitrary text (intersects= parameters, GeoJSON
// geometry columns). Whatever the reader accepts must come back through the writer.
#include <cstdint>

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "geo/geojson.hpp"

using namespace shikong;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  geo::Geometry g;
  try {
    g = geo::geometry_from_geojson(fuzz::as_text(data, size));
  } catch (const Error&) {
    return 0;
  }
  std::string out;
  geo::write_geojson_geometry(out, g);
  try {
    geo::Geometry again = geo::geometry_from_geojson(out);
    fuzz::check(again.type == g.type, "GeoJSON round trip changed the geometry type");
  } catch (const Error&) {
    fuzz::fail("GeoJSON written by write_geojson_geometry is refused by geometry_from_geojson");
  }
  out.clear();
  geo::write_geojson_geometry(out, g, 6, true);
  return 0;
}
