// The JSON form of a record (stored document and /api/v1 representation) and the strict reader
// of a client's RecordPatch, whose errors name the member at fault by its JSON pointer.
#include <simdjson.h>

#include <charconv>
#include <cmath>

#include "catalog/record.hpp"
#include "core/error.hpp"
#include "core/utf8.hpp"
#include "datum/time.hpp"

namespace shikong::catalog {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

constexpr std::size_t kMaxTitle = 500;
constexpr std::size_t kMaxText = 20000;  // abstract, lineage
constexpr std::size_t kMaxShort = 1000;  // every other string
constexpr std::size_t kMaxKeywords = 100;
constexpr std::size_t kMaxKeyword = 100;
constexpr std::size_t kMaxLinks = 100;
constexpr std::size_t kMaxHref = 2000;

// ---- writing

void add_key(std::string& out, std::string_view key) {
  if (out.back() != '{') out += ',';
  append_json_string(out, key);
  out += ':';
}

void add_string(std::string& out, std::string_view key, std::string_view v) {
  add_key(out, key);
  append_json_string(out, v);
}

void add_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  if (v == 0) v = 0;  // no "-0"
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void add_strings(std::string& out, std::string_view key, const std::vector<std::string>& v) {
  add_key(out, key);
  out += '[';
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, v[i]);
  }
  out += ']';
}

void add_instant(std::string& out, const std::optional<Instant>& t) {
  if (t)
    append_json_string(out, datum::format_rfc3339_utc(*t));
  else
    out += "null";
}

void add_extent(std::string& out, const std::optional<Envelope>& e) {
  add_key(out, "extent");
  if (!e || e->empty()) {
    out += "null";
    return;
  }
  out += '[';
  add_number(out, e->min_x);
  out += ',';
  add_number(out, e->min_y);
  out += ',';
  add_number(out, e->max_x);
  out += ',';
  add_number(out, e->max_y);
  out += ']';
}

void add_time(std::string& out, const std::optional<Interval>& t) {
  add_key(out, "time");
  if (!t) {
    out += "null";
    return;
  }
  out += '[';
  add_instant(out, t->start);
  out += ',';
  add_instant(out, t->end);
  out += ']';
}

void add_contact(std::string& out, const Contact& c) {
  add_key(out, "contact");
  out += '{';
  add_string(out, "name", c.name);
  add_string(out, "organisation", c.organisation);
  add_string(out, "email", c.email);
  add_string(out, "phone", c.phone);
  add_string(out, "role", c.role);
  out += '}';
}

void add_links(std::string& out, const std::vector<Link>& links) {
  add_key(out, "links");
  out += '[';
  for (std::size_t i = 0; i < links.size(); ++i) {
    if (i > 0) out += ',';
    const Link& l = links[i];
    out += '{';
    add_string(out, "href", l.href);
    add_string(out, "rel", l.rel);
    add_string(out, "type", l.type);
    add_string(out, "title", l.title);
    add_string(out, "protocol", l.protocol);
    out += '}';
  }
  out += ']';
}

// ---- reading

[[noreturn]] void invalid(std::string detail, std::string pointer) {
  throw InvalidInput("invalid-record", std::move(detail), std::move(pointer));
}

std::string index_pointer(std::string_view base, std::size_t i) {
  return std::string(base) + "/" + std::to_string(i);
}

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// Limits apply to a client's patch; stored documents and harvested copies are read as they are.
struct Limits {
  bool strict = false;
};

std::string read_string(element e, const std::string& at, std::size_t max_chars, Limits lim) {
  std::string_view v;
  if (e.get_string().get(v) != simdjson::SUCCESS) invalid(at + " must be a string", at);
  if (lim.strict && code_points(v) > max_chars)
    invalid(at + " is longer than " + std::to_string(max_chars) + " characters", at);
  // Records go out as XML (CSW) too, where control characters other than tab, line feed and
  // carriage return cannot be written at all.
  if (lim.strict)
    for (unsigned char c : v)
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
        invalid(at + " contains a control character", at);
  return std::string(v);
}

// A string member that may also be null (read as empty).
std::string read_text(element e, const std::string& at, std::size_t max_chars, Limits lim) {
  if (e.is_null()) return {};
  return read_string(e, at, max_chars, lim);
}

