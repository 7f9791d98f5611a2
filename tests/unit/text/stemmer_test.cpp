// Porter stemmer: the examples of Porter's 1980 paper, step by step, and words of the catalogue.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "text/analyzer.hpp"

using shikong::text::stem_english;

namespace {

void expect_stems(const std::vector<std::pair<std::string, std::string>>& cases) {
  for (const auto& [word, stem] : cases) EXPECT_EQ(stem_english(word), stem) << word;
}

}  // namespace

TEST(Stemmer, Step1a) {
  expect_stems({{"caresses", "caress"},
                {"ponies", "poni"},
                {"ties", "ti"},
                {"caress", "caress"},
                {"cats", "cat"}});
}

TEST(Stemmer, Step1b) {
  expect_stems({{"feed", "feed"},
                {"agreed", "agre"},
                {"plastered", "plaster"},
                {"bled", "bled"},
                {"motoring", "motor"},
                {"sing", "sing"},
                {"conflated", "conflat"},
                {"troubled", "troubl"},
                {"sized", "size"},
                {"hopping", "hop"},
                {"tanned", "tan"},
                {"falling", "fall"},
                {"hissing", "hiss"},
                {"fizzed", "fizz"},
                {"failing", "fail"},
                {"filing", "file"}});
}

TEST(Stemmer, Step1c) {
  expect_stems({{"happy", "happi"}, {"sky", "sky"}});
}

TEST(Stemmer, Step2) {
  expect_stems(
      {{"relational", "relat"},    {"conditional", "condit"}, {"rational", "ration"},
       {"valenci", "valenc"},      {"hesitanci", "hesit"},    {"digitizer", "digit"},
       {"conformabli", "conform"}, {"radicalli", "radic"},    {"differentli", "differ"},
       {"vileli", "vile"},         {"analogousli", "analog"}, {"vietnamization", "vietnam"},
       {"predication", "predic"},  {"operator", "oper"},      {"feudalism", "feudal"},
       {"decisiveness", "decis"},  {"hopefulness", "hope"},   {"callousness", "callous"},
       {"formaliti", "formal"},    {"sensitiviti", "sensit"}, {"sensibiliti", "sensibl"}});
}

TEST(Stemmer, Step3) {
  expect_stems({{"triplicate", "triplic"},
                {"formative", "form"},
                {"formalize", "formal"},
                {"electriciti", "electr"},
                {"electrical", "electr"},
                {"hopeful", "hope"},
                {"goodness", "good"}});
}

TEST(Stemmer, Step4) {
  expect_stems({{"revival", "reviv"},
                {"allowance", "allow"},
                {"inference", "infer"},
                {"airliner", "airlin"},
                {"gyroscopic", "gyroscop"},
                {"adjustable", "adjust"},
                {"defensible", "defens"},
                {"irritant", "irrit"},
                {"replacement", "replac"},
                {"adjustment", "adjust"},
                {"dependent", "depend"},
                {"adoption", "adopt"},
                {"homologou", "homolog"},
                {"communism", "commun"},
                {"activate", "activ"},
                {"angulariti", "angular"},
                {"homologous", "homolog"},
                {"effective", "effect"},
                {"bowdlerize", "bowdler"}});
}

TEST(Stemmer, Step5) {
  expect_stems({{"probate", "probat"},
                {"rate", "rate"},
                {"cease", "ceas"},
                {"controll", "control"},
                {"roll", "roll"}});
}

TEST(Stemmer, WordsOfTheCatalogue) {
  expect_stems({{"running", "run"},
                {"roads", "road"},
                {"stations", "station"},
                {"generalization", "gener"},
                {"generalizations", "gener"},
                {"provinces", "provinc"},
                {"cities", "citi"},
                {"elevation", "elev"},
                {"airports", "airport"},
                {"population", "popul"},
                {"wind", "wind"}});
}

TEST(Stemmer, TheLetterY) {
  // y after a consonant is a vowel, at the start or after a vowel a consonant.
  expect_stems({{"syzygy", "syzygi"},
                {"toys", "toi"},
                {"yelling", "yell"},
                {"saying", "sai"},
                {"flying", "fly"},
                {"enjoyed", "enjoi"},
                {"yyyyyy", "yyyyyi"}});
}

TEST(Stemmer, LeavesShortLongAndNonLowerCaseWordsAlone) {
  std::string long_word(65, 'a');
  long_word += "tional";
  EXPECT_EQ(stem_english(long_word), long_word);
  std::string long_ys(100000, 'y');
  EXPECT_EQ(stem_english(long_ys), long_ys);
  expect_stems({{"", ""},
                {"a", "a"},
                {"is", "is"},
                {"Roads", "Roads"},
                {"road5", "road5"},
                {"cafés", "cafés"}});
}
