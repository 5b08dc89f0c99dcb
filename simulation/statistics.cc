#include "simulation/statistics.h"

#include <algorithm>
#include <cmath>

#include "experiments/welch_test.h"

namespace vitrina::simulation {

MeanInterval MeanWithConfidence(const std::vector<double>& values, double level) {
  const experiments::SampleMoments moments = experiments::MomentsOf(values);
  MeanInterval interval;
  interval.n = moments.n;
  interval.mean = moments.mean;
  if (moments.n < 2) return interval;
  interval.half_width = experiments::MeanConfidenceInterval(moments, level).high - moments.mean;
  return interval;
}

double NearestRankPercentile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
  const size_t index = std::clamp<size_t>(rank, 1, values.size()) - 1;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index), values.end());
  return values[index];
}

}  // namespace vitrina::simulation
