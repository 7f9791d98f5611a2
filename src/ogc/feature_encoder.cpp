// FeatureEncoder: WKB -> geometry -> transform -> GeoJSON, and typed values -> JSON.
#include "ogc/feature_encoder.hpp"

#include "core/error.hpp"
#include "core/log.hpp"
#include "datum/time.hpp"
#include "geo/geojson.hpp"
#include "geo/wkb.hpp"

namespace shikong::ogc {

FeatureEncoder::FeatureEncoder(const Schema& schema, const datum::Crs& out_crs,
                               std::vector<bool> include)
    : schema_(schema), include_(std::move(include)), swap_xy_(out_crs.lat_first) {
  if (include_.empty()) include_.assign(schema_.size(), true);
  if (!(out_crs == datum::platform_crs())) {
    auto t = datum::transformer(datum::platform_crs(), out_crs);
    if (!t->is_identity()) transformer_ = std::move(t);
  }
}

void write_value(protocol::JsonWriter& w, const Value& v) {
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          w.null();
        } else if constexpr (std::is_same_v<T, Date>) {
          w.value(format_date(x));
        } else if constexpr (std::is_same_v<T, Instant>) {
          w.value(datum::format_rfc3339(x));
        } else {
          w.value(x);
        }
      },
      v);
}

void FeatureEncoder::write_members(protocol::JsonWriter& w, const Feature& f) {
  w.member("type", "Feature");
  w.member("id", f.id);
  w.key("geometry");
  bool written = false;
  if (!f.wkb.empty()) {
    try {
      geo::Geometry g = geo::from_wkb(f.wkb);
      if (transformer_) transformer_->transform(g);
      geometry_.clear();
      geo::write_geojson_geometry(geometry_, g, -1, swap_xy_);
      w.raw(geometry_);
      written = true;
    } catch (const Error& e) {
      log::warn("feature {}: geometry written as null ({})", f.id, e.code());
    }
  }
  if (!written) w.null();
  w.key("properties").begin_object();
  const std::size_t n = std::min(schema_.size(), f.properties.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (!include_[i]) continue;
    w.key(schema_.fields[i].name);
    write_value(w, f.properties[i]);
  }
  w.end_object();
}

}  // namespace shikong::ogc
