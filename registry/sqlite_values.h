#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

#include "absl/status/statusor.h"
#include "fmt/format.h"
#include "registry/connection.h"

namespace vitrina::registry {

// Optional values are stored as SQL NULL.
inline std::optional<int64_t> OptionalInt64(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getInt64();
}

inline void BindOptional(SQLite::Statement& statement, int index,
                         const std::optional<int64_t>& value) {
  if (value.has_value()) {
    statement.bind(index, *value);
  } else {
    statement.bind(index);
  }
}

// An enum column's text through `parse`; DataLoss naming `owner` ("job", "model"), its id and the
// column when the text is not a known value.
template <typename Enum>
absl::StatusOr<Enum> ParseColumn(const SQLite::Statement& row, int index, std::string_view owner, int64_t id,
                                 std::optional<Enum> (*parse)(std::string_view)) {
  const std::string text = row.getColumn(index).getString();
  std::optional<Enum> value = parse(text);
  if (!value.has_value()) {
    return absl::DataLossError(fmt::format("{} {} has an unknown {} '{}'", owner, id, row.getColumnName(index), text));
  }
  return *value;
}

// OkStatus when `sql` (one `?` for the id) finds a row; InvalidArgument "<field> <id> names
// nothing" otherwise.
inline absl::Status CheckReferenceExists(Connection& connection, const std::string& sql, std::string_view field,
                                         int64_t id) {
  CachedStatement query = connection.Prepare(sql);
  query->bind(1, id);
  if (query->executeStep()) return absl::OkStatus();
  return absl::InvalidArgumentError(fmt::format("{} {} names nothing", field, id));
}

}  // namespace vitrina::registry
