// ISO WKB (little- and big-endian in, little-endian out; Z as ISO 1000+ and EWKB flag on input).
#pragma once

#include <string>
#include <string_view>

#include "geo/geometry.hpp"

namespace shikong::geo {

std::string to_wkb(const Geometry& g);
// Throws InvalidInput("invalid-wkb") on truncated or malformed bytes; nesting depth is limited.
Geometry from_wkb(std::string_view bytes);
// Reads only the envelope of WKB bytes without building a Geometry.
Envelope wkb_envelope(std::string_view bytes);

}  // namespace shikong::geo
