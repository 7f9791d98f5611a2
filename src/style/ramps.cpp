// Named colour ramps as data: sequential and diverging ramps are sampled by linear interpolation
// between their anchor colours; qualitative ones hand out their colours in order.
#include <fmt/format.h>

#include <array>
#include <cmath>
#include <initializer_list>

#include "core/ascii.hpp"
#include "core/error.hpp"
#include "style/style.hpp"

namespace shikong::style {

namespace {

struct Ramp {
  std::string_view name;
  bool qualitative;
  std::vector<std::uint32_t> rgba;  // 0xRRGGBBAA anchors, low to high
};

constexpr std::uint32_t rgb(std::uint32_t hex) {
  return (hex << 8) | 0xFFu;
}

std::vector<std::uint32_t> hexes(std::initializer_list<std::uint32_t> list) {
  std::vector<std::uint32_t> out;
  for (auto h : list) out.push_back(rgb(h));
  return out;
}

// ColorBrewer (Cynthia Brewer, Penn State) 9-class sequential, 11-class diverging and the
// qualitative sets; viridis (matplotlib) at ten even stops; "heat" runs from a transparent blue
// through cyan, green and yellow to red, for densities.
const std::vector<Ramp>& ramps() {
  static const std::vector<Ramp> kRamps = {
      {"YlOrRd", false,
       hexes({0xffffcc, 0xffeda0, 0xfed976, 0xfeb24c, 0xfd8d3c, 0xfc4e2a, 0xe31a1c, 0xbd0026,
              0x800026})},
      {"Blues", false,
       hexes({0xf7fbff, 0xdeebf7, 0xc6dbef, 0x9ecae1, 0x6baed6, 0x4292c6, 0x2171b5, 0x08519c,
              0x08306b})},
      {"Greens", false,
       hexes({0xf7fcf5, 0xe5f5e0, 0xc7e9c0, 0xa1d99b, 0x74c476, 0x41ab5d, 0x238b45, 0x006d2c,
              0x00441b})},
      {"Reds", false,
       hexes({0xfff5f0, 0xfee0d2, 0xfcbba1, 0xfc9272, 0xfb6a4a, 0xef3b2c, 0xcb181d, 0xa50f15,
              0x67000d})},
      {"Purples", false,
       hexes({0xfcfbfd, 0xefedf5, 0xdadaeb, 0xbcbddc, 0x9e9ac8, 0x807dba, 0x6a51a3, 0x54278f,
              0x3f007d})},
      {"OrRd", false,
       hexes({0xfff7ec, 0xfee8c8, 0xfdd49e, 0xfdbb84, 0xfc8d59, 0xef6548, 0xd7301f, 0xb30000,
              0x7f0000})},
      {"YlGnBu", false,
       hexes({0xffffd9, 0xedf8b1, 0xc7e9b4, 0x7fcdbb, 0x41b6c4, 0x1d91c0, 0x225ea8, 0x253494,
              0x081d58})},
      {"viridis", false,
       hexes({0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e, 0x1f9e89, 0x35b779, 0x6ece58,
              0xb5de2b, 0xfde725})},
      {"RdBu", false,
       hexes({0x67001f, 0xb2182b, 0xd6604d, 0xf4a582, 0xfddbc7, 0xf7f7f7, 0xd1e5f0, 0x92c5de,
              0x4393c3, 0x2166ac, 0x053061})},
      {"Spectral", false,
       hexes({0x9e0142, 0xd53e4f, 0xf46d43, 0xfdae61, 0xfee08b, 0xffffbf, 0xe6f598, 0xabdda4,
              0x66c2a5, 0x3288bd, 0x5e4fa2})},
      {"Set1", true,
       hexes({0xe41a1c, 0x377eb8, 0x4daf4a, 0x984ea3, 0xff7f00, 0xffff33, 0xa65628, 0xf781bf,
              0x999999})},
      {"Set2", true,
       hexes({0x66c2a5, 0xfc8d62, 0x8da0cb, 0xe78ac3, 0xa6d854, 0xffd92f, 0xe5c494, 0xb3b3b3})},
      {"Paired", true,
       hexes({0xa6cee3, 0x1f78b4, 0xb2df8a, 0x33a02c, 0xfb9a99, 0xe31a1c, 0xfdbf6f, 0xff7f00,
              0xcab2d6, 0x6a3d9a, 0xffff99, 0xb15928})},
      {"heat", false, {0x0000ff00, 0x4169e1ff, 0x00ffffff, 0x00ff00ff, 0xffff00ff, 0xff0000ff}},
  };
  return kRamps;
}

Color unpack(std::uint32_t v) {
  return Color{static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
               static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
}

std::uint8_t mix(std::uint8_t a, std::uint8_t b, double t) {
  return static_cast<std::uint8_t>(std::lround(a + (b - a) * t));
}

}  // namespace

std::vector<std::string> ramp_names() {
  std::vector<std::string> out;
  for (const auto& r : ramps()) out.emplace_back(r.name);
  return out;
}

std::vector<Color> ramp_colors(std::string_view ramp, int n) {
  const Ramp* found = nullptr;
  for (const auto& r : ramps())
    if (ascii_iequals(r.name, ramp)) found = &r;
  if (!found)
    throw InvalidInput("invalid-style",
                       fmt::format("'{}' is not a colour ramp", ramp.substr(0, 40)), "/ramp");
  std::vector<Color> out;
  if (n <= 0) return out;
  const auto& anchors = found->rgba;
  if (found->qualitative) {
    for (int i = 0; i < n; ++i)
      out.push_back(unpack(anchors[static_cast<std::size_t>(i) % anchors.size()]));
    return out;
  }
  // One colour takes the middle of the ramp; n colours span it from end to end.
  for (int i = 0; i < n; ++i) {
    const double pos = n == 1 ? 0.5 : static_cast<double>(i) / (n - 1);
    const double x = pos * static_cast<double>(anchors.size() - 1);
    const auto k = std::min(static_cast<std::size_t>(x), anchors.size() - 2);
    const double t = x - static_cast<double>(k);
    const Color a = unpack(anchors[k]), b = unpack(anchors[k + 1]);
    out.push_back(Color{mix(a.r, b.r, t), mix(a.g, b.g, t), mix(a.b, b.b, t), mix(a.a, b.a, t)});
  }
  return out;
}

}  // namespace shikong::style
