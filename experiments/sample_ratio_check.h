#pragma once

#include <cstdint>
#include <vector>

namespace vitrina::experiments {

// Pearson's chi-square of the users per arm against the configured weights (a sample-ratio
// mismatch means the split or the logging is broken, and the comparison cannot be trusted).
struct SampleRatioResult {
  std::vector<double> expected;
  double chi_square = 0;
  int64_t degrees_of_freedom = 0;
  double p_value = 1;
  bool mismatch = false;  // p < mismatch_p_value
};
SampleRatioResult CheckSampleRatio(const std::vector<int64_t>& observed, const std::vector<double>& weights,
                                   double mismatch_p_value = 0.001);

}  // namespace vitrina::experiments
