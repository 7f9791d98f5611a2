// MVT layer encoding (vector tile spec 2.1, section 4): features are written as they come into
// one buffer; keys and values are deduplicated by their encoded bytes and written at the end.
#include "tiles/mvt_encoder.hpp"

#include <protozero/pbf_writer.hpp>

namespace shikong::tiles::detail {
namespace {

// Field numbers of vector_tile.proto (spec 2.1).
enum TileTag : protozero::pbf_tag_type { tile_layers = 3 };
enum LayerTag : protozero::pbf_tag_type {
  layer_name = 1,
  layer_features = 2,
  layer_keys = 3,
  layer_values = 4,
  layer_extent = 5,
  layer_version = 15
};
enum FeatureTag : protozero::pbf_tag_type {
  feature_id = 1,
  feature_tags = 2,
  feature_type = 3,
  feature_geometry = 4
};
enum ValueTag : protozero::pbf_tag_type {
  value_string = 1,
  value_double = 3,
  value_uint = 5,
  value_sint = 6,
  value_bool = 7
};

}  // namespace

void LayerEncoder::reset(std::string_view name, std::uint32_t extent) {
  name_.assign(name);
  extent_ = extent;
  features_bytes_.clear();
  features_ = 0;
  keys_.clear();
  key_order_.clear();
  values_.clear();
  value_order_.clear();
}

std::uint32_t LayerEncoder::key(std::string_view k) {
  scratch_.assign(k);
  auto it = keys_.find(scratch_);
  if (it != keys_.end()) return it->second;
  auto idx = static_cast<std::uint32_t>(key_order_.size());
  auto [ins, _] = keys_.emplace(scratch_, idx);
  key_order_.push_back(&ins->first);
  return idx;
}

std::uint32_t LayerEncoder::value(const std::string& encoded) {
  auto it = values_.find(encoded);
  if (it != values_.end()) return it->second;
  auto idx = static_cast<std::uint32_t>(value_order_.size());
  auto [ins, _] = values_.emplace(encoded, idx);
  value_order_.push_back(&ins->first);
  return idx;
}

std::uint32_t LayerEncoder::string_value(std::string_view v) {
  scratch_.clear();
  protozero::pbf_writer w(scratch_);
  w.add_string(value_string, v.data(), v.size());
  return value(scratch_);
}

std::uint32_t LayerEncoder::double_value(double v) {
  scratch_.clear();
  protozero::pbf_writer w(scratch_);
  w.add_double(value_double, v);
  return value(scratch_);
}

std::uint32_t LayerEncoder::int_value(std::int64_t v) {
  scratch_.clear();
  protozero::pbf_writer w(scratch_);
  if (v >= 0)
    w.add_uint64(value_uint, static_cast<std::uint64_t>(v));
  else
    w.add_sint64(value_sint, v);
  return value(scratch_);
}

std::uint32_t LayerEncoder::bool_value(bool v) {
  scratch_.clear();
  protozero::pbf_writer w(scratch_);
  w.add_bool(value_bool, v);
  return value(scratch_);
}

void LayerEncoder::add_feature(std::optional<std::uint64_t> id, GeomType type,
                               std::span<const std::uint32_t> tags,
                               std::span<const std::uint32_t> geometry) {
  protozero::pbf_writer layer(features_bytes_);
  protozero::pbf_writer f(layer, layer_features);
  if (id) f.add_uint64(feature_id, *id);
  if (!tags.empty()) f.add_packed_uint32(feature_tags, tags.begin(), tags.end());
  f.add_enum(feature_type, static_cast<std::int32_t>(type));
  f.add_packed_uint32(feature_geometry, geometry.begin(), geometry.end());
  ++features_;
}

void LayerEncoder::finish(std::string& tile) {
  layer_.clear();
  {
    protozero::pbf_writer w(layer_);
    w.add_uint32(layer_version, 2);
    w.add_string(layer_name, name_);
  }
  // The features were encoded as layer fields already: appended as they are.
  layer_.append(features_bytes_);
  {
    protozero::pbf_writer w(layer_);
    for (const std::string* k : key_order_) w.add_string(layer_keys, *k);
    for (const std::string* v : value_order_) w.add_message(layer_values, *v);
    w.add_uint32(layer_extent, extent_);
  }
  protozero::pbf_writer t(tile);
  t.add_message(tile_layers, layer_);
}

}  // namespace shikong::tiles::detail
