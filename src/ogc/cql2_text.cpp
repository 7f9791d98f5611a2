// CQL2 text parser: a lexer over the filter bytes and a recursive-descent parser that builds
// core::Expr directly, resolving names against the schema and converting literals to field types.
#include "ogc/cql2_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <utility>

#include "core/error.hpp"
#include "core/log.hpp"
#include "datum/time.hpp"
#include "geo/wkb.hpp"
#include "geo/wkt.hpp"

namespace shikong::ogc {
namespace {

constexpr std::string_view kParam = "filter";

[[noreturn]] void fail(const std::string& sentence) {
  throw InvalidInput("invalid-filter", sentence, std::string(kParam));
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// Client text quoted in an error sentence, cut short so errors stay small.
std::string excerpt(std::string_view s) {
  if (s.size() > 40) return fmt::format("{}...", s.substr(0, 40));
  return std::string(s);
}

enum class Tok { end, ident, quoted_ident, string, number, lparen, rparen, comma, op };

struct Token {
  Tok kind = Tok::end;
  std::string text;  // identifier/number/op text; string content with '' unescaped
  std::size_t pos = 0;
};

bool ident_start(unsigned char c) {
  return std::isalpha(c) || c == '_' || c >= 0x80;
}
bool ident_char(unsigned char c) {
  return std::isalnum(c) || c == '_' || c == '.' || c == ':' || c >= 0x80;
}

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  const Token& peek() {
    if (!has_peek_) {
      peeked_ = scan();
      has_peek_ = true;
    }
    return peeked_;
  }
  Token next() {
    peek();
    has_peek_ = false;
    return std::move(peeked_);
  }
  std::string_view source() const { return s_; }
  // Repositions the lexer (after raw scanning of a WKT literal).
  void seek(std::size_t pos) {
    pos_ = pos;
    has_peek_ = false;
  }

 private:
  Token scan() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    Token t;
    t.pos = pos_;
    if (pos_ >= s_.size()) return t;
    const char c = s_[pos_];
    const auto uc = static_cast<unsigned char>(c);
    if (c == '(' || c == ')' || c == ',') {
      t.kind = c == '(' ? Tok::lparen : c == ')' ? Tok::rparen : Tok::comma;
      t.text = std::string(1, c);
      ++pos_;
      return t;
    }
    if (c == '=' || c == '<' || c == '>') {
      t.kind = Tok::op;
      t.text = std::string(1, c);
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '=' || (c == '<' && s_[pos_] == '>'))) {
        t.text.push_back(s_[pos_]);
        ++pos_;
      }
      return t;
    }
    if (c == '\'') {
      t.kind = Tok::string;
      ++pos_;
      for (;;) {
        if (pos_ >= s_.size())
          fail(fmt::format("a string starting at character {} is not closed", t.pos + 1));
        if (s_[pos_] == '\'') {
          if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '\'') {
            t.text.push_back('\'');
            pos_ += 2;
            continue;
          }
          ++pos_;
          return t;
        }
        t.text.push_back(s_[pos_++]);
      }
    }
    if (c == '"') {
      t.kind = Tok::quoted_ident;
      ++pos_;
      const std::size_t close = s_.find('"', pos_);
      if (close == std::string_view::npos)
        fail(fmt::format("a quoted name starting at character {} is not closed", t.pos + 1));
      t.text = std::string(s_.substr(pos_, close - pos_));
      pos_ = close + 1;
      return t;
    }
    const bool sign =
        (c == '-' || c == '+') && pos_ + 1 < s_.size() &&
        (std::isdigit(static_cast<unsigned char>(s_[pos_ + 1])) || s_[pos_ + 1] == '.');
    if (sign || std::isdigit(uc) || c == '.') {
      t.kind = Tok::number;
      std::size_t p = pos_ + (sign ? 1 : 0);
      while (p < s_.size() && std::isdigit(static_cast<unsigned char>(s_[p]))) ++p;
      if (p < s_.size() && s_[p] == '.') {
        ++p;
        while (p < s_.size() && std::isdigit(static_cast<unsigned char>(s_[p]))) ++p;
      }
      if (p < s_.size() && (s_[p] == 'e' || s_[p] == 'E')) {
        std::size_t q = p + 1;
        if (q < s_.size() && (s_[q] == '+' || s_[q] == '-')) ++q;
        if (q < s_.size() && std::isdigit(static_cast<unsigned char>(s_[q]))) {
          p = q;
          while (p < s_.size() && std::isdigit(static_cast<unsigned char>(s_[p]))) ++p;
        }
      }
      t.text = std::string(s_.substr(pos_, p - pos_));
      pos_ = p;
      return t;
    }
    if (ident_start(uc)) {
      t.kind = Tok::ident;
      std::size_t p = pos_;
      while (p < s_.size() && ident_char(static_cast<unsigned char>(s_[p]))) ++p;
      t.text = std::string(s_.substr(pos_, p - pos_));
      pos_ = p;
      return t;
    }
    fail(fmt::format("unexpected character '{}' at character {}", c, pos_ + 1));
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  Token peeked_;
  bool has_peek_ = false;
};

