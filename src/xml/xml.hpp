// A safe XML reader: the document is parsed with DTDs, entity expansion and network access off,
// with limits on size, depth and node count, into a small tree that callers walk by namespace
// URI and local name. The only libxml2 user.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace shikong::xml {

struct Attribute {
  std::string ns;    // namespace URI ("" when none)
  std::string name;  // local name
  std::string value;
};

struct Element {
  std::string ns;      // namespace URI ("" when none)
  std::string name;    // local name
  std::string prefix;  // as written in the document (for messages only)
  std::vector<Attribute> attributes;
  std::vector<Element> children;  // element children, in document order
  std::string text;  // concatenated text and CDATA directly inside this element (not trimmed)

  // First child with that namespace URI and local name (ns "*" matches any), or null.
  const Element* child(std::string_view ns, std::string_view name) const;
  std::vector<const Element*> children_named(std::string_view ns, std::string_view name) const;
  // Attribute value by local name (any namespace unless ns given), or "".
  std::string attribute(std::string_view name, std::string_view ns = "*") const;
  bool has_attribute(std::string_view name) const;
  // Text of the first child so named, trimmed of XML blanks, or "".
  std::string child_text(std::string_view ns, std::string_view name) const;
  // Every descendant text of this element joined by single spaces (for AnyText and keywords).
  std::string all_text() const;
};

struct Limits {
  std::size_t max_bytes = 32u << 20;
  std::size_t max_depth = 64;
  std::size_t max_nodes = 2'000'000;  // elements plus attributes
  // Per element: libxml2 checks attributes for duplicates pairwise, so a start tag with a
  // million attributes costs hours; counted on the bytes before parsing.
  std::size_t max_attributes = 1000;
};

// Parses a whole document. A DOCTYPE with an internal subset is refused outright (that is
// where entities are declared: the way entity attacks arrive); a bare DOCTYPE naming an external
// DTD is accepted and the DTD never loaded. Throws InvalidInput("invalid-xml",
// <sentence naming line and column>, parameter) for malformed or refused input, and
// PayloadTooLarge("xml-too-large", ...) beyond the limits.
Element parse(std::string_view bytes, const Limits& limits = {},
              std::string_view parameter = "body");

// Well-known namespace URIs of the OGC protocols.
namespace ns {
inline constexpr std::string_view csw = "http://www.opengis.net/cat/csw/2.0.2";
inline constexpr std::string_view ogc = "http://www.opengis.net/ogc";
inline constexpr std::string_view gml = "http://www.opengis.net/gml";
inline constexpr std::string_view gml32 = "http://www.opengis.net/gml/3.2";
inline constexpr std::string_view ows = "http://www.opengis.net/ows";
inline constexpr std::string_view ows11 = "http://www.opengis.net/ows/1.1";
inline constexpr std::string_view dc = "http://purl.org/dc/elements/1.1/";
inline constexpr std::string_view dct = "http://purl.org/dc/terms/";
inline constexpr std::string_view gmd = "http://www.isotc211.org/2005/gmd";
inline constexpr std::string_view gco = "http://www.isotc211.org/2005/gco";
inline constexpr std::string_view wms = "http://www.opengis.net/wms";
inline constexpr std::string_view wmts = "http://www.opengis.net/wmts/1.0";
inline constexpr std::string_view wfs = "http://www.opengis.net/wfs";
inline constexpr std::string_view wfs20 = "http://www.opengis.net/wfs/2.0";
inline constexpr std::string_view xlink = "http://www.w3.org/1999/xlink";
inline constexpr std::string_view xsi = "http://www.w3.org/2001/XMLSchema-instance";
}  // namespace ns

}  // namespace shikong::xml
