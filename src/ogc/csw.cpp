// CSW 2.0.2 (OGC 07-006r1) at {prefix}/csw over the search engine: GetCapabilities,
// DescribeRecord, GetRecords and GetRecordById in KVP (GET, or a form POST) and XML (POST);
// Dublin Core csw:Record and ISO 19139 gmd:MD_Metadata answers; OWS 1.0 exception reports.
#include "ogc/csw.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/ascii.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "datum/time.hpp"
#include "protocol/ogc_exception.hpp"
#include "protocol/query.hpp"
#include "protocol/xml_escape.hpp"

namespace shikong::ogc {
namespace {

using protocol::Request;
using protocol::Response;

constexpr std::string_view kVersion = "2.0.2";
constexpr std::string_view kCswSchema = "http://www.opengis.net/cat/csw/2.0.2";
constexpr std::string_view kGmdSchema = "http://www.isotc211.org/2005/gmd";
constexpr std::string_view kXmlSchemaLanguage = "http://www.w3.org/XML/Schema";
constexpr std::string_view kBoxCrs = "urn:ogc:def:crs:EPSG:6.6:4326";
constexpr std::string_view kCodeLists =
    "http://standards.iso.org/iso/19139/resources/gmxCodelists.xml";
constexpr std::int64_t kDefaultMaxRecords = 10;
constexpr std::int64_t kMaxRecordsCap = 100;
constexpr std::size_t kMaxIds = 100;
constexpr std::size_t kMaxBodyBytes = 1u << 20;

// Namespace declarations of every response that carries records.
constexpr std::string_view kRecordNamespaces =
    R"(xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" )"
    R"(xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dct="http://purl.org/dc/terms/" )"
    R"(xmlns:ows="http://www.opengis.net/ows" )"
    R"(xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance")";

enum class OutputSchema { csw, gmd };
enum class ResultType { hits, results, validate };

std::string esc(std::string_view s) {
  return protocol::xml_escape(s);
}

// One simple element <tag>text</tag>, escaped; nothing for empty text.
void element(std::string& out, std::string_view indent, std::string_view tag,
             std::string_view text) {
  if (text.empty()) return;
  out += indent;
  out += '<';
  out += tag;
  out += '>';
  protocol::append_xml_escaped(out, text);
  out += "</";
  out += tag;
  out += ">\n";
}

std::string number(double v) {
  return fmt::format("{}", v);
}

[[noreturn]] void missing(std::string_view parameter) {
  throw InvalidInput("missing-parameter", fmt::format("the parameter {} is required", parameter),
                     std::string(parameter));
}

[[noreturn]] void invalid(std::string_view parameter, std::string sentence) {
  throw InvalidInput("invalid-parameter-value", std::move(sentence), std::string(parameter));
}

// ---- the parameters of a request, from KVP or XML ----

struct Kvp {
  protocol::QueryParams params;

  std::optional<std::string_view> get(std::string_view name) const {
    for (const auto& [k, v] : params)
      if (ascii_iequals(k, name)) return std::string_view(v);
    return std::nullopt;
  }
  // Present and not blank.
  std::optional<std::string_view> value(std::string_view name) const {
    auto v = get(name);
    if (!v || trim_blanks(*v).empty()) return std::nullopt;
    return trim_blanks(*v);
  }
};

ElementSet parse_element_set(std::string_view text, std::string_view parameter) {
  std::string_view t = trim_blanks(text);
  if (ascii_iequals(t, "brief")) return ElementSet::brief;
  if (ascii_iequals(t, "summary")) return ElementSet::summary;
  if (ascii_iequals(t, "full")) return ElementSet::full;
  invalid(parameter, "ElementSetName must be brief, summary or full");
}

std::string_view to_string(ElementSet s) {
  switch (s) {
    case ElementSet::brief:
      return "brief";
    case ElementSet::summary:
      return "summary";
    case ElementSet::full:
      return "full";
  }
  return "summary";
}

OutputSchema parse_output_schema(std::string_view text, std::string_view parameter) {
  std::string_view t = trim_blanks(text);
  if (t == kCswSchema || ascii_iequals(t, "csw:Record") || ascii_iequals(t, "csw"))
    return OutputSchema::csw;
  if (t == kGmdSchema || t == "http://www.isotc211.org/2005/gmd/" || ascii_iequals(t, "gmd"))
    return OutputSchema::gmd;
  invalid(parameter, fmt::format("outputSchema must be {} or {}", kCswSchema, kGmdSchema));
}

void check_output_format(std::string_view text, std::string_view parameter) {
  std::string_view t = trim_blanks(text);
  if (!t.empty() && !ascii_iequals(t, "application/xml") && !ascii_iequals(t, "text/xml"))
    invalid(parameter, "outputFormat must be application/xml");
}

std::int64_t parse_positive(std::string_view text, std::string_view parameter, std::int64_t min) {
  std::string_view t = trim_blanks(text);
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || p != t.data() + t.size() || v < min)
    invalid(parameter, fmt::format("{} must be an integer of at least {}", parameter, min));
  return v;
}

// "xmlns(csw=http://...),xmlns(gmd=http://...)" -> prefix, URI pairs.
std::vector<std::pair<std::string, std::string>> parse_namespaces(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t i = 0;
  while (i < text.size() && out.size() < 32) {
    std::size_t open = text.find("xmlns(", i);
    if (open == std::string_view::npos) break;
    std::size_t close = text.find(')', open);
    if (close == std::string_view::npos) invalid("namespace", "a namespace entry is not closed");
    std::string_view inner = text.substr(open + 6, close - open - 6);
    std::size_t eq = inner.find('=');
    if (eq == std::string_view::npos)
      out.emplace_back("", std::string(inner));
    else
      out.emplace_back(std::string(inner.substr(0, eq)), std::string(inner.substr(eq + 1)));
    i = close + 1;
  }
  return out;
}

// A type name is csw:Record or gmd:MD_Metadata (under whatever prefix the request bound to the
// namespace); anything else is refused.
void check_type_names(std::string_view text, std::string_view parameter,
                      const std::vector<std::pair<std::string, std::string>>& namespaces) {
  std::string_view rest = trim_blanks(text);
  bool any = false;
  while (!rest.empty()) {
    std::size_t cut = rest.find_first_of(", ");
    std::string_view name = rest.substr(0, cut);
    rest = cut == std::string_view::npos ? std::string_view{} : rest.substr(cut + 1);
    if (name.empty()) continue;
    any = true;
    std::string_view prefix, local = name;
    if (std::size_t c = name.find(':'); c != std::string_view::npos) {
      prefix = name.substr(0, c);
      local = name.substr(c + 1);
    }
    std::string_view uri;
    for (const auto& [p, u] : namespaces)
      if (p == prefix) uri = u;
    bool ok = false;
    if (local == "Record")
      ok = uri.empty() ? (prefix.empty() || prefix == "csw") : uri == kCswSchema;
    if (local == "MD_Metadata")
      ok = uri.empty() ? (prefix.empty() || prefix == "gmd") : uri == kGmdSchema;
    if (!ok)
      invalid(parameter, fmt::format("the type name '{}' is not offered (csw:Record, "
                                     "gmd:MD_Metadata)",
                                     name.substr(0, 60)));
  }
  if (!any) invalid(parameter, "typeNames is empty");
}

struct SortKey {
  bool by_title = false;  // else by modification time
  bool descending = false;
};

SortKey sort_key(std::string_view property, bool descending, std::string_view parameter) {
  auto q = csw_queryable(trim_blanks(property));
  if (q == search::Queryable::title) return {true, descending};
  if (q == search::Queryable::modified) return {false, descending};
  invalid(parameter, "records can be sorted by dc:title or dct:modified");
}

