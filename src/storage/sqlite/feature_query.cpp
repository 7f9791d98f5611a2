// Query translation for dataset GeoPackages. Identifiers come only from the stored schema (through
// column_names and quote_identifier); every client value is a bound parameter (SECURITY.md 2).
#include "storage/sqlite/feature_query.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cmath>

#include "core/error.hpp"
#include "core/log.hpp"
#include "geo/gpkg_binary.hpp"
#include "geo/wkb.hpp"
#include "storage/sqlite/gpkg_file.hpp"
#include "storage/sqlite/value_codec.hpp"

namespace shikong::storage::sqlite {

namespace {

constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxParams = 10'000;
constexpr double kMicrosPerDayD = 86'400'000'000.0;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

[[noreturn]] void bad_filter(std::string code, std::string detail) {
  throw InvalidInput(std::move(code), std::move(detail), "filter");
}

class Builder {
 public:
  Builder(const DatasetInfo& ds) : ds_(ds), columns_(column_names(ds.schema)) {}

  // WHERE conditions for bbox/time/id/filter, joined by AND, and the FROM clause they need.
  std::string from_and_where(const FeatureQuery& q) {
    std::vector<std::string> conds;
    std::string from = fmt::format("{} f", quote_identifier(kFeatureTable));
    if (q.id)
      conds.push_back(fmt::format("f.{} = {}", quote_identifier(kFidColumn), param_int(*q.id)));
    bool timed = ds_.time_extent.start.has_value();
    if (q.bbox) add_bbox(*q.bbox, q.time, timed, from, conds);
    if (q.time) {
      std::string t = time_overlap(*q.time);
      if (!t.empty()) conds.push_back(std::move(t));
    }
    if (q.filter) conds.push_back(expr(*q.filter, 0));
    std::string sql = " FROM " + from;
    if (!conds.empty()) {
      sql += " WHERE ";
      for (std::size_t i = 0; i < conds.size(); ++i) {
        if (i > 0) sql += " AND ";
        sql += conds[i];
      }
    }
    return sql;
  }

  const std::vector<std::string>& columns() const { return columns_; }
  std::vector<SqlParam> take_params() { return std::move(params_); }
  std::string param_int(std::int64_t v) {
    SqlParam p;
    p.kind = SqlParam::Kind::integer;
    p.i = v;
    return add(std::move(p));
  }

 private:
  std::string add(SqlParam p) {
    if (params_.size() >= kMaxParams)
      bad_filter("filter-too-large", "The filter has too many values.");
    params_.push_back(std::move(p));
    return fmt::format("?{}", params_.size());
  }
  std::string param_real(double v) {
    SqlParam p;
    p.kind = SqlParam::Kind::real;
    p.d = v;
    return add(std::move(p));
  }
  std::string param_text(std::string v) {
    SqlParam p;
    p.kind = SqlParam::Kind::text;
    p.s = std::move(v);
    return add(std::move(p));
  }
  std::string param_blob(std::string v) {
    SqlParam p;
    p.kind = SqlParam::Kind::blob;
    p.s = std::move(v);
    return add(std::move(p));
  }

  // The bbox as an R-tree join (the x/y/time tree when a time window is also given) plus the
  // exact check on the stored envelope.
  void add_bbox(const Envelope& b, const std::optional<Interval>& time, bool timed,
                std::string& from, std::vector<std::string>& conds) {
    if (b.empty() || std::isnan(b.min_x) || std::isnan(b.max_x) || std::isnan(b.min_y) ||
        std::isnan(b.max_y)) {
      conds.emplace_back("0");
      return;
    }
    bool xyt = time && timed && !time->unbounded();
    // A box around the whole dataset selects nothing through the R-tree: scanning in fid order
    // with the exact check lets LIMIT stop early instead of sorting every match.
    if (!xyt && b.contains(ds_.extent)) {
      conds.push_back(exact_bbox(b));
      return;
    }
    from += fmt::format(" JOIN {} r ON r.id = f.{}", quote_identifier(xyt ? kRtreeXyt : kRtree),
                        quote_identifier(kFidColumn));
    conds.push_back(fmt::format("r.minx <= {} AND r.maxx >= {} AND r.miny <= {} AND r.maxy >= {}",
                                param_real(b.max_x), param_real(b.min_x), param_real(b.max_y),
                                param_real(b.min_y)));
    if (xyt) {
      TimeAxis axis = TimeAxis::of(ds_.time_extent);
      if (time->end)
        conds.push_back(fmt::format("r.mint <= {}", param_real(axis.end_days(time->end))));
      if (time->start)
        conds.push_back(fmt::format("r.maxt >= {}", param_real(axis.start_days(time->start))));
    }
    conds.push_back(exact_bbox(b));
  }

