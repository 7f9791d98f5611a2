// Text analysis: normalisation, tokens, query words of ICU segmentation, autocomplete words and
// the bounded edit distance.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "text/analyzer.hpp"

using namespace shikong::text;

namespace {

std::vector<std::string> terms(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  for (const Token& t : tokens) out.push_back(t.term);
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST(Normalize, FoldsCaseWidthAndBlanks) {
  EXPECT_EQ(normalize("  Hello\t\n  WORLD  "), "hello world");
  EXPECT_EQ(normalize("ＡＢＣ１２３"), "abc123");
  EXPECT_EQ(normalize("Straße"), "strasse");
  EXPECT_EQ(normalize("北京　市"), "北京 市");  // ideographic space
  EXPECT_EQ(normalize(""), "");
  EXPECT_EQ(normalize(" \t "), "");
}

TEST(Normalize, ReplacesInvalidUtf8) {
  EXPECT_EQ(normalize(std::string("a\xff"
                                  "b")),
            "a\xEF\xBF\xBD"
            "b");
}

TEST(Tokenize, LatinWordsAreStemmedNumbersKeptWhole) {
  std::vector<Token> t = tokenize("Main Roads, 2009: running 1.5 km; 3,000 stations!");
  EXPECT_EQ(terms(t), (Strings{"main", "road", "2009", "run", "1.5", "km", "3,000", "station"}));
  for (std::size_t i = 0; i < t.size(); ++i) {
    EXPECT_EQ(t[i].position, i);
    EXPECT_FALSE(t[i].cjk);
    EXPECT_TRUE(t[i].prefix_ok);
    EXPECT_FALSE(t[i].unigram);
  }
}

TEST(Tokenize, Apostrophes) {
  // Words with an apostrophe inside are not stemmed (the stemmer takes a-z only).
  EXPECT_EQ(terms(tokenize("Roche's Point, O'Brien's land, don’t 'quoted' s' rock'n'roll")),
            (Strings{"roch", "point", "o'brien", "land", "don’t", "quot", "s", "rock'n'roll"}));
  EXPECT_EQ(words("Roche's Point"), (Strings{"roche", "point"}));
  EXPECT_EQ(query_words("roche's"), (Strings{"roche"}));
  EXPECT_EQ(query_words("it's'"), (Strings{"it"}));
}

TEST(Tokenize, CjkRunsGiveUnigramsAndBigrams) {
  std::vector<Token> t = tokenize("北京市道路");
  EXPECT_EQ(terms(t), (Strings{"北", "北京", "京", "京市", "市", "市道", "道", "道路", "路"}));
  std::vector<std::uint32_t> positions;
  for (const Token& k : t) positions.push_back(k.position);
  EXPECT_EQ(positions, (std::vector<std::uint32_t>{0, 0, 1, 1, 2, 2, 3, 3, 4}));
  for (const Token& k : t) {
    EXPECT_TRUE(k.cjk);
    EXPECT_EQ(k.unigram, k.term.size() == 3);
    EXPECT_EQ(k.prefix_ok, !k.unigram);
  }
}

TEST(Tokenize, MixedScriptsAndOneCharacterRuns) {
  std::vector<Token> t = tokenize("省 Roads（北京）２０２０年");
  EXPECT_EQ(terms(t), (Strings{"省", "road", "北", "北京", "京", "2020", "年"}));
  EXPECT_EQ(t[0].position, 0u);
  EXPECT_EQ(t[1].position, 1u);
  EXPECT_EQ(t[2].position, 2u);
  EXPECT_EQ(t[4].position, 3u);
  EXPECT_EQ(t[5].position, 4u);
  EXPECT_EQ(t[6].position, 5u);
  EXPECT_TRUE(t[6].unigram);
}

TEST(Tokenize, KanaAndHangulAreCjk) {
  EXPECT_EQ(terms(tokenize("データ")), (Strings{"デ", "デー", "ー", "ータ", "タ"}));
  EXPECT_EQ(terms(tokenize("서울")), (Strings{"서", "서울", "울"}));
}

TEST(Tokenize, InvalidUtf8IsReplacedNotThrown) {
  std::vector<Token> t = tokenize(std::string("ro\xc3(ad \xe5\x8c"));
  EXPECT_EQ(terms(t), (Strings{"ro", "ad"}));
}

TEST(Words, UnstemmedWordsAndWholeCjkRuns) {
  EXPECT_EQ(words("北京市主要道路 Road map"), (Strings{"北京市主要道路", "road", "map"}));
  EXPECT_EQ(words("Running-Stations, 2009"), (Strings{"running", "stations", "2009"}));
}

TEST(QueryWords, IcuSegmentsChineseRuns) {
  EXPECT_EQ(query_words("北京道路数据"), (Strings{"北京", "道路", "数据"}));
  EXPECT_EQ(query_words("北京市道路"), (Strings{"北京市", "道路"}));
  EXPECT_EQ(query_words("北京 道路"), (Strings{"北京", "道路"}));
  EXPECT_EQ(query_words("Beijing ROADS, 北京"), (Strings{"beijing", "roads", "北京"}));
  EXPECT_EQ(query_words("  "), Strings{});
  // Splits of ICU 72's dictionary worth knowing: words of one character occur.
  EXPECT_EQ(query_words("北京市主要道路"), (Strings{"北京市", "主要", "道路"}));
  EXPECT_EQ(query_words("北京道路数据集"), (Strings{"北京", "道路", "数据", "集"}));
  EXPECT_EQ(query_words("中国省级行政区"), (Strings{"中国", "省级", "行政", "区"}));
  EXPECT_EQ(query_words("伦敦自行车租赁"), (Strings{"伦敦", "自行", "车", "租赁"}));
  EXPECT_EQ(query_words("爱尔兰风速"), (Strings{"爱尔兰", "风速"}));
}

TEST(EditDistance, CountsCodePointsAndStopsEarly) {
  EXPECT_EQ(edit_distance("road", "road", 2), 0u);
  EXPECT_EQ(edit_distance("road", "raod", 2), 2u);
  EXPECT_EQ(edit_distance("station", "statoin", 1), 2u);  // limit + 1
  EXPECT_EQ(edit_distance("kitten", "sitting", 5), 3u);
  EXPECT_EQ(edit_distance("北京", "北平", 3), 1u);
  EXPECT_EQ(edit_distance("", "abc", 5), 3u);
  EXPECT_EQ(edit_distance("a", "abcdefgh", 2), 3u);
  EXPECT_EQ(edit_distance("abcdef", "ghijkl", 0), 1u);
  EXPECT_EQ(edit_distance("abcdef", "ghijkl", SIZE_MAX), 6u);
  EXPECT_EQ(edit_distance("generalization", "generalisation", 1), 1u);
  EXPECT_EQ(edit_distance("xabcdefgh", "abcdefghx", 2), 2u);
  EXPECT_EQ(edit_distance("xabcdefgh", "abcdefghx", 1), 2u);
}

TEST(EditDistance, BandedAgreesWithTheFullTable) {
  // Every pair of short strings over a small alphabet, against the textbook table.
  auto full = [](const std::string& a, const std::string& b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
      for (std::size_t j = 1; j <= b.size(); ++j)
        d[i][j] = std::min(
            {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    return d[a.size()][b.size()];
  };
  std::vector<std::string> strings{""};
  for (std::size_t len = 1; len <= 5; ++len) {
    std::vector<std::string> next;
    for (const std::string& s : strings)
      if (s.size() == len - 1)
        for (char c : {'a', 'b', 'c'}) next.push_back(s + c);
    strings.insert(strings.end(), next.begin(), next.end());
  }
  std::size_t checked = 0;
  for (std::size_t i = 0; i < strings.size(); i += 7) {
    for (std::size_t j = 0; j < strings.size(); j += 5) {
      std::size_t want = full(strings[i], strings[j]);
      for (std::size_t limit = 0; limit <= 4; ++limit) {
        ASSERT_EQ(edit_distance(strings[i], strings[j], limit), std::min(want, limit + 1))
            << strings[i] << " / " << strings[j] << " limit " << limit;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 5000u);
}
