// The safe XML reader over libxml2: one parser context per call with its own error handler, SAX
// hooks that refuse a DOCTYPE and enforce the depth and node limits while parsing, then a copy
// of libxml2's tree into shikong::xml::Element.
#include "xml/xml.hpp"

#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace shikong::xml {

namespace {

// What the SAX hooks learn while libxml2 parses.
struct ParseState {
  const Limits* limits = nullptr;
  std::size_t depth = 0;
  std::size_t nodes = 0;
  bool doctype = false;
  int doctype_line = 0;
  bool too_deep = false;
  bool too_many_nodes = false;
  // The first error libxml2 reported (warnings are ignored).
  bool has_error = false;
  int error_code = 0;
  int error_line = 0;
  int error_column = 0;
  startElementNsSAX2Func start_element = nullptr;
  endElementNsSAX2Func end_element = nullptr;
};

// The state of the parse running on this thread (a parse never starts another, and libxml2 may
// reset a context's user fields when it starts reading).
thread_local ParseState* current_state = nullptr;

ParseState& state_of(void*) {
  return *current_state;
}

// Sets current_state for the lifetime of one parse.
class CurrentState {
 public:
  explicit CurrentState(ParseState& s) : previous_(current_state) { current_state = &s; }
  ~CurrentState() { current_state = previous_; }
  CurrentState(const CurrentState&) = delete;
  CurrentState& operator=(const CurrentState&) = delete;

 private:
  ParseState* previous_;
};

void on_structured_error(void* ctx, xmlErrorPtr error) {
  if (current_state == nullptr || error == nullptr || error->level < XML_ERR_ERROR) return;
  ParseState& s = state_of(ctx);
  if (s.has_error) return;
  s.has_error = true;
  s.error_code = error->code;
  s.error_line = error->line;
  s.error_column = error->int2;
}

// Errors libxml2 raises without a parser context (some encoding problems) would go to the
// thread's generic handler, which prints to stderr; the parser's own report is what we use.
void ignore_generic_error(void*, const char*, ...) {}

// A DOCTYPE with an internal subset ("[...]") stops the parse before its declarations
// (entities included) are read: this is the whole defence against entity expansion and XXE.
// A bare DOCTYPE naming an external DTD (WMS 1.1.1 capabilities have one) is let through: that
// DTD is never loaded, so it can declare nothing. libxml2 calls this hook after the external
// id, with the input at "[" or ">".
void on_internal_subset(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
  auto* ctxt = static_cast<xmlParserCtxtPtr>(ctx);
  ParseState& s = state_of(ctx);
  const xmlChar* cur = ctxt->input != nullptr ? ctxt->input->cur : nullptr;
  while (cur != nullptr && (*cur == ' ' || *cur == '\t' || *cur == '\r' || *cur == '\n')) ++cur;
  if (cur != nullptr && *cur == '>') return;
  s.doctype = true;
  s.doctype_line = ctxt->input != nullptr ? ctxt->input->line : 0;
  xmlStopParser(ctxt);
}

// Only the five predefined entities exist (there is never a DTD to declare others).
xmlEntityPtr on_get_entity(void*, const xmlChar* name) {
  return xmlGetPredefinedEntity(name);
}

void on_start_element(void* ctx, const xmlChar* localname, const xmlChar* prefix,
                      const xmlChar* uri, int nb_namespaces, const xmlChar** namespaces,
                      int nb_attributes, int nb_defaulted, const xmlChar** attributes) {
  auto* ctxt = static_cast<xmlParserCtxtPtr>(ctx);
  ParseState& s = state_of(ctx);
  ++s.depth;
  s.nodes += 1 + static_cast<std::size_t>(nb_attributes > 0 ? nb_attributes : 0);
  if (s.depth > s.limits->max_depth) {
    s.too_deep = true;
    xmlStopParser(ctxt);
    return;
  }
  if (s.nodes > s.limits->max_nodes) {
    s.too_many_nodes = true;
    xmlStopParser(ctxt);
    return;
  }
  s.start_element(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes,
                  nb_defaulted, attributes);
}

void on_end_element(void* ctx, const xmlChar* localname, const xmlChar* prefix,
                    const xmlChar* uri) {
  ParseState& s = state_of(ctx);
  if (s.depth > 0) --s.depth;
  s.end_element(ctx, localname, prefix, uri);
}

std::string_view as_view(const xmlChar* s) {
  return s == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(s));
}

