#pragma once

#include <string_view>

#include <SQLiteCpp/Exception.h>

#include "absl/status/status.h"

namespace vitrina::registry {

// Translates a SQLiteCpp exception into the status code its cause means to a caller: a busy
// database is Unavailable (retry later), a failed CHECK is InvalidArgument, a corrupt or foreign
// file is DataLoss. `context` says what was being done ("activating model 7").
absl::Status SqliteErrorToStatus(const SQLite::Exception& error, std::string_view context);

}  // namespace vitrina::registry
