// Tests of core/net_address: strict address parsing, RFC 5952 output, CIDR blocks, the
// non-public classification and the X-Forwarded-For walk.
#include "core/net_address.hpp"

#include <gtest/gtest.h>

namespace shikong {
namespace {

std::string norm(std::string_view text) {
  auto ip = parse_ip(text);
  return ip ? ip->to_string() : "<invalid>";
}

IpAddress ip(std::string_view text) {
  auto p = parse_ip(text);
  EXPECT_TRUE(p) << text;
  return p.value_or(IpAddress{});
}

std::vector<Cidr> cidrs(std::initializer_list<std::string_view> list) {
  std::vector<Cidr> out;
  for (auto t : list) {
    auto c = parse_cidr(t);
    EXPECT_TRUE(c) << t;
    if (c) out.push_back(*c);
  }
  return out;
}

}  // namespace

TEST(NetAddress, ParsesIpv4) {
  EXPECT_EQ(norm("192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(norm("0.0.0.0"), "0.0.0.0");
  EXPECT_EQ(norm("255.255.255.255"), "255.255.255.255");
  auto a = ip("10.1.2.3");
  EXPECT_TRUE(a.is_v4());
  const std::array<std::uint8_t, 16> mapped = {0, 0, 0,    0,    0,  0, 0, 0,
                                               0, 0, 0xff, 0xff, 10, 1, 2, 3};
  EXPECT_EQ(a.bytes, mapped);
}

TEST(NetAddress, RefusesLooseIpv4) {
  for (const char* bad :
       {"",           " 1.2.3.4",   "1.2.3.4 ",   "010.1.1.1",  "1.2.3.04", "00.1.2.3",
        "256.1.1.1",  "1.2.3",      "1.2.3.4.5",  "1..2.3",     "1.2.3.",   ".1.2.3",
        "1.2.3.4:80", "0x7f.0.0.1", "2130706433", "1.2.3.1000", "+1.2.3.4", "1.2.3.4/32",
        "[1.2.3.4]",  "localhost",  "1.2.3.-4"}) {
    EXPECT_FALSE(parse_ip(bad)) << '"' << bad << '"';
  }
}

TEST(NetAddress, ParsesIpv6AndWritesRfc5952) {
  EXPECT_EQ(norm("2001:db8::1"), "2001:db8::1");
  EXPECT_EQ(norm("2001:0DB8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
  EXPECT_EQ(norm("::"), "::");
  EXPECT_EQ(norm("::1"), "::1");
  EXPECT_EQ(norm("1::"), "1::");
  EXPECT_EQ(norm("[2001:db8::1]"), "2001:db8::1");
  // The longest zero run is compressed; the first of two equal runs; a single zero is not.
  EXPECT_EQ(norm("2001:db8:0:0:1:0:0:0"), "2001:db8:0:0:1::");
  EXPECT_EQ(norm("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
  EXPECT_EQ(norm("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");
  EXPECT_EQ(norm("1:2:3:4:5:6:7:8"), "1:2:3:4:5:6:7:8");
  EXPECT_EQ(norm("fe80::0001:0:0:0"), "fe80::1:0:0:0");
  EXPECT_EQ(norm("1:0:0:2:0:0:0:3"), "1:0:0:2::3");
  // Embedded IPv4: mapped addresses print as IPv4, others in hex.
  EXPECT_EQ(norm("::ffff:192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(norm("::FFFF:c000:0201"), "192.0.2.1");
  EXPECT_EQ(norm("64:ff9b::192.0.2.1"), "64:ff9b::c000:201");
  EXPECT_EQ(norm("1:2:3:4:5:6:1.2.3.4"), "1:2:3:4:5:6:102:304");
  EXPECT_TRUE(ip("::ffff:192.0.2.1") == ip("192.0.2.1"));
  EXPECT_FALSE(ip("::192.0.2.1").is_v4());
  EXPECT_FALSE(ip("2001:db8::1").is_v4());
}

TEST(NetAddress, RefusesBadIpv6) {
  for (const char* bad : {":",
                          ":::",
                          "1:::2",
                          ":1::",
                          "1::2:",
                          "1:2:3:4:5:6:7",
                          "1:2:3:4:5:6:7:8:9",
                          "1:2:3:4:5:6:7::8",
                          "::1:2:3:4:5:6:7:8",
                          "1::2::3",
                          "12345::",
                          "g::1",
                          "fe80::1%eth0",
                          "fe80::1%25eth0",
                          "[::1]:80",
                          "[::1",
                          "::1]",
                          "[]",
                          "::ffff:1.2.3",
                          "::ffff:010.1.1.1",
                          "::1.2.3.4:5",
                          "1.2.3.4::",
                          "1:2:3:4:5:6:7:1.2.3.4",
                          "2001:db8::1/64",
                          " ::1",
                          "2001:db8:: 1"}) {
    EXPECT_FALSE(parse_ip(bad)) << '"' << bad << '"';
  }
}

TEST(NetAddress, Cidr) {
  auto c = parse_cidr("10.1.2.3/8");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->prefix, 104);
  EXPECT_EQ(c->to_string(), "10.0.0.0/8");
  EXPECT_TRUE(c->contains(ip("10.255.0.1")));
  EXPECT_TRUE(c->contains(ip("::ffff:10.0.0.1")));
  EXPECT_FALSE(c->contains(ip("11.0.0.1")));
  EXPECT_FALSE(c->contains(ip("::a00:1")));  // IPv4-compatible is not IPv4

  EXPECT_EQ(parse_cidr("192.0.2.7")->to_string(), "192.0.2.7/32");
  EXPECT_EQ(parse_cidr("2001:db8::1")->to_string(), "2001:db8::1/128");
  EXPECT_EQ(parse_cidr("2001:db8:ffff::/32")->to_string(), "2001:db8::/32");
  EXPECT_EQ(parse_cidr("172.16.5.4/12")->to_string(), "172.16.0.0/12");
  EXPECT_EQ(parse_cidr("192.0.2.255/31")->to_string(), "192.0.2.254/31");
  EXPECT_EQ(parse_cidr("2001:db8::ff/121")->to_string(), "2001:db8::80/121");

  auto all4 = parse_cidr("0.0.0.0/0");
  EXPECT_TRUE(all4->contains(ip("203.0.113.9")));
  EXPECT_FALSE(all4->contains(ip("2001:db8::1")));  // an IPv4 /0 covers IPv4 only
  auto all6 = parse_cidr("::/0");
  EXPECT_TRUE(all6->contains(ip("2001:db8::1")));
  EXPECT_TRUE(all6->contains(ip("203.0.113.9")));

  auto v6 = parse_cidr("2001:db8::/32");
  EXPECT_TRUE(v6->contains(ip("2001:db8:ffff::1")));
  EXPECT_FALSE(v6->contains(ip("2001:db9::1")));
  auto exact = parse_cidr("192.0.2.1/32");
  EXPECT_TRUE(exact->contains(ip("192.0.2.1")));
  EXPECT_FALSE(exact->contains(ip("192.0.2.2")));

  for (const char* bad : {"", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/08", "10.0.0.0/-1",
                          "10.0.0.0/8/8", "::/129", "[::1]/128", "10.0.0.0 /8", "10.0.0.0/ 8",
                          "010.0.0.0/8", "10.0.0.0/8x", "2001:db8::/0032", "host/24"}) {
    EXPECT_FALSE(parse_cidr(bad)) << '"' << bad << '"';
  }
}

TEST(NetAddress, NonPublicIpv4) {
  for (const char* a :
       {"0.0.0.0",         "0.1.2.3",        "10.0.0.1",      "10.255.255.255",  "100.64.0.1",
        "100.127.255.255", "127.0.0.1",      "127.9.9.9",     "169.254.169.254", "172.16.0.1",
        "172.31.255.255",  "192.0.0.8",      "192.0.2.1",     "192.168.1.1",     "198.18.0.1",
        "198.19.255.255",  "198.51.100.7",   "203.0.113.200", "224.0.0.1",       "239.255.255.250",
        "240.0.0.1",       "255.255.255.255"}) {
    EXPECT_TRUE(is_non_public(ip(a))) << a;
  }
  for (const char* a :
       {"1.1.1.1", "8.8.8.8", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0",
        "192.0.1.255", "192.0.3.0", "192.169.0.1", "198.17.255.255", "198.20.0.0", "203.0.112.1",
        "223.255.255.255", "11.0.0.1", "169.253.0.1"}) {
    EXPECT_FALSE(is_non_public(ip(a))) << a;
  }
}

TEST(NetAddress, NonPublicIpv6) {
  for (const char* a : {"::",
                        "::1",
                        "fe80::1",
                        "febf:ffff::1",
                        "fc00::1",
                        "fd12:3456::1",
                        "ff02::1",
                        "ff0e::1",
                        "2001:db8::1",
                        "2001:db8:ffff:ffff::",
                        "::ffff:127.0.0.1",
                        "::ffff:10.0.0.1",
                        "::ffff:169.254.169.254",
                        "64:ff9b::10.0.0.1",
                        "64:ff9b::127.0.0.1",
                        "64:ff9b::169.254.169.254",
                        "::127.0.0.1",
                        "::8.8.8.8",
                        "fec0::1",
                        "2002:0a00:0001::1",
                        "2002:7f00:1::",
                        "2001::1",
                        "100::1",
                        "3fff::1",
                        "64:ff9b:1::8.8.8.8",
                        "2001:2::1"}) {
    EXPECT_TRUE(is_non_public(ip(a))) << a;
  }
  for (const char* a :
       {"2001:4860:4860::8888", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8",
        "2002:0808:0808::1", "fe7f::1", "fbff::1", "2001:db9::1", "2400:cb00::1", "::2:0:0"}) {
    EXPECT_FALSE(is_non_public(ip(a))) << a;
  }
}

TEST(NetAddress, Loopback) {
  EXPECT_TRUE(is_loopback(ip("127.0.0.1")));
  EXPECT_TRUE(is_loopback(ip("127.255.0.9")));
  EXPECT_TRUE(is_loopback(ip("::1")));
  EXPECT_TRUE(is_loopback(ip("::ffff:127.0.0.1")));
  EXPECT_FALSE(is_loopback(ip("::")));
  EXPECT_FALSE(is_loopback(ip("128.0.0.1")));
  EXPECT_FALSE(is_loopback(ip("::2")));
  EXPECT_FALSE(is_loopback(ip("10.0.0.1")));
}

TEST(NetAddress, ClientIpWithoutTrustedProxies) {
  const auto none = cidrs({});
  EXPECT_EQ(client_ip("203.0.113.5", "198.51.100.1", none), "203.0.113.5");
  EXPECT_EQ(client_ip("::ffff:203.0.113.5", "", none), "203.0.113.5");
  EXPECT_EQ(client_ip("2001:DB8::5", "", none), "2001:db8::5");
  // A peer outside the trusted list is the client whatever it claims.
  const auto proxies = cidrs({"10.0.0.0/8"});
  EXPECT_EQ(client_ip("203.0.113.5", "10.0.0.1, 198.51.100.1", proxies), "203.0.113.5");
}

TEST(NetAddress, ClientIpWalksFromTheRight) {
  const auto proxies = cidrs({"10.0.0.0/8", "2001:db8:1::/48"});
  EXPECT_EQ(client_ip("10.0.0.2", "198.51.100.7", proxies), "198.51.100.7");
  EXPECT_EQ(client_ip("10.0.0.2", "198.51.100.7, 10.0.0.3", proxies), "198.51.100.7");
  EXPECT_EQ(client_ip("10.0.0.2", "198.51.100.7,10.0.0.3,10.0.0.4", proxies), "198.51.100.7");
  // What a client writes left of its own address is never read.
  EXPECT_EQ(client_ip("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.3", proxies), "198.51.100.7");
  EXPECT_EQ(client_ip("10.0.0.2", "10.9.9.9, 198.51.100.7", proxies), "198.51.100.7");
  // Garbage left of the first untrusted address does not demote the client to the proxy.
  EXPECT_EQ(client_ip("10.0.0.2", "garbage, 198.51.100.7", proxies), "198.51.100.7");
  EXPECT_EQ(client_ip("10.0.0.2", "not-an-ip, ::1 x, 198.51.100.7, 10.0.0.3", proxies),
            "198.51.100.7");
  // Multiple header fields joined by commas, with empty elements and tabs.
  EXPECT_EQ(client_ip("10.0.0.2", " ,\t198.51.100.7 , ,", proxies), "198.51.100.7");
  // IPv6 hops and clients.
  EXPECT_EQ(client_ip("2001:db8:1::1", "2001:DB8:2::9, 2001:db8:1::2", proxies), "2001:db8:2::9");
  EXPECT_EQ(client_ip("::ffff:10.0.0.2", "::ffff:198.51.100.7", proxies), "198.51.100.7");
  // Ports as some proxies write them.
  EXPECT_EQ(client_ip("10.0.0.2", "198.51.100.7:4711", proxies), "198.51.100.7");
  EXPECT_EQ(client_ip("10.0.0.2", "[2001:db8:2::9]:4711, 10.0.0.3:80", proxies), "2001:db8:2::9");
}

TEST(NetAddress, ClientIpStopsAtMalformedElements) {
  const auto proxies = cidrs({"10.0.0.0/8"});
  // Absent or empty header: the trusted peer itself.
  EXPECT_EQ(client_ip("10.0.0.2", "", proxies), "10.0.0.2");
  EXPECT_EQ(client_ip("10.0.0.2", " , ", proxies), "10.0.0.2");
  // A malformed element reached by the walk: the peer, never anything left of it.
  EXPECT_EQ(client_ip("10.0.0.2", "198.51.100.7, unknown", proxies), "10.0.0.2");
  EXPECT_EQ(client_ip("10.0.0.2", "198.51.100.7, unknown, 10.0.0.3", proxies), "10.0.0.2");
  EXPECT_EQ(client_ip("10.0.0.2", "198.51.100.7, 010.0.0.3", proxies), "10.0.0.2");
  EXPECT_EQ(client_ip("10.0.0.2", "198.51.100.7, 1.2.3.4 5.6.7.8", proxies), "10.0.0.2");
  EXPECT_EQ(client_ip("10.0.0.2", "198.51.100.7, 2001:db8::1:80", proxies), "2001:db8::1:80");
  EXPECT_EQ(client_ip("10.0.0.2", "198.51.100.7, [2001:db8::1]:", proxies), "10.0.0.2");
  EXPECT_EQ(client_ip("10.0.0.2", "198.51.100.7, 1.2.3.4:123456", proxies), "10.0.0.2");
  EXPECT_EQ(client_ip("10.0.0.2", "198.51.100.7, fe80::1%eth0", proxies), "10.0.0.2");
  // Every element trusted: the farthest hop.
  EXPECT_EQ(client_ip("10.0.0.2", "10.0.0.9, 10.0.0.3", proxies), "10.0.0.9");
  // A peer that does not parse is returned as it is (sockets always give an address).
  EXPECT_EQ(client_ip("unix", "198.51.100.7", proxies), "unix");
}

}  // namespace shikong
