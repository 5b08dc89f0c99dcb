#include "tests/sessions/session_world.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "tests/serving/tiny_model.h"

namespace vitrina::sessions::testing {
namespace {

// Gaps between neighbours grow along a cluster, so that no two distances tie: the nearest titles
// of title j are j - 1, j + 1, j - 2, j + 2...
double Degrees(int64_t title) {
  const double j = static_cast<double>(title % 20);
  return 120.0 * SessionWorld::Cluster(title) + 0.9 * j + 0.02 * j * j;
}

float Cos(double degrees) { return static_cast<float>(std::cos(degrees * std::numbers::pi / 180)); }
float Sin(double degrees) { return static_cast<float>(std::sin(degrees * std::numbers::pi / 180)); }

}  // namespace

SessionWorld::SessionWorld() {
  serving::testing::TinyModelSpec spec;
  spec.user_ids = {0, 1};
  for (int64_t title = 0; title < 60; ++title) {
    const double radians = Degrees(title) * std::numbers::pi / 180;
    spec.title_ids.push_back(title);
    spec.title_vectors.push_back({static_cast<float>(std::cos(radians)), static_cast<float>(std::sin(radians))});
    spec.creators[title] = {CreatorOf(title)};
    spec.creator_vectors[CreatorOf(title)] = {0, 0};
  }
  // User 0 looks just past title 9; user 1 at cluster 1.
  const double user_0 = Degrees(9) + 0.1;
  spec.user_vectors = {{Cos(user_0), Sin(user_0)}, {Cos(Degrees(30)), Sin(Degrees(30))}};
  model_ = std::make_unique<trainer::Model>(serving::testing::MakeTinyModel(spec));
  creators_ = std::make_unique<CreatorIndex>(*model_);
  next_titles_ = std::make_unique<EmbeddingNextTitles>(*model_);
  for (int64_t title = 59; title >= 0; --title) popular_.push_back({title, static_cast<double>(title + 1)});
}

SessionsConfig ShippedConfig() {
  const YAML::Node root = YAML::LoadFile(std::string(VITRINA_SOURCE_DIR) + "/config/vitrina.example.yaml");
  absl::StatusOr<SessionsConfig> config = SessionsConfig::FromYaml(root["sessions"]);
  EXPECT_TRUE(config.ok()) << config.status().message();
  return config.ok() ? *config : SessionsConfig();
}

PolicySpec ShippedPreset(const std::string& name) {
  SessionsConfig config = ShippedConfig();
  auto found = config.policies.find(name);
  EXPECT_NE(found, config.policies.end()) << name;
  return found == config.policies.end() ? PolicySpec() : found->second;
}

}  // namespace vitrina::sessions::testing
