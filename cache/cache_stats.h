#pragma once

#include <atomic>
#include <cstdint>

namespace vitrina::cache {

// Counters since the cache was created. Every Get is exactly one of a hit, a miss or an error.
struct CacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  // Calls the backend could not serve: failed or timed-out commands, and calls skipped while the
  // backend is considered down.
  uint64_t errors = 0;
  // Connections re-established after a failure.
  uint64_t reconnects = 0;
};

// The lock-free counters behind CacheStats, shared by the backends. Reconnects are counted by the
// backends that hold connections, which fill them in.
class CacheCounters {
 public:
  void CountHit() { hits_.fetch_add(1, std::memory_order_relaxed); }
  void CountMiss() { misses_.fetch_add(1, std::memory_order_relaxed); }
  void CountError() { errors_.fetch_add(1, std::memory_order_relaxed); }

  CacheStats Snapshot() const {
    return CacheStats{.hits = hits_.load(std::memory_order_relaxed),
                      .misses = misses_.load(std::memory_order_relaxed),
                      .errors = errors_.load(std::memory_order_relaxed),
                      .reconnects = 0};
  }

 private:
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
  std::atomic<uint64_t> errors_{0};
};

}  // namespace vitrina::cache
