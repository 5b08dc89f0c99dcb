#include "server/request_metrics.h"

#include "fmt/format.h"

namespace vitrina::server {

RequestMetrics::RequestMetrics()
    : requests_(prometheus::BuildCounter()
                    .Name("vitrina_requests_total")
                    .Help("Requests answered, by transport, method and status code.")
                    .Register(registry_)),
      durations_(prometheus::BuildHistogram()
                     .Name("vitrina_request_duration_seconds")
                     .Help("Time to answer a request.")
                     .Register(registry_)) {}

RequestMetrics::Series RequestMetrics::SeriesFor(std::string_view transport, std::string_view method,
                                                 absl::StatusCode code) {
  const std::string code_name = absl::StatusCodeToString(code);
  std::string key = fmt::format("{}/{}/{}", transport, method, code_name);
  std::lock_guard lock(mutex_);
  auto it = series_.find(key);
  if (it != series_.end()) return it->second;
  const prometheus::Labels labels = {
      {"transport", std::string(transport)}, {"method", std::string(method)}, {"code", code_name}};
  Series series{&requests_.Add(labels),
                &durations_.Add(labels, prometheus::Histogram::BucketBoundaries(kBuckets.begin(), kBuckets.end()))};
  series_.emplace(std::move(key), series);
  return series;
}

void RequestMetrics::Observe(std::string_view transport, std::string_view method, absl::StatusCode code,
                             double seconds) {
  Series series = SeriesFor(transport, method, code);
  series.requests->Increment();
  series.duration->Observe(seconds);
}

std::vector<prometheus::MetricFamily> RequestMetrics::Collect() const { return registry_.Collect(); }

}  // namespace vitrina::server
