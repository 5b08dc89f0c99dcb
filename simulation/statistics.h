#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace vitrina::simulation {

// A sample mean with its two-sided Student t confidence interval (experiments::MeanConfidenceInterval:
// mean +- t(1 - (1-level)/2, n-1) * s / sqrt(n)). The unit of the sample is whatever the caller
// passes (the simulator passes one value per session).
struct MeanInterval {
  int64_t n = 0;
  double mean = 0;
  // Absent below two values (no spread to estimate).
  std::optional<double> half_width;

  double Low() const { return mean - half_width.value_or(0); }
  double High() const { return mean + half_width.value_or(0); }
};
MeanInterval MeanWithConfidence(const std::vector<double>& values, double level = 0.95);

// The nearest-rank q-quantile (0 < q <= 1) of `values`: the smallest value with at least q * n
// values at or below it. 0 for an empty sample.
double NearestRankPercentile(std::vector<double> values, double q);

}  // namespace vitrina::simulation
