// English stemming for the search index: M. F. Porter's 1980 suffix-stripping algorithm ("An
// algorithm for suffix stripping", Program 14(3)), written from the paper's step list. Works on
// lower-case ASCII words; anything else is returned unchanged.
#include <array>
#include <string>
#include <string_view>

#include "text/analyzer.hpp"

namespace shikong::text {

namespace {

constexpr std::size_t max_stemmed_length = 64;

// A rule "suffix -> replacement" of steps 2 and 3.
struct Rule {
  std::string_view suffix;
  std::string_view replacement;
};

class Stemmer {
 public:
  explicit Stemmer(std::string_view word) : w_(word) {}

  std::string run() {
    step1a();
    step1b();
    step1c();
    step2();
    step3();
    step4();
    step5a();
    step5b();
    return w_;
  }

 private:
  std::string w_;

  // The paper's consonant: not a vowel, and a 'y' is a consonant only at the start or after a
  // vowel (so the 'y' of "toy" is a consonant, that of "syzygy" a vowel). In a run of y's the
  // answer alternates, starting from the letter before the run.
  bool consonant(std::size_t i) const {
    switch (w_[i]) {
      case 'a':
      case 'e':
      case 'i':
      case 'o':
      case 'u':
        return false;
      case 'y': {
        std::size_t start = i;
        while (start > 0 && w_[start - 1] == 'y') --start;
        bool first_is_consonant = start == 0 || !consonant(start - 1);
        return ((i - start) % 2 == 0) == first_is_consonant;
      }
      default:
        return true;
    }
  }

  // m of the paper for the first `len` letters: the number of VC sequences in [C](VC)^m[V].
  std::size_t measure(std::size_t len) const {
    std::size_t i = 0;
    while (i < len && consonant(i)) ++i;
    std::size_t m = 0;
    while (i < len) {
      while (i < len && !consonant(i)) ++i;
      if (i >= len) break;
      while (i < len && consonant(i)) ++i;
      ++m;
    }
    return m;
  }

  // *v*: the first `len` letters contain a vowel.
  bool has_vowel(std::size_t len) const {
    for (std::size_t i = 0; i < len; ++i)
      if (!consonant(i)) return true;
    return false;
  }

  // *d: the first `len` letters end with a double consonant.
  bool double_consonant(std::size_t len) const {
    return len >= 2 && w_[len - 1] == w_[len - 2] && consonant(len - 1);
  }

  // *o: the first `len` letters end consonant-vowel-consonant, the last not w, x or y.
  bool cvc(std::size_t len) const {
    if (len < 3 || !consonant(len - 1) || consonant(len - 2) || !consonant(len - 3)) return false;
    char c = w_[len - 1];
    return c != 'w' && c != 'x' && c != 'y';
  }

  bool ends(std::string_view s) const { return std::string_view(w_).ends_with(s); }
  std::size_t stem_len(std::string_view suffix) const { return w_.size() - suffix.size(); }
  void replace_suffix(std::string_view suffix, std::string_view by) {
    w_.resize(stem_len(suffix));
    w_ += by;
  }

  void step1a() {
    if (ends("sses"))
      replace_suffix("sses", "ss");
    else if (ends("ies"))
      replace_suffix("ies", "i");
    else if (ends("ss"))
      return;
    else if (ends("s"))
      replace_suffix("s", "");
  }

  void step1b() {
    if (ends("eed")) {
      if (measure(stem_len("eed")) > 0) replace_suffix("eed", "ee");
      return;
    }
    bool removed = false;
    if (ends("ed") && has_vowel(stem_len("ed"))) {
      replace_suffix("ed", "");
      removed = true;
    } else if (ends("ing") && has_vowel(stem_len("ing"))) {
      replace_suffix("ing", "");
      removed = true;
    }
    if (!removed) return;
    // Tidying after -ed/-ing: restore an 'e' or undouble a final consonant.
    if (ends("at") || ends("bl") || ends("iz")) {
      w_ += 'e';
    } else if (double_consonant(w_.size())) {
      char c = w_.back();
      if (c != 'l' && c != 's' && c != 'z') w_.pop_back();
    } else if (measure(w_.size()) == 1 && cvc(w_.size())) {
      w_ += 'e';
    }
  }

  void step1c() {
    if (ends("y") && has_vowel(stem_len("y"))) w_.back() = 'i';
  }

  // The first rule whose suffix matches is the only one tried (the rules are listed so that a
  // longer suffix comes before a shorter one it ends with), applied when m(stem) > min_m.
  template <std::size_t N>
  bool apply_first(const std::array<Rule, N>& rules, std::size_t min_m) {
    for (const Rule& r : rules) {
      if (!ends(r.suffix)) continue;
      if (measure(stem_len(r.suffix)) > min_m) replace_suffix(r.suffix, r.replacement);
      return true;
    }
    return false;
  }

  void step2() {
    static constexpr std::array<Rule, 20> rules{
        {{"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"},   {"anci", "ance"},
         {"izer", "ize"},    {"abli", "able"},   {"alli", "al"},     {"entli", "ent"},
         {"eli", "e"},       {"ousli", "ous"},   {"ization", "ize"}, {"ation", "ate"},
         {"ator", "ate"},    {"alism", "al"},    {"iveness", "ive"}, {"fulness", "ful"},
         {"ousness", "ous"}, {"aliti", "al"},    {"iviti", "ive"},   {"biliti", "ble"}}};
    apply_first(rules, 0);
  }

  void step3() {
    static constexpr std::array<Rule, 7> rules{{{"icate", "ic"},
                                                {"ative", ""},
                                                {"alize", "al"},
                                                {"iciti", "ic"},
                                                {"ical", "ic"},
                                                {"ful", ""},
                                                {"ness", ""}}};
    apply_first(rules, 0);
  }

  void step4() {
    // Longest first among suffixes that end with one another (ement, ment, ent).
    static constexpr std::array<std::string_view, 19> suffixes{
        "al",  "ance", "ence", "er",  "ic",  "able", "ible", "ant", "ement", "ment",
        "ent", "ion",  "ou",   "ism", "ate", "iti",  "ous",  "ive", "ize"};
    std::string_view found;
    for (std::string_view s : suffixes) {
      if (ends(s) && s.size() > found.size()) found = s;
    }
    if (found.empty()) return;
    std::size_t len = stem_len(found);
    if (measure(len) <= 1) return;
    if (found == "ion" && !(len > 0 && (w_[len - 1] == 's' || w_[len - 1] == 't'))) return;
    w_.resize(len);
  }

  void step5a() {
    if (!ends("e")) return;
    std::size_t len = stem_len("e");
    std::size_t m = measure(len);
    if (m > 1 || (m == 1 && !cvc(len))) w_.pop_back();
  }

  void step5b() {
    if (measure(w_.size()) > 1 && double_consonant(w_.size()) && w_.back() == 'l') w_.pop_back();
  }
};

}  // namespace

std::string stem_english(std::string_view word) {
  // Words of one or two letters are left alone, as in Porter's own implementation; so are
  // words too long to be English (the steps cost time quadratic in the length).
  if (word.size() <= 2 || word.size() > max_stemmed_length) return std::string(word);
  for (char c : word)
    if (c < 'a' || c > 'z') return std::string(word);
  return Stemmer(word).run();
}

}  // namespace shikong::text
