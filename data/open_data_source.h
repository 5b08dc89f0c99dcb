#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "data/data_source.h"
#include "data/data_source_config.h"

namespace vitrina::data {

// The source the config names: the embedded catalog (NotFound when its file does not exist yet,
// so the caller can create the demo with GenerateDemoCatalog) or MySQL (InvalidArgument for a bad
// URL; the server is first contacted at the first read).
absl::StatusOr<std::unique_ptr<DataSource>> OpenDataSource(const DataSourceConfig& config);

}  // namespace vitrina::data
