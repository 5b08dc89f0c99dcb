#pragma once

#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "vitrina/v1/admin.grpc.pb.h"
#include "vitrina/v1/recommender.grpc.pb.h"

namespace vitrina::server::testing {

// One real vitrina-server process on loopback ports with its own data folder, for the
// replication tests: a primary (trains a first model on a small demo catalog) or a read replica
// of one. Stopped by its PID (SIGTERM, then SIGKILL); killed at once by Kill().
class ServerProcess {
 public:
  static constexpr const char* kAdminToken = "replication-test-token";

  // `data_dir` persists across Stop()/Start(), so a restart keeps the replica's copy.
  ServerProcess(std::string name, std::filesystem::path data_dir, std::string primary = "")
      : name_(std::move(name)), data_dir_(std::move(data_dir)), primary_(std::move(primary)) {}
  ~ServerProcess() { Stop(); }

  // Starts on fresh ports (the same ones again after a Stop, so that replicas find a restarted
  // primary) and waits until gRPC answers; with `wait_serving`, until health is SERVING.
  absl::Status Start(bool wait_serving);
  void Stop();
  void Kill();  // SIGKILL: no clean shutdown

  // YAML appended to the generated config at the next Start (top-level keys it does not set).
  void set_extra_config(std::string yaml) { extra_config_ = std::move(yaml); }

  bool running() const { return pid_ > 0; }
  std::string grpc_address() const { return "127.0.0.1:" + std::to_string(grpc_port_); }
  int http_port() const { return http_port_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  std::string log_tail() const;

  v1::Recommender::Stub& recommender() { return *recommender_; }
  v1::Admin::Stub& admin() { return *admin_; }
  // "SERVING", "NOT_SERVING", or the error of the call.
  std::string Health();

 private:
  std::shared_ptr<grpc::Channel> NewChannel() const;

  std::string name_;
  std::filesystem::path data_dir_;
  std::string primary_;
  std::string extra_config_;
  int grpc_port_ = 0;
  int http_port_ = 0;
  pid_t pid_ = -1;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Recommender::Stub> recommender_;
  std::unique_ptr<v1::Admin::Stub> admin_;
};

// A client context carrying the admin token, with a 10 s deadline.
std::unique_ptr<grpc::ClientContext> AdminContext();

}  // namespace vitrina::server::testing
