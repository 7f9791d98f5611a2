// ImportReport as JSON (stored with the import job and returned by the API).
#include <fmt/format.h>

#include <cmath>

#include "core/utf8.hpp"
#include "datum/time.hpp"
#include "ingest/import.hpp"

namespace shikong::ingest {

namespace {

void json_number(std::string& out, double d) {
  if (std::isfinite(d))
    out += fmt::format("{}", d);
  else
    out += "null";
}

void rows(std::string& out, const std::vector<RejectedRow>& list) {
  out += '[';
  for (std::size_t i = 0; i < list.size(); ++i) {
    const RejectedRow& r = list[i];
    if (i) out += ',';
    out += "{\"file\":";
    append_json_string(out, r.file);
    out += fmt::format(",\"feature\":{},\"line\":{},\"column\":", r.feature, r.line);
    append_json_string(out, r.column);
    out += ",\"reason\":";
    append_json_string(out, r.reason);
    out += '}';
  }
  out += ']';
}

}  // namespace

std::string ImportReport::to_json() const {
  std::string out = "{\"dataset_id\":";
  append_json_string(out, dataset_id);
  out += fmt::format(
      ",\"committed\":{},\"rows_read\":{},\"rows_written\":{},\"rows_rejected\":{},"
      "\"invalid_geometries\":{},\"rejected\":",
      committed, rows_read, rows_written, rows_rejected, invalid_geometries);
  rows(out, rejected);
  out += ",\"invalid\":";
  rows(out, invalid);
  out += ",\"warnings\":[";
  for (std::size_t i = 0; i < warnings.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, warnings[i]);
  }
  out += ']';
  if (dataset) {
    const storage::DatasetInfo& d = *dataset;
    out += ",\"dataset\":{\"id\":";
    append_json_string(out, d.id);
    out += ",\"title\":";
    append_json_string(out, d.title);
    out += fmt::format(",\"version\":{},\"feature_count\":{},\"geometry_type\":", d.version,
                       d.feature_count);
    append_json_string(out, geo::to_string(d.geometry_type));
    out += ",\"extent\":";
    if (d.extent.empty()) {
      out += "null";
    } else {
      out += '[';
      json_number(out, d.extent.min_x);
      out += ',';
      json_number(out, d.extent.min_y);
      out += ',';
      json_number(out, d.extent.max_x);
      out += ',';
      json_number(out, d.extent.max_y);
      out += ']';
    }
    out += ",\"time_extent\":[";
    if (d.time_extent.start)
      append_json_string(out, datum::format_rfc3339_utc(*d.time_extent.start));
    else
      out += "null";
    out += ',';
    if (d.time_extent.end)
      append_json_string(out, datum::format_rfc3339_utc(*d.time_extent.end));
    else
      out += "null";
    out += "]}";
  }
  out += '}';
  return out;
}

}  // namespace shikong::ingest
