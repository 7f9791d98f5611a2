// Vertical datum tags, validated against PROJ's registry (proj.db).
#include "datum/vertical.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>

#include "core/error.hpp"
#include "datum/proj_context.hpp"

namespace shikong::datum {
namespace {

// "EPSG:5737", "epsg:5737", "5737", "urn:ogc:def:crs:EPSG::5737" or the opengis.net URI -> 5737.
int vertical_code(std::string_view t) {
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.remove_suffix(1);
  std::string l(t);
  for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view v = l;
  for (std::string_view prefix :
       {"epsg:", "urn:ogc:def:crs:epsg::", "http://www.opengis.net/def/crs/epsg/0/",
        "https://www.opengis.net/def/crs/epsg/0/"}) {
    if (v.starts_with(prefix)) {
      v.remove_prefix(prefix.size());
      break;
    }
  }
  if (v.empty() || v.size() > 9) return 0;
  int code = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), code);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size() || code <= 0) return 0;
  return code;
}

// The vertical CRS for a code, or null when the code is not a vertical CRS in proj.db.
detail::PjPtr vertical_crs(int code) {
  if (code <= 0) return nullptr;
  PJ_CONTEXT* ctx = detail::proj_ctx();
  std::string c = std::to_string(code);
  detail::PjPtr p(proj_create_from_database(ctx, "EPSG", c.c_str(), PJ_CATEGORY_CRS, 0, nullptr));
  if (!p || proj_get_type(p.get()) != PJ_TYPE_VERTICAL_CRS) return nullptr;
  return p;
}

[[noreturn]] void unknown(std::string_view text) {
  throw InvalidInput(
      "unknown-vertical-datum",
      fmt::format("\"{}\" is not a vertical coordinate reference system code.", text.substr(0, 60)),
      "vertical_datum");
}

}  // namespace

std::string parse_vertical_datum(std::string_view text) {
  int code = vertical_code(text);
  if (!vertical_crs(code)) unknown(text);
  return fmt::format("EPSG:{}", code);
}

std::string vertical_datum_name(std::string_view code) {
  auto p = vertical_crs(vertical_code(code));
  if (!p) unknown(code);
  const char* name = proj_get_name(p.get());
  return name ? name : "";
}

}  // namespace shikong::datum
