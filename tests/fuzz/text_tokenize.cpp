// Fuzz target: text analysis. Any bytes (invalid UTF-8 included) give valid UTF-8 tokens, words
// and query words without throwing; normalisation is idempotent; the edit distance is symmetric
// and bounded; the stemmer never grows a word.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/utf8.hpp"
#include "fuzz_support.hpp"
#include "text/analyzer.hpp"

using namespace shikong;

namespace {

void check_strings(const std::vector<std::string>& v, std::string_view what) {
  for (const std::string& s : v) {
    fuzz::check(!s.empty(), what);
    fuzz::check(is_well_formed_utf8(s), what);
    fuzz::check(s.find(' ') == std::string::npos, what);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = fuzz::as_text(data, size);

  std::string norm = text::normalize(in);
  fuzz::check(is_well_formed_utf8(norm), "normalize gave invalid UTF-8");
  fuzz::check(norm.empty() || (norm.front() != ' ' && norm.back() != ' '),
              "normalize left blanks at an end");
  fuzz::check(norm.find("  ") == std::string::npos, "normalize left two blanks in a row");
  fuzz::check(text::normalize(norm) == norm, "normalize is not idempotent");

  std::vector<text::Token> tokens = text::tokenize(in);
  std::uint32_t last = 0;
  for (const text::Token& t : tokens) {
    fuzz::check(!t.term.empty() && is_well_formed_utf8(t.term), "a token is empty or not UTF-8");
    fuzz::check(t.position >= last, "token positions go backwards");
    last = t.position;
    fuzz::check(!t.unigram || (t.cjk && !t.prefix_ok), "a unigram is not a CJK non-prefix token");
  }
  check_strings(text::words(in), "a word is empty, has a blank or is not UTF-8");
  check_strings(text::query_words(in), "a query word is empty, has a blank or is not UTF-8");

  std::string_view a = in.substr(0, size / 2);
  std::string_view b = in.substr(size / 2);
  std::size_t ab = text::edit_distance(a, b, 3);
  fuzz::check(ab <= 4, "edit_distance exceeds limit + 1");
  fuzz::check(ab == text::edit_distance(b, a, 3), "edit_distance is not symmetric");
  fuzz::check(text::edit_distance(a, a, 0) == 0, "edit_distance of a string to itself is not 0");

  for (const std::string& w : text::words(in)) {
    std::string stem = text::stem_english(w);
    fuzz::check(stem.size() <= w.size() && (w.empty() || !stem.empty()),
                "the stemmer grew a word or emptied it");
  }
  return 0;
}
