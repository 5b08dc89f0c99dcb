#pragma once

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace vitrina::server {

// Request counts and latency histograms per method and status code, rendered in Prometheus'
// text format. Written here because Debian 12 packages no Prometheus client for C++. The hot path
// is a short map lookup under a mutex and a few relaxed atomic adds (well under a microsecond).
class RequestMetrics {
 public:
  // Upper bounds of the latency buckets, in seconds.
  static constexpr std::array<double, 14> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025,  0.05,    0.1,    0.25,  0.5,    1,     10};

  void Observe(std::string_view transport, std::string_view method, absl::StatusCode code, double seconds);

  // Appends `vitrina_requests_total` and `vitrina_request_duration_seconds` to `out`.
  void AppendPrometheus(std::string& out) const;

 private:
  struct Series {
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sum_nanos{0};
    std::array<std::atomic<uint64_t>, kBuckets.size()> buckets{};
  };
  Series& SeriesFor(std::string_view transport, std::string_view method, absl::StatusCode code);

  mutable std::mutex mutex_;
  // std::map keeps Series addresses stable, so a reference stays valid after the lock is released.
  std::map<std::string, Series, std::less<>> series_;
};

}  // namespace vitrina::server
