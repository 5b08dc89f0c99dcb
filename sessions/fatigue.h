#pragma once

#include <cstdint>

#include "sessions/creator_index.h"
#include "sessions/policy_spec.h"
#include "sessions/session_state.h"

namespace vitrina::sessions {

// Puts a title the user consumed too little of, and its creators, into the session's tired
// buffers (bounded, oldest out). Returns the title to continue from: `previous`, or, when one of
// its creators pushed another out of the full creators' buffer, the last title of the session's
// history none of whose creators is tired (the listener moved on from a creator: step back to
// where the session was still good). `previous` when no such title exists.
int64_t TireAndFindContext(const FatigueSpec& fatigue, const CreatorIndex& creators, int64_t previous,
                           SessionState& state);

}  // namespace vitrina::sessions
