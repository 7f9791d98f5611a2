// CSW 2.0.2 at {prefix}/csw: GetCapabilities, DescribeRecord, GetRecords (KVP and POST XML; CQL
// text and OGC Filter 1.1 on the core queryables; csw:Record brief/summary/full; paging),
// GetRecordById; gmd:MD_Metadata (ISO 19139) output. Exceptions: OWS 1.0 ExceptionReport.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "catalog/record.hpp"
#include "core/expr.hpp"
#include "ogc/catalog_context.hpp"
#include "protocol/router.hpp"
#include "xml/xml.hpp"

namespace shikong::ogc {

// GET and POST {prefix}/csw.
void register_csw_routes(protocol::Router& router, const CatalogContext& context);

// An ogc:Filter element (Filter Encoding 1.1 / 1.0) as an Expr on search::Queryable fields:
// PropertyIsEqualTo/NotEqualTo/LessThan/.../Like/Null/Between, And/Or/Not, BBOX, Intersects
// (envelope), Within; PropertyName with or without csw:/dc:/dct:/ows: prefixes. Throws
// InvalidInput("invalid-filter", sentence, "Constraint").
ExprPtr parse_ogc_filter(const xml::Element& filter);
// CSW CQL text (OGC CQL of the catalogue spec): the same queryables, LIKE, comparisons,
// AND/OR/NOT, BBOX(ows:BoundingBox, minx, miny, maxx, maxy). Throws like parse_ogc_filter.
ExprPtr parse_csw_cql(std::string_view text);

// --- parts of the above, exposed for tests ---

// A queryable by name: the core queryables of CSW (AnyText, Title, Abstract, Subject, Type,
// Format, Identifier, Modified, BoundingBox...) with a csw:, dc:, dct:, ows: or apiso: prefix or
// none, compared without regard to ASCII case; nullopt when unknown.
std::optional<search::Queryable> csw_queryable(std::string_view name);

// Within: an Expr::bbox whose `op` is CompareOp::le means "the record's extent lies inside the
// envelope" (ogc:Within); any other op means intersects (BBOX, Intersects). The search engine
// has Within only as SearchQuery::bbox_relation, so GetRecords lifts a Within that is one of the
// filter's top-level And terms into the query and refuses one nested elsewhere.
inline bool is_within(const Expr& e) {
  return e.kind == Expr::Kind::bbox && e.op == CompareOp::le;
}

// How much of the catalogue's answer a record shows (csw:ElementSetName).
enum class ElementSet { brief, summary, full };

// Absolute URLs the record writers put in dct:references / online resources.
struct RecordUrls {
  std::string base;        // "http://host:port"
  std::string prefix;      // "/ogc"
  std::string api_prefix;  // "/api/v1"
};

// One csw:BriefRecord / csw:SummaryRecord / csw:Record element (no XML declaration, no
// namespace declarations: the enclosing response declares csw, dc, dct and ows).
std::string csw_record_xml(const catalog::Record& record, ElementSet set, const RecordUrls& urls);
// One gmd:MD_Metadata element (ISO 19139); declares gmd, gco, gml (3.2) and xlink itself.
std::string iso_record_xml(const catalog::Record& record, ElementSet set, const RecordUrls& urls);

}  // namespace shikong::ogc
