#include "tests/testing/mariadb_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <vector>

#include "fmt/format.h"
#include "tests/testing/local_process.h"

namespace vitrina::testing {
namespace {

constexpr std::chrono::seconds kReadyTimeout{30};
constexpr std::chrono::seconds kStopTimeout{20};
// Another process may take the port between picking it and the server's bind.
constexpr int kStartAttempts = 3;

bool AcceptsConnections(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  ::close(fd);
  return connected;
}

// Runs a short-lived program to its end; Internal error with its output when it fails.
absl::StatusOr<std::string> RunToEnd(std::vector<std::string> args,
                                     const std::filesystem::path& input,
                                     const std::filesystem::path& output) {
  std::filesystem::remove(output);
  const std::string program = args.front();
  auto pid = Spawn(std::move(args), input, output);
  if (!pid.ok()) return pid.status();
  int wait_status = 0;
  while (::waitpid(*pid, &wait_status, 0) < 0) {
    if (errno != EINTR) return ErrnoError("waitpid");
  }
  std::string printed = ReadText(output);
  if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
    return absl::InternalError(
        fmt::format("{} failed (wait status {}):\n{}", program, wait_status, Tail(printed)));
  }
  return printed;
}

}  // namespace

absl::StatusOr<std::unique_ptr<MariadbServer>> MariadbServer::Start() {
  absl::Status last_error;
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    auto dir = MakeTempDir("mariadb");
    if (!dir.ok()) return dir.status();
    auto port = FreeLoopbackPort();
    if (!port.ok()) return port.status();
    std::unique_ptr<MariadbServer> server(new MariadbServer(*std::move(dir), *port));
    last_error = server->Install();
    if (!last_error.ok()) return last_error;
    last_error = server->Launch();
    if (last_error.ok()) return server;
  }
  return last_error;
}

MariadbServer::MariadbServer(std::filesystem::path dir, int port)
    : dir_(std::move(dir)), port_(port) {}

MariadbServer::~MariadbServer() {
  Terminate();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string MariadbServer::Url(std::string_view user, std::string_view password,
                               std::string_view database) const {
  return fmt::format("mysql://{}:{}@127.0.0.1:{}/{}", user, password, port_, database);
}

// A server deletes leftover '#sql*' files in its tmpdir at start-up: servers sharing /tmp delete
// each other's live temporary tables.
std::string MariadbServer::TmpdirOption() const {
  return fmt::format("--tmpdir={}", dir_.string());
}

absl::Status MariadbServer::Install() const {
  auto program = FindProgram("mariadb-install-db", "mariadb-server");
  if (!program.ok()) return program.status();
  auto installed = RunToEnd(
      {*program, "--no-defaults", fmt::format("--datadir={}", (dir_ / "data").string()),
       "--auth-root-authentication-method=normal", "--user=root", "--skip-test-db", TmpdirOption()},
      {}, dir_ / "install.log");
  return installed.ok() ? absl::OkStatus() : installed.status();
}

absl::Status MariadbServer::Launch() {
  auto program = FindProgram("mariadbd", "mariadb-server");
  if (!program.ok()) return program.status();
  auto pid =
      Spawn({*program, "--no-defaults", fmt::format("--datadir={}", (dir_ / "data").string()),
             fmt::format("--port={}", port_), "--bind-address=127.0.0.1",
             fmt::format("--socket={}", (dir_ / "mariadb.sock").string()),
             fmt::format("--pid-file={}", (dir_ / "mariadb.pid").string()), "--user=root",
             "--skip-name-resolve", "--innodb-buffer-pool-size=256M", TmpdirOption()},
            {}, dir_ / "server.log");
  if (!pid.ok()) return pid.status();
  pid_ = *pid;
  return WaitUntilReady();
}

absl::Status MariadbServer::WaitUntilReady() {
  return AwaitReady(pid_, fmt::format("mariadbd on port {}", port_), dir_ / "server.log",
                    [this] { return AcceptsConnections(port_); }, kReadyTimeout);
}

absl::StatusOr<std::string> MariadbServer::RunSql(std::string_view sql) const {
  const std::filesystem::path input = dir_ / "statements.sql";
  {
    std::ofstream out(input, std::ios::trunc);
    out << sql;
    if (!out) return absl::InternalError(fmt::format("cannot write {}", input.string()));
  }
  return RunSqlFile(input);
}

absl::StatusOr<std::string> MariadbServer::RunSqlFile(const std::filesystem::path& path) const {
  auto program = FindProgram("mariadb", "mariadb-server");
  if (!program.ok()) return program.status();
  return RunToEnd({*program, "--no-defaults", "--protocol=TCP", "-h127.0.0.1",
                   fmt::format("-P{}", port_), "-uroot", "--batch", "--skip-column-names"},
                  path, dir_ / "client.log");
}

absl::Status MariadbServer::Stop() {
  if (pid_ < 0) return absl::FailedPreconditionError("mariadbd is not running");
  Terminate();
  return absl::OkStatus();
}

absl::Status MariadbServer::Restart() {
  if (pid_ >= 0) return absl::FailedPreconditionError("mariadbd is still running");
  return Launch();
}

absl::Status MariadbServer::Pause() { return Signal(SIGSTOP); }

absl::Status MariadbServer::Resume() { return Signal(SIGCONT); }

absl::Status MariadbServer::Signal(int signal) {
  if (pid_ < 0) return absl::FailedPreconditionError("mariadbd is not running");
  if (::kill(pid_, signal) != 0) return ErrnoError(fmt::format("kill({})", signal));
  return absl::OkStatus();
}

void MariadbServer::Terminate() { StopProcess(pid_, kStopTimeout); }

}  // namespace vitrina::testing