void append_text_children(xmlNodePtr first, std::string& out) {
  for (xmlNodePtr n = first; n != nullptr; n = n->next) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) out += as_view(n->content);
  }
}

Element convert(xmlNodePtr node) {
  Element e;
  e.name = as_view(node->name);
  if (node->ns != nullptr) {
    e.ns = as_view(node->ns->href);
    e.prefix = as_view(node->ns->prefix);
  }
  for (xmlAttrPtr a = node->properties; a != nullptr; a = a->next) {
    Attribute attr;
    attr.name = as_view(a->name);
    if (a->ns != nullptr) attr.ns = as_view(a->ns->href);
    append_text_children(a->children, attr.value);
    e.attributes.push_back(std::move(attr));
  }
  for (xmlNodePtr c = node->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE)
      e.children.push_back(convert(c));
    else if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
      e.text += as_view(c->content);
  }
  return e;
}

// Our sentence for the most common well-formedness errors; anything else gets the general one.
std::string_view problem_of(int code) {
  switch (code) {
    case XML_ERR_DOCUMENT_EMPTY:
      return "the document is empty";
    case XML_ERR_TAG_NAME_MISMATCH:
      return "an end tag does not match its start tag";
    case XML_ERR_TAG_NOT_FINISHED:
    case XML_ERR_LTSLASH_REQUIRED:
    case XML_ERR_GT_REQUIRED:
      return "an element is not closed";
    case XML_ERR_DOCUMENT_END:
    case XML_ERR_EXTRA_CONTENT:
      return "there is content after the root element";
    case XML_ERR_UNDECLARED_ENTITY:
    case XML_WAR_UNDECLARED_ENTITY:
    case XML_ERR_ENTITY_NOT_FINISHED:
      return "an entity reference is not one of &lt; &gt; &amp; &quot; &apos; or a character "
             "reference";
    case XML_ERR_INVALID_CHAR:
    case XML_ERR_INVALID_CHARREF:
    case XML_ERR_INVALID_DEC_CHARREF:
    case XML_ERR_INVALID_HEX_CHARREF:
      return "a character is not allowed in XML";
    case XML_ERR_UNSUPPORTED_ENCODING:
    case XML_ERR_INVALID_ENCODING:
    case XML_ERR_UNKNOWN_ENCODING:
      return "the bytes do not match the document's character encoding";
    case XML_ERR_ATTRIBUTE_REDEFINED:
      return "an attribute is given twice";
    case XML_ERR_ATTRIBUTE_WITHOUT_VALUE:
    case XML_ERR_ATTRIBUTE_NOT_STARTED:
    case XML_ERR_ATTRIBUTE_NOT_FINISHED:
    case XML_ERR_LT_IN_ATTRIBUTE:
      return "an attribute value is malformed";
    case XML_NS_ERR_UNDEFINED_NAMESPACE:
      return "a namespace prefix is used without being declared";
    case XML_NS_ERR_QNAME:
    case XML_NS_ERR_XML_NAMESPACE:
    case XML_NS_ERR_EMPTY:
    case XML_NS_ERR_COLON:
      return "a namespace declaration or qualified name is malformed";
    case XML_ERR_NAME_REQUIRED:
      return "a tag is malformed";
    case XML_ERR_INTERNAL_ERROR:
    case XML_ERR_NO_MEMORY:
      return "the parser gave up";
    default:
      return "it is not well-formed";
  }
}

