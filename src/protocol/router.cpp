// Route matching: split the path into segments, decode each, and pick the most specific pattern.
#include "protocol/router.hpp"

#include <stdexcept>

#include "protocol/query.hpp"

namespace shikong::protocol {

std::string_view to_string(RouteClass c) {
  switch (c) {
    case RouteClass::api:
      return "api";
    case RouteClass::features:
      return "features";
    case RouteClass::tiles:
      return "tiles";
    case RouteClass::maps:
      return "maps";
    case RouteClass::downloads:
      return "downloads";
    case RouteClass::search:
      return "search";
    case RouteClass::geocoding:
      return "geocoding";
    case RouteClass::upload:
      return "upload";
    case RouteClass::login:
      return "login";
    case RouteClass::admin:
      return "admin";
    case RouteClass::static_files:
      return "static";
    case RouteClass::health:
      return "health";
  }
  return "api";
}
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  if (path.empty() || path.front() != '/') return parts;
  path.remove_prefix(1);
  // A trailing slash is tolerated: "/ogc/" finds "/ogc".
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) {
      parts.push_back(path.substr(start));
      break;
    }
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

}  // namespace

void Router::add(Route route) {
  std::vector<Segment> segments;
  const auto parts = split_path(route.pattern);
  if (route.pattern.empty() || route.pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + route.pattern);
  }
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string_view part = parts[i];
    const std::size_t open = part.find('{');
    if (open == std::string_view::npos) {
      segments.push_back({Segment::Kind::literal, std::string(part), {}, {}});
      continue;
    }
    const std::size_t close = part.find('}', open);
    if (close == std::string_view::npos || close == open + 1) {
      throw std::invalid_argument("bad route pattern: " + route.pattern);
    }
    std::string name(part.substr(open + 1, close - open - 1));
    if (name.back() == '*') {
      if (i + 1 != parts.size() || open != 0 || close + 1 != part.size()) {
        throw std::invalid_argument("{name*} must be the whole last segment: " + route.pattern);
      }
      name.pop_back();
      segments.push_back({Segment::Kind::rest, std::move(name), {}, {}});
      continue;
    }
    if (open == 0 && close + 1 == part.size()) {
      segments.push_back({Segment::Kind::param, std::move(name), {}, {}});
    } else {
      segments.push_back({Segment::Kind::affixed, std::move(name),
                          std::string(part.substr(0, open)), std::string(part.substr(close + 1))});
    }
  }
  routes_.push_back(std::move(route));
  compiled_.push_back(std::move(segments));
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  const auto raw = split_path(path);
  std::vector<std::string> parts;
  parts.reserve(raw.size());
  for (const auto part : raw) parts.push_back(percent_decode(part, false, "invalid-path"));

  Match best;
  std::vector<Segment::Kind> best_rank;  // kinds along the path; larger is more specific
  std::vector<Segment::Kind> rank;
  std::map<std::string, std::string, std::less<>> params;
  std::vector<std::string_view> allowed;

  for (std::size_t r = 0; r < routes_.size(); ++r) {
    const auto& segments = compiled_[r];
    const bool has_rest = !segments.empty() && segments.back().kind == Segment::Kind::rest;
    const std::size_t fixed = has_rest ? segments.size() - 1 : segments.size();
    if (has_rest ? parts.size() <= fixed : parts.size() != fixed) continue;
    rank.clear();
    params.clear();
    bool ok = true;
    for (std::size_t i = 0; i < fixed && ok; ++i) {
      const Segment& seg = segments[i];
      const std::string& part = parts[i];
      switch (seg.kind) {
        case Segment::Kind::literal:
          ok = part == seg.text;
          break;
        case Segment::Kind::param:
          ok = !part.empty();
          if (ok) params[seg.text] = part;
          break;
        case Segment::Kind::affixed:
          ok = part.size() > seg.prefix.size() + seg.suffix.size() &&
               part.starts_with(seg.prefix) && part.ends_with(seg.suffix);
          if (ok) {
            params[seg.text] =
                part.substr(seg.prefix.size(), part.size() - seg.prefix.size() - seg.suffix.size());
          }
          break;
        case Segment::Kind::rest:
          break;
      }
      rank.push_back(seg.kind);
    }
    if (!ok) continue;
    if (has_rest) {
      std::string rest;
      for (std::size_t i = fixed; i < parts.size(); ++i) {
        if (i > fixed) rest.push_back('/');
        rest += parts[i];
      }
      params[segments.back().text] = std::move(rest);
      rank.push_back(Segment::Kind::rest);
    }

    const Route& route = routes_[r];
    const bool method_ok = route.method == method || (method == "HEAD" && route.method == "GET");
    bool seen = false;
    for (const auto m : allowed) seen = seen || m == route.method;
    if (!seen) allowed.push_back(route.method);
    if (!method_ok) continue;
    // Most specific wins: compare kinds segment by segment, a literal beating a parameter.
    // A longer fixed pattern beats a rest pattern with the same prefix. An exact method
    // beats HEAD-via-GET.
    const bool better =
        best.route == nullptr || rank > best_rank ||
        (rank == best_rank && route.method == method && best.route->method != method);
    if (better) {
      best.route = &route;
      best.params = params;
      best_rank = rank;
    }
  }

  for (const auto m : allowed) {
    if (!best.allow.empty()) best.allow += ", ";
    best.allow += m;
    if (m == "GET") {
      bool head = false;
      for (const auto h : allowed) head = head || h == "HEAD";
      if (!head) best.allow += ", HEAD";
    }
  }
  best.path_known = best.route == nullptr && !allowed.empty();
  return best;
}

}  // namespace shikong::protocol
