// The next-title model through the public API: TrainModel with params.kind NEXT_TITLE learns from
// recorded sessions, registers a model of role next_title with its own metric, serves it beside
// the personal model, and neither role's activation replaces the other's model.
#include <gtest/gtest.h>

#include <google/protobuf/util/time_util.h>

#include "absl/time/clock.h"
#include "server/served_model.h"
#include "tests/server/test_server.h"

namespace vitrina::server::testing {
namespace {

int64_t PersonalModelServing(TestServer& server) {
  v1::GetUserRecommendationsRequest request;
  request.set_user_id(5);
  request.set_k(1);
  v1::RecommendationsResponse response;
  grpc::ClientContext context;
  grpc::Status status = server.recommender().GetUserRecommendations(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.model_id();
}

v1::ListModelsResponse ListModels(TestServer& server) {
  grpc::ClientContext context;
  v1::ListModelsResponse response;
  grpc::Status status = server.admin().ListModels(&context, v1::ListModelsRequest(), &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

v1::TrainModelResponse Train(TestServer& server, v1::TrainingKind kind, v1::Activation activate) {
  v1::TrainModelRequest request;
  request.mutable_params()->set_kind(kind);
  request.mutable_params()->set_epochs(10);
  request.set_activate(activate);
  request.set_wait(true);
  grpc::ClientContext context;
  v1::TrainModelResponse response;
  grpc::Status status = server.recommender().TrainModel(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

TEST(NextTitleEndToEndTest, TrainsRegistersAndServesTheNextTitleModelBesideThePersonalOne) {
  TempDir dir;
  std::unique_ptr<TestServer> server = TestServer::Start(TestServer::SmallConfig(dir.path()));
  ASSERT_NE(server, nullptr);
  const int64_t personal = PersonalModelServing(*server);
  ASSERT_GT(personal, 0);
  EXPECT_EQ(server->app().next_titles().Current(), nullptr);

  // 40 listeners, ten minutes apart, each play titles 1 -> 2 -> ... -> 8 a minute apart, all in the past.
  const int64_t start = absl::ToUnixSeconds(absl::Now()) - 41 * 600;
  for (int64_t user = 1; user <= 40; ++user) {
    for (int64_t title = 1; title <= 8; ++title) {
      v1::RecordInteractionRequest record;
      record.set_user_id(user);
      record.set_title_id(title);
      record.set_type("view");
      record.set_value(1.0);
      *record.mutable_at() = google::protobuf::util::TimeUtil::SecondsToTimestamp(start + user * 600 + title * 60);
      grpc::ClientContext context;
      v1::RecordInteractionResponse recorded;
      grpc::Status status = server->admin().RecordInteraction(&context, record, &recorded);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
  }

  v1::TrainModelResponse trained = Train(*server, v1::NEXT_TITLE, v1::ACTIVATION_UNSPECIFIED);
  ASSERT_GT(trained.model_id(), 0);
  EXPECT_TRUE(trained.activated()) << "IF_BETTER activates the first next-title model";
  EXPECT_GT(trained.metrics().hit_rate_at_k(), 0.0);
  EXPECT_GT(trained.metrics().reciprocal_rank(), 0.0);
  EXPECT_EQ(trained.metrics().k(), 10);

  {
    v1::GetJobRequest request;
    request.set_job_id(trained.job_id());
    v1::Job job;
    grpc::ClientContext context;
    ASSERT_TRUE(server->admin().GetJob(&context, request, &job).ok());
    EXPECT_EQ(job.params().kind(), v1::NEXT_TITLE);
  }
  v1::ListModelsResponse models = ListModels(*server);
  EXPECT_EQ(models.active_model_id(), personal);
  EXPECT_EQ(models.active_next_title_model_id(), trained.model_id());
  for (const v1::Model& model : models.models()) {
    EXPECT_EQ(model.role(), model.id() == trained.model_id() ? "next_title" : "personal");
  }
  std::shared_ptr<const ServedNextTitleModel> served = server->app().next_titles().Current();
  ASSERT_NE(served, nullptr);
  EXPECT_EQ(served->model_id, trained.model_id());
  EXPECT_TRUE(served->model->UserIndex(3).has_value());
  // The personal model still answers.
  EXPECT_EQ(PersonalModelServing(*server), personal);

  // A personal training activated ALWAYS leaves the next-title model serving...
  v1::TrainModelResponse newer_personal = Train(*server, v1::FULL, v1::ALWAYS);
  ASSERT_TRUE(newer_personal.activated());
  EXPECT_EQ(PersonalModelServing(*server), newer_personal.model_id());
  EXPECT_EQ(server->app().next_titles().Current()->model_id, trained.model_id());
  EXPECT_EQ(ListModels(*server).active_next_title_model_id(), trained.model_id());

  // ...and activating a next-title model (a rollback too) names the next-title model it replaced.
  v1::TrainModelResponse second = Train(*server, v1::NEXT_TITLE, v1::NEVER);
  ASSERT_FALSE(second.activated());
  v1::ActivateModelRequest activate;
  activate.set_model_id(second.model_id());
  v1::ActivateModelResponse activated;
  grpc::ClientContext context;
  grpc::Status status = server->admin().ActivateModel(&context, activate, &activated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(activated.previous_model_id(), trained.model_id());
  EXPECT_EQ(server->app().next_titles().Current()->model_id, second.model_id());
  EXPECT_EQ(PersonalModelServing(*server), newer_personal.model_id());

  // After a restart both roles serve what the registry says.
  server->Stop();
  server = TestServer::Start(TestServer::SmallConfig(dir.path()));
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(PersonalModelServing(*server), newer_personal.model_id());
  ASSERT_NE(server->app().next_titles().Current(), nullptr);
  EXPECT_EQ(server->app().next_titles().Current()->model_id, second.model_id());
}

}  // namespace
}  // namespace vitrina::server::testing
