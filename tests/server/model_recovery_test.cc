// End-to-end: what the server does when its state on disk goes wrong. A registry whose active model
// file is corrupt at start-up, a registry file deleted while the server runs, model files the
// registry does not know, and the vitrina-registry command that registers them again.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "SQLiteCpp/SQLiteCpp.h"
#include "fmt/format.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"
#include "tests/server/test_server.h"

namespace vitrina::server::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

ServerConfig Config(const TempDir& dir, bool jobs_enabled = true) {
  ServerConfig config = TestServer::SmallConfig(dir.path());
  config.jobs_enabled = jobs_enabled;
  EXPECT_TRUE(config.Finalize().ok());  // the registry and models paths under the data dir
  return config;
}

v1::ListModelsResponse ListModels(TestServer& server) {
  grpc::ClientContext context;
  v1::ListModelsResponse models;
  grpc::Status status = server.admin().ListModels(&context, v1::ListModelsRequest(), &models);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return models;
}

const v1::Model* FindModel(const v1::ListModelsResponse& models, int64_t id) {
  for (const v1::Model& model : models.models()) {
    if (model.id() == id) return &model;
  }
  return nullptr;
}

int64_t TrainAndActivate(TestServer& server) {
  grpc::ClientContext context;
  v1::TrainModelRequest request;
  request.set_activate(v1::ALWAYS);
  request.set_wait(true);
  request.mutable_params()->set_epochs(2);
  v1::TrainModelResponse response;
  grpc::Status status = server.recommender().TrainModel(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.activated());
  return response.model_id();
}

grpc::Status Recommend(TestServer& server, v1::RecommendationsResponse* response) {
  grpc::ClientContext context;
  v1::GetUserRecommendationsRequest request;
  request.set_user_id(7);
  request.set_k(5);
  return server.recommender().GetUserRecommendations(&context, request, response);
}

grpc::Status Activate(TestServer& server, int64_t model_id) {
  grpc::ClientContext context;
  v1::ActivateModelRequest request;
  request.set_model_id(model_id);
  v1::ActivateModelResponse response;
  return server.admin().ActivateModel(&context, request, &response);
}

grpc::health::v1::HealthCheckResponse::ServingStatus GrpcHealth(TestServer& server, const std::string& service) {
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  auto stub = grpc::health::v1::Health::NewStub(server.channel());
  grpc::Status status = stub->Check(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.status();
}

// The gRPC health status is pushed by a monitor that looks once a second.
bool AwaitGrpcHealth(TestServer& server, const std::string& service,
                     grpc::health::v1::HealthCheckResponse::ServingStatus expected) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (GrpcHealth(server, service) != expected) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

// Flips one byte in the middle of the file: its CRC-32 no longer matches.
void Corrupt(const std::string& path) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(file) << path;
  file.seekg(0, std::ios::end);
  const std::streamoff middle = file.tellg() / 2;
  file.seekg(middle);
  char byte = 0;
  file.get(byte);
  file.seekp(middle);
  file.put(static_cast<char>(byte ^ 0x5a));
}

// Captures what the server logs while it lives.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    spdlog::set_default_logger(
        std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(text_)));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  std::string Text() {
    spdlog::default_logger()->flush();
    return text_.str();
  }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream text_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

CommandResult RunRegistryTool(const std::string& arguments) {
  TempDir dir;
  const std::string err_path = dir.File("stderr.txt");
  const std::string command =
      std::string(VITRINA_BINARY_DIR) + "/vitrina-registry " + arguments + " 2>" + err_path;
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_path);
  result.err.assign(std::istreambuf_iterator<char>(err), std::istreambuf_iterator<char>());
  return result;
}

