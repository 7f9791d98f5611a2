// The CSV/TSV reader: pass 1 detects the delimiter, finds the geometry columns and infers the
// column types over the whole file; pass 2 streams typed records. Memory stays flat.
#include "ingest/readers/csv_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "core/error.hpp"
#include "datum/crs.hpp"
#include "geo/geojson.hpp"
#include "geo/wkt.hpp"
#include "ingest/readers/byte_source.hpp"
#include "ingest/readers/csv_tokenizer.hpp"
#include "ingest/readers/type_inference.hpp"

namespace shikong::ingest {

namespace {

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

template <std::size_t N>
bool name_in(std::string_view name, const std::array<std::string_view, N>& names) {
  std::string l = ascii_lower(trim(name));
  return std::find(names.begin(), names.end(), l) != names.end();
}

constexpr std::array<std::string_view, 7> kLonNames = {"lon", "lng",  "long", "longitude",
                                                       "x",   "经度", "东经"};
constexpr std::array<std::string_view, 5> kLatNames = {"lat", "latitude", "y", "纬度", "北纬"};
constexpr std::array<std::string_view, 7> kGeomNames = {"wkt",      "wkt_geom", "geom", "geometry",
                                                        "the_geom", "shape",    "几何"};

// Picks the delimiter whose count is the same on the first lines and highest in the header;
// quotes are respected so a comma inside a quoted name does not vote.
char detect_delimiter(ByteSource& src, const std::filesystem::path& file) {
  std::string ext = ascii_lower(file.extension().string());
  if (ext == ".tsv" || ext == ".tab") return '\t';
  std::vector<char> head(64 << 10);
  std::size_t n = src.read(head.data(), head.size());
  src.rewind();
  constexpr std::array<char, 4> cands = {',', ';', '\t', '|'};
  std::vector<std::array<int, 4>> lines;
  std::array<int, 4> counts{};
  bool quoted = false;
  for (std::size_t i = 0; i < n && lines.size() < 20; ++i) {
    char c = head[i];
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n') {
      lines.push_back(counts);
      counts = {};
      continue;
    }
    for (std::size_t k = 0; k < cands.size(); ++k)
      if (c == cands[k]) ++counts[k];
  }
  if (lines.empty() || n < head.size()) lines.push_back(counts);
  // The last line may be cut by the sample: drop it when there are others.
  if (lines.size() > 2 && n == head.size()) lines.pop_back();
  char best = ',';
  int best_score = -1;
  for (std::size_t k = 0; k < cands.size(); ++k) {
    int header = lines[0][k];
    if (header == 0) continue;
    bool consistent = true;
    for (const auto& l : lines)
      if (l[k] != header && !(l[k] == 0 && &l == &lines.back())) consistent = false;
    int score = header + (consistent ? 1000 : 0);
    if (score > best_score) {
      best_score = score;
      best = cands[k];
    }
  }
  return best;
}

// Geometry type from the first word of WKT or the "type" member of GeoJSON text, for pass 1.
geo::GeometryType sniff_geometry_type(std::string_view text) {
  text = trim(text);
  if (text.empty()) return geo::GeometryType::unknown;
  if (text[0] == '{') {
    auto k = text.find("\"type\"");
    if (k == std::string_view::npos) return geo::GeometryType::unknown;
    auto q1 = text.find('"', text.find(':', k + 6));
    auto q2 = q1 == std::string_view::npos ? q1 : text.find('"', q1 + 1);
    if (q2 == std::string_view::npos) return geo::GeometryType::unknown;
    return geo::geometry_type_from_name(text.substr(q1 + 1, q2 - q1 - 1));
  }
  std::size_t e = 0;
  while (e < text.size() &&
         ((text[e] >= 'A' && text[e] <= 'Z') || (text[e] >= 'a' && text[e] <= 'z')))
    ++e;
  return geo::geometry_type_from_name(text.substr(0, e));
}

std::string quote_for_report(std::string_view s) {
  if (s.size() > 40) return fmt::format("\"{}...\"", s.substr(0, 40));
  return fmt::format("\"{}\"", s);
}

class CsvReader final : public Reader {
 public:
  CsvReader(const std::filesystem::path& file, const ImportOptions& options,
            const std::string& encoding, bool guessed)
      : source_(file, encoding),
        tok_(source_, detect_delimiter(source_, options.source_name.empty()
                                                    ? file
                                                    : std::filesystem::path(options.source_name))) {
    if (guessed)
      warnings_.push_back(
          "The file is not valid UTF-8; it was read as GB18030 (GBK). Set the encoding if that "
          "is wrong.");
    geographic_ = options.crs.empty() || datum::parse_crs(options.crs).geographic;
    read_header(options);
    scan();
    tok_.rewind();
    std::int64_t line;
    bool bad;
    tok_.next(fields_, line, bad);  // the header again
  }

