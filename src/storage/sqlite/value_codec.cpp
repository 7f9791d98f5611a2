// DATE/DATETIME text and schema JSON for the embedded store.
#include "storage/sqlite/value_codec.hpp"

#include <fmt/format.h>

#include <simdjson.h>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/utf8.hpp"

namespace shikong::storage::sqlite {

namespace {
constexpr std::int64_t kMicrosPerDay = 86'400'000'000LL;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Reads exactly `n` digits at `pos`; returns -1 when they are not all digits.
int digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}
}  // namespace

std::string format_datetime(Instant t) {
  std::int64_t days = floor_div(t.micros, kMicrosPerDay);
  std::int64_t rest = t.micros - days * kMicrosPerDay;
  int y;
  unsigned mo, d;
  civil_from_date(Date{static_cast<std::int32_t>(days)}, y, mo, d);
  auto secs = rest / 1'000'000;
  auto frac = rest % 1'000'000;
  auto h = secs / 3600, mi = secs / 60 % 60, s = secs % 60;
  if (frac % 1000 == 0)
    return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z", y, mo, d, h, mi, s,
                       frac / 1000);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:06d}Z", y, mo, d, h, mi, s, frac);
}

std::optional<Date> parse_date(std::string_view s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = digits(s, 0, 4), m = digits(s, 5, 2), d = digits(s, 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  if (s.size() != 10) return std::nullopt;
  return date_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::optional<Instant> parse_datetime(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z, also accepting a space for 'T' as some writers use.
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') ||
      s[13] != ':' || s[16] != ':')
    return std::nullopt;
  int y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
  int h = digits(s, 11, 2), mi = digits(s, 14, 2), sec = digits(s, 17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
      sec < 0 || sec > 60)
    return std::nullopt;
  std::size_t pos = 19;
  std::int64_t micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::int64_t scale = 100'000;
    std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      micros += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  if (pos + 1 != s.size() || s[pos] != 'Z') return std::nullopt;
  Date date = date_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return Instant{date.days * kMicrosPerDay + ((h * 60LL + mi) * 60 + sec) * 1'000'000 + micros};
}

namespace {
[[noreturn]] void bad_schema(std::string_view why) {
  log::error("storage: catalog schema JSON unreadable: {}", why);
  throw InternalError("storage-catalog-corrupt", "The catalog holds an unreadable dataset schema.");
}
}  // namespace

std::string schema_to_json(const Schema& schema) {
  std::string out = "[";
  for (std::size_t i = 0; i < schema.fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += "{\"name\":";
    append_json_string(out, schema.fields[i].name);
    out += ",\"type\":";
    append_json_string(out, to_string(schema.fields[i].type));
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

Schema schema_from_json(std::string_view json) {
  Schema schema;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS) bad_schema("parse");
  simdjson::dom::array arr;
  if (doc.get_array().get(arr) != simdjson::SUCCESS) bad_schema("not an array");
  for (simdjson::dom::element e : arr) {
    std::string_view name, type;
    if (e["name"].get_string().get(name) != simdjson::SUCCESS ||
        e["type"].get_string().get(type) != simdjson::SUCCESS)
      bad_schema("field without name or type");
    auto t = field_type_from_string(type);
    if (!t) bad_schema("unknown field type");
    schema.fields.push_back(Field{std::string(name), *t});
  }
  return schema;
}

}  // namespace shikong::storage::sqlite
