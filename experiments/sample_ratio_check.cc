#include "experiments/sample_ratio_check.h"

#include "boost/math/distributions/chi_squared.hpp"

namespace vitrina::experiments {

SampleRatioResult CheckSampleRatio(const std::vector<int64_t>& observed, const std::vector<double>& weights,
                                   double mismatch_p_value) {
  SampleRatioResult result;
  double total = 0;
  double weight_total = 0;
  for (size_t i = 0; i < observed.size(); ++i) {
    total += static_cast<double>(observed[i]);
    weight_total += weights[i];
  }
  result.expected.assign(observed.size(), 0);
  if (observed.size() < 2 || total == 0 || !(weight_total > 0)) return result;
  for (size_t i = 0; i < observed.size(); ++i) {
    result.expected[i] = total * weights[i] / weight_total;
    if (result.expected[i] <= 0) return result;  // a zero-weight arm: nothing to compare
    const double gap = static_cast<double>(observed[i]) - result.expected[i];
    result.chi_square += gap * gap / result.expected[i];
  }
  result.degrees_of_freedom = static_cast<int64_t>(observed.size()) - 1;
  const boost::math::chi_squared distribution(static_cast<double>(result.degrees_of_freedom));
  result.p_value = boost::math::cdf(boost::math::complement(distribution, result.chi_square));
  result.mismatch = result.p_value < mismatch_p_value;
  return result;
}

}  // namespace vitrina::experiments
