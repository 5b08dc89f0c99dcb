#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace vitrina::simulation {

// Where the simulator sends its calls. Only loopback: a load generator pointed at a shared or
// production server by a typo would be a denial of service, so anything else is refused.
struct LoopbackTarget {
  std::string host;  // "127.x.y.z", "localhost" or "::1" (no brackets)
  int port = 0;

  std::string ToString() const;
};

// "127.0.0.1:8080", "localhost:8080" or "[::1]:8080". InvalidArgument (naming --http) for any other
// host, a missing or out-of-range port.
absl::StatusOr<LoopbackTarget> ParseLoopbackTarget(std::string_view text);

}  // namespace vitrina::simulation
