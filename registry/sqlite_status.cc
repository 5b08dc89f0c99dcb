#include "registry/sqlite_status.h"

#include <sqlite3.h>

#include <algorithm>
#include <string>

#include "fmt/format.h"

namespace vitrina::registry {

absl::Status SqliteErrorToStatus(const SQLite::Exception& error, std::string_view context) {
  const int code = error.getErrorCode();
  // An extended code (primary code + detail bits) is never smaller than its primary code.
  std::string message = fmt::format("{}: {} (sqlite code {})", context, error.what(),
                                    std::max(code, error.getExtendedErrorCode()));
  // SQLiteCpp reports its own misuse errors (no row, bad column index) with code -1.
  if (code < 0) return absl::InternalError(std::move(message));
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(std::move(message));
    case SQLITE_CONSTRAINT:
      if (error.getExtendedErrorCode() == SQLITE_CONSTRAINT_CHECK) {
        return absl::InvalidArgumentError(std::move(message));
      }
      return absl::FailedPreconditionError(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(std::move(message));
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(std::move(message));
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
      return absl::FailedPreconditionError(std::move(message));
    default:
      return absl::InternalError(std::move(message));
  }
}

}  // namespace vitrina::registry
