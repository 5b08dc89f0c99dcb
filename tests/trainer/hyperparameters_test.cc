#include "trainer/hyperparameters.h"

#include <gtest/gtest.h>

#include <string>

namespace vitrina::trainer {
namespace {

TEST(HyperparametersTest, DefaultsAreLightFms) {
  const Hyperparameters hp;
  EXPECT_EQ(hp.no_components, 10);
  EXPECT_EQ(hp.loss, LossKind::kLogistic);
  EXPECT_EQ(hp.learning_schedule, LearningSchedule::kAdagrad);
  EXPECT_FLOAT_EQ(hp.learning_rate, 0.05f);
  EXPECT_FLOAT_EQ(hp.rho, 0.95f);
  EXPECT_FLOAT_EQ(hp.epsilon, 1e-6f);
  EXPECT_EQ(hp.item_alpha, 0.0f);
  EXPECT_EQ(hp.user_alpha, 0.0f);
  EXPECT_EQ(hp.max_sampled, 10);
  EXPECT_EQ(hp.k, 5);
  EXPECT_EQ(hp.n, 10);
  EXPECT_TRUE(hp.Validate().ok());
}

TEST(HyperparametersTest, ValidateNamesTheField) {
  auto message_for = [](auto mutate) {
    Hyperparameters hp;
    mutate(hp);
    const absl::Status status = hp.Validate();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    return std::string(status.message());
  };
  EXPECT_NE(message_for([](Hyperparameters& hp) { hp.no_components = 0; }).find("no_components"),
            std::string::npos);
  EXPECT_NE(
      message_for([](Hyperparameters& hp) { hp.no_components = 1 << 20; }).find("no_components"),
      std::string::npos);
  EXPECT_NE(message_for([](Hyperparameters& hp) { hp.learning_rate = -1; }).find("learning_rate"),
            std::string::npos);
  EXPECT_NE(message_for([](Hyperparameters& hp) { hp.rho = 1; }).find("rho"), std::string::npos);
  EXPECT_NE(message_for([](Hyperparameters& hp) { hp.epsilon = 0; }).find("epsilon"),
            std::string::npos);
  EXPECT_NE(message_for([](Hyperparameters& hp) { hp.item_alpha = -0.1f; }).find("item_alpha"),
            std::string::npos);
  EXPECT_NE(message_for([](Hyperparameters& hp) { hp.user_alpha = -0.1f; }).find("user_alpha"),
            std::string::npos);
  EXPECT_NE(message_for([](Hyperparameters& hp) { hp.max_sampled = 0; }).find("max_sampled"),
            std::string::npos);
  EXPECT_NE(message_for([](Hyperparameters& hp) { hp.k = 0; }).find("k must"), std::string::npos);
  EXPECT_NE(message_for([](Hyperparameters& hp) { hp.n = 0; }).find("n must"), std::string::npos);
}

TEST(HyperparametersTest, LossNamesRoundTrip) {
  for (LossKind loss : {LossKind::kLogistic, LossKind::kBpr, LossKind::kWarp, LossKind::kWarpKos}) {
    const absl::StatusOr<LossKind> parsed = ParseLoss(LossName(loss));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, loss);
  }
  EXPECT_EQ(LossName(LossKind::kWarpKos), "warp-kos");
  const absl::StatusOr<LossKind> unknown = ParseLoss("hinge");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(unknown.status().message()).find("hinge"), std::string::npos);
}

TEST(HyperparametersTest, ScheduleNamesRoundTrip) {
  EXPECT_EQ(*ParseLearningSchedule("adadelta"), LearningSchedule::kAdadelta);
  EXPECT_EQ(LearningScheduleName(LearningSchedule::kAdagrad), "adagrad");
  EXPECT_FALSE(ParseLearningSchedule("sgd").ok());
}

}  // namespace
}  // namespace vitrina::trainer
