// Drawing of styled geometries with Cairo: polygon fills (even-odd, so holes stay open whatever
// the ring orientation), strokes with dashes, point markers as pre-rendered sprites, heat maps.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>

#include "core/error.hpp"
#include "render/render_internal.hpp"

namespace shikong::render::detail {
namespace {

// Coordinates farther than this beyond the surface are clipped before they reach Cairo, whose
// 24.8 fixed point overflows at 2^23 px (deep zooms of large polygons).
constexpr double kClipSlack = 4096;
// Clipped geometry keeps this margin around the surface so strokes at the edge look the same.
constexpr double kClipMargin = 256;
// Consecutive vertices closer than this (px, Manhattan) are merged: invisible, and it keeps
// detailed geometries at small scales cheap.
constexpr double kMinStep = 0.3;

struct Rect {
  double x0, y0, x1, y1;
};

// Emits points [begin, end) of xy as a subpath, skipping sub-pixel steps.
void emit(cairo_t* cr, const double* xy, std::size_t n, bool closed) {
  if (n == 0) return;
  double lx = xy[0], ly = xy[1];
  cairo_move_to(cr, lx, ly);
  for (std::size_t i = 1; i < n; ++i) {
    const double x = xy[2 * i], y = xy[2 * i + 1];
    if (std::abs(x - lx) + std::abs(y - ly) >= kMinStep || i + 1 == n) {
      cairo_line_to(cr, x, y);
      lx = x;
      ly = y;
    }
  }
  if (closed) cairo_close_path(cr);
}

// True when every coordinate is finite; `inside` tells whether all lie within `r`.
bool check_part(const double* xy, std::size_t n, const Rect& r, bool& inside) {
  inside = true;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = xy[2 * i], y = xy[2 * i + 1];
    if (!std::isfinite(x) || !std::isfinite(y)) return false;
    if (x < r.x0 || x > r.x1 || y < r.y0 || y > r.y1) inside = false;
  }
  return true;
}

// Sutherland-Hodgman clipping of a ring against one edge of the rectangle.
template <typename Inside, typename Cross>
void clip_edge(const std::vector<double>& in, std::vector<double>& out, Inside inside,
               Cross cross) {
  out.clear();
  const std::size_t n = in.size() / 2;
  if (n == 0) return;
  double px = in[2 * (n - 1)], py = in[2 * (n - 1) + 1];
  bool pin = inside(px, py);
  for (std::size_t i = 0; i < n; ++i) {
    const double x = in[2 * i], y = in[2 * i + 1];
    const bool cin = inside(x, y);
    if (cin != pin) {
      double ix, iy;
      cross(px, py, x, y, ix, iy);
      out.push_back(ix);
      out.push_back(iy);
    }
    if (cin) {
      out.push_back(x);
      out.push_back(y);
    }
    px = x;
    py = y;
    pin = cin;
  }
}

void clip_ring(const double* xy, std::size_t n, const Rect& r, std::vector<double>& out) {
  std::vector<double> a(xy, xy + 2 * n);
  std::vector<double> b;
  auto cross_x = [](double edge) {
    return [edge](double x0, double y0, double x1, double y1, double& ix, double& iy) {
      const double t = (edge - x0) / (x1 - x0);
      ix = edge;
      iy = y0 + t * (y1 - y0);
    };
  };
  auto cross_y = [](double edge) {
    return [edge](double x0, double y0, double x1, double y1, double& ix, double& iy) {
      const double t = (edge - y0) / (y1 - y0);
      ix = x0 + t * (x1 - x0);
      iy = edge;
    };
  };
  clip_edge(
      a, b, [&](double x, double) { return x >= r.x0; }, cross_x(r.x0));
  clip_edge(
      b, a, [&](double x, double) { return x <= r.x1; }, cross_x(r.x1));
  clip_edge(
      a, b, [&](double, double y) { return y >= r.y0; }, cross_y(r.y0));
  clip_edge(
      b, out, [&](double, double y) { return y <= r.y1; }, cross_y(r.y1));
}

// Liang-Barsky clipping of a line string: each visible run becomes a subpath.
void emit_clipped_line(cairo_t* cr, const double* xy, std::size_t n, const Rect& r) {
  bool open = false;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    double x0 = xy[2 * i], y0 = xy[2 * i + 1], x1 = xy[2 * i + 2], y1 = xy[2 * i + 3];
    double t0 = 0, t1 = 1;
    const double dx = x1 - x0, dy = y1 - y0;
    const double p[4] = {-dx, dx, -dy, dy};
    const double q[4] = {x0 - r.x0, r.x1 - x0, y0 - r.y0, r.y1 - y0};
    bool visible = true;
    for (int k = 0; k < 4 && visible; ++k) {
      if (p[k] == 0) {
        if (q[k] < 0) visible = false;
      } else {
        const double t = q[k] / p[k];
        if (p[k] < 0)
          t0 = std::max(t0, t);
        else
          t1 = std::min(t1, t);
        if (t0 > t1) visible = false;
      }
    }
    if (!visible) {
      open = false;
      continue;
    }
    if (!open || t0 > 0) cairo_move_to(cr, x0 + t0 * dx, y0 + t0 * dy);
    cairo_line_to(cr, x0 + t1 * dx, y0 + t1 * dy);
    open = t1 >= 1;
  }
}

