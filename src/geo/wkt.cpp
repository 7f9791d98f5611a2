// WKT geometry text (OGC 06-103r4 7.2): a recursive-descent reader with limits on input size
// and nesting, and a writer with a chosen number of significant digits.
#include "geo/wkt.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>

#include "core/error.hpp"

namespace shikong::geo {
namespace {

constexpr std::size_t kMaxInput = 64u << 20;  // 64 MiB of text
constexpr int kMaxDepth = 32;

class Parser {
 public:
  explicit Parser(std::string_view t) : s_(t) {}

  Geometry parse() {
    Geometry g = geometry(0);
    skip_ws();
    if (i_ != s_.size()) fail("text follows the end of the geometry");
    return g;
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;

  [[noreturn]] void fail(const char* why) const {
    throw InvalidInput(
        "invalid-wkt",
        fmt::format("The WKT geometry is malformed at character {}: {}.", i_ + 1, why), "geometry");
  }

  void skip_ws() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  std::string word() {
    skip_ws();
    std::string w;
    while (i_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[i_])) && w.size() < 32)
      w.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(s_[i_++]))));
    return w;
  }
  bool peek(char c) {
    skip_ws();
    return i_ < s_.size() && s_[i_] == c;
  }
  void expect(char c) {
    if (!peek(c)) fail(c == '(' ? "'(' expected" : c == ')' ? "')' expected" : "',' expected");
    ++i_;
  }
  // True when the next word is EMPTY (consumed); otherwise consumes '('.
  bool open_or_empty() {
    skip_ws();
    if (i_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[i_]))) {
      if (word() != "EMPTY") fail("'(' or EMPTY expected");
      return true;
    }
    expect('(');
    return false;
  }
  bool more() {
    if (peek(',')) {
      ++i_;
      return true;
    }
    expect(')');
    return false;
  }

  double number() {
    skip_ws();
    const char* b = s_.data() + i_;
    const char* e = s_.data() + s_.size();
    if (b < e && *b == '+') ++b;
    double v = 0;
    auto r = std::from_chars(b, e, v);
    if (r.ec != std::errc() || r.ptr == b) fail("a number expected");
    if (!std::isfinite(v)) fail("a coordinate is not finite");
    i_ = static_cast<std::size_t>(r.ptr - s_.data());
    return v;
  }
  bool number_follows() {
    skip_ws();
    if (i_ >= s_.size()) return false;
    char c = s_[i_];
    return std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.';
  }

  // Dimension: 0 = not stated (2, 3 or 4 numbers), else explicit.
  struct Dim {
    bool stated = false;
    bool z = false;
    bool m = false;
  };

  Coord coord(Dim& d, bool& saw_z) {
    Coord c;
    c.x = number();
    c.y = number();
    if (d.stated) {
      if (d.z) c.z = number();
      if (d.m) number();
    } else {
      if (number_follows()) {
        c.z = number();
        saw_z = true;
        if (number_follows()) number();  // x y z m without a tag: M is dropped
      }
    }
    return c;
  }

  std::vector<Coord> coords(Dim& d, bool& saw_z) {
    std::vector<Coord> out;
    if (open_or_empty()) return out;
    do out.push_back(coord(d, saw_z));
    while (more());
    return out;
  }

  std::vector<Ring> rings(Dim& d, bool& saw_z) {
    std::vector<Ring> out;
    if (open_or_empty()) return out;
    do out.push_back(coords(d, saw_z));
    while (more());
    return out;
  }

  Dim dimension(std::string& kw) {
    Dim d;
    // "POINTZ", "POINT Z", "POINT ZM", "POINT M" are all in use.
    for (std::string_view suffix : {"ZM", "Z", "M"}) {
      if (kw.size() > suffix.size() && kw.ends_with(suffix) &&
          geometry_type_from_name(kw.substr(0, kw.size() - suffix.size())) !=
              GeometryType::unknown) {
        kw.resize(kw.size() - suffix.size());
        d.stated = true;
        d.z = suffix != "M";
        d.m = suffix != "Z";
        return d;
      }
    }
    std::size_t save = i_;
    std::string tag = word();
    if (tag == "Z" || tag == "M" || tag == "ZM") {
      d.stated = true;
      d.z = tag != "M";
      d.m = tag != "Z";
    } else {
      i_ = save;
    }
    return d;
  }

  Geometry geometry(int depth) {
    if (depth > kMaxDepth) fail("geometry collections are nested too deeply");
    std::string kw = word();
    if (kw.empty()) fail("a geometry type expected");
    Dim d = dimension(kw);
    Geometry g;
    g.type = geometry_type_from_name(kw);
    if (g.type == GeometryType::unknown) fail("unknown geometry type");
    bool saw_z = false;
    switch (g.type) {
      case GeometryType::point:
        if (!open_or_empty()) {
          g.coords.push_back(coord(d, saw_z));
          expect(')');
        }
        break;
      case GeometryType::line_string:
        g.coords = coords(d, saw_z);
        break;
      case GeometryType::polygon:
        g.rings = rings(d, saw_z);
        break;
      case GeometryType::multi_point:
        if (open_or_empty()) break;
        do {
          Geometry p;
          p.type = GeometryType::point;
          // Both "MULTIPOINT ((1 2), (3 4))" and "MULTIPOINT (1 2, 3 4)" are in the wild.
          if (peek('(')) {
            ++i_;
            p.coords.push_back(coord(d, saw_z));
            expect(')');
          } else if (!number_follows()) {
            if (word() != "EMPTY") fail("a point expected");
          } else {
            p.coords.push_back(coord(d, saw_z));
          }
          g.parts.push_back(std::move(p));
        } while (more());
        break;
      case GeometryType::multi_line_string:
        if (open_or_empty()) break;
        do {
          Geometry p;
          p.type = GeometryType::line_string;
          p.coords = coords(d, saw_z);
          g.parts.push_back(std::move(p));
        } while (more());
        break;
      case GeometryType::multi_polygon:
        if (open_or_empty()) break;
        do {
          Geometry p;
          p.type = GeometryType::polygon;
          p.rings = rings(d, saw_z);
          g.parts.push_back(std::move(p));
        } while (more());
        break;
      default:
        if (open_or_empty()) break;
        do {
          g.parts.push_back(geometry(depth + 1));
          saw_z = saw_z || g.parts.back().has_z;
        } while (more());
        break;
    }
    g.has_z = d.stated ? d.z : saw_z;
    if (g.type != GeometryType::geometry_collection)
      for (auto& p : g.parts) p.has_z = g.has_z;
    return g;
  }
};

