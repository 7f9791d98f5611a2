// IP address and CIDR parsing, matching and classification. Written by hand rather than over
// inet_pton so that only canonical forms pass (no octal-looking octets, no zones, no ports).
#include "core/net_address.hpp"

#include <algorithm>
#include <cstdio>

namespace shikong {

namespace {

constexpr std::size_t kMaxIpText = 64;  // far above the longest valid form (45 characters)

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Dotted quad: four decimal octets of 1-3 digits, no leading zeros (many parsers read "010" as
// octal 8, so a leading zero is ambiguous and refused), each at most 255.
bool parse_v4(std::string_view t, std::uint8_t* out) {
  int part = 0;
  std::size_t i = 0;
  while (true) {
    std::size_t start = i;
    int value = 0;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
      value = value * 10 + (t[i] - '0');
      if (i - start >= 3 || value > 255) return false;
      ++i;
    }
    std::size_t len = i - start;
    if (len == 0 || (len > 1 && t[start] == '0')) return false;
    out[part++] = static_cast<std::uint8_t>(value);
    if (part == 4) return i == t.size();
    if (i >= t.size() || t[i] != '.') return false;
    ++i;
  }
}

// A run of 16-bit groups separated by single colons, the last of which may be a dotted quad
// (worth two groups) when `allow_v4` is set. Empty text is zero groups.
bool parse_groups(std::string_view t, bool allow_v4, std::vector<std::uint16_t>& groups) {
  if (t.empty()) return true;
  std::size_t i = 0;
  while (true) {
    std::size_t end = t.find(':', i);
    std::string_view g =
        t.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
    if (end == std::string_view::npos && allow_v4 && g.find('.') != std::string_view::npos) {
      std::uint8_t v4[4];
      if (!parse_v4(g, v4)) return false;
      groups.push_back(static_cast<std::uint16_t>(v4[0] << 8 | v4[1]));
      groups.push_back(static_cast<std::uint16_t>(v4[2] << 8 | v4[3]));
      return true;
    }
    if (g.empty() || g.size() > 4) return false;
    unsigned value = 0;
    for (char c : g) {
      int d = hex_digit(c);
      if (d < 0) return false;
      value = value << 4 | static_cast<unsigned>(d);
    }
    groups.push_back(static_cast<std::uint16_t>(value));
    if (groups.size() > 8) return false;
    if (end == std::string_view::npos) return true;
    i = end + 1;
  }
}

// RFC 4291 section 2.2 text: eight groups, or fewer with one "::" standing for at least one
// zero group, optionally ending in a dotted quad.
bool parse_v6(std::string_view t, std::array<std::uint8_t, 16>& out) {
  std::size_t dc = t.find("::");
  std::vector<std::uint16_t> head, tail;
  if (dc == std::string_view::npos) {
    if (!parse_groups(t, true, head) || head.size() != 8) return false;
  } else {
    if (t.find("::", dc + 1) != std::string_view::npos) return false;
    std::string_view left = t.substr(0, dc), right = t.substr(dc + 2);
    // ":::" and a lone colon next to "::" ("1:::2", ":1::") leave an empty group behind.
    if (!parse_groups(left, false, head) || !parse_groups(right, true, tail)) return false;
    if (head.size() + tail.size() > 7) return false;
  }
  std::array<std::uint16_t, 8> g{};
  std::copy(head.begin(), head.end(), g.begin());
  std::copy(tail.begin(), tail.end(), g.end() - static_cast<std::ptrdiff_t>(tail.size()));
  for (int k = 0; k < 8; ++k) {
    out[2 * k] = static_cast<std::uint8_t>(g[k] >> 8);
    out[2 * k + 1] = static_cast<std::uint8_t>(g[k] & 0xff);
  }
  return true;
}

IpAddress v4_mapped(const std::uint8_t* v4) {
  IpAddress ip;
  ip.bytes[10] = 0xff;
  ip.bytes[11] = 0xff;
  std::copy(v4, v4 + 4, ip.bytes.begin() + 12);
  return ip;
}

// The first `prefix` bits of `a` and `b` agree.
bool same_prefix(const IpAddress& a, const IpAddress& b, int prefix) {
  int full = prefix / 8, rest = prefix % 8;
  if (!std::equal(a.bytes.begin(), a.bytes.begin() + full, b.bytes.begin())) return false;
  if (rest == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a.bytes[full] & mask) == (b.bytes[full] & mask);
}

// A block written in its usual notation: IPv4 text with an IPv4 prefix, IPv6 with an IPv6 one.
struct Block {
  IpAddress base;
  int prefix;
};
Block v4_block(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, int prefix) {
  const std::uint8_t q[4] = {a, b, c, d};
  return Block{v4_mapped(q), 96 + prefix};
}
Block v6_block(std::initializer_list<std::uint16_t> leading, int prefix) {
  IpAddress ip;
  int k = 0;
  for (auto g : leading) {
    ip.bytes[2 * k] = static_cast<std::uint8_t>(g >> 8);
    ip.bytes[2 * k + 1] = static_cast<std::uint8_t>(g & 0xff);
    ++k;
  }
  return Block{ip, prefix};
}

bool in_any(const IpAddress& ip, const std::vector<Block>& blocks) {
  return std::any_of(blocks.begin(), blocks.end(),
                     [&](const Block& b) { return same_prefix(ip, b.base, b.prefix); });
}

bool v4_non_public(const IpAddress& ip) {
  // RFC 6890 and its updates: addresses that are not globally reachable unicast.
  static const std::vector<Block> blocks = {
      v4_block(0, 0, 0, 0, 8),        // "this network"
      v4_block(10, 0, 0, 0, 8),       // private
      v4_block(100, 64, 0, 0, 10),    // shared address space (CGNAT)
      v4_block(127, 0, 0, 0, 8),      // loopback
      v4_block(169, 254, 0, 0, 16),   // link-local (cloud metadata services live here)
      v4_block(172, 16, 0, 0, 12),    // private
      v4_block(192, 0, 0, 0, 24),     // IETF protocol assignments
      v4_block(192, 0, 2, 0, 24),     // documentation
      v4_block(192, 168, 0, 0, 16),   // private
      v4_block(198, 18, 0, 0, 15),    // benchmarking
      v4_block(198, 51, 100, 0, 24),  // documentation
      v4_block(203, 0, 113, 0, 24),   // documentation
      v4_block(224, 0, 0, 0, 4),      // multicast
      v4_block(240, 0, 0, 0, 4),      // reserved, including 255.255.255.255
  };
  return in_any(ip, blocks);
}

IpAddress embedded_v4(const IpAddress& ip, int offset) {
  return v4_mapped(&ip.bytes[offset]);
}

}  // namespace

bool IpAddress::is_v4() const {
  return std::all_of(bytes.begin(), bytes.begin() + 10, [](std::uint8_t b) { return b == 0; }) &&
         bytes[10] == 0xff && bytes[11] == 0xff;
}

std::string IpAddress::to_string() const {
  char buf[48];
  if (is_v4()) {
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", bytes[12], bytes[13], bytes[14], bytes[15]);
    return buf;
  }
  std::array<unsigned, 8> g{};
  for (int k = 0; k < 8; ++k) g[k] = static_cast<unsigned>(bytes[2 * k] << 8 | bytes[2 * k + 1]);
  // RFC 5952 4.2: "::" replaces the longest run of two or more zero groups, the first on a tie.
  int best = -1, best_len = 1;
  for (int k = 0; k < 8;) {
    if (g[k] != 0) {
      ++k;
      continue;
    }
    int e = k;
    while (e < 8 && g[e] == 0) ++e;
    if (e - k > best_len) {
      best = k;
      best_len = e - k;
    }
    k = e;
  }
  std::string out;
  for (int k = 0; k < 8; ++k) {
    if (k == best) {
      out += "::";
      k += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::snprintf(buf, sizeof buf, "%x", g[k]);
    out += buf;
  }
  return out;
}

std::optional<IpAddress> parse_ip(std::string_view text) {
  if (text.empty() || text.size() > kMaxIpText) return std::nullopt;
  bool bracketed = text.front() == '[';
  if (bracketed) {
    if (text.size() < 3 || text.back() != ']') return std::nullopt;
    text = text.substr(1, text.size() - 2);
  }
  // Only hex digits, dots and colons: this refuses spaces, zones ("%eth0"), prefixes and signs.
  for (char c : text)
    if (hex_digit(c) < 0 && c != '.' && c != ':') return std::nullopt;
  if (text.find(':') == std::string_view::npos) {
    std::uint8_t q[4];
    if (bracketed || !parse_v4(text, q)) return std::nullopt;
    return v4_mapped(q);
  }
  IpAddress ip;
  if (!parse_v6(text, ip.bytes)) return std::nullopt;
  return ip;
}

bool Cidr::contains(const IpAddress& ip) const {
  return same_prefix(ip, base, std::clamp(prefix, 0, 128));
}

std::string Cidr::to_string() const {
  if (base.is_v4() && prefix >= 96) return base.to_string() + "/" + std::to_string(prefix - 96);
  return base.to_string() + "/" + std::to_string(prefix);
}

std::optional<Cidr> parse_cidr(std::string_view text) {
  std::size_t slash = text.find('/');
  std::string_view addr = text.substr(0, slash);
  // Brackets belong to URLs, not to CIDR notation.
  if (addr.empty() || addr.front() == '[') return std::nullopt;
  auto ip = parse_ip(addr);
  if (!ip) return std::nullopt;
  bool v4_text = addr.find(':') == std::string_view::npos;
  int max_prefix = v4_text ? 32 : 128;
  int prefix = max_prefix;
  if (slash != std::string_view::npos) {
    std::string_view p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3 || (p.size() > 1 && p[0] == '0')) return std::nullopt;
    prefix = 0;
    for (char c : p) {
      if (c < '0' || c > '9') return std::nullopt;
      prefix = prefix * 10 + (c - '0');
    }
    if (prefix > max_prefix) return std::nullopt;
  }
  Cidr cidr;
  cidr.prefix = v4_text ? prefix + 96 : prefix;
  // Clear the host bits so that equal blocks compare and print alike.
  for (int k = 0; k < 16; ++k) {
    int bits = std::clamp(cidr.prefix - 8 * k, 0, 8);
    auto mask = static_cast<std::uint8_t>(bits == 0 ? 0 : 0xff << (8 - bits));
    cidr.base.bytes[k] = ip->bytes[k] & mask;
  }
  return cidr;
}

bool is_loopback(const IpAddress& ip) {
  static const std::vector<Block> blocks = {v4_block(127, 0, 0, 0, 8),
                                            v6_block({0, 0, 0, 0, 0, 0, 0, 1}, 128)};
  return in_any(ip, blocks);
}

bool is_non_public(const IpAddress& ip) {
  if (ip.is_v4()) return v4_non_public(ip);
  static const std::vector<Block> blocks = {
      v6_block({}, 128),                        // :: unspecified
      v6_block({0, 0, 0, 0, 0, 0, 0, 1}, 128),  // ::1 loopback
      v6_block({}, 96),                         // ::a.b.c.d, deprecated IPv4-compatible
      v6_block({0x64, 0xff9b, 1}, 48),          // local-use IPv4/IPv6 translation (RFC 8215)
      v6_block({0x100}, 64),                    // discard-only (RFC 6666)
      v6_block({0x2001, 0}, 32),                // Teredo: tunnels to an IPv4 address we cannot vet
      v6_block({0x2001, 2, 0}, 48),             // benchmarking
      v6_block({0x2001, 0xdb8}, 32),            // documentation
      v6_block({0x3fff}, 20),                   // documentation (RFC 9637)
      v6_block({0xfc00}, 7),                    // unique local
      v6_block({0xfe80}, 10),                   // link-local
      v6_block({0xfec0}, 10),                   // deprecated site-local, still routed by some
      v6_block({0xff00}, 8),                    // multicast
  };
  if (in_any(ip, blocks)) return true;
  // Translators reach the IPv4 address inside: NAT64 (64:ff9b::/96) in the last four bytes,
  // 6to4 (2002::/16) in bytes 2-5. Judge them by that address.
  static const Block nat64 = v6_block({0x64, 0xff9b}, 96);
  static const Block six_to_four = v6_block({0x2002}, 16);
  if (same_prefix(ip, nat64.base, nat64.prefix)) return v4_non_public(embedded_v4(ip, 12));
  if (same_prefix(ip, six_to_four.base, six_to_four.prefix))
    return v4_non_public(embedded_v4(ip, 2));
  return false;
}

namespace {

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// One X-Forwarded-For element: an address, or an address with a port as some proxies write it
// ("192.0.2.1:4711", "[2001:db8::1]:4711"). Anything else ("unknown", "_hidden") is malformed.
std::optional<IpAddress> parse_forwarded_element(std::string_view e) {
  if (auto ip = parse_ip(e)) return ip;
  std::size_t colon = e.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == e.size() || e.size() - colon - 1 > 5)
    return std::nullopt;
  for (char c : e.substr(colon + 1))
    if (c < '0' || c > '9') return std::nullopt;
  std::string_view host = e.substr(0, colon);
  if (!host.empty() && host.front() == '[') return parse_ip(host);    // "[v6]:port"
  if (host.find(':') != std::string_view::npos) return std::nullopt;  // bare IPv6 is ambiguous
  return parse_ip(host);
}

bool trusted_by(const IpAddress& ip, const std::vector<Cidr>& trusted) {
  return std::any_of(trusted.begin(), trusted.end(), [&](const Cidr& c) { return c.contains(ip); });
}

}  // namespace

