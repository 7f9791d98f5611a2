// The search engine: an in-memory inverted index (dense doc ordinals, per-term posting lists with
// per-field term counts, a sorted Latin term list for prefixes, a one-deletion neighbourhood for
// typos, per-doc columns for filters and facets) kept current by the catalog's change listener.
#include "search/search_service.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <deque>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <unordered_map>
#include <unordered_set>

#include "core/error.hpp"
#include "core/value.hpp"
#include "datum/time.hpp"
#include "geo/wkb.hpp"
#include "search/gazetteer.hpp"
#include "text/analyzer.hpp"

namespace shikong::search {

std::string_view to_string(Queryable q) {
  switch (q) {
    case Queryable::any_text:
      return "AnyText";
    case Queryable::title:
      return "Title";
    case Queryable::abstract:
      return "Abstract";
    case Queryable::subject:
      return "Subject";
    case Queryable::type:
      return "Type";
    case Queryable::format:
      return "Format";
    case Queryable::identifier:
      return "Identifier";
    case Queryable::modified:
      return "Modified";
    case Queryable::created:
      return "Created";
    case Queryable::publisher:
      return "Publisher";
    case Queryable::licence:
      return "Licence";
    case Queryable::language:
      return "Language";
    case Queryable::crs:
      return "CRS";
    case Queryable::kind:
      return "Kind";
    case Queryable::access:
      return "Access";
    case Queryable::state:
      return "State";
    case Queryable::source:
      return "Source";
    case Queryable::bbox:
      return "BoundingBox";
    case Queryable::time:
      return "TimeExtent";
  }
  return "";
}

namespace {

// ---------------------------------------------------------------------------------------------
// Constants of the ranking (the contract's numbers).

enum Field : int { f_title, f_keywords, f_places, f_publisher, f_fields, f_abstract, kFields };
constexpr std::array<double, kFields> kBoost = {4.0, 2.5, 1.5, 1.2, 1.0, 1.0};
constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
// Weights of the ways a query word reaches an index term.
constexpr double kWeightExact = 1.0;
constexpr double kWeightPrefix = 0.7;
constexpr double kWeightTypo = 0.6;
constexpr double kWeightUnigram = 0.5;
constexpr std::size_t kMaxExpansions = 256;  // prefix terms taken for one query word

enum Facet : int {
  fk_topic,
  fk_keyword,
  fk_format,
  fk_publisher,
  fk_licence,
  fk_kind,
  fk_type,
  fk_access,
  fk_state,
  fk_source,
  fk_year,
  kFacets
};
constexpr std::array<std::string_view, kFacets> kFacetNames = {
    "topic", "keyword", "format", "publisher", "licence", "kind",
    "type",  "access",  "state",  "source",    "year"};
constexpr std::uint32_t kNone = 0xFFFFFFFFu;

// ---------------------------------------------------------------------------------------------
// UTF-8 helpers (code points; the analyzer has already replaced invalid sequences).

std::u32string decode(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      out.push_back(b);
      ++i;
      continue;
    }
    std::size_t n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    if (i + n > s.size()) n = s.size() - i;
    char32_t cp = n == 4 ? (b & 0x07u) : n == 3 ? (b & 0x0Fu) : n == 2 ? (b & 0x1Fu) : b;
    for (std::size_t k = 1; k < n; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    out.push_back(cp);
    i += n;
  }
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string encode(const std::u32string& s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) append_utf8(out, c);
  return out;
}

bool is_cjk(char32_t c) {
  return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x3040 && c <= 0x30FF) ||
         (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x20000 && c <= 0x3134F);
}

std::size_t letters_in(const std::u32string& s) {
  std::size_t n = 0;
  for (char32_t c : s)
    if (!(c >= '0' && c <= '9')) ++n;
  return n;
}

// Optimal string alignment distance <= 1 (one insertion, deletion, substitution or swap of
// neighbours): "statoin" is one slip away from "station".
bool within_one_edit(const std::u32string& a, const std::u32string& b) {
  if (a == b) return true;
  const std::size_t n = a.size(), m = b.size();
  if (n > m + 1 || m > n + 1) return false;
  std::size_t i = 0;
  while (i < n && i < m && a[i] == b[i]) ++i;
  if (n == m) {
    if (a.compare(i + 1, std::u32string::npos, b, i + 1, std::u32string::npos) == 0) return true;
    return i + 1 < n && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           a.compare(i + 2, std::u32string::npos, b, i + 2, std::u32string::npos) == 0;
  }
  if (n > m) return a.compare(i + 1, std::u32string::npos, b, i, std::u32string::npos) == 0;
  return a.compare(i, std::u32string::npos, b, i + 1, std::u32string::npos) == 0;
}

// The word itself and every form with one code point left out: two words within one edit share
// at least one of these forms.
std::vector<std::string> deletion_forms(const std::u32string& w) {
  std::vector<std::string> out;
  out.reserve(w.size() + 1);
  out.push_back(encode(w));
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (i > 0 && w[i] == w[i - 1]) continue;  // same form as the previous deletion
    std::u32string d = w;
    d.erase(i, 1);
    out.push_back(encode(d));
  }
  return out;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// SQL LIKE over code points: % any run, _ one character.
bool like_match(const std::u32string& text, const std::u32string& pattern) {
  std::size_t t = 0, p = 0, star_p = std::u32string::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == U'_' || pattern[p] == text[t])) {
      ++t;
      ++p;
    } else if (p < pattern.size() && pattern[p] == U'%') {
      star_p = p++;
      star_t = t;
    } else if (star_p != std::u32string::npos) {
      p = star_p + 1;
      t = ++star_t;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == U'%') ++p;
  return p == pattern.size();
}