struct GetRecordsParams {
  ResultType result_type = ResultType::hits;
  ElementSet element_set = ElementSet::summary;
  OutputSchema schema = OutputSchema::csw;
  std::int64_t start = 1;
  std::int64_t max = kDefaultMaxRecords;
  ExprPtr filter;
  std::optional<SortKey> sort;
  std::string type_names = "csw:Record";
  std::string constraint_language;  // for the echoed request of resultType=validate
  std::string cql;
};

struct ByIdParams {
  std::vector<std::string> ids;
  ElementSet element_set = ElementSet::summary;
  OutputSchema schema = OutputSchema::csw;
};

ResultType parse_result_type(std::string_view text, std::string_view parameter) {
  std::string_view t = trim_blanks(text);
  if (ascii_iequals(t, "hits")) return ResultType::hits;
  if (ascii_iequals(t, "results")) return ResultType::results;
  if (ascii_iequals(t, "validate")) return ResultType::validate;
  invalid(parameter, "resultType must be hits, results or validate");
}

GetRecordsParams get_records_from_kvp(const Kvp& kvp) {
  GetRecordsParams p;
  const auto namespaces = parse_namespaces(kvp.get("namespace").value_or(""));
  if (auto v = kvp.value("typeNames")) {
    check_type_names(*v, "typeNames", namespaces);
    p.type_names = std::string(*v);
  }
  if (auto v = kvp.value("resultType")) p.result_type = parse_result_type(*v, "resultType");
  if (kvp.value("ElementName"))
    invalid("ElementName", "ElementName is not supported; use ElementSetName");
  if (auto v = kvp.value("ElementSetName")) p.element_set = parse_element_set(*v, "ElementSetName");
  if (auto v = kvp.value("outputSchema")) p.schema = parse_output_schema(*v, "outputSchema");
  if (auto v = kvp.value("outputFormat")) check_output_format(*v, "outputFormat");
  if (auto v = kvp.value("startPosition")) p.start = parse_positive(*v, "startPosition", 1);
  if (auto v = kvp.value("maxRecords"))
    p.max = std::min(parse_positive(*v, "maxRecords", 0), kMaxRecordsCap);
  if (kvp.value("ResponseHandler"))
    invalid("ResponseHandler", "asynchronous answers (ResponseHandler) are not supported");
  auto constraint = kvp.value("constraint");
  auto language = kvp.value("constraintLanguage");
  if (constraint) {
    if (!language) missing("constraintLanguage");
    if (auto v = kvp.value("constraint_language_version");
        v && ascii_iequals(*language, "FILTER") && *v != "1.1.0" && *v != "1.0.0")
      invalid("constraint_language_version", "the Filter version must be 1.1.0 or 1.0.0");
    if (ascii_iequals(*language, "CQL_TEXT")) {
      p.constraint_language = "CQL_TEXT";
      p.cql = std::string(*constraint);
      p.filter = parse_csw_cql(*constraint);
    } else if (ascii_iequals(*language, "FILTER")) {
      p.constraint_language = "FILTER";
      p.filter = parse_ogc_filter(xml::parse(*constraint, {.max_bytes = 256 * 1024}, "constraint"));
    } else {
      invalid("constraintLanguage", "constraintLanguage must be FILTER or CQL_TEXT");
    }
  } else if (language && !ascii_iequals(*language, "FILTER") &&
             !ascii_iequals(*language, "CQL_TEXT")) {
    invalid("constraintLanguage", "constraintLanguage must be FILTER or CQL_TEXT");
  }
  if (auto v = kvp.value("sortBy")) {
    // "dc:title:A,dct:modified:D": the first key decides (the engine sorts by one key).
    std::string_view first = v->substr(0, v->find(','));
    bool descending = false;
    std::size_t colon = first.rfind(':');
    std::string_view order = colon == std::string_view::npos ? "" : first.substr(colon + 1);
    if (ascii_iequals(order, "A") || ascii_iequals(order, "ASC")) {
      first = first.substr(0, colon);
    } else if (ascii_iequals(order, "D") || ascii_iequals(order, "DESC")) {
      descending = true;
      first = first.substr(0, colon);
    }
    p.sort = sort_key(first, descending, "sortBy");
  }
  return p;
}

GetRecordsParams get_records_from_xml(const xml::Element& root) {
  GetRecordsParams p;
  if (root.has_attribute("resultType"))
    p.result_type = parse_result_type(root.attribute("resultType"), "resultType");
  if (root.has_attribute("outputSchema"))
    p.schema = parse_output_schema(root.attribute("outputSchema"), "outputSchema");
  if (root.has_attribute("outputFormat"))
    check_output_format(root.attribute("outputFormat"), "outputFormat");
  if (root.has_attribute("startPosition"))
    p.start = parse_positive(root.attribute("startPosition"), "startPosition", 1);
  if (root.has_attribute("maxRecords"))
    p.max = std::min(parse_positive(root.attribute("maxRecords"), "maxRecords", 0), kMaxRecordsCap);
  if (root.child(xml::ns::csw, "ResponseHandler"))
    invalid("ResponseHandler", "asynchronous answers (ResponseHandler) are not supported");
  const xml::Element* query = root.child(xml::ns::csw, "Query");
  if (!query) missing("Query");
  std::string type_names = query->attribute("typeNames");
  if (type_names.empty()) missing("typeNames");
  check_type_names(type_names, "typeNames", {});
  p.type_names = type_names;
  if (query->child(xml::ns::csw, "ElementName"))
    invalid("ElementName", "ElementName is not supported; use ElementSetName");
  if (const xml::Element* esn = query->child(xml::ns::csw, "ElementSetName"))
    p.element_set = parse_element_set(esn->text, "ElementSetName");
  if (const xml::Element* c = query->child(xml::ns::csw, "Constraint")) {
    if (const xml::Element* f = c->child(xml::ns::ogc, "Filter")) {
      p.constraint_language = "FILTER";
      p.filter = parse_ogc_filter(*f);
    } else if (const xml::Element* cql = c->child(xml::ns::csw, "CqlText")) {
      p.constraint_language = "CQL_TEXT";
      p.cql = cql->text;
      p.filter = parse_csw_cql(cql->text);
    } else {
      invalid("Constraint", "csw:Constraint needs an ogc:Filter or a csw:CqlText");
    }
  }
  if (const xml::Element* sort = query->child(xml::ns::ogc, "SortBy")) {
    const xml::Element* prop = sort->child(xml::ns::ogc, "SortProperty");
    if (!prop) invalid("SortBy", "ogc:SortBy needs an ogc:SortProperty");
    std::string name = prop->child_text(xml::ns::ogc, "PropertyName");
    std::string order = prop->child_text(xml::ns::ogc, "SortOrder");
    bool descending = false;
    if (ascii_iequals(order, "DESC"))
      descending = true;
    else if (!order.empty() && !ascii_iequals(order, "ASC"))
      invalid("SortBy", "SortOrder must be ASC or DESC");
    p.sort = sort_key(name, descending, "SortBy");
  }
  return p;
}

std::vector<std::string> split_ids(std::string_view text) {
  std::vector<std::string> ids;
  while (!text.empty()) {
    std::size_t c = text.find(',');
    std::string_view id = trim_blanks(text.substr(0, c));
    if (!id.empty()) ids.emplace_back(id);
    text = c == std::string_view::npos ? std::string_view{} : text.substr(c + 1);
    if (ids.size() > kMaxIds) invalid("id", "at most 100 ids may be asked for at once");
  }
  return ids;
}

