// IP addresses and CIDR blocks: parsing, matching and classification, for API key IP bindings,
// trusted proxies and (later) the outbound client's refusal of private addresses.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shikong {

// IPv4 is kept as an IPv4-mapped IPv6 address (::ffff:a.b.c.d), so one comparison serves both.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};

  bool is_v4() const;  // IPv4 or IPv4-mapped
  // Dotted quad for IPv4 (also when mapped), RFC 5952 text for IPv6.
  std::string to_string() const;
  bool operator==(const IpAddress&) const = default;
};

// "192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1", "[2001:db8::1]"; no zones, ports or hostnames.
std::optional<IpAddress> parse_ip(std::string_view text);

struct Cidr {
  IpAddress base;    // host bits cleared
  int prefix = 128;  // in IPv6 bits (an IPv4 /24 is stored as /120)

  bool contains(const IpAddress& ip) const;
  std::string to_string() const;  // "10.0.0.0/8", "2001:db8::/32"
};

// "10.0.0.0/8", "2001:db8::/32", or a single address (a /32 or /128). Host bits set in the
// base ("10.1.2.3/8") are accepted and cleared.
std::optional<Cidr> parse_cidr(std::string_view text);

// Loopback, private (RFC 1918, fc00::/7), link-local, CGNAT 100.64/10, multicast, unspecified,
// documentation and reserved ranges: addresses an outbound request must not reach by default.
// IPv4-mapped addresses follow the IPv4 rules; NAT64 (64:ff9b::/96) and 6to4 (2002::/16) are
// judged by the IPv4 address inside; Teredo, IPv4-compatible (::/96), site-local, discard-only
// and local-use NAT64 blocks are non-public as a whole.
bool is_non_public(const IpAddress& ip);
bool is_loopback(const IpAddress& ip);

// The client address behind trusted proxies: walks X-Forwarded-For from the right, skipping
// addresses inside `trusted`, and returns the first untrusted one. When `peer` itself is not
// trusted, or the header is absent or empty, the peer is the client.
// Only elements the walk reaches count: those right of the first untrusted address were written
// by trusted hops; those left of it are client-made and never read, so garbage there cannot
// move the client onto the proxy's address (and its rate limits or bans). A reached element
// that is not an address ("unknown") stops the walk and the peer is the client. When every
// element is trusted, the leftmost is the client. Elements may carry a port ("192.0.2.1:80",
// "[2001:db8::1]:80"); empty elements are skipped. The result is normalised by to_string()
// (an IPv4-mapped peer "::ffff:192.0.2.1" comes back as "192.0.2.1").
std::string client_ip(std::string_view peer, std::string_view x_forwarded_for,
                      const std::vector<Cidr>& trusted);

}  // namespace shikong
