// A small built-in gazetteer for indexing: China's provinces and major cities and the world's
// countries, each with Chinese and English names and an extent, so that a record is found by
// the places its data covers.
#pragma once

#include <string_view>
#include <vector>

#include "core/envelope.hpp"

namespace shikong::search {

struct Place {
  std::string_view name_zh;
  std::string_view name_en;
  std::string_view kind;  // "country", "province", "city"
  Envelope extent;        // EPSG:4490 degrees, x = longitude; a city is a small box
};

const std::vector<Place>& gazetteer();

// Places whose extent intersects `extent` and that are "in" it: a place is attached when it
// covers at least a quarter of the extent's area or the extent covers at least a quarter of
// the place (so a world dataset is not tagged with every city, and a city dataset gets its
// city, province and country).
std::vector<const Place*> places_for(const Envelope& extent);

}  // namespace shikong::search