// A scalar operand of a predicate.
struct Operand {
  enum class Kind { property, literal, valid_time, geometry_property } kind = Kind::literal;
  std::size_t field = 0;
  std::string name;
  Value value;
  enum class Lit { none, string, number, boolean, date, timestamp } lit = Lit::none;
  std::size_t pos = 0;
};

std::string_view lit_name(Operand::Lit l) {
  switch (l) {
    case Operand::Lit::string:
      return "a string";
    case Operand::Lit::number:
      return "a number";
    case Operand::Lit::boolean:
      return "a boolean";
    case Operand::Lit::date:
      return "a DATE";
    case Operand::Lit::timestamp:
      return "a TIMESTAMP";
    case Operand::Lit::none:
      break;
  }
  return "a literal";
}

ExprPtr make_bool(bool b) {
  auto e = std::make_shared<Expr>();
  e->kind = Expr::Kind::literal_bool;
  e->literal = b;
  return e;
}

ExprPtr make_not(ExprPtr child) {
  auto e = std::make_shared<Expr>();
  e->kind = Expr::Kind::not_;
  e->children.push_back(std::move(child));
  return e;
}

ExprPtr make_compare(std::size_t field, CompareOp op, Value v) {
  auto e = std::make_shared<Expr>();
  e->kind = Expr::Kind::compare;
  e->field = field;
  e->op = op;
  e->literal = std::move(v);
  return e;
}

CompareOp flip(CompareOp op) {
  switch (op) {
    case CompareOp::lt:
      return CompareOp::gt;
    case CompareOp::le:
      return CompareOp::ge;
    case CompareOp::gt:
      return CompareOp::lt;
    case CompareOp::ge:
      return CompareOp::le;
    default:
      return op;
  }
}

// Days since the epoch of the civil date an instant falls on in the platform zone.
Date date_of(Instant t) {
  const std::int64_t day = 86'400'000'000LL;
  const std::int64_t local =
      t.micros + std::int64_t{datum::platform_zone().offset_minutes} * 60'000'000LL;
  std::int64_t d = local / day;
  if (local % day < 0) --d;
  return Date{static_cast<std::int32_t>(d)};
}

std::optional<Date> parse_date_strict(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0, d = 0;
  auto num = [&](std::size_t from, std::size_t len, auto& out) {
    auto r = std::from_chars(s.data() + from, s.data() + from + len, out);
    return r.ec == std::errc{} && r.ptr == s.data() + from + len;
  };
  if (!num(0, 4, y) || !num(5, 2, m) || !num(8, 2, d)) return std::nullopt;
  if (m < 1 || m > 12 || d < 1) return std::nullopt;
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const unsigned max_day = kDays[m - 1] + ((m == 2 && leap) ? 1 : 0);
  if (d > max_day) return std::nullopt;
  return date_from_civil(y, m, d);
}

class Parser {
 public:
  Parser(std::string_view text, const Cql2Context& ctx) : lex_(text), ctx_(ctx) {
    filter_crs_ = ctx.filter_crs.id.empty() ? datum::crs84() : ctx.filter_crs;
  }

  ExprPtr parse() {
    if (lex_.peek().kind == Tok::end) fail("the filter is empty");
    ExprPtr e = parse_or();
    const Token& t = lex_.peek();
    if (t.kind != Tok::end)
      fail(fmt::format("unexpected '{}' at character {}", excerpt(t.text), t.pos + 1));
    return e;
  }

 private:
  struct DepthGuard {
    explicit DepthGuard(Parser& p) : parser(p) {
      if (++parser.depth_ > parser.ctx_.limits.max_depth)
        fail(fmt::format("the filter is nested deeper than {} levels",
                         parser.ctx_.limits.max_depth));
    }
    ~DepthGuard() { --parser.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    Parser& parser;
  };

  void count_node() {
    if (++nodes_ > ctx_.limits.max_nodes)
      fail(fmt::format("the filter has more than {} conditions", ctx_.limits.max_nodes));
  }

  bool peek_keyword(std::string_view kw) {
    const Token& t = lex_.peek();
    return t.kind == Tok::ident && iequals(t.text, kw);
  }
  bool accept_keyword(std::string_view kw) {
    if (!peek_keyword(kw)) return false;
    lex_.next();
    return true;
  }
  Token expect(Tok kind, std::string_view what) {
    Token t = lex_.next();
    if (t.kind != kind) {
      if (t.kind == Tok::end) fail(fmt::format("expected {} but the filter ended", what));
      fail(fmt::format("expected {} at character {} but found '{}'", what, t.pos + 1,
                       excerpt(t.text)));
    }
    return t;
  }
  void expect_keyword(std::string_view kw) {
    if (!accept_keyword(kw)) {
      const Token& t = lex_.peek();
      if (t.kind == Tok::end) fail(fmt::format("expected {} but the filter ended", kw));
      fail(fmt::format("expected {} at character {} but found '{}'", kw, t.pos + 1,
                       excerpt(t.text)));
    }
  }

