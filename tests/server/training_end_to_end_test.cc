// End-to-end over gRPC: who may train, what a training may ask, how a running one stops (cancel,
// wall-time limit), every loss through the server, deleted models, and bounded error messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "fmt/format.h"
#include "tests/server/test_server.h"

namespace vitrina::server::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Clock = std::chrono::steady_clock;

constexpr char kToken[] = "s3cret";

// A context carrying the admin token.
std::unique_ptr<grpc::ClientContext> Admin() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", fmt::format("Bearer {}", kToken));
  return context;
}

v1::Job GetJob(TestServer& server, int64_t job_id) {
  v1::GetJobRequest request;
  request.set_job_id(job_id);
  v1::Job job;
  grpc::Status status = server.admin().GetJob(Admin().get(), request, &job);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return job;
}

// Polls the job until `done` holds or `timeout` passes; the last state read.
v1::Job WaitForJob(TestServer& server, int64_t job_id, const std::function<bool(const v1::Job&)>& done,
                   std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  v1::Job job = GetJob(server, job_id);
  while (!done(job) && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    job = GetJob(server, job_id);
  }
  return job;
}

bool Finished(const v1::Job& job) {
  return job.status() == v1::SUCCEEDED || job.status() == v1::FAILED || job.status() == v1::CANCELLED;
}

int64_t ServingModelId(TestServer& server) {
  v1::GetUserRecommendationsRequest request;
  request.set_user_id(5);
  request.set_k(1);
  v1::RecommendationsResponse response;
  grpc::ClientContext context;
  grpc::Status status = server.recommender().GetUserRecommendations(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.model_id();
}

// With the admin token; the limits are the defaults but for max_epochs, raised so that a
// training can run long enough to be cancelled while it runs.
class TrainingEndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    ServerConfig config = TestServer::SmallConfig(dir_->path());
    config.admin_token = kToken;
    config.training.limits.max_epochs = 100000;
    server_ = TestServer::Start(config).release();
    ASSERT_NE(server_, nullptr);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  static grpc::Status Train(grpc::ClientContext* context, const v1::TrainingParams& params, bool wait,
                            v1::TrainModelResponse* response, v1::Activation activate = v1::NEVER) {
    v1::TrainModelRequest request;
    *request.mutable_params() = params;
    request.set_wait(wait);
    request.set_activate(activate);
    return server_->recommender().TrainModel(context, request, response);
  }

  static int JobCount() {
    v1::ListJobsRequest request;
    request.set_limit(1000);
    v1::ListJobsResponse jobs;
    EXPECT_TRUE(server_->admin().ListJobs(Admin().get(), request, &jobs).ok());
    return jobs.jobs_size();
  }

  static TempDir* dir_;
  static TestServer* server_;
};
TempDir* TrainingEndToEndTest::dir_ = nullptr;
TestServer* TrainingEndToEndTest::server_ = nullptr;

