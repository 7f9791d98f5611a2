// Maps the routes of the adapters to usage kinds. Only the path parameters the routes already
// parsed and the layer parameters of WMS/WMTS are read; unknown ids are dropped later by the
// catalog (it counts only datasets that exist).
#include "app/usage_events.hpp"

#include <string_view>

#include "core/ascii.hpp"

namespace shikong::app {
namespace {

std::vector<std::string> split_ids(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    auto comma = list.find(',');
    auto id = trim_blanks(list.substr(0, comma));
    if (!id.empty()) out.emplace_back(id);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

}  // namespace

DatasetUse dataset_use(const protocol::Request& req, int status) {
  DatasetUse use;
  if (status < 200 || status >= 400 || (req.method != "GET" && req.method != "HEAD")) return use;
  const std::string_view path = req.path;
  auto param = [&](std::string_view name) { return req.path_param(name); };

  if (starts_with(path, "/api/v1/datasets/")) {
    auto id = param("datasetId");
    if (id.empty()) return use;
    const bool download = path.size() > 9 && path.substr(path.size() - 9) == "/download";
    const bool page = path == "/api/v1/datasets/" + std::string(id);
    if (!download && !page) return use;
    use.kind = download ? storage::UsageKind::download : storage::UsageKind::view;
    use.dataset_ids.emplace_back(id);
  } else if (starts_with(path, "/ogc/collections/")) {
    auto id = param("collectionId");
    if (id.empty() || id == "catalog") return use;
    if (path.find("/items") != std::string_view::npos)
      use.kind = storage::UsageKind::api;
    else if (path.find("/tiles/") != std::string_view::npos ||
             path.find("/map/") != std::string_view::npos)
      use.kind = storage::UsageKind::tile;
    else
      return use;
    use.dataset_ids.emplace_back(id);
  } else if (starts_with(path, "/tiles/")) {
    auto ids = param("datasets");
    if (ids.empty() || path.ends_with(".json")) return use;
    use.kind = storage::UsageKind::tile;
    use.dataset_ids = split_ids(ids);
  } else if (path == "/ogc/wms") {
    auto request = req.param_icase("REQUEST");
    if (!request || !ascii_iequals(*request, "GetMap")) return use;
    if (auto layers = req.param_icase("LAYERS")) use.dataset_ids = split_ids(*layers);
    use.kind = storage::UsageKind::tile;
  } else if (path == "/ogc/wmts") {
    auto request = req.param_icase("REQUEST");
    if (!request || !ascii_iequals(*request, "GetTile")) return use;
    if (auto layer = req.param_icase("LAYER")) use.dataset_ids = split_ids(*layer);
    use.kind = storage::UsageKind::tile;
  } else if (starts_with(path, "/ogc/wmts/1.0.0/")) {
    // RESTful tiles: /ogc/wmts/1.0.0/{layer}/{style}/...; the capabilities document has no layer.
    auto rest = path.substr(16);
    auto slash = rest.find('/');
    if (slash == std::string_view::npos) return use;
    use.kind = storage::UsageKind::tile;
    use.dataset_ids.emplace_back(rest.substr(0, slash));
  }
  return use;
}

}  // namespace shikong::app
