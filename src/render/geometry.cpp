// Stored WKB read into flat coordinate arrays and projected to surface pixels in one pass per
// feature, without building geo::Geometry objects (the hot path of every map).
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <numbers>

#include "core/error.hpp"
#include "render/render_internal.hpp"

namespace shikong::render::detail {
namespace {

constexpr int kMaxDepth = 16;
constexpr std::uint32_t kEwkbZ = 0x80000000u;
constexpr std::uint32_t kEwkbM = 0x40000000u;
constexpr std::uint32_t kEwkbSrid = 0x20000000u;

class WkbReader {
 public:
  WkbReader(std::string_view b)
      : p_(reinterpret_cast<const unsigned char*>(b.data())), end_(p_ + b.size()) {}

  bool geometry(FlatGeometry& out, std::uint32_t& polygons, int depth) {
    if (depth > kMaxDepth || end_ - p_ < 5) return false;
    const bool le = *p_++ == 1;
    std::uint32_t type = u32(le);
    bool z = (type & kEwkbZ) != 0;
    bool m = (type & kEwkbM) != 0;
    if (type & kEwkbSrid) {
      if (end_ - p_ < 4) return false;
      p_ += 4;
    }
    type &= 0x0fffffffu;
    const std::uint32_t dims = type / 1000;
    type %= 1000;
    if (dims == 1 || dims == 3) z = true;
    if (dims == 2 || dims == 3) m = true;
    if (dims > 3) return false;
    const int n_dims = 2 + (z ? 1 : 0) + (m ? 1 : 0);
    switch (type) {
      case 1: {
        std::uint32_t at = static_cast<std::uint32_t>(out.points());
        if (!coords(out, 1, n_dims, le)) return false;
        const double x = out.xy[out.xy.size() - 2];
        if (std::isnan(x)) {  // POINT EMPTY
          out.xy.resize(out.xy.size() - 2);
          return true;
        }
        out.parts.push_back({at, at + 1, PartKind::point, 0});
        return true;
      }
      case 2:
        return sequence(out, PartKind::line, 0, n_dims, le);
      case 3: {
        if (end_ - p_ < 4) return false;
        std::uint32_t rings = u32(le);
        if (rings > static_cast<std::uint32_t>(end_ - p_) / 4) return false;
        const std::uint32_t id = polygons++;
        for (std::uint32_t i = 0; i < rings; ++i)
          if (!sequence(out, PartKind::ring, id, n_dims, le)) return false;
        return true;
      }
      case 4:
      case 5:
      case 6:
      case 7: {
        if (end_ - p_ < 4) return false;
        std::uint32_t n = u32(le);
        if (n > static_cast<std::uint32_t>(end_ - p_) / 5) return false;
        for (std::uint32_t i = 0; i < n; ++i)
          if (!geometry(out, polygons, depth + 1)) return false;
        return true;
      }
      default:
        return false;
    }
  }

 private:
  const unsigned char* p_;
  const unsigned char* end_;

  std::uint32_t u32(bool le) {
    std::uint32_t v;
    std::memcpy(&v, p_, 4);
    p_ += 4;
    if (le != (std::endian::native == std::endian::little)) v = __builtin_bswap32(v);
    return v;
  }

  bool sequence(FlatGeometry& out, PartKind kind, std::uint32_t polygon, int n_dims, bool le) {
    if (end_ - p_ < 4) return false;
    const std::uint32_t n = u32(le);
    const std::uint32_t at = static_cast<std::uint32_t>(out.points());
    if (!coords(out, n, n_dims, le)) return false;
    if (n > 0) out.parts.push_back({at, at + n, kind, polygon});
    return true;
  }

