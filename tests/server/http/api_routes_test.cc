#include <chrono>
#include <future>
#include <thread>

#include "tests/server/http/gateway_fixture.h"

namespace vitrina::server::http {
namespace {

using ::testing::_;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Return;

using ApiRoutesTest = GatewayTest;

v1::RecommendationsResponse TwoTitles() {
  v1::RecommendationsResponse response;
  auto* first = response.add_items();
  first->set_title_id(7);
  first->set_score(0.5f);
  auto* second = response.add_items();
  second->set_title_id(9);
  second->set_score(0.25f);
  response.set_model_id(3);
  response.set_source(v1::MODEL);
  return response;
}

TEST_F(ApiRoutesTest, UserRecommendationsParseTheQueryAndAnswerInCamelCase) {
  EXPECT_CALL(recommender_, GetUserRecommendations(_)).WillOnce([](const v1::GetUserRecommendationsRequest& request) {
    EXPECT_EQ(request.user_id(), 42);
    EXPECT_EQ(request.k(), 5);
    EXPECT_TRUE(request.has_exclude_seen());
    EXPECT_FALSE(request.exclude_seen());
    EXPECT_THAT(request.exclude_title_ids(), ElementsAre(1, 2, 3));
    return TwoTitles();
  });
  auto result = client_->Get(
      "/titles/recommendations?user_id=42&k=5&exclude_seen=false&exclude_title_ids=1,2&exclude_title_ids=3");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
  // grpcurl's rendering: lowerCamelCase, int64 as strings, enums by name, false and the empty
  // map of experiment arms printed.
  EXPECT_EQ(result->body, R"({"items":[{"titleId":"7","score":0.5},{"titleId":"9","score":0.25}],)"
                          R"("modelId":"3","source":"MODEL","fromCache":false,"experiments":{}})");
}

TEST_F(ApiRoutesTest, UserRecommendationsLeaveUnsetOptionsUnset) {
  EXPECT_CALL(recommender_, GetUserRecommendations(_)).WillOnce([](const v1::GetUserRecommendationsRequest& request) {
    EXPECT_EQ(request.k(), 0);
    EXPECT_FALSE(request.has_exclude_seen());
    EXPECT_TRUE(request.exclude_title_ids().empty());
    return v1::RecommendationsResponse();
  });
  auto result = client_->Get("/titles/recommendations?user_id=1");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body,
            R"({"items":[],"modelId":"0","source":"SOURCE_UNSPECIFIED","fromCache":false,"experiments":{}})");
}

TEST_F(ApiRoutesTest, MalformedQueryIsBadRequestNamingTheParameter) {
  struct Case {
    std::string target;
    std::string parameter;
  };
  for (const Case& c : std::vector<Case>{
           {"/titles/recommendations", "'user_id'"},
           {"/titles/recommendations?user_id=abc", "'user_id'"},
           {"/titles/recommendations?user_id=1&k=ten", "'k'"},
           {"/titles/recommendations?user_id=1&k=99999999999", "'k'"},
           {"/titles/recommendations?user_id=1&exclude_seen=maybe", "'exclude_seen'"},
           {"/titles/recommendations?user_id=1&exclude_title_ids=1,x", "'exclude_title_ids'"},
           {"/titles/recommendations?user_id=1&user_id=2", "'user_id'"},
           {"/titles/relevant?k=3", "'title_id'"},
       }) {
    auto result = client_->Get(c.target);
    ASSERT_TRUE(result) << c.target;
    EXPECT_EQ(result->status, 400) << c.target;
    ErrorBody error = ParseErrorBody(result->body);
    EXPECT_EQ(error.code, "INVALID_ARGUMENT") << c.target;
    EXPECT_THAT(error.message, HasSubstr(c.parameter)) << c.target;
  }
}

TEST_F(ApiRoutesTest, TitleRelevantParsesTheQuery) {
  EXPECT_CALL(recommender_, GetTitleRelevant(_)).WillOnce([](const v1::GetTitleRelevantRequest& request) {
    EXPECT_EQ(request.title_id(), 7);
    EXPECT_EQ(request.k(), 2);
    EXPECT_THAT(request.exclude_title_ids(), ElementsAre(4));
    return TwoTitles();
  });
  auto result = client_->Get("/titles/relevant?title_id=7&k=2&exclude_title_ids=4");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(ParseAnswer<v1::RecommendationsResponse>(result->body).items_size(), 2);
}

TEST_F(ApiRoutesTest, InteractionBodyAcceptsCamelCaseAndProtoNames) {
  for (std::string body : {R"({"userId":"5","titleId":6,"type":"view","value":1.5,"at":"2026-11-23T03:00:00Z"})",
                           R"({"user_id":5,"title_id":"6","type":"view","value":1.5,"at":"2026-11-23T03:00:00Z"})"}) {
    EXPECT_CALL(admin_, RecordInteraction(_)).WillOnce([](const v1::RecordInteractionRequest& request) {
      EXPECT_EQ(request.user_id(), 5);
      EXPECT_EQ(request.title_id(), 6);
      EXPECT_EQ(request.type(), "view");
      EXPECT_DOUBLE_EQ(request.value(), 1.5);
      EXPECT_EQ(request.at().seconds(), 1795402800);
      return v1::RecordInteractionResponse();
    });
    auto result = client_->Post("/interactions", AdminHeaders(), body, "application/json");
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 200) << body;
    EXPECT_EQ(result->body, "{}");
  }
}

