// The geometry path of a vector tile: a bounds-checked WKB walker that projects as it reads,
// line and ring clipping, rounding, Douglas-Peucker, ring orientation and MVT commands.
#include "tiles/tile_geometry.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace shikong::tiles::detail {
namespace {

// --- WKB walker -----------------------------------------------------------------------------

constexpr int kMaxDepth = 32;

class WkbWalker {
 public:
  WkbWalker(std::string_view b, const TileProjector& project, FlatGeometry& out)
      : p_(reinterpret_cast<const unsigned char*>(b.data())),
        end_(p_ + b.size()),
        project_(project),
        out_(out) {}

  bool geometry(int depth) {
    if (depth > kMaxDepth || remaining() < 5) return false;
    unsigned order = *p_++;
    if (order > 1) return false;
    swap_ = (order == 1) != (std::endian::native == std::endian::little);
    std::uint32_t t = u32();
    bool z = (t & 0x80000000u) != 0;
    bool m = (t & 0x40000000u) != 0;
    if (t & 0x20000000u) {  // EWKB SRID
      if (remaining() < 4) return false;
      p_ += 4;
    }
    t &= 0x0fffffffu;
    std::uint32_t dim = t / 1000, code = t % 1000;
    if (dim > 3 || code < 1 || code > 7) return false;
    if (dim == 1 || dim == 3) z = true;
    if (dim == 2 || dim == 3) m = true;
    std::size_t stride = 16 + (z ? 8 : 0) + (m ? 8 : 0);
    switch (code) {
      case 1: {
        if (remaining() < stride) return false;
        double x = f64(p_), y = f64(p_ + 8);
        p_ += stride;
        if (std::isnan(x) && std::isnan(y)) return true;  // POINT EMPTY
        if (!std::isfinite(x) || !std::isfinite(y)) return false;
        push_run(PartKind::point, 1);
        out_.points.push_back(project_(x, y));
        return true;
      }
      case 2:
        return run(PartKind::line, stride);
      case 3: {
        if (remaining() < 4) return false;
        std::uint32_t rings = u32();
        if (rings > remaining() / 4) return false;
        for (std::uint32_t i = 0; i < rings; ++i)
          if (!run(i == 0 ? PartKind::outer : PartKind::inner, stride)) return false;
        return true;
      }
      default: {
        if (remaining() < 4) return false;
        std::uint32_t n = u32();
        if (n > remaining() / 5) return false;
        for (std::uint32_t i = 0; i < n; ++i)
          if (!geometry(depth + 1)) return false;
        return true;
      }
    }
  }

 private:
  std::size_t remaining() const { return static_cast<std::size_t>(end_ - p_); }
  std::uint32_t u32() {
    std::uint32_t v;
    std::memcpy(&v, p_, 4);
    p_ += 4;
    return swap_ ? __builtin_bswap32(v) : v;
  }
  double f64(const unsigned char* at) const {
    std::uint64_t v;
    std::memcpy(&v, at, 8);
    if (swap_) v = __builtin_bswap64(v);
    return std::bit_cast<double>(v);
  }
  void push_run(PartKind kind, std::size_t n) {
    out_.parts.push_back(
        Part{kind, static_cast<std::uint32_t>(out_.points.size()), static_cast<std::uint32_t>(n)});
  }
  // A counted run of coordinates: a line string or a ring.
  bool run(PartKind kind, std::size_t stride) {
    if (remaining() < 4) return false;
    std::uint32_t n = u32();
    if (n > remaining() / stride) return false;
    push_run(kind, n);
    auto& pts = out_.points;
    // Geometric growth: exact reserves per ring would copy a many-ring polygon quadratically.
    if (pts.size() + n > pts.capacity()) pts.reserve(std::max(pts.size() + n, 2 * pts.capacity()));
    bool finite = true;
    for (std::uint32_t i = 0; i < n; ++i, p_ += stride) {
      double x = f64(p_), y = f64(p_ + 8);
      finite &= std::isfinite(x) && std::isfinite(y);
      pts.push_back(project_(x, y));
    }
    return finite;  // NaN or infinite vertices: the geometry is not drawable
  }

