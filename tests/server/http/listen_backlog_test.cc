// A burst of new connections while the gateway's accept loop cannot run (a busy machine) must
// wait in the kernel's accept queue, not lose its SYNs: httplib 0.11 listens with a backlog of 5,
// and each connection beyond it stalled a whole SYN retransmission (1 s) under load.
//
// The gateway runs in a child process forked before any thread exists (this suite's binary has
// this one test); the test stops the child with SIGSTOP, so nothing accepts, and counts the
// connections whose handshake the kernel completes on its own.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <vector>

#include "gtest/gtest.h"
#include "server/admin_auth.h"
#include "server/http/http_gateway.h"
#include "server/request_metrics.h"
#include "tests/server/http/mock_cores.h"

namespace vitrina::server::http {
namespace {

constexpr int kBurst = 64;

// In the child: a gateway over mocks that are never called; its port goes to `port_pipe`.
[[noreturn]] void ServeUntilKilled(int port_pipe) {
  ::testing::NiceMock<MockRecommenderCore> recommender;
  ::testing::NiceMock<MockAdminCore> admin;
  AdminAuth auth("");
  RequestMetrics metrics;
  HttpGateway gateway(recommender, admin, auth, metrics, [] { return std::vector<prometheus::MetricFamily>{}; },
                      [] { return HealthReport{.model_serving = true, .registry_intact = true, .detail = ""}; });
  int port = gateway.Start("127.0.0.1", 0).ok() ? gateway.port() : -1;
  (void)!write(port_pipe, &port, sizeof(port));
  for (;;) pause();
}

// Starts a non-blocking connect to 127.0.0.1:port; -1 when the socket cannot be made.
int StartConnect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));  // EINPROGRESS
  return fd;
}

// How many of `fds` finish their handshake within `wait` (well under TCP's first 1 s SYN retry).
int Connected(const std::vector<int>& fds, std::chrono::milliseconds wait) {
  std::vector<pollfd> polls;
  for (int fd : fds) polls.push_back({.fd = fd, .events = POLLOUT, .revents = 0});
  const auto deadline = std::chrono::steady_clock::now() + wait;
  int connected = 0;
  while (connected < static_cast<int>(polls.size())) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || poll(polls.data(), polls.size(), static_cast<int>(left.count())) <= 0) break;
    connected = 0;
    for (pollfd& p : polls) {
      int error = 0;
      socklen_t size = sizeof(error);
      if ((p.revents & POLLOUT) != 0 && getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 && error == 0) {
        ++connected;
        p.events = 0;  // done: stop waking poll for it
        p.revents = POLLOUT;
      }
    }
  }
  return connected;
}

TEST(ListenBacklogTest, ABurstOfConnectionsWaitsInTheAcceptQueueWhileNothingAccepts) {
  int port_pipe[2];
  ASSERT_EQ(pipe(port_pipe), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) ServeUntilKilled(port_pipe[1]);
  close(port_pipe[1]);
  int port = -1;
  ASSERT_EQ(read(port_pipe[0], &port, sizeof(port)), static_cast<ssize_t>(sizeof(port)));
  close(port_pipe[0]);
  ASSERT_GT(port, 0) << "the gateway did not start in the child";

  ASSERT_EQ(kill(child, SIGSTOP), 0);
  std::vector<int> fds;
  for (int i = 0; i < kBurst; ++i) fds.push_back(StartConnect(port));
  const int connected = Connected(fds, std::chrono::milliseconds(500));
  for (int fd : fds) close(fd);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);

  EXPECT_EQ(connected, kBurst) << "only " << connected << " of " << kBurst
                               << " connections were queued while the accept loop could not run";
}

}  // namespace
}  // namespace vitrina::server::http