TEST_F(ApiRoutesTest, BadJsonBodiesAreBadRequestNamingTheMessage) {
  for (std::string body : {"{", R"({"userId":)", R"({"user":5})", R"({"userId":"five"})", "[]", R"("text")"}) {
    auto result = client_->Post("/interactions", AdminHeaders(), body, "application/json");
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 400) << body;
    ErrorBody error = ParseErrorBody(result->body);
    EXPECT_EQ(error.code, "INVALID_ARGUMENT");
    EXPECT_THAT(error.message, HasSubstr("vitrina.v1.RecordInteractionRequest")) << body;
  }
  auto missing = client_->Post("/interactions", AdminHeaders(), "", "application/json");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  EXPECT_THAT(ParseErrorBody(missing->body).message, HasSubstr("request body must be"));
}

TEST_F(ApiRoutesTest, ModelRoutesTakeTheIdFromThePath) {
  v1::Model model;
  model.set_id(5);
  model.set_active(true);
  EXPECT_CALL(admin_, ListModels(_)).WillOnce([&](const v1::ListModelsRequest& request) {
    EXPECT_EQ(request.limit(), 20);
    v1::ListModelsResponse response;
    *response.add_models() = model;
    response.set_active_model_id(5);
    return response;
  });
  EXPECT_CALL(admin_, GetModel(_)).WillOnce([&](const v1::GetModelRequest& request) {
    EXPECT_EQ(request.model_id(), 5);
    return model;
  });
  EXPECT_CALL(admin_, ActivateModel(_)).WillOnce([&](const v1::ActivateModelRequest& request) {
    EXPECT_EQ(request.model_id(), 5);
    v1::ActivateModelResponse response;
    *response.mutable_model() = model;
    response.set_previous_model_id(4);
    return response;
  });
  EXPECT_CALL(admin_, DeleteModel(_)).WillOnce([](const v1::DeleteModelRequest& request) {
    EXPECT_EQ(request.model_id(), 4);
    return v1::DeleteModelResponse();
  });

  auto list = client_->Get("/admin/models?limit=20", AdminHeaders());
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200);
  EXPECT_THAT(list->body, HasSubstr(R"("activeModelId":"5")"));
  EXPECT_EQ(ParseAnswer<v1::ListModelsResponse>(list->body).models(0).id(), 5);

  auto get = client_->Get("/admin/models/5", AdminHeaders());
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
  EXPECT_TRUE(ParseAnswer<v1::Model>(get->body).active());

  auto activate = client_->Post("/admin/models/5/activate", AdminHeaders(), "", "application/json");
  ASSERT_TRUE(activate);
  EXPECT_EQ(activate->status, 200);
  EXPECT_EQ(ParseAnswer<v1::ActivateModelResponse>(activate->body).previous_model_id(), 4);

  auto remove = client_->Delete("/admin/models/4", AdminHeaders());
  ASSERT_TRUE(remove);
  EXPECT_EQ(remove->status, 200);
  EXPECT_EQ(remove->body, "{}");
}

