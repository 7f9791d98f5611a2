// GeoJSON geometry objects (RFC 7946 section 3.1): a writer that appends straight into the
// response buffer, and a strict reader that says exactly which position is wrong.
#include "geo/geojson.hpp"

#include <fmt/format.h>

#include <simdjson.h>
#include <cmath>
#include <cstring>

#include "core/error.hpp"
#include "core/log.hpp"

namespace shikong::geo {
namespace {

// --- writer ---------------------------------------------------------------------------------

void put_number(std::string& out, double v, int precision) {
  if (!std::isfinite(v)) {
    out += "null";  // JSON has no NaN or infinity; null keeps the document parseable
    return;
  }
  char buf[64];
  // Fixed notation of a huge value would overflow the buffer and means nothing at any precision.
  if (precision < 0 || std::fabs(v) >= 1e15) {
    auto r = fmt::format_to_n(buf, sizeof buf, "{}", v);
    out.append(buf, r.out);
    return;
  }
  auto r = fmt::format_to_n(buf, sizeof buf, "{:.{}f}", v, precision > 17 ? 17 : precision);
  std::size_t n = static_cast<std::size_t>(r.out - buf);
  // "116.400000" -> "116.4", "3.000" -> "3": the precision is a ceiling, not padding.
  if (std::memchr(buf, '.', n) != nullptr) {
    while (n > 0 && buf[n - 1] == '0') --n;
    if (n > 0 && buf[n - 1] == '.') --n;
  }
  if (n == 2 && buf[0] == '-' && buf[1] == '0') {
    out.push_back('0');
    return;
  }
  out.append(buf, n);
}

struct Writer {
  std::string& out;
  int precision;
  bool swap_xy;

  void position(const Coord& c, bool z) {
    out.push_back('[');
    put_number(out, swap_xy ? c.y : c.x, precision);
    out.push_back(',');
    put_number(out, swap_xy ? c.x : c.y, precision);
    if (z) {
      out.push_back(',');
      put_number(out, c.z, precision);
    }
    out.push_back(']');
  }
  void positions(const std::vector<Coord>& cs, bool z) {
    out.push_back('[');
    for (std::size_t i = 0; i < cs.size(); ++i) {
      if (i) out.push_back(',');
      position(cs[i], z);
    }
    out.push_back(']');
  }
  void rings(const std::vector<Ring>& rs, bool z) {
    out.push_back('[');
    for (std::size_t i = 0; i < rs.size(); ++i) {
      if (i) out.push_back(',');
      positions(rs[i], z);
    }
    out.push_back(']');
  }
  // The "coordinates" value of a non-collection geometry.
  void coordinates(const Geometry& g, bool z) {
    switch (g.type) {
      case GeometryType::point:
        if (g.coords.empty())
          out += "[]";
        else
          position(g.coords.front(), z);
        break;
      case GeometryType::line_string:
        positions(g.coords, z);
        break;
      case GeometryType::polygon:
        rings(g.rings, z);
        break;
      case GeometryType::multi_point:
        out.push_back('[');
        {
          bool first = true;
          for (const auto& p : g.parts) {
            if (p.coords.empty()) continue;  // GeoJSON has no empty position inside a MultiPoint
            if (!first) out.push_back(',');
            first = false;
            position(p.coords.front(), z);
          }
        }
        out.push_back(']');
        break;
      case GeometryType::multi_line_string:
        out.push_back('[');
        for (std::size_t i = 0; i < g.parts.size(); ++i) {
          if (i) out.push_back(',');
          positions(g.parts[i].coords, z);
        }
        out.push_back(']');
        break;
      case GeometryType::multi_polygon:
        out.push_back('[');
        for (std::size_t i = 0; i < g.parts.size(); ++i) {
          if (i) out.push_back(',');
          rings(g.parts[i].rings, z);
        }
        out.push_back(']');
        break;
      default:
        out += "[]";
        break;
    }
  }
  void geometry(const Geometry& g) {
    if (g.type == GeometryType::unknown) {
      out += "null";
      return;
    }
    out += "{\"type\":\"";
    out += to_string(g.type);
    if (g.type == GeometryType::geometry_collection) {
      out += "\",\"geometries\":[";
      for (std::size_t i = 0; i < g.parts.size(); ++i) {
        if (i) out.push_back(',');
        geometry(g.parts[i]);
      }
      out += "]}";
      return;
    }
    out += "\",\"coordinates\":";
    coordinates(g, g.has_z);
    out.push_back('}');
  }
};

// --- reader ---------------------------------------------------------------------------------

constexpr int kMaxDepth = 32;

[[noreturn]] void fail(const std::string& why) {
  throw InvalidInput("invalid-geojson-geometry", why, "geometry");
}

// Where a value sits in the document ("geometry.coordinates[0][3]"); built as a chain of stack
// nodes so that the text is only made when an error is reported.
struct Path {
  const Path* parent;
  const char* member;  // nullptr: an array index
  std::size_t index;
  std::string str() const {
    std::string head = parent ? parent->str() : std::string();
    if (member) return parent ? head + "." + member : std::string(member);
    return fmt::format("{}[{}]", head, index);
  }
};

struct Reader {
  bool any_z = false;

