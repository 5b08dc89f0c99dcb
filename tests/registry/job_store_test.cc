#include "registry/job_store.h"

#include <algorithm>
#include <set>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "registry/model_registry.h"
#include "tests/testing/temp_dir.h"

namespace vitrina::registry {
namespace {

using ::vitrina::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr UnixSeconds kNow = 1'800'000'000;

JobSpec ScheduledAt(UnixSeconds scheduled_at) {
  JobSpec spec;
  spec.scheduled_at = scheduled_at;
  return spec;
}

std::vector<int64_t> Ids(const std::vector<JobRecord>& jobs) {
  std::vector<int64_t> ids;
  for (const JobRecord& job : jobs) ids.push_back(job.id);
  return ids;
}

class JobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    jobs_.reset();
    database_.reset();
    auto opened = RegistryDatabase::Open(path_);
    ASSERT_TRUE(opened.ok()) << opened.status();
    database_ = std::move(opened).value();
    jobs_ = std::make_unique<JobStore>(*database_);
  }

  int64_t CreateJob(UnixSeconds scheduled_at) {
    absl::StatusOr<JobRecord> job = jobs_->Create(ScheduledAt(scheduled_at));
    EXPECT_TRUE(job.ok()) << job.status();
    return job.ok() ? job->id : 0;
  }

  // Claims the next job, which must be `expected`.
  void ExpectClaim(int64_t expected, UnixSeconds now = kNow) {
    absl::StatusOr<std::optional<JobRecord>> claimed = jobs_->ClaimNextRunnable(now);
    ASSERT_TRUE(claimed.ok()) << claimed.status();
    ASSERT_TRUE(claimed->has_value());
    EXPECT_EQ((*claimed)->id, expected);
  }

  JobRecord Job(int64_t id) {
    absl::StatusOr<JobRecord> job = jobs_->Get(id);
    EXPECT_TRUE(job.ok()) << job.status();
    return job.ok() ? *std::move(job) : JobRecord();
  }

  TempDir dir_;
  const std::string path_ = dir_.File("registry.db");
  std::unique_ptr<RegistryDatabase> database_;
  std::unique_ptr<JobStore> jobs_;
};

TEST_F(JobStoreTest, CreatedJobIsQueuedWithItsSpec) {
  const JobSpec spec{JobKind::kIncremental, JobTrigger::kNightly, R"({"epochs":5})",
                     ActivatePolicy::kAlways, kNow + 60};
  const UnixSeconds before = UnixNow();
  absl::StatusOr<JobRecord> created = jobs_->Create(spec);
  ASSERT_TRUE(created.ok()) << created.status();

  JobRecord job = Job(created->id);
  EXPECT_EQ(job.spec.kind, JobKind::kIncremental);
  EXPECT_EQ(job.spec.trigger, JobTrigger::kNightly);
  EXPECT_EQ(job.spec.params_json, R"({"epochs":5})");
  EXPECT_EQ(job.spec.activate, ActivatePolicy::kAlways);
  EXPECT_EQ(job.spec.scheduled_at, kNow + 60);
  EXPECT_EQ(job.status, JobStatus::kQueued);
  EXPECT_GE(job.created_at, before);
  EXPECT_EQ(job.started_at, std::nullopt);
  EXPECT_EQ(job.finished_at, std::nullopt);
  EXPECT_EQ(job.model_id, std::nullopt);
  EXPECT_EQ(job.metrics_json, "{}");
  EXPECT_FALSE(job.activated);
  EXPECT_FALSE(job.cancel_requested);
  EXPECT_EQ(job.error, "");
  EXPECT_EQ(created->created_at, job.created_at);
}

