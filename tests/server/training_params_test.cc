#include "server/training_params.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "trainer/model.h"

namespace vitrina::server {
namespace {

using ::testing::HasSubstr;

TEST(TrainingParamsTest, SizeParametersAreBoundedByTheConfiguredLimits) {
  TrainingLimits limits;
  limits.max_epochs = 50;
  limits.max_no_components = 64;
  limits.max_sampled = 30;
  struct Case {
    void (v1::TrainingParams::*set)(int32_t);
    int32_t at_limit;
    std::string message;
  };
  for (const Case& c : {Case{&v1::TrainingParams::set_epochs, 50, "params.epochs must be in 1..50 (training.limits.max_epochs)"},
                        Case{&v1::TrainingParams::set_no_components, 64,
                             "params.no_components must be in 1..64 (training.limits.max_no_components)"},
                        Case{&v1::TrainingParams::set_max_sampled, 30,
                             "params.max_sampled must be in 1..30 (training.limits.max_sampled)"}}) {
    v1::TrainingParams params;
    (params.*c.set)(c.at_limit);
    EXPECT_TRUE(ValidateTrainingParams(params, limits).ok()) << c.message;
    (params.*c.set)(c.at_limit + 1);
    absl::Status refused = ValidateTrainingParams(params, limits);
    EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_EQ(std::string(refused.message()), c.message);
  }
}

TEST(TrainingParamsTest, TheDefaultLimitsRefuseWhatHeldTheWorkerForHours) {
  v1::TrainingParams params;
  params.set_epochs(100000);
  EXPECT_EQ(ValidateTrainingParams(params, TrainingLimits()).code(), absl::StatusCode::kInvalidArgument);
  params.clear_epochs();
  params.set_no_components(4096);
  EXPECT_EQ(ValidateTrainingParams(params, TrainingLimits()).code(), absl::StatusCode::kInvalidArgument);
}

TEST(TrainingParamsTest, ThreadsAreBoundedByWhatTheTrainerAccepts) {
  v1::TrainingParams params;
  params.set_threads(trainer::kMaxFitThreads);
  EXPECT_TRUE(ValidateTrainingParams(params, TrainingLimits()).ok());
  params.set_threads(trainer::kMaxFitThreads + 1);
  absl::Status refused = ValidateTrainingParams(params, TrainingLimits());
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.message()), HasSubstr("params.threads must be in 1..256"));
  params.set_threads(0);
  EXPECT_EQ(ValidateTrainingParams(params, TrainingLimits()).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vitrina::server
