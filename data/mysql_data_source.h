#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "data/data_source.h"
#include "data/mysql_settings.h"
#include "data/mysql_url.h"

namespace sql {
class ResultSet;
}  // namespace sql

namespace vitrina::data {

// The production catalog: MySQL or MariaDB, read through the SELECTs of settings.queries and
// nothing else (the session is read-only too, so a SELECT-only user is enough). Each read streams
// on its own connection; a connection error before the first row is retried with backoff, a
// server that stays down gives Unavailable within the timeouts.
class MysqlDataSource final : public DataSource {
 public:
  // Checks the URL only: connecting happens at each read, so a source opened while the server is
  // down works once it is back.
  static absl::StatusOr<std::unique_ptr<MysqlDataSource>> Open(const MysqlSettings& settings);

  std::string Name() const override;
  absl::Status ReadInteractionTypes(const InteractionTypeSink& sink) override;
  absl::Status ReadTitles(const TitleSink& sink) override;
  absl::Status ReadUsers(const UserSink& sink) override;
  absl::Status ReadInteractions(int64_t since_timestamp, const InteractionSink& sink) override;

 private:
  using RowHandler = std::function<absl::Status(const sql::ResultSet&)>;

  // Connects (read-only) and streams `query`, retrying connection errors before the first row.
  absl::Status Read(std::string_view what, const std::string& query, unsigned columns,
                    const RowHandler& on_row);

  MysqlDataSource(MysqlEndpoint endpoint, MysqlSettings settings)
      : endpoint_(std::move(endpoint)), settings_(std::move(settings)) {}

  MysqlEndpoint endpoint_;
  MysqlSettings settings_;
};

}  // namespace vitrina::data
