// Time parsing for the forms data arrives in, zones as fixed offsets, and RFC 3339 output.
// Parsing never throws: a value that is not a time is a report row, not an exception.
#include "datum/time.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>

#include "core/error.hpp"

namespace shikong::datum {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(int y, unsigned m) {
  static constexpr std::array<unsigned, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

bool valid_date(int y, int m, int d) {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
         d <= static_cast<int>(days_in_month(y, static_cast<unsigned>(m)));
}

std::string offset_text(int minutes) {
  int a = minutes < 0 ? -minutes : minutes;
  return fmt::format("{}{:02}:{:02}", minutes < 0 ? '-' : '+', a / 60, a % 60);
}

// A cursor over the text with the few token readers the grammars need.
class Scan {
 public:
  explicit Scan(std::string_view s) : s_(s) {}
  bool end() const { return i_ == s_.size(); }
  char peek() const { return end() ? '\0' : s_[i_]; }
  bool lit(std::string_view t) {
    if (s_.substr(i_).starts_with(t)) {
      i_ += t.size();
      return true;
    }
    return false;
  }
  bool one_of(std::string_view chars, char& got) {
    if (!end() && chars.find(s_[i_]) != std::string_view::npos) {
      got = s_[i_++];
      return true;
    }
    return false;
  }
  // Reads min..max digits; returns the number read (0 when fewer than min, nothing consumed).
  int digits(int min, int max, int& value) {
    std::size_t j = i_;
    int v = 0;
    while (j < s_.size() && static_cast<int>(j - i_) < max &&
           std::isdigit(static_cast<unsigned char>(s_[j])))
      v = v * 10 + (s_[j++] - '0');
    int n = static_cast<int>(j - i_);
    if (n < min) return 0;
    i_ = j;
    value = v;
    return n;
  }
  void spaces() {
    while (!end() && s_[i_] == ' ') ++i_;
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

struct Fields {
  int year = 0, month = 0, day = 0;
  int hour = 0, minute = 0, second = 0;
  std::int64_t micros = 0;  // fraction of the second
  std::int64_t unit = 0;    // the value's precision in microseconds (0: a whole day or month)
  bool month_only = false;  // "2021年3月": the whole month
  bool has_zone = false;
  int offset = 0;  // minutes east of UTC when has_zone
};

// "HH:MM[:SS[.ffffff]]" after the hour has been read.
bool read_clock_rest(Scan& sc, Fields& f) {
  if (!sc.lit(":")) return false;
  if (sc.digits(2, 2, f.minute) == 0) return false;
  f.unit = 60 * kMicrosPerSecond;
  if (sc.lit(":")) {
    if (sc.digits(2, 2, f.second) == 0) return false;
    f.unit = kMicrosPerSecond;
    char sep;
    if (sc.one_of(".,", sep)) {
      int n = 0;
      std::int64_t frac = 0;
      while (std::isdigit(static_cast<unsigned char>(sc.peek())) && n < 9) {
        int d = 0;
        sc.digits(1, 1, d);
        if (n < 6) frac = frac * 10 + d;
        ++n;
      }
      if (n == 0) return false;
      std::int64_t scale = 1;
      for (int k = std::min(n, 6); k < 6; ++k) scale *= 10;
      f.micros = frac * scale;
      f.unit = scale;
    }
  }
  return true;
}

// "Z", "+08:00", "+0800", "+08".
bool read_zone(Scan& sc, Fields& f) {
  char sign;
  if (sc.lit("Z") || sc.lit("z")) {
    f.has_zone = true;
    f.offset = 0;
    return true;
  }
  if (!sc.one_of("+-", sign)) return true;  // no zone
  int h = 0, m = 0;
  if (sc.digits(2, 2, h) == 0) return false;
  if (sc.lit(":")) {
    if (sc.digits(2, 2, m) == 0) return false;
  } else {
    sc.digits(2, 2, m);
  }
  if (h > 18 || m > 59) return false;
  f.has_zone = true;
  f.offset = (sign == '-' ? -1 : 1) * (h * 60 + m);
  return true;
}

// 2021年3月5日[ 14时30分[20秒] | 14:30[:00]], 2021年3月; the year has been read.
bool read_chinese(Scan& sc, Fields& f) {
  if (sc.digits(1, 2, f.month) == 0 || !sc.lit("月")) return false;
  if (sc.end()) {
    f.month_only = true;
    f.day = 1;
    return f.month >= 1 && f.month <= 12;
  }
  if (sc.digits(1, 2, f.day) == 0 || !(sc.lit("日") || sc.lit("号"))) return false;
  sc.spaces();
  if (sc.end()) return true;
  if (sc.digits(1, 2, f.hour) == 0) return false;
  if (sc.lit("时") || sc.lit("点")) {
    f.unit = 3600 * kMicrosPerSecond;
    if (sc.digits(1, 2, f.minute)) {
      if (!sc.lit("分")) return false;
      f.unit = 60 * kMicrosPerSecond;
      if (sc.digits(1, 2, f.second)) {
        if (!sc.lit("秒")) return false;
        f.unit = kMicrosPerSecond;
      }
    }
  } else if (!read_clock_rest(sc, f)) {
    return false;
  }
  sc.spaces();
  return read_zone(sc, f) && sc.end();
}

// 2021-03-05, 2021/3/5, 2021.03.05, each with an optional time and zone; the year has been read.
bool read_separated(Scan& sc, Fields& f) {
  char sep;
  if (!sc.one_of("-/.", sep)) return false;
  if (sc.digits(1, 2, f.month) == 0 || !sc.lit(std::string_view(&sep, 1))) return false;
  if (sc.digits(1, 2, f.day) == 0) return false;
  if (sc.end()) return true;
  char t;
  if (!sc.one_of("Tt ", t)) return false;
  if (t == ' ') sc.spaces();
  if (sc.digits(1, 2, f.hour) == 0 || !read_clock_rest(sc, f)) return false;
  if (sc.peek() == ' ') sc.spaces();
  return read_zone(sc, f) && sc.end();
}

// All digits (and at most one '.'): compact dates, Unix seconds or milliseconds.
bool read_numeric(std::string_view t, const TimeParseOptions& opt, Fields& f,
                  std::optional<Instant>& unix_instant) {
  auto dot = t.find('.');
  std::string_view whole = t.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? "" : t.substr(dot + 1);
  if (dot != std::string_view::npos && (frac.empty() || frac.size() > 9)) return false;
  for (char c : whole)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  for (char c : frac)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  if (whole.size() > 14) return false;  // no numeric form is longer (and v must not overflow)
  std::int64_t v = 0;
  for (char c : whole) v = v * 10 + (c - '0');
  if ((whole.size() == 8 || whole.size() == 14) && frac.empty()) {
    f.year = static_cast<int>(v / (whole.size() == 8 ? 10000 : 10000000000LL));
    std::int64_t rest = whole.size() == 8 ? v % 10000 : v % 10000000000LL;
    if (whole.size() == 14) {
      f.second = static_cast<int>(rest % 100);
      f.minute = static_cast<int>(rest / 100 % 100);
      f.hour = static_cast<int>(rest / 10000 % 100);
      rest /= 1000000;
      f.unit = kMicrosPerSecond;
    }
    f.month = static_cast<int>(rest / 100);
    f.day = static_cast<int>(rest % 100);
    // Only plausible calendar dates: 20210305 yes, 12345678 no.
    return f.year >= 1000 && valid_date(f.year, f.month, f.day);
  }
  if (!opt.allow_unix) return false;
  std::int64_t micros = 0;
  std::int64_t unit = 0;
  if (whole.size() == 9 || whole.size() == 10) {
    micros = v * kMicrosPerSecond;
    unit = kMicrosPerSecond;
    std::int64_t scale = 100000;
    for (std::size_t k = 0; k < frac.size() && k < 6; ++k, scale /= 10)
      micros += (frac[k] - '0') * scale;
    if (!frac.empty()) unit = frac.size() >= 6 ? 1 : scale * 10;
  } else if ((whole.size() == 12 || whole.size() == 13) && frac.empty()) {
    micros = v * 1000;
    unit = 1000;
  } else {
    return false;
  }
  unix_instant = Instant{micros};
  f.unit = unit;
  f.has_zone = true;
  return true;
}

std::optional<ParsedTime> to_parsed(const Fields& f, const TimeParseOptions& opt) {
  if (!valid_date(f.year, f.month, f.day)) return std::nullopt;
  bool date_only = f.unit == 0;
  bool end_of_day = f.hour == 24;
  if (end_of_day && (f.minute != 0 || f.second != 0 || f.micros != 0)) return std::nullopt;
  if (!end_of_day && (f.hour > 23 || f.minute > 59 || f.second > 59)) return std::nullopt;
  std::int64_t days =
      date_from_civil(f.year, static_cast<unsigned>(f.month), static_cast<unsigned>(f.day)).days;
  std::int64_t local = days * kMicrosPerDay +
                       (f.hour * 3600LL + f.minute * 60LL + f.second) * kMicrosPerSecond + f.micros;
  int offset = f.has_zone ? f.offset : opt.zone.offset_minutes;
  ParsedTime p;
  p.instant = Instant{local - offset * 60LL * kMicrosPerSecond};
  p.date_only = date_only;
  p.had_zone = f.has_zone;
  std::int64_t span = f.unit;
  if (date_only)
    span =
        kMicrosPerDay * (f.month_only ? days_in_month(f.year, static_cast<unsigned>(f.month)) : 1);
  p.last = Instant{p.instant.micros + span - 1};
  return p;
}

std::mutex zone_mutex;
Zone& zone_storage() {
  static Zone z;
  return z;
}

}  // namespace

const Zone& platform_zone() {
  return zone_storage();
}

void set_platform_zone(Zone zone) {
  std::lock_guard lock(zone_mutex);
  zone_storage() = std::move(zone);
}

Zone parse_zone(std::string_view text) {
  std::string_view t = trim(text);
  std::string l(t);
  for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // China has used one offset (UTC+8, no daylight saving) since 1991, so named zones in China
  // are fixed offsets; other named zones with daylight saving are not accepted.
  static constexpr std::string_view kChina[] = {
      "asia/shanghai",  "asia/chongqing", "asia/chungking", "asia/harbin",
      "asia/hong_kong", "asia/macau",     "asia/taipei",    "prc"};
  for (auto n : kChina)
    if (l == n) return Zone{480, std::string(t)};
  if (l == "z" || l == "utc" || l == "etc/utc" || l == "gmt" || l == "etc/gmt" || l == "zulu")
    return Zone{0, "UTC"};
  Scan sc(t);
  Fields f;
  char sign = sc.peek();
  if ((sign == '+' || sign == '-') && read_zone(sc, f) && sc.end() && f.has_zone)
    return Zone{f.offset, offset_text(f.offset)};
  throw InvalidInput("unknown-time-zone",
                     fmt::format("The time zone \"{}\" is not known; use a UTC offset such as "
                                 "+08:00, UTC or Asia/Shanghai.",
                                 t.substr(0, 40)),
                     "zone");
}

std::optional<ParsedTime> parse_time(std::string_view text, const TimeParseOptions& opt) {
  std::string_view t = trim(text);
  if (t.empty() || t.size() > 64) return std::nullopt;
  Fields f;
  if (std::isdigit(static_cast<unsigned char>(t.front())) &&
      t.find_first_not_of("0123456789.") == std::string_view::npos &&
      std::count(t.begin(), t.end(), '.') <= 1) {
    std::optional<Instant> unix_instant;
    if (!read_numeric(t, opt, f, unix_instant)) return std::nullopt;
    if (unix_instant) {
      ParsedTime p;
      p.instant = *unix_instant;
      p.last = Instant{unix_instant->micros + f.unit - 1};
      p.had_zone = true;
      return p;
    }
    return to_parsed(f, opt);
  }
  Scan sc(t);
  if (sc.digits(4, 4, f.year) == 0) return std::nullopt;
  bool ok = sc.lit("年") ? read_chinese(sc, f) : read_separated(sc, f);
  if (!ok) return std::nullopt;
  return to_parsed(f, opt);
}

Interval parse_datetime_parameter(std::string_view text, std::string_view parameter) {
  std::string_view t = trim(text);
  TimeParseOptions opt;
  opt.allow_unix = false;
  auto bad = [&](std::string_view why) -> InvalidInput {
    return InvalidInput("invalid-datetime", std::string(why), std::string(parameter));
  };
  if (t.empty()) throw bad("The datetime parameter is empty.");
  // A whole value first: "2021/03/05" is a date, not an interval.
  if (auto p = parse_time(t, opt)) {
    if (p->date_only) return Interval{p->instant, p->last};
    return Interval::at(p->instant);
  }
  for (std::size_t i = t.find('/'); i != std::string_view::npos; i = t.find('/', i + 1)) {
    std::string_view a = trim(t.substr(0, i));
    std::string_view b = trim(t.substr(i + 1));
    bool a_open = a.empty() || a == "..";
    bool b_open = b.empty() || b == "..";
    std::optional<ParsedTime> pa;
    std::optional<ParsedTime> pb;
    if (!a_open && !(pa = parse_time(a, opt))) continue;
    if (!b_open && !(pb = parse_time(b, opt))) continue;
    Interval iv;
    if (pa) iv.start = pa->instant;
    if (pb) iv.end = pb->date_only ? pb->last : pb->instant;
    if (iv.start && iv.end && *iv.start > *iv.end)
      throw bad("The start of the datetime interval is after its end.");
    return iv;
  }
  throw bad(
      "The datetime parameter is neither an RFC 3339 date-time or date nor an interval "
      "\"start/end\" with \"..\" for an open end.");
}

std::string format_rfc3339(Instant t, const Zone& zone) {
  std::int64_t local = t.micros + zone.offset_minutes * 60LL * kMicrosPerSecond;
  std::int64_t days = local / kMicrosPerDay;
  std::int64_t rem = local % kMicrosPerDay;
  if (rem < 0) {
    rem += kMicrosPerDay;
    --days;
  }
  int y;
  unsigned m, d;
  civil_from_date(Date{static_cast<std::int32_t>(days)}, y, m, d);
  std::int64_t secs = rem / kMicrosPerSecond;
  std::int64_t micros = rem % kMicrosPerSecond;
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", y, m, d, secs / 3600,
                                secs / 60 % 60, secs % 60);
  if (micros != 0) {
    if (micros % 1000 == 0)
      out += fmt::format(".{:03}", micros / 1000);
    else
      out += fmt::format(".{:06}", micros);
  }
  out += zone.offset_minutes == 0 ? "Z" : offset_text(zone.offset_minutes);
  return out;
}

std::string format_rfc3339_utc(Instant t) {
  return format_rfc3339(t, Zone{0, "UTC"});
}

std::string format_value(const Value& v, const Zone& zone) {
  struct Visitor {
    const Zone& zone;
    std::string operator()(std::monostate) const { return {}; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return fmt::format("{}", d); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(Date d) const { return format_date(d); }
    std::string operator()(Instant t) const { return format_rfc3339(t, zone); }
  };
  return std::visit(Visitor{zone}, v);
}

}  // namespace shikong::datum
