// `shikong datasets` and `shikong info ID`: what the store holds, for people at a terminal.
#include <cstdio>

#include "app/cli/args.hpp"
#include "app/cli/commands.hpp"
#include "app/platform.hpp"
#include "core/dataset_id.hpp"
#include "core/error.hpp"
#include "datum/time.hpp"

namespace shikong::app {
namespace {

std::string time_text(const std::optional<Instant>& t) {
  return t ? datum::format_rfc3339(*t) : "..";
}

}  // namespace

int run_datasets(CommandLine& cl) {
  Args args(cl.args, {}, {});
  auto store = open_store(cl.config);
  auto list = store->list_datasets();
  std::printf("%-32s %-14s %10s %8s  %s\n", "ID", "GEOMETRY", "FEATURES", "VERSION", "TITLE");
  for (const auto& ds : list)
    std::printf("%-32s %-14s %10lld %8lld  %s\n", ds.id.c_str(),
                std::string(geo::to_string(ds.geometry_type)).c_str(),
                static_cast<long long>(ds.feature_count), static_cast<long long>(ds.version),
                ds.title.c_str());
  return 0;
}

int run_info(CommandLine& cl) {
  Args args(cl.args, {}, {});
  if (args.positionals().size() != 1)
    throw InvalidInput("missing-dataset", "info takes one dataset id", "ID");
  const std::string& id = args.positionals()[0];
  require_dataset_id(id, "ID");
  auto store = open_store(cl.config);
  auto ds = store->find_dataset(id);
  if (!ds) throw NotFound("unknown-dataset", "there is no dataset '" + id + "'", "ID");
  std::printf("id:             %s\n", ds->id.c_str());
  std::printf("title:          %s\n", ds->title.c_str());
  if (!ds->description.empty()) std::printf("description:    %s\n", ds->description.c_str());
  std::printf("kind:           %s\n", std::string(storage::to_string(ds->kind)).c_str());
  std::printf("geometry:       %s\n", std::string(geo::to_string(ds->geometry_type)).c_str());
  std::printf("features:       %lld\n", static_cast<long long>(ds->feature_count));
  std::printf("version:        %lld\n", static_cast<long long>(ds->version));
  std::printf("crs:            %s (source %s)\n", ds->crs.c_str(),
              ds->source_crs.empty() ? "unknown" : ds->source_crs.substr(0, 60).c_str());
  if (!ds->extent.empty())
    std::printf("extent:         %.7f %.7f %.7f %.7f\n", ds->extent.min_x, ds->extent.min_y,
                ds->extent.max_x, ds->extent.max_y);
  if (!ds->time_extent.unbounded())
    std::printf("time:           %s / %s (field %s%s%s)\n",
                time_text(ds->time_extent.start).c_str(), time_text(ds->time_extent.end).c_str(),
                ds->time_start_field.c_str(), ds->time_end_field.empty() ? "" : ", ",
                ds->time_end_field.c_str());
  if (!ds->vertical_datum.empty()) std::printf("vertical datum: %s\n", ds->vertical_datum.c_str());
  std::printf("source:         %s (%s)\n", ds->source_name.c_str(), ds->source_format.c_str());
  std::printf("access:         %s\n", ds->access.c_str());
  std::printf("fields:\n");
  for (const auto& f : ds->schema.fields)
    std::printf("  %-28s %s\n", f.name.c_str(), std::string(to_string(f.type)).c_str());
  return 0;
}

}  // namespace shikong::app