// ---- record documents ----

struct OnlineLink {
  std::string url;
  std::string scheme;  // protocol: OGC:WMS, WWW:LINK, ...
  std::string name;
};

std::vector<OnlineLink> links_of(const catalog::Record& r, const RecordUrls& u) {
  std::vector<OnlineLink> out;
  const std::string id_enc = protocol::url_encode(r.id);
  out.push_back(
      {u.base + u.api_prefix + "/records/" + id_enc, "WWW:LINK", "metadata record (JSON)"});
  if (!r.dataset_id.empty()) {
    const std::string ds = protocol::url_encode(r.dataset_id);
    if (r.kind == "vector") {
      out.push_back({u.base + u.prefix + "/collections/" + ds, "OGC API - Features",
                     "OGC API - Features collection"});
      out.push_back({u.base + u.prefix + "/wms?service=WMS&request=GetCapabilities", "OGC:WMS",
                     r.dataset_id});
      out.push_back({u.base + u.prefix + "/wmts?service=WMTS&request=GetCapabilities", "OGC:WMTS",
                     r.dataset_id});
    }
    out.push_back({u.base + u.api_prefix + "/datasets/" + ds + "/download",
                   "WWW:DOWNLOAD-1.0-http--download", "download"});
  }
  for (const auto& l : r.links) {
    if (l.href.empty()) continue;
    out.push_back({l.href,
                   !l.protocol.empty() ? l.protocol
                   : l.rel.empty()     ? "WWW:LINK"
                                       : l.rel,
                   l.title});
  }
  return out;
}

void bounding_boxes(std::string& x, const catalog::Record& r, bool wgs84_too) {
  if (!r.extent || r.extent->empty()) return;
  const Envelope& e = *r.extent;
  // EPSG axis order (latitude first) under the URN, as OWSLib and GDAL read it.
  x += fmt::format(
      "    <ows:BoundingBox crs=\"{}\" dimensions=\"2\">\n"
      "      <ows:LowerCorner>{} {}</ows:LowerCorner>\n"
      "      <ows:UpperCorner>{} {}</ows:UpperCorner>\n"
      "    </ows:BoundingBox>\n",
      kBoxCrs, number(e.min_y), number(e.min_x), number(e.max_y), number(e.max_x));
  if (wgs84_too)
    x += fmt::format(
        "    <ows:WGS84BoundingBox dimensions=\"2\">\n"
        "      <ows:LowerCorner>{} {}</ows:LowerCorner>\n"
        "      <ows:UpperCorner>{} {}</ows:UpperCorner>\n"
        "    </ows:WGS84BoundingBox>\n",
        number(e.min_x), number(e.min_y), number(e.max_x), number(e.max_y));
}

std::string time_text(const std::optional<Instant>& t) {
  return t ? datum::format_rfc3339_utc(*t) : std::string("..");
}

// ISO 639-2/B codes of the languages records are written in.
std::string iso_language(std::string_view bcp47) {
  std::string primary = ascii_lowercase(bcp47.substr(0, bcp47.find('-')));
  static const std::pair<std::string_view, std::string_view> table[] = {
      {"zh", "chi"}, {"en", "eng"}, {"fr", "fre"}, {"de", "ger"}, {"ja", "jpn"},
      {"ko", "kor"}, {"ru", "rus"}, {"es", "spa"}, {"ar", "ara"}, {"pt", "por"}};
  for (const auto& [a, b] : table)
    if (primary == a) return std::string(b);
  return primary;
}

std::string scope_code(std::string_view type) {
  if (type == "service" || type == "series" || type == "dataset") return std::string(type);
  return "nonGeographicDataset";
}

void code(std::string& x, std::string_view indent, std::string_view outer,
          std::string_view code_list, std::string_view value) {
  x += fmt::format(
      "{0}<gmd:{1}><gmd:{2} codeList=\"{3}#{2}\" codeListValue=\"{4}\">{4}</gmd:{2}></gmd:{1}>\n",
      indent, outer, code_list, kCodeLists, esc(value));
}

void char_string(std::string& x, std::string_view indent, std::string_view tag,
                 std::string_view text) {
  x += fmt::format("{}<gmd:{}><gco:CharacterString>{}</gco:CharacterString></gmd:{}>\n", indent,
                   tag, esc(text), tag);
}

}  // namespace

std::string csw_record_xml(const catalog::Record& r, ElementSet set, const RecordUrls& urls) {
  std::string x;
  const std::string_view tag = set == ElementSet::brief     ? "csw:BriefRecord"
                               : set == ElementSet::summary ? "csw:SummaryRecord"
                                                            : "csw:Record";
  x += fmt::format("  <{}>\n", tag);
  element(x, "    ", "dc:identifier", r.id);
  x += "    <dc:title>" + esc(r.title) + "</dc:title>\n";
  element(x, "    ", "dc:type", r.type);
  if (set != ElementSet::brief) {
    for (const auto& k : r.keywords) element(x, "    ", "dc:subject", k);
    element(x, "    ", "dc:subject", r.topic);
    for (const auto& f : r.formats) element(x, "    ", "dc:format", f);
    if (set == ElementSet::full) {
      element(x, "    ", "dc:publisher", r.publisher);
      element(x, "    ", "dc:rights", r.licence);
      element(x, "    ", "dc:language", r.language);
      element(x, "    ", "dc:source", r.source_url);
      element(x, "    ", "dct:created", datum::format_rfc3339_utc(r.created));
      if (r.published) element(x, "    ", "dct:issued", datum::format_rfc3339_utc(*r.published));
      if (r.time_extent && !r.time_extent->unbounded())
        element(x, "    ", "dct:temporal",
                time_text(r.time_extent->start) + "/" + time_text(r.time_extent->end));
      for (const auto& l : links_of(r, urls)) {
        x += "    <dct:references scheme=\"" + esc(l.scheme) + "\">" + esc(l.url) +
             "</dct:references>\n";
      }
    }
    element(x, "    ", "dct:modified", datum::format_rfc3339_utc(r.updated));
    element(x, "    ", "dct:abstract", r.abstract);
  }
  bounding_boxes(x, r, set == ElementSet::full);
  x += fmt::format("  </{}>\n", tag);
  return x;
}

