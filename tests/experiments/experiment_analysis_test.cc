#include "experiments/experiment_analysis.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/experiments/test_records.h"

namespace vitrina::experiments {
namespace {

using testing::AnswerRecord;
using testing::OutcomeRecord;
using ::testing::HasSubstr;

const v1::ArmSummary& Arm(const v1::ExperimentReport& report, const std::string& name) {
  for (const auto& arm : report.arms()) {
    if (arm.arm() == name) return arm;
  }
  throw std::runtime_error("no arm " + name);
}

TEST(ExperimentAnalysisTest, PerUserTotalsOverSessionsThenTheMeanOverUsers) {
  ExperimentAnalysis analysis;
  // Before the experiment: user 1 consumed 0.8 in one session (the CUPED covariate, not the metric).
  analysis.Add(AnswerRecord(50, 1, "old", "", ""));
  analysis.Add(OutcomeRecord(60, 1, "old", 0.8));
  // User 1 (control): sessions s1 (two answers) and s2, 9 titles, 1.5 consumed.
  analysis.Add(AnswerRecord(100, 1, "s1", "exp", "control", 3, true));
  analysis.Add(OutcomeRecord(110, 1, "s1", 0.5));
  analysis.Add(AnswerRecord(120, 1, "s1", "exp", "control", 3, true));
  analysis.Add(OutcomeRecord(130, 1, "s1", 1.0));
  analysis.Add(AnswerRecord(140, 1, "s2", "exp", "control", 3, true));
  // User 2 (control): one answer outside a session (its own session), nothing consumed.
  analysis.Add(AnswerRecord(150, 2, "", "exp", "control", 2, true));
  // User 3 (b): one session, 0.25 consumed.
  analysis.Add(AnswerRecord(160, 3, "s3", "exp", "b", 4));
  analysis.Add(OutcomeRecord(170, 3, "s3", 0.25));
  // User 4 answered in both arms: excluded.
  analysis.Add(AnswerRecord(180, 4, "s4", "exp", "b"));
  analysis.Add(AnswerRecord(190, 4, "s5", "exp", "control", 3, true));

  const auto report = analysis.Report({}, LogReadStats{});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->experiment(), "exp");
  EXPECT_EQ(report->arms(0).arm(), "control");  // control first
  EXPECT_EQ(report->log().users_in_several_arms(), 1);
  EXPECT_EQ(report->start_unix_micros(), 100);
  EXPECT_EQ(report->end_unix_micros(), 170);

  const auto& control = Arm(*report, "control");
  EXPECT_EQ(control.users(), 2);
  EXPECT_EQ(control.sessions(), 3);
  EXPECT_EQ(control.answers(), 4);
  EXPECT_EQ(control.titles_shown(), 11);
  EXPECT_DOUBLE_EQ(control.titles_per_session().mean(), (9.0 / 2 + 2.0 / 1) / 2);
  EXPECT_DOUBLE_EQ(control.consumed_per_session().mean(), (1.5 / 2 + 0.0) / 2);
  EXPECT_EQ(control.latency().answers(), 4);
  EXPECT_DOUBLE_EQ(control.latency().p50_ms(), 1.0);

