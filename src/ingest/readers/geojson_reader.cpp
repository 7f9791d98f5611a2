// The streaming GeoJSON reader. A small scanner walks the top level (tracking strings, escapes
// and depth) to find each feature's byte range in a sliding buffer; simdjson parses that slice
// in place. Pass 1 infers the property schema over the whole file; pass 2 yields records.
#include "ingest/readers/geojson_reader.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <cstring>
#include <unordered_map>

#include "core/error.hpp"
#include "ingest/readers/byte_source.hpp"
#include "ingest/readers/json_geometry.hpp"
#include "ingest/readers/type_inference.hpp"

namespace shikong::ingest {

namespace {

constexpr std::size_t kChunk = 1 << 20;
constexpr std::size_t kMaxValue = 512u << 20;  // one feature larger than this is refused

[[noreturn]] void broken(std::uint64_t offset, std::string_view what) {
  throw InvalidInput(
      "invalid-json",
      fmt::format("The GeoJSON text is not valid JSON at byte {}: {}.", offset, what), "file");
}

// Finds the top-level JSON values of a file and, inside FeatureCollections, each element of
// "features". Positions are absolute byte offsets; the buffer keeps bytes from anchor_ on.
class Scanner {
 public:
  explicit Scanner(const std::filesystem::path& file) : src_(file, "UTF-8") {
    buf_.resize(kChunk + simdjson::SIMDJSON_PADDING);
    cap_ = kChunk;
  }

  void rewind() {
    src_.rewind();
    base_ = end_ = 0;
    pos_ = anchor_ = 0;
    eof_ = false;
    lines_ = 0;
    where_ = Where::top;
  }

  // The next feature (or top-level Feature/geometry) as bytes valid until the next call.
  bool next(std::string_view& slice, std::uint64_t& offset, std::int64_t& line) {
    for (;;) {
      if (where_ != Where::top) anchor_ = pos_;
      switch (where_) {
        case Where::top: {
          anchor_ = pos_;
          skip_ws();
          int c = peek(pos_);
          if (c < 0) return false;
          if (c != '{') broken(pos_, "expected a GeoJSON object");
          std::uint64_t start = pos_;
          std::int64_t start_line = lines_ + 1;
          anchor_ = start;
          ++pos_;
          bool first = true;
          for (;;) {
            skip_ws();
            c = peek(pos_);
            if (c == '}') {
              ++pos_;
              slice = view(start, pos_);
              offset = start;
              line = start_line;
              return true;
            }
            if (!first) {
              expect(',');
              skip_ws();
            }
            first = false;
            std::string_view key = member_key();
            if (key == "features" && peek(pos_) == '[') {
              ++pos_;
              where_ = Where::features;
              first_feature_ = true;
              break;
            }
            member_value(key);
          }
          break;
        }
        case Where::features: {
          skip_ws();
          int c = peek(pos_);
          if (c < 0) broken(pos_, "the text ends inside the features array");
          if (c == ']') {
            ++pos_;
            where_ = Where::members;
            break;
          }
          if (!first_feature_) {
            expect(',');
            skip_ws();
            c = peek(pos_);
          }
          first_feature_ = false;
          if (c != '{') broken(pos_, "expected a feature object");
          std::uint64_t start = pos_;
          anchor_ = start;
          line = lines_ + 1;
          pos_ = value_end(start);
          slice = view(start, pos_);
          offset = start;
          return true;
        }
        case Where::members: {
          skip_ws();
          int c = peek(pos_);
          if (c == '}') {
            ++pos_;
            where_ = Where::top;
            break;
          }
          expect(',');
          skip_ws();
          member_value(member_key());
          break;
        }
      }
    }
  }

  const std::string& crs_member() const { return crs_; }
  std::uint64_t bytes_done() const { return src_.bytes_done(); }
  std::uint64_t bytes_total() const { return src_.bytes_total(); }

 private:
  enum class Where { top, features, members };

  std::string_view view(std::uint64_t from, std::uint64_t to) const {
    return {buf_.data() + (from - base_), static_cast<std::size_t>(to - from)};
  }

