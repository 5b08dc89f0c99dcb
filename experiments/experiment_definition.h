#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace vitrina::experiments {

// One arm: what serves the users assigned to it.
struct ArmDefinition {
  std::string name;
  double weight = 0;     // relative share of the experiment's users (> 0)
  int64_t model_id = 0;  // the personal model answering; 0: the active one ("active")
  std::string policy;    // the next-title policy; empty: the request's (or the default)
  bool explore = false;  // GetUserRecommendations: one slot of the answer is a random pick
};

// An A/B experiment: users are split among the arms by a stable hash of (salt, user id); the
// allow-list pins named users to an arm (QA). The first arm is the control.
struct ExperimentDefinition {
  std::string name;
  std::string salt;   // empty: the name
  std::string layer;  // empty: "default"; one running experiment per layer
  std::vector<ArmDefinition> arms;
  std::map<int64_t, std::string> allow_list;  // user id -> arm name

  static constexpr size_t kMaxArms = 16;
  static constexpr size_t kMaxNameLength = 64;

  // InvalidArgument naming the field: name and arm names of [A-Za-z0-9_.-] (they appear in
  // paths and JSON keys), 2..kMaxArms arms with distinct names and finite weights > 0, model ids
  // >= 0, allow-list users >= 0 pinned to arms that exist.
  absl::Status Validate() const;

  const std::string& EffectiveSalt() const { return salt.empty() ? name : salt; }
  std::string EffectiveLayer() const { return layer.empty() ? "default" : layer; }

  // The arm (index into `arms`) of a user: the allow-list's, else by HashFraction. Deterministic.
  size_t ArmOf(int64_t user_id) const;
};

// A name of an experiment, arm or layer: 1..64 of [A-Za-z0-9_.-] (they appear in URL paths and
// JSON keys). InvalidArgument naming `field`, quoting at most 64 bytes of it.
absl::Status ValidExperimentName(std::string_view field, const std::string& name);

// Where a user falls in [0, 1) for a salt: MurmurHash3_x64_128 with seed 0 over the bytes of
// "<salt>:<user id in decimal>", the top 53 bits of its first 64-bit half (h1) divided by 2^53.
// The arm is the first whose cumulative share of the total weight exceeds this fraction. The
// same in every replica, after restarts, and reproducible outside the server (docs/EXPERIMENTS.md).
double HashFraction(const std::string& salt, int64_t user_id);

// Refuses `candidate` when it would overlap a running experiment: the same name, or the same
// layer (a layer's traffic belongs to one experiment), or another layer's experiment that
// varies the same thing (the model, the policy or exploration), since one answer cannot follow
// two arms. FailedPrecondition naming both experiments.
absl::Status CheckNoOverlap(const std::vector<ExperimentDefinition>& running, const ExperimentDefinition& candidate);

}  // namespace vitrina::experiments
