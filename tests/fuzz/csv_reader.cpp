// Fuzz target: the CSV/TSV reader of src/ingest (uploads): delimiter and encoding detection,
// quoting, type inference, point and WKT/GeoJSON geometry columns. Reads every record through
// ingest::open_reader on a scratch file; only InvalidInput may stop it.
#include <cstdint>
#include <variant>

#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "ingest/reader.hpp"

using namespace shikong;

namespace {

bool fits(const Value& v, FieldType t) {
  if (std::holds_alternative<std::monostate>(v)) return true;
  switch (t) {
    case FieldType::integer:
      return std::holds_alternative<std::int64_t>(v);
    case FieldType::real:
      return std::holds_alternative<double>(v);
    case FieldType::boolean:
      return std::holds_alternative<bool>(v);
    case FieldType::text:
      return std::holds_alternative<std::string>(v);
    case FieldType::date:
      return std::holds_alternative<Date>(v);
    case FieldType::datetime:
      return std::holds_alternative<Instant>(v);
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto file = fuzz::write_scratch_file("upload.csv", data, size);
  ingest::ImportOptions options;
  options.format = "csv";
  options.source_name = "upload.csv";
  try {
    auto reader = ingest::open_reader(file, options);
    const Schema& schema = reader->schema();
    ingest::RawRecord rec;
    while (reader->next(rec)) {
      fuzz::check(rec.values.size() == schema.size(), "record values do not match the schema");
      if (rec.error.empty())
        for (std::size_t i = 0; i < schema.size(); ++i)
          fuzz::check(fits(rec.values[i], schema.fields[i].type),
                      "a value does not have its column's type");
    }
  } catch (const InvalidInput&) {
  }
  return 0;
}