  double number(simdjson::dom::element e, const Path& path) {
    switch (e.type()) {
      case simdjson::dom::element_type::DOUBLE:
        return e.get_double().value_unsafe();
      case simdjson::dom::element_type::INT64:
        return static_cast<double>(e.get_int64().value_unsafe());
      case simdjson::dom::element_type::UINT64:
        return static_cast<double>(e.get_uint64().value_unsafe());
      default:
        fail(fmt::format("The coordinate at {} is not a number.", path.str()));
    }
  }

  simdjson::dom::array array(simdjson::dom::element e, const Path& path, const char* what) {
    simdjson::dom::array a;
    if (e.get_array().get(a) != simdjson::SUCCESS)
      fail(fmt::format("The value at {} must be an array of {}.", path.str(), what));
    return a;
  }

  Coord position(simdjson::dom::element e, const Path& path) {
    auto a = array(e, path, "numbers (a position)");
    std::size_t n = a.size();
    if (n < 2 || n > 3)
      fail(fmt::format("The position at {} has {} value{}; a position needs 2 or 3.", path.str(), n,
                       n == 1 ? "" : "s"));
    Coord c;
    c.x = number(a.at(0).value_unsafe(), Path{&path, nullptr, 0});
    c.y = number(a.at(1).value_unsafe(), Path{&path, nullptr, 1});
    if (n == 3) {
      c.z = number(a.at(2).value_unsafe(), Path{&path, nullptr, 2});
      any_z = true;
    }
    return c;
  }

  std::vector<Coord> positions(simdjson::dom::element e, const Path& path) {
    auto a = array(e, path, "positions");
    std::vector<Coord> out;
    out.reserve(a.size());
    std::size_t i = 0;
    for (auto p : a) out.push_back(position(p, Path{&path, nullptr, i++}));
    return out;
  }

  std::vector<Coord> line(simdjson::dom::element e, const Path& path) {
    auto cs = positions(e, path);
    if (cs.size() == 1)
      fail(fmt::format("The line string at {} has 1 position; a line string needs at least 2.",
                       path.str()));
    return cs;
  }

  std::vector<Ring> polygon(simdjson::dom::element e, const Path& path) {
    auto a = array(e, path, "linear rings");
    std::vector<Ring> out;
    std::size_t i = 0;
    for (auto r : a) {
      Path rp{&path, nullptr, i++};
      Ring ring = positions(r, rp);
      if (ring.size() < 4)
        fail(fmt::format("The polygon ring at {} has {} positions; a linear ring needs at least 4.",
                         rp.str(), ring.size()));
      if (ring.front() != ring.back())
        fail(fmt::format(
            "The polygon ring at {} is not closed: its first and last positions differ.",
            rp.str()));
      out.push_back(std::move(ring));
    }
    return out;
  }

