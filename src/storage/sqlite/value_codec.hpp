// How values are spelled inside the embedded store: GeoPackage DATE/DATETIME text, and the
// JSON form of a schema in the catalog.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/instant.hpp"
#include "core/schema.hpp"
#include "core/value.hpp"

namespace shikong::storage::sqlite {

// 'YYYY-MM-DDTHH:MM:SS.sssZ' (GeoPackage's DATETIME form); six fractional digits when the
// instant is not a whole millisecond, so that no precision is lost.
std::string format_datetime(Instant t);
std::optional<Instant> parse_datetime(std::string_view text);
std::optional<Date> parse_date(std::string_view text);  // 'YYYY-MM-DD'

std::string schema_to_json(const Schema& schema);
// Throws InternalError when the catalog holds something that is not a schema written by us.
Schema schema_from_json(std::string_view json);

}  // namespace shikong::storage::sqlite
