#include "common/periodic_task.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace vitrina {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Counts the task's runs and lets the test wait for a count (bounded).
class RunCounter {
 public:
  void Ran() {
    {
      std::lock_guard lock(mutex_);
      ++runs_;
    }
    changed_.notify_all();
  }
  bool WaitFor(int runs) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, seconds(30), [&] { return runs_ >= runs; });
  }
  int runs() {
    std::lock_guard lock(mutex_);
    return runs_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int runs_ = 0;
};

TEST(PeriodicTaskTest, RunsAtOnceThenWhenAskedWithoutWaitingAnInterval) {
  RunCounter counter;
  PeriodicTask task([&] { counter.Ran(); }, hours(1));
  task.Start();
  ASSERT_TRUE(counter.WaitFor(1)) << "the first run comes at start";
  task.RunSoon();
  ASSERT_TRUE(counter.WaitFor(2)) << "RunSoon does not wait the hour";
  task.Stop();
  EXPECT_EQ(counter.runs(), 2);
}

TEST(PeriodicTaskTest, RunsEveryInterval) {
  RunCounter counter;
  PeriodicTask task([&] { counter.Ran(); }, milliseconds(5));
  task.Start();
  EXPECT_TRUE(counter.WaitFor(4));
}

TEST(PeriodicTaskTest, StopWaitsForTheRunInProgressAndEndsTheRuns) {
  RunCounter counter;
  std::mutex gate;
  std::unique_lock held(gate);
  PeriodicTask task(
      [&] {
        counter.Ran();
        std::lock_guard wait_for_the_test(gate);
      },
      milliseconds(1));
  task.Start();
  ASSERT_TRUE(counter.WaitFor(1));
  held.unlock();  // the run in progress may end now; Stop joins it
  task.Stop();
  const int runs = counter.runs();
  task.RunSoon();  // no thread: nothing runs
  EXPECT_EQ(counter.runs(), runs);
  task.Start();  // and it starts again
  EXPECT_TRUE(counter.WaitFor(runs + 1));
}

}  // namespace
}  // namespace vitrina
