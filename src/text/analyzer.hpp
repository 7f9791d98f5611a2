// Text analysis for the search engine: Unicode normalisation (NFKC, case folding, full-width to
// half-width), segmentation of Chinese/Japanese/Korean into overlapping character bigrams plus a
// unigram for every character, Latin words lower-cased and stemmed (English), digits kept whole.
// The only ICU user.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shikong::text {

// One indexed term. A run of CJK characters (Han, Hiragana, Katakana, Hangul) c1 c2 ... cn gives,
// for every character ci in order: the unigram ci (unigram = true, prefix_ok = false), then the
// bigram ci ci+1 when i < n. Both share the position of ci, so positions count characters inside
// a CJK run. Unigrams exist so that a one-character query word matches; weight them low.
// Every other run of letters and digits is one token: a word of lower-case ASCII letters is
// stemmed (stem_english), a number or a word with digits or non-ASCII letters is kept whole
// ("1.5" and "3,000" stay one number: '.' and ',' between digits do not split; an apostrophe
// between letters does not split either, "o'brien", and a possessive 's is dropped: "roche's"
// -> "roch").
struct Token {
  std::string term;            // the indexed form: stemmed Latin word, CJK bigram/unigram, number
  std::uint32_t position = 0;  // ordinal of the token in the text (for phrase-like proximity)
  bool cjk = false;            // from a run of Han/Kana/Hangul characters
  bool prefix_ok = true;       // false for CJK unigrams (a prefix of one character is noise)
  bool unigram = false;        // a single CJK character (low weight; matches 1-character words)
};

// NFKC + case fold; blanks collapsed to single spaces; trimmed.
std::string normalize(std::string_view text);

// Normalises the text and splits it into tokens. Stop words are not removed (titles are short),
// but punctuation is. Invalid UTF-8 is replaced by U+FFFD, never thrown on.
std::vector<Token> tokenize(std::string_view text);

// The English stem of a lower-case ASCII word (Porter's algorithm, step by step from its
// published description): "roads" -> "road", "running" -> "run", "stations" -> "station".
// Words of at most 2 or more than 64 letters, and anything not a-z, are returned unchanged.
std::string stem_english(std::string_view word);

// The unstemmed lower-case words and CJK runs of a text, for autocomplete: "北京市主要道路 Road
// map" -> {"北京市主要道路", "road", "map"}.
std::vector<std::string> words(std::string_view text);

// Query words: CJK runs split by ICU word segmentation (the word break iterator of locale zh),
// other runs split at blanks and punctuation as in tokenize(); normalised, lower-case, not stemmed.
// What ICU 72's dictionary gives (tested): 北京道路数据 -> 北京, 道路, 数据; 北京市道路 -> 北京市,
// 道路; 北京市主要道路 -> 北京市, 主要, 道路; 中国省级行政区 -> 中国, 省级, 行政, 区. Beware:
// 数据集 -> 数据, 集 (not one word) and 自行车 -> 自行, 车; one-character words do occur.
std::vector<std::string> query_words(std::string_view q);

// Levenshtein distance of two UTF-8 strings in code points, stopping early above `limit`
// (returns limit + 1 then). O(length * limit): only the band |i - j| <= limit is computed.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit);

}  // namespace shikong::text
