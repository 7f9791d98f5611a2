// Fuzz target: the streaming GeoJSON reader of src/ingest (uploads): FeatureCollection, NDJSON,
// RFC 8142 sequences, single features and bare geometries. Reads every record through
// ingest::open_reader on a scratch file; only InvalidInput may stop it.
#include <cstdint>

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "ingest/reader.hpp"

using namespace shikong;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto file = fuzz::write_scratch_file("upload.geojson", data, size);
  ingest::ImportOptions options;
  options.format = "geojson";
  options.source_name = "upload.geojson";
  try {
    auto reader = ingest::open_reader(file, options);
    const Schema& schema = reader->schema();
    ingest::RawRecord rec;
    while (reader->next(rec))
      fuzz::check(rec.values.size() == schema.size(), "record values do not match the schema");
  } catch (const InvalidInput&) {
  }
  return 0;
}
