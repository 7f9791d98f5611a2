// Map rendering with Cairo and Pango: features of several datasets drawn by their styles into
// an image of a view (bbox in any CRS), anti-aliased, with point symbols, heat maps and labels
// in Chinese and Latin scripts placed without collisions; legends; image encoders.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/envelope.hpp"
#include "core/instant.hpp"
#include "datum/crs.hpp"
#include "storage/store.hpp"
#include "style/style.hpp"

namespace shikong::render {

// Premultiplied ARGB32, native endian (Cairo's CAIRO_FORMAT_ARGB32), rows of width pixels.
struct Image {
  int width = 0;
  int height = 0;
  std::vector<std::uint32_t> pixels;
  std::uint32_t pixel(int x, int y) const {
    return pixels[static_cast<std::size_t>(y) * width + x];
  }
};

struct MapView {
  Envelope bbox;  // in `crs`, GIS order (x = easting/longitude)
  datum::Crs crs;
  int width = 256;
  int height = 256;
  // Pixels rendered beyond each edge and cropped, so that tiles have no seams and labels near
  // an edge are placed the same way in neighbouring tiles.
  int buffer = 0;
  // The OGC scale denominator (0.28 mm pixels; degrees converted at the equator).
  double scale_denominator() const;
  // WebMercator-equivalent zoom, for the styles' zoom ranges.
  double zoom() const;
};

struct RenderLayer {
  storage::DatasetInfo dataset;
  style::Style style;  // classified (rules filled) by the caller
  std::optional<Interval> time;
};

struct RenderOptions {
  bool transparent = true;
  style::Color background{255, 255, 255, 255};  // used when not transparent
  std::int64_t max_features = 2000000;          // per request; more -> InvalidInput "map-too-large"
};

// Reads each layer's features in the view (bbox transformed to the platform datum, with the
// buffer) from the store and draws them in order; labels of all layers are placed last, first
// layer first, never overlapping each other.
Image render_map(storage::Store& store, const MapView& view, std::span<const RenderLayer> layers,
                 const RenderOptions& options);

// A legend: one row per class (symbol swatch + label), the style title on top. Size in px is
// computed from the content; width/height > 0 force a size.
Image render_legend(const style::Style& style, geo::GeometryType geometry_type, int width = 0,
                    int height = 0);

// An image of the given size with `message` written on it (WMS EXCEPTIONS=INIMAGE), and a
// blank one (EXCEPTIONS=BLANK).
Image message_image(int width, int height, std::string_view message, bool transparent);
Image blank_image(int width, int height, bool transparent, style::Color background);

enum class ImageFormat { png, jpeg, webp };
// "image/png", "png", "image/jpeg", "jpeg", "jpg", "image/webp", "webp"; nullopt otherwise.
std::optional<ImageFormat> image_format_from_string(std::string_view text);
std::string_view mime_type(ImageFormat f);
std::string_view file_extension(ImageFormat f);  // "png", "jpeg", "webp"
// JPEG has no alpha: transparent pixels are flattened on `background`.
std::string encode(const Image& image, ImageFormat format, int quality = 85,
                   style::Color background = {255, 255, 255, 255});

}  // namespace shikong::render
