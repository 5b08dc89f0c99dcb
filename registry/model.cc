#include "registry/model.h"

#include <ctime>

#include "fmt/chrono.h"
#include "fmt/format.h"

namespace vitrina::registry {

std::string_view ToString(ModelStatus status) {
  switch (status) {
    case ModelStatus::kReady:
      return "ready";
    case ModelStatus::kDeleted:
      return "deleted";
  }
  return "unknown";
}

std::optional<ModelStatus> ParseModelStatus(std::string_view text) {
  for (ModelStatus status : {ModelStatus::kReady, ModelStatus::kDeleted}) {
    if (ToString(status) == text) return status;
  }
  return std::nullopt;
}

absl::Status DeletedModelError(int64_t model_id, std::optional<UnixSeconds> deleted_at) {
  if (!deleted_at) return absl::NotFoundError(fmt::format("model {} was deleted", model_id));
  return absl::NotFoundError(fmt::format("model {} was deleted at {:%Y-%m-%dT%H:%M:%SZ}", model_id,
                                         fmt::gmtime(static_cast<std::time_t>(*deleted_at))));
}

}  // namespace vitrina::registry
