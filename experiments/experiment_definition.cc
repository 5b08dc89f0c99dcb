#include "experiments/experiment_definition.h"

#include <cmath>
#include <set>
#include <string_view>

#include "common/echo_for_message.h"
#include "experiments/murmur_hash3.h"
#include "fmt/format.h"

namespace vitrina::experiments {

absl::Status ValidExperimentName(std::string_view field, const std::string& name) {
  if (name.empty()) return absl::InvalidArgumentError(fmt::format("{} is required", field));
  if (name.size() > ExperimentDefinition::kMaxNameLength) {
    return absl::InvalidArgumentError(
        fmt::format("{} must be at most {} characters, got {}", field, ExperimentDefinition::kMaxNameLength, name.size()));
  }
  for (char c : name) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                         c == '-' || c == '.';
    if (!allowed) {
      return absl::InvalidArgumentError(fmt::format("{} may hold only letters, digits and _ - . (got '{}')", field,
                                                    common::EchoForMessage(name)));
    }
  }
  return absl::OkStatus();
}

namespace {

// What an experiment's arms make differ between users: a second running experiment may not vary it too.
std::set<std::string> Varies(const ExperimentDefinition& experiment) {
  std::set<std::string> varied;
  for (const ArmDefinition& arm : experiment.arms) {
    if (arm.model_id != 0) varied.insert("model");  // 0 follows the active model, as outside experiments
    if (!arm.policy.empty()) varied.insert("policy");
    if (arm.explore) varied.insert("explore");
  }
  return varied;
}

}  // namespace

absl::Status ExperimentDefinition::Validate() const {
  if (absl::Status valid = ValidExperimentName("name", name); !valid.ok()) return valid;
  if (!layer.empty()) {
    if (absl::Status valid = ValidExperimentName("layer", layer); !valid.ok()) return valid;
  }
  if (salt.size() > 256) return absl::InvalidArgumentError("salt must be at most 256 characters");
  if (arms.size() < 2 || arms.size() > kMaxArms) {
    return absl::InvalidArgumentError(
        fmt::format("arms must hold 2..{} arms (the first is the control), got {}", kMaxArms, arms.size()));
  }
  std::set<std::string> names;
  for (size_t i = 0; i < arms.size(); ++i) {
    const ArmDefinition& arm = arms[i];
    if (absl::Status valid = ValidExperimentName(fmt::format("arms[{}].name", i), arm.name); !valid.ok()) return valid;
    if (!names.insert(arm.name).second) {
      return absl::InvalidArgumentError(fmt::format("arms[{}].name '{}' is used by another arm", i, arm.name));
    }
    if (!std::isfinite(arm.weight) || arm.weight <= 0) {
      return absl::InvalidArgumentError(
          fmt::format("arms[{}].weight must be a finite number > 0, got {}", i, arm.weight));
    }
    if (arm.model_id < 0) {
      return absl::InvalidArgumentError(
          fmt::format("arms[{}].model_id must be a model id, or 0 for the active model; got {}", i, arm.model_id));
    }
  }
  for (const auto& [user, arm] : allow_list) {
    if (user < 0) return absl::InvalidArgumentError(fmt::format("allow_list: user id must be >= 0, got {}", user));
    if (!names.contains(arm)) {
      return absl::InvalidArgumentError(fmt::format("allow_list: user {} is pinned to arm '{}', which is not an arm of {}",
                                                    user, arm, name));
    }
  }
  return absl::OkStatus();
}

double HashFraction(const std::string& salt, int64_t user_id) {
  const std::string key = fmt::format("{}:{}", salt, user_id);
  const Hash128 hash = MurmurHash3X64_128(key, 0);
  return static_cast<double>(hash.h1 >> 11) * 0x1.0p-53;
}

size_t ExperimentDefinition::ArmOf(int64_t user_id) const {
  if (auto pinned = allow_list.find(user_id); pinned != allow_list.end()) {
    for (size_t i = 0; i < arms.size(); ++i) {
      if (arms[i].name == pinned->second) return i;
    }
  }
  double total = 0;
  for (const ArmDefinition& arm : arms) total += arm.weight;
  const double point = HashFraction(EffectiveSalt(), user_id) * total;
  double cumulative = 0;
  for (size_t i = 0; i < arms.size(); ++i) {
    cumulative += arms[i].weight;
    if (point < cumulative) return i;
  }
  return arms.size() - 1;  // rounding at the very top
}

absl::Status CheckNoOverlap(const std::vector<ExperimentDefinition>& running, const ExperimentDefinition& candidate) {
  const std::set<std::string> varied = Varies(candidate);
  for (const ExperimentDefinition& other : running) {
    if (other.name == candidate.name) {
      return absl::AlreadyExistsError(fmt::format("experiment '{}' exists already", candidate.name));
    }
    if (other.EffectiveLayer() == candidate.EffectiveLayer()) {
      return absl::FailedPreconditionError(fmt::format(
          "experiment '{}' would overlap experiment '{}', which runs in layer '{}' on the same users: stop it "
          "first or put '{}' in another layer",
          candidate.name, other.name, other.EffectiveLayer(), candidate.name));
    }
    for (const std::string& what : Varies(other)) {
      if (varied.contains(what)) {
        return absl::FailedPreconditionError(fmt::format(
            "experiment '{}' (layer '{}') varies the {} like experiment '{}' (layer '{}'): layers share users, so "
            "one answer cannot follow both; stop '{}' first",
            candidate.name, candidate.EffectiveLayer(), what, other.name, other.EffectiveLayer(), other.name));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace vitrina::experiments
