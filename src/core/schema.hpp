// A dataset's attribute schema: ordered, typed fields with unique names.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.hpp"

namespace shikong {

struct Field {
  std::string name;
  FieldType type = FieldType::text;
  bool operator==(const Field&) const = default;
};

struct Schema {
  std::vector<Field> fields;

  std::optional<std::size_t> find(std::string_view name) const {
    for (std::size_t i = 0; i < fields.size(); ++i)
      if (fields[i].name == name) return i;
    return std::nullopt;
  }
  std::size_t size() const { return fields.size(); }
  bool operator==(const Schema&) const = default;
};

}  // namespace shikong