std::string iso_record_xml(const catalog::Record& r, ElementSet set, const RecordUrls& urls) {
  std::string x;
  x +=
      "  <gmd:MD_Metadata xmlns:gmd=\"http://www.isotc211.org/2005/gmd\" "
      "xmlns:gco=\"http://www.isotc211.org/2005/gco\" xmlns:gml=\"http://www.opengis.net/gml/3.2\" "
      "xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n";
  char_string(x, "    ", "fileIdentifier", r.id);
  const bool brief = set == ElementSet::brief;
  const std::string language = iso_language(r.language);
  if (!brief) {
    x += fmt::format(
        "    <gmd:language><gmd:LanguageCode codeList=\"http://www.loc.gov/standards/iso639-2/\" "
        "codeListValue=\"{0}\">{0}</gmd:LanguageCode></gmd:language>\n",
        esc(language));
    code(x, "    ", "characterSet", "MD_CharacterSetCode", "utf8");
  }
  code(x, "    ", "hierarchyLevel", "MD_ScopeCode", scope_code(r.type));
  if (!brief) {
    x += "    <gmd:contact>\n      <gmd:CI_ResponsibleParty>\n";
    if (!r.contact.name.empty()) char_string(x, "        ", "individualName", r.contact.name);
    const std::string& org = r.contact.organisation.empty() ? r.publisher : r.contact.organisation;
    if (!org.empty()) char_string(x, "        ", "organisationName", org);
    if (!r.contact.phone.empty() || !r.contact.email.empty()) {
      x += "        <gmd:contactInfo><gmd:CI_Contact>\n";
      if (!r.contact.phone.empty())
        x += "          <gmd:phone><gmd:CI_Telephone><gmd:voice><gco:CharacterString>" +
             esc(r.contact.phone) +
             "</gco:CharacterString></gmd:voice></gmd:CI_Telephone></gmd:phone>\n";
      if (!r.contact.email.empty())
        x += "          <gmd:address><gmd:CI_Address><gmd:electronicMailAddress>"
             "<gco:CharacterString>" +
             esc(r.contact.email) +
             "</gco:CharacterString></gmd:electronicMailAddress></gmd:CI_Address>"
             "</gmd:address>\n";
      x += "        </gmd:CI_Contact></gmd:contactInfo>\n";
    }
    code(x, "        ", "role", "CI_RoleCode",
         r.contact.role.empty() ? "pointOfContact" : r.contact.role);
    x += "      </gmd:CI_ResponsibleParty>\n    </gmd:contact>\n";
    x += "    <gmd:dateStamp><gco:DateTime>" + datum::format_rfc3339_utc(r.updated) +
         "</gco:DateTime></gmd:dateStamp>\n";
    char_string(x, "    ", "metadataStandardName", "ISO 19115:2003/19139");
    char_string(x, "    ", "metadataStandardVersion", "1.0");
    if (!r.crs.empty())
      x += "    <gmd:referenceSystemInfo><gmd:MD_ReferenceSystem><gmd:referenceSystemIdentifier>"
           "<gmd:RS_Identifier><gmd:code><gco:CharacterString>" +
           esc(r.crs) +
           "</gco:CharacterString></gmd:code></gmd:RS_Identifier>"
           "</gmd:referenceSystemIdentifier></gmd:MD_ReferenceSystem>"
           "</gmd:referenceSystemInfo>\n";
  }
  x += "    <gmd:identificationInfo>\n      <gmd:MD_DataIdentification>\n";
  x += "        <gmd:citation><gmd:CI_Citation>\n";
  char_string(x, "          ", "title", r.title);
  auto citation_date = [&](Instant t, std::string_view type) {
    x += "          <gmd:date><gmd:CI_Date><gmd:date><gco:DateTime>" +
         datum::format_rfc3339_utc(t) + "</gco:DateTime></gmd:date>";
    x += fmt::format(
        "<gmd:dateType><gmd:CI_DateTypeCode codeList=\"{0}#CI_DateTypeCode\" "
        "codeListValue=\"{1}\">{1}</gmd:CI_DateTypeCode></gmd:dateType></gmd:CI_Date></gmd:date>\n",
        kCodeLists, type);
  };
  citation_date(r.created, "creation");
  if (r.published) citation_date(*r.published, "publication");
  citation_date(r.updated, "revision");
  x += "        </gmd:CI_Citation></gmd:citation>\n";
  char_string(x, "        ", "abstract", r.abstract);
  if (!brief) {
    if (!r.publisher.empty()) {
      x += "        <gmd:pointOfContact><gmd:CI_ResponsibleParty>\n";
      char_string(x, "          ", "organisationName", r.publisher);
      code(x, "          ", "role", "CI_RoleCode", "publisher");
      x += "        </gmd:CI_ResponsibleParty></gmd:pointOfContact>\n";
    }
    if (!r.update_frequency.empty()) {
      x += "        <gmd:resourceMaintenance><gmd:MD_MaintenanceInformation>\n";
      code(x, "          ", "maintenanceAndUpdateFrequency", "MD_MaintenanceFrequencyCode",
           r.update_frequency);
      x += "        </gmd:MD_MaintenanceInformation></gmd:resourceMaintenance>\n";
    }
    if (!r.keywords.empty()) {
      x += "        <gmd:descriptiveKeywords><gmd:MD_Keywords>\n";
      for (const auto& k : r.keywords) char_string(x, "          ", "keyword", k);
      x += "        </gmd:MD_Keywords></gmd:descriptiveKeywords>\n";
    }
    if (!r.licence.empty()) {
      x += "        <gmd:resourceConstraints><gmd:MD_LegalConstraints>\n";
      char_string(x, "          ", "useLimitation", r.licence);
      code(x, "          ", "useConstraints", "MD_RestrictionCode", "license");
      char_string(x, "          ", "otherConstraints", r.licence);
      x += "        </gmd:MD_LegalConstraints></gmd:resourceConstraints>\n";
    }
    x += fmt::format(
        "        <gmd:language><gmd:LanguageCode codeList=\"http://www.loc.gov/standards/"
        "iso639-2/\" codeListValue=\"{0}\">{0}</gmd:LanguageCode></gmd:language>\n",
        esc(language));
    if (!r.topic.empty())
      x += "        <gmd:topicCategory><gmd:MD_TopicCategoryCode>" + esc(r.topic) +
           "</gmd:MD_TopicCategoryCode></gmd:topicCategory>\n";
  }
  const bool has_box = r.extent && !r.extent->empty();
  const bool has_time = !brief && r.time_extent && !r.time_extent->unbounded();
  if (has_box || has_time) {
    x += "        <gmd:extent><gmd:EX_Extent>\n";
    if (has_box) {
      const Envelope& e = *r.extent;
      x += fmt::format(
          "          <gmd:geographicElement><gmd:EX_GeographicBoundingBox>\n"
          "            "
          "<gmd:westBoundLongitude><gco:Decimal>{}</gco:Decimal></gmd:westBoundLongitude>\n"
          "            "
          "<gmd:eastBoundLongitude><gco:Decimal>{}</gco:Decimal></gmd:eastBoundLongitude>\n"
          "            "
          "<gmd:southBoundLatitude><gco:Decimal>{}</gco:Decimal></gmd:southBoundLatitude>\n"
          "            "
          "<gmd:northBoundLatitude><gco:Decimal>{}</gco:Decimal></gmd:northBoundLatitude>\n"
          "          </gmd:EX_GeographicBoundingBox></gmd:geographicElement>\n",
          number(e.min_x), number(e.max_x), number(e.min_y), number(e.max_y));
    }
    if (has_time) {
      auto position = [](std::string_view tag, const std::optional<Instant>& t) {
        return t ? fmt::format("<gml:{0}>{1}</gml:{0}>", tag, datum::format_rfc3339_utc(*t))
                 : fmt::format("<gml:{0} indeterminatePosition=\"unknown\"/>", tag);
      };
      x += "          <gmd:temporalElement><gmd:EX_TemporalExtent><gmd:extent>"
           "<gml:TimePeriod gml:id=\"time-extent\">" +
           position("beginPosition", r.time_extent->start) +
           position("endPosition", r.time_extent->end) +
           "</gml:TimePeriod></gmd:extent></gmd:EX_TemporalExtent></gmd:temporalElement>\n";
    }
    x += "        </gmd:EX_Extent></gmd:extent>\n";
  }
  x += "      </gmd:MD_DataIdentification>\n    </gmd:identificationInfo>\n";
  if (!brief) {
    x += "    <gmd:distributionInfo><gmd:MD_Distribution>\n";
    for (const auto& f : r.formats) {
      x += "      <gmd:distributionFormat><gmd:MD_Format>";
      x += "<gmd:name><gco:CharacterString>" + esc(f) + "</gco:CharacterString></gmd:name>";
      x += "<gmd:version gco:nilReason=\"unknown\"/></gmd:MD_Format></gmd:distributionFormat>\n";
    }
    x += "      <gmd:transferOptions><gmd:MD_DigitalTransferOptions>\n";
    for (const auto& l : links_of(r, urls)) {
      x += "        <gmd:onLine><gmd:CI_OnlineResource>";
      x += "<gmd:linkage><gmd:URL>" + esc(l.url) + "</gmd:URL></gmd:linkage>";
      x += "<gmd:protocol><gco:CharacterString>" + esc(l.scheme) +
           "</gco:CharacterString></gmd:protocol>";
      if (!l.name.empty())
        x += "<gmd:name><gco:CharacterString>" + esc(l.name) + "</gco:CharacterString></gmd:name>";
      x += "</gmd:CI_OnlineResource></gmd:onLine>\n";
    }
    x += "      </gmd:MD_DigitalTransferOptions></gmd:transferOptions>\n";
    x += "    </gmd:MD_Distribution></gmd:distributionInfo>\n";
    if (!r.lineage.empty()) {
      x += "    <gmd:dataQualityInfo><gmd:DQ_DataQuality>\n";
      x += "      <gmd:scope><gmd:DQ_Scope>";
      code(x, "", "level", "MD_ScopeCode", scope_code(r.type));
      x.pop_back();  // the code line's newline, inside DQ_Scope
      x += "</gmd:DQ_Scope></gmd:scope>\n";
      x += "      <gmd:lineage><gmd:LI_Lineage>";
      x += "<gmd:statement><gco:CharacterString>" + esc(r.lineage) +
           "</gco:CharacterString></gmd:statement>";
      x += "</gmd:LI_Lineage></gmd:lineage>\n";
      x += "    </gmd:DQ_DataQuality></gmd:dataQualityInfo>\n";
    }
  }
  x += "  </gmd:MD_Metadata>\n";
  return x;
}

