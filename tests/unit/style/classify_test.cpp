// Class breaks on known data (equal interval, quantile, Jenks natural breaks against exhaustive
// search) and the rules classify() computes for each kind.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>

#include "style/style.hpp"

namespace shikong::style {
namespace {

using V = std::vector<double>;

TEST(ClassBreaks, EqualInterval) {
  EXPECT_EQ(class_breaks(ClassMethod::equal_interval, {10, 0, 3, 7}, 4), (V{0, 2.5, 5, 7.5, 10}));
  EXPECT_EQ(class_breaks(ClassMethod::equal_interval, {-5, 5}, 2), (V{-5, 0, 5}));
}

TEST(ClassBreaks, Quantile) {
  EXPECT_EQ(class_breaks(ClassMethod::quantile, {10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 5),
            (V{1, 3, 5, 7, 9, 10}));
  // Ties merge breaks: ranks 2 and 4 both hold 1.
  EXPECT_EQ(class_breaks(ClassMethod::quantile, {1, 1, 1, 1, 1, 2, 3, 4}, 4), (V{1, 3, 4}));
  // Ranks 4/2 = 2: classes [1, 2) and [2, 2].
  EXPECT_EQ(class_breaks(ClassMethod::quantile, {2, 1, 2, 1}, 5), (V{1, 2, 2}));
}

TEST(ClassBreaks, FewValuesAndNaNs) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(class_breaks(ClassMethod::quantile, {}, 5), V{});
  EXPECT_EQ(class_breaks(ClassMethod::quantile, {nan, nan}, 5), V{});
  EXPECT_EQ(class_breaks(ClassMethod::natural_breaks, {4, 4, 4}, 5), (V{4, 4}));
  EXPECT_EQ(class_breaks(ClassMethod::equal_interval, {nan, 1, 3}, 2), (V{1, 2, 3}));
  // Three distinct values and five classes asked: three classes, one value each.
  EXPECT_EQ(class_breaks(ClassMethod::natural_breaks, {3, 1, 2, 2}, 5), (V{1, 2, 3, 3}));
}

TEST(ClassBreaks, JenksOnHandComputedData) {
  // Three clear groups.
  EXPECT_EQ(class_breaks(ClassMethod::natural_breaks, {22, 1, 2, 3, 10, 11, 12, 20, 21}, 3),
            (V{1, 10, 20, 22}));
  // {0,1,3,7,15}: 2 classes -> {0,1,3,7}{15} (SDAM 28.75 vs 36.67 for {0,1,3}{7,15});
  // 3 classes -> {0,1,3}{7}{15} (4.67 vs 8.5 for {0,1}{3,7}{15}).
  EXPECT_EQ(class_breaks(ClassMethod::natural_breaks, {0, 1, 3, 7, 15}, 2), (V{0, 15, 15}));
  EXPECT_EQ(class_breaks(ClassMethod::natural_breaks, {0, 1, 3, 7, 15}, 3), (V{0, 7, 15, 15}));
}

double sdam(const V& sorted, const std::vector<std::size_t>& starts) {
  double total = 0;
  for (std::size_t c = 0; c < starts.size(); ++c) {
    const std::size_t a = starts[c], b = c + 1 < starts.size() ? starts[c + 1] : sorted.size();
    double mean = 0;
    for (std::size_t i = a; i < b; ++i) mean += sorted[i];
    mean /= static_cast<double>(b - a);
    for (std::size_t i = a; i < b; ++i) total += (sorted[i] - mean) * (sorted[i] - mean);
  }
  return total;
}

TEST(ClassBreaks, JenksMatchesExhaustiveSearch) {
  // A fixed pseudo-random sample (LCG), distinct values.
  V values;
  std::uint32_t seed = 12345;
  for (int i = 0; i < 14; ++i) {
    seed = seed * 1103515245u + 12345u;
    values.push_back(static_cast<double>((seed >> 8) % 10000) / 10.0 + i * 1e-6);
  }
  V sorted = values;
  std::sort(sorted.begin(), sorted.end());
  for (int k = 2; k <= 5; ++k) {
    double best = std::numeric_limits<double>::infinity();
    std::vector<std::size_t> starts{0};
    std::function<void(std::size_t)> search = [&](std::size_t from) {
      if (starts.size() == static_cast<std::size_t>(k)) {
        best = std::min(best, sdam(sorted, starts));
        return;
      }
      for (std::size_t i = from; i < sorted.size(); ++i) {
        starts.push_back(i);
        search(i + 1);
        starts.pop_back();
      }
    };
    search(1);
    const V breaks = class_breaks(ClassMethod::natural_breaks, values, k);
    ASSERT_EQ(breaks.size(), static_cast<std::size_t>(k + 1));
    std::vector<std::size_t> got;
    for (int c = 0; c < k; ++c)
      got.push_back(static_cast<std::size_t>(std::find(sorted.begin(), sorted.end(), breaks[c]) -
                                             sorted.begin()));
    EXPECT_NEAR(sdam(sorted, got), best, 1e-6) << "k=" << k;
    EXPECT_EQ(breaks.front(), sorted.front());
    EXPECT_EQ(breaks.back(), sorted.back());
  }
}

TEST(ClassBreaks, JenksSamplesLargeInputs) {
  // 10000 values in two groups: the sample of 3000 order statistics still splits them exactly.
  V values;
  for (int i = 0; i < 5000; ++i) values.push_back(i % 100);
  for (int i = 0; i < 5000; ++i) values.push_back(1000 + i % 100);
  EXPECT_EQ(class_breaks(ClassMethod::natural_breaks, values, 2), (V{0, 1000, 1099}));
}

TEST(Classify, CategorizedMostFrequentFirst) {
  Style s;
  s.kind = StyleKind::categorized;
  s.field = "type";
  s.ramp = "Set1";
  s.symbol.fill = Color{0, 0, 0, 160};
  std::vector<Value> values{std::string("a"), std::string("b"), std::string("b"),
                            Value(),          std::string("c"), std::string("c"),
                            std::string("c"), std::string("d"), std::string("a")};
  classify(s, values);
  ASSERT_EQ(s.rules.size(), 4u);
  EXPECT_EQ(s.rules[0].value, Value(std::string("c")));
  EXPECT_EQ(s.rules[1].value, Value(std::string("a")));  // ties in value order
  EXPECT_EQ(s.rules[2].value, Value(std::string("b")));
  EXPECT_EQ(s.rules[3].value, Value(std::string("d")));
  EXPECT_EQ(s.rules[0].label, "c");
  EXPECT_EQ(s.rules[0].symbol.fill, (Color{0xe4, 0x1a, 0x1c, 160}));
  EXPECT_EQ(s.rules[1].symbol.fill, (Color{0x37, 0x7e, 0xb8, 160}));
  EXPECT_EQ(s.rules[0].symbol.stroke, s.symbol.stroke);

  // Lines (no fill): the class colour goes on the stroke. More than 12 values: 12 rules.
  Style lines;
  lines.kind = StyleKind::categorized;
  lines.field = "n";
  lines.ramp = "Paired";
  lines.symbol.fill = Color{0, 0, 0, 0};
  std::vector<Value> many;
  for (std::int64_t i = 0; i < 20; ++i)
    for (std::int64_t j = 0; j <= i; ++j) many.emplace_back(i);
  classify(lines, many);
  ASSERT_EQ(lines.rules.size(), 12u);
  EXPECT_EQ(lines.rules[0].value, Value(std::int64_t{19}));
  EXPECT_EQ(lines.rules[11].value, Value(std::int64_t{8}));
  EXPECT_EQ(lines.rules[0].label, "19");
  EXPECT_EQ(lines.rules[0].symbol.stroke, (Color{0xa6, 0xce, 0xe3, 255}));
  EXPECT_EQ(lines.rules[0].symbol.fill, (Color{0, 0, 0, 0}));

  // Dates are classified by their text.
  Style days;
  days.kind = StyleKind::categorized;
  days.field = "day";
  classify(days, {Value(date_from_civil(2024, 1, 2))});
  ASSERT_EQ(days.rules.size(), 1u);
  EXPECT_EQ(days.rules[0].value, Value(std::string("2024-01-02")));
}

TEST(Classify, GraduatedFromBreaks) {
  Style s;
  s.kind = StyleKind::graduated;
  s.field = "pop";
  s.method = ClassMethod::equal_interval;
  s.classes = 2;
  s.ramp = "Blues";
  classify(s, {Value(std::int64_t{0}), Value(7.5), Value(), Value(std::string("x")),
               Value(std::int64_t{15})});
  ASSERT_EQ(s.rules.size(), 2u);
  EXPECT_EQ(s.rules[0].min, 0);
  EXPECT_EQ(s.rules[0].max, 7.5);
  EXPECT_EQ(s.rules[1].min, 7.5);
  EXPECT_EQ(s.rules[1].max, 15);
  EXPECT_EQ(s.rules[0].label, "0 – 7.5");
  EXPECT_EQ(s.rules[1].label, "7.5 – 15");
  EXPECT_EQ(to_hex(s.rules[0].symbol.fill), "#f7fbffa0");
  EXPECT_EQ(to_hex(s.rules[1].symbol.fill), "#08306ba0");

  // Stored rules are kept; manual classes are never computed.
  Style kept = s;
  classify(kept, {Value(1000.0)});
  EXPECT_EQ(kept.rules, s.rules);
  Style manual;
  manual.kind = StyleKind::graduated;
  manual.method = ClassMethod::manual;
  classify(manual, {Value(1.0), Value(2.0)});
  EXPECT_TRUE(manual.rules.empty());
}

TEST(Classify, RangeOfProportionalAndHeatmap) {
  Style p;
  p.kind = StyleKind::proportional;
  p.field = "pop";
  classify(p, {Value(3.0), Value(std::int64_t{-2}), Value(), Value(10.0)});
  ASSERT_EQ(p.rules.size(), 1u);
  EXPECT_EQ(p.rules[0].min, -2);
  EXPECT_EQ(p.rules[0].max, 10);
  EXPECT_EQ(p.rules[0].label, "pop");

  Style h;
  h.kind = StyleKind::heatmap;
  classify(h, {Value(3.0)});  // no weight field: no range
  EXPECT_TRUE(h.rules.empty());
  Style single;
  classify(single, {Value(3.0)});
  EXPECT_TRUE(single.rules.empty());
}

}  // namespace
}  // namespace shikong::style
