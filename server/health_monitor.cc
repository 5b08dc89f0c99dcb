#include "server/health_monitor.h"

#include <optional>

namespace vitrina::server {

void HealthMonitor::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void HealthMonitor::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void HealthMonitor::Loop() {
  std::optional<HealthReport> last;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    HealthReport report = evaluate_();
    if (report != last) {
      on_change_(report);
      last = std::move(report);
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace vitrina::server
