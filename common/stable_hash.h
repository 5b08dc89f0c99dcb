#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace vitrina {

// 64-bit FNV-1a: the same value in every process and on every machine, unlike absl's hashes
// (seeded per process) and std::hash (implementation-defined). Cache keys and digests built with it
// agree between replicas sharing Redis and across restarts. Not for input chosen to collide.
class StableHash {
 public:
  StableHash& Bytes(std::string_view bytes) {
    for (char c : bytes) MixByte(static_cast<unsigned char>(c));
    return *this;
  }
  // Integers are mixed as their little-endian bytes, whatever the machine's order.
  StableHash& Int64(int64_t value) { return Little(static_cast<uint64_t>(value), 8); }
  StableHash& Int32(int32_t value) { return Little(static_cast<uint32_t>(value), 4); }

  uint64_t value() const { return hash_; }

 private:
  static constexpr uint64_t kOffsetBasis = 14695981039346656037ull;
  static constexpr uint64_t kPrime = 1099511628211ull;

  void MixByte(uint64_t byte) {
    hash_ ^= byte;
    hash_ *= kPrime;
  }
  StableHash& Little(uint64_t value, int bytes) {
    for (int byte = 0; byte < bytes; ++byte) MixByte((value >> (8 * byte)) & 0xff);
    return *this;
  }

  uint64_t hash_ = kOffsetBasis;
};

inline uint64_t StableHashOfIds(std::span<const int64_t> ids) {
  StableHash hash;
  for (int64_t id : ids) hash.Int64(id);
  return hash.value();
}

}  // namespace vitrina