int local_year(Instant t) {
  const std::int64_t micros =
      t.micros + static_cast<std::int64_t>(datum::platform_zone().offset_minutes) * 60'000'000;
  std::int64_t days = micros / 86'400'000'000LL;
  if (micros % 86'400'000'000LL < 0) --days;
  int y = 0;
  unsigned m = 0, d = 0;
  civil_from_date(Date{static_cast<std::int32_t>(days)}, y, m, d);
  return y;
}

double popularity_of(std::int64_t usage) {
  return 1.0 + std::log10(1.0 + static_cast<double>(std::max<std::int64_t>(usage, 0))) * 0.2;
}

bool is_generic(std::string_view w) {
  static const std::unordered_set<std::string_view> generic = {
      "数据",    "数据集", "信息", "的",  "和", "与", "及", "data",
      "dataset", "the",    "of",   "and", "a",  "an", "in", "for"};
  return generic.count(w) > 0;
}

// ---------------------------------------------------------------------------------------------
// The index.

struct Posting {
  std::uint32_t doc;
  std::array<std::uint8_t, kFields> tf;
};

struct Term {
  std::string text;
  std::vector<Posting> postings;  // ascending doc ordinals (tombstoned docs included)
  std::uint32_t live_df = 0;
};

// Interned values of one facet: the value as written, and its normalised form for filters.
struct FacetDict {
  std::vector<std::string> values;
  std::vector<std::uint32_t> subject;  // keyword/topic only: the id in the subject dictionary
  std::unordered_map<std::string, std::uint32_t> ids;
  std::unordered_map<std::string, std::vector<std::uint32_t>> by_normal;

  std::pair<std::uint32_t, bool> intern(const std::string& v) {
    auto [it, added] = ids.try_emplace(v, static_cast<std::uint32_t>(values.size()));
    if (added) {
      values.push_back(v);
      by_normal[text::normalize(v)].push_back(it->second);
    }
    return {it->second, added};
  }
};

struct SuggestEntry {
  std::string display;
  std::vector<std::uint32_t> docs;  // ascending ordinals (tombstoned docs included)
  std::uint32_t live = 0;
};

struct Doc {
  catalog::Record record;
  bool alive = true;
  std::array<std::uint16_t, kFields> len{};
  std::vector<std::uint32_t> terms;        // distinct term ids
  std::vector<std::uint32_t> suggestions;  // suggestion entries
  std::array<std::uint32_t, kFacets> single{};
  std::vector<std::uint32_t> keywords, formats;  // facet ids
  std::vector<std::uint32_t> subjects;  // sorted normalised keyword and topic ids (related, tags)
  std::vector<std::string> places;
  std::int64_t updated = 0;
  std::int64_t usage = 0;
  double popularity = 1.0;
};

std::int64_t usage_of(const std::map<std::string, storage::UsageTotals, std::less<>>& totals,
                      const catalog::Record& r) {
  auto it = totals.find(r.dataset_id.empty() ? r.id : r.dataset_id);
  return it == totals.end() ? 0 : it->second.total();
}

struct Index {
  std::vector<Doc> docs;
  std::unordered_map<std::string, std::uint32_t> by_id;
  std::deque<Term> terms;
  std::unordered_map<std::string, std::uint32_t> term_ids;
  std::map<std::string, std::uint32_t, std::less<>> latin;  // sorted, for prefixes
  std::unordered_map<std::string, std::vector<std::uint32_t>> typo_forms;
  std::array<FacetDict, kFacets> facets;
  FacetDict subjects;  // normalised keywords and topics
  std::vector<SuggestEntry> suggestions;
  std::map<std::string, std::uint32_t, std::less<>> suggest_keys;
  std::unordered_map<std::string, std::uint32_t> place_suggest;  // place name -> entry
  // Columns read by filters over many documents (kept apart from the records for the cache).
  std::vector<std::uint8_t> alive;
  std::vector<Envelope> extents;                   // empty: none
  std::vector<std::int64_t> time_start, time_end;  // open ends as the extremes
  std::vector<std::uint8_t> has_time;
  // Documents of each facet value (ascending ordinals, tombstones included).
  std::array<std::vector<std::vector<std::uint32_t>>, kFacets> facet_docs;
  // Documents of each subject (normalised keyword or topic), and each document's subject count.
  std::vector<std::vector<std::uint32_t>> subject_docs;
  std::vector<std::uint16_t> subject_count;
  std::size_t live = 0;
  std::size_t postings = 0;
  std::array<double, kFields> len_sum{};
  double build_seconds = 0;

  std::uint32_t term_id(const std::string& t, bool cjk) {
    auto [it, added] = term_ids.try_emplace(t, static_cast<std::uint32_t>(terms.size()));
    if (added) {
      terms.push_back(Term{t, {}, 0});
      const std::u32string cps = decode(t);
      if (!cjk && letters_in(cps) > 0 && !(cps.size() == 1 && is_cjk(cps[0]))) {
        latin.emplace(t, it->second);
        if (cps.size() >= 3)
          for (auto& f : deletion_forms(cps)) typo_forms[f].push_back(it->second);
      }
    }
    return it->second;
  }

  std::uint32_t suggestion_entry(const std::string& key, const std::string& display) {
    auto [it, added] =
        suggest_keys.try_emplace(key, static_cast<std::uint32_t>(suggestions.size()));
    if (added) suggestions.push_back(SuggestEntry{display, {}, 0});
    return it->second;
  }

  std::uint32_t subject_of(int facet, std::uint32_t value_id) {
    FacetDict& d = facets[facet];
    if (d.subject.size() <= value_id) d.subject.resize(d.values.size(), kNone);
    if (d.subject[value_id] == kNone)
      d.subject[value_id] = subjects.intern(text::normalize(d.values[value_id])).first;
    return d.subject[value_id];
  }

  void add(catalog::Record rec, std::int64_t usage) {
    const auto ord = static_cast<std::uint32_t>(docs.size());
    Doc d;
    d.updated = rec.updated.micros;
    d.usage = usage;
    d.popularity = popularity_of(usage);
    d.single.fill(kNone);

    // Terms with their per-field counts.
    std::vector<std::pair<std::string, int>> occ;  // (term, field | cjk flag << 8)
    auto index_text = [&](std::string_view s, int field) {
      for (const text::Token& tok : text::tokenize(s)) {
        occ.emplace_back(tok.term, field | (tok.cjk ? 0x100 : 0));
        ++d.len[field];
        if (tok.cjk) {
          // Every character also as a unigram (one-character query words).
          const std::u32string cps = decode(tok.term);
          if (cps.size() == 2)
            for (char32_t c : cps) {
              std::string u;
              append_utf8(u, c);
              occ.emplace_back(std::move(u), field | 0x100);
            }
        }
      }
    };
    index_text(rec.title, f_title);
    for (const auto& k : rec.keywords) index_text(k, f_keywords);
    index_text(rec.topic, f_keywords);
    if (rec.extent && !rec.extent->empty()) {
      for (const Place* p : places_for(*rec.extent)) {
        d.places.emplace_back(p->name_zh);
        d.places.emplace_back(p->name_en);
      }
      for (const auto& p : d.places) index_text(p, f_places);
    }
    index_text(rec.publisher, f_publisher);
    for (const auto& f : rec.fields)
      index_text(std::string_view(f).substr(0, f.find(':')), f_fields);
    index_text(rec.abstract, f_abstract);
    for (int f = 0; f < kFields; ++f) len_sum[f] += d.len[f];

    std::sort(occ.begin(), occ.end());
    for (std::size_t i = 0; i < occ.size();) {
      Posting p{ord, {}};
      std::size_t j = i;
      while (j < occ.size() && occ[j].first == occ[i].first) {
        auto& c = p.tf[occ[j].second & 0xFF];
        if (c < 255) ++c;
        ++j;
      }
      const std::uint32_t t = term_id(occ[i].first, (occ[i].second & 0x100) != 0);
      terms[t].postings.push_back(p);
      ++terms[t].live_df;
      ++postings;
      d.terms.push_back(t);
      i = j;
    }

    // Facet columns.
    auto single = [&](int facet, const std::string& v) {
      if (!v.empty()) d.single[facet] = facets[facet].intern(v).first;
    };
    single(fk_topic, rec.topic);
    single(fk_publisher, rec.publisher);
    single(fk_licence, rec.licence);
    single(fk_kind, rec.kind);
    single(fk_type, rec.type);
    single(fk_access, rec.access);
    single(fk_state, std::string(catalog::to_string(rec.state)));
    single(fk_source, rec.source_id);
    if (rec.time_extent && (rec.time_extent->start || rec.time_extent->end))
      single(fk_year, std::to_string(local_year(rec.time_extent->start ? *rec.time_extent->start
                                                                       : *rec.time_extent->end)));
    for (const auto& k : rec.keywords) {
      if (k.empty()) continue;
      const auto id = facets[fk_keyword].intern(k).first;
      if (std::find(d.keywords.begin(), d.keywords.end(), id) == d.keywords.end())
        d.keywords.push_back(id);
      d.subjects.push_back(subject_of(fk_keyword, id));
    }
    for (const auto& f : rec.formats) {
      if (f.empty()) continue;
      const auto id = facets[fk_format].intern(f).first;
      if (std::find(d.formats.begin(), d.formats.end(), id) == d.formats.end())
        d.formats.push_back(id);
    }
    if (d.single[fk_topic] != kNone) d.subjects.push_back(subject_of(fk_topic, d.single[fk_topic]));
    std::sort(d.subjects.begin(), d.subjects.end());
    d.subjects.erase(std::unique(d.subjects.begin(), d.subjects.end()), d.subjects.end());

    // Autocomplete entries: the title, its words, the keywords and the places.
    auto attach = [&](std::uint32_t e) {
      SuggestEntry& s = suggestions[e];
      if (!s.docs.empty() && s.docs.back() == ord) return;  // this document is there already
      s.docs.push_back(ord);
      ++s.live;
      d.suggestions.push_back(e);
    };
    const std::vector<std::string> title_words = text::words(rec.title);
    if (title_words.size() > 1) {
      if (std::string key = text::normalize(rec.title); !key.empty())
        attach(suggestion_entry(key, rec.title));
    }
    for (const auto& w : title_words)
      if (!w.empty()) attach(suggestion_entry(w, w));
    for (const auto id : d.keywords) {
      const FacetDict& kd = facets[fk_keyword];
      const std::string& key = subjects.values[kd.subject[id]];
      if (!key.empty()) attach(suggestion_entry(key, kd.values[id]));
    }
    for (const auto& p : d.places) {
      auto it = place_suggest.find(p);
      if (it == place_suggest.end()) {
        const std::string key = text::normalize(p);
        if (key.empty()) continue;
        it = place_suggest.emplace(p, suggestion_entry(key, p)).first;
      }
      attach(it->second);
    }

    auto facet_doc = [&](int facet, std::uint32_t v) {
      auto& lists = facet_docs[facet];
      if (lists.size() <= v) lists.resize(v + 1);
      lists[v].push_back(ord);
    };
    for (int k = 0; k < kFacets; ++k)
      if (d.single[k] != kNone) facet_doc(k, d.single[k]);
    for (auto v : d.keywords) facet_doc(fk_keyword, v);
    for (auto v : d.formats) facet_doc(fk_format, v);
    for (auto sj : d.subjects) {
      if (subject_docs.size() <= sj) subject_docs.resize(sj + 1);
      subject_docs[sj].push_back(ord);
    }
    subject_count.push_back(
        static_cast<std::uint16_t>(std::min<std::size_t>(d.subjects.size(), 65535)));
    alive.push_back(1);
    extents.push_back(rec.extent ? *rec.extent : Envelope{});
    has_time.push_back(rec.time_extent ? 1 : 0);
    time_start.push_back(rec.time_extent && rec.time_extent->start ? rec.time_extent->start->micros
                                                                   : INT64_MIN);
    time_end.push_back(rec.time_extent && rec.time_extent->end ? rec.time_extent->end->micros
                                                               : INT64_MAX);
    d.record = std::move(rec);
    by_id[d.record.id] = ord;
    docs.push_back(std::move(d));
    ++live;
  }

  void remove(std::uint32_t ord) {
    Doc& d = docs[ord];
    if (!d.alive) return;
    d.alive = false;
    alive[ord] = 0;
    for (auto t : d.terms) --terms[t].live_df;
    for (auto e : d.suggestions) --suggestions[e].live;
    for (int f = 0; f < kFields; ++f) len_sum[f] -= d.len[f];
    by_id.erase(d.record.id);
    --live;
  }

  std::size_t dead() const { return docs.size() - live; }

  double avg_len(int f) const { return live == 0 ? 1.0 : std::max(1.0, len_sum[f] / live); }

  std::size_t memory_bytes() const {
    std::size_t m = docs.capacity() * sizeof(Doc);
    for (const auto& d : docs) {
      const auto& r = d.record;
      m += r.id.capacity() + r.title.capacity() + r.abstract.capacity() + r.lineage.capacity() +
           r.publisher.capacity() + r.licence.capacity() + r.owner.capacity() + 256;
      for (const auto& k : r.keywords) m += k.capacity() + sizeof(std::string);
      for (const auto& k : r.fields) m += k.capacity() + sizeof(std::string);
      for (const auto& k : r.formats) m += k.capacity() + sizeof(std::string);
      for (const auto& l : r.links) m += sizeof(catalog::Link) + l.href.size() + l.title.size();
      for (const auto& p : d.places) m += p.capacity() + sizeof(std::string);
      m += (d.terms.capacity() + d.suggestions.capacity() + d.keywords.capacity() +
            d.formats.capacity() + d.subjects.capacity()) *
           4;
    }
    for (const auto& t : terms)
      m += sizeof(Term) + t.text.capacity() + t.postings.capacity() * sizeof(Posting);
    m += term_ids.size() * 64 + latin.size() * 64;
    for (const auto& [k, v] : typo_forms) m += 64 + k.capacity() + v.capacity() * 4;
    for (const auto& s : suggestions)
      m += sizeof(SuggestEntry) + s.display.capacity() + s.docs.capacity() * 4;
    m += suggest_keys.size() * 80 + by_id.size() * 64;
    m += docs.size() * (sizeof(Envelope) + 2 * sizeof(std::int64_t) + 2);
    for (const auto& lists : facet_docs)
      for (const auto& l : lists) m += sizeof(l) + l.capacity() * 4;
    return m;
  }
};

// ---------------------------------------------------------------------------------------------
// Prepared Expr filters.

enum class QType { text, multi_text, instant, spatial, temporal, any_text };

QType type_of(Queryable q) {
  switch (q) {
    case Queryable::any_text:
      return QType::any_text;
    case Queryable::subject:
    case Queryable::format:
      return QType::multi_text;
    case Queryable::modified:
    case Queryable::created:
      return QType::instant;
    case Queryable::bbox:
      return QType::spatial;
    case Queryable::time:
      return QType::temporal;
    default:
      return QType::text;
  }
}

[[noreturn]] void bad_filter(const std::string& sentence) {
  throw InvalidInput("invalid-filter", sentence, "filter");
}

struct Pred {
  Expr::Kind kind = Expr::Kind::literal_bool;
  Queryable q = Queryable::any_text;
  CompareOp op = CompareOp::eq;
  std::vector<Pred> children;
  std::vector<std::string> strs;                             // text literals
  std::vector<std::pair<std::int64_t, std::int64_t>> times;  // instant literals: [first, last]
  std::u32string pattern;                                    // like: lower-cased
  Envelope envelope;
  Interval interval;
  bool value = true;
};

std::string text_literal(const Value& v) {
  if (auto s = std::get_if<std::string>(&v)) return *s;
  if (is_null(v)) bad_filter("A filter compares a text property with an empty value.");
  return datum::format_value(v, datum::platform_zone());
}

std::pair<std::int64_t, std::int64_t> time_literal(const Value& v) {
  if (auto t = std::get_if<Instant>(&v)) return {t->micros, t->micros};
  if (auto d = std::get_if<Date>(&v)) {
    const std::int64_t start = static_cast<std::int64_t>(d->days) * 86'400'000'000LL -
                               datum::platform_zone().offset_minutes * 60'000'000LL;
    return {start, start + 86'400'000'000LL - 1};
  }
  if (auto s = std::get_if<std::string>(&v)) {
    if (auto p = datum::parse_time(*s)) return {p->instant.micros, p->last.micros};
  }
  bad_filter("A filter compares a date property with a value that is not a date or time.");
}

Pred prepare(const Expr& e) {
  Pred p;
  p.kind = e.kind;
  p.op = e.op;
  if (e.kind == Expr::Kind::and_ || e.kind == Expr::Kind::or_ || e.kind == Expr::Kind::not_) {
    if (e.children.empty() || (e.kind == Expr::Kind::not_ && e.children.size() != 1))
      bad_filter("A filter has a logical operator without its operands.");
    for (const auto& c : e.children) {
      if (!c) bad_filter("A filter has a logical operator without its operands.");
      p.children.push_back(prepare(*c));
    }
    return p;
  }
  if (e.kind == Expr::Kind::literal_bool) {
    const bool* b = std::get_if<bool>(&e.literal);
    p.value = b ? *b : true;
    return p;
  }
  if (e.field > static_cast<std::size_t>(Queryable::time))
    bad_filter("A filter names a property that records do not have.");
  p.q = static_cast<Queryable>(e.field);
  const QType t = type_of(p.q);
  switch (e.kind) {
    case Expr::Kind::bbox:
    case Expr::Kind::geometry:
      if (t != QType::spatial) bad_filter("A spatial filter applies to the bounding box only.");
      p.envelope = e.envelope;
      if (e.kind == Expr::Kind::geometry && p.envelope.empty() && !e.wkb.empty()) {
        try {
          p.envelope = geo::from_wkb(e.wkb).envelope();
        } catch (const Error&) {
          bad_filter("A spatial filter has a geometry that cannot be read.");
        }
      }
      if (p.envelope.empty()) bad_filter("A spatial filter has an empty geometry.");
      return p;
    case Expr::Kind::time:
      if (t != QType::temporal && t != QType::instant)
        bad_filter("A temporal filter applies to the time extent or to a record date only.");
      p.interval = e.interval;
      return p;
    case Expr::Kind::is_null:
      return p;
    case Expr::Kind::compare:
    case Expr::Kind::between:
    case Expr::Kind::in: {
      if (t == QType::spatial || t == QType::temporal)
        bad_filter(
            "The bounding box and the time extent are compared by spatial and temporal "
            "filters only.");
      std::vector<const Value*> lits;
      if (e.kind == Expr::Kind::compare) lits = {&e.literal};
      if (e.kind == Expr::Kind::between) lits = {&e.literal, &e.literal2};
      if (e.kind == Expr::Kind::in)
        for (const auto& v : e.list) lits.push_back(&v);
      for (const Value* v : lits) {
        if (t == QType::instant)
          p.times.push_back(time_literal(*v));
        else
          p.strs.push_back(text_literal(*v));
      }
      return p;
    }
    case Expr::Kind::like: {
      if (t != QType::text && t != QType::multi_text && t != QType::any_text)
        bad_filter("LIKE applies to text properties only.");
      const std::string pat = text_literal(e.literal);
      p.strs.push_back(pat);
      p.pattern = decode(t == QType::any_text ? text::normalize(pat) : ascii_lower(pat));
      return p;
    }
    default:
      bad_filter("A filter has an operator that records do not support.");
  }
}

void text_values(const catalog::Record& r, Queryable q, std::vector<std::string_view>& out) {
  switch (q) {
    case Queryable::title:
      out.push_back(r.title);
      break;
    case Queryable::abstract:
      out.push_back(r.abstract);
      break;
    case Queryable::subject:
      for (const auto& k : r.keywords) out.push_back(k);
      if (!r.topic.empty()) out.push_back(r.topic);
      break;
    case Queryable::type:
      out.push_back(r.type);
      break;
    case Queryable::format:
      for (const auto& f : r.formats) out.push_back(f);
      break;
    case Queryable::identifier:
      out.push_back(r.id);
      break;
    case Queryable::publisher:
      out.push_back(r.publisher);
      break;
    case Queryable::licence:
      out.push_back(r.licence);
      break;
    case Queryable::language:
      out.push_back(r.language);
      break;
    case Queryable::crs:
      out.push_back(r.crs);
      break;
    case Queryable::kind:
      out.push_back(r.kind);
      break;
    case Queryable::access:
      out.push_back(r.access);
      break;
    case Queryable::state:
      out.push_back(catalog::to_string(r.state));
      break;
    case Queryable::source:
      out.push_back(r.source_id);
      break;
    default:
      break;
  }
}

std::string any_text_of(const Doc& d) {
  const auto& r = d.record;
  std::string s = r.title + "\n" + r.abstract + "\n" + r.topic + "\n" + r.publisher;
  for (const auto& k : r.keywords) s += "\n" + k;
  for (const auto& f : r.fields) s += "\n" + f.substr(0, f.find(':'));
  for (const auto& p : d.places) s += "\n" + p;
  return text::normalize(s);
}

bool compare_str(std::string_view a, CompareOp op, std::string_view b) {
  const int c = a.compare(b);
  switch (op) {
    case CompareOp::eq:
      return c == 0;
    case CompareOp::ne:
      return c != 0;
    case CompareOp::lt:
      return c < 0;
    case CompareOp::le:
      return c <= 0;
    case CompareOp::gt:
      return c > 0;
    case CompareOp::ge:
      return c >= 0;
  }
  return false;
}

bool compare_time(std::int64_t v, CompareOp op, std::pair<std::int64_t, std::int64_t> lit) {
  switch (op) {
    case CompareOp::eq:
      return lit.first <= v && v <= lit.second;
    case CompareOp::ne:
      return v < lit.first || v > lit.second;
    case CompareOp::lt:
      return v < lit.first;
    case CompareOp::le:
      return v <= lit.second;
    case CompareOp::gt:
      return v > lit.second;
    case CompareOp::ge:
      return v >= lit.first;
  }
  return false;
}

bool eval(const Pred& p, const Doc& d) {
  const catalog::Record& r = d.record;
  switch (p.kind) {
    case Expr::Kind::and_:
      for (const auto& c : p.children)
        if (!eval(c, d)) return false;
      return true;
    case Expr::Kind::or_:
      for (const auto& c : p.children)
        if (eval(c, d)) return true;
      return false;
    case Expr::Kind::not_:
      return !eval(p.children[0], d);
    case Expr::Kind::literal_bool:
      return p.value;
    case Expr::Kind::bbox:
    case Expr::Kind::geometry:
      return r.extent && r.extent->intersects(p.envelope);
    case Expr::Kind::time:
      if (p.q == Queryable::time) return r.time_extent && r.time_extent->overlaps(p.interval);
      return p.interval.contains(p.q == Queryable::modified ? r.updated : r.created);
    default:
      break;
  }
  const QType t = type_of(p.q);
  if (p.kind == Expr::Kind::is_null) {
    if (t == QType::spatial) return !r.extent;
    if (t == QType::temporal) return !r.time_extent;
    if (t == QType::instant) return false;
    if (t == QType::any_text) return false;
    std::vector<std::string_view> vals;
    text_values(r, p.q, vals);
    for (auto v : vals)
      if (!v.empty()) return false;
    return true;
  }
  if (t == QType::instant) {
    const std::int64_t v = (p.q == Queryable::modified ? r.updated : r.created).micros;
    switch (p.kind) {
      case Expr::Kind::compare:
        return compare_time(v, p.op, p.times[0]);
      case Expr::Kind::between:
        return p.times[0].first <= v && v <= p.times[1].second;
      case Expr::Kind::in:
        for (const auto& lit : p.times)
          if (lit.first <= v && v <= lit.second) return true;
        return false;
      default:
        return false;
    }
  }
  if (t == QType::any_text) {
    const std::string all = any_text_of(d);
    if (p.kind == Expr::Kind::like) return like_match(decode(all), p.pattern);
    // Equality with every indexed text means "contains the words" here, as in the index path.
    auto contains = [&](const std::string& s) {
      return all.find(text::normalize(s)) != std::string::npos;
    };
    switch (p.kind) {
      case Expr::Kind::compare:
        return p.op == CompareOp::ne ? !contains(p.strs[0])
                                     : p.op == CompareOp::eq && contains(p.strs[0]);
      case Expr::Kind::in:
        for (const auto& s : p.strs)
          if (contains(s)) return true;
        return false;
      default:
        return false;
    }
  }
  std::vector<std::string_view> vals;
  text_values(r, p.q, vals);
  switch (p.kind) {
    case Expr::Kind::compare:
      if (p.op == CompareOp::ne) {
        for (auto v : vals)
          if (v == p.strs[0]) return false;
        return true;
      }
      for (auto v : vals)
        if (compare_str(v, p.op, p.strs[0])) return true;
      return false;
    case Expr::Kind::between:
      for (auto v : vals)
        if (v >= std::string_view(p.strs[0]) && v <= std::string_view(p.strs[1])) return true;
      return false;
    case Expr::Kind::in:
      for (auto v : vals)
        for (const auto& s : p.strs)
          if (v == s) return true;
      return false;
    case Expr::Kind::like:
      for (auto v : vals)
        if (like_match(decode(ascii_lower(v)), p.pattern)) return true;
      return false;
    default:
      return false;
  }
}

// A top-level AND member "AnyText LIKE '%words%'" or "AnyText = 'words'": the words go to the
// index instead of a scan. Returns the words' text, or nullopt.
std::optional<std::pair<std::string, bool>> index_words(const Pred& p) {
  if (p.q != Queryable::any_text) return std::nullopt;
  if (p.kind == Expr::Kind::compare && p.op == CompareOp::eq) return std::pair{p.strs[0], false};
  if (p.kind != Expr::Kind::like) return std::nullopt;
  std::string_view core = p.strs[0];
  while (!core.empty() && core.front() == '%') core.remove_prefix(1);
  while (!core.empty() && core.back() == '%') core.remove_suffix(1);
  if (core.empty() || core.find_first_of("%_") != std::string_view::npos) return std::nullopt;
  return std::pair{std::string(core), true};
}

// ---------------------------------------------------------------------------------------------
// Query plans.

struct WordPlan {
  std::vector<std::pair<std::uint32_t, double>> all_of;  // CJK: every bigram (term, weight)
  std::vector<std::pair<std::uint32_t, double>> any_of;  // Latin: exact, prefix or typo terms
  bool impossible = false;
};

std::vector<std::uint32_t> ordinals_of(const Term& t) {
  std::vector<std::uint32_t> out;
  out.reserve(t.postings.size());
  for (const auto& p : t.postings) out.push_back(p.doc);
  return out;
}

void intersect_with(std::vector<std::uint32_t>& cur, const Term& t) {
  std::vector<std::uint32_t> out;
  const auto& ps = t.postings;
  if (cur.size() * 16 < ps.size()) {
    auto it = ps.begin();
    for (auto d : cur) {
      it = std::lower_bound(it, ps.end(), d,
                            [](const Posting& p, std::uint32_t v) { return p.doc < v; });
      if (it == ps.end()) break;
      if (it->doc == d) out.push_back(d);
    }
  } else {
    std::size_t i = 0, j = 0;
    while (i < cur.size() && j < ps.size()) {
      if (cur[i] < ps[j].doc)
        ++i;
      else if (ps[j].doc < cur[i])
        ++j;
      else {
        out.push_back(cur[i]);
        ++i;
        ++j;
      }
    }
  }
  cur.swap(out);
}

std::vector<std::uint32_t> intersect(const std::vector<std::uint32_t>& a,
                                     const std::vector<std::uint32_t>& b) {
  std::vector<std::uint32_t> out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

const Posting* find_posting(const Term& t, std::uint32_t doc) {
  auto it = std::lower_bound(t.postings.begin(), t.postings.end(), doc,
                             [](const Posting& p, std::uint32_t v) { return p.doc < v; });
  return it != t.postings.end() && it->doc == doc ? &*it : nullptr;
}

bool has_value(const std::vector<std::uint32_t>& wanted, std::uint32_t v) {
  return std::find(wanted.begin(), wanted.end(), v) != wanted.end();
}

// Overlap of two time extents over their union (open ends: one half when they overlap), over
// the time columns (open ends as the extremes).
double overlap_ratio(std::int64_t a0, std::int64_t a1, std::int64_t b0, std::int64_t b1) {
  if (a0 > b1 || b0 > a1) return 0;
  if (a0 == INT64_MIN || a1 == INT64_MAX || b0 == INT64_MIN || b1 == INT64_MAX) return 0.5;
  const double lo = static_cast<double>(std::max(a0, b0));
  const double hi = static_cast<double>(std::min(a1, b1));
  const double ulo = static_cast<double>(std::min(a0, b0));
  const double uhi = static_cast<double>(std::max(a1, b1));
  if (uhi <= ulo) return 1.0;
  return std::max(0.0, hi - lo) / (uhi - ulo);
}

double iou(const Envelope& a, const Envelope& b) {
  if (!a.intersects(b)) return 0;
  const double ix = std::min(a.max_x, b.max_x) - std::max(a.min_x, b.min_x);
  const double iy = std::min(a.max_y, b.max_y) - std::max(a.min_y, b.min_y);
  const double inter = ix * iy;
  const double area_a = (a.max_x - a.min_x) * (a.max_y - a.min_y);
  const double area_b = (b.max_x - b.min_x) * (b.max_y - b.min_y);
  const double uni = area_a + area_b - inter;
  if (uni <= 0) return 1.0;  // two equal points or lines
  return inter / uni;
}

struct Core {
  catalog::CatalogService& catalog;
  mutable std::shared_mutex mu;
  std::unique_ptr<Index> index = std::make_unique<Index>();
  std::map<std::string, storage::UsageTotals, std::less<>> usage;
  std::unordered_map<std::string, std::vector<std::pair<std::string, std::int64_t>>> together;

  // Changes that arrive while a full build reads the catalog are replayed onto the new index.
  std::mutex pending_mu;
  bool building = false;
  std::vector<std::pair<std::string, std::optional<catalog::Record>>> pending;

  explicit Core(catalog::CatalogService& c) : catalog(c) {}

  // Under the unique lock.
  void apply(Index& ix, std::string_view id, const catalog::Record* rec) {
    auto it = ix.by_id.find(std::string(id));
    if (it != ix.by_id.end()) ix.remove(it->second);
    if (rec) ix.add(*rec, usage_of(usage, *rec));
    // Tombstones cost memory and time: rebuild from the live documents once they are many.
    if (ix.dead() > 1024 && ix.dead() > ix.live / 4) {
      auto fresh = std::make_unique<Index>();
      const auto t0 = std::chrono::steady_clock::now();
      for (auto& d : ix.docs)
        if (d.alive) fresh->add(std::move(d.record), d.usage);
      fresh->build_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      index = std::move(fresh);
    }
  }

  void on_change(std::string_view id, const catalog::Record* rec) {
    {
      std::lock_guard g(pending_mu);
      if (building) pending.emplace_back(std::string(id), rec ? std::optional(*rec) : std::nullopt);
    }
    std::unique_lock lock(mu);
    apply(*index, id, rec);
  }

  void rebuild() {
    {
      std::lock_guard g(pending_mu);
      building = true;
      pending.clear();
    }
    std::vector<catalog::Record> records = catalog.all();
    std::map<std::string, storage::UsageTotals, std::less<>> totals;
    {
      std::shared_lock lock(mu);
      totals = usage;
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto fresh = std::make_unique<Index>();
    for (auto& r : records) {
      const auto u = usage_of(totals, r);
      fresh->add(std::move(r), u);
    }
    fresh->build_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::unique_lock lock(mu);
    std::vector<std::pair<std::string, std::optional<catalog::Record>>> replay;
    {
      std::lock_guard g(pending_mu);
      building = false;
      replay.swap(pending);
    }
    index = std::move(fresh);
    for (auto& [id, rec] : replay) apply(*index, id, rec ? &*rec : nullptr);
  }
};

}  // namespace

struct SearchService::Impl {
  std::shared_ptr<Core> core;
};

SearchService::SearchService(catalog::CatalogService& catalog) : impl_(std::make_unique<Impl>()) {
  impl_->core = std::make_shared<Core>(catalog);
  std::weak_ptr<Core> weak = impl_->core;
  catalog.add_listener([weak](std::string_view id, const catalog::Record* record) {
    if (auto core = weak.lock()) core->on_change(id, record);
  });
  refresh_popularity();
  rebuild();
}

SearchService::~SearchService() = default;

void SearchService::rebuild() {
  impl_->core->rebuild();
}

void SearchService::refresh_popularity() {
  Core& c = *impl_->core;
  auto totals = c.catalog.usage_totals();
  auto pairs = c.catalog.used_together();
  std::unordered_map<std::string, std::vector<std::pair<std::string, std::int64_t>>> together;
  for (const auto& [pair, n] : pairs) {
    if (n <= 0) continue;
    together[pair.first].emplace_back(pair.second, n);
    together[pair.second].emplace_back(pair.first, n);
  }
  std::unique_lock lock(c.mu);
  c.usage = std::move(totals);
  c.together = std::move(together);
  for (auto& d : c.index->docs) {
    if (!d.alive) continue;
    d.usage = usage_of(c.usage, d.record);
    d.popularity = popularity_of(d.usage);
  }
}

std::vector<std::string> SearchService::places_in(const Envelope& extent) const {
  std::vector<std::string> out;
  if (extent.empty()) return out;
  for (const Place* p : places_for(extent)) {
    out.emplace_back(p->name_zh);
    out.emplace_back(p->name_en);
  }
  return out;
}

IndexStats SearchService::stats() const {
  const Core& c = *impl_->core;
  std::shared_lock lock(c.mu);
  const Index& ix = *c.index;
  IndexStats s;
  s.records = ix.live;
  for (const auto& t : ix.terms)
    if (t.live_df > 0) ++s.terms;
  s.postings = ix.postings;
  s.memory_bytes = ix.memory_bytes();
  s.build_seconds = ix.build_seconds;
  return s;
}

SearchResult SearchService::search(const SearchQuery& query) const {
  const Core& c = *impl_->core;

  // Facet names and the filter are checked before anything is looked up.
  std::vector<int> facet_kinds;
  for (const auto& name : query.facets) {
    auto it = std::find(kFacetNames.begin(), kFacetNames.end(), name);
    if (it == kFacetNames.end())
      throw InvalidInput("invalid-facet", "There is no facet called \"" + name + "\".", "facets");
    const int k = static_cast<int>(it - kFacetNames.begin());
    if (std::find(facet_kinds.begin(), facet_kinds.end(), k) == facet_kinds.end())
      facet_kinds.push_back(k);
  }
  std::vector<std::pair<std::string, bool>> filter_words;  // (text, prefix allowed)
  std::vector<Pred> preds;
  if (query.filter) {
    Pred root = prepare(*query.filter);
    std::vector<Pred> members;
    if (root.kind == Expr::Kind::and_)
      members = std::move(root.children);
    else
      members.push_back(std::move(root));
    for (auto& m : members) {
      if (auto w = index_words(m))
        filter_words.push_back(*w);
      else if (!(m.kind == Expr::Kind::literal_bool && m.value))
        preds.push_back(std::move(m));
    }
  }

  // Query words: generic words dropped, generic endings of Chinese words cut.
  struct QWord {
    std::string text;
    bool prefix;  // may match as a prefix (the last word of q, LIKE words)
    bool typo;
  };
  std::vector<QWord> qwords;
  auto add_words = [&](std::string_view s, bool prefix_last, bool prefix_all, bool typo) {
    std::vector<std::string> ws;
    for (auto& w : text::query_words(s)) {
      if (is_generic(w)) continue;
      for (bool cut = true; cut;) {
        cut = false;
        for (std::string_view g : {"数据集", "数据", "信息"}) {
          if (w.size() > g.size() && w.ends_with(g)) {
            w.erase(w.size() - g.size());
            cut = true;
          }
        }
      }
      ws.push_back(std::move(w));
    }
    for (std::size_t i = 0; i < ws.size(); ++i)
      qwords.push_back({ws[i], prefix_all || (prefix_last && i + 1 == ws.size()), typo});
  };
  add_words(query.text, true, false, true);
  for (const auto& [w, like] : filter_words) add_words(w, false, like, false);

  // Resolved facet filters (normalised value match).
  struct FacetFilter {
    int kind;
    std::vector<std::uint32_t> ids;
  };

  SearchResult result;
  for (int k : facet_kinds) result.facets[std::string(kFacetNames[k])];

  std::shared_lock lock(c.mu);
  const Index& ix = *c.index;

  std::vector<FacetFilter> facet_filters;
  bool impossible = false;
  auto resolve = [&](int kind, const std::vector<std::string>& values) {
    if (values.empty()) return;
    FacetFilter f{kind, {}};
    for (const auto& v : values) {
      auto it = ix.facets[kind].by_normal.find(text::normalize(v));
      if (it != ix.facets[kind].by_normal.end())
        f.ids.insert(f.ids.end(), it->second.begin(), it->second.end());
    }
    if (f.ids.empty()) impossible = true;
    facet_filters.push_back(std::move(f));
  };
  resolve(fk_topic, query.topics);
  resolve(fk_keyword, query.keywords);
  resolve(fk_format, query.formats);
  resolve(fk_publisher, query.publishers);
  resolve(fk_licence, query.licences);
  resolve(fk_kind, query.kinds);
  resolve(fk_type, query.types);
  resolve(fk_access, query.access_levels);
  resolve(fk_state, query.states);
  resolve(fk_source, query.sources);

  // Word plans.
  std::vector<WordPlan> plans;
  std::vector<std::string> corrected;
  for (const QWord& qw : qwords) {
    const std::vector<text::Token> toks = text::tokenize(qw.text);
    if (toks.empty()) continue;
    WordPlan cjk;
    for (const auto& tok : toks) {
      auto it = ix.term_ids.find(tok.term);
      const bool present = it != ix.term_ids.end() && ix.terms[it->second].live_df > 0;
      if (tok.cjk) {
        if (!present) {
          cjk.impossible = true;
          continue;
        }
        const bool unigram = decode(tok.term).size() == 1;
        cjk.all_of.emplace_back(it->second, unigram ? kWeightUnigram : kWeightExact);
        continue;
      }
      WordPlan w;
      if (present) w.any_of.emplace_back(it->second, kWeightExact);
      const std::u32string raw = decode(toks.size() == 1 ? qw.text : tok.term);
      if (qw.prefix && letters_in(raw) >= 3) {
        for (const std::string& pre : {encode(raw), tok.term}) {
          for (auto p = ix.latin.lower_bound(pre);
               p != ix.latin.end() && p->first.starts_with(pre) && w.any_of.size() < kMaxExpansions;
               ++p) {
            if (ix.terms[p->second].live_df == 0) continue;
            bool dup = false;
            for (const auto& a : w.any_of) dup = dup || a.first == p->second;
            if (!dup) w.any_of.emplace_back(p->second, kWeightPrefix);
          }
        }
      }
      if (w.any_of.empty() && qw.typo && raw.size() >= 5 && letters_in(raw) > 0) {
        const std::u32string stem = decode(tok.term);
        std::vector<std::uint32_t> cands;
        for (const auto* form : {&raw, &stem})
          for (const auto& f : deletion_forms(*form)) {
            auto t = ix.typo_forms.find(f);
            if (t != ix.typo_forms.end())
              cands.insert(cands.end(), t->second.begin(), t->second.end());
          }
        std::sort(cands.begin(), cands.end());
        cands.erase(std::unique(cands.begin(), cands.end()), cands.end());
        for (auto t : cands) {
          const Term& term = ix.terms[t];
          if (term.live_df == 0) continue;
          const std::u32string tt = decode(term.text);
          if (within_one_edit(tt, stem) || within_one_edit(tt, raw)) {
            w.any_of.emplace_back(t, kWeightTypo);
            corrected.push_back(term.text);
          }
        }
      }
      if (w.any_of.empty()) w.impossible = true;
      plans.push_back(std::move(w));
    }
    if (!cjk.all_of.empty() || cjk.impossible) plans.push_back(std::move(cjk));
  }
  for (const auto& p : plans) impossible = impossible || p.impossible;

  // Candidates: the documents every word reaches.
  std::vector<std::uint32_t> cands;
  bool all_docs = false;
  if (!impossible && !plans.empty()) {
    std::vector<std::vector<std::uint32_t>> sets;
    for (const auto& p : plans) {
      std::vector<std::uint32_t> s;
      if (!p.all_of.empty()) {
        auto terms = p.all_of;
        std::sort(terms.begin(), terms.end(), [&](auto& a, auto& b) {
          return ix.terms[a.first].postings.size() < ix.terms[b.first].postings.size();
        });
        s = ordinals_of(ix.terms[terms[0].first]);
        for (std::size_t i = 1; i < terms.size() && !s.empty(); ++i)
          intersect_with(s, ix.terms[terms[i].first]);
      } else {
        for (const auto& [t, w] : p.any_of) {
          const auto& ps = ix.terms[t].postings;
          for (const auto& po : ps) s.push_back(po.doc);
        }
        if (p.any_of.size() > 1) {
          std::sort(s.begin(), s.end());
          s.erase(std::unique(s.begin(), s.end()), s.end());
        }
      }
      sets.push_back(std::move(s));
    }
    std::sort(sets.begin(), sets.end(), [](auto& a, auto& b) { return a.size() < b.size(); });
    cands = std::move(sets[0]);
    for (std::size_t i = 1; i < sets.size() && !cands.empty(); ++i)
      cands = intersect(cands, sets[i]);
  } else if (!impossible) {
    all_docs = true;
  }
  if (!query.ids.empty() || !query.external_ids.empty()) {
    std::vector<std::uint32_t> wanted;
    for (const auto& id : query.ids) {
      auto it = ix.by_id.find(id);
      if (it != ix.by_id.end()) wanted.push_back(it->second);
    }
    if (!query.external_ids.empty()) {
      std::unordered_set<std::string_view> ext(query.external_ids.begin(),
                                               query.external_ids.end());
      std::vector<std::uint32_t> by_ext;
      for (std::uint32_t o = 0; o < ix.docs.size(); ++o)
        if (ix.docs[o].alive && ext.count(ix.docs[o].record.external_id)) by_ext.push_back(o);
      if (query.ids.empty())
        wanted = std::move(by_ext);
      else {
        std::sort(wanted.begin(), wanted.end());
        wanted = intersect(wanted, by_ext);
      }
    }
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    cands = all_docs ? std::move(wanted) : intersect(cands, wanted);
    all_docs = false;
  }

  // Filters, then visibility, on each candidate.
  std::vector<std::uint32_t> matches;
  const std::int64_t q_start =
      query.time && query.time->start ? query.time->start->micros : INT64_MIN;
  const std::int64_t q_end = query.time && query.time->end ? query.time->end->micros : INT64_MAX;
  auto passes = [&](std::uint32_t o) {
    // Columns first: a bbox or time filter over every record stays in a few megabytes.
    if (!ix.alive[o]) return false;
    if (query.bbox) {
      const Envelope& e = ix.extents[o];
      if (e.empty()) return false;
      if (query.bbox_relation == BboxRelation::within ? !query.bbox->contains(e)
                                                      : !query.bbox->intersects(e))
        return false;
    }
    if (query.time && (!ix.has_time[o] || ix.time_start[o] > q_end || q_start > ix.time_end[o]))
      return false;
    const Doc& d = ix.docs[o];
    for (const auto& f : facet_filters) {
      bool ok = false;
      if (f.kind == fk_keyword) {
        for (auto v : d.keywords) ok = ok || has_value(f.ids, v);
      } else if (f.kind == fk_format) {
        for (auto v : d.formats) ok = ok || has_value(f.ids, v);
      } else {
        ok = d.single[f.kind] != kNone && has_value(f.ids, d.single[f.kind]);
      }
      if (!ok) return false;
    }
    for (const auto& p : preds)
      if (!eval(p, d)) return false;
    return !query.visible || query.visible(d.record);
  };
  if (all_docs && !facet_filters.empty()) {
    // No words: start from the documents of the most selective facet filter.
    std::size_t best = 0, best_size = SIZE_MAX;
    for (std::size_t i = 0; i < facet_filters.size(); ++i) {
      std::size_t n = 0;
      for (auto v : facet_filters[i].ids)
        if (v < ix.facet_docs[facet_filters[i].kind].size())
          n += ix.facet_docs[facet_filters[i].kind][v].size();
      if (n < best_size) {
        best = i;
        best_size = n;
      }
    }
    const auto& lists = ix.facet_docs[facet_filters[best].kind];
    for (auto v : facet_filters[best].ids)
      if (v < lists.size()) cands.insert(cands.end(), lists[v].begin(), lists[v].end());
    std::sort(cands.begin(), cands.end());
    cands.erase(std::unique(cands.begin(), cands.end()), cands.end());
    all_docs = false;
  }
  if (!impossible) {
    if (all_docs) {
      for (std::uint32_t o = 0; o < ix.docs.size(); ++o)
        if (passes(o)) matches.push_back(o);
    } else {
      for (auto o : cands)
        if (passes(o)) matches.push_back(o);
    }
  }
  result.total = static_cast<std::int64_t>(matches.size());

  // Scores (BM25F over the word plans' terms, times popularity).
  std::vector<double> scores(matches.size(), 0.0);
  if (!plans.empty() && !matches.empty()) {
    const double n = static_cast<double>(std::max<std::size_t>(ix.live, 1));
    std::array<double, kFields> avg{};
    for (int f = 0; f < kFields; ++f) avg[f] = ix.avg_len(f);
    for (const auto& p : plans) {
      for (const auto* list : {&p.all_of, &p.any_of}) {
        for (const auto& [t, term_weight] : *list) {
          const double weight = term_weight;  // a lambda may not capture a structured binding
          const Term& term = ix.terms[t];
          const double df = term.live_df;
          const double idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
          auto add = [&](std::size_t i, const Posting& po) {
            const Doc& d = ix.docs[po.doc];
            double tf = 0;
            for (int f = 0; f < kFields; ++f)
              if (po.tf[f]) tf += kBoost[f] * po.tf[f] / (1.0 - kB + kB * d.len[f] / avg[f]);
            scores[i] += weight * idf * tf * (kK1 + 1.0) / (kK1 + tf);
          };
          const auto& ps = term.postings;
          if (matches.size() * 16 < ps.size()) {
            // Few matches, a long list: look each match up.
            auto it = ps.begin();
            for (std::size_t i = 0; i < matches.size() && it != ps.end(); ++i) {
              it = std::lower_bound(it, ps.end(), matches[i],
                                    [](const Posting& x, std::uint32_t v) { return x.doc < v; });
              if (it != ps.end() && it->doc == matches[i]) add(i, *it);
            }
          } else {
            std::size_t i = 0;
            for (const auto& po : ps) {
              while (i < matches.size() && matches[i] < po.doc) ++i;
              if (i == matches.size()) break;
              if (matches[i] == po.doc) add(i, po);
            }
          }
        }
      }
    }
    for (std::size_t i = 0; i < matches.size(); ++i) scores[i] *= ix.docs[matches[i]].popularity;
  }

  // Facets over every match.
  for (int k : facet_kinds) {
    std::vector<std::int64_t> counts(ix.facets[k].values.size(), 0);
    for (auto o : matches) {
      const Doc& d = ix.docs[o];
      if (k == fk_keyword)
        for (auto v : d.keywords) ++counts[v];
      else if (k == fk_format)
        for (auto v : d.formats) ++counts[v];
      else if (d.single[k] != kNone)
        ++counts[d.single[k]];
    }
    std::vector<FacetCount> fc;
    for (std::size_t v = 0; v < counts.size(); ++v)
      if (counts[v] > 0) fc.push_back({ix.facets[k].values[v], counts[v]});
    std::sort(fc.begin(), fc.end(), [](const FacetCount& a, const FacetCount& b) {
      return a.count != b.count ? a.count > b.count : a.value < b.value;
    });
    if (fc.size() > query.facet_limit) fc.resize(query.facet_limit);
    result.facets[std::string(kFacetNames[k])] = std::move(fc);
  }

  // Order and page.
  SortOrder sort = query.sort;
  if (sort == SortOrder::relevance && plans.empty()) sort = SortOrder::newest;
  std::vector<std::uint32_t> order(matches.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  auto less = [&](std::uint32_t a, std::uint32_t b) {
    const Doc& da = ix.docs[matches[a]];
    const Doc& db = ix.docs[matches[b]];
    switch (sort) {
      case SortOrder::relevance:
        if (scores[a] != scores[b]) return scores[a] > scores[b];
        if (da.usage != db.usage) return da.usage > db.usage;
        if (da.updated != db.updated) return da.updated > db.updated;
        break;
      case SortOrder::newest:
        if (da.updated != db.updated) return da.updated > db.updated;
        break;
      case SortOrder::most_used:
        if (da.usage != db.usage) return da.usage > db.usage;
        if (da.updated != db.updated) return da.updated > db.updated;
        break;
      case SortOrder::title:
        if (int cmp = da.record.title.compare(db.record.title); cmp != 0) return cmp < 0;
        break;
    }
    return da.record.id < db.record.id;
  };
  const std::size_t end = query.offset >= order.size()
                              ? 0
                              : query.offset + std::min(query.limit, order.size() - query.offset);
  if (query.offset < end) {
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(end), order.end(),
                      less);
    for (std::size_t k = query.offset; k < end; ++k) {
      const std::uint32_t o = matches[order[k]];
      SearchHit h;
      h.id = ix.docs[o].record.id;
      h.score = scores[order[k]];
      for (const auto& p : plans)
        for (const auto* list : {&p.all_of, &p.any_of})
          for (const auto& [t, w] : *list)
            if (find_posting(ix.terms[t], o) &&
                std::find(h.matched_terms.begin(), h.matched_terms.end(), ix.terms[t].text) ==
                    h.matched_terms.end())
              h.matched_terms.push_back(ix.terms[t].text);
      result.hits.push_back(std::move(h));
    }
  }
  if (result.total > 0) {
    std::sort(corrected.begin(), corrected.end());
    corrected.erase(std::unique(corrected.begin(), corrected.end()), corrected.end());
    result.corrected_terms = std::move(corrected);
  }
  return result;
}

std::vector<std::string> SearchService::suggest(
    std::string_view prefix, std::size_t limit,
    const std::function<bool(const catalog::Record&)>& visible) const {
  std::vector<std::string> out;
  const std::string key = text::normalize(prefix);
  if (key.empty() || limit == 0) return out;
  const Core& c = *impl_->core;
  std::shared_lock lock(c.mu);
  const Index& ix = *c.index;
  std::vector<std::uint32_t> entries;
  for (auto it = ix.suggest_keys.lower_bound(key);
       it != ix.suggest_keys.end() && it->first.starts_with(key); ++it)
    if (ix.suggestions[it->second].live > 0) entries.push_back(it->second);
  std::sort(entries.begin(), entries.end(), [&](std::uint32_t a, std::uint32_t b) {
    const auto& ea = ix.suggestions[a];
    const auto& eb = ix.suggestions[b];
    return ea.live != eb.live ? ea.live > eb.live : ea.display < eb.display;
  });
  std::unordered_map<std::uint32_t, bool> seen;
  for (auto e : entries) {
    bool any = false;
    for (auto o : ix.suggestions[e].docs) {
      const Doc& d = ix.docs[o];
      if (!d.alive) continue;
      auto [it, added] = seen.try_emplace(o, true);
      if (added) it->second = !visible || visible(d.record);
      if (it->second) {
        any = true;
        break;
      }
    }
    if (!any) continue;
    const std::string& display = ix.suggestions[e].display;
    if (std::find(out.begin(), out.end(), display) == out.end()) out.push_back(display);
    if (out.size() >= limit) break;
  }
  return out;
}

std::vector<FacetCount> SearchService::tag_cloud(
    std::size_t limit, const std::function<bool(const catalog::Record&)>& visible) const {
  const Core& c = *impl_->core;
  std::shared_lock lock(c.mu);
  const Index& ix = *c.index;
  std::vector<std::int64_t> counts(ix.subjects.values.size(), 0);
  for (const auto& d : ix.docs) {
    if (!d.alive || d.subjects.empty()) continue;
    if (visible && !visible(d.record)) continue;
    for (auto s : d.subjects) ++counts[s];
  }
  // The subject dictionary holds normalised forms; show the first form as written.
  std::vector<std::string> display(ix.subjects.values.size());
  for (int k : {fk_keyword, fk_topic}) {
    const FacetDict& fd = ix.facets[k];
    for (std::size_t v = 0; v < fd.subject.size(); ++v)
      if (fd.subject[v] != kNone && display[fd.subject[v]].empty())
        display[fd.subject[v]] = fd.values[v];
  }
  std::vector<FacetCount> out;
  for (std::size_t s = 0; s < counts.size(); ++s)
    if (counts[s] > 0)
      out.push_back({display[s].empty() ? ix.subjects.values[s] : display[s], counts[s]});
  std::sort(out.begin(), out.end(), [](const FacetCount& a, const FacetCount& b) {
    return a.count != b.count ? a.count > b.count : a.value < b.value;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

std::vector<SearchHit> SearchService::related(
    std::string_view id, std::size_t limit,
    const std::function<bool(const catalog::Record&)>& visible) const {
  std::vector<SearchHit> out;
  const Core& c = *impl_->core;
  std::shared_lock lock(c.mu);
  const Index& ix = *c.index;
  auto it = ix.by_id.find(std::string(id));
  if (it == ix.by_id.end() || limit == 0) return out;
  const Doc& x = ix.docs[it->second];
  const std::string& xd = x.record.dataset_id.empty() ? x.record.id : x.record.dataset_id;
  const std::uint32_t xo = it->second;
  // Used together: partners by ordinal, normalised by x's most frequent pair.
  std::unordered_map<std::uint32_t, double> together;
  if (auto t = c.together.find(xd); t != c.together.end()) {
    std::int64_t top = 0;
    for (const auto& [other, n] : t->second) top = std::max(top, n);
    for (const auto& [other, n] : t->second)
      if (auto o = ix.by_id.find(other); o != ix.by_id.end())
        together[o->second] = static_cast<double>(n) / static_cast<double>(top);
  }
  // Shared subjects counted through the subject lists; the rest from the columns.
  std::vector<std::uint16_t> common(ix.docs.size(), 0);
  for (auto sj : x.subjects)
    for (auto o : ix.subject_docs[sj]) ++common[o];
  const Envelope& xe = ix.extents[xo];
  const bool x_time = ix.has_time[xo] != 0;
  std::vector<std::pair<double, std::uint32_t>> scored;
  for (std::uint32_t o = 0; o < ix.docs.size(); ++o) {
    if (!ix.alive[o] || o == xo) continue;
    double s = 0;
    if (common[o] > 0)
      s += 3.0 * common[o] /
           static_cast<double>(x.subjects.size() + ix.subject_count[o] - common[o]);
    if (!xe.empty() && !ix.extents[o].empty()) s += 2.0 * iou(xe, ix.extents[o]);
    if (x_time && ix.has_time[o])
      s += overlap_ratio(ix.time_start[xo], ix.time_end[xo], ix.time_start[o], ix.time_end[o]);
    if (!together.empty())
      if (auto t = together.find(o); t != together.end()) s += 2.0 * t->second;
    if (s > 0) scored.emplace_back(s, o);
  }
  auto better = [&](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first
                              : ix.docs[a.second].record.id < ix.docs[b.second].record.id;
  };
  // The best few in order first; the rest only when hidden records leave the page short.
  const std::size_t first = std::min(scored.size(), limit * 4 + 16);
  std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(first),
                    scored.end(), better);
  for (std::size_t i = 0; i < scored.size() && out.size() < limit; ++i) {
    if (i == first)
      std::sort(scored.begin() + static_cast<std::ptrdiff_t>(first), scored.end(), better);
    const auto o = scored[i].second;
    if (visible && !visible(ix.docs[o].record)) continue;
    out.push_back(SearchHit{ix.docs[o].record.id, scored[i].first, {}});
  }
  return out;
}

}  // namespace shikong::search
