// End-to-end: the real server (Application) on 127.0.0.1 port 0 with a generated demo catalog,
// called through generated gRPC stubs.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "SQLiteCpp/SQLiteCpp.h"
#include "data/demo_catalog.h"
#include "fmt/format.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "server/demo_catalog_spec.h"
#include "registry/job_store.h"
#include "registry/registry_database.h"
#include "tests/server/test_server.h"

namespace vitrina::server::testing {
namespace {

class EndToEndTest : public SharedServerTest {
 protected:

  static v1::RecommendationsResponse Recommend(int64_t user, int k, grpc::Status* status = nullptr,
                                               std::vector<int64_t> exclude = {}) {
    grpc::ClientContext context;
    v1::GetUserRecommendationsRequest request;
    request.set_user_id(user);
    request.set_k(k);
    for (int64_t id : exclude) request.add_exclude_title_ids(id);
    v1::RecommendationsResponse response;
    grpc::Status s = server_->recommender().GetUserRecommendations(&context, request, &response);
    if (status != nullptr) *status = s;
    else EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  static std::set<int64_t> Titles(const v1::RecommendationsResponse& response) {
    std::set<int64_t> titles;
    for (const auto& item : response.items()) titles.insert(item.title_id());
    return titles;
  }

};

TEST_F(EndToEndTest, HealthIsServingOnceTheFirstModelIsLoaded) {
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  auto stub = grpc::health::v1::Health::NewStub(server_->channel());
  ASSERT_TRUE(stub->Check(&context, request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(EndToEndTest, RecommendsKPersonalTitlesWithScoresAndCachesThem) {
  v1::RecommendationsResponse first = Recommend(7, 10);
  ASSERT_EQ(first.items_size(), 10);
  EXPECT_EQ(first.source(), v1::MODEL);
  EXPECT_GT(first.model_id(), 0);
  EXPECT_FALSE(first.from_cache());
  for (int i = 1; i < first.items_size(); ++i) EXPECT_GE(first.items(i - 1).score(), first.items(i).score());
  EXPECT_EQ(Titles(first).size(), 10u) << "no duplicates";

  v1::RecommendationsResponse second = Recommend(7, 10);
  EXPECT_TRUE(second.from_cache());
  EXPECT_EQ(Titles(second), Titles(first));

  // Different users get different answers: the ranking is personal.
  EXPECT_NE(Titles(Recommend(8, 10)), Titles(Recommend(150, 10)));
}

TEST_F(EndToEndTest, RequestExclusionsAndRecordedInteractionsAreNeverRecommended) {
  v1::RecommendationsResponse before = Recommend(11, 5);
  ASSERT_EQ(before.items_size(), 5);
  int64_t excluded = before.items(0).title_id();
  v1::RecommendationsResponse without = Recommend(11, 5, nullptr, {excluded});
  EXPECT_EQ(without.items_size(), 5);
  EXPECT_FALSE(Titles(without).contains(excluded));

  // A hot interaction: the user just watched the second title; it must vanish at once.
  int64_t watched = before.items(1).title_id();
  grpc::ClientContext context;
  v1::RecordInteractionRequest record;
  record.set_user_id(11);
  record.set_title_id(watched);
  record.set_type("view");
  record.set_value(1.0);
  v1::RecordInteractionResponse recorded;
  ASSERT_TRUE(server_->admin().RecordInteraction(&context, record, &recorded).ok());
  v1::RecommendationsResponse after = Recommend(11, 5);
  EXPECT_FALSE(after.from_cache()) << "recording an interaction drops the user's cached answers";
  EXPECT_EQ(after.items_size(), 5);
  EXPECT_FALSE(Titles(after).contains(watched));
}

TEST_F(EndToEndTest, BlacklistAppliesToCachedAnswersAtOnce) {
  v1::RecommendationsResponse cached = Recommend(21, 10);
  ASSERT_EQ(Recommend(21, 10).from_cache(), true);
  int64_t banned = cached.items(0).title_id();
  int64_t banned_for_user = cached.items(1).title_id();
  {
    grpc::ClientContext context;
    v1::BlacklistRequest request;
    request.add_title_ids(banned);
    request.set_reason("licence expired");
    v1::BlacklistResponse response;
    ASSERT_TRUE(server_->admin().AddToBlacklist(&context, request, &response).ok());
    EXPECT_EQ(response.changed(), 1);
  }
  {
    grpc::ClientContext context;
    v1::BlacklistRequest request;
    request.add_title_ids(banned_for_user);
    request.set_user_id(21);
    v1::BlacklistResponse response;
    ASSERT_TRUE(server_->admin().AddToBlacklist(&context, request, &response).ok());
  }
  v1::RecommendationsResponse after = Recommend(21, 10);
  EXPECT_TRUE(after.from_cache()) << "the cached list is reused, filtered";
  EXPECT_EQ(after.items_size(), 10) << "still k titles: answers are cached longer than k";
  EXPECT_FALSE(Titles(after).contains(banned));
  EXPECT_FALSE(Titles(after).contains(banned_for_user));
  // The per-user entry concerns that user only; the global one everybody.
  grpc::ClientContext context;
  v1::ListBlacklistRequest list;
  v1::ListBlacklistResponse listed;
  ASSERT_TRUE(server_->admin().ListBlacklist(&context, list, &listed).ok());
  ASSERT_EQ(listed.entries_size(), 1);
  EXPECT_EQ(listed.entries(0).title_id(), banned);
  EXPECT_EQ(listed.entries(0).reason(), "licence expired");
}

TEST_F(EndToEndTest, UnknownUsersGetPopularTitles) {
  v1::RecommendationsResponse cold = Recommend(987654321, 5);
  EXPECT_EQ(cold.source(), v1::POPULAR);
  EXPECT_EQ(cold.items_size(), 5);
  for (int i = 1; i < cold.items_size(); ++i) EXPECT_GE(cold.items(i - 1).score(), cold.items(i).score());
}

TEST_F(EndToEndTest, SimilarTitlesExcludeTheTitleItself) {
  int64_t title = Recommend(3, 1).items(0).title_id();
  grpc::ClientContext context;
  v1::GetTitleRelevantRequest request;
  request.set_title_id(title);
  request.set_k(5);
  v1::RecommendationsResponse response;
  ASSERT_TRUE(server_->recommender().GetTitleRelevant(&context, request, &response).ok());
  EXPECT_EQ(response.items_size(), 5);
  EXPECT_FALSE(Titles(response).contains(title));
  for (const auto& item : response.items()) EXPECT_LE(item.score(), 1.0001f) << "cosine";
}

TEST_F(EndToEndTest, BadRequestsGetClearErrors) {
  grpc::Status status;
  Recommend(5, 1001, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("k must be in 1..1000"), std::string::npos) << status.error_message();
  Recommend(5, -1, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  Recommend(-1, 10, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("user_id must be a catalog id (>= 0)"), std::string::npos)
      << status.error_message();

  {
    grpc::ClientContext context;
    v1::GetTitleRelevantRequest request;
    request.set_title_id(99999999);
    v1::RecommendationsResponse response;
    EXPECT_EQ(server_->recommender().GetTitleRelevant(&context, request, &response).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext context;
    v1::TrainModelRequest request;
    request.mutable_params()->set_epochs(0);
    v1::TrainModelResponse response;
    grpc::Status s = server_->recommender().TrainModel(&context, request, &response);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(s.error_message().find("params.epochs"), std::string::npos) << s.error_message();
  }
  {
    grpc::ClientContext context;
    v1::GetModelRequest request;
    request.set_model_id(4242);
    v1::Model response;
    EXPECT_EQ(server_->admin().GetModel(&context, request, &response).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext context;
    v1::ScheduleTrainingRequest request;  // no `at`
    v1::Job response;
    EXPECT_EQ(server_->admin().ScheduleTraining(&context, request, &response).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  {
    grpc::ClientContext context;
    v1::BlacklistRequest request;  // no titles
    v1::BlacklistResponse response;
    EXPECT_EQ(server_->admin().AddToBlacklist(&context, request, &response).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  {
    grpc::ClientContext context;
    v1::RecordInteractionRequest request;
    request.set_user_id(1);
    request.set_title_id(1);
    request.set_type("teleport");
    v1::RecordInteractionResponse response;
    EXPECT_EQ(server_->admin().RecordInteraction(&context, request, &response).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
}

TEST_F(EndToEndTest, TrainActivateRollBackAndDelete) {
  v1::TrainModelResponse trained;
  {
    grpc::ClientContext context;
    v1::TrainModelRequest request;
    request.set_activate(v1::ALWAYS);
    request.set_wait(true);
    request.mutable_params()->set_epochs(3);
    ASSERT_TRUE(server_->recommender().TrainModel(&context, request, &trained).ok());
  }
  EXPECT_GT(trained.job_id(), 0);
  EXPECT_TRUE(trained.activated());
  EXPECT_GT(trained.metrics().auc(), 0.5) << "a trained model ranks better than chance";
  EXPECT_EQ(Recommend(5, 3).model_id(), trained.model_id());

  v1::ListModelsResponse models;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(server_->admin().ListModels(&context, v1::ListModelsRequest(), &models).ok());
  }
  ASSERT_GE(models.models_size(), 2);
  EXPECT_EQ(models.active_model_id(), trained.model_id());
  int64_t older = models.models(models.models_size() - 1).id();

  // Rollback: the older model serves again, answers say so.
  {
    grpc::ClientContext context;
    v1::ActivateModelRequest request;
    request.set_model_id(older);
    v1::ActivateModelResponse response;
    ASSERT_TRUE(server_->admin().ActivateModel(&context, request, &response).ok());
    EXPECT_EQ(response.previous_model_id(), trained.model_id());
    EXPECT_TRUE(response.model().active());
  }
  EXPECT_EQ(Recommend(5, 3).model_id(), older);

  // The active model cannot be deleted; the other one can.
  {
    grpc::ClientContext context;
    v1::DeleteModelRequest request;
    request.set_model_id(older);
    v1::DeleteModelResponse response;
    EXPECT_EQ(server_->admin().DeleteModel(&context, request, &response).error_code(),
              grpc::StatusCode::FAILED_PRECONDITION);
  }
  {
    grpc::ClientContext context;
    v1::DeleteModelRequest request;
    request.set_model_id(trained.model_id());
    v1::DeleteModelResponse response;
    EXPECT_TRUE(server_->admin().DeleteModel(&context, request, &response).ok());
  }
  {
    grpc::ClientContext context;
    v1::GetJobRequest request;
    request.set_job_id(trained.job_id());
    v1::Job job;
    ASSERT_TRUE(server_->admin().GetJob(&context, request, &job).ok());
    EXPECT_EQ(job.status(), v1::SUCCEEDED);
    EXPECT_EQ(job.epoch(), 3);
    EXPECT_EQ(job.epochs(), 3);
  }
}

TEST_F(EndToEndTest, QualityGateKeepsABetterActiveModel) {
  // One epoch at a tiny learning rate is barely trained: IF_BETTER must not let it serve.
  grpc::ClientContext context;
  v1::TrainModelRequest request;
  request.set_activate(v1::IF_BETTER);
  request.set_wait(true);
  request.mutable_params()->set_epochs(1);
  request.mutable_params()->set_learning_rate(1e-5f);
  v1::TrainModelResponse response;
  int64_t serving_before = Recommend(5, 1).model_id();
  ASSERT_TRUE(server_->recommender().TrainModel(&context, request, &response).ok());
  EXPECT_FALSE(response.activated());
  EXPECT_EQ(Recommend(5, 1).model_id(), serving_before);
}

TEST_F(EndToEndTest, ConcurrentTrainingsQueueAndActivationDropsNoRequest) {
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t) {
    clients.emplace_back([&, t] {
      int64_t user = 1 + t;
      while (!stop) {
        grpc::Status status;
        v1::RecommendationsResponse r = Recommend(user, 5, &status);
        if (!status.ok() || r.items_size() != 5) failures++;
        answered++;
        user = user % 250 + 1;
      }
    });
  }
  // Two trainings queued at once: both run, one after the other, each activating its model.
  std::vector<std::thread> trainers;
  std::vector<v1::TrainModelResponse> results(2);
  std::vector<grpc::Status> statuses(2);
  for (int i = 0; i < 2; ++i) {
    trainers.emplace_back([&, i] {
      grpc::ClientContext context;
      v1::TrainModelRequest request;
      request.set_activate(v1::ALWAYS);
      request.set_wait(true);
      request.mutable_params()->set_epochs(2);
      statuses[i] = server_->recommender().TrainModel(&context, request, &results[i]);
    });
  }
  for (auto& t : trainers) t.join();
  stop = true;
  for (auto& c : clients) c.join();
  ASSERT_TRUE(statuses[0].ok()) << statuses[0].error_message();
  ASSERT_TRUE(statuses[1].ok()) << statuses[1].error_message();
  EXPECT_NE(results[0].model_id(), results[1].model_id());
  EXPECT_GT(answered.load(), 0);
  EXPECT_EQ(failures.load(), 0) << "of " << answered.load() << " requests during two activations";
}

TEST(EndToEndRestartTest, RestartServesTheSameModelAndFailsInterruptedJobs) {
  TempDir dir;
  int64_t model_id = 0;
  {
    auto server = TestServer::Start(TestServer::SmallConfig(dir.path()));
    ASSERT_NE(server, nullptr);
    grpc::ClientContext context;
    v1::ListModelsResponse models;
    ASSERT_TRUE(server->admin().ListModels(&context, v1::ListModelsRequest(), &models).ok());
    model_id = models.active_model_id();
    // A training scheduled for tomorrow must survive the restart.
    grpc::ClientContext schedule_context;
    v1::ScheduleTrainingRequest schedule;
    schedule.mutable_at()->set_seconds(absl::ToUnixSeconds(absl::Now() + absl::Hours(24)));
    v1::Job job;
    ASSERT_TRUE(server->admin().ScheduleTraining(&schedule_context, schedule, &job).ok());
    EXPECT_EQ(job.status(), v1::QUEUED);
  }
  ASSERT_GT(model_id, 0);
  auto server = TestServer::Start(TestServer::SmallConfig(dir.path()));
  ASSERT_NE(server, nullptr);
  grpc::ClientContext context;
  v1::ListModelsResponse models;
  ASSERT_TRUE(server->admin().ListModels(&context, v1::ListModelsRequest(), &models).ok());
  EXPECT_EQ(models.active_model_id(), model_id);
  EXPECT_EQ(models.models_size(), 1) << "no retraining at restart: the active model was loaded";
  grpc::ClientContext jobs_context;
  v1::ListJobsRequest queued;
  queued.set_status(v1::QUEUED);
  v1::ListJobsResponse jobs;
  ASSERT_TRUE(server->admin().ListJobs(&jobs_context, queued, &jobs).ok());
  EXPECT_EQ(jobs.jobs_size(), 1);
}

// A first training queued by a run that stopped before it ran trains the first model when the
// server starts again; the server does not queue a second one.
TEST(EndToEndRestartTest, AFirstTrainingQueuedBeforeARestartIsNotQueuedTwice) {
  TempDir dir;
  ServerConfig config = TestServer::SmallConfig(dir.path());
  ASSERT_TRUE(config.training.train_at_start);
  ASSERT_TRUE(config.Finalize().ok());  // the registry's default path in the data dir
  std::filesystem::create_directories(config.data_dir);
  int64_t queued_id = 0;
  {
    auto database = registry::RegistryDatabase::Open(config.registry_path);
    ASSERT_TRUE(database.ok()) << database.status().message();
    registry::JobStore jobs(**database);
    registry::JobSpec spec;
    spec.activate = registry::ActivatePolicy::kAlways;
    spec.scheduled_at = registry::UnixNow();
    auto job = jobs.Create(spec);
    ASSERT_TRUE(job.ok()) << job.status().message();
    queued_id = job->id;
  }
  auto server = TestServer::Start(config);
  ASSERT_NE(server, nullptr);
  grpc::ClientContext context;
  v1::ListJobsResponse jobs;
  ASSERT_TRUE(server->admin().ListJobs(&context, v1::ListJobsRequest(), &jobs).ok());
  ASSERT_EQ(jobs.jobs_size(), 1);
  EXPECT_EQ(jobs.jobs(0).id(), queued_id);
  EXPECT_EQ(jobs.jobs(0).status(), v1::SUCCEEDED);
}

// A user whose interactions are all non-positive (low ratings) is not in the model: the popular
// titles they get must still leave out what they consumed, also after an incremental training.
TEST(EndToEndColdStartTest, PopularAnswersLeaveOutWhatAUserOutsideTheModelConsumed) {
  TempDir dir;
  ServerConfig config = TestServer::SmallConfig(dir.path());
  ASSERT_TRUE(config.Finalize().ok());
  const data::DemoCatalogSpec spec = DemoSpecOf(config.demo);
  std::filesystem::create_directories(config.data_dir);
  ASSERT_TRUE(data::GenerateDemoCatalog(config.data_source.embedded_path, spec).ok());
  constexpr int64_t kColdUser = 777777;
  std::set<int64_t> disliked;
  {
    SQLite::Database catalog(config.data_source.embedded_path, SQLite::OPEN_READWRITE);
    catalog.setBusyTimeout(kCatalogBusyTimeoutMs);
    catalog.exec(fmt::format("INSERT INTO users(id) VALUES ({})", kColdUser));
    SQLite::Statement titles(catalog, "SELECT id FROM titles ORDER BY id LIMIT 60");
    while (titles.executeStep()) disliked.insert(titles.getColumn(0).getInt64());
    // Within the demo's time span, so that the popularity window still covers the demo's own.
    const int64_t newest = catalog.execAndGet("SELECT MAX(created_at) FROM interactions").getInt64();
    for (int64_t title : disliked) {
      catalog.exec(fmt::format("INSERT INTO interactions(user_id, title_id, type, value, created_at) "
                               "VALUES ({}, {}, 'rating', 1, {})", kColdUser, title, newest));
    }
  }
  ASSERT_EQ(disliked.size(), 60u);
  auto server = TestServer::Start(config);
  ASSERT_NE(server, nullptr);

  auto recommend = [&](bool exclude_seen) {
    grpc::ClientContext context;
    v1::GetUserRecommendationsRequest request;
    request.set_user_id(kColdUser);
    request.set_k(20);
    request.set_exclude_seen(exclude_seen);
    v1::RecommendationsResponse response;
    EXPECT_TRUE(server->recommender().GetUserRecommendations(&context, request, &response).ok());
    EXPECT_EQ(response.source(), v1::POPULAR);
    return response;
  };
  auto consumed_in = [&](const v1::RecommendationsResponse& response) {
    int count = 0;
    for (const auto& item : response.items()) count += disliked.contains(item.title_id());
    return count;
  };
  v1::RecommendationsResponse answer = recommend(true);
  EXPECT_EQ(answer.items_size(), 20);
  EXPECT_EQ(consumed_in(answer), 0);
  EXPECT_GT(consumed_in(recommend(false)), 0) << "the test must cover popular titles the user consumed";

  // An incremental training (new interactions of another user) keeps the cold user's consumption.
  {
    SQLite::Database catalog(config.data_source.embedded_path, SQLite::OPEN_READWRITE);
    catalog.setBusyTimeout(kCatalogBusyTimeoutMs);
    const int64_t newest = catalog.execAndGet("SELECT MAX(created_at) FROM interactions").getInt64();
    catalog.exec(fmt::format("INSERT INTO interactions(user_id, title_id, type, value, created_at) "
                             "VALUES (1, {}, 'rating', 5, {})", *disliked.rbegin() + 1, newest + 1));
  }
  grpc::ClientContext context;
  v1::TrainModelRequest train;
  train.mutable_params()->set_kind(v1::INCREMENTAL);
  train.set_activate(v1::ALWAYS);
  train.set_wait(true);
  v1::TrainModelResponse trained;
  grpc::Status status = server->recommender().TrainModel(&context, train, &trained);
  ASSERT_TRUE(status.ok()) << status.error_message();
  answer = recommend(true);
  EXPECT_EQ(answer.model_id(), trained.model_id());
  EXPECT_EQ(answer.items_size(), 20);
  EXPECT_EQ(consumed_in(answer), 0);

  // Once a positive interaction brings the user into the model, their earlier consumption moves
  // into the model's consumed sets: model answers leave it out too.
  const int64_t liked = *disliked.rbegin() + 2;
  {
    SQLite::Database catalog(config.data_source.embedded_path, SQLite::OPEN_READWRITE);
    catalog.setBusyTimeout(kCatalogBusyTimeoutMs);
    const int64_t newest = catalog.execAndGet("SELECT MAX(created_at) FROM interactions").getInt64();
    catalog.exec(fmt::format("INSERT INTO interactions(user_id, title_id, type, value, created_at) "
                             "VALUES ({}, {}, 'rating', 5, {})", kColdUser, liked, newest + 1));
  }
  grpc::ClientContext second_context;
  status = server->recommender().TrainModel(&second_context, train, &trained);
  ASSERT_TRUE(status.ok()) << status.error_message();
  grpc::ClientContext known_context;
  v1::GetUserRecommendationsRequest request;
  request.set_user_id(kColdUser);
  request.set_k(20);
  v1::RecommendationsResponse known;
  ASSERT_TRUE(server->recommender().GetUserRecommendations(&known_context, request, &known).ok());
  EXPECT_EQ(known.source(), v1::MODEL);
  EXPECT_EQ(known.items_size(), 20);
  EXPECT_EQ(consumed_in(known), 0);
  for (const auto& item : known.items()) EXPECT_NE(item.title_id(), liked);
}

TEST(EndToEndAuthTest, AdminCallsNeedTheTokenWhenConfigured) {
  TempDir dir;
  ServerConfig config = TestServer::SmallConfig(dir.path());
  config.admin_token = "s3cret";
  auto server = TestServer::Start(config);
  ASSERT_NE(server, nullptr);
  v1::ListModelsResponse models;
  {
    grpc::ClientContext context;
    EXPECT_EQ(server->admin().ListModels(&context, v1::ListModelsRequest(), &models).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer wrong");
    EXPECT_EQ(server->admin().ListModels(&context, v1::ListModelsRequest(), &models).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer s3cret");
    EXPECT_TRUE(server->admin().ListModels(&context, v1::ListModelsRequest(), &models).ok());
  }
}

}  // namespace
}  // namespace vitrina::server::testing
