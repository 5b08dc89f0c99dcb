#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "absl/status/status.h"

namespace vitrina::trainer {

// One stored entry of a sparse matrix, before compression.
struct MatrixEntry {
  int32_t row = 0;
  int32_t col = 0;
  float value = 0;
};

// Whether the `size` sorted columns at `base` hold `col` (duplicates allowed). Branch-free: WARP
// asks about random items, for which the branches of std::binary_search would mispredict half the
// time.
inline bool SortedRowContains(const int32_t* base, int64_t size, int32_t col) {
  if (size == 0) return false;
  while (size > 1) {
    const int64_t half = size / 2;
    base = base[half] <= col ? base + half : base;
    size -= half;
  }
  return *base == col;
}

// Compressed sparse rows with sorted, unique column indices per row (what LightFM's CSRMatrix is
// after `sorted_indices()`): feature matrices, positives lookups, consumed-item sets.
struct CsrMatrix {
  int32_t rows = 0;
  int32_t cols = 0;
  std::vector<int64_t> offsets{0};  // rows + 1 entries
  std::vector<int32_t> indices;
  std::vector<float> values;

  // Sorts the entries and sums duplicates, as scipy's tocsr() does.
  static CsrMatrix FromEntries(int32_t rows, int32_t cols, std::vector<MatrixEntry> entries);

  int64_t nnz() const { return static_cast<int64_t>(indices.size()); }
  int64_t RowSize(int32_t row) const { return offsets[row + 1] - offsets[row]; }
  std::span<const int32_t> RowIndices(int32_t row) const {
    return {indices.data() + offsets[row], static_cast<size_t>(RowSize(row))};
  }
  std::span<const float> RowValues(int32_t row) const {
    return {values.data() + offsets[row], static_cast<size_t>(RowSize(row))};
  }
  // Binary search in the row (LightFM's `in_positives`).
  bool Contains(int32_t row, int32_t col) const {
    return SortedRowContains(indices.data() + offsets[row], offsets[row + 1] - offsets[row], col);
  }

  // True for an identity matrix (row i holds only column i, with value 1).
  bool IsIdentity() const;

  // Checks the invariants above (sizes, bounds, sorted unique columns, finite values): a matrix
  // read from a file must pass this before any kernel indexes with it.
  absl::Status Validate() const;

  friend bool operator==(const CsrMatrix&, const CsrMatrix&) = default;
};

}  // namespace vitrina::trainer