std::vector<std::string> read_strings(element e, const std::string& at, std::size_t max_items,
                                      std::size_t max_chars, Limits lim) {
  std::vector<std::string> out;
  if (e.is_null()) return out;
  array arr;
  if (e.get_array().get(arr) != simdjson::SUCCESS) invalid(at + " must be an array of strings", at);
  if (lim.strict && arr.size() > max_items)
    invalid(at + " has more than " + std::to_string(max_items) + " items", at);
  std::size_t i = 0;
  for (element item : arr) out.push_back(read_string(item, index_pointer(at, i++), max_chars, lim));
  return out;
}

double read_number(element e, const std::string& at) {
  double v = 0;
  if (e.get_double().get(v) != simdjson::SUCCESS || !std::isfinite(v))
    invalid(at + " must be a number", at);
  return v;
}

std::int64_t read_int(element e, const std::string& at) {
  std::int64_t v = 0;
  if (e.get_int64().get(v) != simdjson::SUCCESS) invalid(at + " must be an integer", at);
  return v;
}

std::optional<Instant> read_instant(element e, const std::string& at, bool end_of_period) {
  if (e.is_null()) return std::nullopt;
  std::string_view v;
  if (e.get_string().get(v) != simdjson::SUCCESS) invalid(at + " must be a time or null", at);
  datum::TimeParseOptions opt;
  opt.allow_unix = false;
  auto t = datum::parse_time(v, opt);
  if (!t) invalid(at + " is not a time such as 2024-05-01T08:00:00Z", at);
  // Years 1 to 9999 in UTC: what RFC 3339 can write back (an offset may push a date across).
  constexpr std::int64_t kFirst = -62'135'596'800'000'000, kLast = 253'402'300'799'999'999;
  if (t->instant.micros < kFirst || t->last.micros > kLast)
    invalid(at + " must lie between the years 1 and 9999", at);
  // A date alone as the end covers its whole day; a time of day is taken as it is.
  return end_of_period && t->date_only ? t->last : t->instant;
}

// The members of one JSON object, each taken once; in strict mode whatever is left is unknown.
// A record has a few dozen members: linear scans over views into the parsed document beat sets
// of strings (every stored record passes here when a catalog loads).
class Members {
 public:
  Members(element e, std::string pointer, std::string_view what) : pointer_(std::move(pointer)) {
    object obj;
    if (e.get_object().get(obj) != simdjson::SUCCESS)
      invalid((pointer_.empty() ? std::string("the ") + std::string(what) : pointer_) +
                  " must be a JSON object",
              pointer_.empty() ? "/" : pointer_);
    for (auto m : obj) {
      for (const Item& it : items_)
        if (it.key == m.key) invalid(at(m.key) + " is given twice", at(m.key));
      items_.push_back(Item{m.key, m.value, false});
    }
  }

  std::optional<element> take(std::string_view key) {
    for (Item& it : items_)
      if (it.key == key) {
        it.taken = true;
        return it.value;
      }
    return std::nullopt;
  }
  std::string at(std::string_view key) const { return json_pointer(pointer_, key); }

  void refuse_unknown() const {
    for (const Item& it : items_)
      if (!it.taken) invalid(at(it.key) + " is not a member of a record", at(it.key));
  }

 private:
  struct Item {
    std::string_view key;
    element value;
    bool taken;
  };
  std::string pointer_;
  std::vector<Item> items_;
};

bool in_list(const std::vector<std::string_view>& list, std::string_view v) {
  for (auto x : list)
    if (x == v) return true;
  return false;
}

// ISO 19115 CI_RoleCode.
const std::vector<std::string_view>& role_codes() {
  static const std::vector<std::string_view> codes = {
      "resourceProvider", "custodian",  "owner",          "user",
      "distributor",      "originator", "pointOfContact", "principalInvestigator",
      "processor",        "publisher",  "author"};
  return codes;
}

Contact read_contact(element e, const std::string& at, Limits lim) {
  Contact c;
  if (e.is_null()) return c;
  Members m(e, at, "contact");
  if (auto v = m.take("name")) c.name = read_text(*v, m.at("name"), kMaxShort, lim);
  if (auto v = m.take("organisation"))
    c.organisation = read_text(*v, m.at("organisation"), kMaxShort, lim);
  if (auto v = m.take("email")) c.email = read_text(*v, m.at("email"), kMaxShort, lim);
  if (auto v = m.take("phone")) c.phone = read_text(*v, m.at("phone"), kMaxShort, lim);
  if (auto v = m.take("role")) {
    c.role = read_text(*v, m.at("role"), kMaxShort, lim);
    if (c.role.empty()) c.role = "pointOfContact";
    if (lim.strict && !in_list(role_codes(), c.role))
      invalid(m.at("role") + " is not an ISO 19115 CI_RoleCode", m.at("role"));
  }
  if (lim.strict) m.refuse_unknown();
  return c;
}

