#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "absl/functional/function_ref.h"
#include "trainer/half_precision_rows.h"
#include "trainer/top_k.h"

namespace vitrina::trainer {

// A row-major float matrix and its half-precision copy: what TopKByDot ranks.
struct DotRows {
  const float* rows = nullptr;
  int64_t n_rows = 0;
  int cols = 0;
  const HalfPrecisionRows* half = nullptr;  // may be null or unusable: every row is then scored exactly
};

// The k rows with the largest ExactDot(row, query) for which excluded(row) is false, best first,
// ties by lower index: the same answer, bit for bit, as TopK over ExactDots of every row.
//
// Reading the matrix bounds the cost on a large catalog, so the rows are scored on the
// half-precision copy first. With T the k-th best approximate score and e the copy's error bound,
// the true k-th best is at least T - e, so every row of the true top k scores at least T - 2e
// approximately; only those are rescored exactly (typically k plus a few).
std::vector<ScoredIndex> TopKByDot(const DotRows& matrix, std::span<const float> query, int k,
                                   absl::FunctionRef<bool(int32_t)> excluded);

}  // namespace vitrina::trainer
