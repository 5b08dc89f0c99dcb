#pragma once

#include <array>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "prometheus/collectable.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace vitrina::server {

// Request counts and latency histograms per transport, method and status code, as prometheus-cpp
// metrics: `vitrina_requests_total` and `vitrina_request_duration_seconds`. The hot path is a
// short map lookup under a mutex, then prometheus-cpp's atomic counter and histogram updates
// (about a microsecond).
class RequestMetrics : public prometheus::Collectable {
 public:
  // Upper bounds of the latency buckets, in seconds.
  static constexpr std::array<double, 14> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025,  0.05,    0.1,    0.25,  0.5,    1,     10};

  RequestMetrics();

  void Observe(std::string_view transport, std::string_view method, absl::StatusCode code, double seconds);

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  struct Series {
    prometheus::Counter* requests;
    prometheus::Histogram* duration;
  };
  Series SeriesFor(std::string_view transport, std::string_view method, absl::StatusCode code);

  prometheus::Registry registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& durations_;
  std::mutex mutex_;
  // By "transport/method/code": one lookup instead of building prometheus::Labels per request.
  std::map<std::string, Series, std::less<>> series_;
};

}  // namespace vitrina::server
