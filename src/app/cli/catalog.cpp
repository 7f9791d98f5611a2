// `shikong record list|show|publish|retire` and `shikong harvest add|list|run|remove`: the
// operator's view of the directory service and the harvester, on the same store the server uses
// (a running server sees the changes within catalog.refresh_s).
#include <cstdio>
#include <string>

#include "app/cli/args.hpp"
#include "app/cli/commands.hpp"
#include "app/platform.hpp"
#include "catalog/catalog_service.hpp"
#include "core/error.hpp"
#include "datum/time.hpp"
#include "harvest/harvest.hpp"
#include "http/client.hpp"

namespace shikong::app {
namespace {

std::string one_positional(const Args& args, const char* what, const char* name) {
  if (args.positionals().size() != 1)
    throw InvalidInput("missing-argument", std::string(what) + " takes one " + name, name);
  return args.positionals()[0];
}

int record_command(const Config& config, const std::string& sub,
                   const std::vector<std::string>& rest) {
  auto store = open_store(config);
  auto records = open_record_store(config);
  catalog::CatalogService catalog(*store, *records, system_now);
  catalog.load();
  const auto operator_actor = catalog::Actor::system("cli");
  if (sub == "list") {
    Args args(rest, {"--state"}, {});
    const auto state = args.get("--state");
    std::printf("%-32s %-10s %-9s %-12s %s\n", "ID", "STATE", "TYPE", "SOURCE", "TITLE");
    for (const auto& r : catalog.all()) {
      if (!state.empty() && catalog::to_string(r.state) != state) continue;
      std::printf("%-32s %-10s %-9s %-12s %s\n", r.id.c_str(),
                  std::string(catalog::to_string(r.state)).c_str(), r.type.c_str(),
                  r.source_id.empty() ? "-" : r.source_id.c_str(), r.title.c_str());
    }
    return 0;
  }
  Args args(rest, {"--comment"}, {});
  const auto id = one_positional(args, ("record " + sub).c_str(), "ID");
  const auto comment = args.get("--comment");
  if (sub == "show") {
    auto r = catalog.find(id);
    if (!r) throw NotFound("unknown-record", "there is no record '" + id + "'", "ID");
    std::printf("%s\n", catalog::to_json(*r).c_str());
    for (const auto& c : catalog.history(id))
      std::printf("v%lld %s %s %s%s%s\n", static_cast<long long>(c.version),
                  datum::format_rfc3339(c.at).c_str(), c.actor.c_str(), c.action.c_str(),
                  c.comment.empty() ? "" : ": ", c.comment.c_str());
    return 0;
  }
  catalog::Record r;
  if (sub == "publish")
    r = catalog.publish(id, operator_actor, comment);
  else if (sub == "retire")
    r = catalog.retire(id, operator_actor, comment);
  else
    throw InvalidInput("unknown-subcommand", "record takes list, show, publish or retire",
                       "SUBCOMMAND");
  std::printf("%s is %s (version %lld)\n", r.id.c_str(),
              std::string(catalog::to_string(r.state)).c_str(), static_cast<long long>(r.version));
  return 0;
}

int harvest_command(const Config& config, const std::string& sub,
                    const std::vector<std::string>& rest) {
  auto store = open_store(config);
  auto records = open_record_store(config);
  catalog::CatalogService catalog(*store, *records, system_now);
  catalog.load();
  harvest::HarvestService harvester(catalog, *records, http::fetch, harvest_settings(config),
                                    system_now);
  if (sub == "list") {
    Args args(rest, {}, {});
    std::printf("%-20s %-8s %-6s %-13s %s\n", "ID", "KIND", "EVERY", "LAST", "URL");
    for (const auto& s : records->list_sources())
      std::printf("%-20s %-8s %-6lld %-13s %s\n", s.id.c_str(), s.kind.c_str(),
                  static_cast<long long>(s.interval_minutes),
                  s.last_status.empty() ? "-" : s.last_status.c_str(), s.url.c_str());
    return 0;
  }
  if (sub == "add") {
    Args args(rest, {"--every", "--title"}, {"--allow-private"});
    if (args.positionals().size() != 3)
      throw InvalidInput("missing-argument", "harvest add takes ID KIND URL", "URL");
    storage::HarvestSource s;
    s.id = args.positionals()[0];
    s.kind = args.positionals()[1];
    s.url = args.positionals()[2];
    s.title = args.get("--title");
    s.allow_private = args.has("--allow-private");
    try {
      s.interval_minutes = std::stoll(args.get("--every", "0"));
    } catch (const std::exception&) {
      throw InvalidInput("invalid-interval", "--every takes whole minutes", "--every");
    }
    s.created_by = "cli";
    harvester.add_source(std::move(s));
    std::printf("added harvest source %s\n", args.positionals()[0].c_str());
    return 0;
  }
  Args args(rest, {}, {});
  const auto id = one_positional(args, ("harvest " + sub).c_str(), "ID");
  if (sub == "remove") {
    harvester.remove_source(id);
    std::printf("removed harvest source %s and its records\n", id.c_str());
    return 0;
  }
  if (sub != "run")
    throw InvalidInput("unknown-subcommand", "harvest takes add, list, run or remove",
                       "SUBCOMMAND");
  auto run = harvester.run(id);
  std::printf("%s: %s, %lld added, %lld updated, %lld unchanged, %lld retired, %lld rejected%s%s\n",
              id.c_str(), run.status.c_str(), static_cast<long long>(run.added),
              static_cast<long long>(run.updated), static_cast<long long>(run.unchanged),
              static_cast<long long>(run.retired), static_cast<long long>(run.rejected),
              run.message.empty() ? "" : ": ", run.message.c_str());
  return run.status == "failed" ? 3 : 0;
}

std::pair<std::string, std::vector<std::string>> subcommand(const std::vector<std::string>& args,
                                                            const char* usage) {
  if (args.empty()) throw InvalidInput("missing-subcommand", usage, "SUBCOMMAND");
  return {args[0], std::vector<std::string>(args.begin() + 1, args.end())};
}

}  // namespace

int run_record(CommandLine& cl) {
  auto [sub, rest] = subcommand(cl.args, "record takes list, show, publish or retire");
  return record_command(cl.config, sub, rest);
}

int run_harvest(CommandLine& cl) {
  auto [sub, rest] = subcommand(cl.args, "harvest takes add, list, run or remove");
  return harvest_command(cl.config, sub, rest);
}

}  // namespace shikong::app
