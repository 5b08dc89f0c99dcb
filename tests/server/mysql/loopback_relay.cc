#include "tests/server/mysql/loopback_relay.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "fmt/format.h"

namespace vitrina::server::testing {
namespace {

absl::Status ErrnoError(std::string_view what) {
  return absl::InternalError(fmt::format("{}: {}", what, std::strerror(errno)));
}

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  return address;
}

// -1 when nothing accepts connections there.
int ConnectToLoopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address = Loopback(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Moves what `from` has to `to`; false once either side is closed or failed.
bool Forward(int from, int to) {
  std::array<char, 64 * 1024> buffer;
  const ssize_t received = ::recv(from, buffer.data(), buffer.size(), 0);
  if (received <= 0) return received < 0 && errno == EINTR;
  for (ssize_t sent = 0; sent < received;) {
    // MSG_NOSIGNAL: a peer that hung up must end this pipe, not the test with SIGPIPE.
    const ssize_t n = ::send(to, buffer.data() + sent, received - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += n;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<LoopbackRelay>> LoopbackRelay::Start(int target_port) {
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener < 0) return ErrnoError("socket");
  sockaddr_in address = Loopback(0);
  socklen_t length = sizeof(address);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(listener, SOMAXCONN) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    absl::Status error = ErrnoError("listening on 127.0.0.1:0");
    ::close(listener);
    return error;
  }
  return std::unique_ptr<LoopbackRelay>(new LoopbackRelay(listener, ntohs(address.sin_port), target_port));
}

LoopbackRelay::LoopbackRelay(int listener, int port, int target_port)
    : listener_(listener), port_(port), target_port_(target_port) {
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

LoopbackRelay::~LoopbackRelay() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    // shutdown() wakes the threads blocked in accept() and poll(); the descriptors stay valid
    // until their owners close them.
    ::shutdown(listener_, SHUT_RDWR);
    for (int fd : open_sockets_) ::shutdown(fd, SHUT_RDWR);
  }
  acceptor_.join();
  // The acceptor has ended: no pipe is added any more.
  for (std::thread& pipe : pipes_) pipe.join();
  ::close(listener_);
}

void LoopbackRelay::AcceptLoop() {
  while (true) {
    const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // shut down by the destructor
    }
    const int upstream = ConnectToLoopback(target_port_);
    std::lock_guard lock(mutex_);
    if (upstream < 0 || stopping_) {
      if (upstream >= 0) ::close(upstream);
      ::close(client);
      if (stopping_) return;
      continue;
    }
    open_sockets_.push_back(client);
    open_sockets_.push_back(upstream);
    pipes_.emplace_back([this, client, upstream] { Pipe(client, upstream); });
  }
}

void LoopbackRelay::Pipe(int client, int upstream) {
  std::array<pollfd, 2> sockets = {pollfd{client, POLLIN, 0}, pollfd{upstream, POLLIN, 0}};
  bool open = true;
  while (open) {
    if (::poll(sockets.data(), sockets.size(), -1) < 0) {
      open = errno == EINTR;
      continue;
    }
    if (sockets[0].revents != 0) open = Forward(client, upstream);
    if (open && sockets[1].revents != 0) open = Forward(upstream, client);
  }
  Forget(client);
  Forget(upstream);
}

void LoopbackRelay::Forget(int fd) {
  std::lock_guard lock(mutex_);
  open_sockets_.erase(std::remove(open_sockets_.begin(), open_sockets_.end(), fd), open_sockets_.end());
  ::close(fd);
}

}  // namespace vitrina::server::testing
