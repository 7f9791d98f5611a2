// Class breaks (equal interval, quantile, Jenks natural breaks) and the rules of categorized,
// graduated, proportional and heat map styles computed from a dataset's values.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "core/error.hpp"
#include "style/style.hpp"

namespace shikong::style {

namespace {

// Jenks is O(k n^2); above this many values it runs on evenly spaced order statistics of the
// sorted values (min and max always among them), which keeps the answer deterministic.
constexpr std::size_t kJenksMaxValues = 3000;
constexpr std::size_t kMaxCategories = 12;

std::vector<double> jenks(const std::vector<double>& sorted, int k) {
  std::vector<double> sample;
  if (sorted.size() > kJenksMaxValues) {
    sample.reserve(kJenksMaxValues);
    const double step = static_cast<double>(sorted.size() - 1) / (kJenksMaxValues - 1);
    for (std::size_t j = 0; j < kJenksMaxValues; ++j)
      sample.push_back(sorted[static_cast<std::size_t>(std::llround(j * step))]);
  } else {
    sample = sorted;
  }
  // Equal values always share a class: work on distinct values with their counts.
  std::vector<double> x, w;
  for (double v : sample) {
    if (!x.empty() && x.back() == v)
      w.back() += 1;
    else
      x.push_back(v), w.push_back(1);
  }
  const std::size_t m = x.size();
  k = std::min<int>(k, static_cast<int>(m));
  if (k <= 1) return {sorted.front(), sorted.back()};
  // Sums over values shifted by their mean keep the squared deviations well conditioned.
  double mean = 0, total = 0;
  for (std::size_t i = 0; i < m; ++i) mean += x[i] * w[i], total += w[i];
  mean /= total;
  std::vector<double> W(m + 1, 0), S1(m + 1, 0), S2(m + 1, 0);
  for (std::size_t i = 0; i < m; ++i) {
    const double d = x[i] - mean;
    W[i + 1] = W[i] + w[i];
    S1[i + 1] = S1[i] + w[i] * d;
    S2[i + 1] = S2[i] + w[i] * d * d;
  }
  // Sum of squared deviations from the class mean of values i..j (inclusive).
  auto cost = [&](std::size_t i, std::size_t j) {
    const double ww = W[j + 1] - W[i], s1 = S1[j + 1] - S1[i], s2 = S2[j + 1] - S2[i];
    return std::max(0.0, s2 - s1 * s1 / ww);
  };
  const auto K = static_cast<std::size_t>(k);
  const double inf = std::numeric_limits<double>::infinity();
  // best[c][j]: least total cost of c + 1 classes over values 0..j; start[c][j]: where the last
  // of them begins.
  std::vector<std::vector<double>> best(K, std::vector<double>(m, inf));
  std::vector<std::vector<std::size_t>> start(K, std::vector<std::size_t>(m, 0));
  for (std::size_t j = 0; j < m; ++j) best[0][j] = cost(0, j);
  for (std::size_t c = 1; c < K; ++c)
    for (std::size_t j = c; j < m; ++j)
      for (std::size_t i = c; i <= j; ++i) {
        const double v = best[c - 1][i - 1] + cost(i, j);
        if (v < best[c][j]) best[c][j] = v, start[c][j] = i;
      }
  std::vector<double> breaks(K + 1);
  breaks[0] = sorted.front();
  breaks[K] = sorted.back();
  std::size_t j = m - 1;
  for (std::size_t c = K - 1; c >= 1; --c) {
    const std::size_t i = start[c][j];
    breaks[c] = x[i];  // a class starts at its lowest value: classes are min <= v < max
    j = i - 1;
  }
  return breaks;
}

std::string number_text(double v) {
  if (v == std::trunc(v) && std::abs(v) < 1e15) return fmt::format("{}", static_cast<long long>(v));
  if (std::abs(v) >= 1e6) return fmt::format("{:.0f}", v);
  return fmt::format("{:.6g}", v);
}

std::string value_text(const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) return number_text(*d);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  return {};
}

std::optional<double> numeric(const Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v))
    if (std::isfinite(*d)) return *d;
  return std::nullopt;
}

// A class's colour goes on the fill, or on the stroke when the style has no fill (lines).
Symbol coloured(const Symbol& base, Color c) {
  Symbol s = base;
  if (base.fill.a == 0) {
    c.a = base.stroke.a;
    s.stroke = c;
  } else {
    c.a = base.fill.a;
    s.fill = c;
  }
  return s;
}

}  // namespace

