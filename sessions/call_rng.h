#pragma once

#include <cstdint>
#include <string_view>

#include "trainer/random.h"

namespace vitrina::sessions {

// The random generator of one call, derived from (seed, user, session, step) alone: the same
// call made again (a replay, a test, another replica) draws the same numbers, and calls never
// share a generator (no lock, no order dependence between concurrent sessions).
trainer::Pcg32 CallRng(uint64_t seed, int64_t user_id, std::string_view session_id, int64_t step);

}  // namespace vitrina::sessions