bool is_web_url(std::string_view href) {
  auto starts = [&](std::string_view p) {
    if (href.size() <= p.size()) return false;
    for (std::size_t i = 0; i < p.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(href[i])) != p[i]) return false;
    return true;
  };
  if (!starts("http://") && !starts("https://")) return false;
  for (unsigned char c : href)
    if (c <= 0x20 || c == 0x7F) return false;
  return true;
}

std::vector<Link> read_links(element e, const std::string& at, Limits lim) {
  std::vector<Link> out;
  if (e.is_null()) return out;
  array arr;
  if (e.get_array().get(arr) != simdjson::SUCCESS) invalid(at + " must be an array of links", at);
  if (lim.strict && arr.size() > kMaxLinks)
    invalid(at + " has more than " + std::to_string(kMaxLinks) + " items", at);
  std::size_t i = 0;
  for (element item : arr) {
    std::string p = index_pointer(at, i++);
    Members m(item, p, "link");
    Link l;
    auto href = m.take("href");
    if (!href) invalid(p + " needs an href", p + "/href");
    l.href = read_string(*href, m.at("href"), kMaxHref, lim);
    // Links are shown on pages as they are: only web addresses, never javascript: or data:.
    if (lim.strict && !is_web_url(l.href))
      invalid(m.at("href") + " must be an http or https URL", m.at("href"));
    if (auto v = m.take("rel")) l.rel = read_text(*v, m.at("rel"), kMaxShort, lim);
    if (auto v = m.take("type")) l.type = read_text(*v, m.at("type"), kMaxShort, lim);
    if (auto v = m.take("title")) l.title = read_text(*v, m.at("title"), kMaxShort, lim);
    if (auto v = m.take("protocol")) l.protocol = read_text(*v, m.at("protocol"), kMaxShort, lim);
    if (lim.strict) m.refuse_unknown();
    out.push_back(std::move(l));
  }
  return out;
}

// [minx, miny, maxx, maxy] in degrees (EPSG:4490, longitude first); null clears it (an empty
// envelope).
Envelope read_extent(element e, const std::string& at, Limits lim) {
  if (e.is_null()) return Envelope{};
  array arr;
  if (e.get_array().get(arr) != simdjson::SUCCESS || arr.size() != 4)
    invalid(at + " must be [minx, miny, maxx, maxy]", at);
  double v[4];
  std::size_t i = 0;
  for (element item : arr) {
    v[i] = read_number(item, index_pointer(at, i));
    ++i;
  }
  Envelope env = Envelope::of(v[0], v[1], v[2], v[3]);
  if (lim.strict) {
    if (v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90)
      invalid(at + " must lie within longitudes -180..180 and latitudes -90..90", at);
    if (v[0] > v[2] || v[1] > v[3]) invalid(at + " must have its minimum below its maximum", at);
  }
  return env;
}

// [start|null, end|null]; null is no time extent (an unbounded interval).
Interval read_time(element e, const std::string& at) {
  if (e.is_null()) return Interval{};
  array arr;
  if (e.get_array().get(arr) != simdjson::SUCCESS || arr.size() != 2)
    invalid(at + " must be [start, end] with null for an open end", at);
  Interval t;
  t.start = read_instant(arr.at(0).value_unsafe(), index_pointer(at, 0), false);
  t.end = read_instant(arr.at(1).value_unsafe(), index_pointer(at, 1), true);
  if (t.start && t.end && *t.end < *t.start) invalid(at + " ends before it starts", at);
  return t;
}

bool valid_language(std::string_view s) {
  // BCP 47 in its common shape: a 2-3 letter language, then subtags of letters and digits.
  std::size_t i = 0, n = 0;
  while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i, ++n;
  if (n < 2 || n > 3) return false;
  while (i < s.size()) {
    if (s[i] != '-') return false;
    ++i;
    std::size_t k = 0;
    while (i < s.size() && std::isalnum(static_cast<unsigned char>(s[i]))) ++i, ++k;
    if (k < 1 || k > 8) return false;
  }
  return true;
}

