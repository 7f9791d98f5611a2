// The route table: method + path pattern -> handler, with the metadata the OpenAPI document and
// the metrics need. Patterns use {name} for one path segment, e.g. /ogc/collections/{id}/items;
// a segment may add a literal prefix or suffix ({y}.pbf), and a last segment {name*} takes the
// rest of the path. Literal segments win over parameters.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/request.hpp"

namespace shikong::protocol {

using Handler = std::function<Response(Request&)>;

// The class of a route decides its rate limits, the service it counts for (API key quotas,
// the service registry) and whether security checks apply (health does not).
enum class RouteClass {
  api,
  features,
  tiles,
  maps,
  downloads,
  search,
  geocoding,
  upload,
  login,
  admin,
  static_files,
  health
};
// "api", "features", "tiles", "maps", "downloads", "search", "geocoding", "upload", "login",
// "admin", "static", "health".
std::string_view to_string(RouteClass c);

struct Route {
  std::string method;
  std::string pattern;
  Handler handler;
  RouteClass route_class = RouteClass::api;
  std::string summary;          // for OpenAPI
  std::string operation_id;     // for OpenAPI
  bool streams_upload = false;  // body spooled to disk with the upload size limit
};

class Router {
 public:
  void add(Route route);
  struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string, std::less<>> params;
    bool path_known = false;  // some route matched the path but not the method (-> 405)
    std::string allow;        // methods the path accepts, "GET, HEAD", for Allow and CORS
  };
  // `path` is the path as received (still percent-encoded); each segment is decoded after the
  // split, so an encoded '/' stays inside its segment. HEAD also matches GET routes.
  // Throws InvalidInput("invalid-path") on a malformed escape.
  Match match(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Segment {
    enum class Kind { rest, param, affixed, literal } kind;  // ordered by precedence
    std::string text;                                        // literal text or param name
    std::string prefix, suffix;                              // for affixed
  };
  std::vector<Route> routes_;
  std::vector<std::vector<Segment>> compiled_;  // parallel to routes_
};

}  // namespace shikong::protocol
