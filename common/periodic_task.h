#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace vitrina {

// Runs `work` on a thread of its own: as soon as it starts, then every `interval`, and early when
// asked (RunSoon). One run at a time; Stop waits for a run in progress and ends the thread. For the
// server's background duties that poll something (health, the catalog's newcomers).
class PeriodicTask {
 public:
  PeriodicTask(std::function<void()> work, std::chrono::milliseconds interval)
      : work_(std::move(work)), interval_(interval) {}
  ~PeriodicTask() { Stop(); }

  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  // Starts the thread (its first run at once); a second Start while it runs does nothing.
  void Start();
  // Ends the thread after the run in progress, if any; Start may follow.
  void Stop();
  // The next run starts now, or right after the one in progress, instead of an interval later.
  void RunSoon();

 private:
  void Loop();

  const std::function<void()> work_;
  const std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool run_soon_ = false;
  std::thread thread_;
};

}  // namespace vitrina