TEST_F(TrainingEndToEndTest, TrainModelNeedsTheAdminTokenWhenOneIsConfigured) {
  const int jobs_before = JobCount();
  v1::TrainingParams params;
  params.set_epochs(1);
  v1::TrainModelResponse response;
  {
    grpc::ClientContext anonymous;
    grpc::Status status = Train(&anonymous, params, /*wait=*/false, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
  }
  {
    grpc::ClientContext wrong;
    wrong.AddMetadata("authorization", "Bearer wrong");
    grpc::Status status = Train(&wrong, params, /*wait=*/false, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
  }
  EXPECT_EQ(JobCount(), jobs_before) << "a refused call queued no job";

  grpc::Status status = Train(Admin().get(), params, /*wait=*/true, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_GT(response.model_id(), 0);
  EXPECT_EQ(JobCount(), jobs_before + 1);
}

TEST_F(TrainingEndToEndTest, ParametersBeyondTheLimitsAreRefusedNamingTheField) {
  struct Case {
    std::function<void(v1::TrainingParams&)> set;
    std::string names;
  };
  const std::vector<Case> cases = {
      {[](v1::TrainingParams& p) { p.set_no_components(4096); }, "params.no_components must be in 1..512 (training.limits.max_no_components)"},
      {[](v1::TrainingParams& p) { p.set_max_sampled(100000); }, "params.max_sampled must be in 1..1000 (training.limits.max_sampled)"},
      {[](v1::TrainingParams& p) { p.set_epochs(100001); }, "params.epochs must be in 1..100000 (training.limits.max_epochs)"},
      // The trainer takes at most 256 threads: more used to pass here and fail later as a job.
      {[](v1::TrainingParams& p) { p.set_threads(1024); }, "params.threads must be in 1..256"},
  };
  const int jobs_before = JobCount();
  for (const Case& c : cases) {
    v1::TrainingParams params;
    c.set(params);
    v1::TrainModelResponse response;
    grpc::Status trained = Train(Admin().get(), params, /*wait=*/false, &response);
    EXPECT_EQ(trained.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.names;
    EXPECT_THAT(trained.error_message(), HasSubstr(c.names));

    v1::ScheduleTrainingRequest schedule;
    schedule.mutable_at()->set_seconds(absl::ToUnixSeconds(absl::Now() + absl::Hours(24)));
    *schedule.mutable_params() = params;
    v1::Job job;
    grpc::Status scheduled = server_->admin().ScheduleTraining(Admin().get(), schedule, &job);
    EXPECT_EQ(scheduled.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.names;
    EXPECT_THAT(scheduled.error_message(), HasSubstr(c.names));
  }
  EXPECT_EQ(JobCount(), jobs_before);
}

TEST_F(TrainingEndToEndTest, EveryLossTrainsAModelThroughTheServer) {
  // The demo catalog's interaction types carry weights other than 1: WARP_KOS, which takes no
  // sample weights, trains with them set aside.
  for (v1::Loss loss : {v1::LOGISTIC, v1::BPR, v1::WARP, v1::WARP_KOS}) {
    v1::TrainingParams params;
    params.set_loss(loss);
    params.set_epochs(2);
    v1::TrainModelResponse response;
    grpc::Status status = Train(Admin().get(), params, /*wait=*/true, &response);
    ASSERT_TRUE(status.ok()) << v1::Loss_Name(loss) << ": " << status.error_message();
    v1::Job job = GetJob(*server_, response.job_id());
    EXPECT_EQ(job.status(), v1::SUCCEEDED) << v1::Loss_Name(loss) << ": " << job.error();
    EXPECT_EQ(job.params().loss(), loss);

    v1::GetModelRequest request;
    request.set_model_id(response.model_id());
    v1::Model model;
    ASSERT_TRUE(server_->admin().GetModel(Admin().get(), request, &model).ok()) << v1::Loss_Name(loss);
    EXPECT_EQ(model.params().loss(), loss);
    EXPECT_GT(model.metrics().auc(), 0.5) << v1::Loss_Name(loss) << " ranks better than chance";
  }
}

TEST_F(TrainingEndToEndTest, CancelStopsARunningTrainingAtTheEndOfItsEpoch) {
  // 100000 epochs on the small catalog would take many minutes.
  v1::TrainingParams params;
  params.set_epochs(100000);
  v1::TrainModelResponse response;
  ASSERT_TRUE(Train(Admin().get(), params, /*wait=*/false, &response).ok());
  const int64_t job_id = response.job_id();
  v1::Job running = WaitForJob(
      *server_, job_id, [](const v1::Job& job) { return job.status() == v1::RUNNING && job.epoch() >= 2; },
      std::chrono::seconds(120));
  ASSERT_EQ(running.status(), v1::RUNNING);

  v1::CancelJobRequest cancel;
  cancel.set_job_id(job_id);
  v1::Job cancelled;
  const auto cancel_sent = Clock::now();
  ASSERT_TRUE(server_->admin().CancelJob(Admin().get(), cancel, &cancelled).ok());
  // Read after the cancellation was recorded: at most the epoch under way finishes after this.
  const int epoch_after_cancel = GetJob(*server_, job_id).epoch();

  v1::Job ended = WaitForJob(*server_, job_id, Finished, std::chrono::seconds(60));
  const double seconds = std::chrono::duration<double>(Clock::now() - cancel_sent).count();
  EXPECT_EQ(ended.status(), v1::CANCELLED) << ended.error();
  EXPECT_LE(ended.epoch(), epoch_after_cancel + 1) << "the training ran on past the epoch under way";
  EXPECT_LT(seconds, 30.0);
  EXPECT_EQ(ended.epochs(), 100000);
}

TEST_F(TrainingEndToEndTest, ADeletedModelIsNotFoundAndSaysWhenItWasDeleted) {
  v1::TrainingParams params;
  params.set_epochs(1);
  v1::TrainModelResponse trained;
  ASSERT_TRUE(Train(Admin().get(), params, /*wait=*/true, &trained).ok());
  v1::DeleteModelRequest remove;
  remove.set_model_id(trained.model_id());
  v1::DeleteModelResponse removed;
  ASSERT_TRUE(server_->admin().DeleteModel(Admin().get(), remove, &removed).ok());

  const std::string deleted = fmt::format("model {} was deleted at 20", trained.model_id());
  v1::GetModelRequest get;
  get.set_model_id(trained.model_id());
  v1::Model model;
  grpc::Status got = server_->admin().GetModel(Admin().get(), get, &model);
  EXPECT_EQ(got.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(got.error_message(), HasSubstr(deleted));

  v1::ActivateModelRequest activate;
  activate.set_model_id(trained.model_id());
  v1::ActivateModelResponse activated;
  grpc::Status refused = server_->admin().ActivateModel(Admin().get(), activate, &activated);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(refused.error_message(), HasSubstr(deleted));

  grpc::Status again = server_->admin().DeleteModel(Admin().get(), remove, &removed);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(again.error_message(), HasSubstr(deleted));

  v1::ListModelsResponse models;
  ASSERT_TRUE(server_->admin().ListModels(Admin().get(), v1::ListModelsRequest(), &models).ok());
  for (const v1::Model& listed : models.models()) EXPECT_NE(listed.id(), trained.model_id());
}

TEST_F(TrainingEndToEndTest, AnErrorQuotesAtMost64BytesOfAHugeValue) {
  // 100 KB echoed whole would exceed gRPC's metadata limit: RESOURCE_EXHAUSTED instead of the error.
  v1::RecordInteractionRequest request;
  request.set_user_id(1);
  request.set_title_id(1);
  request.set_type(std::string(100 * 1024, 't'));
  v1::RecordInteractionResponse response;
  grpc::Status status = server_->admin().RecordInteraction(Admin().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message().substr(0, 200);
  EXPECT_THAT(status.error_message(), HasSubstr(std::string(64, 't') + "…(102400 bytes)"));
  EXPECT_THAT(status.error_message(), Not(HasSubstr(std::string(65, 't'))));
}

// A training that outlives training.limits.max_wall_seconds fails with a clear error and the
// active model keeps serving. The server restarts on its data with a 1 s limit, so that its
// first training (before the restart) is not under it.
TEST(TrainingWallTimeTest, AJobOverTheWallTimeLimitFailsAndTheActiveModelKeepsServing) {
  TempDir dir;
  int64_t serving = 0;
  {
    auto server = TestServer::Start(TestServer::SmallConfig(dir.path()));
    ASSERT_NE(server, nullptr);
    serving = ServingModelId(*server);
  }
  ASSERT_GT(serving, 0);
  ServerConfig config = TestServer::SmallConfig(dir.path());
  config.admin_token = kToken;
  config.training.limits.max_epochs = 100000;
  config.training.limits.max_wall_seconds = 1;
  auto server = TestServer::Start(config);
  ASSERT_NE(server, nullptr);
  ASSERT_EQ(ServingModelId(*server), serving);

  v1::TrainModelRequest request;
  request.mutable_params()->set_epochs(100000);  // many minutes of training
  request.set_activate(v1::ALWAYS);
  request.set_wait(true);
  v1::TrainModelResponse response;
  const auto started = Clock::now();
  grpc::Status status = server->recommender().TrainModel(Admin().get(), request, &response);
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("training.limits.max_wall_seconds (1 s)"));
  EXPECT_LT(seconds, 60.0);

  v1::ListJobsRequest failed;
  failed.set_status(v1::FAILED);
  v1::ListJobsResponse jobs;
  ASSERT_TRUE(server->admin().ListJobs(Admin().get(), failed, &jobs).ok());
  ASSERT_EQ(jobs.jobs_size(), 1);
  EXPECT_THAT(jobs.jobs(0).error(), HasSubstr("the job ran longer than training.limits.max_wall_seconds (1 s)"));
  EXPECT_GT(jobs.jobs(0).epoch(), 0);
  EXPECT_LT(jobs.jobs(0).epoch(), 100000);
  EXPECT_EQ(ServingModelId(*server), serving);
}

}  // namespace
}  // namespace vitrina::server::testing
