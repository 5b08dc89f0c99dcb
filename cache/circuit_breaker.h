#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>

namespace vitrina::cache {

// Keeps callers away from a backend that just failed: after a failure the breaker is open for
// `retry_after`, then lets exactly one call through as a probe; the probe's success closes it, its
// failure opens it again. So a dead Redis costs one connect attempt per `retry_after`, not one per
// request. Lock-free; the closed state costs one relaxed load per call.
class CircuitBreaker {
 public:
  explicit CircuitBreaker(std::chrono::steady_clock::duration retry_after)
      : retry_after_(retry_after) {}

  // Whether a call may go to the backend now.
  bool AllowRequest();
  void RecordFailure();
  // Returns true when this success closed an open breaker (the backend is back).
  bool RecordSuccess();

 private:
  using Ticks = std::chrono::steady_clock::rep;
  static constexpr Ticks kClosed = std::numeric_limits<Ticks>::min();

  static Ticks Now();

  const std::chrono::steady_clock::duration retry_after_;
  // When the next probe may go, in steady_clock ticks; kClosed while closed.
  std::atomic<Ticks> retry_at_{kClosed};
};

}  // namespace vitrina::cache
