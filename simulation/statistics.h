#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace vitrina::simulation {

// The p-quantile of Student's t distribution with `df` degrees of freedom (df >= 1, 0 < p < 1),
// by bisection on its CDF (a regularized incomplete beta), accurate to ~1e-9.
double StudentTQuantile(double p, double df);

// A sample mean with its two-sided confidence interval, t-based: mean +- t(1 - (1-level)/2, n-1) *
// s / sqrt(n), with s the sample standard deviation (n - 1 in the denominator). The unit of the
// sample is whatever the caller passes (the simulator passes one value per session).
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
