// Geometry validity and predicates through GEOS (the only GEOS user).
#pragma once

#include <string>

#include "geo/geometry.hpp"

namespace shikong::geo {

struct Validity {
  bool valid = true;
  std::string reason;  // GEOS's reason text, for reports and logs ("Self-intersection[x y]")
};

Validity check_validity(const Geometry& g);
Geometry make_valid(const Geometry& g);
bool intersects(const Geometry& a, const Geometry& b);

}  // namespace shikong::geo
