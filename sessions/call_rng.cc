#include "sessions/call_rng.h"

#include "common/split_mix64.h"
#include "common/stable_hash.h"

namespace vitrina::sessions {
namespace {

// One SplitMix64 step from x: every input bit affects every output bit.
uint64_t Mix(uint64_t x) { return SplitMix64(x).Next(); }

}  // namespace

trainer::Pcg32 CallRng(uint64_t seed, int64_t user_id, std::string_view session_id, int64_t step) {
  uint64_t state = Mix(seed);
  state = Mix(state ^ static_cast<uint64_t>(user_id));
  state = Mix(state ^ StableHash().Bytes(session_id).value());
  state = Mix(state ^ static_cast<uint64_t>(step));
  return trainer::Pcg32(state, Mix(state));
}

}  // namespace vitrina::sessions
