#include "data/open_data_source.h"

#include "common/status_macros.h"
#include "data/mysql_data_source.h"
#include "data/sqlite_data_source.h"

namespace vitrina::data {

absl::StatusOr<std::unique_ptr<DataSource>> OpenDataSource(const DataSourceConfig& config) {
  switch (config.kind) {
    case DataSourceConfig::Kind::kEmbedded: {
      ASSIGN_OR_RETURN(std::unique_ptr<SqliteDataSource> source,
                       SqliteDataSource::Open(config.embedded_path));
      return std::unique_ptr<DataSource>(std::move(source));
    }
    case DataSourceConfig::Kind::kMysql: {
      ASSIGN_OR_RETURN(std::unique_ptr<MysqlDataSource> source,
                       MysqlDataSource::Open(config.mysql));
      return std::unique_ptr<DataSource>(std::move(source));
    }
  }
  return absl::InvalidArgumentError("unknown data source kind");
}

}  // namespace vitrina::data