namespace {

// ---- handlers ----

struct Csw {
  std::shared_ptr<const CatalogContext> context;

  RecordUrls urls(const Request& req) const {
    return {req.base_url, context->prefix, context->api_prefix};
  }

  std::string endpoint(const Request& req) const { return req.base_url + context->prefix + "/csw"; }

  protocol::QueryParams passthrough(const Request& req) const {
    protocol::QueryParams q;
    for (const auto& name : context->passthrough_parameters)
      if (auto v = req.param(name)) q.emplace_back(name, std::string(*v));
    return q;
  }

  std::string timestamp() const { return datum::format_rfc3339_utc(context->catalog.now()); }

  static Response xml_response(std::string body) {
    Response r = Response::text(std::move(body), "application/xml; charset=UTF-8");
    // Answers depend on who asks (drafts, access levels): never shared by caches.
    r.headers.set("Cache-Control", "private, no-cache");
    return r;
  }

  // -- GetCapabilities --

  Response capabilities(const Request& req, const std::vector<std::string>& sections) const {
    auto wanted = [&](std::string_view s) {
      if (sections.empty()) return true;
      for (const auto& w : sections)
        if (ascii_iequals(w, s) || ascii_iequals(w, "All")) return true;
      return false;
    };
    const protocol::QueryParams pass = passthrough(req);
    const std::string get_url =
        endpoint(req) + "?" + (pass.empty() ? "" : protocol::build_query(pass) + "&");
    const std::string post_url =
        endpoint(req) + (pass.empty() ? "" : "?" + protocol::build_query(pass));
    std::string x;
    x += R"(<?xml version="1.0" encoding="UTF-8"?>)"
         "\n";
    x += fmt::format(
        "<csw:Capabilities version=\"{}\" {} xmlns:ogc=\"http://www.opengis.net/ogc\" "
        "xmlns:gml=\"http://www.opengis.net/gml\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
        "xsi:schemaLocation=\"http://www.opengis.net/cat/csw/2.0.2 "
        "http://schemas.opengis.net/csw/2.0.2/CSW-discovery.xsd\">\n",
        kVersion, kRecordNamespaces);
    if (wanted("ServiceIdentification")) {
      x += "  <ows:ServiceIdentification>\n";
      element(x, "    ", "ows:Title", context->title);
      element(x, "    ", "ows:Abstract", context->abstract);
      x += "    <ows:Keywords><ows:Keyword>catalogue</ows:Keyword><ows:Keyword>metadata"
           "</ows:Keyword><ows:Keyword>CSW</ows:Keyword></ows:Keywords>\n";
      x += "    <ows:ServiceType>CSW</ows:ServiceType>\n";
      x += "    <ows:ServiceTypeVersion>2.0.2</ows:ServiceTypeVersion>\n";
      x += "    <ows:Fees>none</ows:Fees>\n";
      x += "    <ows:AccessConstraints>none</ows:AccessConstraints>\n";
      x += "  </ows:ServiceIdentification>\n";
    }
    if (wanted("ServiceProvider")) {
      x += "  <ows:ServiceProvider>\n";
      x += "    <ows:ProviderName>shikong</ows:ProviderName>\n";
      x += "    <ows:ProviderSite xlink:type=\"simple\" xlink:href=\"" + esc(req.base_url + "/") +
           "\"/>\n";
      x += "    <ows:ServiceContact><ows:IndividualName>shikong</ows:IndividualName>"
           "<ows:Role>pointOfContact</ows:Role></ows:ServiceContact>\n";
      x += "  </ows:ServiceProvider>\n";
    }
    if (wanted("OperationsMetadata")) {
      x += "  <ows:OperationsMetadata>\n";
      auto op_open = [&](std::string_view name) {
        x += fmt::format(
            "    <ows:Operation name=\"{}\">\n      <ows:DCP><ows:HTTP>"
            "<ows:Get xlink:type=\"simple\" xlink:href=\"{}\"/>"
            "<ows:Post xlink:type=\"simple\" xlink:href=\"{}\"/>"
            "</ows:HTTP></ows:DCP>\n",
            name, esc(get_url), esc(post_url));
      };
      auto values = [&](std::string_view kind, std::string_view name,
                        std::initializer_list<std::string_view> vals,
                        std::string_view indent = "      ") {
        x += fmt::format("{}<ows:{} name=\"{}\">", indent, kind, name);
        for (auto v : vals) x += "<ows:Value>" + esc(v) + "</ows:Value>";
        x += fmt::format("</ows:{}>\n", kind);
      };
      op_open("GetCapabilities");
      values("Parameter", "sections",
             {"ServiceIdentification", "ServiceProvider", "OperationsMetadata",
              "Filter_Capabilities"});
      x += "    </ows:Operation>\n";
      op_open("DescribeRecord");
      values("Parameter", "typeName", {"csw:Record", "gmd:MD_Metadata"});
      values("Parameter", "outputFormat", {"application/xml"});
      values("Parameter", "schemaLanguage", {kXmlSchemaLanguage});
      x += "    </ows:Operation>\n";
      op_open("GetRecords");
      values("Parameter", "resultType", {"hits", "results", "validate"});
      values("Parameter", "typeNames", {"csw:Record", "gmd:MD_Metadata"});
      values("Parameter", "outputFormat", {"application/xml"});
      values("Parameter", "outputSchema", {kCswSchema, kGmdSchema});
      values("Parameter", "ElementSetName", {"brief", "summary", "full"});
      values("Parameter", "CONSTRAINTLANGUAGE", {"FILTER", "CQL_TEXT"});
      values(
          "Constraint", "SupportedISOQueryables",
          {"apiso:AnyText", "apiso:Title", "apiso:Abstract", "apiso:Subject", "apiso:TopicCategory",
           "apiso:Type", "apiso:Format", "apiso:Identifier", "apiso:Modified", "apiso:RevisionDate",
           "apiso:CreationDate", "apiso:OrganisationName", "apiso:Language",
           "apiso:ResourceLanguage", "apiso:CRS", "apiso:BoundingBox"});
      values("Constraint", "AdditionalQueryables",
             {"apiso:ConditionApplyingToAccessAndUse", "shikong:kind", "shikong:access"});
      values("Constraint", "SupportedDublinCoreQueryables",
             {"csw:AnyText", "dc:title", "dct:abstract", "dc:subject", "dc:type", "dc:format",
              "dc:identifier", "dct:modified", "dc:publisher", "dc:rights", "dc:language",
              "ows:BoundingBox"});
      x += "    </ows:Operation>\n";
      op_open("GetRecordById");
      values("Parameter", "outputSchema", {kCswSchema, kGmdSchema});
      values("Parameter", "outputFormat", {"application/xml"});
      values("Parameter", "ElementSetName", {"brief", "summary", "full"});
      x += "    </ows:Operation>\n";
      values("Parameter", "service", {"CSW"}, "    ");
      values("Parameter", "version", {"2.0.2"}, "    ");
      values("Constraint", "PostEncoding", {"XML"}, "    ");
      values("Constraint", "MaxRecordDefault", {"10"}, "    ");
      x += "  </ows:OperationsMetadata>\n";
    }
    // Filter_Capabilities is mandatory whatever the sections asked for.
    x += "  <ogc:Filter_Capabilities>\n"
         "    <ogc:Spatial_Capabilities>\n"
         "      <ogc:GeometryOperands><ogc:GeometryOperand>gml:Envelope</ogc:GeometryOperand>"
         "</ogc:GeometryOperands>\n"
         "      <ogc:SpatialOperators><ogc:SpatialOperator name=\"BBOX\"/>"
         "<ogc:SpatialOperator name=\"Intersects\"/><ogc:SpatialOperator name=\"Within\"/>"
         "</ogc:SpatialOperators>\n"
         "    </ogc:Spatial_Capabilities>\n"
         "    <ogc:Scalar_Capabilities>\n"
         "      <ogc:LogicalOperators/>\n"
         "      <ogc:ComparisonOperators>";
    for (std::string_view op :
         {"EqualTo", "NotEqualTo", "LessThan", "GreaterThan", "LessThanEqualTo",
          "GreaterThanEqualTo", "Like", "Between", "NullCheck"})
      x += "<ogc:ComparisonOperator>" + std::string(op) + "</ogc:ComparisonOperator>";
    x += "</ogc:ComparisonOperators>\n"
         "    </ogc:Scalar_Capabilities>\n"
         "    <ogc:Id_Capabilities><ogc:EID/><ogc:FID/></ogc:Id_Capabilities>\n"
         "  </ogc:Filter_Capabilities>\n"
         "</csw:Capabilities>\n";
    return xml_response(std::move(x));
  }

