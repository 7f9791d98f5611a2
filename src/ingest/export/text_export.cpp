// GeoJSON (RFC 7946) and CSV (RFC 4180) exports, streamed from a store cursor into a sink in
// 64 KiB pieces: memory stays flat whatever the dataset's size.
#include <charconv>
#include <cmath>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/utf8.hpp"
#include "datum/crs.hpp"
#include "datum/time.hpp"
#include "geo/geojson.hpp"
#include "geo/wkb.hpp"
#include "geo/wkt.hpp"
#include "ingest/export.hpp"

namespace shikong::ingest {

namespace {

constexpr std::size_t kFlushBytes = 64 * 1024;

void append_double(std::string& out, double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// The text of a value as CSV and JSON strings show it (dates ISO 8601, instants RFC 3339 in
// the platform zone); false for null.
bool value_text(const Value& v, std::string& out) {
  return std::visit(
      [&](const auto& x) -> bool {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return false;
        } else if constexpr (std::is_same_v<T, bool>) {
          out += x ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          append_int(out, x);
        } else if constexpr (std::is_same_v<T, double>) {
          if (!std::isfinite(x)) return false;
          append_double(out, x);
        } else if constexpr (std::is_same_v<T, std::string>) {
          out += x;
        } else if constexpr (std::is_same_v<T, Date>) {
          out += format_date(x);
        } else {
          out += datum::format_rfc3339(x);
        }
        return true;
      },
      v);
}

void append_json_value(std::string& out, const Value& v, std::string& scratch) {
  if (std::holds_alternative<std::int64_t>(v) || std::holds_alternative<double>(v) ||
      std::holds_alternative<bool>(v)) {
    if (!value_text(v, out)) out += "null";
    return;
  }
  scratch.clear();
  if (!value_text(v, scratch)) {
    out += "null";
    return;
  }
  append_json_string(out, scratch);
}

// RFC 4180: quote a field holding a comma, quote, CR or LF (or starting/ending with a space,
// which some readers trim), doubling the quotes inside.
void append_csv_field(std::string& out, std::string_view s) {
  bool quote = s.find_first_of(",\"\r\n") != std::string_view::npos ||
               (!s.empty() && (s.front() == ' ' || s.back() == ' '));
  if (!quote) {
    out += s;
    return;
  }
  out.push_back('"');
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

// The valid time, added as a column when the dataset's time field is not among its properties.
struct TimeColumns {
  std::string start_name;
  std::string end_name;
};

TimeColumns extra_time_columns(const storage::DatasetInfo& ds) {
  TimeColumns t;
  if (!ds.time_start_field.empty() && !ds.schema.find(ds.time_start_field))
    t.start_name = ds.time_start_field;
  if (!ds.time_end_field.empty() && ds.time_end_field != ds.time_start_field &&
      !ds.schema.find(ds.time_end_field))
    t.end_name = ds.time_end_field;
  return t;
}

// Reads features and turns stored WKB into geometries in the output CRS. A feature whose
// geometry has no image in that CRS is written without geometry (and logged), so that one point
// outside a projection's domain does not cut the stream short.
class GeometrySource {
 public:
  GeometrySource(const storage::DatasetInfo& ds, const datum::Crs& crs)
      : ds_id_(ds.id), tr_(datum::transformer(datum::parse_crs(ds.crs, "crs"), crs)) {}
  ~GeometrySource() {
    if (dropped_ > 0)
      log::warn("export of {}: {} geometries could not be transformed and were left out", ds_id_,
                dropped_);
  }
  GeometrySource(const GeometrySource&) = delete;
  GeometrySource& operator=(const GeometrySource&) = delete;

  bool geometry(const Feature& f, geo::Geometry& g) {
    if (f.wkb.empty()) return false;
    try {
      g = geo::from_wkb(f.wkb);
      if (!tr_->is_identity()) tr_->transform(g);
      return true;
    } catch (const Error&) {
      ++dropped_;
      return false;
    }
  }

 private:
  std::string ds_id_;
  std::shared_ptr<const datum::Transformer> tr_;
  std::int64_t dropped_ = 0;
};

void write_geojson(storage::Store& store, const storage::DatasetInfo& ds, const datum::Crs& crs,
                   const Sink& sink) {
  GeometrySource source(ds, crs);
  TimeColumns extra = extra_time_columns(ds);
  std::string out;
  out.reserve(kFlushBytes + 4096);
  out += "{\"type\":\"FeatureCollection\",\"name\":";
  append_json_string(out, ds.id);
  out += ",\"features\":[";
  auto cursor = store.query(ds, storage::FeatureQuery{});
  Feature f;
  geo::Geometry g;
  std::string scratch;
  bool first = true;
  while (cursor->next(f)) {
    out += first ? "\n" : ",\n";
    first = false;
    out += "{\"type\":\"Feature\",\"id\":";
    append_int(out, f.id);
    out += ",\"geometry\":";
    if (source.geometry(f, g))
      geo::write_geojson_geometry(out, g);
    else
      out += "null";
    out += ",\"properties\":{";
    bool first_prop = true;
    for (std::size_t i = 0; i < ds.schema.size(); ++i) {
      if (!first_prop) out.push_back(',');
      first_prop = false;
      append_json_string(out, ds.schema.fields[i].name);
      out.push_back(':');
      if (i < f.properties.size())
        append_json_value(out, f.properties[i], scratch);
      else
        out += "null";
    }
    auto put_time = [&](const std::string& name, const std::optional<Instant>& t) {
      if (name.empty()) return;
      if (!first_prop) out.push_back(',');
      first_prop = false;
      append_json_string(out, name);
      out.push_back(':');
      if (t)
        append_json_string(out, datum::format_rfc3339(*t));
      else
        out += "null";
    };
    put_time(extra.start_name, f.valid_time.start);
    put_time(extra.end_name, f.valid_time.end);
    out += "}}";
    if (out.size() >= kFlushBytes) {
      sink(out);
      out.clear();
    }
  }
  out += "\n]}\n";
  sink(out);
}

// A column name not taken by a field: "wkt", else "_wkt", "__wkt", ...
std::string free_name(const storage::DatasetInfo& ds, std::string name) {
  while (ds.schema.find(name) || name == ds.time_start_field || name == ds.time_end_field)
    name.insert(0, "_");
  return name;
}

void write_csv(storage::Store& store, const storage::DatasetInfo& ds, const datum::Crs& crs,
               const Sink& sink) {
  GeometrySource source(ds, crs);
  TimeColumns extra = extra_time_columns(ds);
  bool points = ds.geometry_type == geo::GeometryType::point;
  std::string out;
  out.reserve(kFlushBytes + 4096);
  std::string scratch;
  auto sep = [&](bool& first) {
    if (!first) out.push_back(',');
    first = false;
  };
  bool first = true;
  for (const auto& field : ds.schema.fields) {
    sep(first);
    append_csv_field(out, field.name);
  }
  for (const auto* name : {&extra.start_name, &extra.end_name})
    if (!name->empty()) {
      sep(first);
      append_csv_field(out, *name);
    }
  if (points) {
    sep(first);
    append_csv_field(out, free_name(ds, crs.geographic ? "lon" : "x"));
    sep(first);
    append_csv_field(out, free_name(ds, crs.geographic ? "lat" : "y"));
  }
  sep(first);
  append_csv_field(out, free_name(ds, "wkt"));
  out += "\r\n";

  auto cursor = store.query(ds, storage::FeatureQuery{});
  Feature f;
  geo::Geometry g;
  while (cursor->next(f)) {
    first = true;
    for (std::size_t i = 0; i < ds.schema.size(); ++i) {
      sep(first);
      scratch.clear();
      if (i < f.properties.size() && value_text(f.properties[i], scratch))
        append_csv_field(out, scratch);
    }
    if (!extra.start_name.empty()) {
      sep(first);
      if (f.valid_time.start) out += datum::format_rfc3339(*f.valid_time.start);
    }
    if (!extra.end_name.empty()) {
      sep(first);
      if (f.valid_time.end) out += datum::format_rfc3339(*f.valid_time.end);
    }
    bool has = source.geometry(f, g);
    if (points) {
      bool pt = has && g.type == geo::GeometryType::point && !g.coords.empty();
      sep(first);
      if (pt) append_double(out, g.coords[0].x);
      sep(first);
      if (pt) append_double(out, g.coords[0].y);
    }
    sep(first);
    if (has) append_csv_field(out, geo::to_wkt(g, -1));
    out += "\r\n";
    if (out.size() >= kFlushBytes) {
      sink(out);
      out.clear();
    }
  }
  sink(out);
}

}  // namespace

void export_text(storage::Store& store, const storage::DatasetInfo& ds, ExportFormat format,
                 const datum::Crs& crs, const Sink& sink) {
  switch (format) {
    case ExportFormat::geojson:
      write_geojson(store, ds, crs, sink);
      return;
    case ExportFormat::csv:
      write_csv(store, ds, crs, sink);
      return;
    default:
      throw Unsupported("unsupported-format",
                        "GeoPackage and Shapefile exports are files, not text streams.", "f");
  }
}

}  // namespace shikong::ingest