  bool coords(FlatGeometry& out, std::uint32_t n, int n_dims, bool le) {
    const std::size_t bytes = static_cast<std::size_t>(n) * n_dims * 8;
    if (bytes > static_cast<std::size_t>(end_ - p_)) return false;
    const std::size_t at = out.xy.size();
    out.xy.resize(at + 2 * static_cast<std::size_t>(n));
    double* dst = out.xy.data() + at;
    const bool native = le == (std::endian::native == std::endian::little);
    if (n_dims == 2 && native) {
      std::memcpy(dst, p_, bytes);
    } else {
      for (std::uint32_t i = 0; i < n; ++i) {
        for (int k = 0; k < 2; ++k) {
          std::uint64_t v;
          std::memcpy(&v, p_ + (static_cast<std::size_t>(i) * n_dims + k) * 8, 8);
          if (!native) v = __builtin_bswap64(v);
          std::memcpy(dst + 2 * i + k, &v, 8);
        }
      }
    }
    p_ += bytes;
    return true;
  }
};

constexpr double kEarthRadius = 6378137.0;
constexpr double kDegToRad = std::numbers::pi / 180.0;
// Web Mercator's y is unbounded at the poles: latitudes are clamped just short of them.
constexpr double kMaxMercatorLat = 89.5;

inline void mercator(double& x, double& y) {
  double lat = std::clamp(y, -kMaxMercatorLat, kMaxMercatorLat);
  x = kEarthRadius * x * kDegToRad;
  y = kEarthRadius * std::log(std::tan(std::numbers::pi / 4 + lat * kDegToRad / 2));
}

// Probes the transformer at a few points: when it computes exactly the identity or spherical
// Web Mercator (as PROJ does between CGCS2000/WGS 84 and EPSG:3857), the fast formula is used.
bool behaves_like(const datum::Transformer& t, bool as_mercator) {
  static constexpr double probes[][2] = {{116.4, 39.9}, {-120.5, -60.25}, {10, 10}, {179, 80}};
  for (const auto& p : probes) {
    double x = p[0], y = p[1];
    try {
      t.transform(x, y);
    } catch (const Error&) {
      return false;
    }
    double ex = p[0], ey = p[1];
    if (as_mercator) mercator(ex, ey);
    const double tol = as_mercator ? 1e-3 : 1e-9;
    if (!(std::abs(x - ex) <= tol && std::abs(y - ey) <= tol)) return false;
  }
  return true;
}

}  // namespace

bool read_wkb(std::string_view wkb, FlatGeometry& out) {
  out.clear();
  std::uint32_t polygons = 0;
  WkbReader r(wkb);
  if (!r.geometry(out, polygons, 0)) {
    out.clear();
    return false;
  }
  return true;
}

Projector::Projector(const datum::Crs& view_crs, const Envelope& surface, int surface_width,
                     int surface_height) {
  ox_ = surface.min_x;
  oy_ = surface.max_y;
  sx_ = surface_width / (surface.max_x - surface.min_x);
  sy_ = surface_height / (surface.max_y - surface.min_y);
  transformer_ = datum::transformer(datum::platform_crs(), view_crs);
  if (transformer_->is_identity() || behaves_like(*transformer_, false))
    mode_ = Mode::affine;
  else if (behaves_like(*transformer_, true))
    mode_ = Mode::mercator;
  else
    mode_ = Mode::generic;
}

bool Projector::apply(std::vector<double>& xy) const {
  const std::size_t n = xy.size();
  double* d = xy.data();
  switch (mode_) {
    case Mode::affine:
      for (std::size_t i = 0; i < n; i += 2) {
        d[i] = (d[i] - ox_) * sx_;
        d[i + 1] = (oy_ - d[i + 1]) * sy_;
      }
      return true;
    case Mode::mercator:
      for (std::size_t i = 0; i < n; i += 2) {
        mercator(d[i], d[i + 1]);
        d[i] = (d[i] - ox_) * sx_;
        d[i + 1] = (oy_ - d[i + 1]) * sy_;
      }
      return true;
    case Mode::generic: {
      // The whole array goes through PROJ at once, as one line string.
      scratch_.type = geo::GeometryType::line_string;
      scratch_.coords.resize(n / 2);
      for (std::size_t i = 0; i < n; i += 2) scratch_.coords[i / 2] = {d[i], d[i + 1], 0};
      try {
        transformer_->transform(scratch_);
      } catch (const Error&) {
        return false;
      }
      for (std::size_t i = 0; i < n; i += 2) {
        const auto& c = scratch_.coords[i / 2];
        d[i] = (c.x - ox_) * sx_;
        d[i + 1] = (oy_ - c.y) * sy_;
      }
      return true;
    }
  }
  return false;
}

}  // namespace shikong::render::detail
