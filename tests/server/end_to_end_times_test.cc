// End-to-end: the times the Admin API takes (interactions, schedules) are checked, and times
// already stored out of range (rows written before the checks, or by hand) break nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <optional>
#include <set>
#include <thread>

#include "SQLiteCpp/SQLiteCpp.h"
#include "fmt/format.h"
#include "registry/unix_time.h"
#include "tests/server/test_server.h"

namespace vitrina::server::testing {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kYear2100 = 4'102'444'800;
// Past 9999-12-31: no google.protobuf.Timestamp, no protobuf JSON can hold it.
constexpr int64_t kBeyondYear9999 = 300'000'000'000;

class ServerUnderTest {
 public:
  ServerUnderTest() {
    config_ = TestServer::SmallConfig(dir_.path());
    EXPECT_TRUE(config_.Finalize().ok());
    server_ = TestServer::Start(config_);
  }

  TestServer& server() { return *server_; }
  bool started() const { return server_ != nullptr; }

  // Writes into the registry as a hand-made or pre-check row would be, bypassing every API check.
  void ExecInRegistry(const std::string& sql) {
    SQLite::Database registry(config_.registry_path, SQLite::OPEN_READWRITE);
    registry.setBusyTimeout(5000);
    registry.exec(sql);
  }

 private:
  TempDir dir_;
  ServerConfig config_;
  std::unique_ptr<TestServer> server_;
};

google::protobuf::Timestamp At(int64_t seconds, int32_t nanos = 0) {
  google::protobuf::Timestamp at;
  at.set_seconds(seconds);
  at.set_nanos(nanos);
  return at;
}

grpc::Status Record(TestServer& server, int64_t user, int64_t title, std::optional<google::protobuf::Timestamp> at) {
  grpc::ClientContext context;
  v1::RecordInteractionRequest request;
  request.set_user_id(user);
  request.set_title_id(title);
  request.set_type("view");
  request.set_value(1.0);
  if (at) *request.mutable_at() = *at;
  v1::RecordInteractionResponse response;
  return server.admin().RecordInteraction(&context, request, &response);
}

grpc::Status Delete(TestServer& server, const v1::DeleteInteractionsRequest& request, int64_t* deleted = nullptr) {
  grpc::ClientContext context;
  v1::DeleteInteractionsResponse response;
  grpc::Status status = server.admin().DeleteInteractions(&context, request, &response);
  if (deleted != nullptr) *deleted = response.deleted();
  return status;
}

v1::TrainModelResponse Train(TestServer& server, v1::TrainingKind kind, grpc::Status* status) {
  grpc::ClientContext context;
  v1::TrainModelRequest request;
  request.set_activate(v1::ALWAYS);
  request.set_wait(true);
  request.mutable_params()->set_kind(kind);
  request.mutable_params()->set_epochs(2);
  v1::TrainModelResponse response;
  *status = server.recommender().TrainModel(&context, request, &response);
  return response;
}

v1::RecommendationsResponse Recommend(TestServer& server, int64_t user, int k) {
  grpc::ClientContext context;
  v1::GetUserRecommendationsRequest request;
  request.set_user_id(user);
  request.set_k(k);
  v1::RecommendationsResponse response;
  grpc::Status status = server.recommender().GetUserRecommendations(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

std::set<int64_t> Titles(const v1::RecommendationsResponse& response) {
  std::set<int64_t> titles;
  for (const auto& item : response.items()) titles.insert(item.title_id());
  return titles;
}

TEST(EndToEndTimesTest, RecordInteractionRefusesTimesAheadOfTheClockOrOutOfRange) {
  ServerUnderTest s;
  ASSERT_TRUE(s.started());
  const int64_t now = registry::UnixNow();
  EXPECT_TRUE(Record(s.server(), 5, 3, std::nullopt).ok());
  EXPECT_TRUE(Record(s.server(), 5, 3, At(now - 86'400)).ok());
  EXPECT_TRUE(Record(s.server(), 5, 3, At(now + 60)).ok()) << "within the default skew of 300 s";

  grpc::Status ahead = Record(s.server(), 5, 3, At(now + 3600));
  EXPECT_EQ(ahead.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ahead.error_message(), HasSubstr("at "));
  EXPECT_THAT(ahead.error_message(), HasSubstr("max_future_skew_seconds"));
  for (const google::protobuf::Timestamp& bad :
       {At(kYear2100), At(kBeyondYear9999), At(registry::kMaxTimestampSeconds + 1), At(-1), At(now, -1),
        At(now, 1'000'000'000), At(registry::kMinTimestampSeconds - 1)}) {
    grpc::Status status = Record(s.server(), 5, 3, bad);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad.ShortDebugString();
    EXPECT_THAT(status.error_message(), HasSubstr("at ")) << bad.ShortDebugString();
  }

  v1::DeleteInteractionsRequest all;
  all.set_all(true);
  int64_t recorded = 0;
  ASSERT_TRUE(Delete(s.server(), all, &recorded).ok());
  EXPECT_EQ(recorded, 3) << "only the three good interactions were stored";
}

// Rows dated 2100 and past 9999 (recorded before times were checked): the next trainings work,
// their watermark stays at their start, and cold-start users still get full popular answers.
TEST(EndToEndTimesTest, StoredFutureInteractionsNeitherBreakTrainingNorMoveItsWatermark) {
  ServerUnderTest s;
  ASSERT_TRUE(s.started());
  s.ExecInRegistry(fmt::format("INSERT INTO hot_interactions (user_id, title_id, type, value, timestamp) VALUES "
                               "(5, 3, 'view', 1.0, {}), (6, 4, 'view', 1.0, {})",
                               kYear2100, kBeyondYear9999));
  const int64_t before = registry::UnixNow();
  grpc::Status status;
  v1::TrainModelResponse full = Train(s.server(), v1::FULL, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const int64_t after = registry::UnixNow();
  {
    grpc::ClientContext context;
    v1::GetModelRequest request;
    request.set_model_id(full.model_id());
    v1::Model model;
    ASSERT_TRUE(s.server().admin().GetModel(&context, request, &model).ok());
    EXPECT_LE(model.dataset().watermark().seconds(), after);
    EXPECT_EQ(model.dataset().dropped().at("future"), 2);
  }
  v1::RecommendationsResponse cold = Recommend(s.server(), 987'654'321, 10);
  EXPECT_EQ(cold.source(), v1::POPULAR);
  EXPECT_EQ(cold.items_size(), 10);

  // An interaction of now continues the model: the watermark is not stuck in the future.
  ASSERT_TRUE(Record(s.server(), 7, 5, std::nullopt).ok());
  v1::TrainModelResponse increment = Train(s.server(), v1::INCREMENTAL, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  {
    grpc::ClientContext context;
    v1::GetModelRequest request;
    request.set_model_id(increment.model_id());
    v1::Model model;
    ASSERT_TRUE(s.server().admin().GetModel(&context, request, &model).ok());
    EXPECT_GE(model.dataset().watermark().seconds(), before);
    EXPECT_LE(model.dataset().watermark().seconds(), registry::UnixNow());
  }

  // The operator removes the bad rows.
  v1::DeleteInteractionsRequest future;
  *future.mutable_since() = At(registry::UnixNow() + 86'400);
  int64_t deleted = 0;
  ASSERT_TRUE(Delete(s.server(), future, &deleted).ok());
  EXPECT_EQ(deleted, 2);
}

TEST(EndToEndTimesTest, DeleteInteractionsByUserTitleAndTimeCountsAndUnhidesTitles) {
  ServerUnderTest s;
  ASSERT_TRUE(s.started());
  constexpr int64_t kUser = 11;
  constexpr int64_t kOther = 12;
  v1::RecommendationsResponse before = Recommend(s.server(), kUser, 5);
  ASSERT_EQ(before.items_size(), 5);
  const int64_t watched = before.items(0).title_id();
  const int64_t now = registry::UnixNow();
  ASSERT_TRUE(Record(s.server(), kUser, watched, At(now - 100)).ok());
  ASSERT_TRUE(Record(s.server(), kUser, watched + 1, At(now - 50)).ok());
  ASSERT_TRUE(Record(s.server(), kOther, watched, At(now - 40)).ok());
  ASSERT_TRUE(Record(s.server(), kOther, watched + 2, At(now - 10)).ok());
  EXPECT_FALSE(Titles(Recommend(s.server(), kUser, 5)).contains(watched));

  grpc::Status unfiltered = Delete(s.server(), v1::DeleteInteractionsRequest());
  EXPECT_EQ(unfiltered.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(unfiltered.error_message(), HasSubstr("at least one filter"));
  v1::DeleteInteractionsRequest bad;
  bad.set_user_id(-1);
  EXPECT_EQ(Delete(s.server(), bad).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  bad.Clear();
  *bad.mutable_since() = At(now, -5);
  grpc::Status bad_since = Delete(s.server(), bad);
  EXPECT_EQ(bad_since.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad_since.error_message(), HasSubstr("since"));

  int64_t deleted = -1;
  v1::DeleteInteractionsRequest one;
  one.set_user_id(kUser);
  one.set_title_id(watched);
  ASSERT_TRUE(Delete(s.server(), one, &deleted).ok());
  EXPECT_EQ(deleted, 1);
  EXPECT_TRUE(Titles(Recommend(s.server(), kUser, 5)).contains(watched))
      << "the deleted interaction no longer hides its title";

  v1::DeleteInteractionsRequest by_title;
  by_title.set_title_id(watched);
  ASSERT_TRUE(Delete(s.server(), by_title, &deleted).ok());
  EXPECT_EQ(deleted, 1) << "the other user's";

  v1::DeleteInteractionsRequest range;
  *range.mutable_since() = At(now - 60);
  *range.mutable_until() = At(now - 10);  // exclusive: the interaction at now - 10 stays
  ASSERT_TRUE(Delete(s.server(), range, &deleted).ok());
  EXPECT_EQ(deleted, 1);

  v1::DeleteInteractionsRequest by_user;
  by_user.set_user_id(kOther);
  ASSERT_TRUE(Delete(s.server(), by_user, &deleted).ok());
  EXPECT_EQ(deleted, 1);
  ASSERT_TRUE(Delete(s.server(), by_user, &deleted).ok());
  EXPECT_EQ(deleted, 0);
}

TEST(EndToEndTimesTest, ScheduleTrainingRefusesTimesOutOfRangeOrTooFarAhead) {
  ServerUnderTest s;
  ASSERT_TRUE(s.started());
  const int64_t now = registry::UnixNow();
  auto schedule = [&](const google::protobuf::Timestamp& at, v1::Job* job = nullptr) {
    grpc::ClientContext context;
    v1::ScheduleTrainingRequest request;
    *request.mutable_at() = at;
    v1::Job response;
    grpc::Status status = s.server().admin().ScheduleTraining(&context, request, &response);
    if (job != nullptr) *job = response;
    return status;
  };
  for (const google::protobuf::Timestamp& bad :
       {At(now, -1), At(now, 1'000'000'000), At(1'000'000'000'000'000), At(registry::kMaxTimestampSeconds),
        At(now + 11 * 366 * 86'400), At(0), At(-86'400)}) {
    grpc::Status status = schedule(bad);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad.ShortDebugString();
    EXPECT_THAT(status.error_message(), HasSubstr("at ")) << bad.ShortDebugString();
  }
  v1::Job job;
  ASSERT_TRUE(schedule(At(now + 9 * 365 * 86'400), &job).ok());
  EXPECT_EQ(job.status(), v1::QUEUED);
  grpc::ClientContext context;
  v1::ListJobsResponse jobs;
  ASSERT_TRUE(s.server().admin().ListJobs(&context, v1::ListJobsRequest(), &jobs).ok());
  EXPECT_EQ(jobs.jobs_size(), 2) << "the first training and the one accepted";
}

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Job rows whose times no Timestamp can hold: listing shows them clamped instead of failing, and
// the job worker waits for a job scheduled in 9999 instead of spinning.
TEST(EndToEndTimesTest, JobsWithOutOfRangeStoredTimesListAndLeaveTheWorkerIdle) {
  ServerUnderTest s;
  ASSERT_TRUE(s.started());
  int64_t job_id = 0;
  {
    grpc::ClientContext context;
    v1::ScheduleTrainingRequest request;
    *request.mutable_at() = At(registry::UnixNow() + 86'400);
    v1::Job job;
    ASSERT_TRUE(s.server().admin().ScheduleTraining(&context, request, &job).ok());
    job_id = job.id();
  }
  s.ExecInRegistry(fmt::format("UPDATE jobs SET created_at = {}, scheduled_at = {} WHERE id = {}",
                               -kBeyondYear9999, registry::kMaxTimestampSeconds, job_id));
  s.ExecInRegistry(fmt::format("UPDATE jobs SET started_at = {}, finished_at = {} WHERE id = 1",
                               kBeyondYear9999, kBeyondYear9999));
  {
    grpc::ClientContext context;
    v1::ListJobsResponse jobs;
    grpc::Status status = s.server().admin().ListJobs(&context, v1::ListJobsRequest(), &jobs);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(jobs.jobs_size(), 2);
    EXPECT_EQ(jobs.jobs(0).id(), job_id);
    EXPECT_EQ(jobs.jobs(0).created_at().seconds(), registry::kMinTimestampSeconds);
    EXPECT_EQ(jobs.jobs(0).scheduled_at().seconds(), registry::kMaxTimestampSeconds);
    EXPECT_EQ(jobs.jobs(1).finished_at().seconds(), registry::kMaxTimestampSeconds);
  }
  {
    grpc::ClientContext context;
    v1::GetJobRequest request;
    request.set_job_id(1);
    v1::Job job;
    ASSERT_TRUE(s.server().admin().GetJob(&context, request, &job).ok());
    EXPECT_EQ(job.started_at().seconds(), registry::kMaxTimestampSeconds);
  }

  // A training makes the worker look at the queue again, and find the job of 9999 next.
  grpc::Status status;
  Train(s.server(), v1::FULL, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const double cpu_before = ProcessCpuSeconds();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const double cpu_seconds = ProcessCpuSeconds() - cpu_before;
  EXPECT_LT(cpu_seconds, 0.3) << "the idle job worker must wait, not spin: " << cpu_seconds << " s of CPU in 1.5 s";
}

}  // namespace
}  // namespace vitrina::server::testing
