#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "vitrina/v1/common.pb.h"

namespace vitrina::server {

// Loss and schedule names as LightFM and the trainer CLI spell them ("warp-kos", "adagrad") or as
// the enums do ("WARP_KOS"), case-insensitive. Shared by the config, the API and the HTTP edge.
absl::StatusOr<v1::Loss> LossFromName(std::string_view name);
absl::StatusOr<v1::LearningSchedule> LearningScheduleFromName(std::string_view name);

}  // namespace vitrina::server
