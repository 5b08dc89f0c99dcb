#include "tests/testing/local_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>

#include "fmt/format.h"

namespace vitrina::testing {

absl::Status ErrnoError(std::string_view what) {
  return absl::InternalError(fmt::format("{}: {}", what, std::strerror(errno)));
}

absl::StatusOr<int> FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoError("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  absl::Status status;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    status = ErrnoError("bind 127.0.0.1:0");
  } else if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    status = ErrnoError("getsockname");
  }
  ::close(fd);
  if (!status.ok()) return status;
  return static_cast<int>(ntohs(address.sin_port));
}

absl::StatusOr<std::string> FindProgram(std::string_view program, std::string_view package) {
  const char* path = std::getenv("PATH");
  std::string dirs = fmt::format("{}:/usr/sbin:/usr/local/sbin", path != nullptr ? path : "/usr/bin:/bin");
  for (size_t start = 0; start <= dirs.size();) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    const std::filesystem::path candidate = std::filesystem::path(dirs.substr(start, end - start)) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = end + 1;
  }
  return absl::NotFoundError(fmt::format("{} not found (scripts/install-deps.sh installs {})", program, package));
}

absl::StatusOr<std::filesystem::path> MakeTempDir(std::string_view purpose) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / fmt::format("vitrina-{}-XXXXXX", purpose)).string();
  if (::mkdtemp(pattern.data()) == nullptr) return ErrnoError("mkdtemp");
  return std::filesystem::path(pattern);
}

std::string Tail(const std::string& text) {
  constexpr std::size_t kTailChars = 2000;
  return text.size() > kTailChars ? text.substr(text.size() - kTailChars) : text;
}

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string TailOfFile(const std::filesystem::path& path) { return Tail(ReadText(path)); }

// Runs `args` with stdin from `input` (or /dev/null) and stdout+stderr into `output`; returns the
// child's pid. The child dies with the calling thread.
absl::StatusOr<pid_t> Spawn(std::vector<std::string> args, const std::filesystem::path& input,
                            const std::filesystem::path& output) {
  // Everything the child needs is built before fork(): the child of a multi-threaded process may
  // only call async-signal-safe functions until it execs.
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const std::string input_path = input.empty() ? "/dev/null" : input.string();
  const std::string output_path = output.string();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return ErrnoError("fork");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);
    int in = ::open(input_path.c_str(), O_RDONLY);
    int out = ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (in < 0 || out < 0) ::_exit(126);
    ::dup2(in, STDIN_FILENO);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(out, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

namespace {
constexpr std::chrono::milliseconds kPollInterval{10};
}  // namespace

absl::Status AwaitReady(pid_t& pid, std::string_view what, const std::filesystem::path& log,
                        const std::function<bool()>& ready, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int wait_status = 0;
    if (::waitpid(pid, &wait_status, WNOHANG) == pid) {
      pid = -1;
      return absl::UnavailableError(fmt::format("{} exited at start-up (wait status {}); log tail:\n{}", what,
                                                wait_status, TailOfFile(log)));
    }
    if (ready()) return absl::OkStatus();
    std::this_thread::sleep_for(kPollInterval);
  }
  StopProcess(pid, std::chrono::seconds(5));
  return absl::DeadlineExceededError(fmt::format("{} was not ready within {} ms; log tail:\n{}", what,
                                                 timeout.count(), TailOfFile(log)));
}

void StopProcess(pid_t& pid, std::chrono::milliseconds grace) {
  if (pid < 0) return;
  ::kill(pid, SIGCONT);
  ::kill(pid, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid, nullptr, WNOHANG) == pid) {
      pid = -1;
      return;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  pid = -1;
}

CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  std::string err_path = (std::filesystem::temp_directory_path() / "vitrina-stderr-XXXXXX").string();
  const int err_fd = ::mkstemp(err_path.data());
  if (err_fd < 0) return result;
  ::close(err_fd);
  FILE* pipe = ::popen(fmt::format("{{ {}\n}} 2>{}", command, err_path).c_str(), "r");
  if (pipe != nullptr) {
    std::array<char, 4096> buffer;
    size_t n;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.out.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.err = ReadText(err_path);
  }
  std::error_code ignored;
  std::filesystem::remove(err_path, ignored);
  return result;
}

}  // namespace vitrina::testing
