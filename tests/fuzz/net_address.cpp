// Fuzz target: IP and CIDR parsing and the X-Forwarded-For walk (every request's client address,
// key IP bindings, trusted proxies). Input is "<peer>\n<X-Forwarded-For>\n<trusted CIDR>,...".
// Nothing throws; what to_string writes parses back to the same value; a CIDR holds its base.
#include <cstdint>
#include <string>
#include <vector>

#include "core/net_address.hpp"
#include "fuzz_support.hpp"

using namespace shikong;

namespace {

void check_ip(std::string_view text) {
  auto ip = parse_ip(text);
  if (!ip) return;
  const std::string canon = ip->to_string();
  auto again = parse_ip(canon);
  fuzz::check(again && *again == *ip, "parse_ip(to_string(ip)) differs from ip");
  fuzz::check(again->is_v4() == ip->is_v4(), "to_string changed the address family");
  fuzz::check(canon.find_first_of("[]/% ") == std::string::npos,
              "to_string wrote a bracket, zone or space");
  auto host = parse_cidr(canon);
  fuzz::check(host && host->contains(*ip), "an address is not inside its own CIDR");
  fuzz::check(host->prefix == 128, "a single address is not a /128");
}

void check_cidr(std::string_view text) {
  auto c = parse_cidr(text);
  if (!c) return;
  fuzz::check(c->prefix >= 0 && c->prefix <= 128, "CIDR prefix outside 0..128");
  if (c->base.is_v4()) fuzz::check(c->prefix >= 96, "an IPv4 CIDR wider than the mapped block");
  fuzz::check(c->contains(c->base), "a CIDR does not contain its base");
  auto again = parse_cidr(c->to_string());
  fuzz::check(again && again->base == c->base && again->prefix == c->prefix,
              "parse_cidr(to_string(c)) differs from c");
  // Host bits are cleared: the last address of the block has the same base.
  IpAddress last = c->base;
  for (int bit = c->prefix; bit < 128; ++bit)
    last.bytes[static_cast<std::size_t>(bit / 8)] |= static_cast<std::uint8_t>(0x80u >> (bit % 8));
  fuzz::check(c->contains(last), "a CIDR does not contain its last address");
  if (c->prefix > 0) {
    IpAddress outside = c->base;
    const int bit = c->prefix - 1;
    outside.bytes[static_cast<std::size_t>(bit / 8)] ^=
        static_cast<std::uint8_t>(0x80u >> (bit % 8));
    fuzz::check(!c->contains(outside), "a CIDR contains an address differing in a prefix bit");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  std::vector<std::string_view> lines;
  for (std::size_t start = 0;;) {
    std::size_t nl = text.find('\n', start);
    lines.push_back(text.substr(start, nl == std::string_view::npos ? nl : nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  for (auto line : lines) {
    check_ip(line);
    check_cidr(line);
    if (auto ip = parse_ip(line)) {
      (void)is_non_public(*ip);
      if (is_loopback(*ip)) fuzz::check(is_non_public(*ip), "loopback counted as public");
    }
  }

  std::string_view peer = lines[0];
  std::string_view xff = lines.size() > 1 ? lines[1] : std::string_view{};
  std::vector<Cidr> trusted;
  if (lines.size() > 2) {
    std::string_view list = lines[2];
    for (std::size_t start = 0;;) {
      std::size_t comma = list.find(',', start);
      auto c =
          parse_cidr(list.substr(start, comma == std::string_view::npos ? comma : comma - start));
      if (c) trusted.push_back(*c);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  const std::string client = client_ip(peer, xff, trusted);
  auto peer_ip = parse_ip(peer);
  bool peer_trusted = false;
  for (const auto& c : trusted) peer_trusted = peer_trusted || (peer_ip && c.contains(*peer_ip));
  if (!peer_trusted) {
    fuzz::check(client == peer || (peer_ip && parse_ip(client) == peer_ip),
                "an untrusted peer's X-Forwarded-For was believed");
  } else {
    fuzz::check(parse_ip(client).has_value(), "client_ip returned text that is not an address");
  }
  // Without trusted proxies the header never matters.
  const std::string alone = client_ip(peer, xff, {});
  fuzz::check(alone == peer || (peer_ip && parse_ip(alone) == peer_ip),
              "X-Forwarded-For believed with no trusted proxy");
  return 0;
}
