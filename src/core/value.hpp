// Typed attribute values and field types shared by readers, stores and writers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/instant.hpp"

namespace shikong {

enum class FieldType { integer, real, boolean, text, date, datetime };

std::string_view to_string(FieldType t);
std::optional<FieldType> field_type_from_string(std::string_view s);

// A date is kept as days since 1970-01-01 (no zone); a datetime is an Instant (UTC).
struct Date {
  std::int32_t days = 0;
  auto operator<=>(const Date&) const = default;
};

using Value = std::variant<std::monostate, bool, std::int64_t, double, std::string, Date, Instant>;

inline bool is_null(const Value& v) {
  return std::holds_alternative<std::monostate>(v);
}

// Civil date <-> days since epoch (proleptic Gregorian).
Date date_from_civil(int year, unsigned month, unsigned day);
void civil_from_date(Date d, int& year, unsigned& month, unsigned& day);
std::string format_date(Date d);  // YYYY-MM-DD

}  // namespace shikong
