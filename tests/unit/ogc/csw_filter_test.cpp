// CSW constraints: OGC Filter XML and CSW CQL text to Expr on search::Queryable fields (table
// tests with the exact Expr shape), axis order of envelopes by srsName, and refused input.
#include <gtest/gtest.h>

#include <string>

#include "core/error.hpp"
#include "expr_text.hpp"
#include "ogc/csw.hpp"
#include "xml/xml.hpp"

namespace shikong::ogc {
namespace {

using search::Queryable;

// Field names in Queryable order, for expr_text.
const Schema& queryable_schema() {
  static const Schema s{{{"AnyText"},
                         {"Title"},
                         {"Abstract"},
                         {"Subject"},
                         {"Type"},
                         {"Format"},
                         {"Identifier"},
                         {"Modified"},
                         {"Created"},
                         {"Publisher"},
                         {"Licence"},
                         {"Language"},
                         {"CRS"},
                         {"Kind"},
                         {"Access"},
                         {"State"},
                         {"Source"},
                         {"BoundingBox"},
                         {"Time"}}};
  return s;
}

std::string text_of(const ExprPtr& e) {
  if (!e) return "<null>";
  std::string t = testing::expr_text(*e, queryable_schema());
  if (is_within(*e)) t = "WITHIN:" + t;
  return t;
}

std::string filter_text(const std::string& body) {
  const std::string doc =
      R"(<ogc:Filter xmlns:ogc="http://www.opengis.net/ogc" xmlns:gml="http://www.opengis.net/gml">)" +
      body + "</ogc:Filter>";
  return text_of(parse_ogc_filter(xml::parse(doc)));
}

std::string filter_error(const std::string& body) {
  try {
    filter_text(body);
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "invalid-filter") << body;
    EXPECT_EQ(e.parameter(), "Constraint") << body;
    return e.detail();
  }
  ADD_FAILURE() << "accepted: " << body;
  return {};
}

TEST(CswQueryable, NamesWithAndWithoutPrefixes) {
  EXPECT_EQ(csw_queryable("csw:AnyText"), Queryable::any_text);
  EXPECT_EQ(csw_queryable("AnyText"), Queryable::any_text);
  EXPECT_EQ(csw_queryable("apiso:anytext"), Queryable::any_text);
  EXPECT_EQ(csw_queryable("dc:title"), Queryable::title);
  EXPECT_EQ(csw_queryable("dct:abstract"), Queryable::abstract);
  EXPECT_EQ(csw_queryable("dc:subject"), Queryable::subject);
  EXPECT_EQ(csw_queryable("apiso:TopicCategory"), Queryable::subject);
  EXPECT_EQ(csw_queryable("dct:modified"), Queryable::modified);
  EXPECT_EQ(csw_queryable("apiso:RevisionDate"), Queryable::modified);
  EXPECT_EQ(csw_queryable("ows:BoundingBox"), Queryable::bbox);
  EXPECT_EQ(csw_queryable("apiso:OrganisationName"), Queryable::publisher);
  EXPECT_EQ(csw_queryable("dc:rights"), Queryable::licence);
  EXPECT_EQ(csw_queryable("shikong:kind"), Queryable::kind);
  EXPECT_EQ(csw_queryable("dc:nothing"), std::nullopt);
  EXPECT_EQ(csw_queryable("xyz:title"), std::nullopt);
  EXPECT_EQ(csw_queryable("/csw:Record/dc:title"), std::nullopt);
  EXPECT_EQ(csw_queryable(""), std::nullopt);
}

struct Case {
  const char* input;
  const char* expected;
};

class OgcFilterValid : public ::testing::TestWithParam<Case> {};

TEST_P(OgcFilterValid, ParsesToExpectedExpr) {
  EXPECT_EQ(filter_text(GetParam().input), GetParam().expected) << GetParam().input;
}

INSTANTIATE_TEST_SUITE_P(
    Table, OgcFilterValid,
    ::
        testing::
            Values(
                // OWSLib's PropertyIsLike (wildCard %, singleChar _, escapeChar \).
                Case{
                    R"(<ogc:PropertyIsLike wildCard="%" singleChar="_" escapeChar="\"><ogc:PropertyName>csw:AnyText</ogc:PropertyName><ogc:Literal>%road%</ogc:Literal></ogc:PropertyIsLike>)",
                    "AnyText LIKE s:'%road%'"},
                // Other marks are translated; literal % and _ are escaped.
                Case{
                    R"(<ogc:PropertyIsLike wildCard="*" singleChar="." escapeChar="!"><ogc:PropertyName>dc:title</ogc:PropertyName><ogc:Literal>a*b.c!*d_e%</ogc:Literal></ogc:PropertyIsLike>)",
                    R"(Title LIKE s:'a%b_c*d\_e\%')"},
                // FE 1.0's `escape` attribute.
                Case{
                    R"(<ogc:PropertyIsLike wildCard="*" singleChar="?" escape="\"><ogc:PropertyName>Title</ogc:PropertyName><ogc:Literal>\*x*</ogc:Literal></ogc:PropertyIsLike>)",
                    "Title LIKE s:'*x%'"},
                Case{
                    R"(<ogc:PropertyIsEqualTo><ogc:PropertyName>dc:identifier</ogc:PropertyName><ogc:Literal>roads</ogc:Literal></ogc:PropertyIsEqualTo>)",
                    "Identifier = s:'roads'"},
                // Literal first: the operator turns round.
                Case{
                    R"(<ogc:PropertyIsLessThan><ogc:Literal>b</ogc:Literal><ogc:PropertyName>dc:title</ogc:PropertyName></ogc:PropertyIsLessThan>)",
                    "Title > s:'b'"},
                Case{
                    R"(<ogc:PropertyIsNotEqualTo><ogc:PropertyName>dc:type</ogc:PropertyName><ogc:Literal>service</ogc:Literal></ogc:PropertyIsNotEqualTo>)",
                    "Type <> s:'service'"},
                // A date covers its day (platform zone UTC+8 for zone-less dates).
                Case{
                    R"(<ogc:PropertyIsGreaterThanOrEqualTo><ogc:PropertyName>dct:modified</ogc:PropertyName><ogc:Literal>2024-05-01</ogc:Literal></ogc:PropertyIsGreaterThanOrEqualTo>)",
                    "Modified >= t:2024-04-30T16:00:00Z"},
                Case{
                    R"(<ogc:PropertyIsLessThanOrEqualTo><ogc:PropertyName>dct:modified</ogc:PropertyName><ogc:Literal>2024-05-01</ogc:Literal></ogc:PropertyIsLessThanOrEqualTo>)",
                    "Modified <= t:2024-05-01T15:59:59.999999Z"},
                Case{
                    R"(<ogc:PropertyIsEqualTo><ogc:PropertyName>Modified</ogc:PropertyName><ogc:Literal>2024-05-01T00:00:00Z</ogc:Literal></ogc:PropertyIsEqualTo>)",
                    "Modified BETWEEN t:2024-05-01T00:00:00Z AND t:2024-05-01T00:00:00.999999Z"},
                Case{
                    R"(<ogc:PropertyIsGreaterThan><ogc:PropertyName>dct:modified</ogc:PropertyName><ogc:Literal>2024-05-01T08:00:00Z</ogc:Literal></ogc:PropertyIsGreaterThan>)",
                    "Modified > t:2024-05-01T08:00:00.999999Z"},
                Case{
                    R"(<ogc:PropertyIsBetween><ogc:PropertyName>dct:modified</ogc:PropertyName><ogc:LowerBoundary><ogc:Literal>2024-01-01T00:00:00Z</ogc:Literal></ogc:LowerBoundary><ogc:UpperBoundary><ogc:Literal>2024-12-31T00:00:00Z</ogc:Literal></ogc:UpperBoundary></ogc:PropertyIsBetween>)",
                    "Modified BETWEEN t:2024-01-01T00:00:00Z AND t:2024-12-31T00:00:00.999999Z"},
                Case{
                    R"(<ogc:PropertyIsNull><ogc:PropertyName>dc:rights</ogc:PropertyName></ogc:PropertyIsNull>)",
                    "Licence IS NULL"},
                // OWSLib's BBox without srsName: longitude first.
                Case{
                    R"(<ogc:BBOX><ogc:PropertyName>ows:BoundingBox</ogc:PropertyName><gml:Envelope><gml:lowerCorner>115 39</gml:lowerCorner><gml:upperCorner>117.5 41</gml:upperCorner></gml:Envelope></ogc:BBOX>)",
                    "BBOX(115,39,117.5,41)"},
                // GDAL's: EPSG URN, latitude first.
                Case{
                    R"(<ogc:BBOX><ogc:PropertyName>ows:BoundingBox</ogc:PropertyName><gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>39 115</gml:lowerCorner><gml:upperCorner>41 117.5</gml:upperCorner></gml:Envelope></ogc:BBOX>)",
                    "BBOX(115,39,117.5,41)"},
                Case{
                    R"(<ogc:BBOX><ogc:PropertyName>ows:BoundingBox</ogc:PropertyName><gml:Envelope srsName="http://www.opengis.net/def/crs/EPSG/0/4490"><gml:lowerCorner>39 115</gml:lowerCorner><gml:upperCorner>41 117.5</gml:upperCorner></gml:Envelope></ogc:BBOX>)",
                    "BBOX(115,39,117.5,41)"},
                Case{
                    R"(<ogc:BBOX><ogc:PropertyName>ows:BoundingBox</ogc:PropertyName><gml:Envelope srsName="EPSG:4326"><gml:lowerCorner>115 39</gml:lowerCorner><gml:upperCorner>117.5 41</gml:upperCorner></gml:Envelope></ogc:BBOX>)",
                    "BBOX(115,39,117.5,41)"},
                Case{
                    R"(<ogc:BBOX><ogc:PropertyName>ows:BoundingBox</ogc:PropertyName><gml:Envelope srsName="urn:ogc:def:crs:OGC:1.3:CRS84"><gml:lowerCorner>115 39</gml:lowerCorner><gml:upperCorner>117.5 41</gml:upperCorner></gml:Envelope></ogc:BBOX>)",
                    "BBOX(115,39,117.5,41)"},
                // GML 2 box.
                Case{
                    R"(<ogc:BBOX><ogc:PropertyName>BoundingBox</ogc:PropertyName><gml:Box srsName="EPSG:4326"><gml:coordinates>115,39 117.5,41</gml:coordinates></gml:Box></ogc:BBOX>)",
                    "BBOX(115,39,117.5,41)"},
                Case{
                    R"(<ogc:Within><ogc:PropertyName>ows:BoundingBox</ogc:PropertyName><gml:Envelope><gml:lowerCorner>100 20</gml:lowerCorner><gml:upperCorner>120 45</gml:upperCorner></gml:Envelope></ogc:Within>)",
                    "WITHIN:BBOX(100,20,120,45)"},
                Case{
                    R"(<ogc:And><ogc:PropertyIsLike wildCard="%" singleChar="_" escapeChar="\"><ogc:PropertyName>csw:AnyText</ogc:PropertyName><ogc:Literal>%北京%</ogc:Literal></ogc:PropertyIsLike><ogc:Or><ogc:PropertyIsEqualTo><ogc:PropertyName>dc:type</ogc:PropertyName><ogc:Literal>dataset</ogc:Literal></ogc:PropertyIsEqualTo><ogc:Not><ogc:PropertyIsNull><ogc:PropertyName>dc:subject</ogc:PropertyName></ogc:PropertyIsNull></ogc:Not></ogc:Or></ogc:And>)",
                    "AND(AnyText LIKE s:'%北京%', OR(Type = s:'dataset', NOT(Subject IS NULL)))"},
                // Several operators directly under Filter are taken together.
                Case{
                    R"(<ogc:PropertyIsEqualTo><ogc:PropertyName>dc:format</ogc:PropertyName><ogc:Literal>GeoJSON</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>dc:language</ogc:PropertyName><ogc:Literal>zh</ogc:Literal></ogc:PropertyIsEqualTo>)",
                    "AND(Format = s:'GeoJSON', Language = s:'zh')"}));

TEST(OgcFilter, FilterEncoding2ValueReference) {
  const std::string doc =
      R"(<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:PropertyIsEqualTo>)"
      R"(<fes:ValueReference>dc:title</fes:ValueReference><fes:Literal>x</fes:Literal>)"
      R"(</fes:PropertyIsEqualTo></fes:Filter>)";
  EXPECT_EQ(text_of(parse_ogc_filter(xml::parse(doc))), "Title = s:'x'");
}

TEST(OgcFilter, RefusedInput) {
  EXPECT_NE(
      filter_error(
          R"(<ogc:PropertyIsEqualTo><ogc:PropertyName>dc:secret</ogc:PropertyName><ogc:Literal>x</ogc:Literal></ogc:PropertyIsEqualTo>)")
          .find("'dc:secret' is not a queryable"),
      std::string::npos);
  filter_error(
      R"(<ogc:PropertyIsEqualTo><ogc:PropertyName>/csw:Record/dc:title</ogc:PropertyName><ogc:Literal>x</ogc:Literal></ogc:PropertyIsEqualTo>)");
  filter_error(
      R"(<ogc:PropertyIsEqualTo><ogc:PropertyName>dc:title</ogc:PropertyName><ogc:Function name="x"/></ogc:PropertyIsEqualTo>)");
  filter_error(
      R"(<ogc:PropertyIsGreaterThan><ogc:PropertyName>dct:modified</ogc:PropertyName><ogc:Literal>yesterday</ogc:Literal></ogc:PropertyIsGreaterThan>)");
  filter_error(
      R"(<ogc:PropertyIsLike wildCard="%" singleChar="_" escapeChar="\"><ogc:PropertyName>dct:modified</ogc:PropertyName><ogc:Literal>%</ogc:Literal></ogc:PropertyIsLike>)");
  filter_error(
      R"(<ogc:PropertyIsLike wildCard="%" singleChar="%"><ogc:PropertyName>dc:title</ogc:PropertyName><ogc:Literal>%</ogc:Literal></ogc:PropertyIsLike>)");
  filter_error(
      R"(<ogc:PropertyIsEqualTo><ogc:PropertyName>ows:BoundingBox</ogc:PropertyName><ogc:Literal>1</ogc:Literal></ogc:PropertyIsEqualTo>)");
  filter_error(
      R"(<ogc:BBOX><ogc:PropertyName>dc:title</ogc:PropertyName><gml:Envelope><gml:lowerCorner>0 0</gml:lowerCorner><gml:upperCorner>1 1</gml:upperCorner></gml:Envelope></ogc:BBOX>)");
  // Latitude first under the URN: 115 is no latitude.
  EXPECT_NE(
      filter_error(
          R"(<ogc:BBOX><ogc:PropertyName>ows:BoundingBox</ogc:PropertyName><gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>115 39</gml:lowerCorner><gml:upperCorner>117 41</gml:upperCorner></gml:Envelope></ogc:BBOX>)")
          .find("latitude first"),
      std::string::npos);
  filter_error(
      R"(<ogc:BBOX><ogc:PropertyName>ows:BoundingBox</ogc:PropertyName><gml:Envelope srsName="EPSG:3857"><gml:lowerCorner>0 0</gml:lowerCorner><gml:upperCorner>1 1</gml:upperCorner></gml:Envelope></ogc:BBOX>)");
  filter_error(
      R"(<ogc:BBOX><ogc:PropertyName>ows:BoundingBox</ogc:PropertyName><gml:Envelope><gml:lowerCorner>10 10</gml:lowerCorner><gml:upperCorner>5 5</gml:upperCorner></gml:Envelope></ogc:BBOX>)");
  filter_error(
      R"(<ogc:BBOX><ogc:PropertyName>ows:BoundingBox</ogc:PropertyName><gml:Envelope><gml:lowerCorner>a b</gml:lowerCorner><gml:upperCorner>5 5</gml:upperCorner></gml:Envelope></ogc:BBOX>)");
  filter_error(
      R"(<ogc:Intersects><ogc:PropertyName>ows:BoundingBox</ogc:PropertyName><gml:Polygon/></ogc:Intersects>)");
  filter_error(
      R"(<ogc:Disjoint><ogc:PropertyName>ows:BoundingBox</ogc:PropertyName></ogc:Disjoint>)");
  filter_error(R"(<ogc:And/>)");
  filter_error(
      R"(<ogc:Not><ogc:PropertyIsNull><ogc:PropertyName>dc:title</ogc:PropertyName></ogc:PropertyIsNull><ogc:PropertyIsNull><ogc:PropertyName>dc:title</ogc:PropertyName></ogc:PropertyIsNull></ogc:Not>)");
  filter_error("");
  // Too deep.
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "<ogc:Not>";
  deep +=
      R"(<ogc:PropertyIsNull><ogc:PropertyName>dc:title</ogc:PropertyName></ogc:PropertyIsNull>)";
  for (int i = 0; i < 40; ++i) deep += "</ogc:Not>";
  EXPECT_NE(filter_error(deep).find("too deeply"), std::string::npos);
}

TEST(OgcFilter, RootMustBeFilter) {
  try {
    parse_ogc_filter(xml::parse(R"(<ogc:And xmlns:ogc="http://www.opengis.net/ogc"/>)"));
    ADD_FAILURE() << "accepted";
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "invalid-filter");
  }
}

class CswCqlValid : public ::testing::TestWithParam<Case> {};

TEST_P(CswCqlValid, ParsesToExpectedExpr) {
  EXPECT_EQ(text_of(parse_csw_cql(GetParam().input)), GetParam().expected) << GetParam().input;
}

INSTANTIATE_TEST_SUITE_P(
    Table, CswCqlValid,
    ::testing::Values(
        Case{"csw:AnyText LIKE '%road%'", "AnyText LIKE s:'%road%'"},
        Case{"AnyText like '%道路%'", "AnyText LIKE s:'%道路%'"},
        Case{"dc:title = 'It''s'", "Title = s:'It's'"},
        Case{"dc:title <> 'a' AND dc:type = 'dataset'", "AND(Title <> s:'a', Type = s:'dataset')"},
        Case{"dc:title != 'a' OR NOT dc:type = 'x' AND dc:format = 'CSV'",
             "OR(Title <> s:'a', AND(NOT(Type = s:'x'), Format = s:'CSV'))"},
        Case{"(dc:title = 'a' OR dc:title = 'b') AND Subject LIKE 'tr_ff%'",
             "AND(OR(Title = s:'a', Title = s:'b'), Subject LIKE s:'tr_ff%')"},
        Case{"dc:title NOT LIKE 'x%'", "NOT(Title LIKE s:'x%')"},
        Case{"dc:title IS NULL", "Title IS NULL"},
        Case{"dc:title IS NOT NULL", "NOT(Title IS NULL)"},
        Case{"dc:type IN ('dataset', 'series')", "OR(Type = s:'dataset', Type = s:'series')"},
        // A time given to the second covers that second.
        Case{"dct:modified > '2024-05-01T08:00:00Z'", "Modified > t:2024-05-01T08:00:00.999999Z"},
        Case{"dct:modified >= 2024-05-01T08:00:00Z", "Modified >= t:2024-05-01T08:00:00Z"},
        Case{"dct:modified < '2024-05-01T00:00:00Z'", "Modified < t:2024-05-01T00:00:00Z"},
        Case{"Modified AFTER 2024-05-01T08:00:00Z", "Modified > t:2024-05-01T08:00:00.999999Z"},
        Case{"Modified BEFORE 2024-05-01T08:00:00Z", "Modified < t:2024-05-01T08:00:00Z"},
        Case{"Modified DURING 2024-01-01T00:00:00Z/2024-02-01T00:00:00Z",
             "Modified BETWEEN t:2024-01-01T00:00:00Z AND t:2024-02-01T00:00:00.999999Z"},
        Case{"dct:modified BETWEEN '2024-01-01T00:00:00Z' AND '2024-02-01T00:00:00Z'",
             "Modified BETWEEN t:2024-01-01T00:00:00Z AND t:2024-02-01T00:00:00.999999Z"},
        Case{"BBOX(ows:BoundingBox, 115, 39, 117.5, 41)", "BBOX(115,39,117.5,41)"},
        Case{"BBOX(ows:BoundingBox,-180,-90,180,90)", "BBOX(-180,-90,180,90)"},
        Case{"bbox(BoundingBox, 39, 115, 41, 117.5, 'urn:ogc:def:crs:EPSG::4326')",
             "BBOX(115,39,117.5,41)"},
        Case{"WITHIN(ows:BoundingBox, 100, 20, 120, 45)", "WITHIN:BBOX(100,20,120,45)"},
        Case{"csw:AnyText LIKE '%x%' AND BBOX(ows:BoundingBox, 115, 39, 117.5, 41)",
             "AND(AnyText LIKE s:'%x%', BBOX(115,39,117.5,41))"},
        Case{"\"dc:title\" = 'q'", "Title = s:'q'"},
        Case{"dc:identifier = 123", "Identifier = s:'123'"}));

TEST(CswCql, RefusedInput) {
  for (const char* bad : {"",
                          "   ",
                          "dc:title",
                          "dc:title =",
                          "dc:title = 'x",
                          "dc:secret = 'x'",
                          "dc:title = 'a' AND",
                          "(dc:title = 'a'",
                          "dc:title = 'a')",
                          "dc:title LIKE 5",
                          "dct:modified LIKE '%'",
                          "dct:modified > 'soon'",
                          "BBOX(dc:title, 1, 2, 3, 4)",
                          "BBOX(ows:BoundingBox, 1, 2, 3)",
                          "BBOX(ows:BoundingBox, 3, 2, 1, 4)",
                          "BBOX(ows:BoundingBox, 0, 95, 1, 96)",
                          "dc:title = 'a' # 1",
                          "dc:title ! 'a'",
                          "dc:title IS 'a'",
                          "dc:title DURING 2024-01-01",
                          "Modified DURING 2024-01-01T00:00:00Z",
                          "ows:BoundingBox = 'x'",
                          "dc:title IN ()",
                          "dc:title IN ('a'"}) {
    try {
      ExprPtr e = parse_csw_cql(bad);
      ADD_FAILURE() << "accepted: " << bad << " as " << text_of(e);
    } catch (const InvalidInput& e) {
      EXPECT_EQ(e.code(), "invalid-filter") << bad;
      EXPECT_EQ(e.parameter(), "Constraint") << bad;
    }
  }
  std::string deep;
  for (int i = 0; i < 50; ++i) deep += "(";
  deep += "dc:title = 'a'";
  for (int i = 0; i < 50; ++i) deep += ")";
  EXPECT_THROW(parse_csw_cql(deep), InvalidInput);
  EXPECT_THROW(parse_csw_cql(std::string(17 * 1024, ' ') + "dc:title = 'a'"), InvalidInput);
}

TEST(CswCql, ErrorsNameThePlace) {
  try {
    parse_csw_cql("dc:title = 'a' AND dc:nope = 'b'");
    ADD_FAILURE();
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.detail(),
              "CQL: unknown queryable (see the capabilities' queryables) at 'dc:nope' "
              "(character 20)");
  }
}

}  // namespace
}  // namespace shikong::ogc
