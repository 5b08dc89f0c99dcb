#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace vitrina::common {

// Writes `contents` to `path` so that a crash leaves either the old file or the new one, never a
// torn one: a temp file in the same folder, fsync, rename over `path`, fsync of the folder.
absl::Status WriteFileAtomically(const std::string& path, std::string_view contents);

// Reads a whole file; NotFound when it does not exist.
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace vitrina::common
