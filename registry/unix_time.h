#pragma once

#include <chrono>
#include <cstdint>

namespace vitrina::registry {

// Every timestamp the registry stores is Unix time in whole seconds: the unit of interaction
// timestamps and data watermarks, so that all of them compare without conversion.
using UnixSeconds = int64_t;

inline UnixSeconds UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace vitrina::registry
