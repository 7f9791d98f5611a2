// render_map: each layer's features read from the store for the view (grown by the buffer),
// projected to pixels and drawn by their style; labels of all layers placed last; the buffer
// cropped off. Also the plain images of WMS exceptions (INIMAGE, BLANK).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>

#include "core/error.hpp"
#include "render/render_internal.hpp"

namespace shikong::render {
namespace {

using detail::FlatGeometry;
using detail::PartKind;

// Metres per degree on the equator of the WebMercator sphere (OGC's convention for degrees).
constexpr double kMetresPerDegree = 6378137.0 * 2 * std::numbers::pi / 360;
// Scale denominator of WebMercator zoom 0 (256 px tiles, 0.28 mm pixels).
constexpr double kZoom0Scale = 559082264.0287178;

const Value kNull{};

std::optional<double> number_of(const Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* b = std::get_if<bool>(&v)) return *b ? 1.0 : 0.0;
  return std::nullopt;
}

// Signed area (shoelace) of points [begin, end) of xy, and the centroid of the ring.
double ring_area(const double* xy, std::size_t n, double& cx, double& cy) {
  double a = 0, sx = 0, sy = 0;
  for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
    const double f = xy[2 * j] * xy[2 * i + 1] - xy[2 * i] * xy[2 * j + 1];
    a += f;
    sx += (xy[2 * j] + xy[2 * i]) * f;
    sy += (xy[2 * j + 1] + xy[2 * i + 1]) * f;
  }
  if (a != 0) {
    cx = sx / (3 * a);
    cy = sy / (3 * a);
  } else {
    cx = xy[0];
    cy = xy[1];
  }
  return a / 2;
}

// x of the crossings of every ring of polygon `id` with the horizontal line at y.
void crossings(const FlatGeometry& g, std::uint32_t id, double y, std::vector<double>& xs) {
  xs.clear();
  for (const auto& p : g.parts) {
    if (p.kind != PartKind::ring || p.polygon != id) continue;
    const double* xy = g.xy.data() + 2 * static_cast<std::size_t>(p.begin);
    const std::size_t n = p.end - p.begin;
    for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
      const double y0 = xy[2 * j + 1], y1 = xy[2 * i + 1];
      if ((y0 > y) != (y1 > y)) {
        const double x0 = xy[2 * j], x1 = xy[2 * i];
        xs.push_back(x0 + (y - y0) / (y1 - y0) * (x1 - x0));
      }
    }
  }
  std::sort(xs.begin(), xs.end());
}

// A point inside the largest polygon: its centroid when that lies inside (holes counted),
// otherwise the middle of the widest inside span on the centroid's row.
bool interior_point(const FlatGeometry& g, double& x, double& y) {
  double best = -1;
  std::uint32_t id = 0;
  double cx = 0, cy = 0;
  double ymin = 0, ymax = 0;
  for (const auto& p : g.parts) {
    if (p.kind != PartKind::ring) continue;
    // The first ring of each polygon is its exterior.
    if (&p != &g.parts.front() && (&p - 1)->kind == PartKind::ring &&
        (&p - 1)->polygon == p.polygon)
      continue;
    const double* xy = g.xy.data() + 2 * static_cast<std::size_t>(p.begin);
    const std::size_t n = p.end - p.begin;
    if (n < 3) continue;
    double rx, ry;
    const double a = std::abs(ring_area(xy, n, rx, ry));
    if (a > best) {
      best = a;
      id = p.polygon;
      cx = rx;
      cy = ry;
      ymin = ymax = xy[1];
      for (std::size_t i = 0; i < n; ++i) {
        ymin = std::min(ymin, xy[2 * i + 1]);
        ymax = std::max(ymax, xy[2 * i + 1]);
      }
    }
  }
  if (best < 0) return false;
  std::vector<double> xs;
  for (double row : {cy, (ymin + ymax) / 2}) {
    crossings(g, id, row, xs);
    // Inside when an odd number of crossings lie left of the centroid.
    if (row == cy) {
      const auto left = std::lower_bound(xs.begin(), xs.end(), cx) - xs.begin();
      if (left % 2 == 1) {
        x = cx;
        y = cy;
        return true;
      }
    }
    double width = -1;
    for (std::size_t i = 0; i + 1 < xs.size(); i += 2) {
      if (xs[i + 1] - xs[i] > width) {
        width = xs[i + 1] - xs[i];
        x = (xs[i] + xs[i + 1]) / 2;
        y = row;
      }
    }
    if (width > 0) return true;
  }
  x = cx;
  y = cy;
  return std::isfinite(x) && std::isfinite(y);
}

