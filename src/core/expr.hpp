// Filter expressions (parsed from CQL2 text, property=value queries, ...) that engines evaluate
// and stores translate to prepared statements. Property names are resolved to field indexes
// before an Expr is built, so nothing a client writes is evaluated.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/envelope.hpp"
#include "core/instant.hpp"
#include "core/value.hpp"

namespace shikong {

enum class CompareOp { eq, ne, lt, le, gt, ge };

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

struct Expr {
  enum class Kind {
    and_,         // children
    or_,          // children
    not_,         // children[0]
    compare,      // field op literal
    like,         // field LIKE pattern (% and _), literal is the pattern text
    between,      // literal <= field <= literal2
    in,           // field IN list
    is_null,      // field IS NULL
    bbox,         // geometry envelope intersects `envelope` (platform datum)
    geometry,     // geometry intersects `wkb` (platform datum); stores may pre-filter by envelope
    time,         // valid time overlaps `interval`
    literal_bool  // constant true/false (literal holds bool)
  };
  Kind kind = Kind::literal_bool;
  std::vector<ExprPtr> children;
  std::size_t field = 0;  // index into the dataset Schema
  CompareOp op = CompareOp::eq;
  Value literal;
  Value literal2;
  std::vector<Value> list;
  Envelope envelope;
  std::string wkb;
  Interval interval;
};

}  // namespace shikong
