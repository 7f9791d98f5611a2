// Fuzz target: the CQL2 text parser (the `filter` parameter) against a fixed schema with fields
// of every type, including a Chinese name and the valid-time fields. Throws only
// InvalidInput("invalid-filter") naming `filter`. Also parse_typed_value (property=value).
#include <cstdint>

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "ogc/cql2_text.hpp"

using namespace shikong;

namespace {

const Schema& schema() {
  static const Schema s{{{"name", FieldType::text},
                         {"pop", FieldType::integer},
                         {"area", FieldType::real},
                         {"capital", FieldType::boolean},
                         {"founded", FieldType::date},
                         {"updated", FieldType::datetime},
                         {"名称", FieldType::text},
                         {"obs_start", FieldType::datetime},
                         {"obs_end", FieldType::datetime}}};
  return s;
}

const ogc::Cql2Context& context() {
  static const ogc::Cql2Context c = [] {
    ogc::Cql2Context ctx;
    ctx.schema = &schema();
    ctx.has_valid_time = true;
    ctx.time_start_field = "obs_start";
    ctx.time_end_field = "obs_end";
    return ctx;
  }();
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    ExprPtr e = ogc::parse_cql2_text(fuzz::as_text(data, size), context());
    fuzz::check(e != nullptr, "parse_cql2_text returned no expression");
  } catch (const InvalidInput& e) {
    fuzz::check(e.code() == "invalid-filter" && e.parameter() == "filter",
                "a CQL2 error is not invalid-filter naming filter");
  }
  // property=value query parameters go through the same literal conversion.
  for (FieldType t : {FieldType::integer, FieldType::real, FieldType::boolean, FieldType::text,
                      FieldType::date, FieldType::datetime}) {
    try {
      (void)ogc::parse_typed_value(fuzz::as_text(data, size), t, "pop");
    } catch (const InvalidInput& e) {
      fuzz::check(e.code() == "invalid-parameter-value" && e.parameter() == "pop",
                  "a property value error does not name its parameter");
    }
  }
  return 0;
}
