#include "data/mysql_session.h"

#include <chrono>
#include <thread>

#include "cppconn/driver.h"
#include "cppconn/exception.h"
#include "cppconn/resultset.h"
#include "cppconn/resultset_metadata.h"
#include "cppconn/statement.h"
#include "fmt/format.h"
#include "spdlog/spdlog.h"

namespace vitrina::data {
namespace {

// MySQL client and server error codes (errmsg.h, mysqld_error.h) that mean "no usable server".
bool IsConnectionError(int code) {
  switch (code) {
    case 1040:  // too many connections
    case 1053:  // server shutdown in progress
    case 1927:  // connection killed
    case 2002:  // cannot connect (MariaDB's client uses it for refused TCP too)
    case 2003:  // cannot connect to host
    case 2005:  // unknown host
    case 2006:  // server has gone away
    case 2013:  // lost connection (also: read timeout)
    case 2055:  // lost connection at a given stage
    case 4031:  // disconnected for inactivity
      return true;
    default:
      return false;
  }
}

sql::Driver* Driver() {
  // The first call initializes the client library, which is not thread-safe: do it once.
  static sql::Driver* driver = get_driver_instance();
  return driver;
}

}  // namespace

absl::Status StatusFromSqlError(const sql::SQLException& error, std::string_view context) {
  return StatusFromMysqlError(error.getErrorCode(), error.what(), context);
}

absl::Status StatusFromMysqlError(int code, std::string_view text, std::string_view context) {
  std::string message = fmt::format("{}: MySQL error {} ({})", context, code, text);
  if (IsConnectionError(code)) return absl::UnavailableError(message);
  switch (code) {
    case 1044:  // access denied to a database
    case 1045:  // wrong user or password
    case 1142:  // command denied on a table (e.g. a write by a SELECT-only user)
    case 1143:  // column access denied
    case 1227:  // needs a privilege
      return absl::PermissionDeniedError(message);
    case 1969:  // max_statement_time exceeded
    case 3024:  // MySQL's max_execution_time exceeded
      return absl::DeadlineExceededError(message);
    case 1049:  // unknown database
    case 1054:  // unknown column
    case 1064:  // syntax error
    case 1146:  // unknown table
      return absl::FailedPreconditionError(message);
    default:
      return absl::InternalError(message);
  }
}

MysqlSession::MysqlSession(std::unique_ptr<sql::Connection> connection)
    : connection_(std::move(connection)) {}
MysqlSession::MysqlSession(MysqlSession&&) noexcept = default;
MysqlSession& MysqlSession::operator=(MysqlSession&&) noexcept = default;
MysqlSession::~MysqlSession() = default;

absl::StatusOr<MysqlSession> MysqlSession::Connect(const MysqlEndpoint& endpoint,
                                                   const MysqlSettings& settings, bool read_only) {
  sql::ConnectOptionsMap options;
  options["hostName"] = sql::SQLString(fmt::format("tcp://{}:{}", endpoint.host, endpoint.port));
  options["userName"] = sql::SQLString(endpoint.user);
  options["password"] = sql::SQLString(endpoint.password);
  options["schema"] = sql::SQLString(endpoint.database);
  options["OPT_CONNECT_TIMEOUT"] = settings.connect_timeout_seconds;
  options["OPT_READ_TIMEOUT"] = settings.read_timeout_seconds;
  options["OPT_WRITE_TIMEOUT"] = settings.read_timeout_seconds;
  options["OPT_RECONNECT"] = false;
  std::unique_ptr<sql::Connection> connection;
  try {
    connection.reset(Driver()->connect(options));
  } catch (const sql::SQLException& e) {
    return StatusFromSqlError(e, fmt::format("connecting to {}", endpoint.Redacted()));
  }
  MysqlSession session(std::move(connection));
  if (settings.max_statement_time_seconds > 0) {
    absl::Status status = session.Execute(
        "setting max_statement_time",
        fmt::format("SET SESSION max_statement_time = {}", settings.max_statement_time_seconds));
    if (!status.ok()) return status;
  }
  if (read_only) {
    absl::Status status =
        session.Execute("making the session read-only", "SET SESSION TRANSACTION READ ONLY");
    if (!status.ok()) return status;
  }
  return session;
}

absl::Status MysqlSession::Execute(std::string_view what, const std::string& statement) {
  try {
    std::unique_ptr<sql::Statement> sql_statement(connection_->createStatement());
    sql_statement->execute(statement);
    return absl::OkStatus();
  } catch (const sql::SQLException& e) {
    return StatusFromSqlError(e, what);
  }
}

absl::Status MysqlSession::Stream(std::string_view what, const std::string& query, unsigned columns,
                                  const std::function<absl::Status(const sql::ResultSet&)>& on_row,
                                  bool* delivered_rows) {
  try {
    std::unique_ptr<sql::Statement> statement(connection_->createStatement());
    statement->setResultSetType(sql::ResultSet::TYPE_FORWARD_ONLY);
    std::unique_ptr<sql::ResultSet> rows(statement->executeQuery(query));
    unsigned returned = rows->getMetaData()->getColumnCount();
    if (returned != columns) {
      return absl::InvalidArgumentError(
          fmt::format("{}: the query returns {} columns, expected {} (see data/README.md)", what,
                      returned, columns));
    }
    int64_t delivered = 0;
    while (rows->next()) {
      *delivered_rows = true;
      ++delivered;
      absl::Status status = on_row(*rows);
      if (!status.ok()) return status;
    }
    // The connector ends a streamed result silently when the server aborts it (max_statement_time,
    // a kill): next() just returns false. Only the statement's diagnostics tell a complete result
    // from a truncated one.
    rows.reset();
    std::unique_ptr<sql::ResultSet> errors(statement->executeQuery("SHOW ERRORS"));
    if (errors->next()) {
      return StatusFromMysqlError(
          errors->getInt(2), std::string(errors->getString(3)),
          fmt::format("{}: the stream was cut after {} rows", what, delivered));
    }
    return absl::OkStatus();
  } catch (const sql::SQLException& e) {
    return StatusFromSqlError(e, what);
  }
}

absl::Status RetryWhileUnavailable(const MysqlSettings& settings, std::string_view what,
                                   const std::function<absl::Status(bool* delivered)>& attempt) {
  std::chrono::milliseconds backoff(settings.retry_backoff_ms);
  for (int tries = 0;; ++tries) {
    bool delivered = false;
    absl::Status status = attempt(&delivered);
    if (status.ok() || !absl::IsUnavailable(status) || delivered) return status;
    if (tries >= settings.retries) {
      return absl::UnavailableError(
          fmt::format("{} (gave up after {} retries)", std::string(status.message()), tries));
    }
    spdlog::warn("{}: {}; retry {}/{} in {} ms", what, std::string(status.message()), tries + 1,
                 settings.retries, backoff.count());
    std::this_thread::sleep_for(backoff);
    backoff *= 2;
  }
}

}  // namespace vitrina::data
