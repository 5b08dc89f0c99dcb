#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "data/mysql_settings.h"
#include "yaml-cpp/yaml.h"

namespace vitrina::data {

// Which catalog the server reads: the embedded SQLite file (the zero-setup default) or MySQL.
struct DataSourceConfig {
  enum class Kind { kEmbedded, kMysql };

  Kind kind = Kind::kEmbedded;
  std::string embedded_path = "data/catalog.db";
  MysqlSettings mysql;

  // Parses a `data_source:` section (see data/README.md). The MySQL URL may be left out and set
  // afterwards (from VITRINA_MYSQL_URL); OpenDataSource checks it.
  static absl::StatusOr<DataSourceConfig> FromYaml(const YAML::Node& node);
};

}  // namespace vitrina::data