TEST_F(ApiRoutesTest, MalformedPathIdIsBadRequestNamingIt) {
  auto result = client_->Get("/admin/models/five", AdminHeaders());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400);
  EXPECT_THAT(ParseErrorBody(result->body).message, HasSubstr("'model_id'"));
}

TEST_F(ApiRoutesTest, JobRoutes) {
  v1::Job job;
  job.set_id(11);
  job.set_status(v1::CANCELLED);
  EXPECT_CALL(admin_, ListJobs(_)).WillOnce([&](const v1::ListJobsRequest& request) {
    EXPECT_EQ(request.limit(), 3);
    EXPECT_EQ(request.status(), v1::RUNNING);
    v1::ListJobsResponse response;
    *response.add_jobs() = job;
    return response;
  });
  EXPECT_CALL(admin_, GetJob(_)).WillOnce([&](const v1::GetJobRequest& request) {
    EXPECT_EQ(request.job_id(), 11);
    return job;
  });
  EXPECT_CALL(admin_, CancelJob(_)).WillOnce([&](const v1::CancelJobRequest& request) {
    EXPECT_EQ(request.job_id(), 11);
    return job;
  });
  EXPECT_CALL(admin_, ScheduleTraining(_)).WillOnce([&](const v1::ScheduleTrainingRequest& request) {
    EXPECT_EQ(request.at().seconds(), 1795402800);
    EXPECT_EQ(request.params().loss(), v1::WARP);
    EXPECT_EQ(request.params().epochs(), 7);
    EXPECT_EQ(request.activate(), v1::ALWAYS);
    return job;
  });

  auto list = client_->Get("/admin/jobs?limit=3&status=RUNNING", AdminHeaders());
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200);
  EXPECT_EQ(ParseAnswer<v1::ListJobsResponse>(list->body).jobs(0).id(), 11);

  auto bad_status = client_->Get("/admin/jobs?status=DONE", AdminHeaders());
  ASSERT_TRUE(bad_status);
  EXPECT_EQ(bad_status->status, 400);
  EXPECT_THAT(ParseErrorBody(bad_status->body).message, HasSubstr("'status'"));

  auto get = client_->Get("/admin/jobs/11", AdminHeaders());
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
  EXPECT_THAT(get->body, HasSubstr(R"("status":"CANCELLED")"));

  auto cancel = client_->Post("/admin/jobs/11/cancel", AdminHeaders(), "", "application/json");
  ASSERT_TRUE(cancel);
  EXPECT_EQ(cancel->status, 200);

  auto schedule = client_->Post(
      "/admin/schedule", AdminHeaders(),
      R"({"at":"2026-11-23T03:00:00Z","params":{"loss":"WARP","epochs":7},"activate":"ALWAYS"})", "application/json");
  ASSERT_TRUE(schedule);
  EXPECT_EQ(schedule->status, 200);
  EXPECT_EQ(ParseAnswer<v1::Job>(schedule->body).id(), 11);
}