  ExprPtr parse_or() {
    DepthGuard guard(*this);
    ExprPtr first = parse_and();
    if (!peek_keyword("OR")) return first;
    auto e = std::make_shared<Expr>();
    e->kind = Expr::Kind::or_;
    e->children.push_back(std::move(first));
    while (accept_keyword("OR")) {
      count_node();
      e->children.push_back(parse_and());
    }
    return e;
  }

  ExprPtr parse_and() {
    ExprPtr first = parse_not();
    if (!peek_keyword("AND")) return first;
    auto e = std::make_shared<Expr>();
    e->kind = Expr::Kind::and_;
    e->children.push_back(std::move(first));
    while (accept_keyword("AND")) {
      count_node();
      e->children.push_back(parse_not());
    }
    return e;
  }

  ExprPtr parse_not() {
    if (accept_keyword("NOT")) {
      DepthGuard guard(*this);
      count_node();
      return make_not(parse_not());
    }
    return parse_primary();
  }

  ExprPtr parse_primary() {
    count_node();
    const Token& t = lex_.peek();
    if (t.kind == Tok::lparen) {
      DepthGuard guard(*this);
      lex_.next();
      ExprPtr e = parse_or();
      expect(Tok::rparen, "')'");
      return e;
    }
    if (t.kind == Tok::ident) {
      const std::string name = t.text;
      const std::size_t pos = t.pos;
      if (is_function_call(pos, name)) {
        if (iequals(name, "S_INTERSECTS")) return parse_spatial();
        if (iequals(name, "T_INTERSECTS")) return parse_temporal();
        if (!iequals(name, "DATE") && !iequals(name, "TIMESTAMP")) {
          if (name.size() > 2 && (name[1] == '_') &&
              (std::toupper(static_cast<unsigned char>(name[0])) == 'S' ||
               std::toupper(static_cast<unsigned char>(name[0])) == 'T' ||
               std::toupper(static_cast<unsigned char>(name[0])) == 'A'))
            fail(fmt::format("the function {} is not supported; use S_INTERSECTS or T_INTERSECTS",
                             excerpt(name)));
          fail(fmt::format("unknown function '{}'", excerpt(name)));
        }
      }
    }
    return parse_predicate();
  }

  // True when the identifier at `pos` is directly followed by '(' (a function call).
  bool is_function_call(std::size_t pos, std::string_view name) {
    std::string_view s = lex_.source();
    std::size_t p = pos + name.size();
    while (p < s.size() && std::isspace(static_cast<unsigned char>(s[p]))) ++p;
    return p < s.size() && s[p] == '(';
  }

  Operand parse_operand() {
    Token t = lex_.next();
    Operand o;
    o.pos = t.pos;
    switch (t.kind) {
      case Tok::string:
        o.lit = Operand::Lit::string;
        o.value = std::move(t.text);
        return o;
      case Tok::number:
        o.lit = Operand::Lit::number;
        o.value = parse_number(t);
        return o;
      case Tok::quoted_ident:
        return resolve_property(t.text, t.pos);
      case Tok::ident:
        if (iequals(t.text, "TRUE") || iequals(t.text, "FALSE")) {
          o.lit = Operand::Lit::boolean;
          o.value = iequals(t.text, "TRUE");
          return o;
        }
        if (is_function_call(t.pos, t.text)) {
          if (iequals(t.text, "DATE")) {
            o.lit = Operand::Lit::date;
            o.value = date_literal();
            return o;
          }
          if (iequals(t.text, "TIMESTAMP")) {
            o.lit = Operand::Lit::timestamp;
            o.value = timestamp_literal();
            return o;
          }
          fail(fmt::format("unexpected function '{}' at character {}", excerpt(t.text), t.pos + 1));
        }
        if (is_reserved_word(t.text))
          fail(fmt::format("expected a property or a value at character {} but found '{}'",
                           t.pos + 1, excerpt(t.text)));
        return resolve_property(t.text, t.pos);
      case Tok::end:
        fail("expected a property or a value but the filter ended");
      default:
        fail(fmt::format("expected a property or a value at character {} but found '{}'", t.pos + 1,
                         excerpt(t.text)));
    }
  }

  static bool is_reserved_word(std::string_view w) {
    for (std::string_view kw : {"AND", "OR", "NOT", "LIKE", "BETWEEN", "IN", "IS", "NULL"})
      if (iequals(w, kw)) return true;
    return false;
  }

  Value parse_number(const Token& t) {
    const std::string& s = t.text;
    const bool integral = s.find_first_of(".eE") == std::string::npos;
    const char* b = s.data() + (s[0] == '+' ? 1 : 0);
    const char* e = s.data() + s.size();
    if (integral) {
      std::int64_t v = 0;
      auto r = std::from_chars(b, e, v);
      if (r.ec == std::errc{} && r.ptr == e) return v;
    }
    double d = 0;
    auto r = std::from_chars(b, e, d);
    if (r.ec != std::errc{} || r.ptr != e || !std::isfinite(d))
      fail(fmt::format("'{}' at character {} is not a valid number", excerpt(s), t.pos + 1));
    return d;
  }

  std::string string_argument(std::string_view fn) {
    expect(Tok::lparen, fmt::format("'(' after {}", fn));
    Token s = expect(Tok::string, fmt::format("a quoted string in {}", fn));
    expect(Tok::rparen, fmt::format("')' closing {}", fn));
    return s.text;
  }

