#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <vector>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

// What the fixtures that start real servers (redis-server, mariadbd) and the tests that run the
// project's command-line tools share.
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

// Runs `args` with stdin from `input` (empty: /dev/null) and stdout+stderr appended to `output`;
// returns the child's pid. The child is killed when the calling thread exits (PR_SET_PDEATHSIG),
// so a crashed test leaves no stray server behind.
absl::StatusOr<pid_t> Spawn(std::vector<std::string> args, const std::filesystem::path& input,
                            const std::filesystem::path& output);

// Polls `ready` until it holds. When the process exits first (then `pid` becomes -1) or `timeout`
// passes (then the process is stopped), the error names `what` and quotes the tail of `log`.
absl::Status AwaitReady(pid_t& pid, std::string_view what, const std::filesystem::path& log,
                        const std::function<bool()>& ready, std::chrono::milliseconds timeout);

// SIGCONT (a paused process cannot act on SIGTERM), SIGTERM, then SIGKILL after `grace`; reaps it
// and sets `pid` to -1. Does nothing when `pid` < 0.
void StopProcess(pid_t& pid, std::chrono::milliseconds grace);

// What a finished command printed, and how it ended.
struct CommandResult {
  int exit_code = -1;  // -1 when it could not be started or did not exit normally (a signal)
  std::string out;
  std::string err;
};
// Runs `command` with /bin/sh and waits for it; stdout and stderr are captured separately (stderr
// through a temporary file, so a chatty stderr cannot block the child while stdout is read).
CommandResult RunCommand(const std::string& command);

}  // namespace vitrina::testing
