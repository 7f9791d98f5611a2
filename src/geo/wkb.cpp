// ISO WKB codec. The reader treats its input as hostile: every length is checked against the
// bytes that remain before anything is allocated, and nesting is bounded.
#include "geo/wkb.hpp"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "core/error.hpp"

namespace shikong::geo {
namespace {

constexpr int kMaxDepth = 32;
constexpr std::uint32_t kEwkbZ = 0x80000000u;
constexpr std::uint32_t kEwkbM = 0x40000000u;
constexpr std::uint32_t kEwkbSrid = 0x20000000u;

// --- writer ---------------------------------------------------------------------------------

void put_u32(std::string& out, std::uint32_t v) {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  char b[4];
  std::memcpy(b, &v, 4);
  out.append(b, 4);
}

void put_f64(std::string& out, double d) {
  std::uint64_t v;
  std::memcpy(&v, &d, 8);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  char b[8];
  std::memcpy(b, &v, 8);
  out.append(b, 8);
}

void put_coord(std::string& out, const Coord& c, bool z) {
  put_f64(out, c.x);
  put_f64(out, c.y);
  if (z) put_f64(out, c.z);
}

void put_count(std::string& out, std::size_t n) {
  if (n > std::numeric_limits<std::uint32_t>::max())
    throw InvalidInput("invalid-geometry", "The geometry has more parts than WKB can hold.");
  put_u32(out, static_cast<std::uint32_t>(n));
}

void write_geometry(std::string& out, const Geometry& g, bool z) {
  if (g.type == GeometryType::unknown)
    throw InvalidInput("invalid-geometry", "A geometry without a type cannot be written as WKB.");
  out.push_back('\x01');
  put_u32(out, static_cast<std::uint32_t>(g.type) + (z ? 1000u : 0u));
  switch (g.type) {
    case GeometryType::point:
      if (g.coords.empty()) {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        put_coord(out, Coord{nan, nan, nan}, z);
      } else {
        put_coord(out, g.coords.front(), z);
      }
      break;
    case GeometryType::line_string:
      put_count(out, g.coords.size());
      for (const auto& c : g.coords) put_coord(out, c, z);
      break;
    case GeometryType::polygon:
      put_count(out, g.rings.size());
      for (const auto& r : g.rings) {
        put_count(out, r.size());
        for (const auto& c : r) put_coord(out, c, z);
      }
      break;
    default:
      put_count(out, g.parts.size());
      for (const auto& p : g.parts) write_geometry(out, p, z);
      break;
  }
}

// --- reader ---------------------------------------------------------------------------------

[[noreturn]] void fail(const char* why) {
  throw InvalidInput("invalid-wkb", std::string("The WKB geometry is malformed: ") + why + ".");
}

struct Header {
  GeometryType type;
  bool z;
  bool m;
};

class Cursor {
 public:
  explicit Cursor(std::string_view b) : p_(b.data()), end_(b.data() + b.size()) {}

  std::size_t remaining() const { return static_cast<std::size_t>(end_ - p_); }
  void need(std::size_t n) const {
    if (remaining() < n) fail("it ends before the geometry does");
  }
  std::uint8_t byte() {
    need(1);
    return static_cast<std::uint8_t>(*p_++);
  }
  std::uint32_t u32(bool swap) {
    need(4);
    std::uint32_t v;
    std::memcpy(&v, p_, 4);
    p_ += 4;
    return swap ? __builtin_bswap32(v) : v;
  }
  double f64(bool swap) {
    std::uint64_t v;
    std::memcpy(&v, p_, 8);  // callers checked the size of the whole coordinate run
    p_ += 8;
    if (swap) v = __builtin_bswap64(v);
    double d;
    std::memcpy(&d, &v, 8);
    return d;
  }
  void skip(std::size_t n) {
    need(n);
    p_ += n;
  }