  // -- DescribeRecord --

  static Response describe_record(const std::vector<std::string>& type_names) {
    bool record = type_names.empty(), iso = type_names.empty();
    for (const auto& t : type_names) {
      std::string_view local = std::string_view(t).substr(t.find(':') + 1);
      if (t.find(':') == std::string::npos) local = t;
      if (local == "Record")
        record = true;
      else if (local == "MD_Metadata")
        iso = true;
      else
        invalid("typeName", fmt::format("the type name '{}' is not offered (csw:Record, "
                                        "gmd:MD_Metadata)",
                                        std::string_view(t).substr(0, 60)));
    }
    std::string x;
    x += R"(<?xml version="1.0" encoding="UTF-8"?>)"
         "\n"
         R"(<csw:DescribeRecordResponse xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" )"
         R"(xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" )"
         R"(xsi:schemaLocation="http://www.opengis.net/cat/csw/2.0.2 )"
         R"(http://schemas.opengis.net/csw/2.0.2/CSW-discovery.xsd">)"
         "\n";
    if (record)
      x += R"(  <csw:SchemaComponent targetNamespace="http://www.opengis.net/cat/csw/2.0.2" )"
           R"(schemaLanguage="http://www.w3.org/XML/Schema">
    <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" )"
           R"(xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" )"
           R"(xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dct="http://purl.org/dc/terms/" )"
           R"(xmlns:ows="http://www.opengis.net/ows" )"
           R"(targetNamespace="http://www.opengis.net/cat/csw/2.0.2" )"
           R"(elementFormDefault="qualified" version="2.0.2">
      <xs:import namespace="http://purl.org/dc/elements/1.1/" )"
           R"(schemaLocation="http://schemas.opengis.net/csw/2.0.2/rec-dcmes.xsd"/>
      <xs:import namespace="http://purl.org/dc/terms/" )"
           R"(schemaLocation="http://schemas.opengis.net/csw/2.0.2/rec-dcterms.xsd"/>
      <xs:import namespace="http://www.opengis.net/ows" )"
           R"(schemaLocation="http://schemas.opengis.net/ows/1.0.0/owsAll.xsd"/>
      <xs:element name="Record" type="csw:RecordType"/>
      <xs:complexType name="RecordType">
        <xs:annotation><xs:documentation>A metadata record of this catalogue in Dublin Core: )"
           R"(dc:identifier, dc:title, dc:type, dc:subject (keywords and ISO topic), dc:format, )"
           R"(dc:publisher, dc:rights, dc:language, dc:source, dct:created, dct:issued, )"
           R"(dct:temporal, dct:references, dct:modified, dct:abstract, then the extent as )"
           R"(ows:BoundingBox (urn:ogc:def:crs:EPSG:6.6:4326, latitude first) and )"
           R"(ows:WGS84BoundingBox.</xs:documentation></xs:annotation>
        <xs:sequence>
          <xs:element ref="dc:identifier"/>
          <xs:element ref="dc:title"/>
          <xs:element ref="dc:type" minOccurs="0"/>
          <xs:element ref="dc:subject" minOccurs="0" maxOccurs="unbounded"/>
          <xs:element ref="dc:format" minOccurs="0" maxOccurs="unbounded"/>
          <xs:element ref="dc:publisher" minOccurs="0"/>
          <xs:element ref="dc:rights" minOccurs="0"/>
          <xs:element ref="dc:language" minOccurs="0"/>
          <xs:element ref="dc:source" minOccurs="0"/>
          <xs:element ref="dct:created" minOccurs="0"/>
          <xs:element ref="dct:issued" minOccurs="0"/>
          <xs:element ref="dct:temporal" minOccurs="0"/>
          <xs:element ref="dct:references" minOccurs="0" maxOccurs="unbounded"/>
          <xs:element ref="dct:modified" minOccurs="0"/>
          <xs:element ref="dct:abstract" minOccurs="0"/>
          <xs:element ref="ows:BoundingBox" minOccurs="0"/>
          <xs:element ref="ows:WGS84BoundingBox" minOccurs="0"/>
        </xs:sequence>
      </xs:complexType>
    </xs:schema>
  </csw:SchemaComponent>
)";
    if (iso)
      x += R"(  <csw:SchemaComponent targetNamespace="http://www.isotc211.org/2005/gmd" )"
           R"(schemaLanguage="http://www.w3.org/XML/Schema">
    <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" )"
           R"(targetNamespace="http://www.isotc211.org/2005/gmd" elementFormDefault="qualified">
      <xs:include schemaLocation="http://schemas.opengis.net/iso/19139/20070417/gmd/gmd.xsd"/>
    </xs:schema>
  </csw:SchemaComponent>
)";
    x += "</csw:DescribeRecordResponse>\n";
    return xml_response(std::move(x));
  }

  // -- GetRecords --

  search::SearchResult run(const search::SearchQuery& q) const {
    try {
      return context->search.search(q);
    } catch (const InvalidInput& e) {
      // The engine names its own parameter; here the filter is the constraint.
      if (e.code() == "invalid-filter") throw InvalidInput(e.code(), e.detail(), "Constraint");
      throw;
    }
  }

  Response get_records(const Request& req, GetRecordsParams p) const {
    if (p.result_type == ResultType::validate) return acknowledgement(p);
    search::SearchQuery q;
    q.visible = visible_to(*context, req);
    // A Within among the top-level And terms becomes the query's bbox relation; elsewhere the
    // engine could not honour it.
    if (p.filter) {
      std::vector<ExprPtr> terms;
      if (p.filter->kind == Expr::Kind::and_)
        terms = p.filter->children;
      else
        terms.push_back(p.filter);
      std::vector<ExprPtr> rest;
      for (auto& t : terms) {
        if (t && is_within(*t) && !q.bbox) {
          q.bbox = t->envelope;
          q.bbox_relation = search::BboxRelation::within;
        } else {
          rest.push_back(t);
        }
      }
      for (const auto& t : rest) reject_nested_within(*t);
      if (rest.size() == 1) {
        q.filter = rest.front();
      } else if (!rest.empty()) {
        auto e = std::make_shared<Expr>();
        e->kind = Expr::Kind::and_;
        e->children = std::move(rest);
        q.filter = e;
      }
    }
    const bool reversed = p.sort && ((p.sort->by_title && p.sort->descending) ||
                                     (!p.sort->by_title && !p.sort->descending));
    q.sort = !p.sort            ? search::SortOrder::newest
             : p.sort->by_title ? search::SortOrder::title
                                : search::SortOrder::newest;
    const std::size_t offset = static_cast<std::size_t>(p.start - 1);
    const std::size_t limit =
        p.result_type == ResultType::hits ? 0 : static_cast<std::size_t>(p.max);
    search::SearchResult result;
    if (reversed && limit > 0) {
      // The engine sorts one way; the other way is the mirror page of the first way.
      search::SearchQuery count = q;
      count.offset = 0;
      count.limit = 1;
      const auto total = static_cast<std::size_t>(run(count).total);
      const std::size_t end = offset < total ? total - offset : 0;
      const std::size_t begin = end > limit ? end - limit : 0;
      q.offset = begin;
      q.limit = end - begin;
      if (q.limit > 0) {
        result = run(q);
        std::reverse(result.hits.begin(), result.hits.end());
      } else {
        result.total = static_cast<std::int64_t>(total);
      }
    } else {
      q.offset = offset;
      q.limit = limit;
      result = run(q);
    }
    std::string records;
    std::int64_t returned = 0;
    const RecordUrls u = urls(req);
    for (const auto& hit : result.hits) {
      auto r = context->catalog.find(hit.id);
      if (!r || !context->can_see(req, *r)) continue;
      records += p.schema == OutputSchema::gmd ? iso_record_xml(*r, p.element_set, u)
                                               : csw_record_xml(*r, p.element_set, u);
      ++returned;
    }
    const std::int64_t matched = result.total;
    std::int64_t next = 0;
    if (p.result_type == ResultType::hits)
      next = p.start <= matched ? p.start : 0;
    else if (p.start - 1 + static_cast<std::int64_t>(result.hits.size()) < matched)
      next = p.start + static_cast<std::int64_t>(result.hits.size());
    std::string x;
    x += R"(<?xml version="1.0" encoding="UTF-8"?>)"
         "\n";
    x += fmt::format(
        "<csw:GetRecordsResponse {} version=\"2.0.2\" "
        "xsi:schemaLocation=\"http://www.opengis.net/cat/csw/2.0.2 "
        "http://schemas.opengis.net/csw/2.0.2/CSW-discovery.xsd\">\n",
        kRecordNamespaces);
    x += "  <csw:SearchStatus timestamp=\"" + timestamp() + "\"/>\n";
    x += fmt::format(
        "  <csw:SearchResults numberOfRecordsMatched=\"{}\" numberOfRecordsReturned=\"{}\" "
        "nextRecord=\"{}\" recordSchema=\"{}\" elementSet=\"{}\">\n",
        matched, returned, next, p.schema == OutputSchema::gmd ? kGmdSchema : kCswSchema,
        to_string(p.element_set));
    x += records;
    x += "  </csw:SearchResults>\n</csw:GetRecordsResponse>\n";
    return xml_response(std::move(x));
  }

  static void reject_nested_within(const Expr& e) {
    if (is_within(e))
      throw InvalidInput("invalid-filter",
                         "Within can only be combined with other conditions through And",
                         "Constraint");
    for (const auto& c : e.children)
      if (c) reject_nested_within(*c);
  }

  Response acknowledgement(const GetRecordsParams& p) const {
    // The echoed request is rebuilt from what was understood, never copied from the input.
    std::string x;
    x += R"(<?xml version="1.0" encoding="UTF-8"?>)"
         "\n";
    x += fmt::format("<csw:Acknowledgement {} timeStamp=\"{}\">\n", kRecordNamespaces, timestamp());
    x += fmt::format(
        "  <csw:EchoedRequest>\n    <csw:GetRecords service=\"CSW\" version=\"2.0.2\" "
        "resultType=\"validate\" outputSchema=\"{}\" startPosition=\"{}\" maxRecords=\"{}\">\n",
        p.schema == OutputSchema::gmd ? kGmdSchema : kCswSchema, p.start, p.max);
    x += "      <csw:Query typeNames=\"" + esc(p.type_names) + "\">\n";
    x += fmt::format("        <csw:ElementSetName>{}</csw:ElementSetName>\n",
                     to_string(p.element_set));
    if (!p.cql.empty())
      x += "        <csw:Constraint version=\"1.1.0\"><csw:CqlText>" + esc(p.cql) +
           "</csw:CqlText></csw:Constraint>\n";
    x += "      </csw:Query>\n    </csw:GetRecords>\n  </csw:EchoedRequest>\n";
    x += "</csw:Acknowledgement>\n";
    return xml_response(std::move(x));
  }

  // -- GetRecordById --

  Response get_record_by_id(const Request& req, const ByIdParams& p) const {
    std::string records;
    const RecordUrls u = urls(req);
    for (const auto& id : p.ids) {
      auto r = context->catalog.find(id);
      // A record the caller may not see is one that does not exist.
      if (!r || !context->can_see(req, *r)) continue;
      records += p.schema == OutputSchema::gmd ? iso_record_xml(*r, p.element_set, u)
                                               : csw_record_xml(*r, p.element_set, u);
    }
    std::string x;
    x += R"(<?xml version="1.0" encoding="UTF-8"?>)"
         "\n";
    x += fmt::format(
        "<csw:GetRecordByIdResponse {} xsi:schemaLocation=\"http://www.opengis.net/cat/csw/2.0.2 "
        "http://schemas.opengis.net/csw/2.0.2/CSW-discovery.xsd\">\n",
        kRecordNamespaces);
    x += records;
    x += "</csw:GetRecordByIdResponse>\n";
    return xml_response(std::move(x));
  }

  // -- dispatch --

  static void check_service(std::optional<std::string_view> service, std::string_view locator) {
    if (!service) missing(locator);
    if (!ascii_iequals(trim_blanks(*service), "CSW")) invalid(locator, "service must be CSW");
  }

  static void check_version(std::optional<std::string_view> version, std::string_view locator) {
    if (!version) missing(locator);
    if (trim_blanks(*version) != kVersion) invalid(locator, "version must be 2.0.2");
  }

  static void check_accept_versions(const std::vector<std::string>& versions) {
    if (versions.empty()) return;
    for (const auto& v : versions)
      if (trim_blanks(v) == kVersion) return;
    throw InvalidInput("version-negotiation-failed",
                       "this catalogue speaks CSW 2.0.2 only, which AcceptVersions does not list",
                       "AcceptVersions");
  }

  static std::vector<std::string> comma_list(std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty() && out.size() < 64) {
      std::size_t c = text.find(',');
      std::string_view v = trim_blanks(text.substr(0, c));
      if (!v.empty()) out.emplace_back(v);
      text = c == std::string_view::npos ? std::string_view{} : text.substr(c + 1);
    }
    return out;
  }

  Response kvp(const Request& req, const Kvp& k) const {
    auto request = k.value("request");
    if (!request) missing("request");
    const std::string_view op = *request;
    if (ascii_iequals(op, "GetCapabilities")) {
      check_service(k.value("service"), "service");
      check_accept_versions(comma_list(k.value("AcceptVersions").value_or("")));
      return capabilities(req, comma_list(k.value("sections").value_or("")));
    }
    const bool known = ascii_iequals(op, "DescribeRecord") || ascii_iequals(op, "GetRecords") ||
                       ascii_iequals(op, "GetRecordById");
    if (!known) unsupported(op);
    check_service(k.value("service"), "service");
    check_version(k.value("version"), "version");
    if (ascii_iequals(op, "DescribeRecord")) {
      if (auto v = k.value("outputFormat")) check_output_format(*v, "outputFormat");
      if (auto v = k.value("schemaLanguage");
          v && *v != kXmlSchemaLanguage && !ascii_iequals(*v, "XMLSCHEMA"))
        invalid("schemaLanguage", "schemaLanguage must be http://www.w3.org/XML/Schema");
      std::vector<std::string> names;
      if (auto v = k.value("typeName")) {
        for (std::string_view rest = *v; !rest.empty();) {
          std::size_t c = rest.find(',');
          std::string_view n = trim_blanks(rest.substr(0, c));
          if (!n.empty()) names.emplace_back(n);
          rest = c == std::string_view::npos ? std::string_view{} : rest.substr(c + 1);
          if (names.size() > 8) break;
        }
      }
      return describe_record(names);
    }
    if (ascii_iequals(op, "GetRecords")) return get_records(req, get_records_from_kvp(k));
    ByIdParams p;
    auto ids = k.value("id");
    if (!ids) missing("id");
    p.ids = split_ids(*ids);
    if (p.ids.empty()) missing("id");
    if (auto v = k.value("ElementSetName")) p.element_set = parse_element_set(*v, "ElementSetName");
    if (auto v = k.value("outputSchema")) p.schema = parse_output_schema(*v, "outputSchema");
    if (auto v = k.value("outputFormat")) check_output_format(*v, "outputFormat");
    return get_record_by_id(req, p);
  }

  [[noreturn]] static void unsupported(std::string_view op) {
    throw InvalidInput("operation-not-supported",
                       fmt::format("the operation '{}' is not supported (GetCapabilities, "
                                   "DescribeRecord, GetRecords, GetRecordById)",
                                   op.substr(0, 60)),
                       "request");
  }

  Response xml_post(const Request& req) const {
    xml::Element root = xml::parse(req.body, {.max_bytes = kMaxBodyBytes}, "request");
    if (root.ns != xml::ns::csw) unsupported(root.name);
    auto attr = [&](std::string_view name) -> std::optional<std::string_view> {
      for (const auto& a : root.attributes)
        if (a.name == name && a.ns.empty()) return std::string_view(a.value);
      return std::nullopt;
    };
    if (root.name == "GetCapabilities") {
      check_service(attr("service"), "service");
      std::vector<std::string> versions, sections;
      if (const xml::Element* av = root.child("*", "AcceptVersions"))
        for (const auto* v : av->children_named("*", "Version")) versions.push_back(v->all_text());
      if (const xml::Element* ss = root.child("*", "Sections"))
        for (const auto* s : ss->children_named("*", "Section")) sections.push_back(s->all_text());
      check_accept_versions(versions);
      return capabilities(req, sections);
    }
    if (root.name != "DescribeRecord" && root.name != "GetRecords" && root.name != "GetRecordById")
      unsupported(root.name);
    check_service(attr("service"), "service");
    check_version(attr("version"), "version");
    if (root.name == "DescribeRecord") {
      if (auto v = attr("outputFormat")) check_output_format(*v, "outputFormat");
      std::vector<std::string> names;
      for (const auto* t : root.children_named(xml::ns::csw, "TypeName")) {
        if (names.size() > 8) break;
        names.push_back(std::string(trim_blanks(t->text)));
      }
      return describe_record(names);
    }
    if (root.name == "GetRecords") return get_records(req, get_records_from_xml(root));
    ByIdParams p;
    for (const auto* id : root.children_named(xml::ns::csw, "Id")) {
      if (p.ids.size() >= kMaxIds) invalid("Id", "at most 100 ids may be asked for at once");
      std::string v(trim_blanks(id->text));
      if (!v.empty()) p.ids.push_back(std::move(v));
    }
    if (p.ids.empty()) missing("Id");
    if (const xml::Element* esn = root.child(xml::ns::csw, "ElementSetName"))
      p.element_set = parse_element_set(esn->text, "ElementSetName");
    if (auto v = attr("outputSchema")) p.schema = parse_output_schema(*v, "outputSchema");
    if (auto v = attr("outputFormat")) check_output_format(*v, "outputFormat");
    return get_record_by_id(req, p);
  }

  Response handle(Request& req) const {
    try {
      if (req.method == "POST") {
        auto type = req.header("Content-Type").value_or("");
        const bool form = ascii_lowercase(type).starts_with("application/x-www-form-urlencoded");
        std::string_view body = req.body;
        std::size_t first = body.find_first_not_of(" \t\r\n");
        if (form || first == std::string_view::npos) {
          Kvp k{req.query};
          if (form) {
            auto more = protocol::parse_query(req.body);
            k.params.insert(k.params.end(), more.begin(), more.end());
          }
          return kvp(req, k);
        }
        return xml_post(req);
      }
      return kvp(req, Kvp{req.query});
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::internal) log::error("csw: {} ({})", e.detail(), e.code());
      return protocol::ows10_exception_response(e);
    } catch (const std::exception& e) {
      log::error("csw: {}", e.what());
      return protocol::ows10_exception_response(
          InternalError("internal-error", "the catalogue failed to answer"));
    }
  }
};

}  // namespace

void register_csw_routes(protocol::Router& router, const CatalogContext& context) {
  auto csw = std::make_shared<Csw>();
  csw->context = std::make_shared<const CatalogContext>(context);
  for (const char* method : {"GET", "POST"}) {
    protocol::Route r;
    r.method = method;
    r.pattern = context.prefix + "/csw";
    r.handler = [csw](Request& req) { return csw->handle(req); };
    r.route_class = protocol::RouteClass::search;
    r.summary = std::string("CSW 2.0.2 (") + method +
                "): GetCapabilities, DescribeRecord, GetRecords, GetRecordById";
    r.operation_id = std::string("csw") + (std::string_view(method) == "GET" ? "Get" : "Post");
    router.add(std::move(r));
  }
}

}  // namespace shikong::ogc
