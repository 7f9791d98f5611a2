// Image encoders: PNG with zlib, JPEG through libjpeg (flattened on a background colour),
// WebP through libwebp; premultiplied ARGB is turned into the straight colours they expect.
#include <cstddef>
#include <cstdio>
// jpeglib.h needs size_t and FILE declared first.
#include <jpeglib.h>
#include <webp/encode.h>

#include <zlib.h>

#include <cmath>
#include <csetjmp>
#include <cstdlib>
#include <cstring>

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

void put_u32_be(std::string& out, std::uint32_t v) {
  const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                     static_cast<char>(v >> 8), static_cast<char>(v)};
  out.append(b, 4);
}

// Appends a chunk whose data is out[start + 8, end): length and type were reserved by the caller.
void finish_chunk(std::string& out, std::size_t start) {
  const std::size_t length = out.size() - start - 8;
  for (int i = 0; i < 4; ++i)
    out[start + i] = static_cast<char>(static_cast<std::uint32_t>(length) >> (24 - 8 * i));
  const auto* type = reinterpret_cast<const Bytef*>(out.data() + start + 4);
  const uLong crc = crc32(0, type, static_cast<uInt>(length + 4));
  put_u32_be(out, static_cast<std::uint32_t>(crc));
}

std::size_t begin_chunk(std::string& out, std::string_view type) {
  const std::size_t start = out.size();
  out.append(4, '\0');
  out.append(type);
  return start;
}

inline std::uint8_t paeth(int a, int b, int c) {
  const int p = a + b - c;
  const int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return static_cast<std::uint8_t>(a);
  return static_cast<std::uint8_t>(pb <= pc ? b : c);
}

// Straight (not premultiplied) RGBA or RGB bytes of one row.
void straight_row(const std::uint32_t* src, int width, bool alpha, std::uint8_t* d) {
  for (int x = 0; x < width; ++x) {
    const std::uint32_t p = src[x];
    const std::uint32_t a = p >> 24;
    std::uint8_t r = static_cast<std::uint8_t>(p >> 16), g = static_cast<std::uint8_t>(p >> 8),
                 b = static_cast<std::uint8_t>(p);
    if (alpha) {
      if (a == 0) {
        r = g = b = 0;
      } else if (a < 255) {
        r = static_cast<std::uint8_t>((r * 255u + a / 2) / a);
        g = static_cast<std::uint8_t>((g * 255u + a / 2) / a);
        b = static_cast<std::uint8_t>((b * 255u + a / 2) / a);
      }
      d[0] = r, d[1] = g, d[2] = b, d[3] = static_cast<std::uint8_t>(a);
      d += 4;
    } else {
      d[0] = r, d[1] = g, d[2] = b;
      d += 3;
    }
  }
}

// Filters a row with the PNG filter whose output has the smallest sum of absolute values (the
// heuristic the PNG specification recommends), writing the filter byte first. A row equal to
// the one above (empty and flat areas of maps) is all zeros under Up, found without the costs.
void filter_row(const std::uint8_t* row, const std::uint8_t* prev, std::size_t n, int bpp,
                std::uint8_t* out) {
  if (prev && std::memcmp(row, prev, n) == 0) {
    out[0] = 2;
    std::memset(out + 1, 0, n);
    return;
  }
  auto weigh = [](int v) {
    const auto b = static_cast<std::uint8_t>(v);
    return static_cast<std::uint32_t>(b < 128 ? b : 256 - b);
  };
  std::uint32_t cost[5] = {0, 0, 0, 0, 0};
  const std::size_t first = static_cast<std::size_t>(bpp);
  for (std::size_t i = 0; i < n; ++i) {
    const int a = i >= first ? row[i - first] : 0;
    const int b = prev ? prev[i] : 0;
    const int c = prev && i >= first ? prev[i - first] : 0;
    const int x = row[i];
    cost[0] += weigh(x);
    cost[1] += weigh(x - a);
    cost[2] += weigh(x - b);
    cost[3] += weigh(x - ((a + b) >> 1));
    cost[4] += weigh(x - paeth(a, b, c));
  }
  int best = 0;
  for (int k = 1; k < 5; ++k)
    if (cost[k] < cost[best]) best = k;
  out[0] = static_cast<std::uint8_t>(best);
  std::uint8_t* o = out + 1;
  for (std::size_t i = 0; i < n; ++i) {
    const int a = i >= first ? row[i - first] : 0;
    const int b = prev ? prev[i] : 0;
    const int c = prev && i >= first ? prev[i - first] : 0;
    int predicted = 0;
    switch (best) {
      case 1:
        predicted = a;
        break;
      case 2:
        predicted = b;
        break;
      case 3:
        predicted = (a + b) >> 1;
        break;
      case 4:
        predicted = paeth(a, b, c);
        break;
      default:
        break;
    }
    o[i] = static_cast<std::uint8_t>(row[i] - predicted);
  }
}

// PNG written directly with zlib: filters chosen per row, a fast deflate level. Cairo's writer
// (libpng with its defaults) spent several times longer on the same 256 px tiles.
std::string encode_png(const Image& image) {
  // An opaque image is written as RGB: a quarter smaller and faster to compress.
  bool opaque = true;
  for (std::uint32_t p : image.pixels)
    if ((p >> 24) != 255) {
      opaque = false;
      break;
    }
  const int bpp = opaque ? 3 : 4;
  const std::size_t n = static_cast<std::size_t>(image.width) * bpp;

  std::string out("\x89PNG\r\n\x1a\n", 8);
  std::size_t chunk = begin_chunk(out, "IHDR");
  put_u32_be(out, static_cast<std::uint32_t>(image.width));
  put_u32_be(out, static_cast<std::uint32_t>(image.height));
  const char ihdr[5] = {8, static_cast<char>(opaque ? 2 : 6), 0, 0, 0};
  out.append(ihdr, 5);
  finish_chunk(out, chunk);

  z_stream z{};
  if (deflateInit2(&z, 4, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) != Z_OK) encode_failed("PNG");
  chunk = begin_chunk(out, "IDAT");
  std::vector<std::uint8_t> row(n), prev(n), filtered(n + 1);
  std::size_t at = out.size();
  bool ok = true;
  for (int y = 0; y < image.height && ok; ++y) {
    straight_row(image.pixels.data() + static_cast<std::size_t>(y) * image.width, image.width,
                 !opaque, row.data());
    filter_row(row.data(), y > 0 ? prev.data() : nullptr, n, bpp, filtered.data());
    std::swap(row, prev);
    z.next_in = filtered.data();
    z.avail_in = static_cast<uInt>(filtered.size());
    const int flush = y + 1 == image.height ? Z_FINISH : Z_NO_FLUSH;
    for (;;) {
      if (out.size() - at < 65536) out.resize(at + 65536 + out.size() / 2);
      z.next_out = reinterpret_cast<Bytef*>(out.data() + at);
      z.avail_out = static_cast<uInt>(out.size() - at);
      const int rc = deflate(&z, flush);
      at = out.size() - z.avail_out;
      if (rc == Z_STREAM_END) break;
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        ok = false;
        break;
      }
      if (z.avail_in == 0 && flush == Z_NO_FLUSH) break;
    }
  }
  deflateEnd(&z);
  if (!ok) encode_failed("PNG");
  out.resize(at);
  finish_chunk(out, chunk);
  finish_chunk(out, begin_chunk(out, "IEND"));
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
