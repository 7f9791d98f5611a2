// The two constraint languages of CSW 2.0.2 (OGC Filter 1.1/1.0 XML and CSW CQL text) turned into
// core::Expr on search::Queryable fields. Names are looked up in a fixed table, so nothing a
// client writes is evaluated; depth, size and node counts are capped.
#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/ascii.hpp"
#include "core/error.hpp"
#include "datum/time.hpp"
#include "ogc/csw.hpp"

namespace shikong::ogc {
namespace {

using search::Queryable;

constexpr std::size_t kMaxDepth = 32;
constexpr std::size_t kMaxNodes = 1000;
constexpr std::size_t kMaxCqlBytes = 16 * 1024;

[[noreturn]] void fail(std::string sentence) {
  throw InvalidInput("invalid-filter", std::move(sentence), "Constraint");
}

struct NamedQueryable {
  std::string_view name;  // lower case, without prefix
  Queryable queryable;
};

// CSW core queryables (OGC 07-006r1 table 6), their ISO application profile names (apiso:) and
// the Dublin Core elements a csw:Record carries.
constexpr std::array kQueryables{
    NamedQueryable{"anytext", Queryable::any_text},
    NamedQueryable{"title", Queryable::title},
    NamedQueryable{"alternatetitle", Queryable::title},
    NamedQueryable{"abstract", Queryable::abstract},
    NamedQueryable{"description", Queryable::abstract},
    NamedQueryable{"subject", Queryable::subject},
    NamedQueryable{"keywords", Queryable::subject},
    NamedQueryable{"topiccategory", Queryable::subject},
    NamedQueryable{"type", Queryable::type},
    NamedQueryable{"format", Queryable::format},
    NamedQueryable{"identifier", Queryable::identifier},
    NamedQueryable{"modified", Queryable::modified},
    NamedQueryable{"revisiondate", Queryable::modified},
    NamedQueryable{"created", Queryable::created},
    NamedQueryable{"creationdate", Queryable::created},
    NamedQueryable{"publisher", Queryable::publisher},
    NamedQueryable{"organisationname", Queryable::publisher},
    NamedQueryable{"rights", Queryable::licence},
    NamedQueryable{"license", Queryable::licence},
    NamedQueryable{"licence", Queryable::licence},
    NamedQueryable{"language", Queryable::language},
    NamedQueryable{"resourcelanguage", Queryable::language},
    NamedQueryable{"crs", Queryable::crs},
    NamedQueryable{"kind", Queryable::kind},
    NamedQueryable{"access", Queryable::access},
    NamedQueryable{"boundingbox", Queryable::bbox},
    NamedQueryable{"envelope", Queryable::bbox},
};

constexpr std::array<std::string_view, 7> kPrefixes{"",    "csw",   "dc",     "dct",
                                                    "ows", "apiso", "shikong"};

bool is_time_queryable(Queryable q) {
  return q == Queryable::modified || q == Queryable::created;
}
bool is_text_queryable(Queryable q) {
  return !is_time_queryable(q) && q != Queryable::bbox && q != Queryable::time;
}

Queryable resolve(std::string_view name) {
  auto q = csw_queryable(name);
  if (!q) {
    std::string shown(name.substr(0, 80));
    fail(
        fmt::format("'{}' is not a queryable of this catalogue (see the capabilities' "
                    "SupportedISOQueryables and AdditionalQueryables)",
                    shown));
  }
  return *q;
}

// --- literals ---

Value time_value(Instant t) {
  return Value{t};
}

datum::ParsedTime parse_time_literal(std::string_view text) {
  datum::TimeParseOptions opt;
  opt.allow_unix = false;
  auto t = datum::parse_time(trim_blanks(text), opt);
  if (!t) {
    std::string shown(text.substr(0, 60));
    fail(
        fmt::format("'{}' is not a date or time (use ISO 8601, e.g. 2024-05-01 or "
                    "2024-05-01T08:00:00Z)",
                    shown));
  }
  return *t;
}

ExprPtr make_compare(Queryable q, CompareOp op, Value v) {
  auto e = std::make_shared<Expr>();
  e->kind = Expr::Kind::compare;
  e->field = static_cast<std::size_t>(q);
  e->op = op;
  e->literal = std::move(v);
  return e;
}

ExprPtr make_between(Queryable q, Value lo, Value hi) {
  auto e = std::make_shared<Expr>();
  e->kind = Expr::Kind::between;
  e->field = static_cast<std::size_t>(q);
  e->literal = std::move(lo);
  e->literal2 = std::move(hi);
  return e;
}

ExprPtr make_not(ExprPtr child) {
  auto e = std::make_shared<Expr>();
  e->kind = Expr::Kind::not_;
  e->children.push_back(std::move(child));
  return e;
}

ExprPtr make_bool_op(Expr::Kind kind, std::vector<ExprPtr> children) {
  if (children.size() == 1) return children.front();
  auto e = std::make_shared<Expr>();
  e->kind = kind;
  e->children = std::move(children);
  return e;
}

ExprPtr make_bbox(const Envelope& lonlat, bool within) {
  auto e = std::make_shared<Expr>();
  e->kind = Expr::Kind::bbox;
  e->field = static_cast<std::size_t>(Queryable::bbox);
  e->envelope = lonlat;
  e->op = within ? CompareOp::le : CompareOp::eq;
  return e;
}

// A comparison of a time queryable with a literal that covers [first, last] (a date covers its
// day): "modified = 2024-05-01" is any instant of that day.
ExprPtr time_compare(Queryable q, CompareOp op, const datum::ParsedTime& t) {
  switch (op) {
    case CompareOp::eq:
      return t.instant == t.last ? make_compare(q, CompareOp::eq, time_value(t.instant))
                                 : make_between(q, time_value(t.instant), time_value(t.last));
    case CompareOp::ne:
      return make_not(time_compare(q, CompareOp::eq, t));
    case CompareOp::lt:
      return make_compare(q, CompareOp::lt, time_value(t.instant));
    case CompareOp::le:
      return make_compare(q, CompareOp::le, time_value(t.last));
    case CompareOp::gt:
      return make_compare(q, CompareOp::gt, time_value(t.last));
    case CompareOp::ge:
      return make_compare(q, CompareOp::ge, time_value(t.instant));
  }
  return nullptr;
}

ExprPtr compare(Queryable q, CompareOp op, std::string_view literal) {
  if (q == Queryable::bbox || q == Queryable::time)
    fail("a bounding box is compared with BBOX, Intersects or Within, not with a comparison");
  if (is_time_queryable(q)) return time_compare(q, op, parse_time_literal(literal));
  return make_compare(q, op, Value{std::string(literal)});
}

ExprPtr between(Queryable q, std::string_view lo, std::string_view hi) {
  if (q == Queryable::bbox || q == Queryable::time) fail("BETWEEN needs a text or date queryable");
  if (is_time_queryable(q))
    return make_between(q, time_value(parse_time_literal(lo).instant),
                        time_value(parse_time_literal(hi).last));
  return make_between(q, Value{std::string(lo)}, Value{std::string(hi)});
}

ExprPtr like(Queryable q, std::string pattern) {
  if (!is_text_queryable(q)) fail("LIKE needs a text queryable (AnyText, Title, Subject, ...)");
  auto e = std::make_shared<Expr>();
  e->kind = Expr::Kind::like;
  e->field = static_cast<std::size_t>(q);
  e->literal = std::move(pattern);
  return e;
}

ExprPtr is_null(Queryable q) {
  auto e = std::make_shared<Expr>();
  e->kind = Expr::Kind::is_null;
  e->field = static_cast<std::size_t>(q);
  return e;
}

// The core's LIKE form (% any run, _ one character, backslash escapes) of a Filter pattern
// written with its own wildcard, single-character and escape marks.
std::string like_pattern(std::string_view text, std::string_view wild, std::string_view single,
                         std::string_view escape) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    std::string_view rest = text.substr(i);
    if (!escape.empty() && rest.starts_with(escape) && rest.size() > escape.size()) {
      char c = rest[escape.size()];
      if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
      out.push_back(c);
      i += escape.size() + 1;
      continue;
    }
    if (!wild.empty() && rest.starts_with(wild)) {
      out.push_back('%');
      i += wild.size();
      continue;
    }
    if (!single.empty() && rest.starts_with(single)) {
      out.push_back('_');
      i += single.size();
      continue;
    }
    char c = text[i++];
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

bool parse_number(std::string_view s, double& out) {
  s = trim_blanks(s);
  while (!s.empty() && (s.front() == '\n' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && std::isfinite(out);
}

// Whether coordinates in `srs` come latitude first; throws for a CRS that is not geographic
// WGS 84 / CGCS2000. URNs and http URIs of EPSG:4326 and EPSG:4490 are in the EPSG axis order
// (latitude, longitude); the short "EPSG:4326", the GML 2 "...epsg.xml#4326", CRS84 and no
// srsName at all are longitude first, as clients have always written them.
bool lat_lon_order(std::string_view srs) {
  std::string s = ascii_lowercase(trim_blanks(srs));
  if (s.empty() || s.find("crs84") != std::string::npos) return false;
  auto code_at_end = [&](char sep) {
    std::size_t p = s.find_last_of(sep);
    return p == std::string::npos ? std::string_view{} : std::string_view(s).substr(p + 1);
  };
  auto geographic = [](std::string_view code) { return code == "4326" || code == "4490"; };
  if (s.starts_with("urn:ogc:def:crs:epsg:") || s.starts_with("urn:x-ogc:def:crs:epsg:")) {
    if (geographic(code_at_end(':'))) return true;
  } else if (s.starts_with("http://www.opengis.net/def/crs/epsg/") ||
             s.starts_with("https://www.opengis.net/def/crs/epsg/")) {
    if (geographic(code_at_end('/'))) return true;
  } else if (s.starts_with("epsg:")) {
    if (geographic(code_at_end(':'))) return false;
  } else if (s.starts_with("http://www.opengis.net/gml/srs/epsg.xml#")) {
    if (geographic(code_at_end('#'))) return false;
  }
  std::string shown(srs.substr(0, 80));
  fail(
      fmt::format("the srsName '{}' is not supported: use urn:ogc:def:crs:EPSG::4326, EPSG:4326, "
                  "EPSG:4490 or CRS84",
                  shown));
}

// An envelope from two corners as written in `srs`, as longitude/latitude.
Envelope lonlat_envelope(double a0, double a1, double b0, double b1, std::string_view srs) {
  const bool yx = lat_lon_order(srs);
  Envelope e = yx ? Envelope::of(a1, a0, b1, b0) : Envelope::of(a0, a1, b0, b1);
  if (e.min_x > e.max_x || e.min_y > e.max_y)
    fail("the lower corner of the envelope lies above or right of its upper corner");
  if (e.min_y < -90 || e.max_y > 90)
    fail(yx ? "a latitude of the envelope is outside [-90, 90] (EPSG:4326 URNs are latitude "
              "first)"
            : "a latitude of the envelope is outside [-90, 90] (this srsName is longitude first)");
  if (e.min_x < -540 || e.max_x > 540) fail("a longitude of the envelope is out of range");
  return e;
}

// --- OGC Filter XML ---

std::string xml_trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (b < e && blank(s[b])) ++b;
  while (e > b && blank(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

bool named(const xml::Element& e, std::string_view name) {
  return e.name == name;
}

class FilterReader {
 public:
  ExprPtr read_filter(const xml::Element& filter) {
    if (filter.name != "Filter")
      fail(fmt::format("the constraint must be an ogc:Filter element, not '{}'",
                       filter.name.substr(0, 60)));
    if (filter.children.empty()) fail("the ogc:Filter is empty");
    std::vector<ExprPtr> parts;
    for (const auto& c : filter.children) parts.push_back(read(c, 1));
    return make_bool_op(Expr::Kind::and_, std::move(parts));
  }

 private:
  std::size_t nodes_ = 0;

  ExprPtr read(const xml::Element& e, std::size_t depth) {
    if (depth > kMaxDepth) fail("the filter is nested too deeply");
    if (++nodes_ > kMaxNodes) fail("the filter has too many operators");
    const std::string& n = e.name;
    if (n == "And" || n == "Or") {
      if (e.children.empty()) fail(fmt::format("ogc:{} needs at least one operand", n));
      std::vector<ExprPtr> parts;
      for (const auto& c : e.children) parts.push_back(read(c, depth + 1));
      return make_bool_op(n == "And" ? Expr::Kind::and_ : Expr::Kind::or_, std::move(parts));
    }
    if (n == "Not") {
      if (e.children.size() != 1) fail("ogc:Not needs exactly one operand");
      return make_not(read(e.children.front(), depth + 1));
    }
    if (n == "PropertyIsEqualTo") return binary(e, CompareOp::eq);
    if (n == "PropertyIsNotEqualTo") return binary(e, CompareOp::ne);
    if (n == "PropertyIsLessThan") return binary(e, CompareOp::lt);
    if (n == "PropertyIsLessThanOrEqualTo") return binary(e, CompareOp::le);
    if (n == "PropertyIsGreaterThan") return binary(e, CompareOp::gt);
    if (n == "PropertyIsGreaterThanOrEqualTo") return binary(e, CompareOp::ge);
    if (n == "PropertyIsLike") return like_of(e);
    if (n == "PropertyIsNull") return is_null(property_of(e, "PropertyIsNull"));
    if (n == "PropertyIsBetween") return between_of(e);
    if (n == "BBOX") return spatial(e, false);
    if (n == "Intersects") return spatial(e, false);
    if (n == "Within") return spatial(e, true);
    fail(
        fmt::format("the filter operator '{}' is not supported (supported: And, Or, Not, "
                    "PropertyIsEqualTo, ...NotEqualTo, ...LessThan, ...GreaterThan, "
                    "...LessThanOrEqualTo, ...GreaterThanOrEqualTo, PropertyIsLike, "
                    "PropertyIsNull, PropertyIsBetween, BBOX, Intersects, Within)",
                    n.substr(0, 60)));
  }

  static bool is_property(const xml::Element& e) {
    return named(e, "PropertyName") || named(e, "ValueReference");
  }

  static Queryable property_name(const xml::Element& e) {
    if (!e.children.empty()) fail("a PropertyName holds a name, not elements");
    return resolve(xml_trim(e.text));
  }

  static std::string literal_text(const xml::Element& e) {
    if (!named(e, "Literal"))
      fail(
          fmt::format("expected an ogc:Literal, found '{}' (functions and arithmetic are not "
                      "supported)",
                      e.name.substr(0, 60)));
    if (!e.children.empty()) fail("an ogc:Literal holds text, not elements");
    return e.text;
  }

  static Queryable property_of(const xml::Element& e, std::string_view op) {
    for (const auto& c : e.children)
      if (is_property(c)) return property_name(c);
    fail(fmt::format("ogc:{} needs an ogc:PropertyName", op));
  }

  static ExprPtr binary(const xml::Element& e, CompareOp op) {
    if (e.children.size() != 2)
      fail(fmt::format("ogc:{} needs a PropertyName and a Literal", e.name));
    const xml::Element& a = e.children[0];
    const xml::Element& b = e.children[1];
    if (is_property(a)) return compare(property_name(a), op, literal_text(b));
    if (is_property(b)) {
      // Literal first: the operator reads the other way round.
      CompareOp flipped = op;
      if (op == CompareOp::lt) flipped = CompareOp::gt;
      if (op == CompareOp::gt) flipped = CompareOp::lt;
      if (op == CompareOp::le) flipped = CompareOp::ge;
      if (op == CompareOp::ge) flipped = CompareOp::le;
      return compare(property_name(b), flipped, literal_text(a));
    }
    fail(fmt::format("ogc:{} needs a PropertyName", e.name));
  }

  static ExprPtr like_of(const xml::Element& e) {
    if (e.children.size() != 2 || !is_property(e.children[0]))
      fail("ogc:PropertyIsLike needs a PropertyName and a Literal, in that order");
    Queryable q = property_name(e.children[0]);
    std::string text = literal_text(e.children[1]);
    std::string wild = e.has_attribute("wildCard") ? e.attribute("wildCard") : "*";
    std::string single = e.has_attribute("singleChar") ? e.attribute("singleChar") : "?";
    std::string escape = e.has_attribute("escapeChar") ? e.attribute("escapeChar")
                         : e.has_attribute("escape")   ? e.attribute("escape")
                                                       : "\\";
    if (wild.empty()) fail("the wildCard of PropertyIsLike is empty");
    if (wild == single || (!escape.empty() && (escape == wild || escape == single)))
      fail("the wildCard, singleChar and escapeChar of PropertyIsLike must differ");
    return like(q, like_pattern(text, wild, single, escape));
  }

  static ExprPtr between_of(const xml::Element& e) {
    const xml::Element* lower = e.child("*", "LowerBoundary");
    const xml::Element* upper = e.child("*", "UpperBoundary");
    if (!lower || !upper || e.children.size() != 3 || !is_property(e.children[0]))
      fail("ogc:PropertyIsBetween needs a PropertyName, a LowerBoundary and an UpperBoundary");
    auto bound = [](const xml::Element& b) {
      if (b.children.size() != 1) fail("a boundary of PropertyIsBetween holds one ogc:Literal");
      return literal_text(b.children.front());
    };
    return between(property_name(e.children[0]), bound(*lower), bound(*upper));
  }

  static void corner(const std::string& text, double& a, double& b) {
    std::string t = xml_trim(text);
    std::size_t sp = t.find_first_of(" \t\n\r");
    if (sp == std::string::npos || !parse_number(t.substr(0, sp), a) ||
        !parse_number(xml_trim(t.substr(sp)), b))
      fail("an envelope corner must be two numbers separated by a space");
  }

  // gml:Envelope (lowerCorner/upperCorner, two gml:pos, two gml:coord) or gml:Box (gml:coordinates
  // "x,y x,y" or two gml:coord).
  static Envelope envelope_of(const xml::Element& g, std::string_view srs_default) {
    if (g.name != "Envelope" && g.name != "Box")
      fail(fmt::format("the geometry must be a gml:Envelope or gml:Box, not '{}'",
                       g.name.substr(0, 60)));
    std::string srs =
        g.has_attribute("srsName") ? g.attribute("srsName") : std::string(srs_default);
    double v[4];
    const xml::Element* lo = g.child("*", "lowerCorner");
    const xml::Element* hi = g.child("*", "upperCorner");
    auto pos = g.children_named("*", "pos");
    auto coord = g.children_named("*", "coord");
    const xml::Element* coordinates = g.child("*", "coordinates");
    if (lo && hi) {
      corner(lo->text, v[0], v[1]);
      corner(hi->text, v[2], v[3]);
    } else if (pos.size() == 2) {
      corner(pos[0]->text, v[0], v[1]);
      corner(pos[1]->text, v[2], v[3]);
    } else if (coord.size() == 2) {
      for (int i = 0; i < 2; ++i)
        if (!parse_number(coord[i]->child_text("*", "X"), v[2 * i]) ||
            !parse_number(coord[i]->child_text("*", "Y"), v[2 * i + 1]))
          fail("a gml:coord needs numeric X and Y");
    } else if (coordinates) {
      std::string t = xml_trim(coordinates->text);
      std::vector<std::string> nums;
      std::string cur;
      for (char c : t) {
        if (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
          if (!cur.empty()) nums.push_back(std::move(cur));
          cur.clear();
        } else {
          cur.push_back(c);
        }
        if (nums.size() > 4) break;
      }
      if (!cur.empty()) nums.push_back(std::move(cur));
      if (nums.size() != 4) fail("gml:coordinates of a box must hold two x,y pairs");
      for (int i = 0; i < 4; ++i)
        if (!parse_number(nums[static_cast<std::size_t>(i)], v[i]))
          fail("gml:coordinates of a box must hold numbers");
    } else {
      fail("the envelope needs gml:lowerCorner and gml:upperCorner");
    }
    return lonlat_envelope(v[0], v[1], v[2], v[3], srs);
  }

  static ExprPtr spatial(const xml::Element& e, bool within) {
    const xml::Element* geometry = nullptr;
    std::size_t properties = 0;
    for (const auto& c : e.children) {
      if (is_property(c)) {
        ++properties;
        if (property_name(c) != Queryable::bbox)
          fail(fmt::format("ogc:{} applies to ows:BoundingBox only", e.name));
      } else if (geometry == nullptr) {
        geometry = &c;
      } else {
        fail(fmt::format("ogc:{} takes one geometry", e.name));
      }
    }
    if (properties > 1 || geometry == nullptr)
      fail(fmt::format("ogc:{} needs ows:BoundingBox and a gml:Envelope", e.name));
    return make_bbox(envelope_of(*geometry, ""), within);
  }
};

// --- CQL text ---

enum class Tok { end, word, string, number, bare, lparen, rparen, comma, op };

struct Token {
  Tok kind = Tok::end;
  std::string text;
  std::size_t at = 0;
};

class CqlParser {
 public:
  explicit CqlParser(std::string_view text) : text_(text) { lex(); }

  ExprPtr parse() {
    if (tokens_.size() == 1) fail("the CQL constraint is empty");
    ExprPtr e = parse_or(0);
    if (peek().kind != Tok::end) error_at(peek(), "unexpected text");
    return e;
  }

 private:
  std::string_view text_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  std::size_t nodes_ = 0;

  [[noreturn]] void error_at(const Token& t, std::string_view what) {
    std::string shown =
        t.kind == Tok::end ? std::string("the end") : "'" + t.text.substr(0, 40) + "'";
    fail(fmt::format("CQL: {} at {} (character {})", what, shown, t.at + 1));
  }

  static bool word_start(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
  }
  static bool word_char(char c) {
    return word_start(c) || (c >= '0' && c <= '9') || c == ':' || c == '.';
  }
  static bool bare_char(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == ':' ||
           c == '.' || c == '+' || c == '-' || c == '/';
  }

  void lex() {
    std::size_t i = 0;
    const std::string_view s = text_;
    while (true) {
      while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
      Token t;
      t.at = i;
      if (i >= s.size()) {
        t.kind = Tok::end;
        tokens_.push_back(std::move(t));
        return;
      }
      if (tokens_.size() > 4 * kMaxNodes) fail("the CQL constraint is too long");
      const char c = s[i];
      if (c == '(' || c == ')' || c == ',') {
        t.kind = c == '(' ? Tok::lparen : c == ')' ? Tok::rparen : Tok::comma;
        t.text = std::string(1, c);
        ++i;
      } else if (c == '\'') {
        t.kind = Tok::string;
        ++i;
        while (true) {
          if (i >= s.size()) {
            t.text = "'";
            error_at(t, "a string is not closed");
          }
          if (s[i] == '\'') {
            if (i + 1 < s.size() && s[i + 1] == '\'') {
              t.text.push_back('\'');
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          t.text.push_back(s[i++]);
        }
      } else if (c == '"') {
        // A quoted name.
        t.kind = Tok::word;
        std::size_t close = s.find('"', i + 1);
        if (close == std::string_view::npos) {
          t.text = "\"";
          error_at(t, "a quoted name is not closed");
        }
        t.text = std::string(s.substr(i + 1, close - i - 1));
        i = close + 1;
      } else if (c == '=' || c == '<' || c == '>' || c == '!') {
        t.kind = Tok::op;
        t.text.push_back(c);
        ++i;
        if (i < s.size() && (s[i] == '=' || (c == '<' && s[i] == '>'))) t.text.push_back(s[i++]);
        if (t.text == "!") error_at(t, "'!' must be followed by '='");
      } else if ((c >= '0' && c <= '9') ||
                 ((c == '-' || c == '+' || c == '.') && i + 1 < s.size() &&
                  ((s[i + 1] >= '0' && s[i + 1] <= '9') || s[i + 1] == '.'))) {
        std::size_t b = i++;
        while (i < s.size() && bare_char(s[i])) ++i;
        t.text = std::string(s.substr(b, i - b));
        double d = 0;
        t.kind = parse_number(t.text, d) ? Tok::number : Tok::bare;
      } else if (word_start(c)) {
        std::size_t b = i++;
        while (i < s.size() && word_char(s[i])) ++i;
        t.kind = Tok::word;
        t.text = std::string(s.substr(b, i - b));
      } else {
        t.text = std::string(1, c);
        error_at(t, "unexpected character");
      }
      tokens_.push_back(std::move(t));
    }
  }

  const Token& peek(std::size_t ahead = 0) const {
    std::size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
    return tokens_[i];
  }
  const Token& next() {
    const Token& t = peek();
    if (pos_ < tokens_.size() - 1) ++pos_;
    return t;
  }
  bool keyword(std::string_view kw, std::size_t ahead = 0) const {
    const Token& t = peek(ahead);
    return t.kind == Tok::word && ascii_iequals(t.text, kw);
  }
  bool accept_keyword(std::string_view kw) {
    if (!keyword(kw)) return false;
    next();
    return true;
  }
  void expect(Tok kind, std::string_view what) {
    if (peek().kind != kind) error_at(peek(), fmt::format("expected {}", what));
    next();
  }
  void count(std::size_t depth) {
    if (depth > kMaxDepth) error_at(peek(), "the constraint is nested too deeply");
    if (++nodes_ > kMaxNodes) error_at(peek(), "the constraint has too many conditions");
  }

  ExprPtr parse_or(std::size_t depth) {
    count(depth);
    std::vector<ExprPtr> parts{parse_and(depth + 1)};
    while (accept_keyword("OR")) parts.push_back(parse_and(depth + 1));
    return make_bool_op(Expr::Kind::or_, std::move(parts));
  }

  ExprPtr parse_and(std::size_t depth) {
    count(depth);
    std::vector<ExprPtr> parts{parse_not(depth + 1)};
    while (accept_keyword("AND")) parts.push_back(parse_not(depth + 1));
    return make_bool_op(Expr::Kind::and_, std::move(parts));
  }

  ExprPtr parse_not(std::size_t depth) {
    count(depth);
    if (accept_keyword("NOT")) return make_not(parse_not(depth + 1));
    if (peek().kind == Tok::lparen) {
      next();
      ExprPtr e = parse_or(depth + 1);
      expect(Tok::rparen, "')'");
      return e;
    }
    return parse_predicate();
  }

  // A literal's text: a quoted string, a number or a bare date/time.
  std::string literal(std::string_view what) {
    const Token& t = peek();
    if (t.kind != Tok::string && t.kind != Tok::number && t.kind != Tok::bare)
      error_at(t, fmt::format("expected {}", what));
    return next().text;
  }

  double number() {
    const Token& t = peek();
    double d = 0;
    if (t.kind != Tok::number || !parse_number(t.text, d)) error_at(t, "expected a number");
    next();
    return d;
  }

  Queryable property() {
    const Token& t = peek();
    if (t.kind != Tok::word) error_at(t, "expected a queryable name");
    auto q = csw_queryable(t.text);
    if (!q) error_at(t, "unknown queryable (see the capabilities' queryables)");
    next();
    return *q;
  }

  ExprPtr parse_bbox(bool within) {
    expect(Tok::lparen, "'(' after BBOX");
    const Token& name = peek();
    if (property() != Queryable::bbox) error_at(name, "BBOX applies to ows:BoundingBox only");
    double v[4];
    for (double& x : v) {
      expect(Tok::comma, "','");
      x = number();
    }
    std::string crs;
    if (peek().kind == Tok::comma) {
      next();
      if (peek().kind != Tok::string) error_at(peek(), "expected a quoted CRS");
      crs = next().text;
    }
    expect(Tok::rparen, "')'");
    return make_bbox(lonlat_envelope(v[0], v[1], v[2], v[3], crs), within);
  }

  ExprPtr parse_predicate() {
    if (keyword("BBOX") && peek(1).kind == Tok::lparen) {
      next();
      return parse_bbox(false);
    }
    if ((keyword("WITHIN") || keyword("INTERSECTS")) && peek(1).kind == Tok::lparen) {
      const bool within = keyword("WITHIN");
      next();
      return parse_bbox(within);
    }
    Queryable q = property();
    const Token& t = peek();
    if (t.kind == Tok::op) {
      std::string op = next().text;
      CompareOp cop = op == "="                  ? CompareOp::eq
                      : op == "<>" || op == "!=" ? CompareOp::ne
                      : op == "<"                ? CompareOp::lt
                      : op == "<="               ? CompareOp::le
                      : op == ">"                ? CompareOp::gt
                      : op == ">="               ? CompareOp::ge
                                                 : (error_at(t, "unknown operator"), CompareOp::eq);
      return compare(q, cop, literal("a value"));
    }
    bool negate = false;
    if (keyword("NOT") &&
        (keyword("LIKE", 1) || keyword("ILIKE", 1) || keyword("BETWEEN", 1) || keyword("IN", 1))) {
      next();
      negate = true;
    }
    auto wrap = [&](ExprPtr e) { return negate ? make_not(std::move(e)) : e; };
    if (accept_keyword("LIKE") || accept_keyword("ILIKE")) {
      if (peek().kind != Tok::string) error_at(peek(), "expected a quoted pattern after LIKE");
      return wrap(like(q, like_pattern(next().text, "%", "_", "\\")));
    }
    if (accept_keyword("BETWEEN")) {
      std::string lo = literal("a lower bound");
      if (!accept_keyword("AND")) error_at(peek(), "expected AND in BETWEEN");
      std::string hi = literal("an upper bound");
      return wrap(between(q, lo, hi));
    }
    if (accept_keyword("IN")) {
      expect(Tok::lparen, "'(' after IN");
      std::vector<ExprPtr> parts;
      while (true) {
        if (parts.size() >= kMaxNodes) error_at(peek(), "the IN list is too long");
        parts.push_back(compare(q, CompareOp::eq, literal("a value")));
        if (peek().kind == Tok::comma) {
          next();
          continue;
        }
        expect(Tok::rparen, "')' or ','");
        break;
      }
      return wrap(make_bool_op(Expr::Kind::or_, std::move(parts)));
    }
    if (accept_keyword("IS")) {
      const bool is_not = accept_keyword("NOT");
      if (!accept_keyword("NULL")) error_at(peek(), "expected NULL after IS");
      return is_not ? make_not(is_null(q)) : is_null(q);
    }
    if (keyword("BEFORE") || keyword("AFTER") || keyword("DURING")) {
      const std::string op = ascii_lowercase(next().text);
      if (!is_time_queryable(q)) error_at(peek(), "temporal operators need a date queryable");
      std::string value = literal("a time");
      if (op == "before") return compare(q, CompareOp::lt, value);
      if (op == "after") return compare(q, CompareOp::gt, value);
      std::size_t slash = value.find('/');
      if (slash == std::string::npos) error_at(peek(), "DURING needs a period start/end");
      return between(q, value.substr(0, slash), value.substr(slash + 1));
    }
    error_at(t, "expected a comparison, LIKE, BETWEEN, IN, IS NULL or a temporal operator");
  }
};

}  // namespace

std::optional<search::Queryable> csw_queryable(std::string_view name) {
  std::string_view prefix;
  std::string_view local = name;
  if (std::size_t c = name.find(':'); c != std::string_view::npos) {
    prefix = name.substr(0, c);
    local = name.substr(c + 1);
  }
  bool known_prefix = false;
  for (std::string_view p : kPrefixes)
    if (ascii_iequals(p, prefix)) known_prefix = true;
  if (!known_prefix) return std::nullopt;
  for (const auto& q : kQueryables)
    if (ascii_iequals(q.name, local)) return q.queryable;
  return std::nullopt;
}

ExprPtr parse_ogc_filter(const xml::Element& filter) {
  FilterReader reader;
  return reader.read_filter(filter);
}

ExprPtr parse_csw_cql(std::string_view text) {
  if (text.size() > kMaxCqlBytes) fail("the CQL constraint is longer than 16 KB");
  CqlParser parser(text);
  return parser.parse();
}

}  // namespace shikong::ogc
