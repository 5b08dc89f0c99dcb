#pragma once

#include <cstdint>
#include <optional>

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

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

}  // namespace vitrina::registry