// --- writer ---------------------------------------------------------------------------------

struct Writer {
  std::string& out;
  int precision;

  void number(double v) {
    if (precision < 0)
      fmt::format_to(std::back_inserter(out), "{}", v);
    else
      fmt::format_to(std::back_inserter(out), "{:.{}g}", v, precision);
  }
  void coord(const Coord& c, bool z) {
    number(c.x);
    out.push_back(' ');
    number(c.y);
    if (z) {
      out.push_back(' ');
      number(c.z);
    }
  }
  void coords(const std::vector<Coord>& cs, bool z) {
    if (cs.empty()) {
      out += "EMPTY";
      return;
    }
    out.push_back('(');
    for (std::size_t i = 0; i < cs.size(); ++i) {
      if (i) out += ", ";
      coord(cs[i], z);
    }
    out.push_back(')');
  }
  void rings(const std::vector<Ring>& rs, bool z) {
    if (rs.empty()) {
      out += "EMPTY";
      return;
    }
    out.push_back('(');
    for (std::size_t i = 0; i < rs.size(); ++i) {
      if (i) out += ", ";
      coords(rs[i], z);
    }
    out.push_back(')');
  }
  // The body after the tagged keyword.
  void body(const Geometry& g, bool z) {
    switch (g.type) {
      case GeometryType::point:
      case GeometryType::line_string:
        coords(g.coords, z);
        return;
      case GeometryType::polygon:
        rings(g.rings, z);
        return;
      default:
        break;
    }
    if (g.parts.empty()) {
      out += "EMPTY";
      return;
    }
    out.push_back('(');
    for (std::size_t i = 0; i < g.parts.size(); ++i) {
      if (i) out += ", ";
      if (g.type == GeometryType::geometry_collection)
        geometry(g.parts[i]);
      else
        body(g.parts[i], z);
    }
    out.push_back(')');
  }
  void geometry(const Geometry& g) {
    if (g.type == GeometryType::unknown)
      throw InvalidInput("invalid-geometry", "A geometry without a type cannot be written as WKT.");
    out += to_sql_name(g.type);
    out += g.has_z ? " Z " : " ";
    body(g, g.has_z);
  }
};

}  // namespace

Geometry from_wkt(std::string_view text) {
  if (text.size() > kMaxInput)
    throw InvalidInput("invalid-wkt", "The WKT geometry is longer than 64 MiB.", "geometry");
  return Parser(text).parse();
}

std::string to_wkt(const Geometry& g, int precision) {
  std::string out;
  Writer{out, precision}.geometry(g);
  return out;
}

}  // namespace shikong::geo
