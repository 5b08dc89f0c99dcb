#pragma once

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "sessions/next_title_policy.h"
#include "sessions/policy_spec.h"

namespace vitrina::sessions {

// The named policies of the config (sessions.policies), built once: the factory that turns
// configuration into policies, and the lookup a call's `policy` field goes through.
class PolicySet {
 public:
  // FailedPrecondition when the config names no policy at all.
  static absl::StatusOr<PolicySet> FromConfig(const SessionsConfig& config);

  // The policy called `name`, or the default for an empty name; NotFound naming the known ones.
  absl::StatusOr<const NextTitlePolicy*> Find(std::string_view name) const;
  const std::string& default_name() const { return default_name_; }

 private:
  std::map<std::string, NextTitlePolicy, std::less<>> policies_;
  std::string default_name_;
};

}  // namespace vitrina::sessions
