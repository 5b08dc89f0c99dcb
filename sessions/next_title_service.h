#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "sessions/next_title_policy.h"
#include "sessions/policy_set.h"
#include "sessions/session_store.h"

namespace vitrina::sessions {

struct NextTitleResult {
  NextTitleAnswer answer;
  std::string policy;  // the policy that answered (the default when none was asked)
};

// One next-title call end to end: one Load of the session, the policy's decision, one Save of
// what it changed. What GetNextTitle and the classic /next route call.
class NextTitleService {
 public:
  NextTitleService(const PolicySet& policies, SessionStore& store) : policies_(policies), store_(store) {}

  absl::StatusOr<NextTitleResult> Next(const NextTitleRequest& request, std::string_view policy,
                                       const PolicyInputs& inputs) const;

 private:
  const PolicySet& policies_;
  SessionStore& store_;
};

}  // namespace vitrina::sessions
