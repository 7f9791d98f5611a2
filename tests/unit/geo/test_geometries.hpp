// Small geometries of every type, shared by the codec tests.
#pragma once

#include "geo/geometry.hpp"

namespace shikong::geo::testing {

inline Geometry point(double x, double y) {
  return {GeometryType::point, false, {{x, y, 0}}, {}, {}};
}
inline Geometry point_z(double x, double y, double z) {
  return {GeometryType::point, true, {{x, y, z}}, {}, {}};
}
inline Geometry empty_of(GeometryType t, bool z = false) {
  return {t, z, {}, {}, {}};
}
inline Geometry line(std::vector<Coord> cs, bool z = false) {
  return {GeometryType::line_string, z, std::move(cs), {}, {}};
}
inline Geometry polygon(std::vector<Ring> rs, bool z = false) {
  return {GeometryType::polygon, z, {}, std::move(rs), {}};
}
inline Geometry multi(GeometryType t, std::vector<Geometry> parts, bool z = false) {
  return {t, z, {}, {}, std::move(parts)};
}
inline Ring square(double x0, double y0, double size) {
  return {
      {x0, y0, 0}, {x0 + size, y0, 0}, {x0 + size, y0 + size, 0}, {x0, y0 + size, 0}, {x0, y0, 0}};
}

}  // namespace shikong::geo::testing
