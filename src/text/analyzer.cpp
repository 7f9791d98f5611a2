// Text analysis with ICU: NFKC case folding, the split of normalised text into runs of CJK
// characters and runs of letters/digits, CJK bigrams and unigrams, ICU dictionary word
// segmentation of CJK query runs, and a bounded edit distance.
#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "text/analyzer.hpp"

namespace shikong::text {

namespace {

constexpr UChar32 replacement_char = 0xFFFD;

// Decodes the code point at `i` (advancing it); invalid sequences give U+FFFD.
UChar32 next_code_point(std::string_view s, std::size_t& i) {
  UChar32 c = 0;
  int32_t pos = static_cast<int32_t>(i);
  U8_NEXT(s.data(), pos, static_cast<int32_t>(s.size()), c);
  i = static_cast<std::size_t>(pos);
  return c < 0 ? replacement_char : c;
}

std::vector<UChar32> code_points(std::string_view s) {
  std::vector<UChar32> out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) out.push_back(next_code_point(s, i));
  return out;
}

bool is_blank(UChar32 c) {
  return u_isUWhiteSpace(c) || u_iscntrl(c);
}

// Characters written without spaces between words: indexed as bigrams, segmented by ICU's
// dictionary in queries. The iteration marks (々 〆 〇) and the prolonged sound mark (ー) have
// script Common but belong to the words around them.
bool is_cjk(UChar32 c) {
  if (c == 0x3005 || c == 0x3006 || c == 0x3007 || c == 0x30FC) return true;
  UErrorCode status = U_ZERO_ERROR;
  UScriptCode script = uscript_getScript(c, &status);
  if (U_FAILURE(status)) return false;
  return script == USCRIPT_HAN || script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA ||
         script == USCRIPT_HANGUL;
}

// Letters, digits and combining marks make words.
bool is_word_char(UChar32 c) {
  if (u_hasBinaryProperty(c, UCHAR_ALPHABETIC)) return true;
  return (U_GET_GC_MASK(c) & (U_GC_N_MASK | U_GC_M_MASK)) != 0;
}

bool is_ascii_digit(UChar32 c) {
  return c >= '0' && c <= '9';
}

enum class RunKind { word, cjk };

// Calls on_run(text, kind) for each maximal run of CJK characters and each maximal run of word
// characters of normalised text; everything else separates runs. A '.' or ',' between two ASCII
// digits stays inside a number ("1.5", "3,000"); an apostrophe between letters inside a word,
// and a possessive 's is dropped.
template <class OnRun>
void for_each_run(std::string_view norm, OnRun&& on_run) {
  std::size_t start = 0;
  bool in_run = false;
  RunKind kind = RunKind::word;
  UChar32 prev = 0;
  auto close = [&](std::size_t end) {
    if (in_run && end > start) on_run(norm.substr(start, end - start), kind);
    in_run = false;
  };
  for (std::size_t i = 0; i < norm.size();) {
    std::size_t at = i;
    UChar32 c = next_code_point(norm, i);
    if (is_cjk(c)) {
      if (!in_run || kind != RunKind::cjk) {
        close(at);
        in_run = true;
        kind = RunKind::cjk;
        start = at;
      }
    } else if (is_word_char(c)) {
      if (!in_run || kind != RunKind::word) {
        close(at);
        in_run = true;
        kind = RunKind::word;
        start = at;
      }
    } else if ((c == '.' || c == ',') && in_run && kind == RunKind::word && is_ascii_digit(prev) &&
               i < norm.size() && is_ascii_digit(norm[i])) {
      // A decimal point or thousands separator: the run goes on.
    } else if ((c == '\'' || c == 0x2019) && in_run && kind == RunKind::word && u_isalpha(prev) &&
               i < norm.size()) {
      // An apostrophe after a letter: a possessive 's ends the word without itself ("roche's"
      // -> roche); between letters it stays inside ("o'brien", "don't").
      std::size_t after = i;
      UChar32 next = next_code_point(norm, after);
      std::size_t after_next = after;
      bool possessive =
          next == 's' && (after >= norm.size() || !is_word_char(next_code_point(norm, after_next)));
      if (possessive) {
        close(at);
        i = after;
      } else if (!u_isalpha(next)) {
        close(at);
      }
    } else {
      close(at);
    }
    prev = c;
  }
  close(norm.size());
}

// The UTF-8 pieces of one code point each.
std::vector<std::string_view> characters(std::string_view run) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < run.size();) {
    std::size_t at = i;
    (void)next_code_point(run, i);
    out.push_back(run.substr(at, i - at));
  }
  return out;
}

std::string index_form(std::string_view word) {
  for (char c : word)
    if (c < 'a' || c > 'z') return std::string(word);
  return stem_english(word);
}

// ICU's word break iterator with the Chinese/Japanese dictionary. Creating one loads rules and
// dictionaries, so each thread keeps its own (break iterators are not thread-safe).
icu::BreakIterator& cjk_word_breaker() {
  thread_local std::unique_ptr<icu::BreakIterator> it = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> b(
        icu::BreakIterator::createWordInstance(icu::Locale("zh"), status));
    if (U_FAILURE(status) || !b)
      throw InternalError("icu-unavailable", "The word segmentation data of ICU is missing.");
    return b;
  }();
  return *it;
}

