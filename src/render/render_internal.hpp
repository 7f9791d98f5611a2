// Internals of the renderer shared by its files: Cairo/Pango handles, flat geometries read from
// WKB and projected to pixels, drawing of symbols, the label engine and the heat map grid.
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "datum/crs.hpp"
#include "render/render.hpp"
#include "style/style.hpp"

namespace shikong::render::detail {

// --- handles ---------------------------------------------------------------------------------

struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct CairoDeleter {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};
struct GObjectDeleter {
  void operator()(void* o) const { g_object_unref(o); }
};
struct FontDescriptionDeleter {
  void operator()(PangoFontDescription* d) const { pango_font_description_free(d); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using CairoPtr = std::unique_ptr<cairo_t, CairoDeleter>;
using ContextPtr = std::unique_ptr<PangoContext, GObjectDeleter>;
using LayoutPtr = std::unique_ptr<PangoLayout, GObjectDeleter>;
using FontDescriptionPtr = std::unique_ptr<PangoFontDescription, FontDescriptionDeleter>;

// A Cairo surface drawing straight into an Image's pixels (ARGB32 rows of 4 * width bytes).
SurfacePtr surface_for(Image& image);
// A Pango context of this thread's font map (fontconfig is initialised once per process), with
// font options that make text metrics independent of the position (no hinting), so that
// neighbouring tiles lay out the same label identically.
ContextPtr text_context();
FontDescriptionPtr font_description(std::string_view family, double size_px, bool bold = false);

void set_source(cairo_t* cr, const style::Color& c);
// Premultiplied native-endian ARGB32 of a colour.
std::uint32_t premultiplied(const style::Color& c);

// Checks width/height (and buffer) for images and throws InvalidInput("invalid-size").
void check_size(int width, int height, int buffer = 0);

// --- geometry --------------------------------------------------------------------------------

enum class PartKind : std::uint8_t { point, line, ring };

// A geometry as one array of coordinates and the parts that index it; rings of one polygon
// share `polygon`. Buffers are reused from feature to feature.
struct FlatGeometry {
  struct Part {
    std::uint32_t begin = 0;  // first point (index into xy / 2)
    std::uint32_t end = 0;    // one past the last point
    PartKind kind = PartKind::point;
    std::uint32_t polygon = 0;
  };
  std::vector<double> xy;  // x0, y0, x1, y1, ...
  std::vector<Part> parts;
  void clear() {
    xy.clear();
    parts.clear();
  }
  std::size_t points() const { return xy.size() / 2; }
};

// Reads ISO WKB (and EWKB Z/M/SRID flags, either byte order) into `out`, dropping Z and M.
// Returns false on malformed bytes (the feature is then skipped).
bool read_wkb(std::string_view wkb, FlatGeometry& out);

// Maps platform-datum coordinates to pixels of the rendered surface: directly for the usual
// views (same datum, or Web Mercator of it), through the CRS transformer otherwise.
class Projector {
 public:
  // `surface` is the rendered area (view bbox grown by the buffer) in the view CRS.
  Projector(const datum::Crs& view_crs, const Envelope& surface, int surface_width,
            int surface_height);
  // In place; false when a coordinate has no image in the view CRS.
  bool apply(std::vector<double>& xy) const;
  double pixels_per_unit_x() const { return sx_; }

 private:
  enum class Mode { affine, mercator, generic };
  Mode mode_ = Mode::affine;
  double ox_ = 0, oy_ = 0, sx_ = 1, sy_ = 1;
  std::shared_ptr<const datum::Transformer> transformer_;
  mutable geo::Geometry scratch_;
};

// --- drawing ---------------------------------------------------------------------------------

// Appends the path of a marker centred at (x, y).
void marker_path(cairo_t* cr, style::Marker marker, double x, double y, double size);
// Fills and strokes the current path with a symbol (fill with a = 0 and stroke width 0 skipped).
void paint_path(cairo_t* cr, const style::Symbol& s, bool fill);
void draw_polygons(cairo_t* cr, const FlatGeometry& g, const style::Symbol& s, int width,
                   int height);
void draw_lines(cairo_t* cr, const FlatGeometry& g, const style::Symbol& s, int width, int height);

// Point markers pre-rendered once per symbol and composited straight into the pixels.
class MarkerPainter {
 public:
  MarkerPainter(Image& target) : target_(target) {}
  void draw(const style::Symbol& s, double x, double y);

 private:
  struct Sprite {
    style::Symbol symbol;
    int size = 0;  // square side, px
    std::vector<std::uint32_t> pixels;
  };
  const Sprite& sprite(const style::Symbol& s);
  Image& target_;
  std::vector<Sprite> sprites_;
};

// Kernel density of weighted points, composited through the "heat" ramp.
class HeatGrid {
 public:
  HeatGrid(int width, int height, double radius);
  void add(double x, double y, double weight);
  void composite(Image& target) const;

 private:
  int width_, height_, r_;
  std::vector<float> kernel_;  // (2r+1)^2 quartic weights, 1 at the centre
  std::vector<float> grid_;
};

// --- labels ----------------------------------------------------------------------------------

struct LabelCandidate {
  int layer = 0;
  std::int64_t feature = 0;
  std::string text;
  double x = 0, y = 0;   // anchor, surface pixels
  double clearance = 0;  // points: the marker's radius, labels go beside it
  bool beside = false;   // points: try right, left, above, below; else centred
  const style::LabelRule* rule = nullptr;
};

// Places labels without overlaps, in (layer, feature id) order so that the outcome does not
// depend on the order features were read, and draws them with a halo.
void place_labels(cairo_t* cr, std::vector<LabelCandidate>& candidates, int width, int height);

// Text of a property value for labels and legends.
std::string value_text(const Value& v);
std::string number_text(double v);

}  // namespace shikong::render::detail
