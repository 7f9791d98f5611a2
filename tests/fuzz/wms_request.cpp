// Fuzz target: WMS 1.3.0 GetMap, GetFeatureInfo and GetLegendGraphic query strings. Parsing
// throws only shikong errors that map to a WMS exception code, and what it accepts keeps the
// limits: sizes within bounds, a finite box with its lower corner below its upper one, points
// inside the image.
#include <cmath>
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "ogc/wms_request.hpp"
#include "protocol/query.hpp"

using namespace shikong;

namespace {

const ogc::wms::Limits kLimits{512, 512, 512LL * 256, 4};

void check_map(const ogc::wms::MapRequest& m) {
  fuzz::check(m.width >= 1 && m.width <= kLimits.max_width, "WIDTH outside its limits");
  fuzz::check(m.height >= 1 && m.height <= kLimits.max_height, "HEIGHT outside its limits");
  fuzz::check(static_cast<std::int64_t>(m.width) * m.height <= kLimits.max_pixels,
              "WIDTH x HEIGHT beyond max_pixels");
  fuzz::check(!m.layers.empty() && static_cast<int>(m.layers.size()) <= kLimits.max_layers,
              "LAYERS count outside its limits");
  fuzz::check(std::isfinite(m.bbox.min_x) && std::isfinite(m.bbox.max_y),
              "a non-finite BBOX accepted");
  fuzz::check(m.bbox.min_x < m.bbox.max_x && m.bbox.min_y < m.bbox.max_y,
              "an empty or inverted BBOX accepted");
}

template <typename F>
void guarded(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    (void)ogc::wms::wms_exception_code(e);
    fuzz::check(ogc::wms::wms_exception_status(e) >= 400, "a WMS error without an error status");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  protocol::Request req;
  req.method = "GET";
  try {
    req.query = protocol::parse_query(fuzz::as_text(data, size));
  } catch (const Error&) {
    return 0;
  }
  guarded([&] { ogc::wms::check_service_and_version(req); });
  guarded([&] {
    ogc::wms::MapRequest m;
    ogc::wms::parse_map_request(req, kLimits, true, m);
    check_map(m);
  });
  guarded([&] {
    auto fi = ogc::wms::parse_feature_info_request(req, kLimits);
    check_map(fi.map);
    fuzz::check(fi.i >= 0 && fi.i < fi.map.width && fi.j >= 0 && fi.j < fi.map.height,
                "a point outside the image accepted");
    fuzz::check(fi.feature_count >= 1 && fi.feature_count <= ogc::wms::kMaxFeatureCount,
                "FEATURE_COUNT outside its limits");
  });
  guarded([&] {
    auto l = ogc::wms::parse_legend_request(req, kLimits);
    fuzz::check(l.width >= 0 && l.width <= kLimits.max_width, "legend WIDTH outside its limits");
  });
  return 0;
}
