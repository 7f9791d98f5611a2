// CQL2 text (OGC 21-065) -> core::Expr: a hand-written recursive-descent parser whose property
// names are looked up in the dataset's schema, so nothing a client writes is ever evaluated.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/expr.hpp"
#include "core/schema.hpp"
#include "datum/crs.hpp"

namespace shikong::ogc {

// Resource limits for one filter (SECURITY.md rule 2).
struct Cql2Limits {
  std::size_t max_length = 16 * 1024;  // bytes of filter text
  std::size_t max_depth = 64;          // nesting of parentheses, NOT and functions
  std::size_t max_nodes = 1000;        // predicates and boolean operators
  std::size_t max_vertices = 10000;    // coordinates over all geometry literals
  std::size_t max_list = 1000;         // values in one IN list
};

// What a filter may name. The geometry is "geometry" (alias "geom"); the dataset's valid time
// is "datetime" (unless a schema field has that name), and also answers to the names of the
// fields the valid time was taken from when used in T_INTERSECTS.
struct Cql2Context {
  const Schema* schema = nullptr;
  bool has_valid_time = false;
  std::string time_start_field;
  std::string time_end_field;
  // CRS of geometry literals (filter-crs); coordinates are read in its authority axis order and
  // transformed to the platform datum. Empty id means CRS84.
  datum::Crs filter_crs;
  Cql2Limits limits;
};

// The names of the reserved queryables.
inline constexpr std::string_view kGeometryQueryable = "geometry";
inline constexpr std::string_view kValidTimeQueryable = "datetime";

// Parses CQL2 text. Supports: = <> < <= > >=, [NOT] LIKE, [NOT] BETWEEN, [NOT] IN (...),
// IS [NOT] NULL, AND/OR/NOT with parentheses, TRUE/FALSE, numbers, 'strings' ('' escapes),
// DATE('...'), TIMESTAMP('...'), S_INTERSECTS(geometry, <WKT | BBOX(...)>) and
// T_INTERSECTS(<time property>, <DATE | TIMESTAMP | INTERVAL('a','b')>). Literals are
// converted to the type of the field they are compared with. Throws
// InvalidInput("invalid-filter", <sentence>, "filter").
ExprPtr parse_cql2_text(std::string_view text, const Cql2Context& context);

// Converts the text of a property=value query parameter (or a string literal) to a value of
// `type`; throws InvalidInput("invalid-parameter-value", ..., parameter) when it does not fit.
Value parse_typed_value(std::string_view text, FieldType type, std::string_view parameter);

}  // namespace shikong::ogc
