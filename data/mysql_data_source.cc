#include "data/mysql_data_source.h"

#include "common/status_macros.h"
#include "cppconn/resultset.h"
#include "data/list_column.h"
#include "data/mysql_session.h"
#include "fmt/format.h"

namespace vitrina::data {
namespace {

// Replaces every :since of the interactions query by the integer bound (no user text is ever
// spliced into SQL, so nothing needs escaping).
std::string WithSince(const std::string& query, int64_t bound) {
  std::string result;
  std::string literal = std::to_string(bound);
  size_t start = 0;
  for (size_t found; (found = query.find(kSincePlaceholder, start)) != std::string::npos;
       start = found + kSincePlaceholder.size()) {
    result.append(query, start, found - start).append(literal);
  }
  result.append(query, start);
  return result;
}

std::string NullableString(const sql::ResultSet& row, uint32_t column) {
  return row.isNull(column) ? std::string() : std::string(row.getString(column));
}

absl::StatusOr<int64_t> RequiredId(const sql::ResultSet& row, uint32_t column,
                                   std::string_view what) {
  if (row.isNull(column)) {
    return absl::DataLossError(fmt::format("{}: NULL id in column {}", what, column));
  }
  return row.getInt64(column);
}

}  // namespace

absl::StatusOr<std::unique_ptr<MysqlDataSource>> MysqlDataSource::Open(
    const MysqlSettings& settings) {
  ASSIGN_OR_RETURN(MysqlEndpoint endpoint, ParseMysqlUrl(settings.url));
  return std::unique_ptr<MysqlDataSource>(new MysqlDataSource(std::move(endpoint), settings));
}

std::string MysqlDataSource::Name() const { return endpoint_.Redacted(); }

absl::Status MysqlDataSource::Read(std::string_view what, const std::string& query,
                                   unsigned columns, const RowHandler& on_row) {
  return RetryWhileUnavailable(settings_, what, [&](bool* delivered) -> absl::Status {
    ASSIGN_OR_RETURN(MysqlSession session,
                     MysqlSession::Connect(endpoint_, settings_, /*read_only=*/true));
    return session.Stream(what, query, columns, on_row, delivered);
  });
}

absl::Status MysqlDataSource::ReadInteractionTypes(const InteractionTypeSink& sink) {
  InteractionTypeRecord record;
  return Read("reading interaction types", settings_.queries.interaction_types, 2,
              [&](const sql::ResultSet& row) {
                record.name = NullableString(row, 1);
                record.weight = row.isNull(2) ? 1.0 : static_cast<double>(row.getDouble(2));
                return sink(record);
              });
}

absl::Status MysqlDataSource::ReadTitles(const TitleSink& sink) {
  TitleRecord record;
  return Read("reading titles", settings_.queries.titles, 5,
              [&](const sql::ResultSet& row) -> absl::Status {
                ASSIGN_OR_RETURN(record.id, RequiredId(row, 1, "reading titles"));
                record.name = NullableString(row, 2);
                record.available = row.isNull(3) || row.getBoolean(3);
                record.genres = SplitListColumn(NullableString(row, 4));
                record.creators = SplitListColumn(NullableString(row, 5));
                return sink(record);
              });
}

absl::Status MysqlDataSource::ReadUsers(const UserSink& sink) {
  UserRecord record;
  return Read("reading users", settings_.queries.users, 2,
              [&](const sql::ResultSet& row) -> absl::Status {
                ASSIGN_OR_RETURN(record.id, RequiredId(row, 1, "reading users"));
                record.features = SplitListColumn(NullableString(row, 2));
                return sink(record);
              });
}

absl::Status MysqlDataSource::ReadInteractions(int64_t since_timestamp,
                                               const InteractionSink& sink) {
  InteractionRecord record;
  const std::string query =
      WithSince(settings_.queries.interactions, ExclusiveLowerBound(since_timestamp));
  return Read("reading interactions", query, 5, [&](const sql::ResultSet& row) -> absl::Status {
    ASSIGN_OR_RETURN(record.user_id, RequiredId(row, 1, "reading interactions"));
    ASSIGN_OR_RETURN(record.title_id, RequiredId(row, 2, "reading interactions"));
    record.type = NullableString(row, 3);
    record.value = row.isNull(4) ? 0.0 : static_cast<double>(row.getDouble(4));
    record.timestamp = row.isNull(5) ? 0 : row.getInt64(5);
    return sink(record);
  });
}

}  // namespace vitrina::data
