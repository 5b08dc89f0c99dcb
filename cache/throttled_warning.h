#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace vitrina::cache {

// A warning that may fire on every request while a dependency is down: logs (spdlog warn) at most
// one line per interval, with how many occurrences it stands for.
class ThrottledWarning {
 public:
  ThrottledWarning(std::string subject, std::chrono::steady_clock::duration interval)
      : subject_(std::move(subject)), interval_(interval) {}

  void Report(std::string_view problem);

 private:
  const std::string subject_;
  const std::chrono::steady_clock::duration interval_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point last_logged_{};
  uint64_t unlogged_ = 0;
};

}  // namespace vitrina::cache