// The point halfway along the longest line part.
bool line_midpoint(const FlatGeometry& g, double& x, double& y) {
  double best = -1;
  const FlatGeometry::Part* part = nullptr;
  for (const auto& p : g.parts) {
    if (p.kind != PartKind::line) continue;
    double len = 0;
    for (std::uint32_t i = p.begin + 1; i < p.end; ++i)
      len += std::hypot(g.xy[2 * i] - g.xy[2 * i - 2], g.xy[2 * i + 1] - g.xy[2 * i - 1]);
    if (len > best) {
      best = len;
      part = &p;
    }
  }
  if (!part) return false;
  double half = best / 2;
  for (std::uint32_t i = part->begin + 1; i < part->end; ++i) {
    const double x0 = g.xy[2 * i - 2], y0 = g.xy[2 * i - 1];
    const double x1 = g.xy[2 * i], y1 = g.xy[2 * i + 1];
    const double seg = std::hypot(x1 - x0, y1 - y0);
    if (seg >= half && seg > 0) {
      x = x0 + (x1 - x0) * half / seg;
      y = y0 + (y1 - y0) * half / seg;
      return true;
    }
    half -= seg;
  }
  x = g.xy[2 * part->begin];
  y = g.xy[2 * part->begin + 1];
  return true;
}

double snapped(double zoom) {
  const double r = std::round(zoom);
  return std::abs(zoom - r) < 1e-6 ? r : zoom;
}

// Keeps Cairo and direct pixel writes (markers, heat maps) from seeing stale pixels.
class SurfaceSync {
 public:
  explicit SurfaceSync(cairo_surface_t* s) : s_(s) {}
  void before_cairo() {
    if (pixels_written_) cairo_surface_mark_dirty(s_);
    pixels_written_ = false;
    cairo_used_ = true;
  }
  void before_pixels() {
    if (cairo_used_) cairo_surface_flush(s_);
    cairo_used_ = false;
    pixels_written_ = true;
  }

 private:
  cairo_surface_t* s_;
  bool cairo_used_ = false;
  bool pixels_written_ = false;
};

struct PendingMarker {
  style::Symbol symbol;
  double x, y;
};

Image crop(const Image& canvas, int buffer, int width, int height) {
  if (buffer == 0) return canvas;
  Image out;
  out.width = width;
  out.height = height;
  out.pixels.resize(static_cast<std::size_t>(width) * height);
  for (int y = 0; y < height; ++y)
    std::memcpy(out.pixels.data() + static_cast<std::size_t>(y) * width,
                canvas.pixels.data() + static_cast<std::size_t>(y + buffer) * canvas.width + buffer,
                static_cast<std::size_t>(width) * 4);
  return out;
}

}  // namespace

double MapView::scale_denominator() const {
  double res = (bbox.max_x - bbox.min_x) / width;
  if (crs.geographic) res *= kMetresPerDegree;
  return res / 0.00028;
}

double MapView::zoom() const {
  const double sd = scale_denominator();
  if (!(sd > 0) || !std::isfinite(sd)) return 0;
  return std::log2(kZoom0Scale / sd);
}

