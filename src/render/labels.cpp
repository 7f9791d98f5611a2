// Labels with Pango: this thread's font map, text of values, and placement of every layer's
// labels into one collision index, drawn with a halo.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <mutex>

#include "datum/time.hpp"
#include "render/render_internal.hpp"

namespace shikong::render::detail {
namespace {

// fontconfig reads its configuration and cache on first use (hundreds of ms); doing that once,
// before worker threads make their own font maps, keeps them from racing through it.
void warm_up_fonts() {
  static std::once_flag once;
  std::call_once(once, [] {
    PangoFontMap* fm = pango_cairo_font_map_new();
    PangoContext* ctx = pango_font_map_create_context(fm);
    PangoFontDescription* d = pango_font_description_from_string("Noto Sans CJK SC 12");
    if (PangoFont* f = pango_font_map_load_font(fm, ctx, d)) g_object_unref(f);
    pango_font_description_free(d);
    g_object_unref(ctx);
    g_object_unref(fm);
  });
}

// Pango font maps are not shared between threads: each worker keeps its own.
PangoFontMap* thread_font_map() {
  warm_up_fonts();
  struct Holder {
    PangoFontMap* map = pango_cairo_font_map_new();
    ~Holder() { g_object_unref(map); }
  };
  thread_local Holder holder;
  return holder.map;
}

struct Box {
  double x0, y0, x1, y1;
  bool overlaps(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

// Boxes placed so far, bucketed in square cells.
class CollisionGrid {
 public:
  CollisionGrid(int width, int height)
      : cols_(width / kCell + 1), rows_(height / kCell + 1), cells_(cols_ * rows_) {}

  bool collides(const Box& b) const {
    bool hit = false;
    visit(b, [&](const std::vector<int>& cell) {
      for (int i : cell)
        if (boxes_[i].overlaps(b)) hit = true;
    });
    return hit;
  }
  void insert(const Box& b) {
    const int id = static_cast<int>(boxes_.size());
    boxes_.push_back(b);
    visit(b, [&](std::vector<int>& cell) { cell.push_back(id); });
  }

 private:
  static constexpr int kCell = 64;
  int cols_, rows_;
  std::vector<std::vector<int>> cells_;
  std::vector<Box> boxes_;

  template <typename F>
  void visit(const Box& b, F&& f) const {
    const int c0 = std::clamp(static_cast<int>(b.x0) / kCell, 0, cols_ - 1);
    const int c1 = std::clamp(static_cast<int>(b.x1) / kCell, 0, cols_ - 1);
    const int r0 = std::clamp(static_cast<int>(b.y0) / kCell, 0, rows_ - 1);
    const int r1 = std::clamp(static_cast<int>(b.y1) / kCell, 0, rows_ - 1);
    for (int r = r0; r <= r1; ++r)
      for (int c = c0; c <= c1; ++c)
        f(const_cast<std::vector<int>&>(cells_[static_cast<std::size_t>(r) * cols_ + c]));
  }
};

// Long texts are cut (at a character boundary) before layout.
constexpr std::size_t kMaxLabelBytes = 256;

std::string_view cut_utf8(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

}  // namespace

ContextPtr text_context() {
  ContextPtr ctx(pango_font_map_create_context(thread_font_map()));
  cairo_font_options_t* o = cairo_font_options_create();
  cairo_font_options_set_hint_style(o, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics(o, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_antialias(o, CAIRO_ANTIALIAS_GRAY);
  pango_cairo_context_set_font_options(ctx.get(), o);
  cairo_font_options_destroy(o);
  pango_context_set_round_glyph_positions(ctx.get(), FALSE);
  return ctx;
}

FontDescriptionPtr font_description(std::string_view family, double size_px, bool bold) {
  FontDescriptionPtr d(pango_font_description_new());
  const std::string f(family.empty() ? std::string_view("Noto Sans CJK SC") : family);
  // Noto Sans CJK covers Latin too; it is the fallback when the style's family lacks a glyph.
  pango_font_description_set_family(d.get(), (f + ",Noto Sans CJK SC,sans-serif").c_str());
  pango_font_description_set_absolute_size(d.get(), std::clamp(size_px, 1.0, 512.0) * PANGO_SCALE);
  if (bold) pango_font_description_set_weight(d.get(), PANGO_WEIGHT_BOLD);
  return d;
}

std::string number_text(double v) {
  if (std::isfinite(v) && std::abs(v) < 1e15 && v == std::floor(v))
    return std::to_string(static_cast<long long>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string value_text(const Value& v) {
  // Labels show numbers short (6 significant digits); everything else as everywhere else.
  if (const double* d = std::get_if<double>(&v)) return number_text(*d);
  return datum::format_value(v);
}

void place_labels(cairo_t* cr, std::vector<LabelCandidate>& candidates, int width, int height) {
  if (candidates.empty()) return;
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const LabelCandidate& a, const LabelCandidate& b) {
                     return a.layer != b.layer ? a.layer < b.layer : a.feature < b.feature;
                   });
  ContextPtr ctx = text_context();
  LayoutPtr layout(pango_layout_new(ctx.get()));
  pango_layout_set_single_paragraph_mode(layout.get(), TRUE);
  CollisionGrid grid(width, height);
  const style::LabelRule* current = nullptr;
  cairo_save(cr);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  for (const auto& c : candidates) {
    if (c.text.empty() || !c.rule || !std::isfinite(c.x) || !std::isfinite(c.y)) continue;
    if (c.rule != current) {
      current = c.rule;
      auto desc = font_description(current->font, current->size);
      pango_layout_set_font_description(layout.get(), desc.get());
    }
    const std::string_view text = cut_utf8(c.text, kMaxLabelBytes);
    // Pango replaces invalid UTF-8 with a warning per call; such values get no label.
    if (!g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr)) continue;
    pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
    PangoRectangle ink, logical;
    pango_layout_get_extents(layout.get(), &ink, &logical);
    const double lx = logical.x / double(PANGO_SCALE), ly = logical.y / double(PANGO_SCALE);
    const double w = logical.width / double(PANGO_SCALE), h = logical.height / double(PANGO_SCALE);
    if (w <= 0 || h <= 0) continue;
    const double pad = std::max(0.0, current->halo_width) + 1;
    const double gap = c.clearance + 2;
    double positions[4][2];
    int n = 0;
    if (c.beside) {
      positions[n][0] = c.x + gap, positions[n++][1] = c.y - h / 2;      // right
      positions[n][0] = c.x - gap - w, positions[n++][1] = c.y - h / 2;  // left
      positions[n][0] = c.x - w / 2, positions[n++][1] = c.y - gap - h;  // above
      positions[n][0] = c.x - w / 2, positions[n++][1] = c.y + gap;      // below
    } else {
      positions[n][0] = c.x - w / 2, positions[n++][1] = c.y - h / 2;
    }
    for (int i = 0; i < n; ++i) {
      const double x = positions[i][0], y = positions[i][1];
      const Box box{x - pad, y - pad, x + w + pad, y + h + pad};
      // Only labels wholly on the surface: a label cut at the surface edge would be drawn
      // differently by the neighbouring tile.
      if (box.x0 < 0 || box.y0 < 0 || box.x1 > width || box.y1 > height) continue;
      if (grid.collides(box)) continue;
      grid.insert(box);
      const double ox = x - lx, oy = y - ly;
      if (current->halo_width > 0 && current->halo.a > 0) {
        cairo_move_to(cr, ox, oy);
        pango_cairo_layout_path(cr, layout.get());
        set_source(cr, current->halo);
        cairo_set_line_width(cr, 2 * current->halo_width);
        cairo_stroke(cr);
      }
      cairo_move_to(cr, ox, oy);
      set_source(cr, current->color);
      pango_cairo_show_layout(cr, layout.get());
      cairo_new_path(cr);
      break;
    }
  }
  cairo_restore(cr);
}

}  // namespace shikong::render::detail
