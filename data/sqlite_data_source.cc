#include "data/sqlite_data_source.h"

#include <filesystem>
#include <optional>

#include "SQLiteCpp/Statement.h"
#include "common/status_macros.h"
#include "data/embedded_schema.h"
#include "data/list_column.h"
#include "fmt/format.h"

namespace vitrina::data {
namespace {

constexpr int kBusyTimeoutMs = 60000;

constexpr const char* kTypesQuery = "SELECT name, weight FROM interaction_types ORDER BY name";
constexpr const char* kTitlesQuery = R"sql(
SELECT t.id, t.name, t.available,
  (SELECT group_concat(g.genre, char(9)) FROM title_genres g WHERE g.title_id = t.id),
  (SELECT group_concat(c.creator, char(9)) FROM title_creators c WHERE c.title_id = t.id)
FROM titles t ORDER BY t.id)sql";
constexpr const char* kUsersQuery = R"sql(
SELECT u.id, (SELECT group_concat(f.feature, char(9)) FROM user_features f WHERE f.user_id = u.id)
FROM users u ORDER BY u.id)sql";
constexpr const char* kInteractionsQuery = R"sql(
SELECT user_id, title_id, type, value, created_at FROM interactions
WHERE created_at > ? ORDER BY id)sql";

// Runs `query` and hands each row to `on_row`; SQLite errors become Internal naming the catalog.
template <typename OnRow>
absl::Status ForEachRow(const SQLite::Database& db, const std::string& path, const char* query,
                        std::optional<int64_t> parameter, const OnRow& on_row) {
  try {
    SQLite::Statement statement(db, query);
    if (parameter) statement.bind(1, *parameter);
    while (statement.executeStep()) RETURN_IF_ERROR(on_row(statement));
    return absl::OkStatus();
  } catch (const SQLite::Exception& e) {
    return absl::InternalError(fmt::format("reading embedded catalog {}: {}", path, e.what()));
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteDataSource>> SqliteDataSource::Open(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    return absl::NotFoundError(fmt::format("embedded catalog {} does not exist", path));
  }
  try {
    auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READONLY);
    // vitrina-import may be committing into the catalog: a read waits for the commit instead of
    // failing with "database is locked".
    db->setBusyTimeout(kBusyTimeoutMs);
    int version = db->execAndGet("PRAGMA user_version").getInt();
    if (version != kEmbeddedSchemaVersion) {
      return absl::FailedPreconditionError(
          fmt::format("{} is not a Vitrina catalog of schema version {} (user_version is {})", path,
                      kEmbeddedSchemaVersion, version));
    }
    return std::unique_ptr<SqliteDataSource>(new SqliteDataSource(path, std::move(db)));
  } catch (const SQLite::Exception& e) {
    return absl::FailedPreconditionError(
        fmt::format("cannot open embedded catalog {}: {}", path, e.what()));
  }
}

std::string SqliteDataSource::Name() const { return fmt::format("sqlite:{}", path_); }

absl::Status SqliteDataSource::ReadInteractionTypes(const InteractionTypeSink& sink) {
  InteractionTypeRecord record;
  return ForEachRow(*db_, path_, kTypesQuery, std::nullopt, [&](SQLite::Statement& row) {
    record.name = row.getColumn(0).getString();
    record.weight = row.getColumn(1).getDouble();
    return sink(record);
  });
}

absl::Status SqliteDataSource::ReadTitles(const TitleSink& sink) {
  TitleRecord record;
  return ForEachRow(*db_, path_, kTitlesQuery, std::nullopt, [&](SQLite::Statement& row) {
    record.id = row.getColumn(0).getInt64();
    record.name = row.getColumn(1).getString();
    record.available = row.getColumn(2).getInt() != 0;
    record.genres = SplitListColumn(row.getColumn(3).getString());
    record.creators = SplitListColumn(row.getColumn(4).getString());
    return sink(record);
  });
}

absl::Status SqliteDataSource::ReadUsers(const UserSink& sink) {
  UserRecord record;
  return ForEachRow(*db_, path_, kUsersQuery, std::nullopt, [&](SQLite::Statement& row) {
    record.id = row.getColumn(0).getInt64();
    record.features = SplitListColumn(row.getColumn(1).getString());
    return sink(record);
  });
}

absl::Status SqliteDataSource::ReadInteractions(int64_t since_timestamp,
                                                const InteractionSink& sink) {
  InteractionRecord record;
  return ForEachRow(*db_, path_, kInteractionsQuery, ExclusiveLowerBound(since_timestamp),
                    [&](SQLite::Statement& row) {
                      record.user_id = row.getColumn(0).getInt64();
                      record.title_id = row.getColumn(1).getInt64();
                      record.type = row.getColumn(2).getString();
                      record.value = row.getColumn(3).getDouble();
                      record.timestamp = row.getColumn(4).getInt64();
                      return sink(record);
                    });
}

}  // namespace vitrina::data
