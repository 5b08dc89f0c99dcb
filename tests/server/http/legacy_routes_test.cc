#include "tests/server/http/gateway_fixture.h"

namespace vitrina::server::http {
namespace {

using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Return;

using LegacyRoutesTest = GatewayTest;

TEST_F(LegacyRoutesTest, MisspeltRelevantIsAnAliasOfRelevant) {
  EXPECT_CALL(recommender_, GetTitleRelevant(_)).WillOnce([](const v1::GetTitleRelevantRequest& request) {
    EXPECT_EQ(request.title_id(), 12);
    v1::RecommendationsResponse response;
    response.add_items()->set_title_id(13);
    return response;
  });
  auto result = client_->Get("/titles/relavant?title_id=12");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(ParseAnswer<v1::RecommendationsResponse>(result->body).items(0).title_id(), 13);
}

TEST_F(LegacyRoutesTest, HotInteractRecordsAnInteraction) {
  EXPECT_CALL(admin_, RecordInteraction(_)).WillOnce([](const v1::RecordInteractionRequest& request) {
    EXPECT_EQ(request.user_id(), 5);
    EXPECT_EQ(request.title_id(), 6);
    EXPECT_EQ(request.type(), "rating");
    EXPECT_DOUBLE_EQ(request.value(), 4.5);
    return v1::RecordInteractionResponse();
  });
  auto result = client_->Get("/rec/hot/interact?user_id=5&title_id=6&int_type=rating&raw_score=4.5", AdminHeaders());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);

  auto missing_type = client_->Get("/rec/hot/interact?user_id=5&title_id=6", AdminHeaders());
  ASSERT_TRUE(missing_type);
  EXPECT_EQ(missing_type->status, 400);
  EXPECT_THAT(ParseErrorBody(missing_type->body).message, HasSubstr("'int_type'"));
}

TEST_F(LegacyRoutesTest, TrainWaitsAndAnswersTheModelIdAsANumber) {
  EXPECT_CALL(recommender_, TrainModel(_, _))
      .WillOnce([](const v1::TrainModelRequest& request, RecommenderCore::TrainDone done) {
        EXPECT_TRUE(request.wait());
        const v1::TrainingParams& params = request.params();
        EXPECT_EQ(params.no_components(), 32);
        EXPECT_EQ(params.loss(), v1::WARP_KOS);
        EXPECT_EQ(params.epochs(), 5);
        EXPECT_FLOAT_EQ(params.item_alpha(), 0.001f);
        EXPECT_FLOAT_EQ(params.user_alpha(), 0.002f);
        EXPECT_FALSE(params.has_learning_rate());
        v1::TrainModelResponse response;
        response.set_job_id(3);
        response.set_model_id(42);
        done(response);
      });
  auto result = client_->Get("/admin/train?no_components=32&loss=warp-kos&epochs=5&item_alpha=0.001&user_alpha=0.002",
                             AdminHeaders());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, R"({"model_id": 42})");
}

TEST_F(LegacyRoutesTest, LossNamesOfTheOldServiceAndTheEnumAreAccepted) {
  struct Case {
    std::string name;
    v1::Loss loss;
  };
  for (const Case& c : std::vector<Case>{{"warp", v1::WARP},
                                         {"bpr", v1::BPR},
                                         {"logistic", v1::LOGISTIC},
                                         {"warp-kos", v1::WARP_KOS},
                                         {"WARP_KOS", v1::WARP_KOS},
                                         {"BPR", v1::BPR}}) {
    EXPECT_CALL(recommender_, TrainModel(_, _))
        .WillOnce([&](const v1::TrainModelRequest& request, RecommenderCore::TrainDone done) {
          EXPECT_EQ(request.params().loss(), c.loss) << c.name;
          done(v1::TrainModelResponse());
        });
    auto result = client_->Get("/admin/train?loss=" + c.name, AdminHeaders());
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 200) << c.name;
  }
  for (std::string bad : {"hinge", "LOSS_UNSPECIFIED", "", "1"}) {
    auto result = client_->Get("/admin/train?loss=" + bad, AdminHeaders());
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 400) << bad;
    EXPECT_THAT(ParseErrorBody(result->body).message, HasSubstr("'loss'")) << bad;
  }
}

TEST_F(LegacyRoutesTest, MalformedTrainingParamsAreBadRequestNamingThem) {
  for (std::string query : {"no_components=many", "epochs=1.5", "item_alpha=nan", "user_alpha=1e99"}) {
    auto result = client_->Get("/admin/train?" + query, AdminHeaders());
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 400) << query;
    std::string name = query.substr(0, query.find('='));
    EXPECT_THAT(ParseErrorBody(result->body).message, HasSubstr("'" + name + "'")) << query;
  }
}

TEST_F(LegacyRoutesTest, ScheduleTrainingParsesIso8601AndAnswersTheJobId) {
  struct Case {
    std::string scheduled_at;  // as sent, URL-encoded
    int64_t seconds;
  };
  constexpr int64_t kThreeUtc = 1795402800;  // 2026-11-23T03:00:00Z
  for (const Case& c : std::vector<Case>{{"2026-11-23T03:00:00Z", kThreeUtc},
                                         {"2026-11-23T03:00:00", kThreeUtc},
                                         {"2026-11-23%2003:00:00", kThreeUtc},
                                         {"2026-11-23T06:00:00%2B03:00", kThreeUtc},
                                         {"2026-11-23T06:00:00+03:00", kThreeUtc},  // '+' arrives as a space
                                         {"2026-11-22T22:00:00-05:00", kThreeUtc},
                                         {"2026-11-23T03:00:00.250Z", kThreeUtc}}) {
    EXPECT_CALL(admin_, ScheduleTraining(_)).WillOnce([&](const v1::ScheduleTrainingRequest& request) {
      EXPECT_EQ(request.at().seconds(), c.seconds) << c.scheduled_at;
      EXPECT_EQ(request.params().epochs(), 3);
      v1::Job job;
      job.set_id(77);
      return job;
    });
    auto result = client_->Get("/admin/schedule-training?epochs=3&scheduled_at=" + c.scheduled_at, AdminHeaders());
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 200) << c.scheduled_at;
    EXPECT_EQ(result->body, R"({"job_id": 77})");
  }
  for (std::string bad : {"", "tomorrow", "2026-11-23", "2026-13-23T03:00:00Z"}) {
    auto result = client_->Get("/admin/schedule-training?scheduled_at=" + bad, AdminHeaders());
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 400) << bad;
    EXPECT_THAT(ParseErrorBody(result->body).message, HasSubstr("'scheduled_at'")) << bad;
  }
  auto missing = client_->Get("/admin/schedule-training?epochs=3", AdminHeaders());
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
}

TEST_F(LegacyRoutesTest, SharedPathsAnswerLikeTheApi) {
  EXPECT_CALL(admin_, ListJobs(_)).WillOnce(Return(v1::ListJobsResponse()));
  EXPECT_CALL(admin_, InvalidateCache(_)).WillOnce(Return(v1::InvalidateCacheResponse()));
  auto jobs = client_->Get("/admin/jobs", AdminHeaders());
  ASSERT_TRUE(jobs);
  EXPECT_EQ(jobs->body, R"({"jobs":[]})");
  auto invalidate = client_->Post("/admin/cache/invalidate", AdminHeaders());
  ASSERT_TRUE(invalidate);
  EXPECT_EQ(invalidate->status, 200);
}

}  // namespace
}  // namespace vitrina::server::http