std::string at_line(int line, int column) {
  std::string s = "line " + std::to_string(line);
  if (column > 0) s += ", column " + std::to_string(column);
  return s;
}

struct CtxtDeleter {
  void operator()(xmlParserCtxtPtr c) const { xmlFreeParserCtxt(c); }
};
struct DocDeleter {
  void operator()(xmlDocPtr d) const { xmlFreeDoc(d); }
};

std::string_view trim_blanks(std::string_view s) {
  constexpr std::string_view blanks = " \t\r\n";
  std::size_t b = s.find_first_not_of(blanks);
  if (b == std::string_view::npos) return {};
  std::size_t e = s.find_last_not_of(blanks);
  return s.substr(b, e - b + 1);
}

// Appends the blank-separated words of `text` to `out`, one space between words.
void append_words(std::string_view text, std::string& out) {
  constexpr std::string_view blanks = " \t\r\n";
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t b = text.find_first_not_of(blanks, i);
    if (b == std::string_view::npos) break;
    std::size_t e = text.find_first_of(blanks, b);
    if (e == std::string_view::npos) e = text.size();
    if (!out.empty()) out += ' ';
    out.append(text.substr(b, e - b));
    i = e;
  }
}

void collect_text(const Element& e, std::string& out) {
  append_words(e.text, out);
  for (const Element& c : e.children) collect_text(c, out);
}

// The largest number of attributes (and namespace declarations) of one start tag: the '='
// signs in a tag outside quoted values. Comments, CDATA sections, processing instructions and
// declarations are skipped. Works on the bytes of any ASCII-compatible encoding; for others it
// may miscount, which at worst refuses a document that has > max_attributes '=' in one tag.
std::size_t most_attributes_in_a_tag(std::string_view b) {
  std::size_t most = 0;
  std::size_t i = 0;
  auto skip_past = [&](std::string_view end) {
    std::size_t at = b.find(end, i);
    i = at == std::string_view::npos ? b.size() : at + end.size();
  };
  while (i < b.size()) {
    std::size_t lt = b.find('<', i);
    if (lt == std::string_view::npos) break;
    i = lt + 1;
    std::string_view rest = b.substr(lt);
    if (rest.starts_with("<!--")) {
      skip_past("-->");
    } else if (rest.starts_with("<![CDATA[")) {
      skip_past("]]>");
    } else if (rest.starts_with("<?")) {
      skip_past("?>");
    } else if (rest.starts_with("<!")) {
      skip_past(">");
    } else {
      std::size_t count = 0;
      while (i < b.size() && b[i] != '>' && b[i] != '<') {
        char c = b[i++];
        if (c == '=') {
          ++count;
        } else if (c == '"' || c == '\'') {
          std::size_t close = b.find(c, i);
          i = close == std::string_view::npos ? b.size() : close + 1;
        }
      }
      most = std::max(most, count);
    }
  }
  return most;
}

bool ns_matches(std::string_view want, std::string_view have) {
  return want == "*" || want == have;
}

}  // namespace

