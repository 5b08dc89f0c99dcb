#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace vitrina::testing {

// A real redis-server for tests: 127.0.0.1 only, a free port, a temp dir, no persistence
// (`--save '' --appendonly no`). It can be killed, paused and restarted on the same port, so tests
// can check how clients live through an outage. The server is killed when the thread that started
// it exits (PR_SET_PDEATHSIG), so a crashed test leaves no stray server behind: start it from a
// thread that outlives it, such as the test's own.
class RedisServer {
 public:
  struct Options {
    // When set, clients must AUTH with it (`--requirepass`).
    std::string password{};
  };

  // Starts a server and waits until it answers PING.
  static absl::StatusOr<std::unique_ptr<RedisServer>> Start(Options options);
  static absl::StatusOr<std::unique_ptr<RedisServer>> Start() { return Start(Options{}); }

  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;
  // Stops the server (SIGTERM, then SIGKILL) and removes its temp dir.
  ~RedisServer();

  int port() const { return port_; }
  // `redis://[:password@]127.0.0.1:<port>/<db>`
  std::string Url(int db = 0) const;

  // SIGKILL, as in a crash: clients see their connections drop.
  absl::Status Kill();
  // Starts the server again on the same port (after Kill) and waits until it answers PING.
  absl::Status Restart();
  // SIGSTOP / SIGCONT: the server keeps its connections but answers nothing, like a stalled host.
  absl::Status Pause();
  absl::Status Resume();

 private:
  RedisServer(Options options, std::filesystem::path dir, int port);

  absl::Status Launch();
  absl::Status WaitUntilReady();
  absl::Status Signal(int signal);
  void Terminate();

  const Options options_;
  const std::filesystem::path dir_;
  const int port_;
  pid_t pid_ = -1;
};

}  // namespace vitrina::testing
