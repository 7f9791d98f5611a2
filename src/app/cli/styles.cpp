// `shikong style list|put|delete`: a dataset's styles from the terminal (the base map's styles
// are set this way by scripts/demo-data), validated as the style API validates them.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>

#include "app/cli/args.hpp"
#include "app/cli/commands.hpp"
#include "app/platform.hpp"
#include "core/dataset_id.hpp"
#include "core/error.hpp"
#include "maps/map_service.hpp"

namespace shikong::app {
namespace {

storage::DatasetInfo dataset(storage::Store& store, const std::string& id) {
  require_dataset_id(id, "DATASET");
  auto ds = store.find_dataset(id);
  if (!ds) throw NotFound("unknown-dataset", "there is no dataset '" + id + "'", "DATASET");
  return *ds;
}

std::string read_document(const std::string& path) {
  if (path == "-")
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InvalidInput("unreadable-file", "cannot read " + path, "FILE");
  std::ostringstream ss;
  ss << in.rdbuf();
  return std::move(ss).str();
}

int style_list(const Config& config, const std::vector<std::string>& rest) {
  Args args(rest, {}, {});
  if (args.positionals().size() != 1)
    throw InvalidInput("missing-dataset", "style list takes one dataset id", "DATASET");
  auto store = open_store(config);
  auto ds = dataset(*store, args.positionals()[0]);
  std::map<std::string, storage::StoredStyle> rows;
  for (auto& s : store->list_styles(ds.id)) rows.emplace(s.name, s);
  maps::MapService maps(*store, map_settings(config), nullptr);
  std::printf("%-24s %-13s %-8s %-16s %s\n", "NAME", "KIND", "CLASSES", "UPDATED BY", "TITLE");
  for (const auto& s : maps.styles(ds)) {
    auto row = rows.find(s.name);
    std::printf("%-24s %-13s %-8zu %-16s %s\n", s.name.c_str(),
                std::string(style::to_string(s.kind)).c_str(), s.rules.size(),
                row == rows.end() ? "(generated)" : row->second.updated_by.c_str(),
                s.title.c_str());
  }
  return 0;
}

int style_put(const Config& config, const std::vector<std::string>& rest) {
  Args args(rest, {}, {});
  if (args.positionals().size() != 3)
    throw InvalidInput("missing-argument", "style put takes DATASET NAME FILE.json (- for stdin)",
                       "FILE");
  const auto& p = args.positionals();
  auto store = open_store(config);
  auto ds = dataset(*store, p[0]);
  auto s = style::parse_style(read_document(p[2]));
  s.name = p[1];  // the command line names the style, whatever the document says
  maps::MapService maps(*store, map_settings(config), nullptr);
  auto saved = maps.save_style(ds, std::move(s), false, "cli");
  std::printf("saved style %s of %s (%s, %zu classes)\n", saved.name.c_str(), ds.id.c_str(),
              std::string(style::to_string(saved.kind)).c_str(), saved.rules.size());
  return 0;
}

int style_delete(const Config& config, const std::vector<std::string>& rest) {
  Args args(rest, {}, {});
  if (args.positionals().size() != 2)
    throw InvalidInput("missing-argument", "style delete takes DATASET NAME", "NAME");
  auto store = open_store(config);
  auto ds = dataset(*store, args.positionals()[0]);
  maps::MapService maps(*store, map_settings(config), nullptr);
  maps.delete_style(ds, args.positionals()[1]);
  std::printf("deleted style %s of %s\n", args.positionals()[1].c_str(), ds.id.c_str());
  return 0;
}

}  // namespace

int run_style(CommandLine& cl) {
  const auto& a = cl.args;
  const std::string action = a.empty() ? "" : a[0];
  std::vector<std::string> rest(a.empty() ? a.end() : a.begin() + 1, a.end());
  if (action == "list") return style_list(cl.config, rest);
  if (action == "put") return style_put(cl.config, rest);
  if (action == "delete") return style_delete(cl.config, rest);
  throw InvalidInput("unknown-action", "style takes list, put or delete", "style");
}

}  // namespace shikong::app
