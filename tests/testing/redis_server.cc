#include "tests/testing/redis_server.h"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <system_error>
#include <utility>
#include <vector>

#include "fmt/format.h"
#include "tests/testing/local_process.h"

namespace vitrina::testing {
namespace {

constexpr std::chrono::seconds kReadyTimeout{10};
constexpr std::chrono::seconds kStopTimeout{5};
// Another process may take the port between FreeLoopbackPort() and the server's bind.
constexpr int kStartAttempts = 3;

// True once the server answers anything to PING: "+PONG", or "-NOAUTH" when it wants a password.
bool AnswersPing(int port) {
  redisContext* context = redisConnectWithTimeout("127.0.0.1", port, timeval{0, 100'000});
  bool answered = false;
  if (context != nullptr && context->err == 0 &&
      redisSetTimeout(context, timeval{0, 100'000}) == REDIS_OK) {
    auto* reply = static_cast<redisReply*>(redisCommand(context, "PING"));
    answered = reply != nullptr;
    if (reply != nullptr) freeReplyObject(reply);
  }
  if (context != nullptr) redisFree(context);
  return answered;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start(Options options) {
  absl::Status last_error;
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    auto dir = MakeTempDir("redis");
    if (!dir.ok()) return dir.status();
    auto port = FreeLoopbackPort();
    if (!port.ok()) return port.status();
    std::unique_ptr<RedisServer> server(new RedisServer(options, *std::move(dir), *port));
    last_error = server->Launch();
    if (last_error.ok()) return server;
  }
  return last_error;
}

RedisServer::RedisServer(Options options, std::filesystem::path dir, int port)
    : options_(std::move(options)), dir_(std::move(dir)), port_(port) {}

RedisServer::~RedisServer() {
  Terminate();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string RedisServer::Url(int db) const {
  const std::string auth = options_.password.empty() ? "" : fmt::format(":{}@", options_.password);
  return fmt::format("redis://{}127.0.0.1:{}/{}", auth, port_, db);
}

absl::Status RedisServer::Launch() {
  auto executable = FindProgram("redis-server", "redis-server");
  if (!executable.ok()) return executable.status();
  const std::string port = std::to_string(port_);
  const std::string dir = dir_.string();
  const std::string log = (dir_ / "redis.log").string();
  std::vector<std::string> args = {
      *executable, "--port", port, "--bind",    "127.0.0.1", "--save",      "",  "--appendonly",
      "no",        "--dir",  dir,  "--logfile", log,         "--daemonize", "no"};
  if (!options_.password.empty()) {
    args.push_back("--requirepass");
    args.push_back(options_.password);
  }
  auto pid = Spawn(std::move(args), {}, dir_ / "redis.out");
  if (!pid.ok()) return pid.status();
  pid_ = *pid;
  return WaitUntilReady();
}

absl::Status RedisServer::WaitUntilReady() {
  return AwaitReady(pid_, fmt::format("redis-server on port {}", port_), dir_ / "redis.log",
                    [this] { return AnswersPing(port_); }, kReadyTimeout);
}

absl::Status RedisServer::Kill() {
  if (pid_ < 0) return absl::FailedPreconditionError("redis-server is not running");
  if (::kill(pid_, SIGKILL) != 0) return ErrnoError("kill(SIGKILL)");
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
  return absl::OkStatus();
}

absl::Status RedisServer::Restart() {
  if (pid_ >= 0) return absl::FailedPreconditionError("redis-server is still running");
  return Launch();
}

absl::Status RedisServer::Pause() { return Signal(SIGSTOP); }

absl::Status RedisServer::Resume() { return Signal(SIGCONT); }

absl::Status RedisServer::Signal(int signal) {
  if (pid_ < 0) return absl::FailedPreconditionError("redis-server is not running");
  if (::kill(pid_, signal) != 0) return ErrnoError(fmt::format("kill({})", signal));
  return absl::OkStatus();
}

void RedisServer::Terminate() { StopProcess(pid_, kStopTimeout); }

}  // namespace vitrina::testing
