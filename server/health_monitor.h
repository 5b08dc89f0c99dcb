#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include "common/periodic_task.h"
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
      : evaluate_(std::move(evaluate)), on_change_(std::move(on_change)), task_([this] { Check(); }, interval) {}
  ~HealthMonitor() { Stop(); }

  // Reports the current state at once, then on every change.
  void Start() { task_.Start(); }
  void Stop() { task_.Stop(); }

 private:
  void Check();

  Evaluate evaluate_;
  OnChange on_change_;
  std::optional<HealthReport> last_;  // the task's thread alone reads and writes it
  PeriodicTask task_;                 // last: its thread stops before the members it uses go
};

}  // namespace vitrina::server
