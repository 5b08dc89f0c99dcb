#include "simulation/statistics.h"

#include <algorithm>
#include <cmath>

namespace vitrina::simulation {
namespace {

// The continued fraction of the incomplete beta function (modified Lentz's method).
double BetaContinuedFraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kEpsilon = 1e-15;
  double c = 1;
  double d = 1 - (a + b) * x / (a + 1);
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double result = d;
  for (int m = 1; m <= 1000; ++m) {
    const double m2 = 2.0 * m;
    double numerator = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + numerator * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + numerator / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    result *= d * c;
    numerator = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + numerator * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + numerator / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double step = d * c;
    result *= step;
    if (std::fabs(step - 1) < kEpsilon) break;
  }
  return result;
}

// I_x(a, b), the regularized incomplete beta function.
double RegularizedBeta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double log_front =
      std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  const double front = std::exp(log_front);
  if (x < (a + 1) / (a + b + 2)) return front * BetaContinuedFraction(a, b, x) / a;
  return 1 - front * BetaContinuedFraction(b, a, 1 - x) / b;
}

double StudentTCdf(double t, double df) {
  const double tail = 0.5 * RegularizedBeta(df / 2, 0.5, df / (df + t * t));
  return t >= 0 ? 1 - tail : tail;
}

}  // namespace

double StudentTQuantile(double p, double df) {
  if (p == 0.5) return 0;
  if (p < 0.5) return -StudentTQuantile(1 - p, df);
  double low = 0;
  double high = 1;
  while (StudentTCdf(high, df) < p && high < 1e12) high *= 2;
  for (int i = 0; i < 200 && high - low > 1e-12 * std::max(1.0, high); ++i) {
    const double middle = (low + high) / 2;
    (StudentTCdf(middle, df) < p ? low : high) = middle;
  }
  return (low + high) / 2;
}

MeanInterval MeanWithConfidence(const std::vector<double>& values, double level) {
  MeanInterval interval;
  interval.n = static_cast<int64_t>(values.size());
  if (values.empty()) return interval;
  double sum = 0;
  for (double value : values) sum += value;
  interval.mean = sum / static_cast<double>(values.size());
  if (values.size() < 2) return interval;
  double squares = 0;
  for (double value : values) squares += (value - interval.mean) * (value - interval.mean);
  const double n = static_cast<double>(values.size());
  const double standard_error = std::sqrt(squares / (n - 1)) / std::sqrt(n);
  interval.half_width = StudentTQuantile(1 - (1 - level) / 2, n - 1) * standard_error;
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
