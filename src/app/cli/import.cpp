// `shikong import`: one dataset from one or more files, with a progress bar and a report of
// every rejected row.
#include <cstdio>
#include <filesystem>

#include "app/cli/args.hpp"
#include "app/cli/commands.hpp"
#include "app/platform.hpp"
#include "app/progress.hpp"
#include "catalog/catalog_service.hpp"
#include "core/error.hpp"
#include "datum/crs.hpp"
#include "ingest/import.hpp"

namespace shikong::app {

int run_import(CommandLine& cl) {
  Args args(cl.args,
            {"--dataset", "--id", "--title", "--description", "--crs", "--time-field",
             "--time-start", "--time-end", "--lon", "--lat", "--geometry-field", "--encoding",
             "--format", "--on-error", "--access", "--owner", "--vertical-datum"},
            {"--repair-geometry", "--no-time-detection", "--report-json", "--draft"});
  if (args.positionals().empty())
    throw InvalidInput("missing-input", "import needs at least one file", "PATH");

  ingest::ImportOptions opt;
  opt.dataset_id = args.get("--dataset", args.get("--id"));
  opt.title = args.get("--title");
  opt.description = args.get("--description");
  opt.crs = args.get("--crs");
  if (!opt.crs.empty()) datum::parse_crs(opt.crs, "--crs");  // fail before reading anything
  opt.time_field = args.get("--time-field");
  opt.time_start_field = args.get("--time-start");
  opt.time_end_field = args.get("--time-end");
  opt.lon_field = args.get("--lon");
  opt.lat_field = args.get("--lat");
  opt.geometry_field = args.get("--geometry-field");
  opt.encoding = args.get("--encoding");
  opt.format = args.get("--format");
  opt.access = args.get("--access", "public");
  opt.owner = args.get("--owner");
  opt.vertical_datum = args.get("--vertical-datum");
  opt.repair_geometry = args.has("--repair-geometry");
  opt.detect_time = !args.has("--no-time-detection");
  std::string on_error = args.get("--on-error", "reject");
  if (on_error == "skip")
    opt.on_error = ingest::OnError::skip;
  else if (on_error != "reject")
    throw InvalidInput("invalid-on-error", "--on-error takes reject or skip", "--on-error");

  std::vector<std::filesystem::path> inputs;
  for (const auto& p : args.positionals()) {
    if (!std::filesystem::is_regular_file(p))
      throw InvalidInput("missing-input", "no such file: " + p, "PATH");
    inputs.emplace_back(p);
  }

  auto store = open_store(cl.config);
  ProgressPrinter progress("import " + inputs.front().filename().string());
  auto report = ingest::import_files(*store, inputs, opt, [&](const ingest::Progress& p) {
    progress.update(p.rows, p.bytes_done, p.bytes_total);
  });
  progress.finish(report.rows_read);

  if (args.has("--report-json")) std::printf("%s\n", report.to_json().c_str());
  for (const auto& r : report.rejected)
    std::fprintf(stderr, "%s: feature %lld%s%s%s: %s\n", r.file.c_str(),
                 static_cast<long long>(r.feature),
                 r.line ? (", line " + std::to_string(r.line)).c_str() : "",
                 r.column.empty() ? "" : ", column ", r.column.c_str(), r.reason.c_str());
  if (report.rows_rejected > static_cast<std::int64_t>(report.rejected.size()))
    std::fprintf(stderr, "... and %lld more rejected rows\n",
                 static_cast<long long>(report.rows_rejected -
                                        static_cast<std::int64_t>(report.rejected.size())));
  for (const auto& w : report.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  if (!report.committed) {
    std::fprintf(stderr,
                 "import rejected: nothing was changed (%lld bad rows; use --on-error skip to "
                 "import the rest)\n",
                 static_cast<long long>(report.rows_rejected));
    return 3;
  }
  const auto& ds = *report.dataset;
  // An operator's import is published at once unless --draft; a re-import keeps the record's
  // state (only its data-derived fields are refreshed).
  auto records = open_record_store(cl.config);
  catalog::CatalogService catalog(*store, *records, system_now);
  const auto initial =
      args.has("--draft") ? catalog::RecordState::draft : catalog::RecordState::published;
  auto record = catalog.dataset_changed(ds.id, initial, "cli");
  std::fprintf(
      stderr,
      "imported %s: %lld features (%lld skipped, %lld invalid geometries), version %lld, record "
      "%s\n",
      ds.id.c_str(), static_cast<long long>(ds.feature_count),
      static_cast<long long>(report.rows_rejected),
      static_cast<long long>(report.invalid_geometries), static_cast<long long>(ds.version),
      std::string(catalog::to_string(record.state)).c_str());
  return 0;
}

}  // namespace shikong::app