TEST(ModelRecoveryTest, ACorruptActiveModelFileFallsBackToTheNewestModelThatLoads) {
  TempDir dir;
  int64_t oldest = 0, fallback = 0, active = 0;
  std::string active_path;
  {
    auto server = TestServer::Start(Config(dir));
    ASSERT_NE(server, nullptr);
    oldest = ListModels(*server).active_model_id();
    fallback = TrainAndActivate(*server);
    active = TrainAndActivate(*server);
    const v1::ListModelsResponse models = ListModels(*server);
    const v1::Model* model = FindModel(models, active);
    ASSERT_NE(model, nullptr);
    active_path = model->file_path();
  }
  ASSERT_GT(oldest, 0);
  Corrupt(active_path);

  // A read replica: no training would ever repair it.
  ServerConfig config = Config(dir, /*jobs_enabled=*/false);
  config.http_listen = "127.0.0.1:0";
  auto server = TestServer::Start(config);
  ASSERT_NE(server, nullptr);
  v1::RecommendationsResponse answer;
  ASSERT_TRUE(Recommend(*server, &answer).ok());
  EXPECT_EQ(answer.model_id(), fallback) << "the newest model that loads, not the oldest";

  HealthReport health = server->app().health();
  EXPECT_TRUE(health.serving());
  EXPECT_THAT(health.detail, HasSubstr(fmt::format("model {}: {}", active, active_path)));
  EXPECT_THAT(health.detail, HasSubstr("corrupted"));
  EXPECT_THAT(health.detail, HasSubstr(fmt::format("serving model {} instead", fallback)));
  EXPECT_EQ(GrpcHealth(*server, ""), grpc::health::v1::HealthCheckResponse::SERVING);

  // The registry keeps the operator's choice; ListModels says which model serves.
  v1::ListModelsResponse models = ListModels(*server);
  EXPECT_EQ(models.active_model_id(), fallback);
  ASSERT_NE(FindModel(models, active), nullptr);
  EXPECT_TRUE(FindModel(models, active)->active());

  httplib::Client http("127.0.0.1", server->app().http_port());
  httplib::Result health_page = http.Get("/health");
  ASSERT_TRUE(health_page);
  EXPECT_EQ(health_page->status, 200);
  EXPECT_THAT(health_page->body, HasSubstr(R"("status":"SERVING","detail":)"));
  EXPECT_THAT(health_page->body, HasSubstr(fmt::format("serving model {} instead", fallback)));
  httplib::Result metrics = http.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_THAT(metrics->body, HasSubstr(fmt::format("\nvitrina_active_model_id {}\n", fallback)));
  EXPECT_THAT(metrics->body, HasSubstr("\nvitrina_model_fallback 1\n"));

  // The model serving in its place cannot be deleted from under it.
  {
    grpc::ClientContext context;
    v1::DeleteModelRequest request;
    request.set_model_id(fallback);
    v1::DeleteModelResponse response;
    EXPECT_EQ(server->admin().DeleteModel(&context, request, &response).error_code(),
              grpc::StatusCode::FAILED_PRECONDITION);
  }
  // An activation is the operator's decision: the fallback ends.
  ASSERT_TRUE(Activate(*server, oldest).ok());
  ASSERT_TRUE(Recommend(*server, &answer).ok());
  EXPECT_EQ(answer.model_id(), oldest);
  EXPECT_EQ(server->app().health().detail, "");
  metrics = http.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_THAT(metrics->body, HasSubstr("\nvitrina_model_fallback 0\n"));
}

