#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <new>
#include <vector>

namespace vitrina::trainer {

// Allocates on 64-byte boundaries: a parameter row then starts a cache line, so a row of 32 floats
// spans two lines instead of three, and two threads' scratch buffers never share a line.
// Allocations of 2 MiB and more (parameter tables) are placed on 2 MiB boundaries and offered to
// the kernel as transparent huge pages: training reads rows at random all over tables far larger
// than what the TLB maps with 4 KiB pages, and a huge page turns most of those page walks into
// hits (where THP is off or set to "never", the advice is ignored).
template <class T>
struct CacheAlignedAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlignment{64};
  static constexpr std::size_t kHugePage = std::size_t{2} << 20u;

  CacheAlignedAllocator() = default;
  template <class U>
  CacheAlignedAllocator(const CacheAlignedAllocator<U>&) {}  // NOLINT: allocator rebinding

  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHugePage) return static_cast<T*>(::operator new(bytes, kAlignment));
    const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    void* p = ::operator new(rounded, std::align_val_t{kHugePage});
    madvise(p, rounded, MADV_HUGEPAGE);  // advice only: failing changes nothing but speed
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) {
    if (n * sizeof(T) < kHugePage) {
      ::operator delete(p, kAlignment);
    } else {
      ::operator delete(p, std::align_val_t{kHugePage});
    }
  }

  template <class U>
  bool operator==(const CacheAlignedAllocator<U>&) const {
    return true;
  }
};

using AlignedFloats = std::vector<float, CacheAlignedAllocator<float>>;

}  // namespace vitrina::trainer