void segment_cjk(std::string_view run, std::vector<std::string>& out) {
  icu::BreakIterator& breaker = cjk_word_breaker();
  icu::UnicodeString u =
      icu::UnicodeString::fromUTF8(icu::StringPiece(run.data(), static_cast<int32_t>(run.size())));
  breaker.setText(u);
  int32_t start = breaker.first();
  for (int32_t end = breaker.next(); end != icu::BreakIterator::DONE;
       start = end, end = breaker.next()) {
    if (end <= start) continue;
    std::string word;
    u.tempSubStringBetween(start, end).toUTF8String(word);
    out.push_back(std::move(word));
  }
}

}  // namespace

std::string normalize(std::string_view text) {
  static const icu::Normalizer2* nfkc_cf = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFKCCasefoldInstance(status);
    if (U_FAILURE(status) || n == nullptr)
      throw InternalError("icu-unavailable", "The Unicode normalisation data of ICU is missing.");
    return n;
  }();
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(std::min<std::size_t>(
                                        text.size(), static_cast<std::size_t>(INT32_MAX)))));
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString folded = nfkc_cf->normalize(u, status);
  if (U_FAILURE(status))
    throw InternalError("icu-failed", "Unicode normalisation of a text failed.");
  std::string utf8;
  folded.toUTF8String(utf8);

  // Blanks (white space and control characters) collapse to one space; none at either end.
  std::string out;
  out.reserve(utf8.size());
  bool pending_blank = false;
  for (std::size_t i = 0; i < utf8.size();) {
    std::size_t at = i;
    UChar32 c = next_code_point(utf8, i);
    if (is_blank(c)) {
      pending_blank = !out.empty();
      continue;
    }
    if (pending_blank) out += ' ';
    pending_blank = false;
    out.append(utf8, at, i - at);
  }
  return out;
}

std::vector<Token> tokenize(std::string_view text) {
  std::string norm = normalize(text);
  std::vector<Token> tokens;
  std::uint32_t position = 0;
  for_each_run(norm, [&](std::string_view run, RunKind kind) {
    if (kind == RunKind::word) {
      tokens.push_back(Token{index_form(run), position++, false, true, false});
      return;
    }
    std::vector<std::string_view> chars = characters(run);
    for (std::size_t i = 0; i < chars.size(); ++i) {
      std::uint32_t p = position + static_cast<std::uint32_t>(i);
      tokens.push_back(Token{std::string(chars[i]), p, true, false, true});
      if (i + 1 < chars.size()) {
        std::string bigram(chars[i]);
        bigram += chars[i + 1];
        tokens.push_back(Token{std::move(bigram), p, true, true, false});
      }
    }
    position += static_cast<std::uint32_t>(chars.size());
  });
  return tokens;
}

std::vector<std::string> words(std::string_view text) {
  std::string norm = normalize(text);
  std::vector<std::string> out;
  for_each_run(norm, [&](std::string_view run, RunKind) { out.emplace_back(run); });
  return out;
}

std::vector<std::string> query_words(std::string_view q) {
  std::string norm = normalize(q);
  std::vector<std::string> out;
  for_each_run(norm, [&](std::string_view run, RunKind kind) {
    if (kind == RunKind::cjk)
      segment_cjk(run, out);
    else
      out.emplace_back(run);
  });
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
  std::vector<UChar32> x = code_points(a);
  std::vector<UChar32> y = code_points(b);
  if (x.size() < y.size()) std::swap(x, y);
  // The distance is at least the difference of lengths.
  if (x.size() - y.size() > limit) return limit + 1;
  // No distance exceeds the longer length (this also keeps limit + 1 from overflowing).
  limit = std::min(limit, x.size());
  const std::size_t over = limit + 1;
  // Only cells with |i - j| <= limit can hold a value <= limit (Ukkonen's band); the others
  // count as `over`, so the work is O(length * limit).
  std::vector<std::size_t> row(y.size() + 1, over);
  for (std::size_t j = 0; j <= std::min(y.size(), limit); ++j) row[j] = j;
  for (std::size_t i = 1; i <= x.size(); ++i) {
    std::size_t from = i > limit ? i - limit : 1;
    std::size_t to = std::min(y.size(), i + limit);
    std::size_t diagonal = row[from - 1];
    row[from - 1] = from == 1 ? std::min(i, over) : over;
    std::size_t row_min = row[from - 1];
    for (std::size_t j = from; j <= to; ++j) {
      std::size_t above = row[j];
      std::size_t cost = x[i - 1] == y[j - 1] ? 0 : 1;
      row[j] = std::min({above + 1, row[j - 1] + 1, diagonal + cost, over});
      diagonal = above;
      row_min = std::min(row_min, row[j]);
    }
    // The smallest value of a row never decreases in later rows: stop once it exceeds the limit.
    if (row_min > limit) return over;
  }
  return std::min(row[y.size()], over);
}

}  // namespace shikong::text
