#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "sessions/next_title_policy.h"
#include "sessions/policy_set.h"
#include "sessions/session_store.h"

namespace vitrina::sessions {

struct NextTitleResult {
  NextTitleAnswer answer;
  std::string policy;  // the policy that answered (the default when none was asked)
  int64_t session_started_unix_micros = 0;  // names the session with its user and id
};

// One next-title call end to end: one Load of the session, the policy's decision, one Save of
// what it changed. What GetNextTitle and the classic /next route call.
class NextTitleService {
 public:
  NextTitleService(const PolicySet& policies, SessionStore& store,
                   std::function<absl::Time()> now = [] { return absl::Now(); })
      : policies_(policies), store_(store), now_(std::move(now)) {}

  absl::StatusOr<NextTitleResult> Next(const NextTitleRequest& request, std::string_view policy,
                                       const PolicyInputs& inputs) const;

 private:
  const PolicySet& policies_;
  SessionStore& store_;
  std::function<absl::Time()> now_;
};

}  // namespace vitrina::sessions
