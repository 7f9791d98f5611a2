// shikong: one binary with subcommands (serve, import, export, datasets, info, user, key, tiles,
// style, record, harvest). Common options --data and --config are read here; each subcommand parses
// its own.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "app/cli/commands.hpp"
#include "app/platform.hpp"
#include "core/error.hpp"

namespace {

constexpr const char* usage =
    "usage: shikong <command> [--data DIR] [--config FILE] [options]\n"
    "\n"
    "commands:\n"
    "  serve [--listen HOST:PORT]        start the server (default 127.0.0.1:8080)\n"
    "  import PATH... [options]          import files as one dataset\n"
    "      --dataset ID --title TEXT --crs CRS --time-field F --time-start F --time-end F\n"
    "      --lon F --lat F --geometry-field F --encoding ENC --format FMT\n"
    "      --on-error reject|skip --repair-geometry --vertical-datum EPSG:5737\n"
    "      --access public|registered|restricted|private --owner NAME\n"
    "      --draft                       keep the record a draft (default: published at once)\n"
    "  export ID [--format geojson|csv|gpkg|shapefile] [--crs CRS] [-o FILE]\n"
    "  datasets                          list datasets\n"
    "  info ID                           describe a dataset\n"
    "  user add NAME [--admin|--role R] [--password-stdin|--password P]\n"
    "      [--display-name T] [--email E] [--group G]...   create an account\n"
    "  user list                         list accounts\n"
    "  user passwd NAME [--password-stdin|--password P]    reset a password (ends sessions)\n"
    "  user delete NAME                  delete an account with its keys and sessions\n"
    "  key add --user NAME [--name N] [--referer P]... [--ip CIDR]... [--quota SERVICE=N]...\n"
    "      [--expires TIME] [--disabled]  create an API key; prints the key (shown only once)\n"
    "  key list [--user NAME]            list API keys (never their secrets)\n"
    "  tiles seed ID [--tms WebMercatorQuad|CGCS2000Quad] [--from Z] [--to Z]\n"
    "      [--format pbf|png|jpeg|webp] [--style NAME]  pre-build tiles into the tile cache\n"
    "  style list ID                     list a dataset's styles\n"
    "  style put ID NAME FILE.json       store a style (validated; - reads stdin)\n"
    "  style delete ID NAME              delete a style (default: back to the generated one)\n"
    "  record list [--state S]           list metadata records\n"
    "  record show|publish|retire ID [--comment TEXT]\n"
    "                                    show a record and its history, publish or retire it\n"
    "  harvest add ID KIND URL [--every MIN] [--allow-private] [--title T]\n"
    "                                    register a harvest source (wms, wmts, wfs, csw, records,\n"
    "                                    shikong)\n"
    "  harvest list | run ID | remove ID harvest sources: list, harvest now, remove\n"
    "\n"
    "common options:\n"
    "  --data DIR      data directory (default ./var; SHIKONG_DATA)\n"
    "  --config FILE   TOML configuration (settings: see docs/CONFIGURATION.md)\n"
    "  --set KEY=VALUE any setting, e.g. --set server.max_upload_bytes=1048576\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace shikong;
  if (argc < 2 || std::strcmp(argv[1], "-h") == 0 || std::strcmp(argv[1], "--help") == 0) {
    std::fputs(usage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  std::string command = argv[1];
  app::CommandLine cl;
  try {
    // Config file first, so that environment and flags override it.
    std::string config_file, data_dir;
    std::vector<std::string> sets;
    for (int i = 2; i < argc; ++i) {
      std::string a = argv[i];
      auto take = [&](std::string& out) {
        if (i + 1 >= argc) throw InvalidInput("missing-value", a + " needs a value", a);
        out = argv[++i];
      };
      if (a == "--config")
        take(config_file);
      else if (a == "--data")
        take(data_dir);
      else if (a == "--set") {
        std::string s;
        take(s);
        sets.push_back(s);
      } else
        cl.args.push_back(a);
    }
    if (!config_file.empty()) app::apply_toml_file(cl.config, config_file);
    app::apply_environment(cl.config);
    if (!data_dir.empty()) cl.config.data_dir = data_dir;
    for (const auto& s : sets) {
      auto eq = s.find('=');
      if (eq == std::string::npos)
        throw InvalidInput("invalid-setting", "--set takes KEY=VALUE", "--set");
      app::apply_setting(cl.config, s.substr(0, eq), s.substr(eq + 1));
    }
    app::install_logging(cl.config);
    app::apply_platform_datum(cl.config);

    if (command == "serve") return app::run_serve(cl);
    if (command == "import") return app::run_import(cl);
    if (command == "export") return app::run_export(cl);
    if (command == "datasets") return app::run_datasets(cl);
    if (command == "info") return app::run_info(cl);
    if (command == "user") return app::run_user(cl);
    if (command == "key") return app::run_key(cl);
    if (command == "tiles") return app::run_tiles(cl);
    if (command == "style") return app::run_style(cl);
    if (command == "record") return app::run_record(cl);
    if (command == "harvest") return app::run_harvest(cl);
    if (command == "record") return app::run_record(cl);
    if (command == "harvest") return app::run_harvest(cl);
    std::fprintf(stderr, "shikong: unknown command '%s'\n\n%s", command.c_str(), usage);
    return 2;
  } catch (const Error& e) {
    std::fprintf(stderr, "shikong %s: %s%s%s\n", command.c_str(), e.what(),
                 e.parameter().empty() ? "" : " (",
                 e.parameter().empty() ? "" : (e.parameter() + ")").c_str());
    return e.kind() == ErrorKind::internal ? 1 : 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "shikong %s: unexpected failure: %s\n", command.c_str(), e.what());
    return 1;
  }
}
