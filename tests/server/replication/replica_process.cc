#include "tests/server/replication/replica_process.h"

#include <signal.h>

#include <chrono>
#include <fstream>

#include "fmt/format.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/testing/local_process.h"

namespace vitrina::server::testing {

namespace {

constexpr std::chrono::seconds kStartTimeout(120);

std::string ConfigYaml(int grpc_port, int http_port, const std::filesystem::path& data_dir, const std::string& primary) {
  std::string yaml = fmt::format(
      "listen: 127.0.0.1:{}\n"
      "http_listen: 127.0.0.1:{}\n"
      "data_dir: {}\n"
      "admin_token: {}\n"
      "demo: {{users: 300, titles: 120, interactions: 12000}}\n"
      "training: {{epochs: 8, no_components: 16, threads: 1}}\n"
      "schedule: {{nightly: \"\"}}\n"
      "http: {{threads: 4}}\n",
      grpc_port, http_port, data_dir.string(), ServerProcess::kAdminToken);
  if (!primary.empty()) yaml += fmt::format("jobs: {{enabled: false}}\nreplication: {{primary: \"{}\"}}\n", primary);
  return yaml;
}

}  // namespace

std::unique_ptr<grpc::ClientContext> AdminContext() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", fmt::format("Bearer {}", ServerProcess::kAdminToken));
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return context;
}

std::string ServerProcess::Health() {
  if (!channel_) return "not started";
  auto stub = grpc::health::v1::Health::NewStub(channel_);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) return status.error_message();
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING ? "SERVING" : "NOT_SERVING";
}

std::shared_ptr<grpc::Channel> ServerProcess::NewChannel() const {
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  return grpc::CreateCustomChannel(grpc_address(), grpc::InsecureChannelCredentials(), arguments);
}

std::string ServerProcess::log_tail() const { return vitrina::testing::TailOfFile(data_dir_ / "server.log"); }

absl::Status ServerProcess::Start(bool wait_serving) {
  std::filesystem::create_directories(data_dir_);
  absl::Status last = absl::OkStatus();
  for (int attempt = 0; attempt < 3; ++attempt) {  // a free port may be taken before the server binds it
    if (grpc_port_ == 0 || attempt > 0) {
      absl::StatusOr<int> grpc_port = vitrina::testing::FreeLoopbackPort();
      absl::StatusOr<int> http_port = vitrina::testing::FreeLoopbackPort();
      if (!grpc_port.ok()) return grpc_port.status();
      if (!http_port.ok()) return http_port.status();
      grpc_port_ = *grpc_port;
      http_port_ = *http_port;
    }
    const std::filesystem::path config = data_dir_ / "config.yaml";
    std::ofstream(config) << ConfigYaml(grpc_port_, http_port_, data_dir_, primary_) << extra_config_;
    absl::StatusOr<pid_t> pid = vitrina::testing::Spawn(
        {VITRINA_BINARY_DIR "/vitrina-server", "--config", config.string()}, "", data_dir_ / "server.log");
    if (!pid.ok()) return pid.status();
    pid_ = *pid;
    last = vitrina::testing::AwaitReady(
        pid_, name_, data_dir_ / "server.log",
        [&] {
          // A fresh channel per poll: one that met the closed port first would wait out gRPC's
          // reconnect backoff (seconds) after the server is up.
          channel_ = NewChannel();
          const std::string health = Health();
          return wait_serving ? health == "SERVING" : (health == "SERVING" || health == "NOT_SERVING");
        },
        kStartTimeout);
    recommender_ = v1::Recommender::NewStub(channel_);
    admin_ = v1::Admin::NewStub(channel_);
    if (last.ok()) return last;
    if (pid_ > 0) return last;  // it runs but never got ready: not a port clash
  }
  return last;
}

void ServerProcess::Stop() { vitrina::testing::StopProcess(pid_, std::chrono::seconds(10)); }

void ServerProcess::Kill() {
  if (pid_ > 0) ::kill(pid_, SIGKILL);
  vitrina::testing::StopProcess(pid_, std::chrono::seconds(1));
}

}  // namespace vitrina::server::testing
