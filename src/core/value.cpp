// Field type names and civil-date arithmetic (Howard Hinnant's days_from_civil algorithm).
#include "core/value.hpp"

#include <fmt/format.h>

namespace shikong {

std::string_view to_string(FieldType t) {
  switch (t) {
    case FieldType::integer:
      return "integer";
    case FieldType::real:
      return "real";
    case FieldType::boolean:
      return "boolean";
    case FieldType::text:
      return "text";
    case FieldType::date:
      return "date";
    case FieldType::datetime:
      return "datetime";
  }
  return "text";
}

std::optional<FieldType> field_type_from_string(std::string_view s) {
  for (auto t : {FieldType::integer, FieldType::real, FieldType::boolean, FieldType::text,
                 FieldType::date, FieldType::datetime})
    if (to_string(t) == s) return t;
  return std::nullopt;
}

Date date_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return Date{era * 146097 + static_cast<int>(doe) - 719468};
}

void civil_from_date(Date date, int& year, unsigned& month, unsigned& day) {
  int z = date.days + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = y + (month <= 2);
}

std::string format_date(Date d) {
  int y;
  unsigned m, day;
  civil_from_date(d, y, m, day);
  return fmt::format("{:04d}-{:02d}-{:02d}", y, m, day);
}

}  // namespace shikong
