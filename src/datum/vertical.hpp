// Vertical datum tags carried in metadata and capabilities (no height transformation yet).
#pragma once

#include <string>
#include <string_view>

namespace shikong::datum {

// The default tag for DEMs: EPSG:5737, Yellow Sea 1985 height.
inline constexpr std::string_view default_vertical_datum = "EPSG:5737";
// Validates a vertical CRS code through PROJ; returns "EPSG:<code>" or throws
// InvalidInput("unknown-vertical-datum").
std::string parse_vertical_datum(std::string_view text);
std::string vertical_datum_name(std::string_view code);  // "Yellow Sea 1985 height"

}  // namespace shikong::datum
