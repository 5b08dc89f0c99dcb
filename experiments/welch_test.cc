#include "experiments/welch_test.h"

#include <cmath>

#include "boost/math/distributions/normal.hpp"
#include "boost/math/distributions/students_t.hpp"
#include "fmt/format.h"

namespace vitrina::experiments {

SampleMoments MomentsOf(std::span<const double> values) {
  SampleMoments moments;
  moments.n = static_cast<int64_t>(values.size());
  if (values.empty()) return moments;
  double sum = 0;
  for (double value : values) sum += value;
  moments.mean = sum / static_cast<double>(values.size());
  if (values.size() < 2) return moments;
  double squares = 0;
  for (double value : values) squares += (value - moments.mean) * (value - moments.mean);
  moments.variance = squares / static_cast<double>(values.size() - 1);
  return moments;
}

MeanInterval MeanConfidenceInterval(const SampleMoments& sample, double confidence) {
  if (sample.n < 2 || sample.variance == 0) return {sample.mean, sample.mean};
  const boost::math::students_t distribution(static_cast<double>(sample.n - 1));
  const double half = boost::math::quantile(distribution, 0.5 + confidence / 2) *
                      std::sqrt(sample.variance / static_cast<double>(sample.n));
  return {sample.mean - half, sample.mean + half};
}

WelchResult WelchTest(const SampleMoments& treatment, const SampleMoments& control, double confidence) {
  WelchResult result;
  if (treatment.n < 2 || control.n < 2) {
    result.note = fmt::format("needs at least 2 users per arm (arm {}, control {})", treatment.n, control.n);
    return result;
  }
  const double treatment_term = treatment.variance / static_cast<double>(treatment.n);
  const double control_term = control.variance / static_cast<double>(control.n);
  const double squared_error = treatment_term + control_term;
  if (!(squared_error > 0)) {
    result.note = "no variance in either arm";
    return result;
  }
  const double standard_error = std::sqrt(squared_error);
  result.computable = true;
  result.difference = treatment.mean - control.mean;
  result.degrees_of_freedom =
      squared_error * squared_error /
      (treatment_term * treatment_term / static_cast<double>(treatment.n - 1) +
       control_term * control_term / static_cast<double>(control.n - 1));
  result.t_statistic = result.difference / standard_error;
  const boost::math::students_t distribution(result.degrees_of_freedom);
  result.p_value = 2 * boost::math::cdf(boost::math::complement(distribution, std::abs(result.t_statistic)));
  const double half = boost::math::quantile(distribution, 0.5 + confidence / 2) * standard_error;
  result.difference_ci_low = result.difference - half;
  result.difference_ci_high = result.difference + half;

  if (control.mean == 0) {
    result.note = "relative lift undefined: the control mean is 0";
    return result;
  }
  const double control_mean_squared = control.mean * control.mean;
  const double lift_variance =
      treatment_term / control_mean_squared +
      treatment.mean * treatment.mean * control_term / (control_mean_squared * control_mean_squared);
  const double z = boost::math::quantile(boost::math::normal(), 0.5 + confidence / 2);
  result.lift_computable = true;
  result.relative_lift = result.difference / control.mean;
  result.lift_ci_low = result.relative_lift - z * std::sqrt(lift_variance);
  result.lift_ci_high = result.relative_lift + z * std::sqrt(lift_variance);
  return result;
}

}  // namespace vitrina::experiments
