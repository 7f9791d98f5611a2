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

// The places attached to a dataset's extent (EPSG:4490 degrees), countries first, then
// provinces, then cities, each once. With e = the extent, p = a place's box, "share of e in p" =
// area(e ∩ p) / area(e) (an axis where e has no width counts 1 if it lies within p's range, so
// a point or a line gets the places around it), and "share of p in e" = area(e ∩ p) / area(p):
//  1. p is a candidate when the share of e in p >= 1/4 (the place covers a quarter of the
//     extent), or when the share of p in e >= 1/4 (the extent covers a quarter of the place)
//     and p is not tiny beside e: area(p) >= area(e) / 2000, and for provinces and cities also
//     area(e) <= 4000 square degrees. So a world dataset gets the larger countries but no
//     province or city, a China-wide one gets China and its provinces but no city.
//  2. The anchor is the candidate containing e (share of e in p >= 0.9) of the most specific
//     kind (city, then province, then country), the smallest if several; it and the places it
//     belongs to (a city's province, a province's country) form a chain. For each kind with a
//     place P in the chain, the other candidates of that kind are kept only when their share
//     in e >= 0.75, or when they contain e too and their area is within 4 times P's. So a
//     Beijing extent gets 北京市 but not Hebei or Inner Mongolia (whose boxes contain Beijing)
//     nor Tianjin (overlapping its box); a Nanning extent gets China, not Vietnam.
//  3. A province or city is attached only when the place it belongs to is. So an Ireland
//     extent does not get Northern Ireland, nor a Hebei extent the Shandong city Jinan.
// Countries come first, then provinces, then cities; within a kind the chain's place, then the
// others by decreasing product of the two shares.
// Boxes are coarse: a place next to a dataset may still be attached.
std::vector<const Place*> places_for(const Envelope& extent);

}  // namespace shikong::search
