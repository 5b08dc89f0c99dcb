#include "server/search_job.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "server/server_config.h"

namespace vitrina::server {
namespace {

using ::testing::HasSubstr;

// A search trains nothing a training request could not ask for: the default ranges are cut down
// to training.limits, and a bound the request sets above a limit is refused, naming both.
TEST(SearchJobTest, DefaultRangesAreCutDownToTheTrainingLimits) {
  TrainingLimits limits;
  limits.max_no_components = 48;
  limits.max_epochs = 9;
  limits.max_sampled = 4;  // below the default range's minimum (10): the range becomes 4..4
  const auto options = SearchOptionsFromRequest(v1::StartSearchRequest(), DefaultTrainingParams(), limits, 10);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->space.min_components, 32);
  EXPECT_EQ(options->space.max_components, 48);
  EXPECT_EQ(options->space.min_epochs, 9);
  EXPECT_EQ(options->space.max_epochs, 9);
  EXPECT_EQ(options->space.min_max_sampled, 4);
  EXPECT_EQ(options->space.max_max_sampled, 4);

  const auto unlimited = SearchOptionsFromRequest(v1::StartSearchRequest(), DefaultTrainingParams(), TrainingLimits(), 10);
  ASSERT_TRUE(unlimited.ok()) << unlimited.status();
  EXPECT_EQ(unlimited->space.max_components, 96) << "the defaults fit the default limits";
  EXPECT_EQ(unlimited->space.max_epochs, 27);
  EXPECT_EQ(unlimited->space.max_max_sampled, 40);
}

TEST(SearchJobTest, BoundsAboveTheTrainingLimitsAreRefusedNamingTheFieldAndTheLimit) {
  TrainingLimits limits;
  limits.max_no_components = 32;
  limits.max_epochs = 27;
  limits.max_sampled = 30;
  limits.max_wall_seconds = 60;
  struct Case {
    std::function<void(v1::StartSearchRequest&)> set;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](v1::StartSearchRequest& r) { r.mutable_space()->set_max_components(64); },
       "space.max_components is 64, above training.limits.max_no_components (32)"},
      {[](v1::StartSearchRequest& r) { r.mutable_space()->set_min_components(40); },
       "space.min_components is 40, above training.limits.max_no_components (32)"},
      {[](v1::StartSearchRequest& r) { r.mutable_space()->set_max_epochs(81); },
       "space.max_epochs is 81, above training.limits.max_epochs (27)"},
      {[](v1::StartSearchRequest& r) { r.mutable_space()->set_max_max_sampled(31); },
       "space.max_max_sampled is 31, above training.limits.max_sampled (30)"},
      {[](v1::StartSearchRequest& r) { r.mutable_budget()->set_max_seconds(61); },
       "budget.max_seconds is 61, above training.limits.max_wall_seconds (60)"},
  };
  for (const Case& c : cases) {
    v1::StartSearchRequest request;
    c.set(request);
    const auto options = SearchOptionsFromRequest(request, DefaultTrainingParams(), limits, 10);
    EXPECT_EQ(options.status().code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_THAT(options.status().message(), HasSubstr(c.message));
  }
  v1::StartSearchRequest at_the_limits;
  at_the_limits.mutable_space()->set_max_components(32);
  at_the_limits.mutable_space()->set_max_epochs(27);
  at_the_limits.mutable_budget()->set_max_seconds(60);
  EXPECT_TRUE(SearchOptionsFromRequest(at_the_limits, DefaultTrainingParams(), limits, 10).ok());
}

}  // namespace
}  // namespace vitrina::server