TEST_F(JobStoreTest, CreateRejectsBadSpecs) {
  EXPECT_EQ(jobs_->Create(JobSpec{}).status().code(), absl::StatusCode::kInvalidArgument);
  JobSpec not_json = ScheduledAt(kNow);
  not_json.params_json = "epochs=5";
  EXPECT_EQ(jobs_->Create(not_json).status().code(), absl::StatusCode::kInvalidArgument);
  // After 9999-12-31: no API could show the job.
  EXPECT_EQ(jobs_->Create(ScheduledAt(kMaxTimestampSeconds + 1)).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(jobs_->List(10)->empty());
}

TEST_F(JobStoreTest, UnknownJobsAreNotFound) {
  EXPECT_EQ(jobs_->Get(5).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(jobs_->Cancel(5).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(jobs_->UpdateProgress(5, 1, 2).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(jobs_->MarkFailed(5, "boom").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(jobs_->MarkCancelled(5).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(jobs_->MarkSucceeded(5, 1, "{}", false).code(), absl::StatusCode::kNotFound);
}

TEST_F(JobStoreTest, ListsNewestFirstWithAnOptionalStatus) {
  const int64_t first = CreateJob(kNow);
  const int64_t second = CreateJob(kNow);
  const int64_t third = CreateJob(kNow);
  ExpectClaim(first);

  EXPECT_THAT(Ids(*jobs_->List(10)), ElementsAre(third, second, first));
  EXPECT_THAT(Ids(*jobs_->List(2)), ElementsAre(third, second));
  EXPECT_THAT(Ids(*jobs_->List(10, JobStatus::kQueued)), ElementsAre(third, second));
  EXPECT_THAT(Ids(*jobs_->List(10, JobStatus::kRunning)), ElementsAre(first));
  EXPECT_TRUE(jobs_->List(10, JobStatus::kFailed)->empty());
  EXPECT_EQ(jobs_->List(-1).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(JobStoreTest, ClaimTakesTheLongestRunnableJobAndLeavesFutureOnes) {
  const int64_t later = CreateJob(kNow + 3600);
  const int64_t recent = CreateJob(kNow - 10);
  const int64_t oldest = CreateJob(kNow - 100);
  const int64_t same_time_as_recent = CreateJob(kNow - 10);

  ExpectClaim(oldest);
  ExpectClaim(recent);
  ExpectClaim(same_time_as_recent);
  EXPECT_EQ(*jobs_->ClaimNextRunnable(kNow), std::nullopt);
  EXPECT_EQ(Job(later).status, JobStatus::kQueued);
  ExpectClaim(later, kNow + 3600);

  JobRecord claimed = Job(oldest);
  EXPECT_EQ(claimed.status, JobStatus::kRunning);
  EXPECT_EQ(claimed.started_at, kNow);
}

TEST_F(JobStoreTest, NextScheduledTimeIsTheEarliestQueuedJob) {
  EXPECT_EQ(*jobs_->NextScheduledTime(), std::nullopt);
  CreateJob(kNow + 500);
  const int64_t early = CreateJob(kNow + 100);
  EXPECT_EQ(*jobs_->NextScheduledTime(), kNow + 100);
  ExpectClaim(early, kNow + 100);
  EXPECT_EQ(*jobs_->NextScheduledTime(), kNow + 500);
}

TEST_F(JobStoreTest, ProgressIsRecordedForRunningJobsOnly) {
  const int64_t job = CreateJob(kNow);
  EXPECT_EQ(jobs_->UpdateProgress(job, 1, 10).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ExpectClaim(job);

  absl::StatusOr<bool> cancel = jobs_->UpdateProgress(job, 3, 10);
  ASSERT_TRUE(cancel.ok()) << cancel.status();
  EXPECT_FALSE(*cancel);
  EXPECT_EQ(Job(job).epoch, 3);
  EXPECT_EQ(Job(job).epochs, 10);

  for (auto [epoch, epochs] : {std::pair{11, 10}, {-1, 10}, {0, 0}}) {
    absl::StatusOr<bool> refused = jobs_->UpdateProgress(job, epoch, epochs);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument)
        << epoch << "/" << epochs;
  }
  EXPECT_EQ(Job(job).epoch, 3);
}

TEST_F(JobStoreTest, SucceededJobKeepsItsModelAndMetrics) {
  const int64_t job = CreateJob(kNow);
  ExpectClaim(job);
  ModelArtifact artifact;
  artifact.file_path = "/m/1";
  artifact.job_id = job;
  absl::StatusOr<ModelRecord> model = ModelRegistry(*database_).Insert(artifact);
  ASSERT_TRUE(model.ok()) << model.status();

  EXPECT_EQ(jobs_->MarkSucceeded(job, model->id + 1, "{}", true).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(jobs_->MarkSucceeded(job, model->id, "not json", true).code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(jobs_->MarkSucceeded(job, model->id, R"({"auc":0.9})", true).ok());

  JobRecord done = Job(job);
  EXPECT_EQ(done.status, JobStatus::kSucceeded);
  EXPECT_EQ(done.model_id, model->id);
  EXPECT_EQ(done.metrics_json, R"({"auc":0.9})");
  EXPECT_TRUE(done.activated);
  EXPECT_TRUE(done.finished_at.has_value());
  EXPECT_EQ(jobs_->MarkSucceeded(job, model->id, "{}", false).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(jobs_->MarkFailed(job, "late").code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(JobStoreTest, FailedJobKeepsItsError) {
  const int64_t job = CreateJob(kNow);
  EXPECT_EQ(jobs_->MarkFailed(job, "not started").code(), absl::StatusCode::kFailedPrecondition);
  ExpectClaim(job);
  ASSERT_TRUE(jobs_->MarkFailed(job, "data source unavailable").ok());
  JobRecord failed = Job(job);
  EXPECT_EQ(failed.status, JobStatus::kFailed);
  EXPECT_EQ(failed.error, "data source unavailable");
  EXPECT_TRUE(failed.finished_at.has_value());
}

TEST_F(JobStoreTest, CancellingAQueuedJobEndsItAtOnce) {
  const int64_t job = CreateJob(kNow);
  absl::StatusOr<JobRecord> cancelled = jobs_->Cancel(job);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->status, JobStatus::kCancelled);
  EXPECT_TRUE(cancelled->finished_at.has_value());
  EXPECT_EQ(*jobs_->ClaimNextRunnable(kNow), std::nullopt);
  EXPECT_EQ(*jobs_->NextScheduledTime(), std::nullopt);
}

TEST_F(JobStoreTest, CancellingARunningJobAsksItsWorkerToStop) {
  const int64_t job = CreateJob(kNow);
  ExpectClaim(job);
  absl::StatusOr<JobRecord> requested = jobs_->Cancel(job);
  ASSERT_TRUE(requested.ok()) << requested.status();
  EXPECT_EQ(requested->status, JobStatus::kRunning);
  EXPECT_TRUE(requested->cancel_requested);
  EXPECT_TRUE(jobs_->Cancel(job).ok());  // asking twice is harmless

  EXPECT_TRUE(*jobs_->UpdateProgress(job, 2, 10));
  ASSERT_TRUE(jobs_->MarkCancelled(job).ok());
  EXPECT_EQ(Job(job).status, JobStatus::kCancelled);
}

TEST_F(JobStoreTest, CancellingAFinishedJobIsRefused) {
  const int64_t job = CreateJob(kNow);
  ExpectClaim(job);
  ASSERT_TRUE(jobs_->MarkFailed(job, "boom").ok());
  absl::StatusOr<JobRecord> refused = jobs_->Cancel(job);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("already failed"));
  EXPECT_EQ(jobs_->MarkCancelled(job).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(JobStoreTest, ReopeningFailsInterruptedJobsAndKeepsQueuedOnes) {
  const int64_t interrupted = CreateJob(kNow);
  const int64_t waiting = CreateJob(kNow);
  const int64_t scheduled = CreateJob(kNow + 86400);
  const int64_t finished = CreateJob(kNow - 1);
  ExpectClaim(finished);
  ASSERT_TRUE(jobs_->MarkFailed(finished, "earlier failure").ok());
  ExpectClaim(interrupted);

  Open();  // as after a crash: the job claimed above is still "running"
  absl::StatusOr<int> failed = jobs_->FailInterruptedJobs("server restarted");
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_EQ(*failed, 1);

  EXPECT_EQ(Job(interrupted).status, JobStatus::kFailed);
  EXPECT_EQ(Job(interrupted).error, "server restarted");
  EXPECT_TRUE(Job(interrupted).finished_at.has_value());
  EXPECT_EQ(Job(finished).error, "earlier failure");
  EXPECT_EQ(Job(waiting).status, JobStatus::kQueued);
  EXPECT_EQ(Job(scheduled).status, JobStatus::kQueued);
  EXPECT_EQ(Job(scheduled).spec.scheduled_at, kNow + 86400);
  EXPECT_EQ(*jobs_->NextScheduledTime(), kNow);
  EXPECT_EQ(*jobs_->FailInterruptedJobs("again"), 0);
}

// Workers in several threads, half of them through their own connection (as another process
// would), drain the queue: each job is handed out exactly once.
TEST_F(JobStoreTest, ConcurrentClaimsNeverShareAJob) {
  constexpr int kJobs = 120;
  constexpr int kThreads = 4;
  for (int i = 0; i < kJobs; ++i) CreateJob(kNow - i % 7);
  std::unique_ptr<RegistryDatabase> other_connection =
      std::move(RegistryDatabase::Open(path_)).value();
  JobStore other_jobs(*other_connection);

  std::vector<std::vector<int64_t>> claimed(kThreads);
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      JobStore& jobs = t % 2 == 0 ? *jobs_ : other_jobs;
      while (true) {
        absl::StatusOr<std::optional<JobRecord>> job = jobs.ClaimNextRunnable(kNow);
        ASSERT_TRUE(job.ok()) << job.status();
        if (!job->has_value()) return;
        claimed[t].push_back((*job)->id);
      }
    });
  }
  for (std::thread& worker : workers) worker.join();

  std::vector<int64_t> all;
  for (const auto& ids : claimed) all.insert(all.end(), ids.begin(), ids.end());
  EXPECT_EQ(all.size(), static_cast<size_t>(kJobs));
  EXPECT_EQ(std::set<int64_t>(all.begin(), all.end()).size(), static_cast<size_t>(kJobs));
  EXPECT_EQ(jobs_->List(kJobs + 1, JobStatus::kRunning)->size(), static_cast<size_t>(kJobs));
}

TEST(JobNamesTest, RoundTrip) {
  for (JobStatus status : {JobStatus::kQueued, JobStatus::kRunning, JobStatus::kSucceeded,
                           JobStatus::kFailed, JobStatus::kCancelled}) {
    EXPECT_EQ(ParseJobStatus(ToString(status)), status);
  }
  EXPECT_EQ(ParseActivatePolicy("if_better"), ActivatePolicy::kIfBetter);
  EXPECT_EQ(ParseJobKind("incremental"), JobKind::kIncremental);
  EXPECT_EQ(ParseJobTrigger("nightly"), JobTrigger::kNightly);
  EXPECT_EQ(ParseJobStatus("RUNNING"), std::nullopt);
  EXPECT_TRUE(IsFinished(JobStatus::kCancelled));
  EXPECT_FALSE(IsFinished(JobStatus::kRunning));
}

}  // namespace
}  // namespace vitrina::registry
