// Fuzz target: the CSW constraint in Filter Encoding XML (the `constraint` parameter with
// constraintLanguage=FILTER, and the ogc:Filter of a POSTed GetRecords): the safe XML reader,
// then parse_ogc_filter. Throws only typed errors: invalid-xml / xml-too-large from the reader,
// invalid-filter naming Constraint from the filter.
#include <cstdint>

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "ogc/csw.hpp"
#include "xml/xml.hpp"

using namespace shikong;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  xml::Element root;
  try {
    root = xml::parse(fuzz::as_text(data, size), {.max_bytes = 256 * 1024}, "constraint");
  } catch (const InvalidInput& e) {
    fuzz::check(e.code() == "invalid-xml", "an XML error is not invalid-xml");
    return 0;
  } catch (const PayloadTooLarge&) {
    return 0;
  }
  try {
    ExprPtr e = ogc::parse_ogc_filter(root);
    fuzz::check(e != nullptr, "parse_ogc_filter returned no expression");
  } catch (const InvalidInput& e) {
    fuzz::check(e.code() == "invalid-filter" && e.parameter() == "Constraint",
                "a Filter error is not invalid-filter naming Constraint");
  }
  return 0;
}
