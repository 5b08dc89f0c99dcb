#include "sessions/call_rng.h"

namespace vitrina::sessions {
namespace {

// SplitMix64's finaliser: every input bit affects every output bit.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// FNV-1a: stable across processes, unlike std::hash.
uint64_t HashText(std::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace

trainer::Pcg32 CallRng(uint64_t seed, int64_t user_id, std::string_view session_id, int64_t step) {
  uint64_t state = Mix(seed);
  state = Mix(state ^ static_cast<uint64_t>(user_id));
  state = Mix(state ^ HashText(session_id));
  state = Mix(state ^ static_cast<uint64_t>(step));
  return trainer::Pcg32(state, Mix(state));
}

}  // namespace vitrina::sessions