TEST_F(ApiRoutesTest, CacheInvalidationBodyIsOptional) {
  EXPECT_CALL(admin_, InvalidateCache(_))
      .WillOnce([](const v1::InvalidateCacheRequest& request) {
        EXPECT_FALSE(request.has_user_id());
        v1::InvalidateCacheResponse response;
        response.set_scope("all");
        return response;
      })
      .WillOnce([](const v1::InvalidateCacheRequest& request) {
        EXPECT_EQ(request.user_id(), 8);
        v1::InvalidateCacheResponse response;
        response.set_scope("user 8");
        return response;
      });
  auto all = client_->Post("/admin/cache/invalidate", AdminHeaders(), "", "application/json");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->status, 200);
  EXPECT_EQ(all->body, R"({"scope":"all"})");
  auto one = client_->Post("/admin/cache/invalidate", AdminHeaders(), R"({"userId":"8"})", "application/json");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->body, R"({"scope":"user 8"})");
}

TEST_F(ApiRoutesTest, BlacklistRoutes) {
  EXPECT_CALL(admin_, ListBlacklist(_)).WillOnce([](const v1::ListBlacklistRequest& request) {
    EXPECT_EQ(request.user_id(), 3);
    v1::ListBlacklistResponse response;
    auto* entry = response.add_entries();
    entry->set_title_id(9);
    entry->set_user_id(3);
    return response;
  });
  EXPECT_CALL(admin_, AddToBlacklist(_)).WillOnce([](const v1::BlacklistRequest& request) {
    EXPECT_THAT(request.title_ids(), ElementsAre(9, 10));
    EXPECT_FALSE(request.has_user_id());
    EXPECT_EQ(request.reason(), "rights expired");
    v1::BlacklistResponse response;
    response.set_changed(2);
    return response;
  });
  EXPECT_CALL(admin_, RemoveFromBlacklist(_)).WillOnce([](const v1::BlacklistRequest& request) {
    EXPECT_THAT(request.title_ids(), ElementsAre(9));
    EXPECT_EQ(request.user_id(), 3);
    return v1::BlacklistResponse();
  });

  auto list = client_->Get("/admin/blacklist?user_id=3", AdminHeaders());
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200);
  EXPECT_THAT(list->body, HasSubstr(R"("titleId":"9")"));
  auto add = client_->Post("/admin/blacklist", AdminHeaders(), R"({"titleIds":[9,10],"reason":"rights expired"})",
                           "application/json");
  ASSERT_TRUE(add);
  EXPECT_EQ(add->body, R"({"changed":2})");
  auto remove =
      client_->Delete("/admin/blacklist", AdminHeaders(), R"({"title_ids":[9],"user_id":3})", "application/json");
  ASSERT_TRUE(remove);
  EXPECT_EQ(remove->status, 200);
  EXPECT_EQ(remove->body, R"({"changed":0})");  // zeros are printed, not dropped
}

