#include "tests/server/test_server.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "server/demo_catalog_spec.h"

namespace vitrina::server::testing {

ServerConfig TestServer::SmallConfig(const std::filesystem::path& data_dir) {
  auto config = ServerConfig::Parse("", [](const char*) -> const char* { return nullptr; });
  EXPECT_TRUE(config.ok()) << config.status();
  config->listen = "127.0.0.1:0";
  config->http_listen = "";
  config->data_dir = data_dir.string();
  config->demo.users = 300;
  config->demo.titles = 120;
  config->demo.interactions = 12000;
  config->training.defaults.set_epochs(8);
  config->training.defaults.set_no_components(16);
  config->training.defaults.set_threads(1);
  config->schedule.nightly = "";
  return *config;
}

std::unique_ptr<TestServer> TestServer::Start(ServerConfig config, bool wait_for_model) {
  auto server = std::unique_ptr<TestServer>(new TestServer());
  auto app = Application::Create(std::move(config));
  EXPECT_TRUE(app.ok()) << app.status();
  if (!app.ok()) return nullptr;
  server->app_ = std::move(app).value();
  absl::Status started = server->app_->Start();
  EXPECT_TRUE(started.ok()) << started;
  if (!started.ok()) return nullptr;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (wait_for_model && !server->app_->serving() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(!wait_for_model || server->app_->serving()) << "the first model did not come up within 120 s";
  server->channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(server->app_->grpc_port()),
                                         grpc::InsecureChannelCredentials());
  server->recommender_ = v1::Recommender::NewStub(server->channel_);
  server->admin_ = v1::Admin::NewStub(server->channel_);
  return server;
}

void TestServer::Stop() {
  if (app_) {
    app_->Shutdown(absl::Seconds(2));
    app_.reset();
  }
}

TestServer::~TestServer() { Stop(); }

TempDir* SharedServerTest::dir_ = nullptr;
TestServer* SharedServerTest::server_ = nullptr;
data::PlantedTruth* SharedServerTest::truth_ = nullptr;

void SharedServerTest::StartSharedServer(const std::function<void(ServerConfig&)>& configure) {
  dir_ = new TempDir();
  ServerConfig config = TestServer::SmallConfig(dir_->path());
  if (configure) configure(config);
  server_ = TestServer::Start(config).release();
  ASSERT_NE(server_, nullptr);
  if (!config.http_listen.empty()) {
    ASSERT_GT(server_->app().http_port(), 0);
  }
}

const data::PlantedTruth& SharedServerTest::DemoTruth() {
  if (truth_ == nullptr) {
    absl::StatusOr<std::unique_ptr<data::DemoDataSource>> source =
        data::DemoDataSource::Create(DemoSpecOf(server_->app().config().demo));
    if (!source.ok()) ADD_FAILURE() << source.status();
    truth_ = source.ok() ? new data::PlantedTruth((*source)->truth()) : new data::PlantedTruth();
  }
  return *truth_;
}

void SharedServerTest::TearDownTestSuite() {
  delete truth_;
  truth_ = nullptr;
  delete server_;
  server_ = nullptr;
  delete dir_;
  dir_ = nullptr;
}

}  // namespace vitrina::server::testing
