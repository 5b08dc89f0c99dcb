#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

// What the fixtures that start real servers (redis-server, mariadbd) share.
namespace vitrina::testing {

// errno's text as InternalError, prefixed with `what`.
absl::Status ErrnoError(std::string_view what);

// A port that is free right now on 127.0.0.1 (another process may still take it before the
// server binds: callers retry).
absl::StatusOr<int> FreeLoopbackPort();

// The executable `program` from PATH, then /usr/sbin and /usr/local/sbin (daemons live there and
// a non-login PATH may lack them). NotFound names `package` as what installs it.
absl::StatusOr<std::string> FindProgram(std::string_view program, std::string_view package);

// A new folder under the system temp dir named vitrina-<purpose>-XXXXXX.
absl::StatusOr<std::filesystem::path> MakeTempDir(std::string_view purpose);

// A whole text file; empty when unreadable.
std::string ReadText(const std::filesystem::path& path);
// The last 2000 characters of a file (a server log for an error message); empty when unreadable.
std::string TailOfFile(const std::filesystem::path& path);
// The last 2000 characters of a text.
std::string Tail(const std::string& text);

}  // namespace vitrina::testing
