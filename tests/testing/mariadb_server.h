#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace vitrina::testing {

// A real MariaDB server for tests: a fresh datadir (mariadb-install-db) in a temp dir, mariadbd on
// 127.0.0.1 and a free port, root without password over TCP, and --skip-name-resolve so that
// grants to 'user'@'%' match loopback clients. It can be stopped, paused and resumed so tests can
// check how clients live through an outage. The server dies with the thread that started it
// (PR_SET_PDEATHSIG), so a crashed test leaves no stray server behind.
class MariadbServer {
 public:
  // Installs a datadir, starts the server and waits until it accepts connections.
  static absl::StatusOr<std::unique_ptr<MariadbServer>> Start();

  MariadbServer(const MariadbServer&) = delete;
  MariadbServer& operator=(const MariadbServer&) = delete;
  // Stops the server (SIGTERM, then SIGKILL) and removes its temp dir.
  ~MariadbServer();

  int port() const { return port_; }
  // `mysql://user:password@127.0.0.1:<port>/<database>`
  std::string Url(std::string_view user, std::string_view password,
                  std::string_view database) const;
  std::string RootUrl(std::string_view database) const { return Url("root", "", database); }

  // Runs SQL (one or more statements) as root through the `mariadb` client and returns what it
  // printed (tab-separated rows, no column names). Internal error with the client's message when
  // a statement fails.
  absl::StatusOr<std::string> RunSql(std::string_view sql) const;
  absl::StatusOr<std::string> RunSqlFile(const std::filesystem::path& path) const;

  // SIGTERM and wait, as in an orderly shutdown: clients then get "connection refused".
  absl::Status Stop();
  // Starts the stopped server again on the same port and data, as after an outage.
  absl::Status Restart();
  // SIGSTOP / SIGCONT: the server keeps its connections but answers nothing, like a stalled host.
  absl::Status Pause();
  absl::Status Resume();

 private:
  MariadbServer(std::filesystem::path dir, int port);

  std::string TmpdirOption() const;
  absl::Status Install() const;
  absl::Status Launch();
  absl::Status WaitUntilReady();
  absl::Status Signal(int signal);
  void Terminate();

  const std::filesystem::path dir_;
  const int port_;
  pid_t pid_ = -1;
};

}  // namespace vitrina::testing
