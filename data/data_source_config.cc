#include "data/data_source_config.h"

#include "common/status_macros.h"
#include "common/yaml_section.h"

namespace vitrina::data {

absl::StatusOr<DataSourceConfig> DataSourceConfig::FromYaml(const YAML::Node& node) {
  ASSIGN_OR_RETURN(common::YamlSection section, common::YamlSection::Open(node, "data_source"));
  RETURN_IF_ERROR(section.RejectUnknownKeys({"kind", "embedded", "mysql"}));
  DataSourceConfig config;
  std::string kind = "embedded";
  RETURN_IF_ERROR(section.ReadString("kind", &kind));
  if (kind == "mysql") {
    config.kind = Kind::kMysql;
  } else if (kind != "embedded") {
    return section.Invalid("kind", "must be 'embedded' or 'mysql', got '" + kind + "'");
  }

  ASSIGN_OR_RETURN(std::optional<common::YamlSection> embedded, section.Child("embedded"));
  if (embedded) {
    RETURN_IF_ERROR(embedded->RejectUnknownKeys({"path"}));
    RETURN_IF_ERROR(embedded->ReadString("path", &config.embedded_path));
    if (config.embedded_path.empty()) return embedded->Invalid("path", "must not be empty");
  }
  ASSIGN_OR_RETURN(std::optional<common::YamlSection> mysql, section.Child("mysql"));
  if (mysql) {
    ASSIGN_OR_RETURN(config.mysql, MysqlSettings::FromYaml(*mysql));
  }
  return config;
}

}  // namespace vitrina::data