  Date date_literal() {
    const std::string s = string_argument("DATE");
    auto d = parse_date_strict(s);
    if (!d) fail(fmt::format("DATE('{}') is not a date of the form YYYY-MM-DD", excerpt(s)));
    return *d;
  }

  // TIMESTAMP text without a zone is read as UTC, as CQL2 timestamps are.
  Instant timestamp_literal() {
    const std::string s = string_argument("TIMESTAMP");
    datum::TimeParseOptions opt;
    opt.allow_unix = false;
    opt.zone = datum::Zone{0, "UTC"};
    auto t = datum::parse_time(s, opt);
    if (!t || t->date_only)
      fail(fmt::format("TIMESTAMP('{}') is not an RFC 3339 timestamp", excerpt(s)));
    return t->instant;
  }

  Operand resolve_property(const std::string& name, std::size_t pos) {
    Operand o;
    o.pos = pos;
    o.name = name;
    if (auto i = ctx_.schema->find(name)) {
      o.kind = Operand::Kind::property;
      o.field = *i;
      return o;
    }
    if (name == kValidTimeQueryable) {
      o.kind = Operand::Kind::valid_time;
      return o;
    }
    if (name == kGeometryQueryable || name == "geom") {
      o.kind = Operand::Kind::geometry_property;
      return o;
    }
    fail(fmt::format("unknown property '{}'", excerpt(name)));
  }

  const Field& field_of(const Operand& o) const { return ctx_.schema->fields[o.field]; }

  void require_plain_property(const Operand& o, std::string_view what) {
    if (o.kind == Operand::Kind::geometry_property)
      fail(fmt::format("the geometry can only be used in S_INTERSECTS, not in {}", what));
    if (o.kind == Operand::Kind::valid_time)
      fail(fmt::format("'{}' can only be used in T_INTERSECTS, not in {}", o.name, what));
  }

  // Converts a literal to the type of `f`; numbers of the other numeric type are converted,
  // strings are read as the field's type, anything else is a type error.
  Value coerce(const Operand& lit, const Field& f) {
    using L = Operand::Lit;
    auto mismatch = [&]() -> Value {
      fail(fmt::format("the property '{}' holds {} values and cannot be compared with {}", f.name,
                       to_string(f.type), lit_name(lit.lit)));
    };
    switch (f.type) {
      case FieldType::integer:
        if (lit.lit != L::number) return mismatch();
        if (auto* d = std::get_if<double>(&lit.value)) {
          if (std::trunc(*d) == *d && std::abs(*d) < 9.2e18) return static_cast<std::int64_t>(*d);
          return *d;
        }
        return lit.value;
      case FieldType::real:
        if (lit.lit != L::number) return mismatch();
        if (auto* i = std::get_if<std::int64_t>(&lit.value)) return static_cast<double>(*i);
        return lit.value;
      case FieldType::boolean:
        if (lit.lit != L::boolean) return mismatch();
        return lit.value;
      case FieldType::text:
        if (lit.lit != L::string) return mismatch();
        return lit.value;
      case FieldType::date:
        if (lit.lit == L::date) return lit.value;
        if (lit.lit == L::string) {
          if (auto d = parse_date_strict(std::get<std::string>(lit.value))) return *d;
          fail(fmt::format("'{}' is not a date of the form YYYY-MM-DD (property '{}')",
                           excerpt(std::get<std::string>(lit.value)), f.name));
        }
        return mismatch();
      case FieldType::datetime:
        if (lit.lit == L::timestamp) return lit.value;
        if (lit.lit == L::string) {
          datum::TimeParseOptions opt;
          opt.allow_unix = false;
          auto t = datum::parse_time(std::get<std::string>(lit.value), opt);
          if (!t)
            fail(fmt::format("'{}' is not a timestamp (property '{}')",
                             excerpt(std::get<std::string>(lit.value)), f.name));
          return t->instant;
        }
        return mismatch();
    }
    return mismatch();
  }

  Operand require_literal(std::string_view what) {
    Operand o = parse_operand();
    if (o.kind != Operand::Kind::literal)
      fail(fmt::format("expected a value in {} at character {} but found the property '{}'", what,
                       o.pos + 1, excerpt(o.name)));
    return o;
  }

  ExprPtr parse_predicate() {
    Operand left = parse_operand();
    const Token& t = lex_.peek();
    if (t.kind == Tok::op) return parse_comparison(std::move(left));
    bool negated = false;
    if (peek_keyword("NOT")) {
      lex_.next();
      negated = true;
      if (!peek_keyword("LIKE") && !peek_keyword("BETWEEN") && !peek_keyword("IN"))
        fail("expected LIKE, BETWEEN or IN after NOT");
    }
    ExprPtr e;
    if (accept_keyword("LIKE")) {
      e = parse_like(left);
    } else if (accept_keyword("BETWEEN")) {
      e = parse_between(left);
    } else if (accept_keyword("IN")) {
      e = parse_in(left);
    } else if (accept_keyword("IS")) {
      const bool is_not = accept_keyword("NOT");
      expect_keyword("NULL");
      e = parse_is_null(left);
      if (is_not) e = make_not(std::move(e));
    } else {
      // A bare boolean value or boolean property is a predicate of its own.
      if (left.kind == Operand::Kind::literal && left.lit == Operand::Lit::boolean)
        return make_bool(std::get<bool>(left.value));
      if (left.kind == Operand::Kind::property && field_of(left).type == FieldType::boolean)
        return make_compare(left.field, CompareOp::eq, true);
      if (t.kind == Tok::end) fail("expected a comparison but the filter ended");
      fail(fmt::format("expected a comparison operator at character {} but found '{}'", t.pos + 1,
                       excerpt(t.text)));
    }
    return negated ? make_not(std::move(e)) : e;
  }