constexpr std::string_view kRecordTypes[] = {"dataset", "service", "series", "document"};
constexpr std::string_view kAccessLevels[] = {"public", "registered", "restricted", "private"};

element parse_document(simdjson::dom::parser& parser, std::string_view json) {
  element doc;
  if (parser.parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS)
    invalid("the body is not well-formed JSON", "/");
  return doc;
}

}  // namespace

std::string to_json(const Record& r) {
  std::string out = "{";
  add_string(out, "id", r.id);
  add_string(out, "type", r.type);
  add_string(out, "kind", r.kind);
  add_string(out, "dataset_id", r.dataset_id);
  add_string(out, "title", r.title);
  add_string(out, "abstract", r.abstract);
  add_strings(out, "keywords", r.keywords);
  add_string(out, "topic", r.topic);
  add_string(out, "publisher", r.publisher);
  add_contact(out, r.contact);
  add_string(out, "licence", r.licence);
  add_string(out, "lineage", r.lineage);
  add_string(out, "update_frequency", r.update_frequency);
  add_string(out, "language", r.language);
  add_string(out, "access", r.access);
  add_links(out, r.links);
  add_extent(out, r.extent);
  add_time(out, r.time_extent);
  add_string(out, "crs", r.crs);
  add_string(out, "vertical_datum", r.vertical_datum);
  add_key(out, "feature_count");
  out += std::to_string(r.feature_count);
  add_strings(out, "fields", r.fields);
  add_strings(out, "formats", r.formats);
  add_string(out, "source_format", r.source_format);
  add_string(out, "state", to_string(r.state));
  add_string(out, "owner", r.owner);
  add_string(out, "source_id", r.source_id);
  add_string(out, "source_url", r.source_url);
  add_string(out, "external_id", r.external_id);
  add_key(out, "created");
  add_instant(out, r.created);
  add_key(out, "updated");
  add_instant(out, r.updated);
  add_key(out, "published");
  add_instant(out, r.published);
  add_key(out, "version");
  out += std::to_string(r.version);
  out += '}';
  return out;
}

Record record_from_json(std::string_view json) {
  // One parser per thread: loading a catalog reads every record, and a parser's buffers are
  // worth reusing.
  thread_local simdjson::dom::parser parser;
  element doc = parse_document(parser, json);
  Members m(doc, "", "record");
  const Limits lim{false};
  Record r;
  auto text = [&](std::string_view key, std::string& field) {
    if (auto v = m.take(key)) field = read_text(*v, m.at(key), kMaxText, lim);
  };
  text("id", r.id);
  text("type", r.type);
  text("kind", r.kind);
  text("dataset_id", r.dataset_id);
  text("title", r.title);
  text("abstract", r.abstract);
  if (auto v = m.take("keywords")) r.keywords = read_strings(*v, m.at("keywords"), 0, 0, lim);
  text("topic", r.topic);
  text("publisher", r.publisher);
  if (auto v = m.take("contact")) r.contact = read_contact(*v, m.at("contact"), lim);
  text("licence", r.licence);
  text("lineage", r.lineage);
  text("update_frequency", r.update_frequency);
  text("language", r.language);
  text("access", r.access);
  if (auto v = m.take("links")) r.links = read_links(*v, m.at("links"), lim);
  if (auto v = m.take("extent")) {
    Envelope e = read_extent(*v, m.at("extent"), lim);
    if (!e.empty()) r.extent = e;
  }
  if (auto v = m.take("time"); v && !v->is_null()) r.time_extent = read_time(*v, m.at("time"));
  text("crs", r.crs);
  text("vertical_datum", r.vertical_datum);
  if (auto v = m.take("feature_count")) r.feature_count = read_int(*v, m.at("feature_count"));
  if (auto v = m.take("fields")) r.fields = read_strings(*v, m.at("fields"), 0, 0, lim);
  if (auto v = m.take("formats")) r.formats = read_strings(*v, m.at("formats"), 0, 0, lim);
  text("source_format", r.source_format);
  if (auto v = m.take("state")) {
    std::string s = read_string(*v, m.at("state"), kMaxShort, lim);
    auto st = record_state_from_string(s);
    if (!st) invalid(m.at("state") + " is not a workflow state", m.at("state"));
    r.state = *st;
  }
  text("owner", r.owner);
  text("source_id", r.source_id);
  text("source_url", r.source_url);
  text("external_id", r.external_id);
  if (auto v = m.take("created"))
    r.created = read_instant(*v, m.at("created"), false).value_or(Instant{});
  if (auto v = m.take("updated"))
    r.updated = read_instant(*v, m.at("updated"), false).value_or(Instant{});
  if (auto v = m.take("published")) r.published = read_instant(*v, m.at("published"), false);
  if (auto v = m.take("version")) r.version = read_int(*v, m.at("version"));
  // Members a newer shikong may have added are left alone, not refused.
  return r;
}

