#include "experiments/cuped.h"

#include "experiments/welch_test.h"

namespace vitrina::experiments {

CupedAdjustment AdjustWithCuped(const std::vector<double>& metric, const std::vector<std::optional<double>>& covariate) {
  CupedAdjustment result;
  result.adjusted = metric;
  std::vector<double> xs;
  std::vector<double> ys;
  for (size_t i = 0; i < metric.size(); ++i) {
    if (covariate[i]) {
      xs.push_back(*covariate[i]);
      ys.push_back(metric[i]);
    }
  }
  result.users_with_covariate = static_cast<int64_t>(xs.size());
  const SampleMoments x_moments = MomentsOf(xs);
  if (xs.size() < 2 || !(x_moments.variance > 0)) return result;
  const SampleMoments y_moments = MomentsOf(ys);
  double cross = 0;
  for (size_t i = 0; i < xs.size(); ++i) cross += (xs[i] - x_moments.mean) * (ys[i] - y_moments.mean);
  const double covariance = cross / static_cast<double>(xs.size() - 1);
  result.applied = true;
  result.theta = covariance / x_moments.variance;
  result.covariate_mean = x_moments.mean;
  for (size_t i = 0; i < metric.size(); ++i) {
    if (covariate[i]) result.adjusted[i] = metric[i] - result.theta * (*covariate[i] - result.covariate_mean);
  }
  const double before = MomentsOf(metric).variance;
  const double after = MomentsOf(result.adjusted).variance;
  result.variance_reduction = before > 0 ? 1 - after / before : 0;
  return result;
}

}  // namespace vitrina::experiments