  ExprPtr parse_comparison(Operand left) {
    const Token op_tok = lex_.next();
    CompareOp op;
    if (op_tok.text == "=")
      op = CompareOp::eq;
    else if (op_tok.text == "<>")
      op = CompareOp::ne;
    else if (op_tok.text == "<")
      op = CompareOp::lt;
    else if (op_tok.text == "<=")
      op = CompareOp::le;
    else if (op_tok.text == ">")
      op = CompareOp::gt;
    else if (op_tok.text == ">=")
      op = CompareOp::ge;
    else
      fail(fmt::format("unknown operator '{}' at character {}", excerpt(op_tok.text),
                       op_tok.pos + 1));
    Operand right = parse_operand();
    if (left.kind == Operand::Kind::valid_time || right.kind == Operand::Kind::valid_time)
      return valid_time_comparison(std::move(left), op, std::move(right));
    require_plain_property(left, "a comparison");
    require_plain_property(right, "a comparison");
    const bool lp = left.kind == Operand::Kind::property;
    const bool rp = right.kind == Operand::Kind::property;
    if (lp && rp)
      fail("comparing two properties is not supported; compare a property with a value");
    if (!lp && !rp) fail("a comparison needs a property on one side");
    if (!lp) {
      std::swap(left, right);
      op = flip(op);
    }
    return make_compare(left.field, op, coerce(right, field_of(left)));
  }

  // "datetime <op> TIMESTAMP(...)" on the valid time, as the interval the comparison allows:
  // exact for instants, "overlaps" for valid-time intervals.
  ExprPtr valid_time_comparison(Operand left, CompareOp op, Operand right) {
    if (right.kind == Operand::Kind::valid_time) {
      std::swap(left, right);
      op = flip(op);
    }
    if (right.kind != Operand::Kind::literal)
      fail(fmt::format("'{}' can only be compared with a TIMESTAMP or DATE", left.name));
    if (!ctx_.has_valid_time) fail("this collection has no valid time to filter on");
    const Interval v = instant_interval(right);
    Interval iv;
    switch (op) {
      case CompareOp::eq:
        iv = v;
        break;
      case CompareOp::ge:
        iv.start = v.start;
        break;
      case CompareOp::gt:
        iv.start = Instant{v.end->micros + 1};
        break;
      case CompareOp::le:
        iv.end = v.end;
        break;
      case CompareOp::lt:
        iv.end = Instant{v.start->micros - 1};
        break;
      case CompareOp::ne:
        fail(fmt::format("'{}' cannot be compared with <>; use NOT T_INTERSECTS", left.name));
    }
    auto e = std::make_shared<Expr>();
    e->kind = Expr::Kind::time;
    e->interval = iv;
    return e;
  }

  ExprPtr parse_like(const Operand& left) {
    require_plain_property(left, "LIKE");
    if (left.kind != Operand::Kind::property) fail("LIKE needs a property on its left");
    if (field_of(left).type != FieldType::text)
      fail(fmt::format("LIKE needs a text property; '{}' holds {} values", field_of(left).name,
                       to_string(field_of(left).type)));
    Token p = expect(Tok::string, "a quoted pattern after LIKE");
    auto e = std::make_shared<Expr>();
    e->kind = Expr::Kind::like;
    e->field = left.field;
    e->literal = std::move(p.text);
    return e;
  }

  ExprPtr parse_between(const Operand& left) {
    require_plain_property(left, "BETWEEN");
    if (left.kind != Operand::Kind::property) fail("BETWEEN needs a property on its left");
    const Field& f = field_of(left);
    Operand lo = require_literal("BETWEEN");
    expect_keyword("AND");
    Operand hi = require_literal("BETWEEN");
    auto e = std::make_shared<Expr>();
    e->kind = Expr::Kind::between;
    e->field = left.field;
    e->literal = coerce(lo, f);
    e->literal2 = coerce(hi, f);
    return e;
  }

  ExprPtr parse_in(const Operand& left) {
    require_plain_property(left, "IN");
    if (left.kind != Operand::Kind::property) fail("IN needs a property on its left");
    const Field& f = field_of(left);
    expect(Tok::lparen, "'(' after IN");
    auto e = std::make_shared<Expr>();
    e->kind = Expr::Kind::in;
    e->field = left.field;
    for (;;) {
      Operand v = require_literal("an IN list");
      if (e->list.size() >= ctx_.limits.max_list)
        fail(fmt::format("an IN list has more than {} values", ctx_.limits.max_list));
      e->list.push_back(coerce(v, f));
      Token sep = lex_.next();
      if (sep.kind == Tok::rparen) break;
      if (sep.kind != Tok::comma)
        fail(fmt::format("expected ',' or ')' in the IN list at character {}", sep.pos + 1));
    }
    return e;
  }

