#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "server/health_report.h"

namespace vitrina::server {

// Evaluates the server's health every `interval` on its own thread and hands each report that
// differs from the previous one to `on_change`: the gRPC health service is told, not asked, so a
// change nobody announces (the registry file deleted under the server) must be looked for.
class HealthMonitor {
 public:
  using Evaluate = std::function<HealthReport()>;
  using OnChange = std::function<void(const HealthReport&)>;

  HealthMonitor(Evaluate evaluate, OnChange on_change, std::chrono::milliseconds interval)
      : evaluate_(std::move(evaluate)), on_change_(std::move(on_change)), interval_(interval) {}
  ~HealthMonitor() { Stop(); }

  // Reports the current state at once, then on every change.
  void Start();
  void Stop();

 private:
  void Loop();

  Evaluate evaluate_;
  OnChange on_change_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vitrina::server
