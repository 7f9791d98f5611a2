// `shikong tiles seed DATASET ...`: pre-builds a dataset's tiles for a range of levels into the
// disk tile cache that `serve` reads (<data>/cache/tiles), with a progress bar.
#include <cstdio>
#include <string>

#include "app/cli/args.hpp"
#include "app/cli/commands.hpp"
#include "app/platform.hpp"
#include "app/progress.hpp"
#include "core/dataset_id.hpp"
#include "core/error.hpp"
#include "maps/map_service.hpp"

namespace shikong::app {
namespace {

// Levels seeded when --to is not given: from the first level, this many more.
constexpr int default_levels = 8;

int level_flag(const Args& args, const std::string& flag, int fallback) {
  std::string text = args.get(flag);
  if (text.empty()) return fallback;
  try {
    std::size_t used = 0;
    int v = std::stoi(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  throw InvalidInput("invalid-level", flag + " takes a level number", flag);
}

int tiles_seed(const Config& config, const std::vector<std::string>& rest) {
  Args args(rest, {"--tms", "--from", "--to", "--format", "--style"}, {});
  if (args.positionals().size() != 1)
    throw InvalidInput("missing-dataset", "tiles seed takes one dataset id", "DATASET");
  const std::string& id = args.positionals()[0];
  require_dataset_id(id, "DATASET");
  if (!config.cache_disk)
    throw InvalidInput("cache-disabled",
                       "tiles seed fills the disk tile cache, which cache.disk turns off",
                       "cache.disk");

  const auto* set = tiles::find_tile_matrix_set(args.get("--tms", "WebMercatorQuad"));
  if (!set)
    throw InvalidInput("unknown-tile-matrix-set", "--tms takes WebMercatorQuad or CGCS2000Quad",
                       "--tms");
  const int first = set->matrices.front().level, last = set->matrices.back().level;
  maps::SeedRequest request;
  request.set = set;
  request.min_level = level_flag(args, "--from", first);
  request.max_level = level_flag(args, "--to", std::min(last, request.min_level + default_levels));
  request.style = args.get("--style");
  // A style is drawn: PNG unless another image format is asked for.
  request.format = args.get("--format", request.style.empty() ? "pbf" : "png");
  if (request.format != "pbf") {
    auto image = render::image_format_from_string(request.format);
    if (!image)
      throw InvalidInput("invalid-format", "--format takes pbf, png, jpeg or webp", "--format");
    request.format = std::string(render::file_extension(*image));
  }

  auto store = open_store(config);
  auto ds = store->find_dataset(id);
  if (!ds) throw NotFound("unknown-dataset", "there is no dataset '" + id + "'", "DATASET");
  request.dataset = *ds;

  auto cache_settings = tile_cache_settings(config);
  cache_settings.memory_bytes = 0;  // every tile goes to disk once; nothing is read back
  auto cache = std::make_shared<tiles::TileCache>(cache_settings);
  maps::MapService maps(*store, map_settings(config), cache);

  ProgressPrinter progress("seed " + id + " (tiles)");
  std::int64_t done = 0;
  auto report = maps.seed(request, [&](std::int64_t n, std::int64_t total) {
    done = n;
    progress.update(n, static_cast<std::uint64_t>(n), static_cast<std::uint64_t>(total));
  });
  progress.finish(done);
  std::printf(
      "seeded %s version %lld: %lld tiles of %s levels %d-%d (%s%s%s): %lld built, %lld already "
      "cached, %lld empty\ncache: %s\n",
      ds->id.c_str(), static_cast<long long>(ds->version), static_cast<long long>(report.tiles),
      set->id.c_str(), request.min_level, request.max_level, request.format.c_str(),
      request.style.empty() ? "" : ", style ", request.style.c_str(),
      static_cast<long long>(report.built), static_cast<long long>(report.cached),
      static_cast<long long>(report.empty), cache_settings.directory.string().c_str());
  return 0;
}

}  // namespace

int run_tiles(CommandLine& cl) {
  const auto& a = cl.args;
  const std::string action = a.empty() ? "" : a[0];
  if (action == "seed")
    return tiles_seed(cl.config, std::vector<std::string>(a.begin() + 1, a.end()));
  throw InvalidInput("unknown-action", "tiles takes seed", "tiles");
}

}  // namespace shikong::app
