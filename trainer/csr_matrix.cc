#include "trainer/csr_matrix.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "fmt/format.h"

namespace vitrina::trainer {

CsrMatrix CsrMatrix::FromEntries(int32_t rows, int32_t cols, std::vector<MatrixEntry> entries) {
  std::sort(entries.begin(), entries.end(), [](const MatrixEntry& a, const MatrixEntry& b) {
    return a.row != b.row ? a.row < b.row : a.col < b.col;
  });
  CsrMatrix matrix;
  matrix.rows = rows;
  matrix.cols = cols;
  matrix.offsets.assign(static_cast<size_t>(rows) + 1, 0);
  matrix.indices.reserve(entries.size());
  matrix.values.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    const MatrixEntry& entry = entries[i];
    if (i > 0 && entries[i - 1].row == entry.row && entries[i - 1].col == entry.col) {
      matrix.values.back() += entry.value;
      continue;
    }
    matrix.indices.push_back(entry.col);
    matrix.values.push_back(entry.value);
    ++matrix.offsets[static_cast<size_t>(entry.row) + 1];
  }
  for (int32_t r = 0; r < rows; ++r) matrix.offsets[r + 1] += matrix.offsets[r];
  return matrix;
}

bool CsrMatrix::IsIdentity() const {
  if (rows != cols || nnz() != rows) return false;
  for (int32_t i = 0; i < rows; ++i) {
    if (offsets[i] != i || indices[i] != i || values[i] != 1.0f) return false;
  }
  return true;
}

absl::Status CsrMatrix::Validate() const {
  if (rows < 0 || cols < 0) {
    return absl::InvalidArgumentError(
        fmt::format("sparse matrix has negative shape {}x{}", rows, cols));
  }
  if (offsets.size() != static_cast<size_t>(rows) + 1 || offsets.front() != 0 ||
      offsets.back() != static_cast<int64_t>(indices.size()) || values.size() != indices.size()) {
    return absl::InvalidArgumentError("sparse matrix offsets, indices and values disagree in size");
  }
  for (int32_t r = 0; r < rows; ++r) {
    // Checked row by row before the row is read: the last offset alone does not bound a middle one.
    if (offsets[r + 1] < offsets[r] || offsets[r + 1] > nnz()) {
      return absl::InvalidArgumentError(
          fmt::format("sparse matrix row {} has a negative length or ends past the entries", r));
    }
    for (int64_t i = offsets[r]; i < offsets[r + 1]; ++i) {
      if (indices[i] < 0 || indices[i] >= cols ||
          (i > offsets[r] && indices[i] <= indices[i - 1])) {
        return absl::InvalidArgumentError(
            fmt::format("sparse matrix row {} has an out-of-range or unsorted column", r));
      }
      if (!std::isfinite(values[i])) {
        return absl::InvalidArgumentError(
            fmt::format("sparse matrix row {} has a non-finite value", r));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace vitrina::trainer
