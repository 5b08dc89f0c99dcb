#include "server/training_names.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "common/echo_for_message.h"
#include "fmt/format.h"

namespace vitrina::server {
namespace {

// "warp-kos" -> "WARP_KOS", the enum's own spelling.
std::string EnumSpelling(std::string_view name) {
  std::string upper(name);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  std::replace(upper.begin(), upper.end(), '-', '_');
  return upper;
}

}  // namespace

absl::StatusOr<v1::Loss> LossFromName(std::string_view name) {
  v1::Loss loss;
  if (!v1::Loss_Parse(EnumSpelling(name), &loss) || loss == v1::LOSS_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        fmt::format("unknown loss '{}' (expected logistic, bpr, warp or warp-kos)", common::EchoForMessage(name)));
  }
  return loss;
}

absl::StatusOr<v1::LearningSchedule> LearningScheduleFromName(std::string_view name) {
  v1::LearningSchedule schedule;
  if (!v1::LearningSchedule_Parse(EnumSpelling(name), &schedule) ||
      schedule == v1::LEARNING_SCHEDULE_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        fmt::format("unknown learning schedule '{}' (expected adagrad or adadelta)", common::EchoForMessage(name)));
  }
  return schedule;
}

}  // namespace vitrina::server