  bool fill() {
    if (eof_) return false;
    std::size_t keep = static_cast<std::size_t>(anchor_ - base_);
    if (keep > 0) {
      std::memmove(buf_.data(), buf_.data() + keep, end_ - keep);
      end_ -= keep;
      base_ += keep;
    }
    if (end_ + kChunk / 4 > cap_) {
      if (cap_ >= kMaxValue)
        throw InvalidInput("feature-too-large", "A GeoJSON feature is larger than 512 MiB.",
                           "file");
      cap_ *= 2;
      buf_.resize(cap_ + simdjson::SIMDJSON_PADDING);
    }
    std::size_t n = src_.read(buf_.data() + end_, cap_ - end_);
    if (n == 0) {
      eof_ = true;
      return false;
    }
    end_ += n;
    return true;
  }

  int peek(std::uint64_t a) {
    while (a >= base_ + end_)
      if (!fill()) return -1;
    return static_cast<unsigned char>(buf_[static_cast<std::size_t>(a - base_)]);
  }

  void skip_ws() {
    for (;;) {
      int c = peek(pos_);
      if (c == '\n')
        ++lines_;
      else if (c != ' ' && c != '\t' && c != '\r' && c != 0x1E)
        return;
      ++pos_;
    }
  }

  void expect(char ch) {
    int c = peek(pos_);
    if (c < 0) broken(pos_, "the text ends too early");
    if (c != ch) broken(pos_, fmt::format("expected '{}'", ch));
    ++pos_;
  }

  // Reads "key" : and returns the key (valid until the buffer moves; compared at once).
  std::string_view member_key() {
    if (peek(pos_) != '"') broken(pos_, "expected a member name");
    std::uint64_t start = pos_;
    pos_ = value_end(start);
    key_.assign(view(start + 1, pos_ - 1));
    skip_ws();
    expect(':');
    skip_ws();
    return key_;
  }

  // Skips a member value of the collection object, keeping "crs" (legacy CRS member).
  void member_value(std::string_view key) {
    std::uint64_t start = pos_;
    if (peek(start) < 0) broken(start, "the text ends too early");
    pos_ = value_end(start);
    if (key == "crs") crs_.assign(view(start, pos_));
  }

  // The offset just past the JSON value starting at a. Tracks strings, escapes and depth only;
  // simdjson checks the grammar of each feature later.
  std::uint64_t value_end(std::uint64_t a) {
    int c = peek(a);
    if (c < 0) broken(a, "the text ends too early");
    if (c != '{' && c != '[' && c != '"') {
      for (;;) {
        c = peek(a);
        if (c < 0 || c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' ||
            c == '\t')
          return a;
        ++a;
      }
    }
    int depth = 0;
    bool in_str = false;
    bool esc = false;
    for (;;) {
      if (a >= base_ + end_ && !fill()) broken(a, "the text ends inside a value");
      const char* p = buf_.data() + (a - base_);
      const char* e = buf_.data() + end_;
      const char* s = p;
      while (p < e) {
        char ch = *p++;
        if (in_str) {
          if (esc)
            esc = false;
          else if (ch == '\\')
            esc = true;
          else if (ch == '"') {
            in_str = false;
            if (depth == 0) return a + static_cast<std::uint64_t>(p - s);
          }
          continue;
        }
        switch (ch) {
          case '"':
            in_str = true;
            break;
          case '{':
          case '[':
            ++depth;
            break;
          case '}':
          case ']':
            if (--depth == 0) return a + static_cast<std::uint64_t>(p - s);
            break;
          case '\n':
            ++lines_;
            break;
          default:
            break;
        }
      }
      a += static_cast<std::uint64_t>(p - s);
    }
  }

  ByteSource src_;
  std::vector<char> buf_;
  std::size_t cap_ = 0;
  std::uint64_t base_ = 0;  // file offset of buf_[0]
  std::size_t end_ = 0;     // bytes held
  std::uint64_t pos_ = 0;
  std::uint64_t anchor_ = 0;
  bool eof_ = false;
  std::int64_t lines_ = 0;
  Where where_ = Where::top;
  bool first_feature_ = true;
  std::string key_;
  std::string crs_;
};

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

class GeoJsonReader final : public Reader {
 public:
  GeoJsonReader(const std::filesystem::path& file, const ImportOptions&) : scanner_(file) {
    scan();
    scanner_.rewind();
  }

