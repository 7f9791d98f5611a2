// Fuzz target: metadata record bodies as clients send them (RecordPatch) and stored record
// documents. Both readers throw only InvalidInput("invalid-record") naming a JSON pointer; a
// patch they accept, applied to a record, survives to_json and record_from_json unchanged.
#include <cstdint>
#include <string>

#include "catalog/record.hpp"
#include "core/error.hpp"
#include "fuzz_support.hpp"

using namespace shikong;

namespace {

void check_error(const InvalidInput& e) {
  fuzz::check(e.code() == "invalid-record", "a record error with another code");
  fuzz::check(!e.parameter().empty() && e.parameter().front() == '/',
              "a record error whose parameter is not a JSON pointer");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  try {
    (void)catalog::record_from_json(text);
  } catch (const InvalidInput& e) {
    check_error(e);
  }
  catalog::RecordPatch p;
  std::string id;
  try {
    p = catalog::parse_record_patch(text, &id);
  } catch (const InvalidInput& e) {
    check_error(e);
    return 0;
  }
  catalog::Record r;
  r.id = id;
  if (p.type) r.type = *p.type;
  if (p.title) r.title = *p.title;
  if (p.abstract) r.abstract = *p.abstract;
  if (p.topic) r.topic = *p.topic;
  if (p.publisher) r.publisher = *p.publisher;
  if (p.licence) r.licence = *p.licence;
  if (p.lineage) r.lineage = *p.lineage;
  if (p.update_frequency) r.update_frequency = *p.update_frequency;
  if (p.language) r.language = *p.language;
  if (p.access) r.access = *p.access;
  if (p.keywords) r.keywords = *p.keywords;
  if (p.contact) r.contact = *p.contact;
  if (p.links) r.links = *p.links;
  if (p.extent && !p.extent->empty()) r.extent = *p.extent;
  if (p.time_extent && !p.time_extent->unbounded()) r.time_extent = *p.time_extent;
  const std::string json = catalog::to_json(r);
  catalog::Record again;
  try {
    again = catalog::record_from_json(json);
  } catch (const InvalidInput&) {
    fuzz::fail("to_json wrote a record record_from_json refuses");
  }
  fuzz::check(catalog::to_json(again) == json, "a record changed through to_json and back");
  return 0;
}