  ExprPtr parse_is_null(const Operand& left) {
    require_plain_property(left, "IS NULL");
    if (left.kind != Operand::Kind::property) fail("IS NULL needs a property on its left");
    auto e = std::make_shared<Expr>();
    e->kind = Expr::Kind::is_null;
    e->field = left.field;
    return e;
  }

  // ---- S_INTERSECTS ----

  ExprPtr parse_spatial() {
    DepthGuard guard(*this);
    lex_.next();  // S_INTERSECTS
    expect(Tok::lparen, "'(' after S_INTERSECTS");
    bool have_property = false;
    ExprPtr literal;
    for (int arg = 0; arg < 2; ++arg) {
      if (arg == 1) expect(Tok::comma, "',' between the arguments of S_INTERSECTS");
      const Token& t = lex_.peek();
      const bool is_prop = (t.kind == Tok::quoted_ident) ||
                           (t.kind == Tok::ident && !is_function_call(t.pos, t.text) &&
                            !is_geometry_keyword(t.text));
      if (is_prop) {
        Token p = lex_.next();
        if (have_property) fail("S_INTERSECTS between two properties is not supported");
        if (p.text != kGeometryQueryable && p.text != "geom")
          fail(fmt::format("S_INTERSECTS needs the geometry property 'geometry', not '{}'",
                           excerpt(p.text)));
        have_property = true;
      } else {
        if (literal) fail("S_INTERSECTS between two literals is not supported");
        literal = geometry_literal();
      }
    }
    expect(Tok::rparen, "')' closing S_INTERSECTS");
    if (!have_property || !literal) fail("S_INTERSECTS needs the geometry property and a geometry");
    return literal;
  }

  static bool is_geometry_keyword(std::string_view w) {
    for (std::string_view kw : {"POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING",
                                "MULTIPOLYGON", "GEOMETRYCOLLECTION", "BBOX"})
      if (iequals(w, kw)) return true;
    return false;
  }

  void count_vertices(std::size_t n) {
    vertices_ += n;
    if (vertices_ > ctx_.limits.max_vertices)
      fail(fmt::format("the filter's geometries have more than {} vertices",
                       ctx_.limits.max_vertices));
  }

  ExprPtr geometry_literal() {
    Token kw = lex_.next();
    if (kw.kind != Tok::ident || !is_geometry_keyword(kw.text)) {
      if (kw.kind == Tok::end) fail("expected a geometry but the filter ended");
      fail(fmt::format("expected a geometry (WKT or BBOX) at character {} but found '{}'",
                       kw.pos + 1, excerpt(kw.text)));
    }
    if (iequals(kw.text, "BBOX")) return bbox_literal();
    // The WKT text runs from the keyword to its balancing ')' (or EMPTY); the WKT reader parses it.
    std::string_view s = lex_.source();
    std::size_t p = kw.pos + kw.text.size();
    int level = 0;
    std::size_t end = std::string_view::npos;
    for (std::size_t i = p; i < s.size(); ++i) {
      if (s[i] == '(') {
        ++level;
        if (static_cast<std::size_t>(level) > ctx_.limits.max_depth)
          fail("a geometry in the filter is nested too deeply");
      } else if (s[i] == ')') {
        if (level == 0) break;
        if (--level == 0) {
          end = i + 1;
          break;
        }
      } else if (level == 0 && !std::isspace(static_cast<unsigned char>(s[i])) &&
                 !std::isalpha(static_cast<unsigned char>(s[i]))) {
        break;
      } else if (level == 0 && std::isalpha(static_cast<unsigned char>(s[i]))) {
        // Z, M, ZM or EMPTY after the keyword.
        std::size_t j = i;
        while (j < s.size() && std::isalpha(static_cast<unsigned char>(s[j]))) ++j;
        std::string_view word = s.substr(i, j - i);
        if (iequals(word, "EMPTY")) {
          end = j;
          break;
        }
        if (!iequals(word, "Z") && !iequals(word, "M") && !iequals(word, "ZM")) break;
        i = j - 1;
      }
    }
    if (end == std::string_view::npos)
      fail(fmt::format("the geometry starting at character {} is not closed", kw.pos + 1));
    const std::string_view wkt = s.substr(kw.pos, end - kw.pos);
    lex_.seek(end);
    geo::Geometry g;
    try {
      g = geo::from_wkt(wkt);
    } catch (const Error&) {
      fail(fmt::format("the geometry starting at character {} is not valid WKT", kw.pos + 1));
    }
    std::size_t n = 0;
    bool finite = true;
    g.for_each_coord([&](const geo::Coord& c) {
      ++n;
      finite = finite && std::isfinite(c.x) && std::isfinite(c.y) && std::isfinite(c.z);
    });
    if (!finite)
      fail(
          fmt::format("the geometry starting at character {} has a coordinate that is not a "
                      "finite number",
                      kw.pos + 1));
    count_vertices(n);
    to_platform(g);
    auto e = std::make_shared<Expr>();
    e->kind = Expr::Kind::geometry;
    e->envelope = g.envelope();
    e->wkb = geo::to_wkb(g);
    return e;
  }