  const Schema& schema() const override { return schema_; }
  geo::GeometryType geometry_type() const override { return geometry_type_; }
  std::string source_crs() const override { return crs_; }
  std::string format_name() const override { return "geojson"; }
  std::uint64_t bytes_done() const override { return scanner_.bytes_done(); }
  std::uint64_t bytes_total() const override { return scanner_.bytes_total(); }

  bool next(RawRecord& rec) override {
    for (;;) {
      element doc;
      std::int64_t line;
      if (!parse_next(doc, line)) return false;
      object obj;
      std::string_view type;
      if (doc.get_object().get(obj) || obj["type"].get_string().get(type)) {
        fill_error(rec, line, "the object is not a GeoJSON Feature");
        return true;
      }
      if (type == "FeatureCollection") continue;  // an empty collection: nothing to read
      rec.number = ++number_;
      rec.line = line;
      rec.error.clear();
      rec.error_column.clear();
      rec.values.resize(schema_.size());
      for (auto& v : rec.values) v = std::monostate{};
      if (type == "Feature") {
        read_properties(obj, rec);
        element g;
        if (obj["geometry"].get(g) || g.is_null()) {
          rec.geometry.reset();
        } else {
          if (!rec.geometry) rec.geometry.emplace();
          std::string reason;
          if (!geometry_from_dom(g, *rec.geometry, reason)) {
            rec.geometry.reset();
            rec.error = "broken geometry: " + reason;
            rec.error_column = "geometry";
          }
        }
      } else {
        if (!rec.geometry) rec.geometry.emplace();
        std::string reason;
        if (!geometry_from_dom(doc, *rec.geometry, reason)) {
          rec.geometry.reset();
          rec.error = "broken geometry: " + reason;
          rec.error_column = "geometry";
        }
      }
      return true;
    }
  }

 private:
  void fill_error(RawRecord& rec, std::int64_t line, std::string reason) {
    rec.number = ++number_;
    rec.line = line;
    rec.geometry.reset();
    rec.values.assign(schema_.size(), std::monostate{});
    rec.error = std::move(reason);
    rec.error_column.clear();
  }

  bool parse_next(element& doc, std::int64_t& line) {
    std::string_view slice;
    std::uint64_t offset;
    if (!scanner_.next(slice, offset, line)) return false;
    ++slices_;
    // The scanner's buffer has SIMDJSON_PADDING readable bytes past every slice.
    if (parser_.parse(slice.data(), slice.size(), false).get(doc))
      throw InvalidInput(
          "invalid-json",
          fmt::format("The GeoJSON text is not valid JSON in feature {} (byte {}, line {}).",
                      slices_, offset, line),
          "file");
    return true;
  }

  std::size_t field_index(std::string_view key, std::size_t hint) const {
    if (hint < schema_.size() && schema_.fields[hint].name == key) return hint;
    auto it = index_.find(key);
    return it == index_.end() ? schema_.size() : it->second;
  }

  void read_properties(object obj, RawRecord& rec) {
    object props;
    if (obj["properties"].get_object().get(props)) return;  // null or absent
    std::size_t hint = 0;
    for (auto [key, value] : props) {
      std::size_t i = field_index(key, hint);
      if (i >= schema_.size()) continue;
      hint = i + 1;
      Value& out = rec.values[i];
      FieldType type = schema_.fields[i].type;
      switch (value.type()) {
        case element_type::NULL_VALUE:
          break;
        case element_type::BOOL:
          if (type == FieldType::boolean)
            out = value.get_bool().value_unsafe();
          else
            set_text(out, value.get_bool().value_unsafe() ? "true" : "false");
          break;
        case element_type::INT64:
        case element_type::UINT64:
        case element_type::DOUBLE:
          if (type == FieldType::integer && value.type() == element_type::INT64)
            out = value.get_int64().value_unsafe();
          else if (type == FieldType::real)
            out = value.get_double().value_unsafe();
          else
            set_text(out, simdjson::minify(value));
          break;
        case element_type::STRING: {
          std::string_view s = value.get_string().value_unsafe();
          if (type == FieldType::text) {
            set_text(out, s);
          } else if (!convert_text(s, type, out)) {
            out = std::monostate{};
            rec.error = fmt::format("\"{}\" is not a valid {}", s.substr(0, 40), to_string(type));
            rec.error_column = schema_.fields[i].name;
          }
          break;
        }
        default:  // objects and arrays are kept as JSON text
          set_text(out, simdjson::minify(value));
          break;
      }
    }
  }