TEST(ModelRecoveryTest, WithNoModelThatLoadsTheServerSaysWhyItServesNothing) {
  TempDir dir;
  std::string path;
  {
    auto server = TestServer::Start(Config(dir));
    ASSERT_NE(server, nullptr);
    path = ListModels(*server).models(0).file_path();
  }
  Corrupt(path);
  auto server = TestServer::Start(Config(dir, /*jobs_enabled=*/false), /*wait_for_model=*/false);
  ASSERT_NE(server, nullptr);
  EXPECT_FALSE(server->app().serving());
  HealthReport health = server->app().health();
  EXPECT_FALSE(health.serving());
  EXPECT_THAT(health.detail, HasSubstr(fmt::format("no valid model: model 1: {}", path)));
  EXPECT_THAT(health.detail, HasSubstr("corrupted"));
  EXPECT_THAT(health.detail, HasSubstr("jobs.enabled is false"));
  EXPECT_THAT(health.detail, Not(HasSubstr("first training")));
  EXPECT_EQ(GrpcHealth(*server, ""), grpc::health::v1::HealthCheckResponse::NOT_SERVING);

  v1::RecommendationsResponse answer;
  grpc::Status status = Recommend(*server, &answer);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("no valid model: model 1"));
  EXPECT_THAT(status.error_message(), Not(HasSubstr("first training")));
}

TEST(ModelRecoveryTest, WithNoModelThatLoadsATrainingIsQueuedAndServesWhenDone) {
  TempDir dir;
  std::string path;
  {
    auto server = TestServer::Start(Config(dir));
    ASSERT_NE(server, nullptr);
    path = ListModels(*server).models(0).file_path();
  }
  Corrupt(path);
  auto server = TestServer::Start(Config(dir));  // waits for the model the queued training makes
  ASSERT_NE(server, nullptr);
  v1::RecommendationsResponse answer;
  ASSERT_TRUE(Recommend(*server, &answer).ok());
  EXPECT_GT(answer.model_id(), 1);
  EXPECT_TRUE(server->app().health().serving());
}

