#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "data/mysql_settings.h"
#include "data/mysql_url.h"

namespace sql {
class Connection;
class ResultSet;
class SQLException;
}  // namespace sql

namespace vitrina::data {

// One connection to a MySQL/MariaDB server through mysql-connector-c++ 1.1, with the settings'
// timeouts; connector exceptions never leave it.
class MysqlSession {
 public:
  // One attempt. A read-only session also runs `SET SESSION TRANSACTION READ ONLY`, so even a
  // mis-mapped query cannot write to the catalog.
  static absl::StatusOr<MysqlSession> Connect(const MysqlEndpoint& endpoint,
                                              const MysqlSettings& settings, bool read_only);

  MysqlSession(MysqlSession&&) noexcept;
  MysqlSession& operator=(MysqlSession&&) noexcept;
  ~MysqlSession();

  // Streams the rows of a SELECT through a plain forward-only statement: the only way the
  // connector does not buffer the whole result client-side. InvalidArgument when the query does
  // not return exactly `columns` columns. `*delivered_rows` turns true at the first row handed to
  // `on_row`, after which a failure must not be retried (the rows would be delivered twice).
  absl::Status Stream(std::string_view what, const std::string& query, unsigned columns,
                      const std::function<absl::Status(const sql::ResultSet&)>& on_row,
                      bool* delivered_rows);

  absl::Status Execute(std::string_view what, const std::string& statement);

 private:
  explicit MysqlSession(std::unique_ptr<sql::Connection> connection);

  std::unique_ptr<sql::Connection> connection_;
};

// Connection errors (server down, lost, timed out) become Unavailable, missing rights
// PermissionDenied, max_statement_time DeadlineExceeded, a wrong mapping (unknown table, column,
// syntax) FailedPrecondition; `context` says what was being done.
absl::Status StatusFromSqlError(const sql::SQLException& error, std::string_view context);
absl::Status StatusFromMysqlError(int code, std::string_view text, std::string_view context);

// Runs `attempt` again after an Unavailable error, as long as it delivered nothing, up to
// settings.retries times with exponential backoff from settings.retry_backoff_ms.
absl::Status RetryWhileUnavailable(const MysqlSettings& settings, std::string_view what,
                                   const std::function<absl::Status(bool* delivered)>& attempt);

}  // namespace vitrina::data
