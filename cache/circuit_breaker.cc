#include "cache/circuit_breaker.h"

namespace vitrina::cache {

CircuitBreaker::Ticks CircuitBreaker::Now() {
  return std::chrono::steady_clock::now().time_since_epoch().count();
}

bool CircuitBreaker::AllowRequest() {
  Ticks retry_at = retry_at_.load(std::memory_order_relaxed);
  if (retry_at == kClosed) return true;
  const Ticks now = Now();
  if (now < retry_at) return false;
  // Only the caller that moves the deadline forward probes; the others keep skipping.
  return retry_at_.compare_exchange_strong(retry_at, now + retry_after_.count(),
                                           std::memory_order_relaxed);
}

void CircuitBreaker::RecordFailure() {
  retry_at_.store(Now() + retry_after_.count(), std::memory_order_relaxed);
}

bool CircuitBreaker::RecordSuccess() {
  if (retry_at_.load(std::memory_order_relaxed) == kClosed) return false;
  return retry_at_.exchange(kClosed, std::memory_order_relaxed) != kClosed;
}

}  // namespace vitrina::cache
