// The harvester's readers of remote documents: WMS/WMTS/WFS capabilities, CSW GetRecords answers
// and OGC API - Records items (a plain server or another shikong node), each turned into
// catalog records without touching the network or the catalog.
#include <fmt/format.h>

#include <simdjson.h>
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <unordered_set>

#include "core/error.hpp"
#include "datum/time.hpp"
#include "harvest/harvest.hpp"
#include "harvest/url.hpp"
#include "xml/xml.hpp"

namespace shikong::harvest {
namespace {

using catalog::Link;
using catalog::Record;
using xml::Element;

// --- small text helpers ---------------------------------------------------------------------

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// Runs of blanks folded to one space: titles spread over lines read as one line.
std::string collapse(std::string_view s) {
  std::string out;
  bool blank = false;
  for (char c : s) {
    if (is_blank(c)) {
      blank = !out.empty();
      continue;
    }
    if (blank) out.push_back(' ');
    blank = false;
    out.push_back(c);
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::optional<double> to_double(std::string_view s) {
  std::string t = trim(s);
  if (t.empty()) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || p != t.data() + t.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// "a b" (an OWS corner) -> the two numbers.
std::optional<std::pair<double, double>> corner(std::string_view s) {
  std::string t = collapse(s);
  auto sp = t.find(' ');
  if (sp == std::string::npos) return std::nullopt;
  auto a = to_double(std::string_view(t).substr(0, sp));
  auto b = to_double(std::string_view(t).substr(sp + 1));
  if (!a || !b) return std::nullopt;
  return std::pair{*a, *b};
}

// Only boxes that can be longitude/latitude become extents; anything else is not geographic.
std::optional<Envelope> geographic(double minx, double miny, double maxx, double maxy) {
  if (minx > maxx || miny > maxy) return std::nullopt;
  if (minx < -180.0000001 || maxx > 180.0000001 || miny < -90.0000001 || maxy > 90.0000001)
    return std::nullopt;
  return Envelope::of(minx, miny, maxx, maxy);
}

void add_unique(std::vector<std::string>& list, std::string value) {
  value = collapse(value);
  if (value.empty()) return;
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(std::move(value));
}

void add_link(Record& r, Link link) {
  if (link.href.empty()) return;
  for (const auto& l : r.links)
    if (l.href == link.href && l.rel == link.rel && l.title == link.title) return;
  r.links.push_back(std::move(link));
}

// Remote documents are not in our zone: a time without offset is read as UTC, so that the
// same text gives the same instant on every node.
std::optional<datum::ParsedTime> remote_time(std::string_view text) {
  datum::TimeParseOptions opt;
  opt.allow_unix = false;
  opt.zone = datum::Zone{0, "UTC"};
  return datum::parse_time(trim(text), opt);
}

// The end a value gives an interval: a date covers its whole day, a time is that instant.
Instant end_of(const datum::ParsedTime& t) {
  return t.date_only ? t.last : t.instant;
}

// WMS/WMTS time dimension values: "2000-01-01/2020-12-31/P1Y", "2001,2002,2003", a mix of
// both, or one instant. Unreadable values ("current", periods alone) are skipped.
std::optional<Interval> time_dimension(std::string_view text) {
  Interval iv;
  bool any = false;
  std::string all = collapse(text);
  std::size_t pos = 0;
  while (pos <= all.size()) {
    auto comma = all.find(',', pos);
    std::string item = trim(std::string_view(all).substr(
        pos, comma == std::string::npos ? std::string::npos : comma - pos));
    pos = comma == std::string::npos ? all.size() + 1 : comma + 1;
    if (item.empty()) continue;
    auto slash = item.find('/');
    if (slash == std::string::npos) {
      if (auto t = remote_time(item)) {
        iv.extend(t->instant);
        iv.extend(end_of(*t));
        any = true;
      }
      continue;
    }
    auto rest = std::string_view(item).substr(slash + 1);
    auto end_text = rest.substr(0, rest.find('/'));
    auto s = remote_time(std::string_view(item).substr(0, slash));
    auto e = remote_time(end_text);
    if (s && e) {
      iv.extend(s->instant);
      iv.extend(end_of(*e));
      any = true;
    }
  }
  if (!any) return std::nullopt;
  return iv;
}

[[noreturn]] void malformed(std::string detail) {
  throw InvalidInput("invalid-source", std::move(detail), "source");
}

// Every reader expects one root element; an answer with another root (an exception report, an
// HTML page served with 200) is a malformed source, said in our words.
void expect_root(const Element& root, std::initializer_list<std::string_view> names,
                 std::string_view what) {
  for (auto n : names)
    if (root.name == n) return;
  if (root.name == "ExceptionReport" || root.name == "ServiceExceptionReport")
    malformed(fmt::format("The source answered with an exception report instead of {}.", what));
  malformed(fmt::format("The source's document is not {} (its root element is {}).", what,
                        root.name.substr(0, 80)));
}

Element parse_xml(std::string_view bytes) {
  return xml::parse(bytes, xml::Limits{}, "source");
}

// WMS 1.1.1 documents must carry a DOCTYPE (MapServer adds an internal subset declaring its
// vendor element). A declaration that defines no entity is cut out before the reader, which
// refuses every DOCTYPE, sees the document; one with an entity (or a parameter entity) is
// left in place and refused like any other.
std::string_view::size_type doctype_end(std::string_view doc, std::string_view::size_type start) {
  auto bracket = doc.find('[', start);
  auto close = doc.find('>', start);
  if (close == std::string_view::npos) return close;
  if (bracket == std::string_view::npos || close < bracket) return close + 1;
  auto end_subset = doc.find(']', bracket);
  if (end_subset == std::string_view::npos) return end_subset;
  std::string_view subset = doc.substr(bracket, end_subset - bracket);
  if (subset.find("ENTITY") != std::string_view::npos ||
      subset.find('%') != std::string_view::npos || subset.find('"') != std::string_view::npos ||
      subset.find('\'') != std::string_view::npos)
    return std::string_view::npos;
  auto pos = end_subset + 1;
  while (pos < doc.size() && is_blank(doc[pos])) ++pos;
  if (pos >= doc.size() || doc[pos] != '>') return std::string_view::npos;
  return pos + 1;
}

std::string without_harmless_doctype(std::string_view doc) {
  auto start = doc.find("<!DOCTYPE");
  // Only in the prolog: before the root element's first '<' that is not '<?' or '<!'.
  for (std::size_t i = 0; i < doc.size() && i < start; ++i)
    if (doc[i] == '<' && i + 1 < doc.size() && doc[i + 1] != '?' && doc[i + 1] != '!')
      return std::string(doc);
  if (start == std::string_view::npos) return std::string(doc);
  auto end = doctype_end(doc, start);
  if (end == std::string_view::npos) return std::string(doc);
  return std::string(doc.substr(0, start)) + std::string(doc.substr(end));
}

// The texts of every `name` element under `list` (KeywordList/Keyword, ows:Keywords/ows:Keyword).
void keywords_from(const Element* list, std::string_view name, std::vector<std::string>& out) {
  if (list == nullptr) return;
  for (const auto* k : list->children_named("*", name)) add_unique(out, k->text);
}

std::string href_of(const Element* e) {
  if (e == nullptr) return {};
  return trim(e->attribute("href", xml::ns::xlink));
}

// --- WMS ------------------------------------------------------------------------------------

struct WmsInherited {
  std::optional<Envelope> extent;
  std::optional<Interval> time;
};

std::optional<Envelope> wms_extent(const Element& layer) {
  if (const auto* b = layer.child("*", "EX_GeographicBoundingBox")) {
    auto w = to_double(b->child_text("*", "westBoundLongitude"));
    auto e = to_double(b->child_text("*", "eastBoundLongitude"));
    auto s = to_double(b->child_text("*", "southBoundLatitude"));
    auto n = to_double(b->child_text("*", "northBoundLatitude"));
    if (w && e && s && n) return geographic(*w, *s, *e, *n);
  }
  if (const auto* b = layer.child("*", "LatLonBoundingBox")) {
    auto x0 = to_double(b->attribute("minx"));
    auto y0 = to_double(b->attribute("miny"));
    auto x1 = to_double(b->attribute("maxx"));
    auto y1 = to_double(b->attribute("maxy"));
    if (x0 && y0 && x1 && y1) return geographic(*x0, *y0, *x1, *y1);
  }
  return std::nullopt;
}

// 1.3.0 writes the values inside Dimension; 1.1.1 declares Dimension and puts them in Extent.
std::optional<Interval> wms_time(const Element& layer) {
  for (const auto& c : layer.children) {
    if ((c.name == "Dimension" || c.name == "Extent") && lower(c.attribute("name")) == "time") {
      if (auto iv = time_dimension(c.text)) return iv;
    }
  }
  return std::nullopt;
}

struct WmsContext {
  std::string url;
  std::string getmap;
  Page* page;
  Envelope all;
};

void wms_layer(const Element& layer, WmsInherited inherited, WmsContext& ctx) {
  if (auto e = wms_extent(layer)) inherited.extent = e;
  if (auto t = wms_time(layer)) inherited.time = t;
  std::string name = trim(layer.child_text("*", "Name"));
  if (!name.empty()) {
    Record r;
    r.type = "dataset";
    r.kind = "wms";
    r.external_id = name;
    r.title = collapse(layer.child_text("*", "Title"));
    r.abstract = trim(layer.child_text("*", "Abstract"));
    keywords_from(layer.child("*", "KeywordList"), "Keyword", r.keywords);
    r.extent = inherited.extent;
    r.time_extent = inherited.time;
    r.formats = {"WMS"};
    r.source_url = ctx.url;
    add_link(r, Link{ctx.getmap, "service", "", name, "OGC:WMS"});
    if (r.title.empty()) {
      ++ctx.page->rejected;
    } else {
      if (r.extent) ctx.all.extend(*r.extent);
      ctx.page->records.push_back(std::move(r));
    }
  }
  for (const auto* child : layer.children_named("*", "Layer")) wms_layer(*child, inherited, ctx);
}

// The ContactInformation of a WMS service -> publisher and contact.
void wms_contact(const Element* info, Record& r) {
  if (info == nullptr) return;
  if (const auto* p = info->child("*", "ContactPersonPrimary")) {
    r.contact.name = collapse(p->child_text("*", "ContactPerson"));
    r.contact.organisation = collapse(p->child_text("*", "ContactOrganization"));
  }
  r.contact.email = trim(info->child_text("*", "ContactElectronicMailAddress"));
  r.contact.phone = trim(info->child_text("*", "ContactVoiceTelephone"));
  r.publisher = r.contact.organisation;
}

// --- CSW ------------------------------------------------------------------------------------

// dc:type values, plain or as DCMI type URIs, onto our four record types.
std::string record_type(std::string_view dc_type) {
  std::string t = lower(trim(dc_type));
  auto slash = t.find_last_of("/#:");
  if (slash != std::string::npos) t = t.substr(slash + 1);
  if (t == "service") return "service";
  if (t == "series" || t == "collection") return "series";
  if (t == "document" || t == "text" || t == "nongeographicdataset") return "document";
  return "dataset";
}

bool is_topic(std::string_view s) {
  const auto& list = catalog::topic_categories();
  return std::find(list.begin(), list.end(), s) != list.end();
}

// The EPSG code of a CRS reference, and whether the reference is of the URN/URI kind that
// follows the CRS's own axis order (the plain "EPSG:4326" form is traditionally lon/lat).
struct CrsRef {
  int epsg = 0;  // 0: CRS84 or none
  bool authority_order = false;
  bool known = true;
};

CrsRef crs_ref(std::string_view crs) {
  std::string c = lower(trim(crs));
  if (c.empty() || c.find("crs84") != std::string::npos || c.find("wgs84") != std::string::npos)
    return {};
  auto digits_end = c.size();
  auto digits_begin = digits_end;
  while (digits_begin > 0 && c[digits_begin - 1] >= '0' && c[digits_begin - 1] <= '9')
    --digits_begin;
  if (digits_begin == digits_end || c.find("epsg") == std::string::npos)
    return CrsRef{0, false, false};
  CrsRef r;
  r.epsg = std::atoi(c.c_str() + digits_begin);
  r.authority_order = c.rfind("urn:", 0) == 0 || c.rfind("http", 0) == 0;
  return r;
}

// Geographic CRSs whose EPSG axis order is latitude first and whose degrees we take as ours.
bool lat_lon_crs(int epsg) {
  return epsg == 4326 || epsg == 4490 || epsg == 4258 || epsg == 4269;
}

std::optional<Envelope> ows_box(const Element& box, bool wgs84) {
  auto lo = corner(box.child_text("*", "LowerCorner"));
  auto hi = corner(box.child_text("*", "UpperCorner"));
  if (!lo || !hi) return std::nullopt;
  if (!wgs84) {
    CrsRef ref = crs_ref(box.attribute("crs"));
    if (!ref.known) return std::nullopt;
    if (ref.epsg != 0) {
      if (!lat_lon_crs(ref.epsg)) return std::nullopt;  // projected: not an extent we can use
      if (ref.authority_order) {
        std::swap(lo->first, lo->second);
        std::swap(hi->first, hi->second);
      }
    }
  }
  return geographic(lo->first, lo->second, hi->first, hi->second);
}

std::string csw_get_record_by_id(std::string_view endpoint, std::string_view id) {
  return with_query(endpoint,
                    "service=CSW&version=2.0.2&request=GetRecordById&elementSetName=full&"
                    "outputSchema=" +
                        percent_encode("http://www.opengis.net/cat/csw/2.0.2") +
                        "&id=" + percent_encode(id));
}

std::string get_records_body(std::int64_t start) {
  return fmt::format(
      R"(<?xml version="1.0" encoding="UTF-8"?>
<csw:GetRecords xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" service="CSW" version="2.0.2" resultType="results" startPosition="{}" maxRecords="100" outputSchema="http://www.opengis.net/cat/csw/2.0.2">
  <csw:Query typeNames="csw:Record">
    <csw:ElementSetName>full</csw:ElementSetName>
  </csw:Query>
</csw:GetRecords>
)",
      start);
}

std::optional<std::int64_t> to_int(std::string_view s) {
  std::string t = trim(s);
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || p != t.data() + t.size()) return std::nullopt;
  return v;
}

// --- OGC API - Records (JSON) ---------------------------------------------------------------

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

std::string str(element e) {
  std::string_view v;
  if (e.get_string().get(v) != simdjson::SUCCESS) return {};
  return std::string(v);
}

std::string member_str(object o, std::string_view key) {
  element e;
  if (o.at_key(key).get(e) != simdjson::SUCCESS) return {};
  return str(e);
}

// Members by out-parameter: simdjson's views wrapped in std::optional temporaries confuse
// GCC's release-mode flow analysis (dangling-pointer, maybe-uninitialized), and a range-for
// over `*optional_temporary` would really dangle.
bool member_obj(object o, std::string_view key, object& out) {
  return o.at_key(key).get_object().get(out) == simdjson::SUCCESS;
}

bool member_arr(object o, std::string_view key, array& out) {
  return o.at_key(key).get_array().get(out) == simdjson::SUCCESS;
}

// A feature id is a string or a number in GeoJSON.
std::string id_of(object f) {
  element e;
  if (f.at_key("id").get(e) != simdjson::SUCCESS) return {};
  if (e.is_string()) return str(e);
  std::int64_t i = 0;
  if (e.get_int64().get(i) == simdjson::SUCCESS) return std::to_string(i);
  std::uint64_t u = 0;
  if (e.get_uint64().get(u) == simdjson::SUCCESS) return std::to_string(u);
  return {};
}

void positions(element e, Envelope& env, int depth) {
  array a;
  if (depth > 8 || e.get_array().get(a) != simdjson::SUCCESS) return;
  double x = 0, y = 0;
  if (a.size() >= 2 && a.at(0).get_double().get(x) == simdjson::SUCCESS &&
      a.at(1).get_double().get(y) == simdjson::SUCCESS) {
    env.extend(x, y);
    return;
  }
  for (auto child : a) positions(child, env, depth + 1);
}

std::optional<Envelope> geometry_extent(object f) {
  Envelope env;
  object g;
  if (member_obj(f, "geometry", g)) {
    element coords;
    if (g.at_key("coordinates").get(coords) == simdjson::SUCCESS) positions(coords, env, 0);
    array geoms;
    if (member_arr(g, "geometries", geoms))
      for (auto sub : geoms) {
        object so;
        element c;
        if (sub.get_object().get(so) == simdjson::SUCCESS &&
            so.at_key("coordinates").get(c) == simdjson::SUCCESS)
          positions(c, env, 0);
      }
  }
  if (env.empty()) {
    array bbox;
    if (member_arr(f, "bbox", bbox) && bbox.size() >= 4) {
      std::vector<double> v;
      for (auto x : bbox) {
        double d = 0;
        if (x.get_double().get(d) != simdjson::SUCCESS) return std::nullopt;
        v.push_back(d);
      }
      if (v.size() == 4) return geographic(v[0], v[1], v[2], v[3]);
      if (v.size() == 6) return geographic(v[0], v[1], v[3], v[4]);
    }
    return std::nullopt;
  }
  return geographic(env.min_x, env.min_y, env.max_x, env.max_y);
}

std::optional<Interval> json_time(object f) {
  object t;
  if (!member_obj(f, "time", t)) return std::nullopt;
  array iv;
  if (member_arr(t, "interval", iv) && iv.size() == 2) {
    Interval out;
    element s, e;
    if (iv.at(0).get(s) != simdjson::SUCCESS || iv.at(1).get(e) != simdjson::SUCCESS)
      return std::nullopt;
    if (s.is_string() && str(s) != "..")
      if (auto p = remote_time(str(s))) out.start = p->instant;
    if (e.is_string() && str(e) != "..")
      if (auto p = remote_time(str(e))) out.end = end_of(*p);
    if (out.unbounded()) return std::nullopt;
    return out;
  }
  for (auto key : {"timestamp", "date"}) {
    if (auto p = remote_time(member_str(t, key))) return Interval{p->instant, end_of(*p)};
  }
  return std::nullopt;
}

std::vector<std::string> string_list(object o, std::string_view key) {
  std::vector<std::string> out;
  array a;
  if (!member_arr(o, key, a)) return out;
  for (auto e : a) {
    if (e.is_string()) {
      add_unique(out, str(e));
      continue;
    }
    object eo;
    if (e.get_object().get(eo) == simdjson::SUCCESS) {
      // formats as {"name": ..., "mediaType": ...}, keywords as {"keyword": ...}
      for (auto k : {"name", "keyword", "value", "mediaType"}) {
        auto s = member_str(eo, k);
        if (!s.empty()) {
          add_unique(out, s);
          break;
        }
      }
    }
  }
  return out;
}

struct JsonPage {
  simdjson::dom::parser parser;
  object root;
};

void parse_json(JsonPage& jp, std::string_view json) {
  element doc;
  if (jp.parser.parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS)
    malformed("The source's answer is not valid JSON.");
  if (doc.get_object().get(jp.root) != simdjson::SUCCESS)
    malformed("The source's answer is not a JSON object.");
  auto type = member_str(jp.root, "type");
  array features;
  if (type != "FeatureCollection" || !member_arr(jp.root, "features", features))
    malformed("The source's answer is not a GeoJSON FeatureCollection of records.");
}

// contacts: the entry with role "publisher" names the publisher; the first other entry is the
// contact. A plain Records server may have no publisher entry: its first contact's organisation
// stands in (`fallback`); our own encoding always writes one when there is a publisher.
void apply_contacts(object props, Record& r, bool fallback) {
  array contacts;
  if (!member_arr(props, "contacts", contacts)) return;
  bool have_contact = false;
  std::string first_org;
  for (auto c : contacts) {
    object co;
    if (c.get_object().get(co) != simdjson::SUCCESS) continue;
    std::vector<std::string> roles = string_list(co, "roles");
    std::string org = collapse(member_str(co, "organization"));
    std::string name = collapse(member_str(co, "name"));
    if (std::find(roles.begin(), roles.end(), "publisher") != roles.end()) {
      if (r.publisher.empty()) r.publisher = org.empty() ? name : org;
      continue;
    }
    if (first_org.empty()) first_org = org.empty() ? name : org;
    if (have_contact) continue;
    have_contact = true;
    r.contact.name = name;
    r.contact.organisation = org;
    if (!roles.empty()) r.contact.role = roles.front();
    for (auto [key, field] : {std::pair{"emails", &catalog::Contact::email},
                              std::pair{"phones", &catalog::Contact::phone}}) {
      array list;
      if (!member_arr(co, key, list)) continue;
      for (auto v : list) {
        object vo;
        std::string value =
            v.get_object().get(vo) == simdjson::SUCCESS ? member_str(vo, "value") : str(v);
        if (!value.empty()) {
          r.contact.*field = trim(value);
          break;
        }
      }
    }
    // Our encoding writes a phone outside the schema's pattern as an instruction.
    std::string instructions = trim(member_str(co, "contactInstructions"));
    if (r.contact.phone.empty() && instructions.rfind("Phone: ", 0) == 0)
      r.contact.phone = instructions.substr(7);
  }
  if (fallback && r.publisher.empty()) r.publisher = first_org;
}

bool one_of(const std::vector<std::string_view>& list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

// properties.shikong: what our Records encoding adds beyond the standard so that another node
// reads a record whole. The record stays of kind "shikong" (where it came from).
void read_shikong_member(object props, Record& r) {
  object skv;
  if (!member_obj(props, "shikong", skv)) return;
  const object* sk = &skv;
  std::string access = trim(member_str(*sk, "access"));
  if (one_of({"public", "registered", "restricted", "private"}, access)) r.access = access;
  std::string licence = trim(member_str(*sk, "licence"));
  if (!licence.empty()) r.licence = licence;
  r.lineage = trim(member_str(*sk, "lineage"));
  std::string freq = trim(member_str(*sk, "updateFrequency"));
  if (one_of(catalog::update_frequencies(), freq)) r.update_frequency = freq;
  r.crs = trim(member_str(*sk, "crs"));
  r.vertical_datum = trim(member_str(*sk, "verticalDatum"));
  std::int64_t count = -1;
  if (sk->at_key("featureCount").get_int64().get(count) == simdjson::SUCCESS && count >= 0)
    r.feature_count = count;
  r.fields = string_list(*sk, "fields");
  r.source_format = trim(member_str(*sk, "sourceFormat"));
}

Page parse_items(std::string_view json, std::string_view url, bool shikong) {
  JsonPage jp;
  parse_json(jp, json);
  Page page;
  std::string kind = shikong ? "shikong" : "records";
  array features;
  if (!member_arr(jp.root, "features", features)) return page;
  for (auto fe : features) {
    object f;
    if (fe.get_object().get(f) != simdjson::SUCCESS) {
      ++page.rejected;
      continue;
    }
    Record r;
    r.kind = kind;
    r.external_id = id_of(f);
    object props_v;
    if (member_obj(f, "properties", props_v)) {
      const object* props = &props_v;
      r.title = collapse(member_str(*props, "title"));
      r.abstract = trim(member_str(*props, "description"));
      r.keywords = string_list(*props, "keywords");
      std::string type = member_str(*props, "type");
      if (!type.empty()) r.type = record_type(type);
      if (auto p = remote_time(member_str(*props, "updated"))) r.updated = p->instant;
      if (auto p = remote_time(member_str(*props, "created"))) r.created = p->instant;
      if (r.updated.micros == 0) r.updated = r.created;
      r.formats = string_list(*props, "formats");
      r.licence = trim(member_str(*props, "license"));
      std::string lang = member_str(*props, "language");
      object lo;
      if (lang.empty() && member_obj(*props, "language", lo)) lang = member_str(lo, "code");
      if (!lang.empty()) r.language = lang;
      // themes: concepts of the ISO topic scheme give the topic; others become keywords.
      array themes;
      if (member_arr(*props, "themes", themes))
        for (auto th : themes) {
          object to;
          array concepts;
          if (th.get_object().get(to) != simdjson::SUCCESS || !member_arr(to, "concepts", concepts))
            continue;
          for (auto c : concepts) {
            object co;
            std::string id =
                c.get_object().get(co) == simdjson::SUCCESS ? member_str(co, "id") : str(c);
            if (id.empty()) continue;
            if (r.topic.empty() && is_topic(id))
              r.topic = id;
            else if (!is_topic(id) || !shikong)
              add_unique(r.keywords, id);
          }
        }
      apply_contacts(*props, r, !shikong);
      if (shikong) read_shikong_member(*props, r);
    }
    r.extent = geometry_extent(f);
    r.time_extent = json_time(f);
    std::string self, alternate;
    array links;
    if (member_arr(f, "links", links))
      for (auto le : links) {
        object lo;
        if (le.get_object().get(lo) != simdjson::SUCCESS) continue;
        std::string rel = member_str(lo, "rel");
        std::string href = member_str(lo, "href");
        if (href.empty()) continue;
        href = resolve_url(url, href);
        if (rel == "self") {
          if (self.empty()) self = href;
          continue;
        }
        if (rel == "alternate" && alternate.empty()) alternate = href;
        if (rel == "collection" || rel == "root" || rel == "next" || rel == "prev" ||
            rel == "profile")
          continue;
        if (rel == "license") {  // the licence's own page, when the properties name none
          if (r.licence.empty()) r.licence = href;
          continue;
        }
        add_link(r, Link{href, rel, member_str(lo, "type"), member_str(lo, "title"),
                         member_str(lo, "protocol")});
      }
    // The link back: the record's own document at the source.
    r.source_url = !self.empty() ? self : alternate;
    if (r.external_id.empty() || r.title.empty()) {
      ++page.rejected;
      continue;
    }
    if (r.source_url.empty()) {
      std::string items = without_query(url);
      while (!items.empty() && items.back() == '/') items.pop_back();
      r.source_url = items + "/" + percent_encode(r.external_id);
    }
    page.records.push_back(std::move(r));
  }
  array links;
  if (member_arr(jp.root, "links", links))
    for (auto le : links) {
      object lo;
      if (le.get_object().get(lo) != simdjson::SUCCESS) continue;
      if (member_str(lo, "rel") == "next") {
        std::string href = member_str(lo, "href");
        if (!href.empty()) page.next_url = resolve_url(url, href);
        break;
      }
    }
  return page;
}

}  // namespace

const std::vector<std::string_view>& source_kinds() {
  static const std::vector<std::string_view> kinds{"wms", "wmts",    "wfs",
                                                   "csw", "records", "shikong"};
  return kinds;
}

std::string harvested_record_id(std::string_view source_id, std::string_view external_id) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : external_id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return fmt::format("{}-{:016x}", source_id, h);
}

Page parse_wms_capabilities(std::string_view bytes, std::string_view url) {
  Element root = parse_xml(without_harmless_doctype(bytes));
  expect_root(root, {"WMS_Capabilities", "WMT_MS_Capabilities"}, "a WMS capabilities document");
  const Element* service = root.child("*", "Service");
  const Element* capability = root.child("*", "Capability");
  if (service == nullptr || capability == nullptr)
    malformed("The WMS capabilities document has no Service or no Capability section.");
  WmsContext ctx;
  ctx.url = std::string(url);
  ctx.getmap =
      href_of(capability->child("*", "Request") == nullptr ? nullptr : [&]() -> const Element* {
        const Element* e = capability->child("*", "Request");
        for (auto n : {"GetMap", "DCPType", "HTTP", "Get", "OnlineResource"}) {
          if (e == nullptr) return nullptr;
          e = e->child("*", n);
        }
        return e;
      }());
  if (ctx.getmap.empty()) ctx.getmap = href_of(service->child("*", "OnlineResource"));
  if (ctx.getmap.empty()) ctx.getmap = without_query(url);
  Page page;
  ctx.page = &page;
  for (const auto* layer : capability->children_named("*", "Layer"))
    wms_layer(*layer, WmsInherited{}, ctx);

  Record svc;
  svc.type = "service";
  svc.kind = "wms";
  svc.external_id = std::string(url);
  svc.title = collapse(service->child_text("*", "Title"));
  svc.abstract = trim(service->child_text("*", "Abstract"));
  keywords_from(service->child("*", "KeywordList"), "Keyword", svc.keywords);
  wms_contact(service->child("*", "ContactInformation"), svc);
  std::string fees = trim(service->child_text("*", "AccessConstraints"));
  if (!fees.empty() && lower(fees) != "none") svc.licence = fees;
  if (!ctx.all.empty()) svc.extent = ctx.all;
  svc.formats = {"WMS"};
  svc.source_url = std::string(url);
  add_link(svc, Link{std::string(url), "service", "application/xml", svc.title, "OGC:WMS"});
  if (svc.title.empty()) {
    ++page.rejected;
  } else {
    for (auto& r : page.records)
      if (r.publisher.empty()) r.publisher = svc.publisher;
    page.records.insert(page.records.begin(), std::move(svc));
  }
  return page;
}

Page parse_wmts_capabilities(std::string_view bytes, std::string_view url) {
  Element root = parse_xml(bytes);
  expect_root(root, {"Capabilities"}, "a WMTS capabilities document");
  const Element* contents = root.child("*", "Contents");
  if (contents == nullptr) malformed("The WMTS capabilities document has no Contents section.");
  std::string publisher;
  if (const auto* prov = root.child("*", "ServiceProvider"))
    publisher = collapse(prov->child_text("*", "ProviderName"));
  Page page;
  for (const auto* layer : contents->children_named("*", "Layer")) {
    Record r;
    r.type = "dataset";
    r.kind = "wmts";
    r.external_id = trim(layer->child_text("*", "Identifier"));
    r.title = collapse(layer->child_text("*", "Title"));
    r.abstract = trim(layer->child_text("*", "Abstract"));
    for (const auto* kw : layer->children_named("*", "Keywords"))
      keywords_from(kw, "Keyword", r.keywords);
    if (const auto* box = layer->child("*", "WGS84BoundingBox")) r.extent = ows_box(*box, true);
    if (!r.extent)
      for (const auto* box : layer->children_named("*", "BoundingBox"))
        if ((r.extent = ows_box(*box, false))) break;
    for (const auto* dim : layer->children_named("*", "Dimension")) {
      if (lower(dim->child_text("*", "Identifier")) != "time") continue;
      std::string values;
      for (const auto* v : dim->children_named("*", "Value")) values += trim(v->text) + ",";
      r.time_extent = time_dimension(values);
    }
    r.publisher = publisher;
    r.formats = {"WMTS"};
    r.source_url = std::string(url);
    add_link(r, Link{std::string(url), "service", "application/xml", r.external_id, "OGC:WMTS"});
    for (const auto* res : layer->children_named("*", "ResourceURL")) {
      std::string tmpl = trim(res->attribute("template"));
      if (tmpl.empty()) continue;
      std::string type = trim(res->attribute("resourceType"));
      add_link(r, Link{resolve_url(url, tmpl), type == "tile" ? "item" : type,
                       trim(res->attribute("format")), r.external_id, "OGC:WMTS"});
    }
    if (r.external_id.empty() || r.title.empty()) {
      ++page.rejected;
      continue;
    }
    page.records.push_back(std::move(r));
  }
  return page;
}

Page parse_wfs_capabilities(std::string_view bytes, std::string_view url) {
  Element root = parse_xml(bytes);
  expect_root(root, {"WFS_Capabilities"}, "a WFS capabilities document");
  const Element* list = root.child("*", "FeatureTypeList");
  if (list == nullptr) malformed("The WFS capabilities document has no FeatureTypeList.");
  // The GetFeature endpoint: OWS OperationsMetadata (1.1, 2.0), else Capability/Request (1.0).
  std::string endpoint;
  if (const auto* ops = root.child("*", "OperationsMetadata"))
    for (const auto* op : ops->children_named("*", "Operation")) {
      if (op->attribute("name") != "GetFeature") continue;
      const Element* e = op;
      for (auto n : {"DCP", "HTTP", "Get"}) e = e == nullptr ? nullptr : e->child("*", n);
      endpoint = href_of(e);
    }
  if (endpoint.empty())
    if (const auto* cap = root.child("*", "Capability")) {
      const Element* e = cap;
      for (auto n : {"Request", "GetFeature", "DCPType", "HTTP", "Get"})
        e = e == nullptr ? nullptr : e->child("*", n);
      if (e != nullptr) endpoint = trim(e->attribute("onlineResource"));
    }
  if (endpoint.empty()) endpoint = without_query(url);
  std::string publisher;
  if (const auto* prov = root.child("*", "ServiceProvider"))
    publisher = collapse(prov->child_text("*", "ProviderName"));
  Page page;
  for (const auto* ft : list->children_named("*", "FeatureType")) {
    Record r;
    r.type = "dataset";
    r.kind = "wfs";
    r.external_id = trim(ft->child_text("*", "Name"));
    r.title = collapse(ft->child_text("*", "Title"));
    r.abstract = trim(ft->child_text("*", "Abstract"));
    for (const auto* kw : ft->children_named("*", "Keywords")) {
      if (kw->child("*", "Keyword") != nullptr) {
        keywords_from(kw, "Keyword", r.keywords);
      } else {
        // WFS 1.0.0: one text, comma separated
        std::string all = kw->text;
        std::size_t pos = 0;
        while (pos <= all.size()) {
          auto c = all.find(',', pos);
          add_unique(r.keywords, all.substr(pos, c == std::string::npos ? c : c - pos));
          pos = c == std::string::npos ? all.size() + 1 : c + 1;
        }
      }
    }
    if (const auto* box = ft->child("*", "WGS84BoundingBox")) r.extent = ows_box(*box, true);
    if (!r.extent)
      if (const auto* b = ft->child("*", "LatLongBoundingBox")) {
        auto x0 = to_double(b->attribute("minx"));
        auto y0 = to_double(b->attribute("miny"));
        auto x1 = to_double(b->attribute("maxx"));
        auto y1 = to_double(b->attribute("maxy"));
        if (x0 && y0 && x1 && y1) r.extent = geographic(*x0, *y0, *x1, *y1);
      }
    r.publisher = publisher;
    r.formats = {"WFS"};
    r.source_url = std::string(url);
    add_link(r, Link{endpoint, "service", "", r.external_id, "OGC:WFS"});
    if (r.external_id.empty() || r.title.empty()) {
      ++page.rejected;
      continue;
    }
    page.records.push_back(std::move(r));
  }
  return page;
}

FetchRequest csw_first_request(std::string_view endpoint) {
  FetchRequest req;
  req.method = "POST";
  req.url = std::string(endpoint);
  req.headers = {{"Content-Type", "application/xml"}, {"Accept", "application/xml, text/xml"}};
  req.body = get_records_body(1);
  return req;
}

Page parse_csw_records(std::string_view bytes, std::string_view endpoint) {
  Element root = parse_xml(bytes);
  expect_root(root, {"GetRecordsResponse"}, "a CSW GetRecords response");
  const Element* results = root.child("*", "SearchResults");
  if (results == nullptr) malformed("The CSW GetRecords response has no SearchResults.");
  Page page;
  for (const auto& e : results->children) {
    if (e.name != "Record" && e.name != "SummaryRecord" && e.name != "BriefRecord") {
      ++page.rejected;  // another output schema (ISO, ...) than the one asked for
      continue;
    }
    Record r;
    r.kind = "csw";
    r.external_id = e.child_text("*", "identifier");
    r.title = collapse(e.child_text("*", "title"));
    std::string type = e.child_text("*", "type");
    if (!type.empty()) r.type = record_type(type);
    for (const auto* s : e.children_named("*", "subject")) {
      std::string v = collapse(s->text);
      if (r.topic.empty() && is_topic(v))
        r.topic = v;
      else
        add_unique(r.keywords, v);
    }
    r.abstract = trim(e.child_text(xml::ns::dct, "abstract"));
    if (r.abstract.empty()) r.abstract = trim(e.child_text("*", "description"));
    for (auto name : {"modified", "date"}) {
      if (auto t = remote_time(e.child_text("*", name))) {
        r.updated = t->instant;
        break;
      }
    }
    for (const auto& c : e.children) {
      if (c.name == "BoundingBox" || c.name == "WGS84BoundingBox") {
        if (auto env = ows_box(c, c.name == "WGS84BoundingBox")) {
          if (r.extent)
            r.extent->extend(*env);
          else
            r.extent = env;
        }
      }
    }
    for (const auto* f : e.children_named("*", "format")) add_unique(r.formats, f->text);
    r.publisher = collapse(e.child_text("*", "publisher"));
    std::string lang = trim(e.child_text("*", "language"));
    if (!lang.empty()) r.language = lang;
    r.licence = trim(e.child_text(xml::ns::dct, "license"));
    if (r.licence.empty()) r.licence = trim(e.child_text("*", "rights"));
    for (const auto& c : e.children) {
      if (c.name == "references") {
        add_link(r, Link{trim(c.text), "related", "", "", trim(c.attribute("scheme"))});
      } else if (c.name == "URI") {
        std::string title = collapse(c.attribute("name"));
        if (title.empty()) title = collapse(c.attribute("description"));
        add_link(r, Link{trim(c.text), "related", "", title, trim(c.attribute("protocol"))});
      }
    }
    if (r.external_id.empty() || r.title.empty()) {
      ++page.rejected;
      continue;
    }
    r.source_url = csw_get_record_by_id(endpoint, r.external_id);
    page.records.push_back(std::move(r));
  }
  auto next = to_int(results->attribute("nextRecord"));
  auto matched = to_int(results->attribute("numberOfRecordsMatched"));
  auto returned = to_int(results->attribute("numberOfRecordsReturned"));
  bool more = next && *next > 0 && (!matched || *next <= *matched) &&
              (returned ? *returned > 0 : !results->children.empty());
  if (more) {
    page.next_url = std::string(endpoint);
    page.next_body = get_records_body(*next);
  }
  return page;
}

Page parse_records_items(std::string_view json, std::string_view url) {
  return parse_items(json, url, false);
}

Page parse_shikong_items(std::string_view json, std::string_view url) {
  return parse_items(json, url, true);
}

std::string shikong_items_url(std::string_view node_url) {
  std::string base = without_query(node_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  for (std::string_view tail :
       {"/ogc/collections/catalog/items", "/ogc/collections/catalog", "/ogc"}) {
    if (base.size() >= tail.size() &&
        base.compare(base.size() - tail.size(), tail.size(), tail) == 0) {
      base.resize(base.size() - tail.size());
      break;
    }
  }
  return base + "/ogc/collections/catalog/items";
}

}  // namespace shikong::harvest
