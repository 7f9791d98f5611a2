// Fuzz target: datum::parse_crs on the short forms shikong parses itself (codes, URNs,
// opengis.net URIs). WKT and PROJJSON text goes straight to PROJ, which is fuzzed upstream, so
// those inputs are skipped here (the same test as crs.cpp's dispatch).
#include <cctype>
#include <cstdint>

#include "core/error.hpp"
#include "datum/crs.hpp"
#include "fuzz_support.hpp"

using namespace shikong;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool goes_to_proj_as_text(std::string_view t) {
  if (!t.empty() && t.front() == '{') return true;
  std::size_t i = 0;
  while (i < t.size() && (std::isalnum(static_cast<unsigned char>(t[i])) || t[i] == '_')) ++i;
  return i > 0 && i < t.size() && (t[i] == '[' || t[i] == '(');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  if (goes_to_proj_as_text(trim(text))) return 0;
  try {
    datum::Crs crs = datum::parse_crs(text, "crs");
    fuzz::check(!crs.id.empty(), "parse_crs accepted a CRS without an id");
    std::string uri = crs.uri();
    if (!uri.empty()) {
      datum::Crs again = datum::parse_crs(uri, "crs");
      fuzz::check(again.id == crs.id, "a CRS's URI parses to another CRS");
    }
  } catch (const InvalidInput& e) {
    fuzz::check(e.code() == "unknown-crs" && e.parameter() == "crs",
                "parse_crs threw something other than unknown-crs for crs");
  }
  return 0;
}
