// Arm assignment: the hash is MurmurHash3_x64_128 bit for bit (reference vectors), the split
// follows the weights, is the same for the same (salt, user) and independent across salts, the
// allow-list pins users, and definitions and overlaps are checked with messages naming the field.
#include "experiments/experiment_definition.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "experiments/murmur_hash3.h"

namespace vitrina::experiments {
namespace {

using ::testing::HasSubstr;

TEST(MurmurHash3Test, MatchesTheReferenceVectors) {
  // From SMHasher's MurmurHash3_x64_128 (seed 0), as Guava's and Python mmh3's tests give them.
  struct Vector {
    const char* input;
    uint64_t h1, h2;
  };
  for (const Vector& v : {Vector{"", 0, 0}, Vector{"hello", 0xcbd8a7b341bd9b02ull, 0x5b1e906a48ae1d19ull},
                          Vector{"Hello world", 0xbd656d29d21ac009ull, 0x4ab5b5cd54eb2cb3ull},
                          Vector{"The quick brown fox jumps over the lazy dog", 0xe34bbc7bbc071b6cull,
                                 0x7a433ca9c49a9347ull}}) {
    const Hash128 hash = MurmurHash3X64_128(v.input, 0);
    EXPECT_EQ(hash.h1, v.h1) << v.input;
    EXPECT_EQ(hash.h2, v.h2) << v.input;
  }
}

TEST(HashFractionTest, IsThePublishedFormulaSoOtherToolsCanRecomputeIt) {
  // "<salt>:<user>" hashed, top 53 bits of h1 / 2^53: pinned, so a change of the formula (which
  // would move every running experiment's users) cannot pass unnoticed.
  const Hash128 hash = MurmurHash3X64_128("exp-salt:42", 0);
  EXPECT_EQ(HashFraction("exp-salt", 42), static_cast<double>(hash.h1 >> 11) / 9007199254740992.0);
  EXPECT_DOUBLE_EQ(HashFraction("exp-salt", 42), 0.033489885925207741);
  EXPECT_DOUBLE_EQ(HashFraction("exp-salt", 0), 0.60111799060637949);
}

ExperimentDefinition TwoArms(double control_weight = 1, double treatment_weight = 1) {
  ExperimentDefinition definition;
  definition.name = "split";
  definition.arms = {{.name = "control", .weight = control_weight, .model_id = 0, .policy = "", .explore = false},
                     {.name = "treatment", .weight = treatment_weight, .model_id = 0, .policy = "random", .explore = false}};
  return definition;
}

TEST(ArmOfTest, SplitsUsersByTheWeights) {
  ExperimentDefinition definition = TwoArms(1, 3);
  constexpr int kUsers = 100'000;
  int treatment = 0;
  for (int64_t user = 0; user < kUsers; ++user) treatment += definition.ArmOf(user) == 1 ? 1 : 0;
  // Binomial(100000, 0.75): standard deviation ~137; 5 of them.
  EXPECT_NEAR(treatment, 75'000, 700);
}

TEST(ArmOfTest, IsStableForASaltAndIndependentAcrossSalts) {
  ExperimentDefinition first = TwoArms();
  ExperimentDefinition again = TwoArms();
  ExperimentDefinition other = TwoArms();
  other.salt = "another-salt";
  int same_as_other = 0;
  for (int64_t user = 0; user < 10'000; ++user) {
    ASSERT_EQ(first.ArmOf(user), again.ArmOf(user));
    same_as_other += first.ArmOf(user) == other.ArmOf(user) ? 1 : 0;
  }
  EXPECT_NEAR(same_as_other, 5'000, 300);  // independent splits agree half of the time
}

TEST(ArmOfTest, TheAllowListPinsUsers) {
  ExperimentDefinition definition = TwoArms();
  int64_t control_user = 0;
  while (definition.ArmOf(control_user) != 0) ++control_user;
  definition.allow_list[control_user] = "treatment";
  EXPECT_EQ(definition.ArmOf(control_user), 1u);
}

TEST(ValidateTest, NamesTheFieldAtFault) {
  EXPECT_TRUE(TwoArms().Validate().ok());
  auto message = [](const ExperimentDefinition& definition) { return std::string(definition.Validate().message()); };
  ExperimentDefinition d = TwoArms();
  d.name = "has space";
  EXPECT_THAT(message(d), HasSubstr("name may hold only"));
  d = TwoArms(1, 0);
  EXPECT_THAT(message(d), HasSubstr("arms[1].weight must be a finite number > 0"));
  d = TwoArms(std::nan(""), 1);
  EXPECT_THAT(message(d), HasSubstr("arms[0].weight"));
  d = TwoArms();
  d.arms[1].name = "control";
  EXPECT_THAT(message(d), HasSubstr("arms[1].name 'control' is used by another arm"));
  d = TwoArms();
  d.arms.pop_back();
  EXPECT_THAT(message(d), HasSubstr("arms must hold 2..16 arms"));
  d = TwoArms();
  d.arms[0].model_id = -3;
  EXPECT_THAT(message(d), HasSubstr("arms[0].model_id"));
  d = TwoArms();
  d.allow_list[7] = "nope";
  EXPECT_THAT(message(d), HasSubstr("allow_list: user 7 is pinned to arm 'nope'"));
}

TEST(CheckNoOverlapTest, RefusesASecondExperimentInALayerOrOnTheSameParameter) {
  ExperimentDefinition policies = TwoArms();  // varies the policy, layer "default"
  ExperimentDefinition models = TwoArms();
  models.name = "models";
  models.arms[1].policy.clear();
  models.arms[1].model_id = 3;
  absl::Status same_layer = CheckNoOverlap({policies}, models);
  EXPECT_EQ(same_layer.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(same_layer.message()), HasSubstr("runs in layer 'default'"));

  models.layer = "ranking";
  EXPECT_TRUE(CheckNoOverlap({policies}, models).ok()) << "another layer, another parameter";

  ExperimentDefinition more_policies = TwoArms();
  more_policies.name = "more";
  more_policies.layer = "other";
  absl::Status same_parameter = CheckNoOverlap({policies}, more_policies);
  EXPECT_EQ(same_parameter.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(same_parameter.message()), HasSubstr("varies the policy like experiment 'split'"));

  EXPECT_EQ(CheckNoOverlap({policies}, TwoArms()).code(), absl::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace vitrina::experiments
