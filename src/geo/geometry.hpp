// The geometry model: simple features (OGC SFA) with optional Z, in the order x, y.
// Hot paths read WKB directly; this model is for codecs, transforms and validation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/envelope.hpp"

namespace shikong::geo {

enum class GeometryType : std::uint8_t {
  unknown = 0,  // "GEOMETRY": any type
  point = 1,
  line_string = 2,
  polygon = 3,
  multi_point = 4,
  multi_line_string = 5,
  multi_polygon = 6,
  geometry_collection = 7
};

std::string_view to_string(
    GeometryType t);  // "Point", "MultiPolygon", ... ("Geometry" for unknown)
std::string_view to_sql_name(GeometryType t);  // "POINT", "MULTIPOLYGON", ... ("GEOMETRY")
GeometryType geometry_type_from_name(std::string_view name);  // either spelling, case-insensitive

struct Coord {
  double x = 0;
  double y = 0;
  double z = 0;
  bool operator==(const Coord&) const = default;
};

using Ring = std::vector<Coord>;

struct Geometry {
  GeometryType type = GeometryType::unknown;
  bool has_z = false;
  std::vector<Coord> coords;    // point (0 or 1 coordinate), line_string
  std::vector<Ring> rings;      // polygon: exterior first, then holes
  std::vector<Geometry> parts;  // multi_* and geometry_collection

  bool empty() const;
  Envelope envelope() const;
  // Calls f(Coord&) for every coordinate, depth first.
  template <typename F>
  void for_each_coord(F&& f) {
    for (auto& c : coords) f(c);
    for (auto& r : rings)
      for (auto& c : r) f(c);
    for (auto& p : parts) p.for_each_coord(f);
  }
  template <typename F>
  void for_each_coord(F&& f) const {
    for (const auto& c : coords) f(c);
    for (const auto& r : rings)
      for (const auto& c : r) f(c);
    for (const auto& p : parts) p.for_each_coord(f);
  }
  bool operator==(const Geometry&) const = default;
};

// The most general type that holds both (e.g. point + multi_point -> multi_point; mixed ->
// unknown).
GeometryType common_type(GeometryType a, GeometryType b);

}  // namespace shikong::geo
