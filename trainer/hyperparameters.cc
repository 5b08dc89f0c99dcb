#include "trainer/hyperparameters.h"

#include <cmath>
#include <string>

#include "fmt/format.h"

namespace vitrina::trainer {
namespace {

absl::Status FieldError(std::string_view field, std::string_view requirement, double value) {
  return absl::InvalidArgumentError(
      fmt::format("hyperparameter {} must be {} (got {})", field, requirement, value));
}

}  // namespace

absl::StatusOr<LossKind> ParseLoss(std::string_view name) {
  if (name == "logistic") return LossKind::kLogistic;
  if (name == "bpr") return LossKind::kBpr;
  if (name == "warp") return LossKind::kWarp;
  if (name == "warp-kos") return LossKind::kWarpKos;
  return absl::InvalidArgumentError(
      fmt::format("unknown loss '{}' (expected logistic, bpr, warp or warp-kos)", name));
}

std::string_view LossName(LossKind loss) {
  switch (loss) {
    case LossKind::kLogistic:
      return "logistic";
    case LossKind::kBpr:
      return "bpr";
    case LossKind::kWarp:
      return "warp";
    case LossKind::kWarpKos:
      return "warp-kos";
  }
  return "unknown";
}

absl::StatusOr<LearningSchedule> ParseLearningSchedule(std::string_view name) {
  if (name == "adagrad") return LearningSchedule::kAdagrad;
  if (name == "adadelta") return LearningSchedule::kAdadelta;
  return absl::InvalidArgumentError(
      fmt::format("unknown learning_schedule '{}' (expected adagrad or adadelta)", name));
}

std::string_view LearningScheduleName(LearningSchedule schedule) {
  switch (schedule) {
    case LearningSchedule::kAdagrad:
      return "adagrad";
    case LearningSchedule::kAdadelta:
      return "adadelta";
  }
  return "unknown";
}

absl::Status Hyperparameters::Validate() const {
  // The bounds are LightFM's constructor assertions, plus finiteness.
  // LightFM has no upper bound; this one keeps row sizes far from integer overflow.
  constexpr int kMaxComponents = 1 << 14;
  if (no_components <= 0 || no_components > kMaxComponents) {
    return FieldError("no_components", fmt::format("in [1, {}]", kMaxComponents), no_components);
  }
  if (!(std::isfinite(learning_rate) && learning_rate > 0)) {
    return FieldError("learning_rate", "finite and > 0", learning_rate);
  }
  if (!(rho > 0 && rho < 1)) return FieldError("rho", "in (0, 1)", rho);
  // LightFM accepts epsilon == 0, but adadelta then divides 0 by 0 on the first zero gradient.
  if (!(std::isfinite(epsilon) && epsilon > 0))
    return FieldError("epsilon", "finite and > 0", epsilon);
  if (!(std::isfinite(item_alpha) && item_alpha >= 0)) {
    return FieldError("item_alpha", "finite and >= 0", item_alpha);
  }
  if (!(std::isfinite(user_alpha) && user_alpha >= 0)) {
    return FieldError("user_alpha", "finite and >= 0", user_alpha);
  }
  if (max_sampled < 1) return FieldError("max_sampled", ">= 1", max_sampled);
  if (k < 1) return FieldError("k", ">= 1", k);
  if (n < 1) return FieldError("n", ">= 1", n);
  return absl::OkStatus();
}

}  // namespace vitrina::trainer
