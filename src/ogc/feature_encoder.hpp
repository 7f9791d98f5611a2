// GeoJSON Feature members for a stored feature: geometry transformed from the platform datum to
// the output CRS in its authority axis order, properties as JSON values (dates as YYYY-MM-DD,
// datetimes as RFC 3339 in the platform zone).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/feature.hpp"
#include "core/schema.hpp"
#include "datum/crs.hpp"
#include "protocol/json_writer.hpp"

namespace shikong::ogc {

class FeatureEncoder {
 public:
  // `include[i]` says whether schema field i is written (all when `include` is empty).
  FeatureEncoder(const Schema& schema, const datum::Crs& out_crs, std::vector<bool> include = {});

  // Writes "type", "id", "geometry" and "properties" into an object the caller has opened.
  // A geometry that cannot be decoded or has no image in the output CRS is written as null
  // (and logged), since the response may already be partly sent.
  void write_members(protocol::JsonWriter& w, const Feature& f);

 private:
  Schema schema_;  // a copy: streamed responses outlive the handler's DatasetInfo
  std::vector<bool> include_;
  std::shared_ptr<const datum::Transformer> transformer_;  // null: coordinates pass as they are
  bool swap_xy_ = false;
  std::string geometry_;
};

// Writes one property value as JSON.
void write_value(protocol::JsonWriter& w, const Value& v);

}  // namespace shikong::ogc
