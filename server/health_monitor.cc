#include "server/health_monitor.h"

namespace vitrina::server {

void HealthMonitor::Check() {
  HealthReport report = evaluate_();
  if (report != last_) {
    on_change_(report);
    last_ = std::move(report);
  }
}

}  // namespace vitrina::server
