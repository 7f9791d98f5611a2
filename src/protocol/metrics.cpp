// MetricsRegistry: one mutex around small maps; rendering sorts by name for stable output.
#include "protocol/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace shikong::protocol {
namespace {

void append_label_value(std::string& out, std::string_view v) {
  for (const char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
}

std::string label_key(const MetricLabels& labels) {
  std::string out;
  for (const auto& [k, v] : labels) {
    out += out.empty() ? "" : ",";
    out += k;
    out += "=\"";
    append_label_value(out, v);
    out += '"';
  }
  return out;
}

void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    fmt::format_to(std::back_inserter(out), "{}", v);
  }
}

void append_series_name(std::string& out, std::string_view name, std::string_view suffix,
                        std::string_view labels, std::string_view extra = {}) {
  out += name;
  out += suffix;
  if (labels.empty() && extra.empty()) return;
  out += '{';
  out += labels;
  if (!labels.empty() && !extra.empty()) out += ',';
  out += extra;
  out += '}';
}

const char* type_name(MetricsRegistry::Type t) {
  switch (t) {
    case MetricsRegistry::Type::counter:
      return "counter";
    case MetricsRegistry::Type::gauge:
      return "gauge";
    case MetricsRegistry::Type::histogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

std::vector<double> MetricsRegistry::default_buckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

void MetricsRegistry::describe(std::string_view name, Type type, std::string_view help,
                               std::vector<double> buckets) {
  std::lock_guard lock(mutex_);
  Family& f = family(name, type);
  f.help = std::string(help);
  if (type == Type::histogram && !buckets.empty() && f.series.empty()) {
    std::sort(buckets.begin(), buckets.end());
    f.buckets = std::move(buckets);
  }
}

MetricsRegistry::Family& MetricsRegistry::family(std::string_view name, Type type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{}).first;
    it->second.type = type;
    if (type == Type::histogram) it->second.buckets = default_buckets();
  } else if (it->second.type != type) {
    throw std::logic_error("metric used with two types: " + std::string(name));
  }
  return it->second;
}

MetricsRegistry::Series& MetricsRegistry::series(Family& f, const MetricLabels& labels) {
  std::string key = label_key(labels);
  auto it = f.series.find(key);
  if (it == f.series.end()) {
    it = f.series.emplace(std::move(key), Series{}).first;
    if (f.type == Type::histogram) it->second.bucket.assign(f.buckets.size(), 0);
  }
  return it->second;
}

void MetricsRegistry::inc(std::string_view name, const MetricLabels& labels, double value) {
  std::lock_guard lock(mutex_);
  series(family(name, Type::counter), labels).value += value;
}

void MetricsRegistry::set(std::string_view name, const MetricLabels& labels, double value) {
  std::lock_guard lock(mutex_);
  series(family(name, Type::gauge), labels).value = value;
}

void MetricsRegistry::add(std::string_view name, const MetricLabels& labels, double delta) {
  std::lock_guard lock(mutex_);
  series(family(name, Type::gauge), labels).value += delta;
}

void MetricsRegistry::observe(std::string_view name, const MetricLabels& labels, double value) {
  std::lock_guard lock(mutex_);
  Family& f = family(name, Type::histogram);
  Series& s = series(f, labels);
  s.value += value;
  ++s.count;
  const auto it = std::lower_bound(f.buckets.begin(), f.buckets.end(), value);
  if (it != f.buckets.end()) ++s.bucket[static_cast<std::size_t>(it - f.buckets.begin())];
}

void MetricsRegistry::set_counter(std::string_view name, const MetricLabels& labels, double total) {
  std::lock_guard lock(mutex_);
  series(family(name, Type::counter), labels).value = total;
}

void MetricsRegistry::add_collector(std::function<void(MetricsRegistry&)> collector) {
  std::lock_guard lock(collectors_mutex_);
  collectors_.push_back(std::move(collector));
}

double MetricsRegistry::value(std::string_view name, const MetricLabels& labels) const {
  std::lock_guard lock(mutex_);
  const auto f = families_.find(name);
  if (f == families_.end()) return 0;
  const auto s = f->second.series.find(label_key(labels));
  if (s == f->second.series.end()) return 0;
  return f->second.type == Type::histogram ? static_cast<double>(s->second.count) : s->second.value;
}

std::string MetricsRegistry::render() {
  {
    std::lock_guard collecting(collectors_mutex_);
    for (const auto& collect : collectors_) collect(*this);
  }
  std::lock_guard lock(mutex_);
  std::string out;
  out.reserve(4096);
  for (const auto& [name, f] : families_) {
    if (!f.help.empty()) {
      out += "# HELP ";
      out += name;
      out += ' ';
      for (const char c : f.help) out += c == '\n' ? std::string("\\n") : std::string(1, c);
      out += '\n';
    }
    out += "# TYPE ";
    out += name;
    out += ' ';
    out += type_name(f.type);
    out += '\n';
    for (const auto& [labels, s] : f.series) {
      if (f.type != Type::histogram) {
        append_series_name(out, name, "", labels);
        out += ' ';
        append_number(out, s.value);
        out += '\n';
        continue;
      }
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < f.buckets.size(); ++i) {
        cumulative += s.bucket[i];
        std::string le = "le=\"";
        append_number(le, f.buckets[i]);
        le += '"';
        append_series_name(out, name, "_bucket", labels, le);
        fmt::format_to(std::back_inserter(out), " {}\n", cumulative);
      }
      append_series_name(out, name, "_bucket", labels, "le=\"+Inf\"");
      fmt::format_to(std::back_inserter(out), " {}\n", s.count);
      append_series_name(out, name, "_sum", labels);
      out += ' ';
      append_number(out, s.value);
      out += '\n';
      append_series_name(out, name, "_count", labels);
      fmt::format_to(std::back_inserter(out), " {}\n", s.count);
    }
  }
  return out;
}

}  // namespace shikong::protocol