inline std::uint32_t over(std::uint32_t s, std::uint32_t d) {
  const std::uint32_t ia = 255 - (s >> 24);
  std::uint32_t rb = (d & 0x00ff00ffu) * ia + 0x00800080u;
  rb = ((rb + ((rb >> 8) & 0x00ff00ffu)) >> 8) & 0x00ff00ffu;
  std::uint32_t ag = ((d >> 8) & 0x00ff00ffu) * ia + 0x00800080u;
  ag = (ag + ((ag >> 8) & 0x00ff00ffu)) & 0xff00ff00u;
  return s + rb + ag;
}

}  // namespace

SurfacePtr surface_for(Image& image) {
  auto* data = reinterpret_cast<unsigned char*>(image.pixels.data());
  SurfacePtr s(cairo_image_surface_create_for_data(data, CAIRO_FORMAT_ARGB32, image.width,
                                                   image.height, image.width * 4));
  if (cairo_surface_status(s.get()) != CAIRO_STATUS_SUCCESS)
    throw Error(ErrorKind::internal, "render-failed", "The image surface could not be created.");
  return s;
}

void set_source(cairo_t* cr, const style::Color& c) {
  cairo_set_source_rgba(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0, c.a / 255.0);
}

std::uint32_t premultiplied(const style::Color& c) {
  auto pm = [&](std::uint8_t v) { return static_cast<std::uint32_t>((v * c.a + 127) / 255); };
  return (static_cast<std::uint32_t>(c.a) << 24) | (pm(c.r) << 16) | (pm(c.g) << 8) | pm(c.b);
}

void check_size(int width, int height, int buffer) {
  // Cairo's limit is 32767 px a side; the maps service applies its own, smaller limits.
  constexpr int kMaxSide = 16384;
  if (width <= 0 || width > kMaxSide)
    throw InvalidInput("invalid-size", "The image width must be between 1 and 16384 pixels.",
                       "width");
  if (height <= 0 || height > kMaxSide)
    throw InvalidInput("invalid-size", "The image height must be between 1 and 16384 pixels.",
                       "height");
  if (buffer < 0 || buffer > 1024)
    throw InvalidInput("invalid-size", "The render buffer must be between 0 and 1024 pixels.",
                       "buffer");
}

void marker_path(cairo_t* cr, style::Marker marker, double x, double y, double size) {
  const double r = size / 2;
  switch (marker) {
    case style::Marker::circle:
      cairo_new_sub_path(cr);
      cairo_arc(cr, x, y, r, 0, 2 * std::numbers::pi);
      cairo_close_path(cr);
      break;
    case style::Marker::square:
      cairo_rectangle(cr, x - r, y - r, size, size);
      break;
    case style::Marker::triangle: {
      // Equilateral, pointing up, inscribed in the marker's circle.
      const double h = r * std::sqrt(3.0) / 2;
      cairo_move_to(cr, x, y - r);
      cairo_line_to(cr, x + h, y + r / 2);
      cairo_line_to(cr, x - h, y + r / 2);
      cairo_close_path(cr);
      break;
    }
    case style::Marker::star: {
      const double inner = r * 0.4;
      for (int i = 0; i < 10; ++i) {
        const double a = -std::numbers::pi / 2 + i * std::numbers::pi / 5;
        const double rr = (i % 2 == 0) ? r : inner;
        const double px = x + rr * std::cos(a), py = y + rr * std::sin(a);
        if (i == 0)
          cairo_move_to(cr, px, py);
        else
          cairo_line_to(cr, px, py);
      }
      cairo_close_path(cr);
      break;
    }
    case style::Marker::cross: {
      // A plus sign whose arms are a third of the size wide.
      const double w = size / 6;
      const double pts[][2] = {{-w, -r}, {w, -r}, {w, -w}, {r, -w}, {r, w},   {w, w},
                               {w, r},   {-w, r}, {-w, w}, {-r, w}, {-r, -w}, {-w, -w}};
      cairo_move_to(cr, x + pts[0][0], y + pts[0][1]);
      for (int i = 1; i < 12; ++i) cairo_line_to(cr, x + pts[i][0], y + pts[i][1]);
      cairo_close_path(cr);
      break;
    }
  }
}

