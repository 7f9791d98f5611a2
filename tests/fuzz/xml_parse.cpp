// Fuzz target: the safe XML reader. Any input either parses into a tree within the limits, with
// valid UTF-8 everywhere, or throws InvalidInput("invalid-xml") / PayloadTooLarge
// ("xml-too-large") naming the parameter; never anything else, and never a crash.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/utf8.hpp"
#include "fuzz_support.hpp"
#include "xml/xml.hpp"

using namespace shikong;

namespace {

// Checks one element and its subtree; returns the number of elements and attributes.
std::size_t check_tree(const xml::Element& e, std::size_t depth, const xml::Limits& limits) {
  fuzz::check(depth <= limits.max_depth, "the tree is deeper than max_depth");
  fuzz::check(!e.name.empty(), "an element has no name");
  fuzz::check(is_well_formed_utf8(e.name) && is_well_formed_utf8(e.ns) &&
                  is_well_formed_utf8(e.prefix) && is_well_formed_utf8(e.text),
              "an element's strings are not UTF-8");
  fuzz::check(e.attributes.size() <= limits.max_attributes, "too many attributes were accepted");
  std::size_t nodes = 1 + e.attributes.size();
  for (const xml::Attribute& a : e.attributes) {
    fuzz::check(
        is_well_formed_utf8(a.name) && is_well_formed_utf8(a.ns) && is_well_formed_utf8(a.value),
        "an attribute's strings are not UTF-8");
    fuzz::check(e.has_attribute(a.name), "has_attribute misses an attribute");
  }
  for (const xml::Element& c : e.children) {
    fuzz::check(e.child(c.ns, c.name) != nullptr, "child() misses a child");
    nodes += check_tree(c, depth + 1, limits);
  }
  fuzz::check(is_well_formed_utf8(e.all_text()), "all_text is not UTF-8");
  return nodes;
}

void parse_with(std::string_view bytes, const xml::Limits& limits) {
  try {
    xml::Element root = xml::parse(bytes, limits, "body");
    std::size_t nodes = check_tree(root, 1, limits);
    fuzz::check(nodes <= limits.max_nodes, "more nodes than max_nodes were accepted");
  } catch (const InvalidInput& e) {
    fuzz::check(e.code() == "invalid-xml" && e.parameter() == "body",
                "an XML error is not invalid-xml naming body");
    fuzz::check(is_well_formed_utf8(e.detail()), "an XML error message is not UTF-8");
  } catch (const PayloadTooLarge& e) {
    fuzz::check(e.code() == "xml-too-large", "a limit error is not xml-too-large");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes = fuzz::as_text(data, size);
  parse_with(bytes, xml::Limits{});
  // Small limits, so that inputs reach each of them.
  xml::Limits small;
  small.max_bytes = 2048;
  small.max_depth = 8;
  small.max_nodes = 64;
  small.max_attributes = 8;
  parse_with(bytes, small);
  return 0;
}
