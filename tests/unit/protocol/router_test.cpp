// Router: pattern matching, precedence of literals, decoding, HEAD and 405 detection.
#include "protocol/router.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace shikong::protocol {
namespace {

Route route(std::string method, std::string pattern) {
  Route r;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  r.operation_id = r.method + " " + r.pattern;
  r.handler = [](Request&) { return Response::json("{}"); };
  return r;
}

Router make_router() {
  Router router;
  router.add(route("GET", "/ogc/collections/{id}/items"));
  router.add(route("GET", "/ogc/collections/{id}"));
  router.add(route("GET", "/ogc/collections/special"));
  router.add(route("POST", "/api/v1/datasets"));
  router.add(route("GET", "/api/v1/datasets"));
  router.add(route("GET", "/tiles/{dataset}/{z}/{x}/{y}.pbf"));
  router.add(route("GET", "/tiles/{dataset}.json"));
  router.add(route("GET", "/assets/{path*}"));
  router.add(route("GET", "/"));
  return router;
}

TEST(Router, MatchesParametersAndLiterals) {
  const Router router = make_router();
  auto m = router.match("GET", "/ogc/collections/roads/items");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/ogc/collections/{id}/items");
  EXPECT_EQ(m.params.at("id"), "roads");

  m = router.match("GET", "/ogc/collections/special");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/ogc/collections/special");
  EXPECT_TRUE(m.params.empty());

  m = router.match("GET", "/ogc/collections/other");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/ogc/collections/{id}");

  m = router.match("GET", "/");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/");
}

TEST(Router, DecodesEachSegmentAfterSplitting) {
  const Router router = make_router();
  auto m = router.match("GET", "/ogc/collections/a%2Fb%20c/items");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("id"), "a/b c");
  m = router.match("GET", "/ogc/collections/%E5%8C%97%E4%BA%AC");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("id"), "北京");
  EXPECT_THROW(router.match("GET", "/ogc/collections/%zz"), InvalidInput);
}

TEST(Router, AffixedAndRestSegments) {
  const Router router = make_router();
  auto m = router.match("GET", "/tiles/roads/3/6/2.pbf");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("dataset"), "roads");
  EXPECT_EQ(m.params.at("z"), "3");
  EXPECT_EQ(m.params.at("y"), "2");
  m = router.match("GET", "/tiles/roads.json");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("dataset"), "roads");
  EXPECT_EQ(router.match("GET", "/tiles/.json").route, nullptr);
  m = router.match("GET", "/assets/js/app.js");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("path"), "js/app.js");
  EXPECT_EQ(router.match("GET", "/assets").route, nullptr);
}

TEST(Router, UnknownPathAndWrongMethod) {
  const Router router = make_router();
  auto m = router.match("GET", "/nowhere");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_FALSE(m.path_known);

  m = router.match("DELETE", "/api/v1/datasets");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.path_known);
  EXPECT_EQ(m.allow, "POST, GET, HEAD");

  m = router.match("POST", "/api/v1/datasets");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->method, "POST");
}

TEST(Router, HeadUsesGetAndTrailingSlashIsTolerated) {
  const Router router = make_router();
  auto m = router.match("HEAD", "/ogc/collections/roads");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->method, "GET");
  m = router.match("GET", "/ogc/collections/roads/");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/ogc/collections/{id}");
  EXPECT_EQ(router.match("GET", "/ogc/collections//items").route, nullptr);
}

TEST(Router, RejectsBadPatterns) {
  Router router;
  EXPECT_THROW(router.add(route("GET", "no-slash")), std::invalid_argument);
  EXPECT_THROW(router.add(route("GET", "/a/{}")), std::invalid_argument);
  EXPECT_THROW(router.add(route("GET", "/a/{rest*}/b")), std::invalid_argument);
}

}  // namespace
}  // namespace shikong::protocol