RecordPatch parse_record_patch(std::string_view json) {
  return parse_record_patch(json, nullptr);
}

RecordPatch parse_record_patch(std::string_view json, std::string* id) {
  thread_local simdjson::dom::parser parser;
  element doc = parse_document(parser, json);
  Members m(doc, "", "record");
  const Limits lim{true};
  RecordPatch p;
  if (id != nullptr) {
    if (auto v = m.take("id")) *id = read_string(*v, m.at("id"), 64, lim);
  }
  auto text = [&](std::string_view key, std::optional<std::string>& field, std::size_t max) {
    if (auto v = m.take(key)) field = read_text(*v, m.at(key), max, lim);
  };
  if (auto v = m.take("type")) {
    p.type = read_string(*v, m.at("type"), kMaxShort, lim);
    bool ok = false;
    for (auto t : kRecordTypes) ok = ok || t == *p.type;
    if (!ok) invalid(m.at("type") + " must be dataset, service, series or document", m.at("type"));
  }
  if (auto v = m.take("title")) {
    p.title = read_string(*v, m.at("title"), kMaxTitle, lim);
    bool blank = true;
    for (unsigned char c : *p.title)
      blank = blank && (c == ' ' || c == '\t' || c == '\n' || c == '\r');
    if (blank) invalid(m.at("title") + " must not be empty", m.at("title"));
  }
  text("abstract", p.abstract, kMaxText);
  text("topic", p.topic, kMaxShort);
  if (p.topic && !p.topic->empty() && !in_list(topic_categories(), *p.topic))
    invalid(m.at("topic") + " is not an ISO 19115 topic category", m.at("topic"));
  text("publisher", p.publisher, kMaxShort);
  text("licence", p.licence, kMaxShort);
  text("lineage", p.lineage, kMaxText);
  text("update_frequency", p.update_frequency, kMaxShort);
  if (p.update_frequency && !p.update_frequency->empty() &&
      !in_list(update_frequencies(), *p.update_frequency))
    invalid(m.at("update_frequency") + " is not an ISO 19115 maintenance frequency",
            m.at("update_frequency"));
  if (auto v = m.take("language")) {
    p.language = read_string(*v, m.at("language"), 35, lim);
    if (!valid_language(*p.language))
      invalid(m.at("language") + " must be a language tag such as zh or en", m.at("language"));
  }
  if (auto v = m.take("access")) {
    p.access = read_string(*v, m.at("access"), kMaxShort, lim);
    bool ok = false;
    for (auto a : kAccessLevels) ok = ok || a == *p.access;
    if (!ok)
      invalid(m.at("access") + " must be public, registered, restricted or private",
              m.at("access"));
  }
  if (auto v = m.take("keywords")) {
    p.keywords = read_strings(*v, m.at("keywords"), kMaxKeywords, kMaxKeyword, lim);
    for (std::size_t i = 0; i < p.keywords->size(); ++i)
      if ((*p.keywords)[i].empty())
        invalid(index_pointer(m.at("keywords"), i) + " must not be empty",
                index_pointer(m.at("keywords"), i));
  }
  if (auto v = m.take("contact")) p.contact = read_contact(*v, m.at("contact"), lim);
  if (auto v = m.take("links")) p.links = read_links(*v, m.at("links"), lim);
  if (auto v = m.take("extent")) p.extent = read_extent(*v, m.at("extent"), lim);
  if (auto v = m.take("time")) p.time_extent = read_time(*v, m.at("time"));
  m.refuse_unknown();
  return p;
}

}  // namespace shikong::catalog
