#include "cache/circuit_breaker.h"

#include <thread>

#include "gtest/gtest.h"

namespace vitrina::cache {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kRetryAfter{200};

void WaitPastRetryAfter() { std::this_thread::sleep_for(kRetryAfter + milliseconds(50)); }

TEST(CircuitBreakerTest, LetsEveryCallThroughWhileClosed) {
  CircuitBreaker breaker(kRetryAfter);
  for (int call = 0; call < 3; ++call) EXPECT_TRUE(breaker.AllowRequest());
  EXPECT_FALSE(breaker.RecordSuccess());
}

TEST(CircuitBreakerTest, KeepsCallsAwayAfterAFailureThenLetsOneProbeThrough) {
  CircuitBreaker breaker(kRetryAfter);
  breaker.RecordFailure();
  EXPECT_FALSE(breaker.AllowRequest());

  WaitPastRetryAfter();

  EXPECT_TRUE(breaker.AllowRequest());
  EXPECT_FALSE(breaker.AllowRequest()) << "a second caller while the probe is out";
}

TEST(CircuitBreakerTest, ASuccessfulProbeClosesTheBreaker) {
  CircuitBreaker breaker(kRetryAfter);
  breaker.RecordFailure();
  WaitPastRetryAfter();
  ASSERT_TRUE(breaker.AllowRequest());

  EXPECT_TRUE(breaker.RecordSuccess());

  EXPECT_TRUE(breaker.AllowRequest());
  EXPECT_TRUE(breaker.AllowRequest());
}

TEST(CircuitBreakerTest, AFailedProbeOpensTheBreakerAgain) {
  CircuitBreaker breaker(kRetryAfter);
  breaker.RecordFailure();
  WaitPastRetryAfter();
  ASSERT_TRUE(breaker.AllowRequest());

  breaker.RecordFailure();

  EXPECT_FALSE(breaker.AllowRequest());
}

}  // namespace
}  // namespace vitrina::cache
