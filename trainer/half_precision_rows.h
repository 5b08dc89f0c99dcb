#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "trainer/aligned_vector.h"

namespace vitrina::trainer {

// A half-precision (IEEE binary16) copy of a row-major float matrix, for scoring every row
// against a query with half the memory traffic of the floats. A request on a large catalog is
// bound by reading the item matrix (26 MB for 100k items at d 64), so this halves its cost; the
// error bound lets a caller rescore exactly only the rows the approximation cannot rule out.
class HalfPrecisionRows {
 public:
  HalfPrecisionRows() = default;
  // Rows are `cols` floats apart. The copy is unusable (and holds nothing) when a value is not
  // finite or too large for binary16, or when the CPU build has no F16C: callers then score the
  // floats.
  static HalfPrecisionRows Build(const float* rows, int64_t n_rows, int cols);

  bool usable() const { return usable_; }
  int64_t n_rows() const { return n_rows_; }
  int cols() const { return cols_; }

  // out[i] ~ row i . query for every row; `query` has cols() entries, `out` n_rows().
  void Dots(std::span<const float> query, std::span<float> out) const;
  // A bound on |Dots(query)[i] - ExactDot(row i, query)| over every row: the binary16 rounding of
  // each value (relative 2^-11, absolute 2^-25 below the normal range) weighted by the query and
  // each column's largest magnitude, plus both single-precision sums' rounding.
  double ErrorBound(std::span<const float> query) const;

 private:
  bool usable_ = false;
  int64_t n_rows_ = 0;
  int cols_ = 0;
  int stride_ = 0;  // cols_ rounded up to 8 halves (one 16-byte load)
  std::vector<uint16_t, CacheAlignedAllocator<uint16_t>> halves_;
  std::vector<float> column_max_abs_;
};

}  // namespace vitrina::trainer