Image render_map(storage::Store& store, const MapView& view, std::span<const RenderLayer> layers,
                 const RenderOptions& options) {
  detail::check_size(view.width, view.height, view.buffer);
  const Envelope& b = view.bbox;
  if (!std::isfinite(b.min_x) || !std::isfinite(b.min_y) || !std::isfinite(b.max_x) ||
      !std::isfinite(b.max_y) || !(b.min_x < b.max_x) || !(b.min_y < b.max_y))
    throw InvalidInput("invalid-bbox", "The map's bounding box must have a positive area.", "bbox");
  const int sw = view.width + 2 * view.buffer;
  const int sh = view.height + 2 * view.buffer;
  const double rx = (b.max_x - b.min_x) / view.width;
  const double ry = (b.max_y - b.min_y) / view.height;
  const Envelope surface_box{b.min_x - view.buffer * rx, b.min_y - view.buffer * ry,
                             b.max_x + view.buffer * rx, b.max_y + view.buffer * ry};

  Image canvas;
  canvas.width = sw;
  canvas.height = sh;
  canvas.pixels.assign(static_cast<std::size_t>(sw) * sh,
                       options.transparent ? 0u : detail::premultiplied(options.background));
  auto surface = detail::surface_for(canvas);
  detail::CairoPtr cr(cairo_create(surface.get()));
  cairo_set_line_join(cr.get(), CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(cr.get(), CAIRO_LINE_CAP_ROUND);
  cairo_set_fill_rule(cr.get(), CAIRO_FILL_RULE_EVEN_ODD);
  SurfaceSync sync(surface.get());

  const detail::Projector projector(view.crs, surface_box, sw, sh);
  const auto to_platform = datum::transformer(view.crs, datum::platform_crs());
  const double zoom = snapped(view.zoom());

  std::vector<detail::LabelCandidate> labels;
  std::vector<PendingMarker> pending;
  detail::MarkerPainter markers(canvas);
  FlatGeometry g;
  Feature f;
  std::int64_t features_read = 0;

  for (std::size_t li = 0; li < layers.size(); ++li) {
    const RenderLayer& layer = layers[li];
    const style::Style& st = layer.style;
    if (zoom < st.min_zoom || zoom > st.max_zoom) continue;
    const storage::DatasetInfo& ds = layer.dataset;
    const bool heat = st.kind == style::StyleKind::heatmap;
    const bool single = st.kind == style::StyleKind::single;

    std::optional<std::size_t> field;
    if (!single && !st.field.empty()) field = ds.schema.find(st.field);
    std::optional<std::size_t> label_field;
    if (st.label && !heat && !st.label->field.empty() && zoom >= st.label->min_zoom &&
        zoom <= st.label->max_zoom)
      label_field = ds.schema.find(st.label->field);

    storage::FeatureQuery q;
    if (field) q.fields.push_back(*field);
    if (label_field && label_field != field) q.fields.push_back(*label_field);
    // An empty list reads every field: ask for one small field instead when the style needs
    // none (a number rather than a long text).
    if (q.fields.empty() && ds.schema.size() > 0) {
      std::size_t pick = 0;
      for (std::size_t i = 0; i < ds.schema.size(); ++i)
        if (ds.schema.fields[i].type != FieldType::text) {
          pick = i;
          break;
        }
      q.fields.push_back(pick);
    }
    q.time = layer.time;
    // Symbols and kernels of features just outside the surface still reach into it.
    double reach = st.symbol.size / 2 + st.symbol.stroke_width;
    if (heat) reach = st.radius;
    if (st.kind == style::StyleKind::proportional) reach = std::max(reach, st.max_size / 2);
    for (const auto& r : st.rules)
      reach = std::max(reach, r.symbol.size / 2 + r.symbol.stroke_width);
    reach = std::clamp(reach, 0.0, 512.0) + 1;
    const Envelope query_box{surface_box.min_x - reach * rx, surface_box.min_y - reach * ry,
                             surface_box.max_x + reach * rx, surface_box.max_y + reach * ry};
    try {
      q.bbox = to_platform->transform(query_box);
    } catch (const Error&) {
      continue;  // the view lies wholly outside the projection's domain: nothing to draw
    }

    const style::Symbol single_symbol = single ? style::symbol_for(st, kNull) : st.symbol;
    std::optional<detail::HeatGrid> grid;
    if (heat) grid.emplace(sw, sh, st.radius);
    // Heat weights are scaled by the field's largest value when the style knows it.
    double weight_scale = 1;
    if (heat && !st.rules.empty() && st.rules[0].max && *st.rules[0].max > 0)
      weight_scale = 1 / *st.rules[0].max;
    pending.clear();

    auto cursor = store.query(ds, q);
    while (cursor->next(f)) {
      if (++features_read > options.max_features)
        throw InvalidInput("map-too-large",
                           "The map would draw more features than the server allows; request a "
                           "smaller area or fewer layers.",
                           "bbox");
      if (f.wkb.empty() || !detail::read_wkb(f.wkb, g) || g.parts.empty()) continue;
      if (!projector.apply(g.xy)) continue;
      const Value& value = field && *field < f.properties.size() ? f.properties[*field] : kNull;

      if (heat) {
        double w = 1;
        if (field) {
          const auto n = number_of(value);
          if (!n) continue;
          w = *n * weight_scale;
        }
        for (const auto& p : g.parts) {
          if (p.kind == PartKind::point) {
            grid->add(g.xy[2 * p.begin], g.xy[2 * p.begin + 1], w);
          } else {
            Envelope e;
            for (std::uint32_t i = p.begin; i < p.end; ++i) e.extend(g.xy[2 * i], g.xy[2 * i + 1]);
            grid->add((e.min_x + e.max_x) / 2, (e.min_y + e.max_y) / 2, w);
          }
        }
        continue;
      }

      const style::Symbol symbol = single ? single_symbol : style::symbol_for(st, value);
      bool has_rings = false, has_lines = false, has_points = false;
      for (const auto& p : g.parts) {
        has_rings |= p.kind == PartKind::ring;
        has_lines |= p.kind == PartKind::line;
        has_points |= p.kind == PartKind::point;
      }
      if (has_rings) {
        sync.before_cairo();
        detail::draw_polygons(cr.get(), g, symbol, sw, sh);
      }
      if (has_lines) {
        sync.before_cairo();
        detail::draw_lines(cr.get(), g, symbol, sw, sh);
      }
      if (has_points) {
        for (const auto& p : g.parts) {
          if (p.kind != PartKind::point) continue;
          const double x = g.xy[2 * p.begin], y = g.xy[2 * p.begin + 1];
          if (st.kind == style::StyleKind::proportional) {
            pending.push_back({symbol, x, y});
          } else {
            sync.before_pixels();
            markers.draw(symbol, x, y);
          }
        }
      }

      if (label_field && *label_field < f.properties.size()) {
        detail::LabelCandidate c;
        double x = 0, y = 0;
        bool found = false;
        if (has_rings) {
          found = interior_point(g, x, y);
        } else if (has_lines) {
          found = line_midpoint(g, x, y);
        } else if (has_points) {
          const auto& p = g.parts.front();
          x = g.xy[2 * p.begin];
          y = g.xy[2 * p.begin + 1];
          found = true;
          c.beside = true;
          c.clearance = symbol.size / 2;
        }
        if (found && x >= 0 && y >= 0 && x <= sw && y <= sh) {
          c.text = detail::value_text(f.properties[*label_field]);
          if (!c.text.empty()) {
            c.layer = static_cast<int>(li);
            c.feature = f.id;
            c.x = x;
            c.y = y;
            c.rule = &*st.label;
            labels.push_back(std::move(c));
          }
        }
      }
    }

    if (!pending.empty()) {
      // Large symbols first, so that small ones on top stay visible.
      std::stable_sort(pending.begin(), pending.end(),
                       [](const PendingMarker& m1, const PendingMarker& m2) {
                         return m1.symbol.size > m2.symbol.size;
                       });
      sync.before_pixels();
      for (const auto& m : pending) markers.draw(m.symbol, m.x, m.y);
    }
    if (grid) {
      sync.before_pixels();
      grid->composite(canvas);
    }
  }

  sync.before_cairo();
  detail::place_labels(cr.get(), labels, sw, sh);
  cairo_surface_flush(surface.get());
  cr.reset();
  surface.reset();
  return crop(canvas, view.buffer, view.width, view.height);
}

Image blank_image(int width, int height, bool transparent, style::Color background) {
  detail::check_size(width, height);
  Image img;
  img.width = width;
  img.height = height;
  img.pixels.assign(static_cast<std::size_t>(width) * height,
                    transparent ? 0u : detail::premultiplied(background));
  return img;
}

Image message_image(int width, int height, std::string_view message, bool transparent) {
  Image img = blank_image(width, height, transparent, {255, 255, 255, 255});
  auto surface = detail::surface_for(img);
  detail::CairoPtr cr(cairo_create(surface.get()));
  detail::ContextPtr ctx = detail::text_context();
  detail::LayoutPtr layout(pango_layout_new(ctx.get()));
  auto desc = detail::font_description("Noto Sans CJK SC", 12);
  pango_layout_set_font_description(layout.get(), desc.get());
  pango_layout_set_width(layout.get(), std::max(1, width - 8) * PANGO_SCALE);
  pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
  const std::string_view text = message.substr(0, 4096);
  pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
  cairo_move_to(cr.get(), 4, 4);
  cairo_set_source_rgba(cr.get(), 0.6, 0, 0, 1);
  pango_cairo_show_layout(cr.get(), layout.get());
  cairo_surface_flush(surface.get());
  return img;
}

}  // namespace shikong::render
