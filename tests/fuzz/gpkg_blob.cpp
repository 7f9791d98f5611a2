// Fuzz target: GeoPackage geometry blobs (uploaded .gpkg files): header, envelope, srs id, and
// the WKB inside.
#include <cstdint>

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "geo/gpkg_binary.hpp"
#include "geo/wkb.hpp"

using namespace shikong;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view blob = fuzz::as_text(data, size);
  try {
    (void)geo::gpkg_blob_srs_id(blob);
  } catch (const Error&) {
  }
  std::string_view wkb;
  try {
    wkb = geo::gpkg_blob_wkb(blob);
  } catch (const Error&) {
    return 0;
  }
  fuzz::check(wkb.empty() || (wkb.data() >= blob.data() &&
                              wkb.data() + wkb.size() <= blob.data() + blob.size()),
              "gpkg_blob_wkb returned a view outside the blob");
  try {
    (void)geo::from_wkb(wkb);
  } catch (const Error&) {
  }
  return 0;
}
