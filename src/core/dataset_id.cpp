#include "core/dataset_id.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace shikong {

namespace {
// Names the OGC API uses for collections that are not datasets.
bool is_reserved(std::string_view id) {
  return id == "catalog";
}
}  // namespace

bool is_valid_dataset_id(std::string_view id) {
  if (id.empty() || id.size() > 64 || is_reserved(id)) return false;
  auto ok_first = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!ok_first(id[0])) return false;
  for (char c : id)
    if (!ok_first(c) && c != '_' && c != '-') return false;
  return true;
}

void require_dataset_id(std::string_view id, std::string_view parameter) {
  if (is_reserved(id))
    throw InvalidInput("invalid-dataset-id",
                       fmt::format("'{}' is reserved (the catalog's collection)", id),
                       std::string(parameter));
  if (!is_valid_dataset_id(id))
    throw InvalidInput("invalid-dataset-id",
                       "a dataset id is 1 to 64 characters of a-z, 0-9, '_' and '-', starting "
                       "with a letter or digit",
                       std::string(parameter));
}

std::string slugify(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (keep)
      out += c;
    else if (!out.empty() && out.back() != '-')
      out += '-';
    if (out.size() >= 48) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.empty()) out = "dataset";
  if (is_reserved(out)) out += "-data";
  return out;
}

}  // namespace shikong