  ExprPtr bbox_literal() {
    expect(Tok::lparen, "'(' after BBOX");
    std::vector<double> v;
    for (;;) {
      Token n = expect(Tok::number, "a number in BBOX");
      Value val = parse_number(n);
      v.push_back(std::holds_alternative<double>(val)
                      ? std::get<double>(val)
                      : static_cast<double>(std::get<std::int64_t>(val)));
      Token sep = lex_.next();
      if (sep.kind == Tok::rparen) break;
      if (sep.kind != Tok::comma || v.size() >= 6) fail("BBOX takes 4 or 6 numbers");
    }
    if (v.size() != 4 && v.size() != 6) fail("BBOX takes 4 or 6 numbers");
    count_vertices(2);
    const std::size_t k = v.size() / 2;
    double x0 = v[0], y0 = v[1], x1 = v[k], y1 = v[k + 1];
    if (filter_crs_.lat_first) {
      std::swap(x0, y0);
      std::swap(x1, y1);
    }
    if (x0 > x1 || y0 > y1)
      fail("BBOX needs its lower corner first (boxes across the antimeridian are not supported)");
    Envelope env = Envelope::of(x0, y0, x1, y1);
    if (!(filter_crs_ == datum::platform_crs())) {
      try {
        env = datum::transformer(filter_crs_, datum::platform_crs())->transform(env);
      } catch (const Error&) {
        fail("the BBOX cannot be transformed to the platform datum");
      }
    }
    auto e = std::make_shared<Expr>();
    e->kind = Expr::Kind::bbox;
    e->envelope = env;
    return e;
  }

  void to_platform(geo::Geometry& g) {
    if (filter_crs_.lat_first) g.for_each_coord([](geo::Coord& c) { std::swap(c.x, c.y); });
    if (filter_crs_ == datum::platform_crs()) return;
    try {
      datum::transformer(filter_crs_, datum::platform_crs())->transform(g);
    } catch (const Error&) {
      fail("a geometry in the filter cannot be transformed to the platform datum");
    }
  }

  // ---- T_INTERSECTS ----

  ExprPtr parse_temporal() {
    DepthGuard guard(*this);
    lex_.next();  // T_INTERSECTS
    expect(Tok::lparen, "'(' after T_INTERSECTS");
    std::optional<Operand> property;
    std::optional<Interval> interval;
    for (int arg = 0; arg < 2; ++arg) {
      if (arg == 1) expect(Tok::comma, "',' between the arguments of T_INTERSECTS");
      const Token& t = lex_.peek();
      if (t.kind == Tok::ident && iequals(t.text, "INTERVAL") && is_function_call(t.pos, t.text)) {
        lex_.next();
        if (interval) fail("T_INTERSECTS between two literals is not supported");
        interval = interval_literal();
        continue;
      }
      Operand o = parse_operand();
      if (o.kind == Operand::Kind::literal) {
        if (interval) fail("T_INTERSECTS between two literals is not supported");
        interval = instant_interval(o);
      } else {
        if (property) fail("T_INTERSECTS between two properties is not supported");
        property = std::move(o);
      }
    }
    expect(Tok::rparen, "')' closing T_INTERSECTS");
    if (!property || !interval) fail("T_INTERSECTS needs a time property and a time literal");
    return temporal_expr(*property, *interval);
  }

  // A DATE covers its whole day in the platform zone; a TIMESTAMP is an instant.
  Interval instant_interval(const Operand& o) {
    if (o.lit == Operand::Lit::timestamp) return Interval::at(std::get<Instant>(o.value));
    if (o.lit == Operand::Lit::date) return day_interval(std::get<Date>(o.value));
    fail(fmt::format("T_INTERSECTS needs a DATE, TIMESTAMP or INTERVAL, not {}", lit_name(o.lit)));
  }

  static Interval day_interval(Date d) {
    const std::int64_t day = 86'400'000'000LL;
    const std::int64_t start = std::int64_t{d.days} * day -
                               std::int64_t{datum::platform_zone().offset_minutes} * 60'000'000LL;
    return Interval{Instant{start}, Instant{start + day - 1}};
  }

  // One end of an INTERVAL: '..', a date or a timestamp string, DATE(...) or TIMESTAMP(...).
  std::optional<Interval> interval_end() {
    const Token& t = lex_.peek();
    if (t.kind == Tok::string) {
      Token s = lex_.next();
      if (s.text == "..") return std::nullopt;
      if (auto d = parse_date_strict(s.text)) return day_interval(*d);
      datum::TimeParseOptions opt;
      opt.allow_unix = false;
      opt.zone = datum::Zone{0, "UTC"};
      auto pt = datum::parse_time(s.text, opt);
      if (!pt) fail(fmt::format("'{}' in INTERVAL is not a date or timestamp", excerpt(s.text)));
      if (pt->date_only) return Interval{pt->instant, pt->last};
      return Interval::at(pt->instant);  // a timestamp is exact, whatever its precision
    }
    Operand o = require_literal("INTERVAL");
    return instant_interval(o);
  }

