// Legends of styles: a title and one row per class (the symbol's swatch and its label), a few
// sizes for proportional symbols and a colour bar for heat maps, written with Pango.
#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "render/render_internal.hpp"

namespace shikong::render {
namespace {

using detail::LayoutPtr;

constexpr double kPad = 6;
constexpr double kGap = 6;  // between swatch and label
constexpr double kRowGap = 4;
constexpr double kSwatch = 20;  // polygon and line swatches, px
constexpr double kBarWidth = 120, kBarHeight = 12;

struct Row {
  style::Symbol symbol;
  std::string label;
};

enum class Swatch { polygon, line, point };

Swatch swatch_for(geo::GeometryType t, style::StyleKind kind) {
  if (kind == style::StyleKind::proportional) return Swatch::point;
  switch (t) {
    case geo::GeometryType::point:
    case geo::GeometryType::multi_point:
      return Swatch::point;
    case geo::GeometryType::line_string:
    case geo::GeometryType::multi_line_string:
      return Swatch::line;
    default:
      return Swatch::polygon;
  }
}

std::string rule_label(const style::Style& s, const style::ClassRule& r) {
  if (!r.label.empty()) return r.label;
  if (s.kind == style::StyleKind::categorized && r.value) return detail::value_text(*r.value);
  if (r.min && r.max) return detail::number_text(*r.min) + " – " + detail::number_text(*r.max);
  if (r.min) return "≥ " + detail::number_text(*r.min);
  if (r.max) return "< " + detail::number_text(*r.max);
  return {};
}

std::vector<Row> rows_of(const style::Style& s) {
  std::vector<Row> rows;
  switch (s.kind) {
    case style::StyleKind::single:
      rows.push_back({style::symbol_for(s, Value{}), s.title.empty() ? s.name : s.title});
      break;
    case style::StyleKind::categorized:
    case style::StyleKind::graduated:
      for (const auto& r : s.rules) rows.push_back({r.symbol, rule_label(s, r)});
      if (rows.empty()) rows.push_back({s.symbol, s.field});
      break;
    case style::StyleKind::proportional: {
      if (!s.rules.empty() && s.rules[0].min && s.rules[0].max) {
        const double lo = *s.rules[0].min, hi = *s.rules[0].max;
        // Largest first, as map readers compare against the biggest circle.
        for (double v : {hi, (lo + hi) / 2, lo})
          rows.push_back({style::symbol_for(s, Value{v}), detail::number_text(v)});
      } else {
        rows.push_back({s.symbol, s.field});
      }
      break;
    }
    case style::StyleKind::heatmap:
      break;
  }
  return rows;
}

struct TextSize {
  double w = 0, h = 0;
};

TextSize measure(PangoLayout* layout, std::string_view text) {
  pango_layout_set_text(layout, text.data(), static_cast<int>(text.size()));
  PangoRectangle ink, logical;
  pango_layout_get_extents(layout, &ink, &logical);
  return {logical.width / double(PANGO_SCALE), logical.height / double(PANGO_SCALE)};
}

void show(cairo_t* cr, PangoLayout* layout, std::string_view text, double x, double y) {
  pango_layout_set_text(layout, text.data(), static_cast<int>(text.size()));
  cairo_move_to(cr, x, y);
  cairo_set_source_rgba(cr, 0.13, 0.13, 0.13, 1);
  pango_cairo_show_layout(cr, layout);
  cairo_new_path(cr);
}

}  // namespace

Image render_legend(const style::Style& s, geo::GeometryType geometry_type, int width, int height) {
  if (width < 0 || height < 0 || width > 4096 || height > 4096)
    throw InvalidInput("invalid-size", "The legend's size must be between 1 and 4096 pixels.",
                       width < 0 || width > 4096 ? "width" : "height");
  const auto rows = rows_of(s);
  const Swatch swatch = swatch_for(geometry_type, s.kind);
  const bool heat = s.kind == style::StyleKind::heatmap;
  std::string title = s.kind == style::StyleKind::single ? std::string() : s.title;
  if (title.empty() && s.kind != style::StyleKind::single) title = s.field;

  detail::ContextPtr ctx = detail::text_context();
  LayoutPtr text(pango_layout_new(ctx.get()));
  LayoutPtr bold(pango_layout_new(ctx.get()));
  auto text_font = detail::font_description("Noto Sans CJK SC", 12);
  auto title_font = detail::font_description("Noto Sans CJK SC", 13, true);
  pango_layout_set_font_description(text.get(), text_font.get());
  pango_layout_set_font_description(bold.get(), title_font.get());
  pango_layout_set_single_paragraph_mode(text.get(), TRUE);
  pango_layout_set_single_paragraph_mode(bold.get(), TRUE);

  // Layout: measure everything first.
  double swatch_w = kSwatch;
  for (const auto& r : rows)
    if (swatch == Swatch::point)
      swatch_w = std::max(swatch_w, r.symbol.size + r.symbol.stroke_width + 2);
  swatch_w = std::min(swatch_w, 256.0);
  double content_w = 0, content_h = 0;
  TextSize title_size;
  if (!title.empty()) {
    title_size = measure(bold.get(), title);
    content_w = title_size.w;
    content_h = title_size.h + kRowGap;
  }
  std::vector<double> row_h;
  for (const auto& r : rows) {
    const TextSize t = measure(text.get(), r.label);
    const double sh = swatch == Swatch::point
                          ? std::min(r.symbol.size + r.symbol.stroke_width, 256.0)
                          : kSwatch * 0.7;
    row_h.push_back(std::max(t.h, sh));
    content_w = std::max(content_w, swatch_w + kGap + t.w);
    content_h += row_h.back() + kRowGap;
  }
  TextSize low, high;
  if (heat) {
    low = measure(text.get(), "low");
    high = measure(text.get(), "high");
    content_w = std::max({content_w, kBarWidth, low.w + high.w + kGap});
    content_h += kBarHeight + 2 + std::max(low.h, high.h) + kRowGap;
  }
  if (content_h > 0) content_h -= kRowGap;
  const int w =
      width > 0 ? width : std::clamp(static_cast<int>(std::ceil(content_w + 2 * kPad)), 1, 4096);
  const int h =
      height > 0 ? height : std::clamp(static_cast<int>(std::ceil(content_h + 2 * kPad)), 1, 4096);

  Image img = blank_image(w, h, false, {255, 255, 255, 255});
  auto surface = detail::surface_for(img);
  detail::CairoPtr cr(cairo_create(surface.get()));
  cairo_set_line_join(cr.get(), CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(cr.get(), CAIRO_LINE_CAP_ROUND);
  double y = kPad;
  if (!title.empty()) {
    show(cr.get(), bold.get(), title, kPad, y);
    y += title_size.h + kRowGap;
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    const double cy = y + row_h[i] / 2;
    switch (swatch) {
      case Swatch::polygon:
        cairo_rectangle(cr.get(), kPad + (swatch_w - kSwatch) / 2, cy - kSwatch * 0.35, kSwatch,
                        kSwatch * 0.7);
        detail::paint_path(cr.get(), r.symbol, true);
        break;
      case Swatch::line:
        cairo_move_to(cr.get(), kPad + 1, cy);
        cairo_line_to(cr.get(), kPad + swatch_w - 1, cy);
        detail::paint_path(cr.get(), r.symbol, false);
        break;
      case Swatch::point:
        detail::marker_path(cr.get(), r.symbol.marker, kPad + swatch_w / 2, cy,
                            std::min(r.symbol.size, 254.0));
        detail::paint_path(cr.get(), r.symbol, true);
        break;
    }
    const TextSize t = measure(text.get(), r.label);
    show(cr.get(), text.get(), r.label, kPad + swatch_w + kGap, cy - t.h / 2);
    y += row_h[i] + kRowGap;
  }
  if (heat) {
    const auto ramp = style::ramp_colors("heat", 16);
    cairo_pattern_t* grad = cairo_pattern_create_linear(kPad, 0, kPad + kBarWidth, 0);
    for (std::size_t i = 0; i < ramp.size(); ++i) {
      const auto& c = ramp[i];
      cairo_pattern_add_color_stop_rgba(grad, double(i) / (ramp.size() - 1), c.r / 255.0,
                                        c.g / 255.0, c.b / 255.0, c.a / 255.0);
    }
    cairo_rectangle(cr.get(), kPad, y, kBarWidth, kBarHeight);
    cairo_set_source(cr.get(), grad);
    cairo_fill(cr.get());
    cairo_pattern_destroy(grad);
    y += kBarHeight + 2;
    show(cr.get(), text.get(), "low", kPad, y);
    show(cr.get(), text.get(), "high", kPad + kBarWidth - high.w, y);
  }
  cairo_surface_flush(surface.get());
  return img;
}

}  // namespace shikong::render
