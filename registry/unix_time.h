#pragma once

#include <chrono>
#include <cstdint>

namespace vitrina::registry {

// Every timestamp the registry stores is Unix time in whole seconds: the unit of interaction
// timestamps and data watermarks, so that all of them compare without conversion.
using UnixSeconds = int64_t;

// The times google.protobuf.Timestamp can express, 0001-01-01T00:00:00Z..9999-12-31T23:59:59Z:
// a stored time outside them cannot be shown through the API (nor written as protobuf JSON).
inline constexpr UnixSeconds kMinTimestampSeconds = -62'135'596'800;
inline constexpr UnixSeconds kMaxTimestampSeconds = 253'402'300'799;

inline UnixSeconds UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace vitrina::registry