  Geometry geometry(simdjson::dom::element e, const Path& path, int depth) {
    if (depth > kMaxDepth) fail("Geometry collections are nested too deeply.");
    simdjson::dom::object obj;
    if (e.get_object().get(obj) != simdjson::SUCCESS)
      fail(fmt::format("The geometry at {} must be a JSON object.", path.str()));
    std::string_view type;
    if (obj["type"].get_string().get(type) != simdjson::SUCCESS)
      fail(fmt::format("The geometry at {} has no \"type\" string.", path.str()));
    Geometry g;
    static constexpr GeometryType kTypes[] = {GeometryType::point,
                                              GeometryType::line_string,
                                              GeometryType::polygon,
                                              GeometryType::multi_point,
                                              GeometryType::multi_line_string,
                                              GeometryType::multi_polygon,
                                              GeometryType::geometry_collection};
    for (auto t : kTypes)
      if (type == to_string(t)) g.type = t;
    if (g.type == GeometryType::unknown)
      fail(fmt::format("The geometry type \"{}\" at {} is not a GeoJSON geometry type.",
                       type.substr(0, 40), path.str()));

    if (g.type == GeometryType::geometry_collection) {
      simdjson::dom::element gs;
      if (obj["geometries"].get(gs) != simdjson::SUCCESS)
        fail(fmt::format("The GeometryCollection at {} has no \"geometries\" member.", path.str()));
      Path gp{&path, "geometries", 0};
      auto a = array(gs, gp, "geometries");
      std::size_t i = 0;
      for (auto p : a) g.parts.push_back(geometry(p, Path{&gp, nullptr, i++}, depth + 1));
      return g;
    }

    simdjson::dom::element c;
    if (obj["coordinates"].get(c) != simdjson::SUCCESS)
      fail(fmt::format("The {} at {} has no \"coordinates\" member.", type, path.str()));
    Path cp{&path, "coordinates", 0};
    switch (g.type) {
      case GeometryType::point: {
        auto a = array(c, cp, "numbers (a position)");
        if (a.size() != 0) g.coords.push_back(position(c, cp));
        break;
      }
      case GeometryType::line_string:
        g.coords = line(c, cp);
        break;
      case GeometryType::polygon:
        g.rings = polygon(c, cp);
        break;
      case GeometryType::multi_point: {
        for (const auto& p : positions(c, cp)) {
          Geometry pt;
          pt.type = GeometryType::point;
          pt.coords.push_back(p);
          g.parts.push_back(std::move(pt));
        }
        break;
      }
      case GeometryType::multi_line_string: {
        auto a = array(c, cp, "line strings");
        std::size_t i = 0;
        for (auto l : a) {
          Geometry part;
          part.type = GeometryType::line_string;
          part.coords = line(l, Path{&cp, nullptr, i++});
          g.parts.push_back(std::move(part));
        }
        break;
      }
      default: {
        auto a = array(c, cp, "polygons");
        std::size_t i = 0;
        for (auto l : a) {
          Geometry part;
          part.type = GeometryType::polygon;
          part.rings = polygon(l, Path{&cp, nullptr, i++});
          g.parts.push_back(std::move(part));
        }
        break;
      }
    }
    return g;
  }
};

void set_z(Geometry& g, bool z) {
  g.has_z = z;
  for (auto& p : g.parts) set_z(p, z);
}

}  // namespace

void write_geojson_geometry(std::string& out, const Geometry& g, int precision, bool swap_xy) {
  Writer{out, precision, swap_xy}.geometry(g);
}

Geometry geometry_from_geojson(std::string_view json) {
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  auto err = parser.parse(padded).get(root);
  if (err != simdjson::SUCCESS) {
    log::debug("GeoJSON geometry parse error: {}", simdjson::error_message(err));
    fail("The geometry is not valid JSON.");
  }
  Reader r;
  Geometry g = r.geometry(root, Path{nullptr, "geometry", 0}, 0);
  // A geometry is 3-D when any of its positions carries a height; the others read as z = 0.
  set_z(g, r.any_z);
  return g;
}

}  // namespace shikong::geo
