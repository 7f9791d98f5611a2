// Fuzz target: the CSW CQL text parser (constraintLanguage=CQL_TEXT and csw:CqlText). Throws
// only InvalidInput("invalid-filter") naming Constraint; a within box only as a bbox Expr.
#include <cstdint>

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "ogc/csw.hpp"

using namespace shikong;

namespace {

void check_tree(const Expr& e, int depth) {
  fuzz::check(depth < 200, "the Expr is deeper than the parser's limit allows");
  if (ogc::is_within(e)) fuzz::check(!e.envelope.empty(), "a Within box is empty");
  if (e.kind == Expr::Kind::bbox)
    fuzz::check(e.envelope.min_y >= -90 && e.envelope.max_y <= 90, "a latitude is out of range");
  for (const auto& c : e.children) {
    fuzz::check(c != nullptr, "an Expr has a null child");
    check_tree(*c, depth + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    ExprPtr e = ogc::parse_csw_cql(fuzz::as_text(data, size));
    fuzz::check(e != nullptr, "parse_csw_cql returned no expression");
    check_tree(*e, 0);
  } catch (const InvalidInput& e) {
    fuzz::check(e.code() == "invalid-filter" && e.parameter() == "Constraint",
                "a CQL error is not invalid-filter naming Constraint");
  }
  return 0;
}
