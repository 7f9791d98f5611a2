// A registry of Prometheus metrics (counters, gauges, histograms by name and labels) that any
// module above protocol/ can feed and that /metrics renders in the text exposition format 0.0.4.
// Modules that keep their own counts register a collector that copies them in at render time.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shikong::protocol {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class MetricsRegistry {
 public:
  enum class Type { counter, gauge, histogram };

  // Optional: declares a metric's help text and type (and a histogram's upper bounds, sorted).
  // Undeclared metrics take their type from first use: inc -> counter, set/add -> gauge,
  // observe -> histogram with default_buckets().
  void describe(std::string_view name, Type type, std::string_view help,
                std::vector<double> buckets = {});

  void inc(std::string_view name, const MetricLabels& labels = {}, double value = 1);
  void set(std::string_view name, const MetricLabels& labels, double value);
  void add(std::string_view name, const MetricLabels& labels, double delta);  // gauges
  void observe(std::string_view name, const MetricLabels& labels, double value);
  // Sets a counter series to a total counted elsewhere (which must only grow).
  void set_counter(std::string_view name, const MetricLabels& labels, double total);

  // Called at the start of every render(), in the order added, without the registry's lock
  // held, so a collector may call inc/set/set_counter; it must outlive the registry's use.
  void add_collector(std::function<void(MetricsRegistry&)> collector);

  // The current value of a counter or gauge series (0 if absent), or a histogram's count.
  double value(std::string_view name, const MetricLabels& labels = {}) const;

  // Runs the collectors, then renders every family sorted by name.
  std::string render();

  static std::vector<double> default_buckets();  // 0.001 .. 10 seconds

 private:
  struct Series {
    double value = 0;                   // counter/gauge value, histogram sum
    std::uint64_t count = 0;            // histogram
    std::vector<std::uint64_t> bucket;  // histogram, per upper bound (not cumulative)
  };
  struct Family {
    Type type = Type::counter;
    std::string help;
    std::vector<double> buckets;
    std::map<std::string, Series, std::less<>> series;  // by rendered label set
  };
  Family& family(std::string_view name, Type type);
  Series& series(Family& f, const MetricLabels& labels);

  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
  std::mutex collectors_mutex_;  // held while collectors run: renders do not interleave them
  std::vector<std::function<void(MetricsRegistry&)>> collectors_;
};

}  // namespace shikong::protocol
