#pragma once

#include <string>

#include "absl/status/status.h"
#include "data/demo_data_source.h"

namespace vitrina::data {

// Writes the demo catalog of `spec` as an embedded catalog at `path` (what the server does at its
// first start when the embedded catalog is missing). AlreadyExists when `path` exists.
absl::Status GenerateDemoCatalog(const std::string& path, const DemoCatalogSpec& spec);

}  // namespace vitrina::data
