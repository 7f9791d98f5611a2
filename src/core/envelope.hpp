// Axis-aligned bounding boxes in a dataset's coordinate order (x = easting or longitude).
#pragma once

#include <algorithm>
#include <limits>

namespace shikong {

struct Envelope {
  double min_x = std::numeric_limits<double>::infinity();
  double min_y = std::numeric_limits<double>::infinity();
  double max_x = -std::numeric_limits<double>::infinity();
  double max_y = -std::numeric_limits<double>::infinity();

  static Envelope of(double x0, double y0, double x1, double y1) { return {x0, y0, x1, y1}; }
  bool empty() const { return min_x > max_x || min_y > max_y; }
  void extend(double x, double y) {
    min_x = std::min(min_x, x);
    min_y = std::min(min_y, y);
    max_x = std::max(max_x, x);
    max_y = std::max(max_y, y);
  }
  void extend(const Envelope& o) {
    if (o.empty()) return;
    extend(o.min_x, o.min_y);
    extend(o.max_x, o.max_y);
  }
  bool intersects(const Envelope& o) const {
    return !empty() && !o.empty() && min_x <= o.max_x && o.min_x <= max_x && min_y <= o.max_y &&
           o.min_y <= max_y;
  }
  bool contains(const Envelope& o) const {
    return !empty() && !o.empty() && min_x <= o.min_x && o.max_x <= max_x && min_y <= o.min_y &&
           o.max_y <= max_y;
  }
  bool operator==(const Envelope&) const = default;
};

}  // namespace shikong
