// GeoPackage geometry blob header (OGC 12-128r18, 2.1.3.1.1): "GP", version, flags, srs_id and
// an optional envelope, followed by ISO WKB.
#include "geo/gpkg_binary.hpp"

#include <bit>
#include <cstring>

#include "core/error.hpp"
#include "geo/wkb.hpp"

namespace shikong::geo {
namespace {

constexpr std::uint8_t kLittleEndian = 0x01;  // B: header values in little-endian order
constexpr std::uint8_t kEnvelopeXy = 0x02;    // E = 1 in bits 1-3: [minx, maxx, miny, maxy]
constexpr std::uint8_t kEmpty = 0x10;         // Y: the geometry is empty
constexpr std::uint8_t kExtended = 0x20;      // X: an extension's blob, not standard WKB

void put_raw(std::string& out, const void* p, std::size_t n) {
  out.append(static_cast<const char*>(p), n);
}

void put_le32(std::string& out, std::int32_t v) {
  std::uint32_t u = static_cast<std::uint32_t>(v);
  if constexpr (std::endian::native == std::endian::big) u = __builtin_bswap32(u);
  put_raw(out, &u, 4);
}

void put_le64(std::string& out, double d) {
  std::uint64_t u;
  std::memcpy(&u, &d, 8);
  if constexpr (std::endian::native == std::endian::big) u = __builtin_bswap64(u);
  put_raw(out, &u, 8);
}

[[noreturn]] void fail(const char* why) {
  throw InvalidInput("invalid-gpkg-geometry",
                     std::string("The GeoPackage geometry blob is malformed: ") + why + ".");
}

struct BlobHeader {
  std::uint8_t flags;
  std::size_t size;  // header plus envelope bytes
};

BlobHeader read_header(std::string_view blob) {
  if (blob.size() < 8) fail("it is shorter than the 8-byte header");
  if (blob[0] != 'G' || blob[1] != 'P') fail("it does not start with \"GP\"");
  if (blob[2] != 0) fail("its version is not 0");
  auto flags = static_cast<std::uint8_t>(blob[3]);
  if ((flags & 0xC0) != 0) fail("reserved flag bits are set");
  if ((flags & kExtended) != 0) fail("it is an extended geometry type this server cannot read");
  static constexpr std::size_t kEnvelopeBytes[] = {0, 32, 48, 48, 64};
  unsigned e = (flags >> 1) & 0x07u;
  if (e > 4) fail("its envelope type is not defined");
  std::size_t size = 8 + kEnvelopeBytes[e];
  if (blob.size() < size) fail("it ends inside the envelope");
  return BlobHeader{flags, size};
}

}  // namespace

std::string to_gpkg_blob(std::string_view wkb, const Envelope& envelope, std::int32_t srs_id) {
  std::uint8_t flags = kLittleEndian;
  bool has_envelope = !envelope.empty();
  if (has_envelope) {
    flags |= kEnvelopeXy;
  } else if (wkb_envelope(wkb).empty()) {
    // No coordinates at all (NaN points are skipped): the geometry is empty.
    flags |= kEmpty;
  }
  std::string out;
  out.reserve(8 + (has_envelope ? 32 : 0) + wkb.size());
  out.push_back('G');
  out.push_back('P');
  out.push_back('\0');
  out.push_back(static_cast<char>(flags));
  put_le32(out, srs_id);
  if (has_envelope) {
    put_le64(out, envelope.min_x);
    put_le64(out, envelope.max_x);
    put_le64(out, envelope.min_y);
    put_le64(out, envelope.max_y);
  }
  out.append(wkb);
  return out;
}

std::string_view gpkg_blob_wkb(std::string_view blob) {
  BlobHeader h = read_header(blob);
  if (blob.size() == h.size) fail("it holds no WKB after the header");
  return blob.substr(h.size);
}

std::int32_t gpkg_blob_srs_id(std::string_view blob) {
  BlobHeader h = read_header(blob);
  std::uint32_t u;
  std::memcpy(&u, blob.data() + 4, 4);
  bool little = (h.flags & kLittleEndian) != 0;
  if (little != (std::endian::native == std::endian::little)) u = __builtin_bswap32(u);
  return static_cast<std::int32_t>(u);
}

}  // namespace shikong::geo
