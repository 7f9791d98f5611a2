// The import pipeline: readers -> CRS to the platform datum, time to UTC -> validity ->
// WKB -> import session. Bad rows go to the report; under OnError::reject the first one
// aborts the session (reading goes on to list the others) and nothing becomes visible.
#include "ingest/import.hpp"

#include <fmt/format.h>

#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>

#include "core/dataset_id.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "datum/crs.hpp"
#include "datum/time.hpp"
#include "datum/vertical.hpp"
#include "geo/geos/validity.hpp"
#include "geo/wkb.hpp"
#include "ingest/reader.hpp"
#include "ingest/time_fields.hpp"

namespace shikong::ingest {

namespace {

struct Source {
  std::filesystem::path file;
  std::string name;  // as reported (the original name of an upload)
  std::unique_ptr<Reader> reader;
  datum::Crs crs;
  std::shared_ptr<const datum::Transformer> to_platform;
  std::vector<bool> widen;  // per field: the reader's type differs from the dataset's
};

// The wider of two field types: numbers widen to real, anything else mixed becomes text.
FieldType wider(FieldType a, FieldType b) {
  if (a == b) return a;
  auto numeric = [](FieldType t) { return t == FieldType::integer || t == FieldType::real; };
  if (numeric(a) && numeric(b)) return FieldType::real;
  if ((a == FieldType::date && b == FieldType::datetime) ||
      (a == FieldType::datetime && b == FieldType::date))
    return FieldType::datetime;
  return FieldType::text;
}

void widen_value(Value& v, FieldType to) {
  if (is_null(v)) return;
  if (to == FieldType::real) {
    if (auto* i = std::get_if<std::int64_t>(&v)) v = static_cast<double>(*i);
  } else if (to == FieldType::datetime) {
    if (auto* d = std::get_if<Date>(&v)) v = date_start(*d);
  } else if (to == FieldType::text && !std::holds_alternative<std::string>(v)) {
    v = datum::format_value(v, datum::Zone{0, "UTC"});
  }
}

// The multi type of a single type (point -> multi_point ...), else the type itself.
geo::GeometryType multi_of(geo::GeometryType t) {
  switch (t) {
    case geo::GeometryType::point:
      return geo::GeometryType::multi_point;
    case geo::GeometryType::line_string:
      return geo::GeometryType::multi_line_string;
    case geo::GeometryType::polygon:
      return geo::GeometryType::multi_polygon;
    default:
      return t;
  }
}

// Makes g fit the dataset's type where that is lossless: a single geometry in a multi layer is
// wrapped, and the parts of matching type are collected from a collection make_valid returned.
void conform(geo::Geometry& g, geo::GeometryType target) {
  if (target == geo::GeometryType::unknown || target == g.type) return;
  if (multi_of(g.type) == target) {
    geo::Geometry multi;
    multi.type = target;
    multi.has_z = g.has_z;
    multi.parts.push_back(std::move(g));
    g = std::move(multi);
    return;
  }
  if (g.type == geo::GeometryType::geometry_collection) {
    geo::Geometry multi;
    multi.type = multi_of(target);
    multi.has_z = g.has_z;
    for (auto& p : g.parts) {
      if (p.type == multi.type)
        for (auto& q : p.parts) multi.parts.push_back(std::move(q));
      else if (multi_of(p.type) == multi.type)
        multi.parts.push_back(std::move(p));
    }
    if (multi.type != target && multi.parts.size() == 1)
      g = std::move(multi.parts[0]);
    else
      g = std::move(multi);
  }
}

// Real data rounds at the edges (Natural Earth's Russia reaches 180.00000000000006), so the
// check allows a micro-degree beyond the range.
bool in_geographic_range(const geo::Geometry& g) {
  constexpr double slack = 1e-6;
  bool ok = true;
  g.for_each_coord([&](const geo::Coord& c) {
    if (!(std::fabs(c.x) <= 180.0 + slack) || !(std::fabs(c.y) <= 90.0 + slack)) ok = false;
  });
  return ok;
}

// ISO WKB of a 2-D point written in place (the hot path of CSV imports).
void point_wkb(std::string& out, double x, double y) {
  out.resize(21);
  out[0] = 1;
  std::uint32_t type = 1;
  std::memcpy(out.data() + 1, &type, 4);
  std::memcpy(out.data() + 5, &x, 8);
  std::memcpy(out.data() + 13, &y, 8);
}

std::string crs_for_lineage(const datum::Crs& c) {
  return c.id.starts_with("CUSTOM:") ? c.definition : c.id;
}

class ProgressTicker {
 public:
  explicit ProgressTicker(const ProgressCallback& cb) : cb_(cb) {}
  void tick(std::int64_t rows, const Reader& r, std::uint64_t done_before, std::uint64_t total,
            bool force = false) {
    if (!cb_) return;
    if (!force && (rows & 1023) != 0) return;
    auto now = std::chrono::steady_clock::now();
    if (!force && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    cb_(Progress{rows, done_before + r.bytes_done(), total});
  }

 private:
  const ProgressCallback& cb_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace

ImportReport import_files(storage::Store& store, const std::vector<std::filesystem::path>& inputs,
                          const ImportOptions& options, const ProgressCallback& progress) {
  if (inputs.empty()) throw InvalidInput("no-input", "No file was given to import.", "file");
  ImportReport report;

  // Open every input first: each reader scans its file once, so schema problems surface
  // before anything is written.
  std::vector<Source> sources;
  std::optional<datum::Crs> override_crs;
  if (!options.crs.empty()) override_crs = datum::parse_crs(options.crs, "crs");
  for (const auto& file : inputs) {
    Source s;
    s.file = file;
    s.name = inputs.size() == 1 && !options.source_name.empty() ? options.source_name
                                                                : file.filename().string();
    s.reader = open_reader(file, options);
    std::string declared = s.reader->source_crs();
    s.crs = override_crs       ? *override_crs
            : declared.empty() ? datum::crs84()
                               : datum::parse_crs(declared, "crs");
    s.to_platform = datum::transformer(s.crs, datum::platform_crs());
    for (auto& w : s.reader->warnings()) report.warnings.push_back(w);
    sources.push_back(std::move(s));
  }

  Schema schema = sources[0].reader->schema();
  geo::GeometryType gtype = sources[0].reader->geometry_type();
  for (std::size_t k = 1; k < sources.size(); ++k) {
    const Schema& other = sources[k].reader->schema();
    bool same_names = other.size() == schema.size();
    for (std::size_t i = 0; same_names && i < schema.size(); ++i)
      same_names = other.fields[i].name == schema.fields[i].name;
    if (!same_names)
      throw InvalidInput(
          "schema-mismatch",
          fmt::format("{} does not have the same fields as {}.", sources[k].name, sources[0].name),
          "file");
    for (std::size_t i = 0; i < schema.size(); ++i)
      schema.fields[i].type = wider(schema.fields[i].type, other.fields[i].type);
    gtype = geo::common_type(gtype, sources[k].reader->geometry_type());
  }
  if (options.repair_geometry &&
      (gtype == geo::GeometryType::polygon || gtype == geo::GeometryType::line_string))
    gtype = multi_of(gtype);  // make_valid may split a polygon or a line into several
  for (auto& s : sources) {
    s.widen.resize(schema.size());
    for (std::size_t i = 0; i < schema.size(); ++i)
      s.widen[i] = s.reader->schema().fields[i].type != schema.fields[i].type;
  }

  TimeFields time = resolve_time_fields(schema, options);

  storage::DatasetInfo draft;
  std::filesystem::path named = sources[0].name;
  draft.id = options.dataset_id;
  if (draft.id.empty()) {
    draft.id = slugify(named.stem().string());
    if (!is_valid_dataset_id(draft.id)) draft.id = "dataset";
  } else {
    require_dataset_id(draft.id, "dataset_id");
  }
  draft.title = options.title.empty() ? named.stem().string() : options.title;
  draft.description = options.description;
  draft.schema = schema;
  draft.geometry_type = gtype;
  if (time.start) draft.time_start_field = schema.fields[*time.start].name;
  if (time.end) draft.time_end_field = schema.fields[*time.end].name;
  draft.crs = datum::platform_crs().id;
  draft.source_crs = crs_for_lineage(sources[0].crs);
  draft.source_format = sources[0].reader->format_name();
  for (std::size_t k = 0; k < sources.size(); ++k)
    draft.source_name += (k ? ", " : "") + sources[k].name;
  draft.owner = options.owner;
  draft.access = options.access;
  if (!options.vertical_datum.empty())
    draft.vertical_datum = datum::parse_vertical_datum(options.vertical_datum);
  report.dataset_id = draft.id;

  std::unique_ptr<storage::ImportSession> session = store.begin_import(draft);

  std::uint64_t bytes_total = 0;
  for (auto& s : sources) bytes_total += s.reader->bytes_total();
  std::uint64_t bytes_before = 0;
  ProgressTicker ticker(progress);

  auto reject = [&](const Source& s, const RawRecord& rec, std::string column, std::string reason) {
    ++report.rows_rejected;
    if (report.rejected.size() < options.max_reported)
      report.rejected.push_back(
          RejectedRow{s.name, rec.number, rec.line, std::move(column), std::move(reason)});
    if (options.on_error == OnError::reject && session) {
      session->abort();
      session.reset();
    }
  };

  RawRecord rec;
  Feature feature;
  for (auto& s : sources) {
    Reader& reader = *s.reader;
    bool identity = s.to_platform->is_identity();
    bool any_widen = false;
    for (bool w : s.widen) any_widen = any_widen || w;
    while (reader.next(rec)) {
      ++report.rows_read;
      ticker.tick(report.rows_read, reader, bytes_before, bytes_total);
      if (!rec.error.empty()) {
        reject(s, rec, rec.error_column, rec.error);
        continue;
      }
      // Valid time before anything else is spent on the row.
      std::string time_column, time_error;
      if (!to_valid_time(rec.values, schema, time, feature.valid_time, time_column, time_error)) {
        reject(s, rec, time_column, time_error);
        continue;
      }
      if (rec.geometry) {
        geo::Geometry& g = *rec.geometry;
        if (s.crs.geographic && !in_geographic_range(g)) {
          reject(s, rec, "geometry", "coordinates are outside the range of longitude and latitude");
          continue;
        }
        if (!identity) {
          try {
            s.to_platform->transform(g);
          } catch (const Error&) {
            reject(s, rec, "geometry", "coordinates cannot be transformed to the platform CRS");
            continue;
          }
        }
        if (g.type == geo::GeometryType::point && g.coords.size() == 1 && !g.has_z &&
            gtype == geo::GeometryType::point && std::endian::native == std::endian::little) {
          // Points are valid when finite; write WKB directly.
          const geo::Coord& c = g.coords[0];
          if (!std::isfinite(c.x) || !std::isfinite(c.y)) {
            reject(s, rec, "geometry", "a coordinate is not a finite number");
            continue;
          }
          if (!session) continue;
          point_wkb(feature.wkb, c.x, c.y);
          feature.envelope = Envelope::of(c.x, c.y, c.x, c.y);
        } else {
          geo::Validity v;
          try {
            v = g.type == geo::GeometryType::point || g.type == geo::GeometryType::multi_point
                    ? geo::Validity{}
                    : geo::check_validity(g);
          } catch (const Error& e) {
            v = geo::Validity{false, "the geometry cannot be checked"};
            log::debug("validity check failed: {}", e.what());
          }
          if (!v.valid) {
            ++report.invalid_geometries;
            if (report.invalid.size() < options.max_reported)
              report.invalid.push_back(
                  RejectedRow{s.name, rec.number, rec.line, "geometry", v.reason});
            if (options.repair_geometry) {
              try {
                g = geo::make_valid(g);
              } catch (const Error&) {
                // Kept as it is: it was counted as invalid above.
              }
            }
          }
          if (!session) continue;
          conform(g, gtype);
          feature.wkb = geo::to_wkb(g);
          feature.envelope = g.envelope();
        }
      } else {
        if (!session) continue;
        feature.wkb.clear();
        feature.envelope = Envelope{};
      }
      if (any_widen)
        for (std::size_t i = 0; i < schema.size(); ++i)
          if (s.widen[i]) widen_value(rec.values[i], schema.fields[i].type);
      feature.id = 0;
      std::swap(feature.properties, rec.values);
      session->write(feature);
      ++report.rows_written;
    }
    bytes_before += reader.bytes_total();
    ticker.tick(report.rows_read, reader, bytes_before - reader.bytes_total(), bytes_total, true);
  }

  if (session) {
    report.dataset = session->commit();
    report.committed = true;
  } else {
    report.rows_written = 0;
  }
  return report;
}

}  // namespace shikong::ingest
