// The search engine: an in-memory inverted index over the catalog's records (title, abstract,
// keywords, topic, publisher, field names and the place names of the extent, in Chinese and
// English), kept current by the catalog's change listener. Ranking is BM25F with field boosts
// (title over keywords over abstract) times a popularity factor from usage; filters, facets,
// sorting, paging, autocomplete, a tag cloud and related records.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog_service.hpp"
#include "catalog/record.hpp"
#include "core/envelope.hpp"
#include "core/expr.hpp"
#include "core/instant.hpp"

namespace shikong::search {

// Queryables of records for Expr filters (CSW, CQL): Expr::field holds one of these.
enum class Queryable : std::size_t {
  any_text,  // every indexed text (LIKE '%w%' and = use the index; other patterns scan)
  title,
  abstract,
  subject,  // keywords and topic
  type,     // dc:type
  format,
  identifier,  // record id
  modified,    // record updated (Instant)
  created,
  publisher,
  licence,
  language,
  crs,
  kind,
  access,
  state,
  source,  // harvest source id
  bbox,    // Expr::bbox / Expr::geometry envelope vs the record extent
  time     // Expr::time vs the record time extent
};
std::string_view to_string(Queryable q);

enum class BboxRelation { intersects, within };
enum class SortOrder { relevance, newest, most_used, title };

struct SearchQuery {
  std::string text;  // free text; empty: all records (relevance sort becomes newest)
  std::optional<Envelope> bbox;
  BboxRelation bbox_relation = BboxRelation::intersects;
  std::optional<Interval> time;  // overlaps the record's time extent
  // Facet filters: a record passes when it has one of the values (OR within, AND across).
  std::vector<std::string> topics, keywords, formats, publishers, licences, kinds, types,
      access_levels, states, sources;
  std::vector<std::string> ids;           // record ids
  std::vector<std::string> external_ids;  // identifiers at the source
  ExprPtr filter;                         // further conditions on Queryable fields; null = none
  SortOrder sort = SortOrder::relevance;
  std::size_t offset = 0;
  std::size_t limit = 10;
  // Facets to count over every match (before paging): "topic", "keyword", "format",
  // "publisher", "licence", "kind", "type", "access", "state", "source", "year".
  std::vector<std::string> facets;
  std::size_t facet_limit = 20;  // values per facet, most frequent first
  // Whether the caller may see a record; null: every record. Called only on candidates.
  std::function<bool(const catalog::Record&)> visible;
};

struct SearchHit {
  std::string id;
  double score = 0;
  std::vector<std::string> matched_terms;  // index terms that matched (for highlighting)
};
struct FacetCount {
  std::string value;
  std::int64_t count = 0;
};
struct SearchResult {
  std::int64_t total = 0;  // matches before paging
  std::vector<SearchHit> hits;
  std::map<std::string, std::vector<FacetCount>> facets;
  std::vector<std::string> corrected_terms;  // query words matched only through a typo
};

struct IndexStats {
  std::size_t records = 0;
  std::size_t terms = 0;
  std::size_t postings = 0;
  std::size_t memory_bytes = 0;  // an estimate of the index's heap use
  double build_seconds = 0;      // of the last full build
};

class SearchService {
 public:
  // Builds the index from catalog.all() and subscribes to its changes.
  explicit SearchService(catalog::CatalogService& catalog);
  ~SearchService();

  // Throws InvalidInput for a filter Expr on a queryable that has no meaning there.
  SearchResult search(const SearchQuery& query) const;
  // Completions of a prefix (≥ 1 character) among titles, keywords and place names, most
  // frequent first, each one a word or phrase as written.
  std::vector<std::string> suggest(
      std::string_view prefix, std::size_t limit,
      const std::function<bool(const catalog::Record&)>& visible) const;
  // Keywords and topics with their number of visible records, most frequent first.
  std::vector<FacetCount> tag_cloud(
      std::size_t limit, const std::function<bool(const catalog::Record&)>& visible) const;
  // Records related to `id`: shared keywords and topic, overlapping extent and time, and usage
  // together; best first, `id` itself excluded.
  std::vector<SearchHit> related(std::string_view id, std::size_t limit,
                                 const std::function<bool(const catalog::Record&)>& visible) const;
  // Re-reads usage totals for the popularity factor (the server calls it every minute).
  void refresh_popularity();
  // Place names (Chinese and English) the index attaches to an extent.
  std::vector<std::string> places_in(const Envelope& extent) const;
  IndexStats stats() const;
  // Rebuilds from catalog.all() (also the benchmark's build measurement).
  void rebuild();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shikong::search
