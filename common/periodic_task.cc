#include "common/periodic_task.h"

namespace vitrina {

void PeriodicTask::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  run_soon_ = true;  // the first run at once, not an interval later
  thread_ = std::thread([this] { Loop(); });
}

void PeriodicTask::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PeriodicTask::RunSoon() {
  {
    std::lock_guard lock(mutex_);
    run_soon_ = true;
  }
  wake_.notify_all();
}

void PeriodicTask::Loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, interval_, [this] { return stopping_ || run_soon_; });
    if (stopping_) break;
    run_soon_ = false;
    lock.unlock();
    work_();
    lock.lock();
  }
}

}  // namespace vitrina
