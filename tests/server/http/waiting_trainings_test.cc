// Requests that wait for their training hold an HTTP thread each: beyond the cap they are
// refused at once, so that /health and the recommendations keep being answered.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/server/http/gateway_fixture.h"

namespace vitrina::server::http {
namespace {

using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Return;

// Generous: nothing here waits for work, only for threads to be scheduled.
constexpr auto kPatience = std::chrono::seconds(30);

class WaitingTrainingsTest : public GatewayTest {
 protected:
  static constexpr size_t kThreads = 8;
  static constexpr size_t kMaxWaiting = 2;  // the default: a quarter of the threads

  HttpGatewayOptions Options() const override {
    HttpGatewayOptions options;
    options.threads = kThreads;
    return options;
  }

  void SetUp() override {
    GatewayTest::SetUp();
    // A waiting training is held until the test releases it; one that does not wait answers at once.
    EXPECT_CALL(recommender_, TrainModel(_, _))
        .WillRepeatedly([this](const v1::TrainModelRequest& request, RecommenderCore::TrainDone done) {
          if (!request.wait()) {
            v1::TrainModelResponse queued;
            queued.set_job_id(500);
            return done(queued);
          }
          std::lock_guard lock(mutex_);
          held_.push_back(std::move(done));
          changed_.notify_all();
        });
  }

  void TearDown() override {
    ReleaseHeldTrainings();
    for (std::thread& client : clients_) client.join();
  }

  // Sends POST /admin/train {"wait": true} on a connection of its own, in the background.
  void StartWaitingTraining() {
    clients_.emplace_back([this] {
      httplib::Client client("127.0.0.1", gateway_->port());
      client.set_read_timeout(120, 0);
      httplib::Result result = client.Post("/admin/train", AdminHeaders(), R"({"wait": true})", "application/json");
      std::lock_guard lock(mutex_);
      answers_.push_back(result ? *result : httplib::Response());
      changed_.notify_all();
    });
  }

  // Waits until `done` holds (under the lock); false after kPatience.
  template <class Predicate>
  bool WaitFor(Predicate done) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kPatience, done);
  }

  void ReleaseHeldTrainings() {
    std::vector<RecommenderCore::TrainDone> held;
    {
      std::lock_guard lock(mutex_);
      held.swap(held_);
    }
    for (size_t i = 0; i < held.size(); ++i) {
      v1::TrainModelResponse trained;
      trained.set_job_id(100 + static_cast<int64_t>(i));
      trained.set_model_id(200 + static_cast<int64_t>(i));
      held[i](trained);
    }
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<RecommenderCore::TrainDone> held_;
  std::vector<httplib::Response> answers_;  // of the background requests, as they come
  std::vector<std::thread> clients_;
};

void ExpectRefusedForWaiting(const httplib::Response& response) {
  EXPECT_EQ(response.status, 429) << response.body;
  EXPECT_EQ(response.get_header_value("Retry-After"), std::to_string(TrainingWaiter::kRetryAfterSeconds));
  ErrorBody error = ParseErrorBody(response.body);
  EXPECT_EQ(error.code, "RESOURCE_EXHAUSTED");
  EXPECT_THAT(error.message, HasSubstr("http.max_waiting_trainings"));
}

TEST_F(WaitingTrainingsTest, TrainingsBeyondTheCapAreRefusedAndTheRestStaysResponsive) {
  EXPECT_CALL(recommender_, GetUserRecommendations(_)).WillOnce(Return(v1::RecommendationsResponse()));
  // As many waiting trainings as there are threads: uncapped, they would hold them all.
  for (size_t i = 0; i < kThreads; ++i) StartWaitingTraining();
  ASSERT_TRUE(WaitFor([&] { return held_.size() + answers_.size() == kThreads; }))
      << held_.size() << " trainings waiting, " << answers_.size() << " answered";
  {
    std::lock_guard lock(mutex_);
    EXPECT_EQ(held_.size(), kMaxWaiting);
    EXPECT_EQ(answers_.size(), kThreads - kMaxWaiting);
    for (const httplib::Response& refused : answers_) ExpectRefusedForWaiting(refused);
  }

  // The refusals took no thread: the others are served while the trainings wait.
  httplib::Client probe("127.0.0.1", gateway_->port());
  probe.set_read_timeout(10, 0);
  auto health = probe.Get("/health");
  ASSERT_TRUE(health) << httplib::to_string(health.error());
  EXPECT_EQ(health->status, 200);
  auto recommendations = probe.Get("/titles/recommendations?user_id=1");
  ASSERT_TRUE(recommendations) << httplib::to_string(recommendations.error());
  EXPECT_EQ(recommendations->status, 200);

  // The legacy route always waits: refused too. A training that does not wait takes no place.
  auto legacy = probe.Get("/admin/train?epochs=2", AdminHeaders());
  ASSERT_TRUE(legacy);
  ExpectRefusedForWaiting(*legacy);
  auto queued = probe.Post("/admin/train", AdminHeaders(), R"({"wait": false})", "application/json");
  ASSERT_TRUE(queued);
  EXPECT_EQ(queued->status, 200) << queued->body;
  EXPECT_EQ(ParseAnswer<v1::TrainModelResponse>(queued->body).job_id(), 500);

  // Once the held trainings end, their requests get the trained models.
  ReleaseHeldTrainings();
  ASSERT_TRUE(WaitFor([&] { return answers_.size() == kThreads; }));
  std::lock_guard lock(mutex_);
  for (size_t i = kThreads - kMaxWaiting; i < kThreads; ++i) {
    EXPECT_EQ(answers_[i].status, 200) << answers_[i].body;
    EXPECT_GE(ParseAnswer<v1::TrainModelResponse>(answers_[i].body).model_id(), 200);
  }
}

TEST_F(WaitingTrainingsTest, AFreedPlaceTakesTheNextWaitingTraining) {
  for (size_t i = 0; i < kMaxWaiting; ++i) StartWaitingTraining();
  ASSERT_TRUE(WaitFor([&] { return held_.size() == kMaxWaiting; }));
  ReleaseHeldTrainings();
  ASSERT_TRUE(WaitFor([&] { return answers_.size() == kMaxWaiting; }));

  StartWaitingTraining();
  ASSERT_TRUE(WaitFor([&] { return held_.size() == 1; })) << "the released places are free again";
}

class CappedWaitingTrainingsTest : public WaitingTrainingsTest {
 protected:
  HttpGatewayOptions Options() const override {
    HttpGatewayOptions options;
    options.threads = 4;
    options.max_waiting_trainings = 0;  // HTTP clients may not wait at all
    return options;
  }
};

TEST_F(CappedWaitingTrainingsTest, ZeroRefusesEveryWaitingTraining) {
  auto refused = client_->Post("/admin/train", AdminHeaders(), R"({"wait": true})", "application/json");
  ASSERT_TRUE(refused);
  ExpectRefusedForWaiting(*refused);
  auto queued = client_->Post("/admin/train", AdminHeaders(), R"({})", "application/json");
  ASSERT_TRUE(queued);
  EXPECT_EQ(queued->status, 200) << queued->body;
}

}  // namespace
}  // namespace vitrina::server::http
