// A compact text form of core::Expr for table tests: exact, readable expected values.
#pragma once

#include <fmt/format.h>

#include <string>

#include "core/expr.hpp"
#include "core/schema.hpp"
#include "datum/time.hpp"
#include "geo/wkb.hpp"

namespace shikong::ogc::testing {

inline std::string value_text(const Value& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>)
          return "null";
        else if constexpr (std::is_same_v<T, bool>)
          return x ? "b:true" : "b:false";
        else if constexpr (std::is_same_v<T, std::int64_t>)
          return fmt::format("i:{}", x);
        else if constexpr (std::is_same_v<T, double>)
          return fmt::format("r:{}", x);
        else if constexpr (std::is_same_v<T, std::string>)
          return fmt::format("s:'{}'", x);
        else if constexpr (std::is_same_v<T, Date>)
          return "d:" + format_date(x);
        else
          return "t:" + datum::format_rfc3339_utc(x);
      },
      v);
}

inline std::string op_text(CompareOp op) {
  switch (op) {
    case CompareOp::eq:
      return "=";
    case CompareOp::ne:
      return "<>";
    case CompareOp::lt:
      return "<";
    case CompareOp::le:
      return "<=";
    case CompareOp::gt:
      return ">";
    case CompareOp::ge:
      return ">=";
  }
  return "?";
}

inline std::string expr_text(const Expr& e, const Schema& s) {
  auto name = [&]() { return s.fields.at(e.field).name; };
  auto join = [&](std::string_view fn) {
    std::string r = std::string(fn) + "(";
    for (std::size_t i = 0; i < e.children.size(); ++i) {
      if (i) r += ", ";
      r += expr_text(*e.children[i], s);
    }
    return r + ")";
  };
  switch (e.kind) {
    case Expr::Kind::and_:
      return join("AND");
    case Expr::Kind::or_:
      return join("OR");
    case Expr::Kind::not_:
      return join("NOT");
    case Expr::Kind::compare:
      return fmt::format("{} {} {}", name(), op_text(e.op), value_text(e.literal));
    case Expr::Kind::like:
      return fmt::format("{} LIKE {}", name(), value_text(e.literal));
    case Expr::Kind::between:
      return fmt::format("{} BETWEEN {} AND {}", name(), value_text(e.literal),
                         value_text(e.literal2));
    case Expr::Kind::in: {
      std::string r = name() + " IN (";
      for (std::size_t i = 0; i < e.list.size(); ++i) {
        if (i) r += ", ";
        r += value_text(e.list[i]);
      }
      return r + ")";
    }
    case Expr::Kind::is_null:
      return name() + " IS NULL";
    case Expr::Kind::bbox:
      return fmt::format("BBOX({},{},{},{})", e.envelope.min_x, e.envelope.min_y, e.envelope.max_x,
                         e.envelope.max_y);
    case Expr::Kind::geometry: {
      const geo::Geometry g = geo::from_wkb(e.wkb);
      std::size_t n = 0;
      g.for_each_coord([&](const geo::Coord&) { ++n; });
      return fmt::format("GEOM({} n={} env={},{},{},{})", geo::to_string(g.type), n,
                         e.envelope.min_x, e.envelope.min_y, e.envelope.max_x, e.envelope.max_y);
    }
    case Expr::Kind::time:
      return fmt::format(
          "TIME({}..{})",
          e.interval.start ? datum::format_rfc3339_utc(*e.interval.start) : std::string(),
          e.interval.end ? datum::format_rfc3339_utc(*e.interval.end) : std::string());
    case Expr::Kind::literal_bool:
      return std::get<bool>(e.literal) ? "TRUE" : "FALSE";
  }
  return "?";
}

}  // namespace shikong::ogc::testing