 private:
  const char* p_;
  const char* end_;
};

// The byte-order flag and type word of one geometry; `swap` is set for the byte order.
Header read_header(Cursor& c, bool& swap) {
  std::uint8_t order = c.byte();
  if (order > 1) fail("the byte order flag is neither 0 nor 1");
  swap = (order == 1) != (std::endian::native == std::endian::little);
  std::uint32_t t = c.u32(swap);
  bool z = (t & kEwkbZ) != 0;
  bool m = (t & kEwkbM) != 0;
  bool srid = (t & kEwkbSrid) != 0;
  t &= ~(kEwkbZ | kEwkbM | kEwkbSrid);
  if (t > 3007) fail("the geometry type code is unknown");
  std::uint32_t dim = t / 1000;
  std::uint32_t code = t % 1000;
  if (dim == 1 || dim == 3) z = true;
  if (dim == 2 || dim == 3) m = true;
  if (code < 1 || code > 7) fail("the geometry type code is unknown");
  if (srid) c.skip(4);
  return Header{static_cast<GeometryType>(code), z, m};
}

std::size_t read_count(Cursor& c, bool swap, std::size_t min_item_bytes) {
  std::uint32_t n = c.u32(swap);
  // A count can never promise more items than the remaining bytes could hold.
  if (static_cast<std::uint64_t>(n) * min_item_bytes > c.remaining())
    fail("a count is larger than the bytes that follow");
  return n;
}

struct Dims {
  bool z;
  bool m;
  std::size_t bytes() const { return 8u * (2u + (z ? 1u : 0u) + (m ? 1u : 0u)); }
};

Coord read_coord(Cursor& c, bool swap, Dims d) {
  Coord out;
  out.x = c.f64(swap);
  out.y = c.f64(swap);
  if (d.z) out.z = c.f64(swap);
  if (d.m) c.f64(swap);
  return out;
}

void read_coords(Cursor& c, bool swap, Dims d, std::vector<Coord>& out) {
  std::size_t n = read_count(c, swap, d.bytes());
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(read_coord(c, swap, d));
}

bool part_type_allowed(GeometryType parent, GeometryType part) {
  switch (parent) {
    case GeometryType::multi_point:
      return part == GeometryType::point;
    case GeometryType::multi_line_string:
      return part == GeometryType::line_string;
    case GeometryType::multi_polygon:
      return part == GeometryType::polygon;
    default:
      return true;
  }
}

// Parts take their parent's dimension, so a mixed-dimension input still yields a uniform model.
void set_dimension(Geometry& g, bool z) {
  if (g.has_z == z) return;
  g.has_z = z;
  if (!z) g.for_each_coord([](Coord& k) { k.z = 0; });
  for (auto& p : g.parts) set_dimension(p, z);
}

// Smallest possible encoding of any geometry: order byte, type word and a zero count.
constexpr std::size_t kMinGeometryBytes = 9;

Geometry read_geometry(Cursor& c, int depth) {
  if (depth > kMaxDepth) fail("geometry collections are nested too deeply");
  bool swap = false;
  Header h = read_header(c, swap);
  Dims d{h.z, h.m};
  Geometry g;
  g.type = h.type;
  g.has_z = h.z;
  switch (h.type) {
    case GeometryType::point: {
      c.need(d.bytes());
      Coord p = read_coord(c, swap, d);
      if (!(std::isnan(p.x) && std::isnan(p.y))) g.coords.push_back(p);
      break;
    }
    case GeometryType::line_string:
      read_coords(c, swap, d, g.coords);
      break;
    case GeometryType::polygon: {
      std::size_t n = read_count(c, swap, 4);
      g.rings.resize(n);
      for (auto& r : g.rings) read_coords(c, swap, d, r);
      break;
    }
    default: {
      std::size_t n = read_count(c, swap, kMinGeometryBytes);
      g.parts.reserve(n);
      for (std::size_t i = 0; i < n; ++i) {
        g.parts.push_back(read_geometry(c, depth + 1));
        if (!part_type_allowed(g.type, g.parts.back().type))
          fail("a multi-geometry holds a part of another type");
        set_dimension(g.parts.back(), g.has_z);
      }
      break;
    }
  }
  return g;
}

void scan_coords(Cursor& c, bool swap, Dims d, Envelope& e) {
  std::size_t n = read_count(c, swap, d.bytes());
  for (std::size_t i = 0; i < n; ++i) {
    Coord p = read_coord(c, swap, d);
    e.extend(p.x, p.y);
  }
}

GeometryType scan_geometry(Cursor& c, int depth, Envelope& e) {
  if (depth > kMaxDepth) fail("geometry collections are nested too deeply");
  bool swap = false;
  Header h = read_header(c, swap);
  Dims d{h.z, h.m};
  switch (h.type) {
    case GeometryType::point: {
      c.need(d.bytes());
      Coord p = read_coord(c, swap, d);
      if (!(std::isnan(p.x) && std::isnan(p.y))) e.extend(p.x, p.y);
      break;
    }
    case GeometryType::line_string:
      scan_coords(c, swap, d, e);
      break;
    case GeometryType::polygon: {
      std::size_t n = read_count(c, swap, 4);
      for (std::size_t i = 0; i < n; ++i) scan_coords(c, swap, d, e);
      break;
    }
    default: {
      std::size_t n = read_count(c, swap, kMinGeometryBytes);
      for (std::size_t i = 0; i < n; ++i)
        if (!part_type_allowed(h.type, scan_geometry(c, depth + 1, e)))
          fail("a multi-geometry holds a part of another type");
      break;
    }
  }
  return h.type;
}

// The exact encoded size, so that the writer allocates once.
std::size_t wkb_size(const Geometry& g, bool z) {
  const std::size_t coord = z ? 24 : 16;
  switch (g.type) {
    case GeometryType::point:
      return 5 + coord;
    case GeometryType::line_string:
      return 9 + coord * g.coords.size();
    case GeometryType::polygon: {
      std::size_t n = 9;
      for (const auto& r : g.rings) n += 4 + coord * r.size();
      return n;
    }
    default: {
      std::size_t n = 9;
      for (const auto& p : g.parts) n += wkb_size(p, z);
      return n;
    }
  }
}

}  // namespace

std::string to_wkb(const Geometry& g) {
  std::string out;
  out.reserve(wkb_size(g, g.has_z));
  write_geometry(out, g, g.has_z);
  return out;
}

Geometry from_wkb(std::string_view bytes) {
  Cursor c(bytes);
  Geometry g = read_geometry(c, 0);
  if (c.remaining() != 0) fail("bytes follow the end of the geometry");
  return g;
}

Envelope wkb_envelope(std::string_view bytes) {
  Cursor c(bytes);
  Envelope e;
  scan_geometry(c, 0, e);
  if (c.remaining() != 0) fail("bytes follow the end of the geometry");
  return e;
}

}  // namespace shikong::geo
