#include "common/metrics/metrics.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace nauthera {
namespace {

std::string LabelText(const std::vector<std::string>& names, const LabelValues& values,
                      absl::string_view extra = "") {
  std::string out;
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    std::string escaped = absl::StrReplaceAll(values[i], {{"\\", "\\\\"}, {"\"", "\\\""},
                                                          {"\n", "\\n"}});
    absl::StrAppend(&out, out.empty() ? "" : ",", names[i], "=\"", escaped, "\"");
  }
  if (!extra.empty()) absl::StrAppend(&out, out.empty() ? "" : ",", extra);
  return out.empty() ? "" : absl::StrCat("{", out, "}");
}

}  // namespace

Metrics& Metrics::Global() {
  static Metrics* metrics = new Metrics();
  return *metrics;
}

void Metrics::DefineCounter(absl::string_view name, absl::string_view help,
                            std::vector<std::string> labels) {
  MutexLock lock(&mu_);
  families_[std::string(name)] = Family{std::string(help), "counter", std::move(labels), {}, {}};
}

void Metrics::DefineGauge(absl::string_view name, absl::string_view help,
                          std::vector<std::string> labels) {
  MutexLock lock(&mu_);
  families_[std::string(name)] = Family{std::string(help), "gauge", std::move(labels), {}, {}};
}

void Metrics::DefineHistogram(absl::string_view name, absl::string_view help,
                              std::vector<std::string> labels, std::vector<double> buckets) {
  MutexLock lock(&mu_);
  families_[std::string(name)] =
      Family{std::string(help), "histogram", std::move(labels), std::move(buckets), {}};
}

Metrics::Family* Metrics::Find(absl::string_view name) {
  auto it = families_.find(name);
  return it == families_.end() ? nullptr : &it->second;
}

void Metrics::Increment(absl::string_view name, const LabelValues& labels, double by) {
  MutexLock lock(&mu_);
  if (Family* family = Find(name)) family->series[labels].value += by;
}

void Metrics::Set(absl::string_view name, const LabelValues& labels, double value) {
  MutexLock lock(&mu_);
  if (Family* family = Find(name)) family->series[labels].value = value;
}

void Metrics::Observe(absl::string_view name, const LabelValues& labels, double seconds) {
  MutexLock lock(&mu_);
  Family* family = Find(name);
  if (family == nullptr) return;
  Series& series = family->series[labels];
  if (series.buckets.empty()) series.buckets.assign(family->bounds.size(), 0);
  for (size_t i = 0; i < family->bounds.size(); ++i) {
    if (seconds <= family->bounds[i]) ++series.buckets[i];
  }
  series.value += seconds;
  ++series.count;
}

std::string Metrics::Render() const {
  MutexLock lock(&mu_);
  std::string out;
  for (const auto& [name, family] : families_) {
    absl::StrAppend(&out, "# HELP ", name, " ", family.help, "\n# TYPE ", name, " ", family.type,
                    "\n");
    if (family.series.empty() && family.labels.empty() && family.type != "histogram") {
      absl::StrAppend(&out, name, " 0\n");
    }
    for (const auto& [labels, series] : family.series) {
      if (family.type != "histogram") {
        absl::StrAppend(&out, name, LabelText(family.labels, labels), " ", series.value, "\n");
        continue;
      }
      for (size_t i = 0; i < family.bounds.size(); ++i) {
        absl::StrAppend(&out, name, "_bucket",
                        LabelText(family.labels, labels,
                                  absl::StrCat("le=\"", family.bounds[i], "\"")),
                        " ", series.buckets[i], "\n");
      }
      absl::StrAppend(&out, name, "_bucket", LabelText(family.labels, labels, "le=\"+Inf\""), " ",
                      series.count, "\n");
      absl::StrAppend(&out, name, "_sum", LabelText(family.labels, labels), " ", series.value,
                      "\n", name, "_count", LabelText(family.labels, labels), " ", series.count,
                      "\n");
    }
  }
  return out;
}

}  // namespace nauthera