std::string client_ip(std::string_view peer, std::string_view x_forwarded_for,
                      const std::vector<Cidr>& trusted) {
  auto peer_ip = parse_ip(peer);
  if (!peer_ip) return std::string(peer);
  if (!trusted_by(*peer_ip, trusted)) return peer_ip->to_string();
  // Each element was appended by the hop to its right (the rightmost by the peer), so while
  // the walk stays among trusted hops, the element it reads was written by a trusted hop.
  // Elements left of the first untrusted one are whatever the client sent and are never read.
  std::optional<IpAddress> last;
  std::string_view rest = x_forwarded_for;
  while (true) {
    std::size_t comma = rest.rfind(',');
    std::string_view element =
        trim_ows(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    if (!element.empty()) {  // empty list elements are allowed by RFC 9110 5.6.1 and skipped
      auto ip = parse_forwarded_element(element);
      // A trusted hop wrote something that is not an address: the client is unknown, and the
      // peer is the one address we know; nothing the client wrote is used.
      if (!ip) return peer_ip->to_string();
      if (!trusted_by(*ip, trusted)) return ip->to_string();
      last = ip;
    }
    if (comma == std::string_view::npos) break;
    rest = rest.substr(0, comma);
  }
  // Every element is a trusted hop (an internal caller behind the proxies): the farthest one.
  return last ? last->to_string() : peer_ip->to_string();
}

}  // namespace shikong