void paint_path(cairo_t* cr, const style::Symbol& s, bool fill) {
  const bool stroke = s.stroke_width > 0 && s.stroke.a > 0;
  if (fill && s.fill.a > 0) {
    set_source(cr, s.fill);
    if (stroke)
      cairo_fill_preserve(cr);
    else
      cairo_fill(cr);
  }
  if (stroke) {
    set_source(cr, s.stroke);
    cairo_set_line_width(cr, s.stroke_width);
    if (!s.dash.empty()) cairo_set_dash(cr, s.dash.data(), static_cast<int>(s.dash.size()), 0);
    cairo_stroke(cr);
    if (!s.dash.empty()) cairo_set_dash(cr, nullptr, 0, 0);
  }
  cairo_new_path(cr);
}

void draw_polygons(cairo_t* cr, const FlatGeometry& g, const style::Symbol& s, int width,
                   int height) {
  const Rect safe{-kClipSlack, -kClipSlack, width + kClipSlack, height + kClipSlack};
  const Rect clip{-kClipMargin, -kClipMargin, width + kClipMargin, height + kClipMargin};
  std::vector<double> clipped;
  bool any = false;
  for (const auto& p : g.parts) {
    if (p.kind != PartKind::ring) continue;
    const double* xy = g.xy.data() + 2 * static_cast<std::size_t>(p.begin);
    const std::size_t n = p.end - p.begin;
    bool inside;
    if (n < 3 || !check_part(xy, n, safe, inside)) continue;
    if (inside) {
      emit(cr, xy, n, true);
    } else {
      clip_ring(xy, n, clip, clipped);
      if (clipped.size() < 6) continue;
      emit(cr, clipped.data(), clipped.size() / 2, true);
    }
    any = true;
  }
  if (any) paint_path(cr, s, true);
}

void draw_lines(cairo_t* cr, const FlatGeometry& g, const style::Symbol& s, int width, int height) {
  if (s.stroke_width <= 0 || s.stroke.a == 0) return;
  const Rect safe{-kClipSlack, -kClipSlack, width + kClipSlack, height + kClipSlack};
  const Rect clip{-kClipMargin, -kClipMargin, width + kClipMargin, height + kClipMargin};
  bool any = false;
  for (const auto& p : g.parts) {
    if (p.kind != PartKind::line) continue;
    const double* xy = g.xy.data() + 2 * static_cast<std::size_t>(p.begin);
    const std::size_t n = p.end - p.begin;
    bool inside;
    if (n < 2 || !check_part(xy, n, safe, inside)) continue;
    if (inside)
      emit(cr, xy, n, false);
    else
      emit_clipped_line(cr, xy, n, clip);
    any = true;
  }
  if (any) paint_path(cr, s, false);
}

// --- markers ---------------------------------------------------------------------------------

const MarkerPainter::Sprite& MarkerPainter::sprite(const style::Symbol& s) {
  for (const auto& sp : sprites_)
    if (sp.symbol == s) return sp;
  if (sprites_.size() >= 256) sprites_.clear();  // many sizes (proportional): keep it bounded
  Sprite sp;
  sp.symbol = s;
  const double stroke = (s.stroke_width > 0 && s.stroke.a > 0) ? s.stroke_width : 0;
  sp.size = static_cast<int>(std::ceil(s.size + stroke)) + 2;
  Image img;
  img.width = img.height = sp.size;
  img.pixels.assign(static_cast<std::size_t>(sp.size) * sp.size, 0);
  {
    auto surface = surface_for(img);
    CairoPtr cr(cairo_create(surface.get()));
    cairo_set_line_join(cr.get(), CAIRO_LINE_JOIN_ROUND);
    marker_path(cr.get(), s.marker, sp.size / 2.0, sp.size / 2.0, s.size);
    paint_path(cr.get(), s, true);
    cairo_surface_flush(surface.get());
  }
  sp.pixels = std::move(img.pixels);
  sprites_.push_back(std::move(sp));
  return sprites_.back();
}

