#include "cache/throttled_warning.h"

#include "spdlog/spdlog.h"

namespace vitrina::cache {

void ThrottledWarning::Report(std::string_view problem) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  ++unlogged_;
  if (last_logged_ != std::chrono::steady_clock::time_point{} && now - last_logged_ < interval_) {
    return;
  }
  spdlog::warn("{}: {} [{} occurrence(s) since the last report]", subject_, problem, unlogged_);
  last_logged_ = now;
  unlogged_ = 0;
}

}  // namespace vitrina::cache
