// Coordinate reference systems (the only PROJ user): parsing every form clients and files use,
// and cached, thread-safe transformations between them.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/envelope.hpp"
#include "geo/geometry.hpp"

namespace shikong::datum {

// A resolved CRS. Coordinates inside shikong are always in "GIS order": x = longitude or
// easting, y = latitude or northing. Protocol adapters swap axes where `lat_first` says so.
struct Crs {
  std::string id;          // "EPSG:4490", "OGC:CRS84", or "CUSTOM:<hash>" for WKT without code
  int epsg = 0;            // 0 when there is none (CRS84 has none)
  std::string definition;  // the text PROJ resolves (id, or the WKT/PROJJSON given)
  std::string name;        // PROJ's name, e.g. "China Geodetic Coordinate System 2000"
  bool geographic = false;
  bool lat_first = false;  // authority axis order is northing/latitude first (EPSG:4326, 4490)
  // http://www.opengis.net/def/crs/EPSG/0/4490, .../OGC/1.3/CRS84; empty for CUSTOM ids.
  std::string uri() const;
  bool operator==(const Crs& o) const { return id == o.id; }
};

// Accepts "EPSG:4490", "epsg:4490", "4490", "http://www.opengis.net/def/crs/EPSG/0/4490",
// "urn:ogc:def:crs:EPSG::4490", "CRS84", "OGC:CRS84", ".../OGC/1.3/CRS84", "CRS:84",
// WKT1, WKT2, ESRI .prj WKT and PROJJSON. Never fetches URLs. Throws
// InvalidInput("unknown-crs", ..., parameter).
Crs parse_crs(std::string_view text, std::string_view parameter = "crs");
Crs crs84();
Crs epsg(int code);

class Transformer {
 public:
  virtual ~Transformer() = default;
  // In-place, GIS order in and out. Throws InvalidInput("transform-failed") when a point has
  // no image (e.g. outside the projection's domain).
  virtual void transform(geo::Geometry& g) const = 0;
  virtual void transform(double& x, double& y) const = 0;
  // Envelope of the transformed envelope (edges densified).
  virtual Envelope transform(const Envelope& e) const = 0;
  virtual bool is_identity() const = 0;
  // PROJ's description of the operation ("Ballpark geographic offset ..."), for metadata.
  virtual std::string description() const = 0;
};

// Returns a transformer between two CRSs; instances are cached per pair and safe to use from
// several threads at once.
std::shared_ptr<const Transformer> transformer(const Crs& from, const Crs& to);

// The platform datum: CGCS2000 geographic (EPSG:4490) unless configured otherwise at start.
const Crs& platform_crs();
void set_platform_crs(const Crs& crs);

}  // namespace shikong::datum