void MarkerPainter::draw(const style::Symbol& s, double x, double y) {
  if (!std::isfinite(x) || !std::isfinite(y) || s.size <= 0) return;
  const int half_max = 1 << 20;
  if (std::abs(x) > half_max || std::abs(y) > half_max) return;
  const Sprite& sp = sprite(s);
  const int x0 = static_cast<int>(std::lround(x - sp.size / 2.0));
  const int y0 = static_cast<int>(std::lround(y - sp.size / 2.0));
  const int i0 = std::max(0, -x0), i1 = std::min(sp.size, target_.width - x0);
  const int j0 = std::max(0, -y0), j1 = std::min(sp.size, target_.height - y0);
  for (int j = j0; j < j1; ++j) {
    const std::uint32_t* src = sp.pixels.data() + static_cast<std::size_t>(j) * sp.size;
    std::uint32_t* dst =
        target_.pixels.data() + static_cast<std::size_t>(y0 + j) * target_.width + x0;
    for (int i = i0; i < i1; ++i) {
      const std::uint32_t p = src[i];
      const std::uint32_t a = p >> 24;
      if (a == 0) continue;
      dst[i] = a == 255 ? p : over(p, dst[i]);
    }
  }
}

// --- heat map --------------------------------------------------------------------------------

HeatGrid::HeatGrid(int width, int height, double radius)
    : width_(width),
      height_(height),
      r_(std::clamp(static_cast<int>(std::lround(radius)), 1, 256)) {
  const int side = 2 * r_ + 1;
  kernel_.resize(static_cast<std::size_t>(side) * side);
  for (int j = 0; j < side; ++j)
    for (int i = 0; i < side; ++i) {
      const double d2 = (double(i - r_) * (i - r_) + double(j - r_) * (j - r_)) / (r_ * r_);
      kernel_[static_cast<std::size_t>(j) * side + i] =
          d2 < 1 ? static_cast<float>((1 - d2) * (1 - d2)) : 0.0f;
    }
  grid_.assign(static_cast<std::size_t>(width) * height, 0.0f);
}

void HeatGrid::add(double x, double y, double weight) {
  if (!std::isfinite(x) || !std::isfinite(y) || !(weight > 0)) return;
  if (x < -r_ - 1 || y < -r_ - 1 || x > width_ + r_ + 1 || y > height_ + r_ + 1) return;
  const int cx = static_cast<int>(std::lround(x)), cy = static_cast<int>(std::lround(y));
  const int side = 2 * r_ + 1;
  const int i0 = std::max(0, r_ - cx), i1 = std::min(side, width_ - cx + r_);
  const int j0 = std::max(0, r_ - cy), j1 = std::min(side, height_ - cy + r_);
  const float w = static_cast<float>(weight);
  for (int j = j0; j < j1; ++j) {
    const float* k = kernel_.data() + static_cast<std::size_t>(j) * side;
    float* g = grid_.data() + static_cast<std::size_t>(cy - r_ + j) * width_ + (cx - r_);
    for (int i = i0; i < i1; ++i) g[i] += w * k[i];
  }
}

void HeatGrid::composite(Image& target) const {
  // A fixed mapping of density to colour (not normalised by the maximum of this image), so that
  // neighbouring tiles agree: one unit-weight point gives 0.39 at its centre, five give 0.92.
  constexpr int kSteps = 256;
  const std::vector<style::Color> ramp = style::ramp_colors("heat", kSteps);
  std::vector<std::uint32_t> lut(kSteps);
  for (int i = 0; i < kSteps; ++i) {
    style::Color c = ramp[i];
    const double t = i / double(kSteps - 1);
    // Faint densities fade out instead of tinting the whole map.
    c.a = static_cast<std::uint8_t>(std::lround(c.a * std::min(1.0, t / 0.25)));
    lut[i] = premultiplied(c);
  }
  for (std::size_t k = 0; k < grid_.size(); ++k) {
    const float v = grid_[k];
    if (v <= 0) continue;
    const double t = 1 - std::exp(-0.5 * v);
    const int idx = std::min(kSteps - 1, static_cast<int>(t * (kSteps - 1) + 0.5));
    const std::uint32_t p = lut[idx];
    const std::uint32_t a = p >> 24;
    if (a == 0) continue;
    target.pixels[k] = a == 255 ? p : over(p, target.pixels[k]);
  }
}

}  // namespace shikong::render::detail