  const auto& b = Arm(*report, "b");
  EXPECT_EQ(b.users(), 1);
  EXPECT_DOUBLE_EQ(b.consumed_per_session().mean(), 0.25);
  // One user in b: no test, and the report says why.
  ASSERT_GE(report->comparisons_size(), 1);
  EXPECT_FALSE(report->comparisons(0).computable());
  EXPECT_THAT(report->comparisons(0).note(), HasSubstr("at least 2 users"));
  // Only user 1 has a pre-experiment value: CUPED is not applied, and says so.
  EXPECT_EQ(report->cuped().users_with_covariate(), 1);
  EXPECT_THAT(report->cuped().note(), HasSubstr("not applied"));
  // Equal weights from the log, 2 users against 1.
  EXPECT_EQ(report->sample_ratio().observed_users(0), 2);
  EXPECT_DOUBLE_EQ(report->sample_ratio().expected_users(0), 1.5);
  EXPECT_EQ(report->lift_over_time_size(), 20);
  EXPECT_EQ(report->lift_over_time(19).time_unix_micros(), 170);
}

// The classic /next route plays the user's implicit session: its id is always empty, so the start
// the server logs with each answer is what tells one implicit session from the next.
TEST(ExperimentAnalysisTest, ImplicitSessionsAreToldApartByTheirStart) {
  ExperimentAnalysis analysis;
  auto implicit_answer = [](int64_t time, int64_t user, int64_t started, bool control) {
    v1::ExposureLogRecord record = AnswerRecord(time, user, "", "exp", control ? "control" : "b", 1, control);
    record.mutable_exposure()->set_session_started_unix_micros(started);
    return record;
  };
  // User 1: two implicit sessions of three answers each, 1.2 consumed in all.
  for (int64_t step = 0; step < 3; ++step) analysis.Add(implicit_answer(100 + step, 1, 100, true));
  for (int64_t step = 0; step < 3; ++step) analysis.Add(implicit_answer(200 + step, 1, 200, true));
  analysis.Add(OutcomeRecord(210, 1, "", 1.2));
  // User 2: one implicit session of four answers, 2.0 consumed; and an explicit session of the
  // same start, which is another session.
  for (int64_t step = 0; step < 4; ++step) analysis.Add(implicit_answer(300 + step, 2, 300, false));
  v1::ExposureLogRecord named = AnswerRecord(305, 2, "s", "exp", "b", 1);
  named.mutable_exposure()->set_session_started_unix_micros(300);
  analysis.Add(named);
  analysis.Add(OutcomeRecord(310, 2, "", 2.0));
  const auto report = analysis.Report({}, LogReadStats{});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(Arm(*report, "control").sessions(), 2);
  EXPECT_DOUBLE_EQ(Arm(*report, "control").consumed_per_session().mean(), 0.6);
  EXPECT_EQ(Arm(*report, "b").sessions(), 2);
  EXPECT_DOUBLE_EQ(Arm(*report, "b").consumed_per_session().mean(), 1.0);
}

TEST(ExperimentAnalysisTest, RecommendedTitlesCountAsConsumedOnlyWithinTheWindow) {
  ExperimentAnalysis analysis;
  auto recommendations = AnswerRecord(1000, 1, "", "exp", "control", 3, true);  // titles 100, 101, 102
  recommendations.mutable_exposure()->set_route("GetUserRecommendations");
  analysis.Add(recommendations);
  auto inside = OutcomeRecord(2000, 1, "", 0.5);  // title 100, within the window
  analysis.Add(inside);
  auto late = OutcomeRecord(1000 + 5000 + 1, 1, "", 0.3);  // title 101, just after the window
  late.mutable_outcome()->set_title_id(101);
  analysis.Add(late);
  auto nothing = OutcomeRecord(1500, 1, "", 0.0);  // title 102, started but nothing consumed
  nothing.mutable_outcome()->set_title_id(102);
  analysis.Add(nothing);
  analysis.Add(AnswerRecord(1100, 2, "s", "exp", "control", 3, true));  // a next-title answer only
  AnalysisOptions options;
  options.consumption_window_micros = 5000;
  const auto report = analysis.Report(options, LogReadStats{});
  ASSERT_TRUE(report.ok()) << report.status();
  const auto& share = report->arms(0).recommended_titles_consumed();
  EXPECT_EQ(share.users(), 1);  // user 2 had no GetUserRecommendations answer
  EXPECT_DOUBLE_EQ(share.mean(), 1.0 / 3);
}

TEST(ExperimentAnalysisTest, WithoutAControlTheErrorNamesTheFlag) {
  ExperimentAnalysis analysis;
  analysis.Add(AnswerRecord(100, 1, "s1", "exp", "a"));
  analysis.Add(AnswerRecord(100, 2, "s2", "exp", "b"));
  const auto report = analysis.Report({}, LogReadStats{});
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(report.status().message()), HasSubstr("--control"));
  AnalysisOptions options;
  options.control = "a";
  EXPECT_TRUE(analysis.Report(options, LogReadStats{}).ok());
}

TEST(ExperimentAnalysisTest, SeveralExperimentsNeedANameAndAnUnknownOneIsNotFound) {
  ExperimentAnalysis analysis;
  analysis.Add(AnswerRecord(100, 1, "s1", "first", "a", 1, true));
  analysis.Add(AnswerRecord(100, 2, "s2", "second", "a", 1, true));
  auto report = analysis.Report({}, LogReadStats{});
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(report.status().message()), HasSubstr("first, second"));
  AnalysisOptions options;
  options.experiment = "third";
  EXPECT_EQ(analysis.Report(options, LogReadStats{}).status().code(), absl::StatusCode::kNotFound);
  options.experiment = "second";
  EXPECT_TRUE(analysis.Report(options, LogReadStats{}).ok());
}

TEST(ExperimentAnalysisTest, WeightsForAnUnknownArmAreRefused) {
  ExperimentAnalysis analysis;
  analysis.Add(AnswerRecord(100, 1, "s1", "exp", "a", 1, true));
  AnalysisOptions options;
  options.weights = {{"a", 1}, {"nope", 1}};
  const auto report = analysis.Report(options, LogReadStats{});
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(report.status().message()), HasSubstr("'nope'"));
}

TEST(ExperimentAnalysisTest, ConfiguredWeightsDriveTheSampleRatioCheck) {
  ExperimentAnalysis analysis;
  for (int user = 0; user < 300; ++user) {
    const bool control = user < 200;
    analysis.Add(AnswerRecord(100 + user, user, "s", "exp", control ? "control" : "b", 1, control));
  }
  EXPECT_TRUE(analysis.Report({}, LogReadStats{})->sample_ratio().mismatch());  // 200:100 against 1:1
  AnalysisOptions options;
  options.weights = {{"control", 2}, {"b", 1}};
  EXPECT_FALSE(analysis.Report(options, LogReadStats{})->sample_ratio().mismatch());
}

}  // namespace
}  // namespace vitrina::experiments
