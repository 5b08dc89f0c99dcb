#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "registry/model_registry.h"

namespace vitrina::server {

// Model files (`*.vtm`) in `models_dir` that no registry row names, deleted models included:
// what a registry file lost or replaced leaves behind. Sorted by path.
absl::StatusOr<std::vector<std::string>> FindOrphanModelFiles(const std::string& models_dir,
                                                              const registry::ModelRegistry& registry);

// Records a model file the registry does not know as a ready, inactive model that ActivateModel
// can serve. The file is read whole and checked (format, CRC-32), and so is its popularity
// snapshot beside it. What the file cannot tell is approximated: the parameters come from its
// hyperparameters (no epochs), metrics and dataset figures stay empty, and the watermark (where an
// incremental training continues) is the file's modification time. AlreadyExists when a registry
// row names the file; the file's own errors (NotFound, DataLoss, InvalidArgument) name it.
absl::StatusOr<registry::ModelRecord> RegisterModelFile(registry::ModelRegistry& registry, const std::string& path);

// The command that re-registers `files` into the registry at `registry_path`, as printed in logs.
std::string ReRegisterCommand(const std::string& registry_path, const std::vector<std::string>& files);

}  // namespace vitrina::server
