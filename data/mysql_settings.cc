#include "data/mysql_settings.h"

#include "common/status_macros.h"
#include "data/mysql_url.h"

namespace vitrina::data {

absl::StatusOr<MysqlSettings> MysqlSettings::FromYaml(const common::YamlSection& section) {
  RETURN_IF_ERROR(section.RejectUnknownKeys({"url", "connect_timeout_seconds",
                                             "read_timeout_seconds", "max_statement_time_seconds",
                                             "retries", "retry_backoff_ms", "queries"}));
  MysqlSettings settings;
  RETURN_IF_ERROR(section.ReadString("url", &settings.url));
  if (!settings.url.empty()) {
    absl::StatusOr<MysqlEndpoint> endpoint = ParseMysqlUrl(settings.url);
    if (!endpoint.ok()) return section.Invalid("url", std::string(endpoint.status().message()));
  }
  RETURN_IF_ERROR(
      section.ReadInt("connect_timeout_seconds", 1, 3600, &settings.connect_timeout_seconds));
  RETURN_IF_ERROR(
      section.ReadInt("read_timeout_seconds", 1, 86400, &settings.read_timeout_seconds));
  RETURN_IF_ERROR(section.ReadInt("max_statement_time_seconds", 0, 86400,
                                  &settings.max_statement_time_seconds));
  RETURN_IF_ERROR(section.ReadInt("retries", 0, 100, &settings.retries));
  RETURN_IF_ERROR(section.ReadInt("retry_backoff_ms", 0, 600000, &settings.retry_backoff_ms));

  ASSIGN_OR_RETURN(std::optional<common::YamlSection> queries, section.Child("queries"));
  if (queries) {
    RETURN_IF_ERROR(
        queries->RejectUnknownKeys({"interaction_types", "titles", "users", "interactions"}));
    RETURN_IF_ERROR(queries->ReadString("interaction_types", &settings.queries.interaction_types));
    RETURN_IF_ERROR(queries->ReadString("titles", &settings.queries.titles));
    RETURN_IF_ERROR(queries->ReadString("users", &settings.queries.users));
    RETURN_IF_ERROR(queries->ReadString("interactions", &settings.queries.interactions));
    if (settings.queries.interactions.find(kSincePlaceholder) == std::string::npos) {
      return queries->Invalid("interactions",
                              "must filter on :since (e.g. WHERE created_at > :since) so that "
                              "incremental reads stay incremental");
    }
  }
  return settings;
}

}  // namespace vitrina::data
