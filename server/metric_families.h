#pragma once

#include <string>
#include <vector>

#include "prometheus/labels.h"
#include "prometheus/metric_family.h"

namespace vitrina::server {

// Metric families built at scrape time from figures that other objects keep (the cache's
// counters, the served model, /proc/self): prometheus-cpp's custom-collector form, for values
// that would otherwise have to be copied into registered metrics on every change.
struct Sample {
  prometheus::Labels labels;
  double value = 0;
};

prometheus::MetricFamily CounterFamily(std::string name, std::string help, const std::vector<Sample>& samples);
prometheus::MetricFamily GaugeFamily(std::string name, std::string help, const std::vector<Sample>& samples);

}  // namespace vitrina::server
