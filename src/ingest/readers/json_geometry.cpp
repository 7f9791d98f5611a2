// GeoJSON geometry from simdjson DOM: positions, rings and parts, with broken structure
// reported (not thrown) so the pipeline can reject or skip the one feature.
#include "ingest/readers/json_geometry.hpp"

#include <fmt/format.h>

namespace shikong::ingest {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;

bool position(element el, geo::Coord& c, bool& has_z, std::string& reason) {
  array a;
  if (el.get_array().get(a)) {
    reason = "a position is not an array";
    return false;
  }
  std::size_t i = 0;
  double v[3] = {0, 0, 0};
  for (element n : a) {
    double d;
    if (n.get_double().get(d)) {
      reason = "a coordinate is not a number";
      return false;
    }
    if (i < 3) v[i] = d;
    ++i;
  }
  if (i < 2) {
    reason = "a position has fewer than 2 coordinates";
    return false;
  }
  c = geo::Coord{v[0], v[1], v[2]};
  if (i >= 3) has_z = true;
  return true;
}

bool positions(element el, std::vector<geo::Coord>& out, bool& has_z, std::string& reason) {
  array a;
  if (el.get_array().get(a)) {
    reason = "coordinates are not an array of positions";
    return false;
  }
  out.clear();
  for (element p : a) {
    geo::Coord c;
    if (!position(p, c, has_z, reason)) return false;
    out.push_back(c);
  }
  return true;
}

bool rings(element el, std::vector<geo::Ring>& out, bool& has_z, std::string& reason) {
  array a;
  if (el.get_array().get(a)) {
    reason = "polygon coordinates are not an array of rings";
    return false;
  }
  out.clear();
  for (element r : a) {
    out.emplace_back();
    if (!positions(r, out.back(), has_z, reason)) return false;
  }
  return true;
}

}  // namespace

bool geometry_from_dom(element el, geo::Geometry& g, std::string& reason, int depth) {
  if (depth > 32) {
    reason = "geometry collections are nested too deeply";
    return false;
  }
  simdjson::dom::object obj;
  if (el.get_object().get(obj)) {
    reason = "the geometry is not an object";
    return false;
  }
  std::string_view type;
  if (obj["type"].get_string().get(type)) {
    reason = "the geometry has no type";
    return false;
  }
  g = geo::Geometry{};
  g.type = geo::geometry_type_from_name(type);
  if (g.type == geo::GeometryType::unknown) {
    reason = fmt::format("unknown geometry type \"{}\"", type.substr(0, 40));
    return false;
  }
  if (g.type == geo::GeometryType::geometry_collection) {
    array parts;
    if (obj["geometries"].get_array().get(parts)) {
      reason = "a GeometryCollection has no geometries array";
      return false;
    }
    for (element p : parts) {
      g.parts.emplace_back();
      if (!geometry_from_dom(p, g.parts.back(), reason, depth + 1)) return false;
      if (g.parts.back().has_z) g.has_z = true;
    }
    return true;
  }
  element coords;
  if (obj["coordinates"].get(coords)) {
    reason = "the geometry has no coordinates";
    return false;
  }
  switch (g.type) {
    case geo::GeometryType::point: {
      array a;
      if (coords.get_array().get(a)) {
        reason = "point coordinates are not an array";
        return false;
      }
      if (a.size() == 0) return true;  // POINT EMPTY
      g.coords.emplace_back();
      return position(coords, g.coords.back(), g.has_z, reason);
    }
    case geo::GeometryType::line_string:
      return positions(coords, g.coords, g.has_z, reason);
    case geo::GeometryType::polygon:
      return rings(coords, g.rings, g.has_z, reason);
    case geo::GeometryType::multi_point:
    case geo::GeometryType::multi_line_string:
    case geo::GeometryType::multi_polygon: {
      array a;
      if (coords.get_array().get(a)) {
        reason = "coordinates are not an array";
        return false;
      }
      for (element part : a) {
        g.parts.emplace_back();
        geo::Geometry& p = g.parts.back();
        bool ok = true;
        if (g.type == geo::GeometryType::multi_point) {
          p.type = geo::GeometryType::point;
          p.coords.emplace_back();
          ok = position(part, p.coords.back(), p.has_z, reason);
        } else if (g.type == geo::GeometryType::multi_line_string) {
          p.type = geo::GeometryType::line_string;
          ok = positions(part, p.coords, p.has_z, reason);
        } else {
          p.type = geo::GeometryType::polygon;
          ok = rings(part, p.rings, p.has_z, reason);
        }
        if (!ok) return false;
        if (p.has_z) g.has_z = true;
      }
      for (auto& p : g.parts) p.has_z = g.has_z;  // one dimension for the whole geometry
      return true;
    }
    default:
      break;
  }
  reason = "unsupported geometry";
  return false;
}

}  // namespace shikong::ingest