  const unsigned char* p_;
  const unsigned char* end_;
  const TileProjector& project_;
  FlatGeometry& out_;
  bool swap_ = false;
};

// --- rounding and clipping ------------------------------------------------------------------

TilePoint round_point(DPoint p) {
  return TilePoint{static_cast<std::int32_t>(std::lround(p.x)),
                   static_cast<std::int32_t>(std::lround(p.y))};
}

void push_unique(std::vector<TilePoint>& v, std::size_t begin, TilePoint p) {
  if (v.size() > begin && v.back() == p) return;
  v.push_back(p);
}

struct Bounds {
  double min_x = INFINITY, min_y = INFINITY, max_x = -INFINITY, max_y = -INFINITY;
};

Bounds bounds_of(std::span<const DPoint> pts) {
  Bounds b;
  for (const auto& p : pts) {
    b.min_x = std::min(b.min_x, p.x);
    b.max_x = std::max(b.max_x, p.x);
    b.min_y = std::min(b.min_y, p.y);
    b.max_y = std::max(b.max_y, p.y);
  }
  return b;
}

bool inside(const Bounds& b, const ClipBox& box) {
  return b.min_x >= box.min_x && b.max_x <= box.max_x && b.min_y >= box.min_y &&
         b.max_y <= box.max_y;
}
bool disjoint(const Bounds& b, const ClipBox& box) {
  return b.max_x < box.min_x || b.min_x > box.max_x || b.max_y < box.min_y || b.min_y > box.max_y;
}

// Liang-Barsky: the parameter range [t0, t1] of segment a->b inside the box, false if none.
bool clip_segment(DPoint a, DPoint b, const ClipBox& box, double& t0, double& t1) {
  t0 = 0;
  t1 = 1;
  double dx = b.x - a.x, dy = b.y - a.y;
  auto edge = [&](double p, double q) {
    if (p == 0) return q >= 0;
    double r = q / p;
    if (p < 0) {
      if (r > t1) return false;
      if (r > t0) t0 = r;
    } else {
      if (r < t0) return false;
      if (r < t1) t1 = r;
    }
    return true;
  };
  return edge(-dx, a.x - box.min_x) && edge(dx, box.max_x - a.x) && edge(-dy, a.y - box.min_y) &&
         edge(dy, box.max_y - a.y);
}

// Ends the line part that started at `begin`: simplified, kept if it still has two vertices.
void finish_line(TileGeometry& out, std::size_t begin, double tolerance, Scratch& scratch) {
  std::size_t n = out.points.size() - begin;
  if (n >= 2 && tolerance > 0) {
    n = simplify(out.points.data() + begin, n, tolerance, scratch);
    out.points.resize(begin + n);
  }
  if (n < 2) {
    out.points.resize(begin);
    return;
  }
  out.parts.push_back(
      Part{PartKind::line, static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(n)});
}

// One Sutherland-Hodgman pass against the half-plane `keep` (with intersection `cut`).
template <typename Keep, typename Cut>
void clip_pass(const std::vector<DPoint>& in, std::vector<DPoint>& out, Keep keep, Cut cut) {
  out.clear();
  if (in.empty()) return;
  DPoint prev = in.back();
  bool prev_in = keep(prev);
  for (const DPoint& cur : in) {
    bool cur_in = keep(cur);
    if (cur_in) {
      if (!prev_in) out.push_back(cut(prev, cur));
      out.push_back(cur);
    } else if (prev_in) {
      out.push_back(cut(prev, cur));
    }
    prev = cur;
    prev_in = cur_in;
  }
}

DPoint at_x(DPoint a, DPoint b, double x) {
  return DPoint{x, a.y + (b.y - a.y) * (x - a.x) / (b.x - a.x)};
}
DPoint at_y(DPoint a, DPoint b, double y) {
  return DPoint{a.x + (b.x - a.x) * (y - a.y) / (b.y - a.y), y};
}

// A vertex where the ring turns straight back (a -> b -> a' on one line) encloses nothing;
// clipping leaves such spikes along the box edges and rounding makes more. Removing them
// keeps the area and spares renderers and validators zero-width slivers. Also drops the
// closing vertex and repeats across the seam; returns the ring's new size.
bool is_spike(TilePoint a, TilePoint b, TilePoint c) {
  std::int64_t ux = b.x - a.x, uy = b.y - a.y, vx = c.x - b.x, vy = c.y - b.y;
  return ux * vy - uy * vx == 0 && ux * vx + uy * vy < 0;
}

std::size_t remove_spikes(std::vector<TilePoint>& v, std::size_t begin) {
  std::size_t w = begin;  // v[begin, w) is the kept prefix, used as a stack
  for (std::size_t i = begin; i < v.size(); ++i) {
    TilePoint p = v[i];
    if (w > begin && v[w - 1] == p) continue;
    while (w - begin >= 2 && is_spike(v[w - 2], v[w - 1], p)) {
      --w;
      if (v[w - 1] == p) break;
    }
    if (w > begin && v[w - 1] == p) continue;
    v[w++] = p;
  }
  v.resize(w);
  // Across the seam: the last and first vertices are neighbours too.
  std::size_t first = begin;
  for (bool changed = true; changed && v.size() - first >= 3;) {
    changed = false;
    if (v.back() == v[first]) {
      v.pop_back();
      changed = true;
    } else if (is_spike(v[v.size() - 2], v.back(), v[first])) {
      v.pop_back();
      changed = true;
    } else if (is_spike(v.back(), v[first], v[first + 1])) {
      ++first;
      changed = true;
    }
  }
  if (first > begin)
    v.erase(v.begin() + static_cast<std::ptrdiff_t>(begin),
            v.begin() + static_cast<std::ptrdiff_t>(first));
  return v.size() - begin;
}

}  // namespace

