// WKT geometry text (OGC 06-103r4), with Z, M ignored, EMPTY, and limits on depth and size.
#pragma once

#include <string>
#include <string_view>

#include "geo/geometry.hpp"

namespace shikong::geo {

Geometry from_wkt(std::string_view text);  // throws InvalidInput("invalid-wkt")
std::string to_wkt(const Geometry& g, int precision = 15);

}  // namespace shikong::geo
