// `shikong export`: a dataset as GeoJSON, CSV, GeoPackage or zipped Shapefile in any CRS.
#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "app/cli/args.hpp"
#include "app/cli/commands.hpp"
#include "app/platform.hpp"
#include "core/dataset_id.hpp"
#include "core/error.hpp"
#include "datum/crs.hpp"
#include "ingest/export.hpp"

namespace shikong::app {

int run_export(CommandLine& cl) {
  Args args(cl.args, {"--format", "--crs", "-o", "--output"}, {});
  if (args.positionals().size() != 1)
    throw InvalidInput("missing-dataset", "export takes one dataset id", "ID");
  const std::string& id = args.positionals()[0];
  require_dataset_id(id, "ID");
  auto format = ingest::parse_export_format(args.get("--format", "geojson"));
  auto crs = args.has("--crs") ? datum::parse_crs(args.get("--crs"), "--crs") : datum::crs84();
  std::string output = args.get("-o", args.get("--output"));

  auto store = open_store(cl.config);
  auto ds = store->find_dataset(id);
  if (!ds) throw NotFound("unknown-dataset", "there is no dataset '" + id + "'", "ID");

  if (format == ingest::ExportFormat::geojson || format == ingest::ExportFormat::csv) {
    std::FILE* out = stdout;
    std::filesystem::path tmp;
    if (!output.empty()) {
      tmp = output + ".part";
      out = std::fopen(tmp.c_str(), "wb");
      if (!out) throw InvalidInput("cannot-write", "cannot write " + output, "-o");
    }
    ingest::export_text(*store, *ds, format, crs, [&](std::string_view bytes) {
      if (std::fwrite(bytes.data(), 1, bytes.size(), out) != bytes.size())
        throw InternalError("write-failed", "writing the export failed");
    });
    if (!output.empty()) {
      if (std::fflush(out) != 0 || fsync(fileno(out)) != 0 || std::fclose(out) != 0)
        throw InternalError("write-failed", "writing the export failed");
      std::filesystem::rename(tmp, output);
    }
    return 0;
  }
  if (output.empty()) output = id + std::string(ingest::file_extension(format));
  auto work = std::filesystem::path(cl.config.data_dir) / "tmp";
  std::filesystem::create_directories(work);
  auto file = ingest::export_file(*store, *ds, format, crs, work);
  std::filesystem::copy_file(file, output, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::remove(file);
  std::fprintf(stderr, "wrote %s\n", output.c_str());
  return 0;
}

}  // namespace shikong::app
