// The harvester's URL helpers: origins for the private-address allowance, queries added to
// capabilities URLs, and links resolved against the page they came in.
#include <gtest/gtest.h>

#include "harvest/url.hpp"

namespace shikong::harvest {
namespace {

TEST(HarvestUrl, Origins) {
  EXPECT_EQ(origin_of("http://127.0.0.1:8081/ogc"), "127.0.0.1:8081");
  EXPECT_EQ(origin_of("HTTPS://Maps.Example.org/wms?x=1"), "maps.example.org:443");
  EXPECT_EQ(origin_of("http://[::1]:9000"), "[::1]:9000");
  EXPECT_EQ(origin_of("http://host"), "host:80");
  EXPECT_EQ(origin_of("ftp://host/"), "");
  EXPECT_EQ(origin_of("http://"), "");
  EXPECT_EQ(origin_of("http://user:pw@host/"), "");
  EXPECT_EQ(origin_of("http://host:99999/"), "");
  EXPECT_EQ(origin_of("http://host:x/"), "");
}

TEST(HarvestUrl, Queries) {
  EXPECT_EQ(with_query("http://h/wms", "a=1"), "http://h/wms?a=1");
  EXPECT_EQ(with_query("http://h/mapserv?map=x.map", "a=1"), "http://h/mapserv?map=x.map&a=1");
  EXPECT_EQ(with_query("http://h/mapserv?map=x.map&", "a=1"), "http://h/mapserv?map=x.map&a=1");
  EXPECT_TRUE(has_query_param("http://h/w?SERVICE=WMS&Request=GetCapabilities", "request"));
  EXPECT_FALSE(has_query_param("http://h/w?requests=1", "request"));
  EXPECT_FALSE(has_query_param("http://h/w", "request"));
  EXPECT_EQ(without_query("http://h/a/b?c=d#e"), "http://h/a/b");
  EXPECT_EQ(percent_encode("urn:uuid:1 2/é"), "urn%3Auuid%3A1%202%2F%C3%A9");
}

TEST(HarvestUrl, Resolution) {
  const std::string base = "https://r.example.org:8443/collections/main/items?limit=4";
  EXPECT_EQ(resolve_url(base, "http://other/x"), "http://other/x");
  EXPECT_EQ(resolve_url(base, "//cdn.example.org/y"), "https://cdn.example.org/y");
  EXPECT_EQ(resolve_url(base, "/root?a=1"), "https://r.example.org:8443/root?a=1");
  EXPECT_EQ(resolve_url(base, "?offset=4"),
            "https://r.example.org:8443/collections/main/items?offset=4");
  EXPECT_EQ(resolve_url(base, "items?offset=4"),
            "https://r.example.org:8443/collections/main/items?offset=4");
  EXPECT_EQ(resolve_url(base, "../other/items"),
            "https://r.example.org:8443/collections/other/items");
  EXPECT_EQ(resolve_url(base, ".."), "https://r.example.org:8443/collections/");
  EXPECT_EQ(resolve_url("http://h", "a"), "http://h/a");
}

}  // namespace
}  // namespace shikong::harvest
