#pragma once

#include <memory>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "sessions/creator_index.h"
#include "sessions/next_title_model.h"
#include "sessions/next_title_policy.h"
#include "sessions/policy_spec.h"
#include "trainer/model.h"

namespace vitrina::sessions::testing {

// A catalog whose every neighbourhood is known: 60 titles (ids 0..59) in three clusters of 20 on
// the unit circle (from 0, 120 and 240 degrees, about a degree apart), so a title's nearest titles
// are its cluster mates by angle (25: 24, 26, 23, 27...). Creators "c0".."c5" made ten
// consecutive titles each, so each cluster has two; their embeddings are zero. User 0 points just
// past title 9 (their list starts 9, 10, 8...); user 99 is unknown to the model. Popularity ranks
// title 59 first, then 58, ... down to 0.
class SessionWorld {
 public:
  SessionWorld();

  static int Cluster(int64_t title) { return static_cast<int>(title / 20); }
  static std::string CreatorOf(int64_t title) { return fmt::format("c{}", title / 10); }

  PolicyInputs inputs() const { return {*model_, *creators_, popular_, *next_titles_, nullptr}; }
  const trainer::Model& model() const { return *model_; }
  const CreatorIndex& creators() const { return *creators_; }

 private:
  std::unique_ptr<trainer::Model> model_;
  std::unique_ptr<CreatorIndex> creators_;
  std::unique_ptr<EmbeddingNextTitles> next_titles_;
  std::vector<data::TitlePopularity> popular_;
};

// The sessions section of the shipped config/vitrina.example.yaml.
SessionsConfig ShippedConfig();
// One preset of the shipped config.
PolicySpec ShippedPreset(const std::string& name);

}  // namespace vitrina::sessions::testing