  // Pass 1: property schema (in order of first appearance) and geometry type.
  void scan() {
    std::vector<ColumnGuess> guesses;
    bool first_geometry = true;
    element doc;
    std::int64_t line;
    while (parse_next(doc, line)) {
      object obj;
      std::string_view type;
      if (doc.get_object().get(obj) || obj["type"].get_string().get(type)) continue;
      if (type == "FeatureCollection") continue;
      element g = doc;
      if (type == "Feature") {
        object props;
        if (!obj["properties"].get_object().get(props)) {
          for (auto [key, value] : props) {
            auto it = index_.find(key);
            std::size_t i;
            if (it == index_.end()) {
              i = schema_.size();
              schema_.fields.push_back(Field{std::string(key), FieldType::text});
              guesses.emplace_back();
              rebuild_index();
            } else {
              i = it->second;
            }
            observe(guesses[i], value);
          }
        }
        if (obj["geometry"].get(g) || g.is_null()) continue;
      }
      object gobj;
      std::string_view gtype;
      if (g.get_object().get(gobj) || gobj["type"].get_string().get(gtype)) continue;
      geo::GeometryType t = geo::geometry_type_from_name(gtype);
      if (t == geo::GeometryType::unknown) continue;  // broken: reported in pass 2
      geometry_type_ = first_geometry ? t : geo::common_type(geometry_type_, t);
      first_geometry = false;
    }
    for (std::size_t i = 0; i < schema_.size(); ++i) schema_.fields[i].type = guesses[i].result();
    slices_ = 0;
    // Legacy "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4490"}}.
    const std::string& crs = scanner_.crs_member();
    if (!crs.empty()) {
      simdjson::dom::parser p;
      element c;
      std::string_view name;
      if (!p.parse(crs).get(c) && !c["properties"]["name"].get_string().get(name))
        crs_ = std::string(name);
    }
  }

  void rebuild_index() {
    index_.clear();
    for (std::size_t i = 0; i < schema_.size(); ++i) index_.emplace(schema_.fields[i].name, i);
  }

  static void observe(ColumnGuess& g, element value) {
    switch (value.type()) {
      case element_type::NULL_VALUE:
        return;
      case element_type::BOOL:
        g.seen = true;
        g.observe_boolean();
        return;
      case element_type::INT64:
        g.seen = true;
        g.observe_integer();
        return;
      case element_type::UINT64:
      case element_type::DOUBLE:
        g.seen = true;
        g.observe_real();
        return;
      case element_type::STRING: {
        std::string_view s = value.get_string().value_unsafe();
        if (trim(s).empty()) return;
        // A JSON string stays text unless every value is a date or time.
        g.integer = g.real = g.boolean = false;
        g.observe_text(s);
        return;
      }
      default:
        g.seen = true;
        g.observe_other();
        return;
    }
  }

  Scanner scanner_;
  simdjson::dom::parser parser_;
  Schema schema_;
  // Keys are views of schema_ field names, which do not change after pass 1.
  std::unordered_map<std::string_view, std::size_t> index_;
  geo::GeometryType geometry_type_ = geo::GeometryType::unknown;
  std::string crs_;
  std::int64_t number_ = 0;
  std::int64_t slices_ = 0;
};

}  // namespace

std::unique_ptr<Reader> open_geojson_reader(const std::filesystem::path& file,
                                            const ImportOptions& options) {
  return std::make_unique<GeoJsonReader>(file, options);
}

}  // namespace shikong::ingest
