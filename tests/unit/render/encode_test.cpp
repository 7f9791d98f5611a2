// Encoders: magic bytes, and the images decoded back (Cairo for PNG, libjpeg, libwebp) with
// their size and colours; format names.
#include <cairo.h>
#include <cstddef>
#include <cstdio>
// jpeglib.h needs size_t and FILE declared first.
#include <jpeglib.h>
#include <webp/decode.h>

#include <cstring>

#include "core/error.hpp"
#include "render_fixture.hpp"

namespace shikong::render {
namespace {

using namespace testing;

// Left half opaque red, right half transparent, one half-transparent red pixel at (1, 1).
Image sample(int w, int h) {
  Image img = blank_image(w, h, true, {});
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w / 2; ++x)
      img.pixels[static_cast<std::size_t>(y) * w + x] = argb(255, 0, 0);
  img.pixels[static_cast<std::size_t>(1) * w + 1] = 0x80800000u;
  return img;
}

struct ReadState {
  const std::string* bytes;
  std::size_t at = 0;
};

cairo_status_t read_chunk(void* closure, unsigned char* data, unsigned int length) {
  auto* s = static_cast<ReadState*>(closure);
  if (s->at + length > s->bytes->size()) return CAIRO_STATUS_READ_ERROR;
  std::memcpy(data, s->bytes->data() + s->at, length);
  s->at += length;
  return CAIRO_STATUS_SUCCESS;
}

TEST(EncodeTest, PngRoundTrip) {
  const Image img = sample(40, 30);
  const std::string png = encode(img, ImageFormat::png);
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(png[25], 6);  // IHDR colour type: RGBA
  ReadState state{&png};
  cairo_surface_t* s = cairo_image_surface_create_from_png_stream(read_chunk, &state);
  ASSERT_EQ(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
  EXPECT_EQ(cairo_image_surface_get_width(s), 40);
  EXPECT_EQ(cairo_image_surface_get_height(s), 30);
  const auto* data = reinterpret_cast<const std::uint32_t*>(cairo_image_surface_get_data(s));
  const int stride = cairo_image_surface_get_stride(s) / 4;
  EXPECT_EQ(data[5 * stride + 5], argb(255, 0, 0));
  EXPECT_EQ(data[5 * stride + 35], 0u);
  EXPECT_EQ(data[1 * stride + 1], 0x80800000u);
  cairo_surface_destroy(s);
}

TEST(EncodeTest, OpaquePngIsRgb) {
  const Image img = blank_image(16, 8, false, {0, 0, 255, 255});
  const std::string png = encode(img, ImageFormat::png);
  EXPECT_EQ(png[25], 2);  // IHDR colour type: RGB
  ReadState state{&png};
  cairo_surface_t* s = cairo_image_surface_create_from_png_stream(read_chunk, &state);
  ASSERT_EQ(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
  const auto* data = reinterpret_cast<const std::uint32_t*>(cairo_image_surface_get_data(s));
  EXPECT_EQ(data[3] | 0xff000000u, argb(0, 0, 255));
  cairo_surface_destroy(s);
}

struct Decoded {
  int width = 0, height = 0;
  std::vector<unsigned char> rgb;
  const unsigned char* at(int x, int y) const {
    return &rgb[(static_cast<std::size_t>(y) * width + x) * 3];
  }
};

Decoded decode_jpeg(const std::string& bytes) {
  jpeg_decompress_struct c;
  jpeg_error_mgr err;
  c.err = jpeg_std_error(&err);
  jpeg_create_decompress(&c);
  jpeg_mem_src(&c, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  jpeg_read_header(&c, TRUE);
  c.out_color_space = JCS_RGB;
  jpeg_start_decompress(&c);
  Decoded d;
  d.width = static_cast<int>(c.output_width);
  d.height = static_cast<int>(c.output_height);
  d.rgb.resize(static_cast<std::size_t>(d.width) * d.height * 3);
  while (c.output_scanline < c.output_height) {
    JSAMPROW row = d.rgb.data() + static_cast<std::size_t>(c.output_scanline) * d.width * 3;
    jpeg_read_scanlines(&c, &row, 1);
  }
  jpeg_finish_decompress(&c);
  jpeg_destroy_decompress(&c);
  return d;
}

TEST(EncodeTest, JpegFlattensOnTheBackground) {
  const Image img = sample(64, 48);
  const std::string jpeg = encode(img, ImageFormat::jpeg, 90, {255, 255, 0, 255});
  ASSERT_GT(jpeg.size(), 3u);
  EXPECT_EQ(jpeg.substr(0, 3), std::string("\xff\xd8\xff", 3));
  const Decoded d = decode_jpeg(jpeg);
  EXPECT_EQ(d.width, 64);
  EXPECT_EQ(d.height, 48);
  const unsigned char* left = d.at(10, 30);
  EXPECT_NEAR(left[0], 255, 8);
  EXPECT_NEAR(left[1], 0, 8);
  EXPECT_NEAR(left[2], 0, 8);
  const unsigned char* right = d.at(50, 30);  // transparent -> the yellow background
  EXPECT_NEAR(right[0], 255, 8);
  EXPECT_NEAR(right[1], 255, 8);
  EXPECT_NEAR(right[2], 0, 8);
  // Quality changes the size.
  EXPECT_LT(encode(img, ImageFormat::jpeg, 10).size(), encode(img, ImageFormat::jpeg, 100).size());
}

TEST(EncodeTest, WebpRoundTripKeepsAlpha) {
  const Image img = sample(64, 48);
  const std::string webp = encode(img, ImageFormat::webp, 90);
  ASSERT_GT(webp.size(), 12u);
  EXPECT_EQ(webp.substr(0, 4), "RIFF");
  EXPECT_EQ(webp.substr(8, 4), "WEBP");
  int w = 0, h = 0;
  std::uint8_t* rgba =
      WebPDecodeRGBA(reinterpret_cast<const std::uint8_t*>(webp.data()), webp.size(), &w, &h);
  ASSERT_NE(rgba, nullptr);
  EXPECT_EQ(w, 64);
  EXPECT_EQ(h, 48);
  const std::uint8_t* left = rgba + (30 * 64 + 10) * 4;
  EXPECT_NEAR(left[0], 255, 8);
  EXPECT_NEAR(left[1], 0, 8);
  EXPECT_NEAR(left[2], 0, 8);
  EXPECT_EQ(left[3], 255);
  const std::uint8_t* right = rgba + (30 * 64 + 50) * 4;
  EXPECT_EQ(right[3], 0);
  WebPFree(rgba);
}

TEST(EncodeTest, BadImagesAreRefused) {
  Image empty;
  EXPECT_THROW(encode(empty, ImageFormat::png), InvalidInput);
  Image wrong;
  wrong.width = 10;
  wrong.height = 10;
  wrong.pixels.resize(5);
  EXPECT_THROW(encode(wrong, ImageFormat::jpeg), InvalidInput);
}

TEST(EncodeTest, FormatNames) {
  EXPECT_EQ(image_format_from_string("image/png"), ImageFormat::png);
  EXPECT_EQ(image_format_from_string("PNG"), ImageFormat::png);
  EXPECT_EQ(image_format_from_string("image/png; mode=8bit"), ImageFormat::png);
  EXPECT_EQ(image_format_from_string("image/jpeg"), ImageFormat::jpeg);
  EXPECT_EQ(image_format_from_string("jpg"), ImageFormat::jpeg);
  EXPECT_EQ(image_format_from_string("jpeg"), ImageFormat::jpeg);
  EXPECT_EQ(image_format_from_string("image/webp"), ImageFormat::webp);
  EXPECT_EQ(image_format_from_string("webp"), ImageFormat::webp);
  EXPECT_EQ(image_format_from_string("image/gif"), std::nullopt);
  EXPECT_EQ(image_format_from_string(""), std::nullopt);
  EXPECT_EQ(mime_type(ImageFormat::png), "image/png");
  EXPECT_EQ(mime_type(ImageFormat::jpeg), "image/jpeg");
  EXPECT_EQ(mime_type(ImageFormat::webp), "image/webp");
  EXPECT_EQ(file_extension(ImageFormat::png), "png");
  EXPECT_EQ(file_extension(ImageFormat::jpeg), "jpeg");
  EXPECT_EQ(file_extension(ImageFormat::webp), "webp");
}

}  // namespace
}  // namespace shikong::render
