#include "sessions/policy_set.h"

#include "fmt/format.h"
#include "fmt/ranges.h"

namespace vitrina::sessions {

absl::StatusOr<PolicySet> PolicySet::FromConfig(const SessionsConfig& config) {
  if (config.policies.empty()) return absl::FailedPreconditionError("sessions.policies defines no policy");
  PolicySet set;
  for (const auto& [name, spec] : config.policies) set.policies_.emplace(name, NextTitlePolicy(spec, config.seed));
  set.default_name_ = config.default_policy.empty() ? config.policies.begin()->first : config.default_policy;
  return set;
}

absl::StatusOr<const NextTitlePolicy*> PolicySet::Find(std::string_view name) const {
  if (name.empty()) name = default_name_;
  auto found = policies_.find(name);
  if (found == policies_.end()) {
    std::vector<std::string_view> known;
    for (const auto& entry : policies_) known.push_back(entry.first);
    return absl::NotFoundError(fmt::format("unknown policy '{}' (configured: {})", name, fmt::join(known, ", ")));
  }
  return &found->second;
}

}  // namespace vitrina::sessions