  std::string exact_bbox(const Envelope& b) {
    return fmt::format("shikong_bbox(f.{}, {}, {}, {}, {})", quote_identifier(kGeomColumn),
                       param_real(b.min_x), param_real(b.min_y), param_real(b.max_x),
                       param_real(b.max_y));
  }

  // Valid time [valid_from, valid_to] overlaps the interval; NULL ends are open. In a dataset
  // whose time comes from fields, a feature with neither end has no time at all and matches no
  // time condition (OGC API Features' datetime semantics).
  std::string time_overlap(const Interval& t) {
    std::string out;
    if (!ds_.time_start_field.empty() || !ds_.time_end_field.empty())
      out = fmt::format("(f.{} IS NOT NULL OR f.{} IS NOT NULL)", quote_identifier(kValidFrom),
                        quote_identifier(kValidTo));
    if (t.unbounded()) return out;
    if (t.start) {
      if (!out.empty()) out += " AND ";
      out += fmt::format("(f.{0} IS NULL OR f.{0} >= {1})", quote_identifier(kValidTo),
                         param_int(t.start->micros));
    }
    if (t.end) {
      if (!out.empty()) out += " AND ";
      out += fmt::format("(f.{0} IS NULL OR f.{0} <= {1})", quote_identifier(kValidFrom),
                         param_int(t.end->micros));
    }
    return out;
  }

  std::string rtree_subquery(const Envelope& b) {
    return fmt::format(
        "f.{} IN (SELECT id FROM {} WHERE minx <= {} AND maxx >= {} AND miny <= {} AND "
        "maxy >= {})",
        quote_identifier(kFidColumn), quote_identifier(kRtree), param_real(b.max_x),
        param_real(b.min_x), param_real(b.max_y), param_real(b.min_y));
  }

  const Field& field_of(const Expr& e) {
    if (e.field >= ds_.schema.fields.size())
      bad_filter("unknown-field", "The filter names a field the dataset does not have.");
    return ds_.schema.fields[e.field];
  }

  // The column expression compared for a field: DATETIME text is compared as microseconds,
  // because stored fractions have 3 or 6 digits and so do not sort as text.
  std::string column_expr(const Expr& e) {
    const Field& f = field_of(e);
    std::string col = "f." + quote_identifier(columns_[e.field]);
    if (f.type == FieldType::datetime) return "shikong_datetime(" + col + ")";
    return col;
  }

