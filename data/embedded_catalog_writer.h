#pragma once

#include <string>

#include "absl/status/status.h"
#include "data/data_source.h"

namespace vitrina::data {

// Copies everything `source` serves into a new embedded catalog at `path` (schema of
// EmbeddedSchemaSql()). The file appears complete or not at all: it is built beside `path`,
// synced, then renamed. AlreadyExists when `path` exists; missing parent folders are created.
absl::Status WriteEmbeddedCatalog(DataSource& source, const std::string& path);

}  // namespace vitrina::data
