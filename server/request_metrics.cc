#include "server/request_metrics.h"

#include "absl/status/status.h"
#include "fmt/format.h"

namespace vitrina::server {
namespace {

// The series key doubles as the rendered label set.
std::string Labels(std::string_view transport, std::string_view method, absl::StatusCode code) {
  return fmt::format("transport=\"{}\",method=\"{}\",code=\"{}\"", transport, method,
                     absl::StatusCodeToString(code));
}

}  // namespace

RequestMetrics::Series& RequestMetrics::SeriesFor(std::string_view transport, std::string_view method,
                                                  absl::StatusCode code) {
  std::string key = Labels(transport, method, code);
  std::lock_guard lock(mutex_);
  return series_[key];
}

void RequestMetrics::Observe(std::string_view transport, std::string_view method, absl::StatusCode code,
                             double seconds) {
  Series& series = SeriesFor(transport, method, code);
  series.count.fetch_add(1, std::memory_order_relaxed);
  series.sum_nanos.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      series.buckets[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
}

void RequestMetrics::AppendPrometheus(std::string& out) const {
  std::lock_guard lock(mutex_);
  out += "# HELP vitrina_requests_total Requests answered, by transport, method and status code.\n";
  out += "# TYPE vitrina_requests_total counter\n";
  for (const auto& [labels, series] : series_) {
    out += fmt::format("vitrina_requests_total{{{}}} {}\n", labels, series.count.load());
  }
  out += "# HELP vitrina_request_duration_seconds Time to answer a request.\n";
  out += "# TYPE vitrina_request_duration_seconds histogram\n";
  for (const auto& [labels, series] : series_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += series.buckets[i].load();
      out += fmt::format("vitrina_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels, kBuckets[i], cumulative);
    }
    out += fmt::format("vitrina_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", labels, series.count.load());
    out += fmt::format("vitrina_request_duration_seconds_sum{{{}}} {}\n", labels, series.sum_nanos.load() / 1e9);
    out += fmt::format("vitrina_request_duration_seconds_count{{{}}} {}\n", labels, series.count.load());
  }
}

}  // namespace vitrina::server
