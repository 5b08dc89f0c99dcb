#include "sessions/policy_spec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/sessions/session_world.h"

namespace vitrina::sessions {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<SessionsConfig> Parse(const std::string& yaml) { return SessionsConfig::FromYaml(YAML::Load(yaml)); }

std::string ErrorOf(const std::string& yaml) {
  absl::StatusOr<SessionsConfig> config = Parse(yaml);
  EXPECT_FALSE(config.ok()) << yaml;
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(config.status().message());
}

TEST(PolicySpecTest, TheShippedConfigHoldsTheFourPresetsAndThreeBaselines) {
  SessionsConfig config = testing::ShippedConfig();
  EXPECT_EQ(config.default_policy, "memory_hybrid");
  for (const char* name : {"memory_hybrid", "improved_indexed", "fatigue_contextual", "creator_blend", "random",
                           "top_popular", "sticky_creator"}) {
    EXPECT_TRUE(config.policies.contains(name)) << name;
  }
  EXPECT_EQ(config.ttls.list_offset, absl::Hours(24));
  EXPECT_EQ(config.ttls.creator_counts, absl::Hours(3));
}

TEST(PolicySpecTest, TheMemoryHybridPresetIsTheDescribedPolicy) {
  PolicySpec spec = testing::ShippedPreset("memory_hybrid");
  EXPECT_EQ(spec.skip_below, 0.3);
  EXPECT_EQ(spec.like_at_least, 0.8);
  EXPECT_TRUE(spec.reset_list_offset_on_skip);
  EXPECT_EQ(spec.admissible.creator_cap, 2);
  ASSERT_EQ(spec.rules.size(), 6u);
  EXPECT_EQ(spec.rules[0].when, Condition::kExplore);
  EXPECT_EQ(spec.rules[0].probability, 0.02);
  EXPECT_EQ(spec.rules[0].top, 100);
  EXPECT_EQ(spec.rules[1].source, SourceKind::kNextTitle);
  EXPECT_EQ(spec.rules[1].top, 3);
  EXPECT_EQ(spec.rules[2].source, SourceKind::kSameCreator);
  EXPECT_EQ(spec.rules[2].pick, PickKind::kRandom);
  EXPECT_TRUE(spec.IsSkip(0.29));
  EXPECT_FALSE(spec.IsSkip(0.3));
  EXPECT_TRUE(spec.IsLike(0.8));
  EXPECT_TRUE(testing::ShippedPreset("improved_indexed").IsSkip(0.3));
}

TEST(PolicySpecTest, ANullSectionIsAnEmptyConfig) {
  absl::StatusOr<SessionsConfig> config = SessionsConfig::FromYaml(YAML::Node());
  ASSERT_TRUE(config.ok());
  EXPECT_TRUE(config->policies.empty());
}

TEST(PolicySpecTest, ErrorsNameTheKey) {
  EXPECT_THAT(ErrorOf("colour: red"), HasSubstr("colour"));
  EXPECT_THAT(ErrorOf("default_policy: x"), HasSubstr("sessions.default_policy"));
  EXPECT_THAT(ErrorOf("policies: {p: {rules: []}}"), HasSubstr("sessions.policies.p.rules"));
  EXPECT_THAT(ErrorOf("policies: {p: {rules: [{branch: b, source: nowhere}]}}"),
              HasSubstr("sessions.policies.p.rules[0].source: unknown value 'nowhere'"));
  EXPECT_THAT(ErrorOf("policies: {p: {rules: [{source: popular}]}}"), HasSubstr("rules[0].branch: is required"));
  EXPECT_THAT(ErrorOf("policies: {p: {rules: [{branch: b, source: popular, when: explore}]}}"),
              HasSubstr("rules[0].probability"));
  EXPECT_THAT(ErrorOf("policies: {p: {rules: [{branch: b, source: popular, when: explore, probability: 2}]}}"),
              HasSubstr("outside [0, 1]"));
  EXPECT_THAT(ErrorOf("policies: {p: {rules: [{branch: b, source: popular, when: skip}]}}"),
              HasSubstr("skip needs"));
  EXPECT_THAT(ErrorOf("policies: {p: {rules: [{branch: b, source: popular, top: 0}]}}"), HasSubstr("rules[0].top"));
  EXPECT_THAT(ErrorOf("policies: {p: {admissible: {tired: true}, rules: [{branch: b, source: popular}]}}"),
              HasSubstr("fatigue"));
  EXPECT_THAT(ErrorOf("policies: {p: {skip_below: 0.2, skip_at_most: 0.2, rules: [{branch: b, source: popular}]}}"),
              HasSubstr("not both"));
  EXPECT_THAT(ErrorOf("session_ttl_seconds: 0"), HasSubstr("sessions.session_ttl_seconds"));
}

}  // namespace
}  // namespace vitrina::sessions