  Interval interval_literal() {
    expect(Tok::lparen, "'(' after INTERVAL");
    auto a = interval_end();
    expect(Tok::comma, "',' between the ends of INTERVAL");
    auto b = interval_end();
    expect(Tok::rparen, "')' closing INTERVAL");
    Interval r;
    if (a) r.start = a->start;
    if (b) r.end = b->end;
    if (r.start && r.end && *r.start > *r.end) fail("the INTERVAL ends before it starts");
    return r;
  }

  ExprPtr temporal_expr(const Operand& p, const Interval& iv) {
    if (p.kind == Operand::Kind::geometry_property)
      fail("T_INTERSECTS needs a time property, not the geometry");
    const bool valid_time = p.kind == Operand::Kind::valid_time ||
                            (ctx_.has_valid_time && p.kind == Operand::Kind::property &&
                             (p.name == ctx_.time_start_field || p.name == ctx_.time_end_field));
    if (valid_time) {
      if (!ctx_.has_valid_time) fail("this collection has no valid time to filter on");
      auto e = std::make_shared<Expr>();
      e->kind = Expr::Kind::time;
      e->interval = iv;
      return e;
    }
    const Field& f = field_of(p);
    if (f.type == FieldType::datetime) return range_expr(p.field, iv.start, iv.end);
    if (f.type == FieldType::date) {
      std::optional<Value> lo, hi;
      if (iv.start) lo = date_of(*iv.start);
      if (iv.end) hi = date_of(*iv.end);
      return range_expr(p.field, lo, hi);
    }
    fail(fmt::format("T_INTERSECTS needs a date or timestamp property; '{}' holds {} values",
                     f.name, to_string(f.type)));
  }

  template <typename T>
  static ExprPtr range_expr(std::size_t field, const std::optional<T>& lo,
                            const std::optional<T>& hi) {
    if (lo && hi) {
      if (Value(*lo) == Value(*hi)) return make_compare(field, CompareOp::eq, *lo);
      auto e = std::make_shared<Expr>();
      e->kind = Expr::Kind::between;
      e->field = field;
      e->literal = *lo;
      e->literal2 = *hi;
      return e;
    }
    if (lo) return make_compare(field, CompareOp::ge, *lo);
    if (hi) return make_compare(field, CompareOp::le, *hi);
    // Open at both ends: any value that is there.
    auto isnull = std::make_shared<Expr>();
    isnull->kind = Expr::Kind::is_null;
    isnull->field = field;
    return make_not(isnull);
  }

  Lexer lex_;
  const Cql2Context& ctx_;
  datum::Crs filter_crs_;
  std::size_t depth_ = 0;
  std::size_t nodes_ = 0;
  std::size_t vertices_ = 0;
};

}  // namespace

ExprPtr parse_cql2_text(std::string_view text, const Cql2Context& context) {
  if (context.schema == nullptr) throw InternalError("cql2-no-schema", "no schema for the filter");
  if (text.size() > context.limits.max_length)
    fail(fmt::format("the filter is longer than {} bytes", context.limits.max_length));
  Parser parser(text, context);
  return parser.parse();
}

Value parse_typed_value(std::string_view text, FieldType type, std::string_view parameter) {
  auto bad = [&](std::string_view what) -> Value {
    throw InvalidInput(
        "invalid-parameter-value",
        fmt::format("'{}' is not {} (parameter '{}')", excerpt(text), what, parameter),
        std::string(parameter));
  };
  switch (type) {
    case FieldType::integer: {
      std::int64_t v = 0;
      const char* b = text.data() + (!text.empty() && text[0] == '+' ? 1 : 0);
      auto r = std::from_chars(b, text.data() + text.size(), v);
      if (text.empty() || r.ec != std::errc{} || r.ptr != text.data() + text.size())
        return bad("an integer");
      return v;
    }
    case FieldType::real: {
      double v = 0;
      const char* b = text.data() + (!text.empty() && text[0] == '+' ? 1 : 0);
      auto r = std::from_chars(b, text.data() + text.size(), v);
      if (text.empty() || r.ec != std::errc{} || r.ptr != text.data() + text.size() ||
          !std::isfinite(v))
        return bad("a number");
      return v;
    }
    case FieldType::boolean:
      if (iequals(text, "true")) return true;
      if (iequals(text, "false")) return false;
      return bad("true or false");
    case FieldType::text:
      return std::string(text);
    case FieldType::date:
      if (auto d = parse_date_strict(text)) return *d;
      return bad("a date of the form YYYY-MM-DD");
    case FieldType::datetime: {
      datum::TimeParseOptions opt;
      opt.allow_unix = false;
      auto t = datum::parse_time(text, opt);
      if (!t) return bad("an RFC 3339 timestamp");
      return t->instant;
    }
  }
  return bad("a value");
}

}  // namespace shikong::ogc