  const Schema& schema() const override { return schema_; }
  geo::GeometryType geometry_type() const override { return geometry_type_; }
  std::string source_crs() const override { return {}; }
  std::string format_name() const override { return "csv"; }
  std::uint64_t bytes_done() const override { return source_.bytes_done(); }
  std::uint64_t bytes_total() const override { return source_.bytes_total(); }
  std::vector<std::string> warnings() const override { return warnings_; }

  bool next(RawRecord& rec) override {
    bool malformed = false;
    if (!tok_.next(fields_, rec.line, malformed)) return false;
    rec.number = ++number_;
    rec.error.clear();
    rec.error_column.clear();
    rec.values.resize(schema_.size());
    if (malformed) {
      rec.error = "malformed quoting: text after a closing quote";
      clear_values(rec);
      return true;
    }
    if (fields_.size() != ncols_) {
      rec.error = fmt::format("the row has {} fields, the header has {}", fields_.size(), ncols_);
      clear_values(rec);
      return true;
    }
    read_geometry(rec);
    for (std::size_t i = 0; i < schema_.size(); ++i) {
      const Field& f = schema_.fields[i];
      if (!convert_text(fields_[src_[i]], f.type, rec.values[i])) {
        rec.values[i] = std::monostate{};
        // A bad coordinate is reported by read_geometry, in words about coordinates.
        if (rec.error.empty() && !coordinate_[i]) {
          rec.error = fmt::format("{} is not a valid {}", quote_for_report(trim(fields_[src_[i]])),
                                  to_string(f.type));
          rec.error_column = f.name;
        }
      }
    }
    return true;
  }

 private:
  static void clear_values(RawRecord& rec) {
    for (auto& v : rec.values) v = std::monostate{};
    rec.geometry.reset();
  }

  void read_header(const ImportOptions& options) {
    std::int64_t line;
    bool bad;
    if (!tok_.next(fields_, line, bad))
      throw InvalidInput("empty-file", "The CSV file is empty.", "file");
    ncols_ = fields_.size();
    header_.clear();
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      std::string name(trim(fields_[i]));
      if (name.empty()) name = fmt::format("field_{}", i + 1);
      header_.push_back(std::move(name));
    }
    auto find = [&](const std::string& wanted, const char* param) -> int {
      for (std::size_t i = 0; i < header_.size(); ++i)
        if (header_[i] == wanted) return static_cast<int>(i);
      for (std::size_t i = 0; i < header_.size(); ++i)
        if (ascii_lower(header_[i]) == ascii_lower(wanted)) return static_cast<int>(i);
      throw InvalidInput("unknown-field",
                         fmt::format("The CSV header has no column named \"{}\".", wanted), param);
    };
    if (!options.geometry_field.empty()) {
      geom_col_ = find(options.geometry_field, "geometry_field");
    } else if (!options.lon_field.empty() || !options.lat_field.empty()) {
      if (options.lon_field.empty() || options.lat_field.empty())
        throw InvalidInput("missing-field", "Give both the longitude and the latitude column.",
                           options.lon_field.empty() ? "lon_field" : "lat_field");
      lon_col_ = find(options.lon_field, "lon_field");
      lat_col_ = find(options.lat_field, "lat_field");
    } else {
      for (std::size_t i = 0; i < header_.size(); ++i) {
        if (lon_col_ < 0 && name_in(header_[i], kLonNames)) lon_col_ = static_cast<int>(i);
        if (lat_col_ < 0 && name_in(header_[i], kLatNames)) lat_col_ = static_cast<int>(i);
        if (geom_col_ < 0 && name_in(header_[i], kGeomNames)) geom_col_ = static_cast<int>(i);
      }
      if (lon_col_ >= 0 && lat_col_ >= 0)
        geom_col_ = -1;
      else
        lon_col_ = lat_col_ = -1;
    }
    // Unique field names: a repeated header gets a numeric suffix.
    for (std::size_t i = 0; i < header_.size(); ++i) {
      // The coordinate columns stay attributes too (as GDAL's CSV driver keeps them); a
      // WKT/GeoJSON column becomes the geometry only.
      if (static_cast<int>(i) == geom_col_) continue;
      std::string name = header_[i];
      for (int k = 2; schema_.find(name); ++k) name = fmt::format("{}_{}", header_[i], k);
      schema_.fields.push_back(Field{name, FieldType::text});
      src_.push_back(i);
      coordinate_.push_back(static_cast<int>(i) == lon_col_ || static_cast<int>(i) == lat_col_);
    }
    if (lon_col_ < 0 && geom_col_ < 0)
      warnings_.push_back("No coordinate or geometry column was found; rows have no geometry.");
  }

