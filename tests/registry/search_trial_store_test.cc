#include "registry/search_trial_store.h"

#include <SQLiteCpp/Database.h>

#include <cmath>
#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "registry/job_store.h"
#include "registry/schema_migrations.h"
#include "tests/testing/temp_dir.h"

namespace vitrina::registry {
namespace {

using ::testing::HasSubstr;
using ::vitrina::testing::TempDir;

class SearchTrialStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = RegistryDatabase::Open(dir_.File("registry.db"));
    ASSERT_TRUE(opened.ok()) << opened.status();
    database_ = std::move(opened).value();
    jobs_ = std::make_unique<JobStore>(*database_);
    trials_ = std::make_unique<SearchTrialStore>(*database_);
    JobSpec spec;
    spec.kind = JobKind::kSearch;
    spec.scheduled_at = 1;
    spec.params_json = R"({"budget": {"maxTrials": 3}})";
    auto job = jobs_->Create(spec);
    ASSERT_TRUE(job.ok()) << job.status();
    job_id_ = job->id;
  }

  SearchTrialRecord Trial(int trial, int rung) const {
    SearchTrialRecord record;
    record.job_id = job_id_;
    record.trial = trial;
    record.rung = rung;
    record.epochs = 3 * (rung + 1);
    record.params_json = R"({"loss": "WARP", "noComponents": 16})";
    record.validation_metric = 0.1 * trial;
    record.seconds = 0.25;
    return record;
  }

  TempDir dir_;
  std::unique_ptr<RegistryDatabase> database_;
  std::unique_ptr<JobStore> jobs_;
  std::unique_ptr<SearchTrialStore> trials_;
  int64_t job_id_ = 0;
};

TEST_F(SearchTrialStoreTest, ASearchJobKeepsItsKind) {
  EXPECT_EQ(jobs_->Get(job_id_)->spec.kind, JobKind::kSearch);
}

TEST_F(SearchTrialStoreTest, ListsByRungThenTrial) {
  ASSERT_TRUE(trials_->Append(Trial(2, 0)).ok());
  ASSERT_TRUE(trials_->Append(Trial(1, 1)).ok());
  ASSERT_TRUE(trials_->Append(Trial(0, 0)).ok());
  SearchTrialRecord failed = Trial(1, 0);
  failed.validation_metric = std::numeric_limits<double>::quiet_NaN();
  failed.error = "diverged";
  ASSERT_TRUE(trials_->Append(failed).ok());

  const auto listed = trials_->List(job_id_);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 4u);
  EXPECT_EQ((*listed)[0].trial, 0);
  EXPECT_EQ((*listed)[1].trial, 1);
  EXPECT_FALSE((*listed)[1].validation_metric.has_value());
  EXPECT_EQ((*listed)[1].error, "diverged");
  EXPECT_EQ((*listed)[2].trial, 2);
  EXPECT_DOUBLE_EQ(*(*listed)[2].validation_metric, 0.2);
  EXPECT_EQ((*listed)[3].rung, 1);
  EXPECT_EQ((*listed)[3].epochs, 6);
  EXPECT_EQ((*listed)[3].params_json, Trial(1, 1).params_json);
  EXPECT_TRUE(trials_->List(job_id_ + 1)->empty());
}

TEST_F(SearchTrialStoreTest, RejectsBadRowsAndDuplicates) {
  SearchTrialRecord bad = Trial(0, 0);
  bad.epochs = 0;
  EXPECT_EQ(trials_->Append(bad).code(), absl::StatusCode::kInvalidArgument);
  bad = Trial(-1, 0);
  EXPECT_EQ(trials_->Append(bad).code(), absl::StatusCode::kInvalidArgument);
  bad = Trial(0, 0);
  bad.params_json = "not json";
  EXPECT_EQ(trials_->Append(bad).code(), absl::StatusCode::kInvalidArgument);
  bad = Trial(0, 0);
  bad.job_id = job_id_ + 100;
  EXPECT_EQ(trials_->Append(bad).code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(trials_->Append(Trial(0, 0)).ok());
  EXPECT_EQ(trials_->Append(Trial(0, 0)).code(), absl::StatusCode::kFailedPrecondition);
}

// A registry at schema 6 (main's next-title migration already admits 'search' jobs, but there is
// no trials table) keeps its search job through migration 7, and that job can then store trials.
TEST(SearchTrialsMigrationTest, AddsTheTrialsTableAndKeepsEarlierSearchJobs) {
  TempDir dir;
  const std::string path = dir.File("v6.db");
  {
    SQLite::Database v6(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    for (const Migration& migration : SchemaMigrations()) {
      if (migration.version > 6) break;
      v6.exec(migration.sql);
    }
    v6.exec("PRAGMA user_version = 6");
    v6.exec(
        "INSERT INTO jobs (kind, triggered_by, status, params_json, activate_policy, created_at, "
        "scheduled_at) VALUES ('search', 'api', 'queued', '{}', 'if_better', 10, 10)");
    EXPECT_EQ(v6.execAndGet("SELECT count(*) FROM sqlite_master WHERE name = 'search_trials'").getInt(), 0);
  }
  auto database = RegistryDatabase::Open(path);
  ASSERT_TRUE(database.ok()) << database.status();
  JobStore jobs(**database);
  const auto old_job = jobs.Get(1);
  ASSERT_TRUE(old_job.ok()) << old_job.status();
  EXPECT_EQ(old_job->spec.kind, JobKind::kSearch);
  SearchTrialStore trials(**database);
  SearchTrialRecord trial;
  trial.job_id = 1;
  trial.epochs = 3;
  trial.params_json = "{}";
  trial.validation_metric = 0.25;
  ASSERT_TRUE(trials.Append(trial).ok());
  const auto listed = trials.List(1);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().epochs, 3);
}

}  // namespace
}  // namespace vitrina::registry