bool walk_wkb(std::string_view wkb, const TileProjector& project, FlatGeometry& out) {
  WkbWalker w(wkb, project, out);
  return w.geometry(0);
}

void clip_line(std::span<const DPoint> line, const ClipBox& box, double tolerance,
               TileGeometry& out, Scratch& scratch) {
  if (line.empty()) return;
  Bounds b = bounds_of(line);
  if (disjoint(b, box)) return;
  std::size_t begin = out.points.size();
  if (inside(b, box)) {
    for (const auto& p : line) push_unique(out.points, begin, round_point(p));
    finish_line(out, begin, tolerance, scratch);
    return;
  }
  bool open = false;  // the previous segment ended inside the box, the part goes on
  for (std::size_t i = 0; i + 1 < line.size(); ++i) {
    DPoint a = line[i], c = line[i + 1];
    double t0, t1;
    if (!clip_segment(a, c, box, t0, t1)) {
      if (open) finish_line(out, begin, tolerance, scratch);
      open = false;
      begin = out.points.size();
      continue;
    }
    if (!(open && t0 == 0)) {
      if (open) finish_line(out, begin, tolerance, scratch);
      begin = out.points.size();
      DPoint p = t0 == 0 ? a : DPoint{a.x + t0 * (c.x - a.x), a.y + t0 * (c.y - a.y)};
      push_unique(out.points, begin, round_point(p));
    }
    DPoint q = t1 == 1 ? c : DPoint{a.x + t1 * (c.x - a.x), a.y + t1 * (c.y - a.y)};
    push_unique(out.points, begin, round_point(q));
    open = t1 == 1;
    if (!open) {
      finish_line(out, begin, tolerance, scratch);
      begin = out.points.size();
    }
  }
  if (open) finish_line(out, begin, tolerance, scratch);
}

bool clip_ring(std::span<const DPoint> ring, PartKind kind, const ClipBox& box, double tolerance,
               TileGeometry& out, Scratch& scratch) {
  if (ring.size() < 3) return false;
  Bounds b = bounds_of(ring);
  if (disjoint(b, box)) return false;
  std::size_t n_in = ring.size();
  // The closing vertex repeats the first: the clipper works on the open vertex list.
  if (ring.front().x == ring.back().x && ring.front().y == ring.back().y) --n_in;
  std::span<const DPoint> src = ring.first(n_in);
  if (!inside(b, box)) {
    auto& a = scratch.a;
    auto& c = scratch.b;
    a.assign(src.begin(), src.end());
    clip_pass(
        a, c, [&](DPoint p) { return p.x >= box.min_x; },
        [&](DPoint p, DPoint q) { return at_x(p, q, box.min_x); });
    clip_pass(
        c, a, [&](DPoint p) { return p.x <= box.max_x; },
        [&](DPoint p, DPoint q) { return at_x(p, q, box.max_x); });
    clip_pass(
        a, c, [&](DPoint p) { return p.y >= box.min_y; },
        [&](DPoint p, DPoint q) { return at_y(p, q, box.min_y); });
    clip_pass(
        c, a, [&](DPoint p) { return p.y <= box.max_y; },
        [&](DPoint p, DPoint q) { return at_y(p, q, box.max_y); });
    src = std::span<const DPoint>(a);
  }
  std::size_t begin = out.points.size();
  for (const auto& p : src) push_unique(out.points, begin, round_point(p));
  std::size_t n = remove_spikes(out.points, begin);
  if (n >= 3 && tolerance > 0) {
    // Simplify the closed ring (first vertex repeated at the end), then drop the repeat.
    out.points.push_back(out.points[begin]);
    n = simplify(out.points.data() + begin, n + 1, tolerance, scratch) - 1;
    out.points.resize(begin + n);
    n = remove_spikes(out.points, begin);
  }
  std::span<TilePoint> r(out.points.data() + begin, n);
  std::int64_t area2 = n >= 3 ? ring_area2(r) : 0;
  if (area2 == 0) {
    out.points.resize(begin);
    return false;
  }
  if ((kind == PartKind::outer) != (area2 > 0)) std::reverse(r.begin(), r.end());
  out.parts.push_back(Part{kind, static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(n)});
  return true;
}

