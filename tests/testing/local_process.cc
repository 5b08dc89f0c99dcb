#include "tests/testing/local_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

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

}  // namespace vitrina::testing
