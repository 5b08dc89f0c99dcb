#pragma once

#include <string>

namespace vitrina::server {

// What /health and the gRPC health service report, evaluated on each ask (and polled for gRPC).
struct HealthReport {
  bool model_serving = false;   // a model answers (the holder is not empty)
  bool registry_intact = true;  // the registry file is still the one opened: writes are kept
  // Why the server is not serving, or what is degraded while it serves (a start-up fallback
  // model); empty when all is well.
  std::string detail;

  // Healthy as a whole: it answers and keeps what it is told.
  bool serving() const { return model_serving && registry_intact; }
  bool operator==(const HealthReport&) const = default;
};

}  // namespace vitrina::server
