#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vitrina::common {

// Caller input as an error message may quote it: at most `max_bytes` of it (cut where a UTF-8
// character ends), then "…(N bytes)" when it was longer. A message echoing a 100 KB value
// unbounded would exceed gRPC's metadata limit (the caller sees RESOURCE_EXHAUSTED instead of
// the error) and bloat logs and HTTP answers.
inline constexpr size_t kMaxEchoBytes = 64;
std::string EchoForMessage(std::string_view input, size_t max_bytes = kMaxEchoBytes);

}  // namespace vitrina::common
