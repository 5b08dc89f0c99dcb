// End-to-end: Admin.StartSearch on the real server over the demo catalog: trials stored and
// listed, the winner registered with its params, gated and activated; nightly retraining taking
// the winner's params when configured to.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "registry/job_store.h"
#include "registry/registry_database.h"
#include "server/proto_conversion.h"
#include "tests/server/test_server.h"

namespace vitrina::server::testing {
namespace {

v1::StartSearchRequest TinySearch() {
  v1::StartSearchRequest request;
  request.mutable_budget()->set_max_trials(6);
  request.mutable_space()->set_min_epochs(1);
  request.mutable_space()->set_max_epochs(9);  // rungs of 1, 3 and 9 epochs
  request.mutable_space()->set_max_components(16);
  request.set_threads(2);
  request.set_seed(3);
  return request;
}

v1::Job WaitForJob(TestServer& server, int64_t job_id) {
  v1::Job job;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    grpc::ClientContext context;
    v1::GetJobRequest request;
    request.set_job_id(job_id);
    EXPECT_TRUE(server.admin().GetJob(&context, request, &job).ok());
    if (job.status() == v1::SUCCEEDED || job.status() == v1::FAILED || job.status() == v1::CANCELLED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return job;
}

v1::Model GetModel(TestServer& server, int64_t model_id) {
  grpc::ClientContext context;
  v1::GetModelRequest request;
  request.set_model_id(model_id);
  v1::Model model;
  EXPECT_TRUE(server.admin().GetModel(&context, request, &model).ok());
  return model;
}

// Runs TinySearch() with `activate` and returns the finished job.
v1::Job Search(TestServer& server, v1::Activation activate) {
  grpc::ClientContext context;
  v1::StartSearchRequest request = TinySearch();
  request.set_activate(activate);
  v1::Job queued;
  grpc::Status status = server.admin().StartSearch(&context, request, &queued);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(queued.params().kind(), v1::SEARCH);
  EXPECT_EQ(queued.search().budget().max_trials(), 6);
  return WaitForJob(server, queued.id());
}

TEST(SearchEndToEndTest, TrialsAreListedAndTheWinnerIsRegisteredGatedAndActivated) {
  TempDir dir;
  auto server = TestServer::Start(TestServer::SmallConfig(dir.path()));
  ASSERT_NE(server, nullptr);
  const v1::Job job = Search(*server, v1::IF_BETTER);
  ASSERT_EQ(job.status(), v1::SUCCEEDED) << job.error();
  // 6 trials at 1 epoch, the best 2 at 3, both again at 9 (a rung keeps at least as many trials
  // as the job's 2 threads; fewer when a trial's score fell and it stopped): all visible through
  // GetJob.
  ASSERT_GE(job.trials_size(), 6 + 1);
  ASSERT_LE(job.trials_size(), 6 + 2 + 2);
  EXPECT_EQ(job.trials(0).epochs(), 1);
  EXPECT_EQ(job.trials(6).epochs(), 3);

  v1::ListTrialsResponse listed;
  {
    grpc::ClientContext context;
    v1::ListTrialsRequest request;
    request.set_job_id(job.id());
    ASSERT_TRUE(server->admin().ListTrials(&context, request, &listed).ok());
  }
  ASSERT_EQ(listed.trials_size(), job.trials_size());
  EXPECT_EQ(listed.metric(), "precision@k");
  for (const v1::SearchTrial& trial : listed.trials()) {
    EXPECT_TRUE(trial.error().empty()) << trial.error();
    EXPECT_EQ(trial.params().loss(), v1::WARP);
    EXPECT_LE(trial.params().no_components(), 16);
    EXPECT_GT(trial.validation_metric(), 0);
  }

  // The winner (the best measurement of any rung) is the registered model, with its params and
  // the epochs it was measured at.
  const v1::SearchTrial* winner = &listed.trials(0);
  for (const v1::SearchTrial& trial : listed.trials()) {
    if (trial.validation_metric() > winner->validation_metric()) winner = &trial;
  }
  const v1::Model model = GetModel(*server, job.model_id());
  EXPECT_EQ(model.params().kind(), v1::SEARCH);
  EXPECT_EQ(model.params().no_components(), winner->params().no_components());
  EXPECT_FLOAT_EQ(model.params().learning_rate(), winner->params().learning_rate());
  EXPECT_FLOAT_EQ(model.params().item_alpha(), winner->params().item_alpha());
  EXPECT_EQ(model.params().epochs(), winner->epochs());
  EXPECT_EQ(model.job_id(), job.id());
  EXPECT_GT(model.metrics().precision_at_k(), 0);

  // IF_BETTER: activated exactly when its test precision@k is not below the model it replaced
  // (the first model, trained at start).
  grpc::ClientContext context;
  v1::ListModelsResponse models;
  ASSERT_TRUE(server->admin().ListModels(&context, v1::ListModelsRequest(), &models).ok());
  ASSERT_EQ(models.models_size(), 2);
  const v1::Model& first = models.models(1);
  EXPECT_EQ(job.activated(), model.metrics().precision_at_k() >= first.metrics().precision_at_k());
  EXPECT_EQ(models.active_model_id(), job.activated() ? model.id() : first.id());
}

// The budget covers the winner's training too: one already spent by the first trial (which always
// runs) stops that training after its first epoch instead of letting it overrun, and the model is
// registered with the epochs it had.
TEST(SearchEndToEndTest, TheWinnersTrainingStopsEarlyRatherThanOverrunTheBudget) {
  TempDir dir;
  auto server = TestServer::Start(TestServer::SmallConfig(dir.path()));
  ASSERT_NE(server, nullptr);
  grpc::ClientContext context;
  v1::StartSearchRequest request = TinySearch();
  request.mutable_space()->set_min_epochs(3);  // rungs of 3 and 9 epochs
  request.mutable_budget()->set_max_seconds(0.001);
  v1::Job queued;
  ASSERT_TRUE(server->admin().StartSearch(&context, request, &queued).ok());
  const v1::Job job = WaitForJob(*server, queued.id());
  ASSERT_EQ(job.status(), v1::SUCCEEDED) << job.error();
  // The first trial, and the second when the job's other thread started it before any time had
  // passed: their first rung only.
  ASSERT_GE(job.trials_size(), 1);
  ASSERT_LE(job.trials_size(), 2);
  for (const v1::SearchTrial& trial : job.trials()) EXPECT_EQ(trial.epochs(), 3);
  const v1::Model model = GetModel(*server, job.model_id());
  EXPECT_EQ(model.params().epochs(), 1) << "the winner's 3 epochs, stopped after the first";
}

TEST(SearchEndToEndTest, BadRequestsNameTheFieldAndOtherJobsHaveNoTrials) {
  TempDir dir;
  auto server = TestServer::Start(TestServer::SmallConfig(dir.path()));
  ASSERT_NE(server, nullptr);
  struct Case {
    v1::StartSearchRequest request;
    std::string field;
  };
  std::vector<Case> cases;
  cases.push_back({TinySearch(), "max_trials"});
  cases.back().request.mutable_budget()->set_max_trials(0);
  cases.push_back({TinySearch(), "metric"});
  cases.back().request.set_metric("ndcg");
  cases.push_back({TinySearch(), "epochs"});
  cases.back().request.mutable_space()->set_min_epochs(20);
  cases.push_back({TinySearch(), "learning_rate"});
  cases.back().request.mutable_space()->set_min_learning_rate(0.01);
  cases.push_back({TinySearch(), "training.limits.max_no_components"});
  cases.back().request.mutable_space()->set_max_components(4096);
  cases.push_back({TinySearch(), "space.losses"});
  cases.back().request.mutable_space()->add_losses(v1::LOSS_UNSPECIFIED);
  for (const Case& c : cases) {
    grpc::ClientContext context;
    v1::Job job;
    grpc::Status status = server->admin().StartSearch(&context, c.request, &job);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_NE(status.error_message().find(c.field), std::string::npos) << status.error_message();
  }
  {
    grpc::ClientContext context;
    v1::TrainModelRequest train;
    train.mutable_params()->set_kind(v1::SEARCH);
    v1::TrainModelResponse response;
    grpc::Status status = server->recommender().TrainModel(&context, train, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(status.error_message().find("StartSearch"), std::string::npos) << status.error_message();
  }
  grpc::ClientContext context;
  v1::ListJobsResponse jobs;
  ASSERT_TRUE(server->admin().ListJobs(&context, v1::ListJobsRequest(), &jobs).ok());
  ASSERT_EQ(jobs.jobs_size(), 1) << "only the first training: no bad search was queued";
  grpc::ClientContext trials_context;
  v1::ListTrialsRequest request;
  request.set_job_id(jobs.jobs(0).id());
  v1::ListTrialsResponse trials;
  EXPECT_EQ(server->admin().ListTrials(&trials_context, request, &trials).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

// With training.nightly_uses_search_winner, a nightly full training takes the parameters of the
// last search's winner; without it, the configured defaults. (The nightly job is queued straight
// into the registry while the server is down; the worker runs it at start.)
TEST(SearchEndToEndTest, NightlyRetrainingCanStartFromTheLastSearchWinner) {
  for (bool use_winner : {true, false}) {
    TempDir dir;
    v1::TrainingParams winner;
    {
      auto server = TestServer::Start(TestServer::SmallConfig(dir.path()));
      ASSERT_NE(server, nullptr);
      const v1::Job job = Search(*server, v1::NEVER);
      ASSERT_EQ(job.status(), v1::SUCCEEDED) << job.error();
      winner = GetModel(*server, job.model_id()).params();
    }
    int64_t nightly_id = 0;
    {
      auto database = registry::RegistryDatabase::Open((dir.path() / "registry.db").string());
      ASSERT_TRUE(database.ok()) << database.status();
      registry::JobStore jobs(**database);
      registry::JobSpec nightly;
      nightly.trigger = registry::JobTrigger::kNightly;
      nightly.activate = registry::ActivatePolicy::kNever;
      nightly.scheduled_at = 1;
      auto created = jobs.Create(nightly);
      ASSERT_TRUE(created.ok()) << created.status();
      nightly_id = created->id;
    }
    ServerConfig config = TestServer::SmallConfig(dir.path());
    config.training.nightly_uses_search_winner = use_winner;
    auto server = TestServer::Start(config);
    ASSERT_NE(server, nullptr);
    const v1::Job job = WaitForJob(*server, nightly_id);
    ASSERT_EQ(job.status(), v1::SUCCEEDED) << job.error();
    const v1::TrainingParams params = GetModel(*server, job.model_id()).params();
    EXPECT_EQ(params.kind(), v1::FULL);
    if (use_winner) {
      EXPECT_EQ(params.no_components(), winner.no_components());
      EXPECT_FLOAT_EQ(params.learning_rate(), winner.learning_rate());
      EXPECT_FLOAT_EQ(params.user_alpha(), winner.user_alpha());
      EXPECT_EQ(params.epochs(), winner.epochs());
    } else {
      EXPECT_EQ(params.no_components(), config.training.defaults.no_components());
      EXPECT_EQ(params.epochs(), config.training.defaults.epochs());
    }
  }
}

}  // namespace
}  // namespace vitrina::server::testing
