#include "tuning/search_space.h"

#include <algorithm>
#include <cmath>

#include "fmt/format.h"

namespace vitrina::tuning {
namespace {

absl::Status FieldError(std::string_view field, std::string requirement) {
  return absl::InvalidArgumentError(fmt::format("search space {} {}", field, requirement));
}

absl::Status CheckLogRange(std::string_view field, const LogRange& range) {
  if (!(std::isfinite(range.min) && std::isfinite(range.max) && range.min > 0 &&
        range.min <= range.max)) {
    return FieldError(field, fmt::format("must satisfy 0 < min <= max (got [{}, {}])", range.min,
                                         range.max));
  }
  return absl::OkStatus();
}

double LogUniform(const LogRange& range, double u) {
  return std::exp(std::log(range.min) + u * (std::log(range.max) - std::log(range.min)));
}

// An integer log-uniform in [min, max]: every integer gets the share of the log scale that rounds
// to it, so both ends are reachable.
int LogUniformInteger(int min, int max, double u) {
  const double value = LogUniform({min - 0.5 + 1e-9, max + 0.5 - 1e-9}, u);
  return std::clamp(static_cast<int>(std::lround(value)), min, max);
}

double AlphaAt(const SearchSpace& space, double u) {
  if (u < space.zero_alpha_probability) return 0;
  // The rest of the coordinate, stretched back to [0, 1), keeps the draw quasi-uniform.
  return LogUniform(space.alpha,
                    (u - space.zero_alpha_probability) / (1 - space.zero_alpha_probability));
}

}  // namespace

absl::Status SearchSpace::Validate() const {
  if (losses.empty()) return FieldError("losses", "must name at least one loss");
  if (!(min_components >= 1 && min_components <= max_components && max_components <= 1024)) {
    return FieldError("no_components", fmt::format("must satisfy 1 <= min <= max <= 1024 (got [{}, {}])",
                                                   min_components, max_components));
  }
  if (learning_rate) {
    if (absl::Status status = CheckLogRange("learning_rate", *learning_rate); !status.ok())
      return status;
    if (learning_rate->max > 1)
      return FieldError("learning_rate", fmt::format("max must be <= 1 (got {})", learning_rate->max));
  }
  if (absl::Status status = CheckLogRange("alpha", alpha); !status.ok()) return status;
  if (!(zero_alpha_probability >= 0 && zero_alpha_probability < 1)) {
    return FieldError("zero_alpha_probability",
                      fmt::format("must be in [0, 1) (got {})", zero_alpha_probability));
  }
  if (!(min_max_sampled >= 1 && min_max_sampled <= max_max_sampled && max_max_sampled <= 1000)) {
    return FieldError("max_sampled", fmt::format("must satisfy 1 <= min <= max <= 1000 (got [{}, {}])",
                                                 min_max_sampled, max_max_sampled));
  }
  if (!(min_epochs >= 1 && min_epochs <= max_epochs && max_epochs <= 10000)) {
    return FieldError("epochs", fmt::format("must satisfy 1 <= min <= max <= 10000 (got [{}, {}])",
                                            min_epochs, max_epochs));
  }
  return absl::OkStatus();
}

LogRange DefaultLearningRates(trainer::LossKind loss) {
  switch (loss) {
    case trainer::LossKind::kWarp:
    case trainer::LossKind::kWarpKos:
      // On ml-100k's validation split (d 55, alphas ~1e-3, 18-27 epochs) the range's centre at
      // 0.049 led one at 0.063 by ~3% on three seeds; much below 0.03, 27 epochs are too few for a
      // regularised WARP model to converge.
      return {0.03, 0.08};
    case trainer::LossKind::kBpr:
    case trainer::LossKind::kLogistic:
      return {0.01, 0.2};
  }
  return {0.01, 0.1};
}

trainer::Hyperparameters HyperparametersAt(const SearchSpace& space,
                                           std::span<const double> point,
                                           const trainer::Hyperparameters& base) {
  auto coordinate = [&](int d) { return d < static_cast<int>(point.size()) ? point[d] : 0.5; };
  trainer::Hyperparameters hyperparameters = base;
  const auto loss_index = std::min(static_cast<size_t>(coordinate(0) * space.losses.size()),
                                   space.losses.size() - 1);
  hyperparameters.loss = space.losses[loss_index];
  hyperparameters.no_components =
      LogUniformInteger(space.min_components, space.max_components, coordinate(1));
  hyperparameters.learning_rate = static_cast<float>(LogUniform(
      space.learning_rate.value_or(DefaultLearningRates(hyperparameters.loss)), coordinate(2)));
  hyperparameters.item_alpha = static_cast<float>(AlphaAt(space, coordinate(3)));
  hyperparameters.user_alpha = static_cast<float>(AlphaAt(space, coordinate(4)));
  if (hyperparameters.loss == trainer::LossKind::kWarp ||
      hyperparameters.loss == trainer::LossKind::kWarpKos) {
    hyperparameters.max_sampled =
        LogUniformInteger(space.min_max_sampled, space.max_max_sampled, coordinate(5));
  }
  return hyperparameters;
}

std::string DescribeSearchedParameters(const trainer::Hyperparameters& hp) {
  return fmt::format("{} d={} lr={:.4g} item_alpha={:.3g} user_alpha={:.3g} max_sampled={}",
                     trainer::LossName(hp.loss), hp.no_components, hp.learning_rate, hp.item_alpha,
                     hp.user_alpha, hp.max_sampled);
}

}  // namespace vitrina::tuning
