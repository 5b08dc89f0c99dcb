#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"

namespace vitrina::server::testing {

// A TCP relay on 127.0.0.1: each connection it accepts is piped to 127.0.0.1:<target port>, the
// target being read when the connection arrives. The server under test keeps one database
// address while a test brings the database back behind it, as a restarted database comes back at
// its address (the MariaDB fixture picks a new port at every start). While nothing listens at the
// target, an accepted connection is closed at once: the client sees a lost connection.
class LoopbackRelay {
 public:
  static absl::StatusOr<std::unique_ptr<LoopbackRelay>> Start(int target_port);

  LoopbackRelay(const LoopbackRelay&) = delete;
  LoopbackRelay& operator=(const LoopbackRelay&) = delete;
  // Stops accepting, cuts every relayed connection and joins the threads.
  ~LoopbackRelay();

  int port() const { return port_; }
  // Connections accepted from now on go to `target_port`; open ones keep theirs.
  void set_target_port(int target_port) { target_port_ = target_port; }

 private:
  LoopbackRelay(int listener, int port, int target_port);

  void AcceptLoop();
  void Pipe(int client, int upstream);
  void Forget(int fd);

  const int listener_;
  const int port_;
  std::atomic<int> target_port_;

  std::mutex mutex_;
  bool stopping_ = false;
  std::vector<int> open_sockets_;  // shut down by the destructor to end their pipes
  std::vector<std::thread> pipes_;
  std::thread acceptor_;
};

}  // namespace vitrina::server::testing
