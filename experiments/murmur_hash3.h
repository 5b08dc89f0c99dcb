#pragma once

#include <cstdint>
#include <string_view>

namespace vitrina::experiments {

// MurmurHash3_x64_128 (Austin Appleby's public-domain reference, SMHasher's MurmurHash3.cpp),
// written out here in full: users are assigned to arms by it, so the same bytes must give the
// same value on every machine and build. Little-endian block reads, as the reference on x86-64.
struct Hash128 {
  uint64_t h1 = 0;  // the reference's out[0]
  uint64_t h2 = 0;  // out[1]
};

Hash128 MurmurHash3X64_128(std::string_view data, uint32_t seed);

}  // namespace vitrina::experiments
