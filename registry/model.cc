#include "registry/model.h"

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

}  // namespace vitrina::registry
