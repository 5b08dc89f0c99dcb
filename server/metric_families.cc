#include "server/metric_families.h"

namespace vitrina::server {
namespace {

prometheus::MetricFamily Family(std::string name, std::string help, prometheus::MetricType type,
                                const std::vector<Sample>& samples) {
  prometheus::MetricFamily family{std::move(name), std::move(help), type, {}};
  for (const Sample& sample : samples) {
    prometheus::ClientMetric metric;
    for (const auto& [label, value] : sample.labels) metric.label.push_back({label, value});
    if (type == prometheus::MetricType::Counter) {
      metric.counter.value = sample.value;
    } else {
      metric.gauge.value = sample.value;
    }
    family.metric.push_back(std::move(metric));
  }
  return family;
}

}  // namespace

prometheus::MetricFamily CounterFamily(std::string name, std::string help, const std::vector<Sample>& samples) {
  return Family(std::move(name), std::move(help), prometheus::MetricType::Counter, samples);
}

prometheus::MetricFamily GaugeFamily(std::string name, std::string help, const std::vector<Sample>& samples) {
  return Family(std::move(name), std::move(help), prometheus::MetricType::Gauge, samples);
}

}  // namespace vitrina::server