TEST_F(ApiRoutesTest, DeleteInteractionsTakesItsFiltersFromTheQuery) {
  EXPECT_CALL(admin_, DeleteInteractions(_))
      .WillOnce([](const v1::DeleteInteractionsRequest& request) {
        EXPECT_EQ(request.user_id(), 42);
        EXPECT_EQ(request.title_id(), 7);
        EXPECT_EQ(request.since().seconds(), 1'764'547'200);  // 2025-12-01T00:00:00Z
        EXPECT_EQ(request.until().seconds(), 1'767'225'600);  // 2026-01-01T00:00:00Z
        EXPECT_FALSE(request.all());
        v1::DeleteInteractionsResponse response;
        response.set_deleted(3);
        return response;
      })
      .WillOnce([](const v1::DeleteInteractionsRequest& request) {
        EXPECT_FALSE(request.has_user_id());
        EXPECT_FALSE(request.has_title_id());
        EXPECT_FALSE(request.has_since());
        EXPECT_FALSE(request.has_until());
        EXPECT_TRUE(request.all());
        return v1::DeleteInteractionsResponse();
      });
  auto filtered = client_->Delete(
      "/admin/interactions?user_id=42&title_id=7&since=2025-12-01T00:00:00Z&until=2026-01-01T00:00:00Z",
      AdminHeaders());
  ASSERT_TRUE(filtered);
  EXPECT_EQ(filtered->status, 200);
  EXPECT_EQ(filtered->body, R"({"deleted":"3"})");
  auto all = client_->Delete("/admin/interactions?all=true", AdminHeaders());
  ASSERT_TRUE(all);
  EXPECT_EQ(all->status, 200);
  EXPECT_EQ(all->body, R"({"deleted":"0"})");

  auto bad_time = client_->Delete("/admin/interactions?since=yesterday", AdminHeaders());
  ASSERT_TRUE(bad_time);
  EXPECT_EQ(bad_time->status, 400);
  EXPECT_THAT(ParseErrorBody(bad_time->body).message, HasSubstr("'since'"));
  auto unauthenticated = client_->Delete("/admin/interactions?all=true");
  ASSERT_TRUE(unauthenticated);
  EXPECT_EQ(unauthenticated->status, 401);
}

TEST_F(ApiRoutesTest, TrainWithoutWaitAnswersTheJobAtOnce) {
  EXPECT_CALL(recommender_, TrainModel(_, _))
      .WillOnce([](const v1::TrainModelRequest& request, RecommenderCore::TrainDone done) {
        EXPECT_FALSE(request.wait());
        EXPECT_EQ(request.params().no_components(), 16);
        v1::TrainModelResponse response;
        response.set_job_id(21);
        done(response);
      });
  auto result = client_->Post("/admin/train", AdminHeaders(), R"({"params":{"noComponents":16}})", "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(ParseAnswer<v1::TrainModelResponse>(result->body).job_id(), 21);
}

TEST_F(ApiRoutesTest, TrainWithWaitAnswersWhenTheJobWorkerCallsBack) {
  std::thread job_worker;
  EXPECT_CALL(recommender_, TrainModel(_, _))
      .WillOnce([&](const v1::TrainModelRequest& request, RecommenderCore::TrainDone done) {
        EXPECT_TRUE(request.wait());
        job_worker = std::thread([done = std::move(done)] {
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
          v1::TrainModelResponse response;
          response.set_job_id(21);
          response.set_model_id(8);
          response.set_activated(true);
          done(response);
        });
      });
  auto result = client_->Post("/admin/train", AdminHeaders(), R"({"wait":true})", "application/json");
  job_worker.join();
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  auto response = ParseAnswer<v1::TrainModelResponse>(result->body);
  EXPECT_EQ(response.model_id(), 8);
  EXPECT_TRUE(response.activated());
}

TEST_F(ApiRoutesTest, FailedTrainingAnswersItsError) {
  EXPECT_CALL(recommender_, TrainModel(_, _))
      .WillOnce([](const v1::TrainModelRequest&, RecommenderCore::TrainDone done) {
        done(absl::FailedPreconditionError("no interactions to train on"));
      });
  auto result = client_->Post("/admin/train", AdminHeaders(), R"({"wait":true})", "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 409);
  ErrorBody error = ParseErrorBody(result->body);
  EXPECT_EQ(error.code, "FAILED_PRECONDITION");
  EXPECT_EQ(error.message, "no interactions to train on");
}

TEST_F(ApiRoutesTest, StopReleasesARequestWaitingForATraining) {
  std::promise<void> called;
  RecommenderCore::TrainDone kept_done;
  EXPECT_CALL(recommender_, TrainModel(_, _))
      .WillOnce([&](const v1::TrainModelRequest&, RecommenderCore::TrainDone done) {
        kept_done = std::move(done);  // the job worker has not finished yet
        called.set_value();
      });
  auto answer = std::async(std::launch::async, [&] {
    return client_->Post("/admin/train", AdminHeaders(), R"({"wait":true})", "application/json");
  });
  called.get_future().wait();
  gateway_->Stop();
  auto result = answer.get();
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 503);
  EXPECT_EQ(ParseErrorBody(result->body).code, "UNAVAILABLE");

  gateway_.reset();
  // The training ends after the gateway is gone: the callback must not touch it.
  v1::TrainModelResponse late;
  late.set_model_id(1);
  kept_done(late);
}

}  // namespace
}  // namespace vitrina::server::http
