// CSW 2.0.2 at {prefix}/csw: GetCapabilities, DescribeRecord, GetRecords (KVP and POST XML; CQL
// text and OGC Filter 1.1 on the core queryables; csw:Record brief/summary/full; paging),
// GetRecordById; gmd:MD_Metadata (ISO 19139) output. Exceptions: OWS 1.0 ExceptionReport.
#pragma once

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

}  // namespace shikong::ogc
