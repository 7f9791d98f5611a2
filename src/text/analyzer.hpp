// Text analysis for the search engine: Unicode normalisation (NFKC, case folding, full-width to
// half-width), segmentation of Chinese into overlapping character bigrams (and single
// characters for one-character runs), Latin words lower-cased and stemmed (English), digits kept
// whole. The only ICU user.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace shikong::text {

struct Token {
  std::string term;      // the indexed form: stemmed Latin word, CJK bigram or unigram, number
  std::uint32_t position = 0;  // ordinal of the token in the text (for phrase-like proximity)
  bool cjk = false;      // from a run of Han/Kana/Hangul characters
  bool prefix_ok = true; // false for CJK unigrams added only for one-character runs
};

// NFKC + case fold; blanks collapsed to single spaces; trimmed.
std::string normalize(std::string_view text);

// Splits normalised text into tokens. Stop words are not removed (titles are short), but
// punctuation is. Invalid UTF-8 is replaced, never thrown on.
std::vector<Token> tokenize(std::string_view text);

// The English stem of a lower-case ASCII word (Porter's algorithm, step by step from its
// published description): "roads" -> "road", "running" -> "run", "stations" -> "station".
std::string stem_english(std::string_view word);

// The unstemmed lower-case words and CJK runs of a text, for autocomplete: "北京市主要道路 Road
// map" -> {"北京市主要道路", "road", "map"}.
std::vector<std::string> words(std::string_view text);

// Query words: CJK runs split by ICU word segmentation (北京道路数据 -> 北京, 道路, 数据), other
// runs split at blanks and punctuation; normalised, lower-case, not stemmed.
std::vector<std::string> query_words(std::string_view q);

// Levenshtein distance of two UTF-8 strings in code points, stopping early above `limit`
// (returns limit + 1 then).
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit);

}  // namespace shikong::text
