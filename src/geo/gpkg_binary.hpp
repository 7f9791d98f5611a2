// GeoPackage geometry blobs (GPKG header + ISO WKB), per OGC 12-128r18 clause 2.1.3.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/envelope.hpp"

namespace shikong::geo {

// Empty `envelope` writes the "no envelope" header flag and the empty-geometry flag when wkb is
// an empty geometry.
std::string to_gpkg_blob(std::string_view wkb, const Envelope& envelope, std::int32_t srs_id);
// The WKB inside a blob (a view into `blob`); throws InvalidInput("invalid-gpkg-geometry").
std::string_view gpkg_blob_wkb(std::string_view blob);
std::int32_t gpkg_blob_srs_id(std::string_view blob);

}  // namespace shikong::geo
