// Internal to tiles/: one Mapbox Vector Tile 2.1 layer built on protozero, with the keys and
// values tables deduplicated (values typed: string, double, uint, sint, bool).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tiles/tile_geometry.hpp"

namespace shikong::tiles::detail {

class LayerEncoder {
 public:
  // Starts a new layer, keeping the allocated memory of the previous one.
  void reset(std::string_view name, std::uint32_t extent);

  // Indexes into the layer's keys and values tables (added on first use).
  std::uint32_t key(std::string_view k);
  std::uint32_t string_value(std::string_view v);
  std::uint32_t double_value(double v);
  std::uint32_t int_value(std::int64_t v);  // uint_value when >= 0, sint_value otherwise
  std::uint32_t bool_value(bool v);

  // `tags` alternates key and value indexes; `geometry` holds the commands.
  void add_feature(std::optional<std::uint64_t> id, GeomType type,
                   std::span<const std::uint32_t> tags, std::span<const std::uint32_t> geometry);
  std::size_t feature_count() const { return features_; }

  // Appends the layer as field 3 of a Tile message to `tile`.
  void finish(std::string& tile);

 private:
  std::uint32_t value(const std::string& encoded);

  std::string name_;
  std::uint32_t extent_ = 4096;
  std::string features_bytes_;
  std::size_t features_ = 0;
  std::unordered_map<std::string, std::uint32_t> keys_;
  std::vector<const std::string*> key_order_;
  std::unordered_map<std::string, std::uint32_t> values_;  // encoded Value message -> index
  std::vector<const std::string*> value_order_;
  std::string scratch_;
  std::string layer_;
};

}  // namespace shikong::tiles::detail
