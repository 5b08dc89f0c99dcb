#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace vitrina::experiments {

// CUPED (Deng et al. 2013): Y' = Y - theta (X - mean X), theta = cov(Y, X) / var(X), with X a
// user's pre-experiment value of the same metric. theta and mean X come from the users that have a
// covariate, over all arms together (so the adjustment is the same function in every arm and the
// difference of means stays unbiased); a user without one keeps Y unchanged (X taken as mean X).
struct CupedAdjustment {
  bool applied = false;
  int64_t users_with_covariate = 0;
  double theta = 0;
  double covariate_mean = 0;
  double variance_reduction = 0;  // 1 - var(Y') / var(Y), all users pooled
  std::vector<double> adjusted;   // Y' in the order of the input
};
CupedAdjustment AdjustWithCuped(const std::vector<double>& metric, const std::vector<std::optional<double>>& covariate);

}  // namespace vitrina::experiments
