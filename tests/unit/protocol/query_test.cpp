// Query parsing, percent-decoding errors, URL encoding and content negotiation.
#include "protocol/query.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "protocol/negotiate.hpp"

namespace shikong::protocol {
namespace {

TEST(Query, ParsesAndDecodes) {
  const auto q = parse_query("bbox=116.1%2C39.8,116.5,40.1&name=a+b%20c&flag&&f=json&x=");
  ASSERT_EQ(q.size(), 5u);
  EXPECT_EQ(q[0], (std::pair<std::string, std::string>{"bbox", "116.1,39.8,116.5,40.1"}));
  EXPECT_EQ(q[1].second, "a b c");
  EXPECT_EQ(q[2], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(q[3].first, "f");
  EXPECT_EQ(q[4], (std::pair<std::string, std::string>{"x", ""}));
  EXPECT_EQ(parse_query("q=%E5%8C%97%E4%BA%AC")[0].second, "北京");
  EXPECT_TRUE(parse_query("").empty());
}

TEST(Query, MalformedEscapesAreInvalidInput) {
  for (const char* bad : {"a=%", "a=%4", "a=%G1", "a%zz=1", "a=ok&b=%%"}) {
    try {
      parse_query(bad);
      ADD_FAILURE() << bad;
    } catch (const InvalidInput& e) {
      EXPECT_EQ(e.code(), "invalid-query") << bad;
    }
  }
  try {
    parse_query("limit=%2");
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.parameter(), "limit");
  }
}

TEST(Query, TooManyParameters) {
  std::string q;
  for (int i = 0; i <= 512; ++i) q += "a=1&";
  EXPECT_THROW(parse_query(q), InvalidInput);
}

TEST(Query, EncodeAndSplit) {
  EXPECT_EQ(url_encode("a b/c?d=e&f~_.-北"), "a%20b%2Fc%3Fd%3De%26f~_.-%E5%8C%97");
  EXPECT_EQ(build_query({{"bbox", "1,2,3,4"}, {"q", "x y"}}), "bbox=1%2C2%2C3%2C4&q=x%20y");
  EXPECT_EQ(parse_query(build_query({{"k", "+&= %"}}))[0].second, "+&= %");
  auto [path, query] = split_target("/ogc/items?limit=10#frag");
  EXPECT_EQ(path, "/ogc/items");
  EXPECT_EQ(query, "limit=10");
  auto [p2, q2] = split_target("/x");
  EXPECT_EQ(p2, "/x");
  EXPECT_EQ(q2, "");
}

constexpr Offer kOffers[] = {
    {"json", "application/json"}, {"html", "text/html"}, {"geojson", "application/geo+json"}};

TEST(Negotiate, FormatParameterWins) {
  EXPECT_EQ(negotiate("html", "application/json", kOffers), 1u);
  EXPECT_EQ(negotiate("GeoJSON", "", kOffers), 2u);
  EXPECT_EQ(negotiate("application/geo+json", "", kOffers), 2u);
  try {
    negotiate("xlsx", "", kOffers);
    ADD_FAILURE();
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "invalid-format");
    EXPECT_EQ(e.parameter(), "f");
  }
}

TEST(Negotiate, AcceptWithQValues) {
  EXPECT_EQ(negotiate("", "", kOffers), 0u);
  EXPECT_EQ(
      negotiate("", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", kOffers),
      1u);
  EXPECT_EQ(negotiate("", "application/geo+json", kOffers), 2u);
  EXPECT_EQ(negotiate("", "application/*;q=0.5, text/html;q=0.4", kOffers), 0u);
  EXPECT_EQ(negotiate("", "application/json;q=0.2, application/geo+json;q=0.9", kOffers), 2u);
  EXPECT_EQ(negotiate("", "*/*", kOffers), 0u);
  EXPECT_EQ(negotiate("", "text/html;q=0, */*;q=0.1", std::span(kOffers).subspan(1)), 1u);
  try {
    negotiate("", "image/png", kOffers);
    ADD_FAILURE();
  } catch (const Unsupported& e) {
    EXPECT_EQ(e.code(), "not-acceptable");
  }
}

TEST(Negotiate, ParseAccept) {
  const auto r = parse_accept("Text/HTML;level=1;q=0.7, bogus, */*;q=2, application/json");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].type, "text");
  EXPECT_EQ(r[0].subtype, "html");
  EXPECT_DOUBLE_EQ(r[0].q, 0.7);
  EXPECT_EQ(r[1].subtype, "json");
  EXPECT_DOUBLE_EQ(r[1].q, 1.0);
}

}  // namespace
}  // namespace shikong::protocol