std::vector<double> class_breaks(ClassMethod method, std::vector<double> values, int classes) {
  std::erase_if(values, [](double v) { return !std::isfinite(v); });
  if (values.empty()) return {};
  std::sort(values.begin(), values.end());
  const double lo = values.front(), hi = values.back();
  std::size_t distinct = 1;
  for (std::size_t i = 1; i < values.size(); ++i) distinct += values[i] != values[i - 1];
  const int k = std::max(1, std::min(classes, static_cast<int>(distinct)));
  if (k == 1) return {lo, hi};
  std::vector<double> breaks{lo};
  switch (method) {
    case ClassMethod::equal_interval:
      for (int i = 1; i < k; ++i) breaks.push_back(lo + (hi - lo) * i / k);
      break;
    case ClassMethod::quantile:
    case ClassMethod::manual: {
      // Class i starts at the value of rank floor(i n / k): n / k values a class when distinct;
      // ties can merge two breaks into one, giving fewer classes.
      const std::size_t n = values.size();
      for (int i = 1; i < k; ++i) {
        const double b = values[static_cast<std::size_t>(i) * n / static_cast<std::size_t>(k)];
        if (b > breaks.back()) breaks.push_back(b);
      }
      break;
    }
    case ClassMethod::natural_breaks:
      return jenks(values, k);
  }
  // The last class ends at the maximum and holds it, even when it starts there too.
  breaks.push_back(hi);
  return breaks;
}

void classify(Style& s, const std::vector<Value>& values) {
  if (!s.rules.empty()) return;
  switch (s.kind) {
    case StyleKind::single:
      return;
    case StyleKind::categorized: {
      std::map<Value, std::size_t> counts;
      for (const auto& v : values) {
        if (is_null(v) || std::holds_alternative<Instant>(v)) continue;
        if (const auto* d = std::get_if<double>(&v); d && std::isnan(*d)) continue;
        if (const auto* date = std::get_if<Date>(&v))
          ++counts[Value(format_date(*date))];
        else
          ++counts[v];
      }
      std::vector<std::pair<Value, std::size_t>> ranked(counts.begin(), counts.end());
      // Most frequent first; equal counts in value order, so the result does not depend on the
      // order the values were read in.
      std::stable_sort(ranked.begin(), ranked.end(),
                       [](const auto& a, const auto& b) { return a.second > b.second; });
      if (ranked.size() > kMaxCategories) ranked.resize(kMaxCategories);
      const auto colors = ramp_colors(s.ramp, static_cast<int>(ranked.size()));
      for (std::size_t i = 0; i < ranked.size(); ++i) {
        ClassRule r;
        r.label = value_text(ranked[i].first);
        r.value = ranked[i].first;
        r.symbol = coloured(s.symbol, colors[i]);
        s.rules.push_back(std::move(r));
      }
      return;
    }
    case StyleKind::graduated: {
      if (s.method == ClassMethod::manual) return;
      std::vector<double> nums;
      for (const auto& v : values)
        if (auto d = numeric(v)) nums.push_back(*d);
      const auto breaks = class_breaks(s.method, std::move(nums), s.classes);
      if (breaks.size() < 2) return;
      const auto colors = ramp_colors(s.ramp, static_cast<int>(breaks.size() - 1));
      for (std::size_t i = 0; i + 1 < breaks.size(); ++i) {
        ClassRule r;
        r.label = fmt::format("{} – {}", number_text(breaks[i]), number_text(breaks[i + 1]));
        r.min = breaks[i];
        r.max = breaks[i + 1];
        r.symbol = coloured(s.symbol, colors[i]);
        s.rules.push_back(std::move(r));
      }
      return;
    }
    case StyleKind::proportional:
    case StyleKind::heatmap: {
      if (s.field.empty()) return;
      std::optional<double> lo, hi;
      for (const auto& v : values)
        if (auto d = numeric(v)) {
          lo = lo ? std::min(*lo, *d) : *d;
          hi = hi ? std::max(*hi, *d) : *d;
        }
      if (!lo) return;
      ClassRule r;
      r.label = s.field;
      r.min = lo;
      r.max = hi;
      r.symbol = s.symbol;
      s.rules.push_back(std::move(r));
      return;
    }
  }
}

}  // namespace shikong::style
