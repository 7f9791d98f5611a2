// CQL2 text parser: table tests of valid filters (exact Expr shape) and invalid ones (400 naming
// the filter parameter).
#include "ogc/cql2_text.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/error.hpp"
#include "expr_text.hpp"

namespace shikong::ogc {
namespace {

Schema test_schema() {
  Schema s;
  s.fields = {{"name", FieldType::text},    {"pop", FieldType::integer},
              {"area", FieldType::real},    {"capital", FieldType::boolean},
              {"founded", FieldType::date}, {"updated", FieldType::datetime},
              {"名称", FieldType::text},    {"obs_time", FieldType::datetime}};
  return s;
}

Cql2Context context(const Schema& s, bool valid_time = true) {
  Cql2Context c;
  c.schema = &s;
  c.has_valid_time = valid_time;
  c.time_start_field = valid_time ? "obs_time" : "";
  return c;
}

struct Case {
  const char* filter;
  const char* expected;
};

class Cql2Valid : public ::testing::TestWithParam<Case> {};

TEST_P(Cql2Valid, ParsesToExpectedExpr) {
  const Schema s = test_schema();
  const Case& c = GetParam();
  ExprPtr e;
  try {
    e = parse_cql2_text(c.filter, context(s));
  } catch (const Error& err) {
    FAIL() << c.filter << " -> " << err.code() << ": " << err.detail();
  }
  ASSERT_TRUE(e);
  EXPECT_EQ(testing::expr_text(*e, s), c.expected) << c.filter;
}

// Instants are printed in UTC; DATE covers its day in the platform zone (UTC+8).
INSTANTIATE_TEST_SUITE_P(
    Table, Cql2Valid,
    ::testing::Values(
        Case{"name = 'Beijing'", "name = s:'Beijing'"},
        Case{"name='O''Brien'", "name = s:'O'Brien'"}, Case{"pop > 1000000", "pop > i:1000000"},
        Case{"1000 < pop", "pop > i:1000"}, Case{"1000 >= pop", "pop <= i:1000"},
        Case{"pop = -5", "pop = i:-5"}, Case{"pop = 2.0", "pop = i:2"},
        Case{"pop <> 2.5", "pop <> r:2.5"}, Case{"area >= 2", "area >= r:2"},
        Case{"area < 1e3", "area < r:1000"}, Case{"name LIKE 'Bei%'", "name LIKE s:'Bei%'"},
        Case{"name NOT LIKE 'B_'", "NOT(name LIKE s:'B_')"},
        Case{"pop BETWEEN 1 AND 10", "pop BETWEEN i:1 AND i:10"},
        Case{"pop NOT BETWEEN 1 AND 10", "NOT(pop BETWEEN i:1 AND i:10)"},
        Case{"name IN ('a', 'b')", "name IN (s:'a', s:'b')"},
        Case{"pop NOT IN (1,2)", "NOT(pop IN (i:1, i:2))"}, Case{"name IS NULL", "name IS NULL"},
        Case{"name IS NOT NULL", "NOT(name IS NULL)"}, Case{"capital = TRUE", "capital = b:true"},
        Case{"capital", "capital = b:true"}, Case{"TRUE", "TRUE"},
        Case{"NOT pop = 1", "NOT(pop = i:1)"},
        Case{"pop = 1 AND area = 2 OR name = 'x'", "OR(AND(pop = i:1, area = r:2), name = s:'x')"},
        Case{"pop = 1 AND (area = 2 OR name = 'x')",
             "AND(pop = i:1, OR(area = r:2, name = s:'x'))"},
        Case{"pop = 1 and area = 2 and name = 'x'", "AND(pop = i:1, area = r:2, name = s:'x')"},
        Case{"pop between 1 and 2 and name like 'x%'",
             "AND(pop BETWEEN i:1 AND i:2, name LIKE s:'x%')"},
        Case{"NOT (pop = 1 OR NOT capital)", "NOT(OR(pop = i:1, NOT(capital = b:true)))"},
        Case{"founded = DATE('2020-02-29')", "founded = d:2020-02-29"},
        Case{"founded > '2020-01-01'", "founded > d:2020-01-01"},
        Case{"updated < TIMESTAMP('2021-01-01T00:00:00Z')", "updated < t:2021-01-01T00:00:00Z"},
        Case{"updated >= TIMESTAMP('2021-01-01T08:00:00+08:00')",
             "updated >= t:2021-01-01T00:00:00Z"},
        Case{"\"名称\" = '北京'", "名称 = s:'北京'"}, Case{"名称 = '北京'", "名称 = s:'北京'"},
        Case{"S_INTERSECTS(geometry, BBOX(116, 39, 117, 40))", "BBOX(116,39,117,40)"},
        Case{"s_intersects(geom, bbox(116,39,0,117,40,100))", "BBOX(116,39,117,40)"},
        Case{"S_INTERSECTS(geometry, POINT(116.4 39.9))",
             "GEOM(Point n=1 env=116.4,39.9,116.4,39.9)"},
        Case{"S_INTERSECTS(POLYGON((0 0, 2 0, 2 1, 0 1, 0 0)), geometry)",
             "GEOM(Polygon n=5 env=0,0,2,1)"},
        Case{"S_INTERSECTS(geometry,MULTIPOINT((1 2),(3 4))) AND pop > 1",
             "AND(GEOM(MultiPoint n=2 env=1,2,3,4), pop > i:1)"},
        Case{"T_INTERSECTS(datetime, INTERVAL('2020-01-01T00:00:00Z','..'))",
             "TIME(2020-01-01T00:00:00Z..)"},
        Case{"T_INTERSECTS(datetime, TIMESTAMP('2020-05-01T12:00:00Z'))",
             "TIME(2020-05-01T12:00:00Z..2020-05-01T12:00:00Z)"},
        Case{"T_INTERSECTS(obs_time, INTERVAL('..', '2020-01-02T00:00:00Z'))",
             "TIME(..2020-01-02T00:00:00Z)"},
        Case{"T_INTERSECTS(datetime, DATE('2020-01-02'))",
             "TIME(2020-01-01T16:00:00Z..2020-01-02T15:59:59.999999Z)"},
        Case{"datetime >= TIMESTAMP('2020-05-01T12:00:00Z')", "TIME(2020-05-01T12:00:00Z..)"},
        Case{"TIMESTAMP('2020-05-01T12:00:00Z') > datetime", "TIME(..2020-05-01T11:59:59.999999Z)"},
        Case{"datetime = DATE('2020-01-02')",
             "TIME(2020-01-01T16:00:00Z..2020-01-02T15:59:59.999999Z)"},
        Case{"datetime > DATE('2020-01-02')", "TIME(2020-01-02T16:00:00Z..)"},
        Case{"T_INTERSECTS(updated, TIMESTAMP('2020-05-01T12:00:00Z'))",
             "updated = t:2020-05-01T12:00:00Z"},
        Case{"T_INTERSECTS(updated, INTERVAL('2020-05-01T00:00:00Z', '..'))",
             "updated >= t:2020-05-01T00:00:00Z"},
        Case{"T_INTERSECTS(founded, INTERVAL('2020-01-01','2020-12-31'))",
             "founded BETWEEN d:2020-01-01 AND d:2020-12-31"}));

class Cql2Invalid : public ::testing::TestWithParam<const char*> {};

TEST_P(Cql2Invalid, RejectedNamingFilter) {
  const Schema s = test_schema();
  try {
    parse_cql2_text(GetParam(), context(s));
    FAIL() << "accepted: " << GetParam();
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "invalid-filter") << GetParam();
    EXPECT_EQ(e.parameter(), "filter") << GetParam();
    EXPECT_FALSE(e.detail().empty());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, Cql2Invalid,
    ::testing::Values(
        "", "   ", "pop", "pop =", "pop = 'x'", "name = 5", "nosuch = 1", "Name = 'x'",
        "name = 'unclosed", "(pop = 1", "pop = 1)", "pop = 1 AND", "pop = 1 pop = 2",
        "pop BETWEEN 1", "pop BETWEEN 1 AND name", "pop IN ()", "pop IN (1,", "pop IN (1 2)",
        "pop = pop", "1 = 1", "name LIKE 5", "pop LIKE 'x'", "geometry = 1", "datetime = 1",
        "datetime <> TIMESTAMP('2020-01-01T00:00:00Z')", "datetime = pop", "pop @ 1", "FOO(1)",
        "S_WITHIN(geometry, POINT(1 2))", "S_INTERSECTS(name, POINT(1 2))",
        "S_INTERSECTS(geometry, POINT(1))", "S_INTERSECTS(geometry, POINT(nan 1))",
        "S_INTERSECTS(geometry, POINT(inf 1))", "S_INTERSECTS(geometry, POINT(1 2)",
        "S_INTERSECTS(geometry, BBOX(1,2,3))", "S_INTERSECTS(geometry, BBOX(10,0,5,1))",
        "S_INTERSECTS(geometry)", "T_INTERSECTS(name, DATE('2020-01-01'))",
        "T_INTERSECTS(datetime, INTERVAL('2021-01-01','2020-01-01'))", "T_INTERSECTS(datetime, 5)",
        "founded = DATE('2020-02-30')", "founded = DATE('2020-1-1')",
        "updated = TIMESTAMP('yesterday')", "updated = TIMESTAMP('2020-01-01')", "NOT",
        "capital IS NOT 5", "pop = 1 OR", "AND pop = 1", "\"unclosed = 1"));

TEST(Cql2, ValidTimeNeedsADatasetWithTime) {
  const Schema s = test_schema();
  EXPECT_THROW(parse_cql2_text("T_INTERSECTS(datetime, DATE('2020-01-01'))", context(s, false)),
               InvalidInput);
  // Without valid time, obs_time is an ordinary datetime property.
  auto e = parse_cql2_text("T_INTERSECTS(obs_time, TIMESTAMP('2020-01-01T00:00:00Z'))",
                           context(s, false));
  EXPECT_EQ(testing::expr_text(*e, s), "obs_time = t:2020-01-01T00:00:00Z");
}

TEST(Cql2, FieldNamedDatetimeIsAProperty) {
  Schema s;
  s.fields = {{"datetime", FieldType::datetime}};
  Cql2Context c;
  c.schema = &s;
  auto e = parse_cql2_text("datetime > TIMESTAMP('2020-01-01T00:00:00Z')", c);
  EXPECT_EQ(testing::expr_text(*e, s), "datetime > t:2020-01-01T00:00:00Z");
}

TEST(Cql2, LimitsAreEnforced) {
  const Schema s = test_schema();
  const Cql2Context c = context(s);
  std::string deep(100, '(');
  deep += "pop = 1";
  deep += std::string(100, ')');
  EXPECT_THROW(parse_cql2_text(deep, c), InvalidInput);
  std::string nots;
  for (int i = 0; i < 100; ++i) nots += "NOT ";
  EXPECT_THROW(parse_cql2_text(nots + "pop = 1", c), InvalidInput);

  std::string many = "pop = 0";
  for (int i = 1; i < 1200; ++i) many += " OR pop = " + std::to_string(i);
  ASSERT_LT(many.size(), 16u * 1024);
  EXPECT_THROW(parse_cql2_text(many, c), InvalidInput);

  std::string longtext = "name = '" + std::string(17 * 1024, 'x') + "'";
  EXPECT_THROW(parse_cql2_text(longtext, c), InvalidInput);

  Cql2Context small = c;
  small.limits.max_vertices = 3;
  EXPECT_THROW(parse_cql2_text("S_INTERSECTS(geometry, LINESTRING(0 0, 1 1, 2 2, 3 3))", small),
               InvalidInput);
  EXPECT_NO_THROW(parse_cql2_text("S_INTERSECTS(geometry, LINESTRING(0 0, 1 1, 2 2))", small));

  // Moderate nesting within the limit is fine.
  std::string ok(20, '(');
  ok += "pop = 1";
  ok += std::string(20, ')');
  EXPECT_NO_THROW(parse_cql2_text(ok, c));
}

TEST(Cql2, FilterCrsAxisOrderIsAuthorityOrder) {
  const Schema s = test_schema();
  Cql2Context c = context(s);
  c.filter_crs = datum::epsg(4326);  // latitude first
  auto e = parse_cql2_text("S_INTERSECTS(geometry, BBOX(39, 116, 40, 117))", c);
  EXPECT_EQ(testing::expr_text(*e, s), "BBOX(116,39,117,40)");
  auto p = parse_cql2_text("S_INTERSECTS(geometry, POINT(39.9 116.4))", c);
  EXPECT_EQ(testing::expr_text(*p, s), "GEOM(Point n=1 env=116.4,39.9,116.4,39.9)");
}

TEST(Cql2, FilterCrsProjectedIsTransformed) {
  const Schema s = test_schema();
  Cql2Context c = context(s);
  c.filter_crs = datum::epsg(3857);
  // Web Mercator (0,0) is (0,0) in degrees.
  auto e = parse_cql2_text("S_INTERSECTS(geometry, POINT(0 0))", c);
  ASSERT_EQ(e->kind, Expr::Kind::geometry);
  EXPECT_NEAR(e->envelope.min_x, 0.0, 1e-9);
  EXPECT_NEAR(e->envelope.min_y, 0.0, 1e-9);
  auto b = parse_cql2_text("S_INTERSECTS(geometry, BBOX(0, 0, 111319.49079327357, 1000))", c);
  ASSERT_EQ(b->kind, Expr::Kind::bbox);
  EXPECT_NEAR(b->envelope.max_x, 1.0, 1e-6);
}

TEST(TypedValue, ParsesEachFieldType) {
  EXPECT_EQ(parse_typed_value("42", FieldType::integer, "p"), Value(std::int64_t{42}));
  EXPECT_EQ(parse_typed_value("-7", FieldType::integer, "p"), Value(std::int64_t{-7}));
  EXPECT_EQ(parse_typed_value("2.5", FieldType::real, "p"), Value(2.5));
  EXPECT_EQ(parse_typed_value("TRUE", FieldType::boolean, "p"), Value(true));
  EXPECT_EQ(parse_typed_value("x y", FieldType::text, "p"), Value(std::string("x y")));
  EXPECT_EQ(parse_typed_value("1970-01-02", FieldType::date, "p"), Value(Date{1}));
  EXPECT_EQ(parse_typed_value("1970-01-01T00:00:01Z", FieldType::datetime, "p"),
            Value(Instant{1'000'000}));
  for (auto [text, type] : {std::pair{"4x", FieldType::integer},
                            {"", FieldType::integer},
                            {"1.5", FieldType::integer},
                            {"nan", FieldType::real},
                            {"yes", FieldType::boolean},
                            {"2020-13-01", FieldType::date},
                            {"soon", FieldType::datetime}}) {
    try {
      parse_typed_value(text, type, "pop");
      FAIL() << "accepted " << text;
    } catch (const InvalidInput& e) {
      EXPECT_EQ(e.parameter(), "pop");
    }
  }
}

}  // namespace
}  // namespace shikong::ogc