TEST(ModelRecoveryTest, ARegistryFileDeletedWhileRunningFailsHealthAndRefusesWrites) {
  TempDir dir;
  ServerConfig config = Config(dir);
  config.http_listen = "127.0.0.1:0";
  auto server = TestServer::Start(config);
  ASSERT_NE(server, nullptr);
  httplib::Client http("127.0.0.1", server->app().http_port());
  auto registry_gauge = [&http] {
    httplib::Result metrics = http.Get("/metrics");
    return metrics ? metrics->body : std::string("no /metrics answer");
  };
  EXPECT_THAT(registry_gauge(), HasSubstr("\nvitrina_registry_file_intact 1\n"));
  auto blacklist = [&](int64_t title, grpc::Status* status) {
    grpc::ClientContext context;
    v1::BlacklistRequest request;
    request.add_title_ids(title);
    v1::BlacklistResponse response;
    *status = server->admin().AddToBlacklist(&context, request, &response);
  };
  grpc::Status status;
  blacklist(5, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(server->app().health().serving());

  ASSERT_TRUE(std::filesystem::remove(config.registry_path));
  HealthReport health = server->app().health();
  EXPECT_FALSE(health.serving());
  EXPECT_TRUE(health.model_serving);
  EXPECT_THAT(health.detail, HasSubstr(fmt::format("registry file {} was deleted while open", config.registry_path)));
  EXPECT_THAT(health.detail, HasSubstr("saved to " + config.registry_path + ".rescued-"));
  EXPECT_THAT(registry_gauge(), HasSubstr("\nvitrina_registry_file_intact 0\n"));

  blacklist(6, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_THAT(status.error_message(), HasSubstr(config.registry_path));
  EXPECT_THAT(status.error_message(), HasSubstr("writes refused"));

  EXPECT_TRUE(AwaitGrpcHealth(*server, "", grpc::health::v1::HealthCheckResponse::NOT_SERVING));
  EXPECT_TRUE(AwaitGrpcHealth(*server, "vitrina.v1.Admin", grpc::health::v1::HealthCheckResponse::NOT_SERVING));
  EXPECT_EQ(GrpcHealth(*server, "vitrina.v1.Recommender"), grpc::health::v1::HealthCheckResponse::SERVING)
      << "answers still come from the model in memory";
  v1::RecommendationsResponse answer;
  EXPECT_TRUE(Recommend(*server, &answer).ok());

  // The rescued copy holds what the deleted file held, the blacklist entry included.
  std::string rescued;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    if (entry.path().filename().string().starts_with("registry.db.rescued-")) rescued = entry.path().string();
  }
  ASSERT_FALSE(rescued.empty());
  SQLite::Database copy(rescued, SQLite::OPEN_READONLY);
  EXPECT_EQ(copy.execAndGet("SELECT COUNT(*) FROM blacklist WHERE title_id = 5").getInt(), 1);
  EXPECT_EQ(copy.execAndGet("SELECT COUNT(*) FROM models").getInt(), 1);
}

TEST(ModelRecoveryTest, OrphanModelFilesAreLoggedAndTheToolRegistersThemForActivation) {
  TempDir dir;
  ServerConfig config = Config(dir, /*jobs_enabled=*/false);
  std::string model_path;
  {
    auto server = TestServer::Start(Config(dir));
    ASSERT_NE(server, nullptr);
    model_path = ListModels(*server).models(0).file_path();
  }
  // The registry is lost; the model files stay.
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(config.registry_path + suffix);
  const std::string canonical_model = std::filesystem::weakly_canonical(model_path).string();

  LogCapture log;
  auto server = TestServer::Start(config, /*wait_for_model=*/false);
  ASSERT_NE(server, nullptr);
  EXPECT_THAT(log.Text(), HasSubstr("1 model file(s) the registry"));
  EXPECT_THAT(log.Text(), HasSubstr(canonical_model));
  EXPECT_THAT(log.Text(), HasSubstr("vitrina-registry --registry"));
  EXPECT_FALSE(server->app().serving());
  EXPECT_THAT(server->app().health().detail, HasSubstr("the registry has no active model"));

  const std::string paths = fmt::format("--registry {} --models-dir {}", config.registry_path, config.models_dir);
  CommandResult help = RunRegistryTool("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("register"));
  CommandResult orphans = RunRegistryTool(paths + " orphans");
  EXPECT_EQ(orphans.exit_code, 0) << orphans.err;
  EXPECT_EQ(orphans.out, canonical_model + "\n");
  // Registered beside the running server, then activated through it.
  CommandResult registered = RunRegistryTool(paths + " register");
  ASSERT_EQ(registered.exit_code, 0) << registered.err;
  EXPECT_THAT(registered.out, HasSubstr(fmt::format("registered {} as model 1", canonical_model)));
  EXPECT_EQ(RunRegistryTool(paths + " orphans").out, "");
  CommandResult again = RunRegistryTool(paths + " register " + model_path);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("already registered as model 1"));

  grpc::Status activated = Activate(*server, 1);
  ASSERT_TRUE(activated.ok()) << activated.error_message();
  v1::RecommendationsResponse answer;
  ASSERT_TRUE(Recommend(*server, &answer).ok());
  EXPECT_EQ(answer.model_id(), 1);
  EXPECT_EQ(answer.items_size(), 5);
  EXPECT_EQ(server->app().health().detail, "");
  v1::ListModelsResponse models = ListModels(*server);
  ASSERT_EQ(models.models_size(), 1);
  EXPECT_GT(models.models(0).params().no_components(), 0) << "parameters read back from the model file";
}

TEST(ModelRecoveryTest, TheToolRefusesACorruptFileNamingIt) {
  TempDir dir;
  ServerConfig config = Config(dir);
  std::string model_path;
  {
    auto server = TestServer::Start(config);
    ASSERT_NE(server, nullptr);
    model_path = ListModels(*server).models(0).file_path();
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(config.registry_path + suffix);
  Corrupt(model_path);
  CommandResult result = RunRegistryTool(fmt::format("--data-dir {} register", config.data_dir));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("corrupted"));
  EXPECT_THAT(result.err, HasSubstr(std::filesystem::weakly_canonical(model_path).string()));
  EXPECT_EQ(result.out, "") << "nothing registered";
}

}  // namespace
}  // namespace vitrina::server::testing
