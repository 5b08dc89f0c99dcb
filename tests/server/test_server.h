#pragma once

#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "data/demo_data_source.h"
#include "gtest/gtest.h"
#include "server/application.h"
#include "tests/testing/temp_dir.h"
#include "vitrina/v1/admin.grpc.pb.h"
#include "vitrina/v1/recommender.grpc.pb.h"

namespace vitrina::server::testing {

// A real vitrina server for end-to-end tests: a temp data dir with a small generated demo
// catalog, gRPC on 127.0.0.1 port 0, and clients through generated stubs.
class TestServer {
 public:
  // A config for a small, fast catalog (trains in well under a second).
  static ServerConfig SmallConfig(const std::filesystem::path& data_dir);

  // Starts the server and, unless told otherwise, waits until its first model serves.
  static std::unique_ptr<TestServer> Start(ServerConfig config, bool wait_for_model = true);
  ~TestServer();

  // Stops the server (graceful) keeping the data dir, so a new Start on it tests a restart.
  void Stop();

  Application& app() { return *app_; }
  v1::Recommender::Stub& recommender() { return *recommender_; }
  v1::Admin::Stub& admin() { return *admin_; }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }

 private:
  std::unique_ptr<Application> app_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Recommender::Stub> recommender_;
  std::unique_ptr<v1::Admin::Stub> admin_;
};

using ::vitrina::testing::TempDir;

// How long a test that writes the embedded catalog behind a running server waits for the server's
// readers (the newcomers refresher reads it in the background, and under SQLite's rollback journal
// a reader holds off a commit): without it the write fails with "database is locked" now and then,
// as vitrina-import would without its own busy timeout.
inline constexpr int kCatalogBusyTimeoutMs = 30'000;

// A test suite whose tests share one server on a small demo catalog, started once per suite
// (gtest runs suites one after the other, so the suites deriving from this one never overlap).
class SharedServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { StartSharedServer(); }
  static void TearDownTestSuite();
  // Starts the suite's server on SmallConfig after `configure` changed it; with HTTP configured
  // (`http_listen`), also checks that the gateway listens.
  static void StartSharedServer(const std::function<void(ServerConfig&)>& configure = {});

  // The planted truth of the suite's demo catalog, generated again from the server's demo spec
  // (the generator is seeded) on first use; valid until the suite ends.
  static const data::PlantedTruth& DemoTruth();

  static TempDir* dir_;
  static TestServer* server_;

 private:
  static data::PlantedTruth* truth_;
};

}  // namespace vitrina::server::testing
