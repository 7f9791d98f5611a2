// Image encoders: PNG through Cairo, JPEG through libjpeg (flattened on a background colour),
// WebP through libwebp; premultiplied ARGB is turned into the straight colours they expect.
#include <cstddef>
#include <cstdio>
// jpeglib.h needs size_t and FILE declared first.
#include <jpeglib.h>
#include <webp/encode.h>

#include <csetjmp>
#include <cstdlib>

#include "core/ascii.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "render/render_internal.hpp"

namespace shikong::render {
namespace {

[[noreturn]] void encode_failed(std::string_view format) {
  throw Error(ErrorKind::internal, "encode-failed",
              "The image could not be encoded as " + std::string(format) + ".");
}

void check_image(const Image& image) {
  detail::check_size(image.width, image.height);
  if (image.pixels.size() != static_cast<std::size_t>(image.width) * image.height)
    throw InvalidInput("invalid-size", "The image's pixels do not match its size.", "image");
}

cairo_status_t append_chunk(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

std::string encode_png(const Image& image) {
  // An opaque image is written as RGB: a quarter smaller and faster to compress.
  bool opaque = true;
  for (std::uint32_t p : image.pixels)
    if ((p >> 24) != 255) {
      opaque = false;
      break;
    }
  // Cairo only reads the pixels here.
  auto* data = reinterpret_cast<unsigned char*>(const_cast<std::uint32_t*>(image.pixels.data()));
  detail::SurfacePtr surface(
      cairo_image_surface_create_for_data(data, opaque ? CAIRO_FORMAT_RGB24 : CAIRO_FORMAT_ARGB32,
                                          image.width, image.height, image.width * 4));
  std::string out;
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS ||
      cairo_surface_write_to_png_stream(surface.get(), append_chunk, &out) != CAIRO_STATUS_SUCCESS)
    encode_failed("PNG");
  return out;
}

struct JpegErrors {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
};

void jpeg_fail(j_common_ptr c) {
  char text[JMSG_LENGTH_MAX];
  (*c->err->format_message)(c, text);
  log::warn("jpeg encoder: {}", text);
  std::longjmp(reinterpret_cast<JpegErrors*>(c->err)->jump, 1);
}

void jpeg_silent(j_common_ptr) {}

// Kept free of objects with destructors between setjmp and the end, as longjmp requires.
bool jpeg_compress(const Image& image, int quality, style::Color bg, unsigned char** out,
                   unsigned long* size, unsigned char* row) {
  jpeg_compress_struct c;
  JpegErrors errors;
  c.err = jpeg_std_error(&errors.mgr);
  errors.mgr.error_exit = jpeg_fail;
  errors.mgr.output_message = jpeg_silent;
  if (setjmp(errors.jump)) {
    jpeg_destroy_compress(&c);
    return false;
  }
  jpeg_create_compress(&c);
  jpeg_mem_dest(&c, out, size);
  c.image_width = static_cast<JDIMENSION>(image.width);
  c.image_height = static_cast<JDIMENSION>(image.height);
  c.input_components = 3;
  c.in_color_space = JCS_RGB;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, quality, TRUE);
  jpeg_start_compress(&c, TRUE);
  for (int y = 0; y < image.height; ++y) {
    const std::uint32_t* src = image.pixels.data() + static_cast<std::size_t>(y) * image.width;
    for (int x = 0; x < image.width; ++x) {
      const std::uint32_t p = src[x];
      const std::uint32_t ia = 255 - (p >> 24);
      // Premultiplied colour over the background: c + bg * (1 - a).
      row[3 * x] = static_cast<unsigned char>(((p >> 16) & 0xff) + (bg.r * ia + 127) / 255);
      row[3 * x + 1] = static_cast<unsigned char>(((p >> 8) & 0xff) + (bg.g * ia + 127) / 255);
      row[3 * x + 2] = static_cast<unsigned char>((p & 0xff) + (bg.b * ia + 127) / 255);
    }
    JSAMPROW r = row;
    jpeg_write_scanlines(&c, &r, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  return true;
}

std::string encode_jpeg(const Image& image, int quality, style::Color background) {
  std::vector<unsigned char> row(static_cast<std::size_t>(image.width) * 3);
  unsigned char* out = nullptr;
  unsigned long size = 0;
  const bool ok =
      jpeg_compress(image, std::clamp(quality, 1, 100), background, &out, &size, row.data());
  std::string bytes;
  if (ok && out) bytes.assign(reinterpret_cast<const char*>(out), size);
  std::free(out);
  if (!ok) encode_failed("JPEG");
  return bytes;
}

std::string encode_webp(const Image& image, int quality) {
  if (image.width > WEBP_MAX_DIMENSION || image.height > WEBP_MAX_DIMENSION)
    throw InvalidInput("invalid-size", "WebP images are at most 16383 pixels a side.", "width");
  std::vector<std::uint8_t> rgba(image.pixels.size() * 4);
  for (std::size_t i = 0; i < image.pixels.size(); ++i) {
    const std::uint32_t p = image.pixels[i];
    const std::uint32_t a = p >> 24;
    std::uint8_t* d = rgba.data() + 4 * i;
    if (a == 255) {
      d[0] = static_cast<std::uint8_t>(p >> 16);
      d[1] = static_cast<std::uint8_t>(p >> 8);
      d[2] = static_cast<std::uint8_t>(p);
    } else if (a > 0) {
      d[0] = static_cast<std::uint8_t>((((p >> 16) & 0xff) * 255 + a / 2) / a);
      d[1] = static_cast<std::uint8_t>((((p >> 8) & 0xff) * 255 + a / 2) / a);
      d[2] = static_cast<std::uint8_t>(((p & 0xff) * 255 + a / 2) / a);
    } else {
      d[0] = d[1] = d[2] = 0;
    }
    d[3] = static_cast<std::uint8_t>(a);
  }
  std::uint8_t* out = nullptr;
  const std::size_t n = WebPEncodeRGBA(rgba.data(), image.width, image.height, image.width * 4,
                                       static_cast<float>(std::clamp(quality, 0, 100)), &out);
  if (n == 0 || !out) encode_failed("WebP");
  std::string bytes(reinterpret_cast<const char*>(out), n);
  WebPFree(out);
  return bytes;
}

}  // namespace

std::optional<ImageFormat> image_format_from_string(std::string_view text) {
  std::string t = ascii_lowercase(trim_blanks(text));
  // "image/png; mode=8bit" and the like: the parameters do not change what we write.
  if (auto semi = t.find(';'); semi != std::string::npos)
    t = std::string(trim_blanks(std::string_view(t).substr(0, semi)));
  if (t == "image/png" || t == "png" || t == "image/png8" || t == "png8") return ImageFormat::png;
  if (t == "image/jpeg" || t == "jpeg" || t == "jpg" || t == "image/jpg") return ImageFormat::jpeg;
  if (t == "image/webp" || t == "webp") return ImageFormat::webp;
  return std::nullopt;
}

std::string_view mime_type(ImageFormat f) {
  switch (f) {
    case ImageFormat::png:
      return "image/png";
    case ImageFormat::jpeg:
      return "image/jpeg";
    case ImageFormat::webp:
      return "image/webp";
  }
  return "application/octet-stream";
}

std::string_view file_extension(ImageFormat f) {
  switch (f) {
    case ImageFormat::png:
      return "png";
    case ImageFormat::jpeg:
      return "jpeg";
    case ImageFormat::webp:
      return "webp";
  }
  return "bin";
}

std::string encode(const Image& image, ImageFormat format, int quality, style::Color background) {
  check_image(image);
  switch (format) {
    case ImageFormat::png:
      return encode_png(image);
    case ImageFormat::jpeg:
      return encode_jpeg(image, quality, background);
    case ImageFormat::webp:
      return encode_webp(image, quality);
  }
  encode_failed("an unknown format");
}

}  // namespace shikong::render
