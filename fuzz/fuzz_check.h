#pragma once

#include <cstdio>
#include <cstdlib>

// An invariant a fuzz target asserts: on failure it prints the condition and aborts, which libFuzzer
// reports as a crash and saves the input (assert() would vanish under NDEBUG).
#define FUZZ_CHECK(condition)                                                                     \
  do {                                                                                            \
    if (!(condition)) {                                                                           \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition);    \
      std::abort();                                                                               \
    }                                                                                             \
  } while (false)