Element parse(std::string_view bytes, const Limits& limits, std::string_view parameter) {
  const std::string param(parameter);
  if (bytes.size() > limits.max_bytes || bytes.size() > static_cast<std::size_t>(INT_MAX)) {
    throw PayloadTooLarge("xml-too-large", "The XML document is larger than " +
                                               std::to_string(limits.max_bytes) + " bytes.");
  }
  if (most_attributes_in_a_tag(bytes) > limits.max_attributes) {
    throw PayloadTooLarge("xml-too-large", "An element of the XML document has more than " +
                                               std::to_string(limits.max_attributes) +
                                               " attributes.");
  }
  static std::once_flag init;
  std::call_once(init, [] { xmlInitParser(); });
  xmlSetGenericErrorFunc(nullptr, ignore_generic_error);  // per thread in libxml2

  std::unique_ptr<xmlParserCtxt, CtxtDeleter> ctxt(xmlNewParserCtxt());
  if (!ctxt || ctxt->sax == nullptr)
    throw InternalError("xml-parser", "The XML parser could not be created.");
  ParseState state;
  state.limits = &limits;
  state.start_element = ctxt->sax->startElementNs;
  state.end_element = ctxt->sax->endElementNs;
  if (state.start_element == nullptr || state.end_element == nullptr)
    throw InternalError("xml-parser", "The XML parser has no SAX2 element handlers.");
  CurrentState current(state);
  ctxt->sax->serror = on_structured_error;
  ctxt->sax->internalSubset = on_internal_subset;
  ctxt->sax->externalSubset = nullptr;
  ctxt->sax->getEntity = on_get_entity;
  ctxt->sax->getParameterEntity = nullptr;
  ctxt->sax->entityDecl = nullptr;
  ctxt->sax->resolveEntity = nullptr;
  ctxt->sax->startElementNs = on_start_element;
  ctxt->sax->endElementNs = on_end_element;

  // No NOENT (entities stay unexpanded), no DTDLOAD/DTDATTR/DTDVALID, no network, no messages.
  const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
  const char* data = bytes.empty() ? "" : bytes.data();
  std::unique_ptr<xmlDoc, DocDeleter> doc(xmlCtxtReadMemory(
      ctxt.get(), data, static_cast<int>(bytes.size()), nullptr, nullptr, options));

  if (state.doctype) {
    throw InvalidInput("invalid-xml",
                       "The XML document declares a DTD of its own (" +
                           at_line(state.doctype_line, 0) +
                           "); documents with an internal DTD subset are not accepted.",
                       param);
  }
  if (state.too_deep) {
    throw PayloadTooLarge("xml-too-large", "The XML document nests elements deeper than " +
                                               std::to_string(limits.max_depth) + " levels.");
  }
  if (state.too_many_nodes) {
    throw PayloadTooLarge("xml-too-large", "The XML document has more than " +
                                               std::to_string(limits.max_nodes) +
                                               " elements and attributes.");
  }
  if (state.has_error || !doc || !ctxt->wellFormed || !ctxt->nsWellFormed) {
    std::string where =
        state.has_error ? " at " + at_line(state.error_line, state.error_column) : std::string();
    throw InvalidInput("invalid-xml",
                       "The XML document cannot be read" + where + ": " +
                           std::string(problem_of(state.error_code)) + ".",
                       param);
  }
  xmlNodePtr root = xmlDocGetRootElement(doc.get());
  if (root == nullptr)
    throw InvalidInput("invalid-xml", "The XML document has no root element.", param);
  return convert(root);
}

const Element* Element::child(std::string_view ns_uri, std::string_view local) const {
  for (const Element& c : children)
    if (c.name == local && ns_matches(ns_uri, c.ns)) return &c;
  return nullptr;
}

std::vector<const Element*> Element::children_named(std::string_view ns_uri,
                                                    std::string_view local) const {
  std::vector<const Element*> out;
  for (const Element& c : children)
    if (c.name == local && ns_matches(ns_uri, c.ns)) out.push_back(&c);
  return out;
}

std::string Element::attribute(std::string_view local, std::string_view ns_uri) const {
  for (const Attribute& a : attributes)
    if (a.name == local && ns_matches(ns_uri, a.ns)) return a.value;
  return {};
}

bool Element::has_attribute(std::string_view local) const {
  for (const Attribute& a : attributes)
    if (a.name == local) return true;
  return false;
}

std::string Element::child_text(std::string_view ns_uri, std::string_view local) const {
  const Element* c = child(ns_uri, local);
  return c == nullptr ? std::string() : std::string(trim_blanks(c->text));
}

std::string Element::all_text() const {
  std::string out;
  collect_text(*this, out);
  return out;
}

}  // namespace shikong::xml
