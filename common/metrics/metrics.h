// A small Prometheus registry: counters, gauges and latency histograms with fixed label sets,
// rendered in the text exposition format (version 0.0.4) at /metrics.
#ifndef NAUTHERA_COMMON_METRICS_METRICS_H_
#define NAUTHERA_COMMON_METRICS_METRICS_H_

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "common/util/mutex.h"

namespace nauthera {

// Label values in declaration order, e.g. {"token", "200"} for labels {"endpoint", "code"}.
using LabelValues = std::vector<std::string>;

class Metrics {
 public:
  // The process-wide registry.
  static Metrics& Global();

  void DefineCounter(absl::string_view name, absl::string_view help,
                     std::vector<std::string> labels = {});
  void DefineGauge(absl::string_view name, absl::string_view help,
                   std::vector<std::string> labels = {});
  // Buckets in seconds.
  void DefineHistogram(absl::string_view name, absl::string_view help,
                       std::vector<std::string> labels, std::vector<double> buckets);

  void Increment(absl::string_view name, const LabelValues& labels = {}, double by = 1);
  void Set(absl::string_view name, const LabelValues& labels, double value);
  void Observe(absl::string_view name, const LabelValues& labels, double seconds);

  std::string Render() const;

 private:
  struct Series {
    double value = 0;               // counter / gauge, or histogram sum
    uint64_t count = 0;             // histogram
    std::vector<uint64_t> buckets;  // histogram, cumulative at render
  };
  struct Family {
    std::string help;
    std::string type;
    std::vector<std::string> labels;
    std::vector<double> bounds;
    std::map<LabelValues, Series> series;
  };
  Family* Find(absl::string_view name) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable Mutex mu_;
  std::map<std::string, Family, std::less<>> families_ ABSL_GUARDED_BY(mu_);
};

}  // namespace nauthera

#endif  // NAUTHERA_COMMON_METRICS_METRICS_H_