  // Pass 1: column types and geometry type over the whole file.
  void scan() {
    std::vector<ColumnGuess> guesses(schema_.size());
    std::int64_t line;
    bool bad;
    bool any_point = false;
    geometry_type_ = geo::GeometryType::unknown;
    bool first_geometry = true;
    while (tok_.next(fields_, line, bad)) {
      if (bad || fields_.size() != ncols_) continue;
      for (std::size_t i = 0; i < src_.size(); ++i) guesses[i].observe_text(fields_[src_[i]]);
      if (lon_col_ >= 0) {
        if (!any_point && !trim(fields_[static_cast<std::size_t>(lon_col_)]).empty())
          any_point = true;
      } else if (geom_col_ >= 0) {
        std::string_view g = fields_[static_cast<std::size_t>(geom_col_)];
        if (trim(g).empty()) continue;
        geo::GeometryType t = sniff_geometry_type(g);
        geometry_type_ = first_geometry ? t : geo::common_type(geometry_type_, t);
        first_geometry = false;
      }
    }
    if (lon_col_ >= 0) geometry_type_ = geo::GeometryType::point;
    (void)any_point;
    // Coordinate columns are numbers: rows where they are not are rejected, not the type widened.
    for (std::size_t i = 0; i < schema_.size(); ++i)
      schema_.fields[i].type = coordinate_[i] ? FieldType::real : guesses[i].result();
  }

  void read_geometry(RawRecord& rec) {
    if (lon_col_ >= 0) {
      std::string_view xs = trim(fields_[static_cast<std::size_t>(lon_col_)]);
      std::string_view ys = trim(fields_[static_cast<std::size_t>(lat_col_)]);
      if (xs.empty() && ys.empty()) {
        rec.geometry.reset();  // a row without a location: kept, with no geometry
        return;
      }
      double x = 0, y = 0;
      if (!coordinate(rec, xs, lon_col_, "longitude", 180, x) ||
          !coordinate(rec, ys, lat_col_, "latitude", 90, y)) {
        rec.geometry.reset();
        return;
      }
      if (!rec.geometry || rec.geometry->type != geo::GeometryType::point ||
          rec.geometry->coords.size() != 1 || !rec.geometry->parts.empty() ||
          !rec.geometry->rings.empty()) {
        rec.geometry.emplace();
        rec.geometry->type = geo::GeometryType::point;
        rec.geometry->coords.resize(1);
      }
      rec.geometry->has_z = false;
      rec.geometry->coords[0] = geo::Coord{x, y, 0};
      return;
    }
    if (geom_col_ >= 0) {
      std::string_view text = trim(fields_[static_cast<std::size_t>(geom_col_)]);
      if (text.empty()) {
        rec.geometry.reset();
        return;
      }
      try {
        rec.geometry = text[0] == '{' ? geo::geometry_from_geojson(text) : geo::from_wkt(text);
      } catch (const Error&) {
        rec.geometry.reset();
        if (rec.error.empty()) {
          rec.error = text[0] == '{' ? "the geometry is not valid GeoJSON"
                                     : "the geometry is not valid WKT";
          rec.error_column = header_[static_cast<std::size_t>(geom_col_)];
        }
      }
      return;
    }
    rec.geometry.reset();
  }

  bool coordinate(RawRecord& rec, std::string_view text, int col, const char* what, double limit,
                  double& out) {
    const std::string& name = header_[static_cast<std::size_t>(col)];
    if (text.empty()) {
      if (rec.error.empty()) {
        rec.error = fmt::format("missing {}", what);
        rec.error_column = name;
      }
      return false;
    }
    if (!parse_double(text, out)) {
      if (rec.error.empty()) {
        rec.error = fmt::format("{} {} is not a number", what, quote_for_report(text));
        rec.error_column = name;
      }
      return false;
    }
    if (geographic_ && std::fabs(out) > limit) {
      if (rec.error.empty()) {
        rec.error = fmt::format("{} {} is out of range [-{}, {}]", what, text, limit, limit);
        rec.error_column = name;
      }
      return false;
    }
    return true;
  }

  ByteSource source_;
  CsvTokenizer tok_;
  std::vector<std::string> header_;
  std::size_t ncols_ = 0;
  Schema schema_;
  std::vector<std::size_t> src_;  // schema field -> CSV column
  std::vector<bool> coordinate_;  // schema field is the longitude or latitude column
  int lon_col_ = -1;
  int lat_col_ = -1;
  int geom_col_ = -1;
  bool geographic_ = true;
  geo::GeometryType geometry_type_ = geo::GeometryType::unknown;
  std::vector<std::string_view> fields_;
  std::int64_t number_ = 0;
  std::vector<std::string> warnings_;
};

}  // namespace

std::unique_ptr<Reader> open_csv_reader(const std::filesystem::path& file,
                                        const ImportOptions& options) {
  std::string encoding = canonical_encoding(options.encoding);
  bool guessed = false;
  if (options.encoding.empty() && !is_utf8_file(file)) {
    encoding = "GB18030";
    guessed = true;
  }
  return std::make_unique<CsvReader>(file, options, encoding, guessed);
}

}  // namespace shikong::ingest
