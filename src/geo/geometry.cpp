// Geometry model helpers: type names, emptiness, envelopes and type promotion.
#include "geo/geometry.hpp"

#include <array>
#include <cctype>
#include <cmath>

namespace shikong::geo {
namespace {

struct TypeNames {
  GeometryType type;
  std::string_view name;
  std::string_view sql;
};

constexpr std::array<TypeNames, 8> kNames{{
    {GeometryType::unknown, "Geometry", "GEOMETRY"},
    {GeometryType::point, "Point", "POINT"},
    {GeometryType::line_string, "LineString", "LINESTRING"},
    {GeometryType::polygon, "Polygon", "POLYGON"},
    {GeometryType::multi_point, "MultiPoint", "MULTIPOINT"},
    {GeometryType::multi_line_string, "MultiLineString", "MULTILINESTRING"},
    {GeometryType::multi_polygon, "MultiPolygon", "MULTIPOLYGON"},
    {GeometryType::geometry_collection, "GeometryCollection", "GEOMETRYCOLLECTION"},
}};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

}  // namespace

std::string_view to_string(GeometryType t) {
  for (const auto& n : kNames)
    if (n.type == t) return n.name;
  return "Geometry";
}

std::string_view to_sql_name(GeometryType t) {
  for (const auto& n : kNames)
    if (n.type == t) return n.sql;
  return "GEOMETRY";
}

GeometryType geometry_type_from_name(std::string_view name) {
  // "LineString" and "LINESTRING" differ only in case, so one comparison covers both spellings.
  for (const auto& n : kNames)
    if (iequals(name, n.sql)) return n.type;
  return GeometryType::unknown;
}

bool Geometry::empty() const {
  switch (type) {
    case GeometryType::point:
    case GeometryType::line_string:
      return coords.empty();
    case GeometryType::polygon:
      return rings.empty() || rings.front().empty();
    default:
      for (const auto& p : parts)
        if (!p.empty()) return false;
      return true;
  }
}

Envelope Geometry::envelope() const {
  Envelope e;
  for_each_coord([&e](const Coord& c) {
    if (!std::isnan(c.x) && !std::isnan(c.y)) e.extend(c.x, c.y);
  });
  return e;
}

GeometryType common_type(GeometryType a, GeometryType b) {
  if (a == b) return a;
  auto multi_of = [](GeometryType t) {
    switch (t) {
      case GeometryType::point:
        return GeometryType::multi_point;
      case GeometryType::line_string:
        return GeometryType::multi_line_string;
      case GeometryType::polygon:
        return GeometryType::multi_polygon;
      default:
        return t;
    }
  };
  GeometryType ma = multi_of(a);
  GeometryType mb = multi_of(b);
  if (ma == mb) return ma;
  return GeometryType::unknown;
}

}  // namespace shikong::geo