std::size_t simplify(TilePoint* p, std::size_t n, double tolerance, Scratch& scratch) {
  if (n <= 2 || tolerance <= 0) return n;
  auto& keep = scratch.keep;
  auto& stack = scratch.stack;
  keep.assign(n, 0);
  keep[0] = keep[n - 1] = 1;
  stack.clear();
  stack.emplace_back(0, static_cast<std::uint32_t>(n - 1));
  const double tol2 = tolerance * tolerance;
  while (!stack.empty()) {
    auto [first, last] = stack.back();
    stack.pop_back();
    if (last - first < 2) continue;
    double ax = p[first].x, ay = p[first].y;
    double dx = p[last].x - ax, dy = p[last].y - ay;
    double len2 = dx * dx + dy * dy;
    double max_d = -1;
    std::uint32_t max_i = first;
    for (std::uint32_t i = first + 1; i < last; ++i) {
      double px = p[i].x - ax, py = p[i].y - ay;
      double d;
      if (len2 == 0) {
        d = px * px + py * py;
      } else {
        double t = std::clamp((px * dx + py * dy) / len2, 0.0, 1.0);
        double ex = px - t * dx, ey = py - t * dy;
        d = ex * ex + ey * ey;
      }
      if (d > max_d) {
        max_d = d;
        max_i = i;
      }
    }
    if (max_d > tol2) {
      keep[max_i] = 1;
      stack.emplace_back(first, max_i);
      stack.emplace_back(max_i, last);
    }
  }
  std::size_t w = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (keep[i]) p[w++] = p[i];
  return w;
}

std::int64_t ring_area2(std::span<const TilePoint> ring) {
  std::int64_t sum = 0;
  std::size_t n = ring.size();
  for (std::size_t i = 0; i < n; ++i) {
    const TilePoint& a = ring[i];
    const TilePoint& b = ring[(i + 1) % n];
    sum += std::int64_t{a.x} * b.y - std::int64_t{b.x} * a.y;
  }
  return sum;
}

// --- MVT commands ---------------------------------------------------------------------------

namespace {

constexpr std::uint32_t command(std::uint32_t id, std::uint32_t count) {
  return (id & 0x7u) | (count << 3);
}
constexpr std::uint32_t zigzag(std::int32_t v) {
  return (static_cast<std::uint32_t>(v) << 1) ^ static_cast<std::uint32_t>(v >> 31);
}

struct Cursor {
  std::int32_t x = 0, y = 0;
  void emit(const TilePoint& p, std::vector<std::uint32_t>& out) {
    out.push_back(zigzag(p.x - x));
    out.push_back(zigzag(p.y - y));
    x = p.x;
    y = p.y;
  }
};

}  // namespace

void encode_points(std::span<const TilePoint> points, std::vector<std::uint32_t>& out) {
  if (points.empty()) return;
  Cursor c;
  out.push_back(command(1, static_cast<std::uint32_t>(points.size())));
  for (const auto& p : points) c.emit(p, out);
}

void encode_lines(const TileGeometry& g, std::vector<std::uint32_t>& out) {
  Cursor c;
  for (const auto& part : g.parts) {
    if (part.kind != PartKind::line || part.size < 2) continue;
    const TilePoint* p = g.points.data() + part.begin;
    out.push_back(command(1, 1));
    c.emit(p[0], out);
    out.push_back(command(2, part.size - 1));
    for (std::uint32_t i = 1; i < part.size; ++i) c.emit(p[i], out);
  }
}

void encode_polygons(const TileGeometry& g, std::vector<std::uint32_t>& out) {
  Cursor c;
  for (const auto& part : g.parts) {
    if ((part.kind != PartKind::outer && part.kind != PartKind::inner) || part.size < 3) continue;
    const TilePoint* p = g.points.data() + part.begin;
    out.push_back(command(1, 1));
    c.emit(p[0], out);
    out.push_back(command(2, part.size - 1));
    for (std::uint32_t i = 1; i < part.size; ++i) c.emit(p[i], out);
    out.push_back(command(7, 1));
  }
}

}  // namespace shikong::tiles::detail
