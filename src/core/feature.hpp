// A feature as it moves through the pipeline: id, geometry as ISO WKB in the platform datum
// (x = longitude, y = latitude), optional valid time, and values aligned with the Schema.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/envelope.hpp"
#include "core/instant.hpp"
#include "core/value.hpp"

namespace shikong {

struct Feature {
  std::int64_t id = 0;
  std::string wkb;      // empty: no geometry
  Envelope envelope;    // of the geometry; empty when there is none
  Interval valid_time;  // unbounded when the dataset has no time
  std::vector<Value> properties;
};

}  // namespace shikong
