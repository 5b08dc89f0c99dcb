#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace vitrina::experiments {

// n, mean and sample variance (n - 1), computed in two passes (the mean first) for accuracy.
struct SampleMoments {
  int64_t n = 0;
  double mean = 0;
  double variance = 0;
};
SampleMoments MomentsOf(std::span<const double> values);

// The Student t interval of a mean (ci_low = ci_high = mean when n < 2).
struct MeanInterval {
  double low = 0;
  double high = 0;
};
MeanInterval MeanConfidenceInterval(const SampleMoments& sample, double confidence);

// Welch's unequal-variance t test of treatment against control, plus the relative lift
// difference / control mean with its delta-method interval (normal quantile):
//   Var(lift) ~ v_t / (n_t m_c^2) + m_t^2 v_c / (n_c m_c^4).
struct WelchResult {
  bool computable = false;
  std::string note;  // why not computable
  double difference = 0;
  double difference_ci_low = 0;
  double difference_ci_high = 0;
  double degrees_of_freedom = 0;  // Welch-Satterthwaite
  double t_statistic = 0;
  double p_value = 1;             // two-sided
  bool lift_computable = false;
  double relative_lift = 0;
  double lift_ci_low = 0;
  double lift_ci_high = 0;
};
WelchResult WelchTest(const SampleMoments& treatment, const SampleMoments& control, double confidence);

}  // namespace vitrina::experiments
