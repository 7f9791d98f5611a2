// URL helpers of the harvester (see url.hpp): small on purpose, since every URL they touch comes
// from a source an admin registered or from that source's own pages.
#include "harvest/url.hpp"

#include <charconv>
#include <vector>

namespace shikong::harvest {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == prefix;
}

// RFC 3986 5.2.4: "a/./b/../c" -> "a/c".
std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  bool absolute = !path.empty() && path.front() == '/';
  if (absolute) pos = 1;
  bool trailing = false;
  while (pos <= path.size()) {
    auto slash = path.find('/', pos);
    auto seg =
        path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    bool last = slash == std::string_view::npos;
    trailing = false;
    if (seg == "..") {
      if (!out.empty()) out.pop_back();
      trailing = true;
    } else if (seg == ".") {
      trailing = true;
    } else {
      out.push_back(seg);
    }
    if (last) break;
    pos = slash + 1;
  }
  std::string res = absolute ? "/" : "";
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i > 0) res += '/';
    res += out[i];
  }
  if (trailing && !res.empty() && res.back() != '/') res += '/';
  return res;
}

}  // namespace

std::optional<UrlParts> split_url(std::string_view url) {
  UrlParts p;
  std::string_view rest;
  if (starts_with_ci(url, "http://")) {
    p.scheme = "http";
    p.port = 80;
    rest = url.substr(7);
  } else if (starts_with_ci(url, "https://")) {
    p.scheme = "https";
    p.port = 443;
    rest = url.substr(8);
  } else {
    return std::nullopt;
  }
  auto end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  p.path_and_query = end == std::string_view::npos ? "/" : std::string(rest.substr(end));
  if (!p.path_and_query.empty() && p.path_and_query.front() == '#') p.path_and_query = "/";
  if (authority.find('@') != std::string_view::npos) return std::nullopt;  // no credentials
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(0, close + 1);
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return std::nullopt;
  for (char c : host)
    if (static_cast<unsigned char>(c) <= ' ' || c == '\\' || c == '%') return std::nullopt;
  if (!port.empty()) {
    int v = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
    if (ec != std::errc() || ptr != port.data() + port.size() || v < 1 || v > 65535)
      return std::nullopt;
    p.port = v;
  }
  p.host = lower(host);
  return p;
}

std::string origin_of(std::string_view url) {
  auto p = split_url(url);
  if (!p) return {};
  return p->host + ":" + std::to_string(p->port);
}

std::string without_query(std::string_view url) {
  return std::string(url.substr(0, url.find_first_of("?#")));
}

std::string with_query(std::string_view url, std::string_view query) {
  std::string base(url.substr(0, url.find('#')));
  if (base.find('?') == std::string::npos)
    base += '?';
  else if (base.back() != '?' && base.back() != '&')
    base += '&';
  return base + std::string(query);
}

bool has_query_param(std::string_view url, std::string_view name) {
  auto q = url.find('?');
  if (q == std::string_view::npos) return false;
  std::string query =
      lower(url.substr(q + 1, url.find('#') == std::string_view::npos ? std::string_view::npos
                                                                      : url.find('#') - q - 1));
  std::string key = lower(name);
  std::size_t pos = 0;
  while (pos <= query.size()) {
    auto amp = query.find('&', pos);
    std::string_view item = std::string_view(query).substr(
        pos, amp == std::string::npos ? std::string::npos : amp - pos);
    if (item.substr(0, item.find('=')) == key) return true;
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return false;
}

std::string percent_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string resolve_url(std::string_view base, std::string_view href) {
  if (starts_with_ci(href, "http://") || starts_with_ci(href, "https://")) return std::string(href);
  auto b = split_url(base);
  if (!b) return std::string(href);
  bool default_port =
      (b->scheme == "http" && b->port == 80) || (b->scheme == "https" && b->port == 443);
  std::string origin =
      b->scheme + "://" + b->host + (default_port ? "" : ":" + std::to_string(b->port));
  if (href.substr(0, 2) == "//") return b->scheme + ":" + std::string(href);
  std::string path = without_query(b->path_and_query);
  if (href.empty()) return origin + b->path_and_query;
  if (href.front() == '?') return origin + path + std::string(href);
  if (href.front() == '#') return origin + b->path_and_query;
  std::string_view ref_path = href.substr(0, href.find_first_of("?#"));
  std::string_view ref_rest = href.substr(ref_path.size());
  std::string merged;
  if (!ref_path.empty() && ref_path.front() == '/') {
    merged = std::string(ref_path);
  } else {
    merged = path.substr(0, path.rfind('/') + 1) + std::string(ref_path);
  }
  return origin + remove_dot_segments(merged) + std::string(ref_rest);
}

}  // namespace shikong::harvest