  std::string literal(const Field& f, const Value& v) {
    if (is_null(v)) return add(SqlParam{});
    switch (f.type) {
      case FieldType::datetime: {
        if (auto* t = std::get_if<Instant>(&v)) return param_int(t->micros);
        if (auto* d = std::get_if<Date>(&v))
          return param_int(static_cast<std::int64_t>(d->days) * 86'400'000'000LL);
        if (auto* s = std::get_if<std::string>(&v)) {
          if (auto t = parse_datetime(*s)) return param_int(t->micros);
        }
        if (auto* i = std::get_if<std::int64_t>(&v)) return param_int(*i);
        bad_filter("invalid-filter-value",
                   "A date-time field is compared with a value that is "
                   "not a date-time.");
      }
      case FieldType::date: {
        if (auto* d = std::get_if<Date>(&v)) return param_text(format_date(*d));
        if (auto* t = std::get_if<Instant>(&v))
          return param_text(
              format_date(Date{static_cast<std::int32_t>(floor_div(t->micros, 86'400'000'000LL))}));
        break;
      }
      default:
        break;
    }
    switch (v.index()) {
      case 1:
        return param_int(std::get<bool>(v) ? 1 : 0);
      case 2:
        return param_int(std::get<std::int64_t>(v));
      case 3:
        return param_real(std::get<double>(v));
      case 4:
        return param_text(std::get<std::string>(v));
      case 5:
        return param_text(format_date(std::get<Date>(v)));
      case 6:
        return param_text(format_datetime(std::get<Instant>(v)));
      default:
        return add(SqlParam{});
    }
  }

  // LIKE patterns (% and _, backslash escapes) become case-sensitive GLOB patterns.
  static std::string glob_pattern(std::string_view like) {
    std::string out;
    for (std::size_t i = 0; i < like.size(); ++i) {
      char c = like[i];
      if (c == '\\' && i + 1 < like.size()) {
        char n = like[++i];
        if (n == '*' || n == '?' || n == '[')
          out += std::string("[") + n + "]";
        else
          out.push_back(n);
        continue;
      }
      switch (c) {
        case '%':
          out.push_back('*');
          break;
        case '_':
          out.push_back('?');
          break;
        case '*':
          out += "[*]";
          break;
        case '?':
          out += "[?]";
          break;
        case '[':
          out += "[[]";
          break;
        default:
          out.push_back(c);
      }
    }
    return out;
  }

  static std::string_view op_text(CompareOp op) {
    switch (op) {
      case CompareOp::eq:
        return "=";
      case CompareOp::ne:
        return "<>";
      case CompareOp::lt:
        return "<";
      case CompareOp::le:
        return "<=";
      case CompareOp::gt:
        return ">";
      case CompareOp::ge:
        return ">=";
    }
    return "=";
  }

  std::string join(const Expr& e, std::string_view op, std::string_view empty, int depth) {
    if (e.children.empty()) return std::string(empty);
    std::string out = "(";
    for (std::size_t i = 0; i < e.children.size(); ++i) {
      if (i > 0) out += op;
      if (!e.children[i]) bad_filter("invalid-filter", "The filter is incomplete.");
      out += expr(*e.children[i], depth + 1);
    }
    out += ")";
    return out;
  }

  std::string expr(const Expr& e, int depth) {
    if (depth > kMaxDepth) bad_filter("filter-too-deep", "The filter is nested too deeply.");
    switch (e.kind) {
      case Expr::Kind::and_:
        return join(e, " AND ", "1", depth);
      case Expr::Kind::or_:
        return join(e, " OR ", "0", depth);
      case Expr::Kind::not_:
        if (e.children.empty() || !e.children[0])
          bad_filter("invalid-filter", "The filter is incomplete.");
        return "(NOT " + expr(*e.children[0], depth + 1) + ")";
      case Expr::Kind::compare: {
        std::string col = column_expr(e);
        return fmt::format("({} {} {})", col, op_text(e.op), literal(field_of(e), e.literal));
      }
      case Expr::Kind::like: {
        field_of(e);
        std::string col = "f." + quote_identifier(columns_[e.field]);
        const auto* pattern = std::get_if<std::string>(&e.literal);
        if (pattern == nullptr) bad_filter("invalid-filter-value", "A LIKE pattern must be text.");
        return fmt::format("({} GLOB {})", col, param_text(glob_pattern(*pattern)));
      }
      case Expr::Kind::between: {
        std::string col = column_expr(e);
        const Field& f = field_of(e);
        std::string lo = literal(f, e.literal);
        std::string hi = literal(f, e.literal2);
        return fmt::format("({} BETWEEN {} AND {})", col, lo, hi);
      }
      case Expr::Kind::in: {
        if (e.list.empty()) return "0";
        std::string col = column_expr(e);
        const Field& f = field_of(e);
        std::string out = "(" + col + " IN (";
        for (std::size_t i = 0; i < e.list.size(); ++i) {
          if (i > 0) out += ", ";
          out += literal(f, e.list[i]);
        }
        return out + "))";
      }
      case Expr::Kind::is_null: {
        field_of(e);
        return "(f." + quote_identifier(columns_[e.field]) + " IS NULL)";
      }
      case Expr::Kind::bbox: {
        const Envelope& b = e.envelope;
        if (b.empty()) return "0";
        return "(" + rtree_subquery(b) + " AND " + exact_bbox(b) + ")";
      }
      case Expr::Kind::geometry: {
        Envelope b = geo::wkb_envelope(e.wkb);
        if (b.empty()) return "0";
        return fmt::format("({} AND shikong_intersects(f.{}, {}))", rtree_subquery(b),
                           quote_identifier(kGeomColumn), param_blob(e.wkb));
      }
      case Expr::Kind::time: {
        std::string t = time_overlap(e.interval);
        return t.empty() ? "1" : "(" + t + ")";
      }
      case Expr::Kind::literal_bool: {
        const auto* b = std::get_if<bool>(&e.literal);
        return (b != nullptr && *b) ? "1" : "0";
      }
    }
    bad_filter("invalid-filter", "The filter has an unknown kind of condition.");
  }

  const DatasetInfo& ds_;
  std::vector<std::string> columns_;
  std::vector<SqlParam> params_;
};

std::vector<std::size_t> selected_fields(const DatasetInfo& ds, const FeatureQuery& q) {
  std::vector<std::size_t> out;
  if (q.fields.empty()) {
    for (std::size_t i = 0; i < ds.schema.size(); ++i) out.push_back(i);
    return out;
  }
  for (std::size_t i : q.fields) {
    if (i >= ds.schema.size())
      throw InvalidInput("unknown-field", "A requested property is not a field of the dataset.",
                         "properties");
    out.push_back(i);
  }
  return out;
}

void set_text(Value& v, std::string_view text) {
  if (auto* s = std::get_if<std::string>(&v))
    s->assign(text);
  else
    v.emplace<std::string>(text);
}

class SqliteCursor final : public FeatureCursor {
 public:
  SqliteCursor(ConnectionPool::Lease lease, SqlQuery query, const DatasetInfo& ds,
               bool with_geometry)
      : lease_(std::move(lease)),
        query_(std::move(query)),
        schema_(ds.schema),
        with_geometry_(with_geometry) {
    selected_.assign(schema_.size(), false);
    for (std::size_t i : query_.fields) selected_[i] = true;
    stmt_ = &lease_->cached(query_.sql);
    bind_params(*stmt_, query_.params);
  }

  ~SqliteCursor() override {
    if (stmt_ != nullptr) stmt_->reset();
  }

  bool next(Feature& out) override {
    if (stmt_ == nullptr) return false;
    bool row = false;
    try {
      row = stmt_->step();
    } catch (...) {
      stmt_->reset();
      stmt_ = nullptr;
      lease_.discard();
      throw;
    }
    if (!row) {
      stmt_->reset();
      stmt_ = nullptr;
      lease_ = ConnectionPool::Lease();
      return false;
    }
    const Stmt& s = *stmt_;
    out.id = s.col_int(0);
    out.wkb.clear();
    out.envelope = Envelope{};
    if (with_geometry_ && s.col_type(1) == SQLITE_BLOB) {
      std::string_view blob = s.col_blob(1);
      try {
        std::string_view wkb = geo::gpkg_blob_wkb(blob);
        out.wkb.assign(wkb.data(), wkb.size());
        out.envelope = blob_envelope(blob);
      } catch (const Error&) {
        log::error("storage: feature {} has an unreadable geometry blob", out.id);
        throw InternalError("storage-corrupt-geometry", "A stored geometry could not be read.");
      }
    }
    out.valid_time = Interval{};
    if (!s.is_null(2)) out.valid_time.start = Instant{s.col_int(2)};
    if (!s.is_null(3)) out.valid_time.end = Instant{s.col_int(3)};
    out.properties.resize(schema_.size());
    for (std::size_t i = 0; i < schema_.size(); ++i)
      if (!selected_[i]) out.properties[i] = std::monostate{};
    for (std::size_t k = 0; k < query_.fields.size(); ++k) {
      std::size_t fi = query_.fields[k];
      read_value(s, static_cast<int>(4 + k), schema_.fields[fi].type, out.properties[fi]);
    }
    return true;
  }

 private:
  static void read_value(const Stmt& s, int col, FieldType type, Value& v) {
    int t = s.col_type(col);
    if (t == SQLITE_NULL) {
      v = std::monostate{};
      return;
    }
    switch (type) {
      case FieldType::boolean:
        if (t == SQLITE_INTEGER || t == SQLITE_FLOAT) {
          v = s.col_int(col) != 0;
          return;
        }
        break;
      case FieldType::date:
        if (t == SQLITE_TEXT) {
          if (auto d = parse_date(s.col_text(col))) {
            v = *d;
            return;
          }
        }
        break;
      case FieldType::datetime:
        if (t == SQLITE_TEXT) {
          if (auto i = parse_datetime(s.col_text(col))) {
            v = *i;
            return;
          }
        }
        break;
      default:
        break;
    }
    switch (t) {
      case SQLITE_INTEGER:
        v = s.col_int(col);
        return;
      case SQLITE_FLOAT:
        v = s.col_double(col);
        return;
      default:
        set_text(v, s.col_text(col));
        return;
    }
  }

  ConnectionPool::Lease lease_;
  SqlQuery query_;
  Schema schema_;
  bool with_geometry_;
  std::vector<bool> selected_;
  Stmt* stmt_ = nullptr;
};

}  // namespace

SqlQuery build_select(const DatasetInfo& ds, const FeatureQuery& q) {
  Builder b(ds);
  SqlQuery out;
  out.fields = selected_fields(ds, q);
  std::string select = fmt::format("SELECT f.{}, {}, f.{}, f.{}", quote_identifier(kFidColumn),
                                   q.with_geometry ? "f." + quote_identifier(kGeomColumn) : "NULL",
                                   quote_identifier(kValidFrom), quote_identifier(kValidTo));
  for (std::size_t i : out.fields) select += ", f." + quote_identifier(b.columns()[i]);
  std::string rest = b.from_and_where(q);
  std::int64_t limit = q.limit < 0 ? -1 : q.limit;
  std::int64_t offset = q.offset < 0 ? 0 : q.offset;
  std::string tail = fmt::format(" ORDER BY f.{} LIMIT {} OFFSET {}", quote_identifier(kFidColumn),
                                 b.param_int(limit), b.param_int(offset));
  out.sql = select + rest + tail;
  out.params = b.take_params();
  return out;
}

SqlQuery build_count(const DatasetInfo& ds, const FeatureQuery& q) {
  Builder b(ds);
  SqlQuery out;
  out.sql = "SELECT count(*)" + b.from_and_where(q);
  out.params = b.take_params();
  return out;
}

void bind_params(Stmt& stmt, const std::vector<SqlParam>& params) {
  for (std::size_t k = 0; k < params.size(); ++k) {
    int i = static_cast<int>(k + 1);
    const SqlParam& p = params[k];
    switch (p.kind) {
      case SqlParam::Kind::null:
        stmt.bind_null(i);
        break;
      case SqlParam::Kind::integer:
        stmt.bind_int(i, p.i);
        break;
      case SqlParam::Kind::real:
        stmt.bind_double(i, p.d);
        break;
      case SqlParam::Kind::text:
        stmt.bind_text_static(i, p.s);
        break;
      case SqlParam::Kind::blob:
        stmt.bind_blob_static(i, p.s);
        break;
    }
  }
}

std::unique_ptr<FeatureCursor> make_cursor(ConnectionPool::Lease lease, SqlQuery query,
                                           const DatasetInfo& ds, bool with_geometry) {
  return std::make_unique<SqliteCursor>(std::move(lease), std::move(query), ds, with_geometry);
}

}  // namespace shikong::storage::sqlite
