#include "server/training_params.h"

#include <cmath>
#include <string>

#include "fmt/format.h"
#include "trainer/model.h"

namespace vitrina::server {
namespace {

absl::Status OutOfRange(std::string_view field, std::string_view range) {
  return absl::InvalidArgumentError(fmt::format("params.{} must be {}", field, range));
}

}  // namespace

v1::TrainingParams MergeTrainingParams(const v1::TrainingParams& defaults, const v1::TrainingParams& request) {
  v1::TrainingParams merged = defaults;
  // Enums use 0 for "unspecified" and optional scalars track presence, so MergeFrom copies
  // exactly the fields the request set.
  merged.MergeFrom(request);
  return merged;
}

absl::Status ValidateTrainingParams(const v1::TrainingParams& p, const TrainingLimits& limits) {
  // The bounds an operator sets name their config key, so that a refused caller knows where they come from.
  auto above_limit = [](std::string_view field, int max, std::string_view key) {
    return OutOfRange(field, fmt::format("in 1..{} (training.limits.{})", max, key));
  };
  if (p.has_no_components() && (p.no_components() < 1 || p.no_components() > limits.max_no_components)) {
    return above_limit("no_components", limits.max_no_components, "max_no_components");
  }
  if (p.has_epochs() && (p.epochs() < 1 || p.epochs() > limits.max_epochs)) {
    return above_limit("epochs", limits.max_epochs, "max_epochs");
  }
  if (p.has_learning_rate() && !(p.learning_rate() > 0 && std::isfinite(p.learning_rate()))) {
    return OutOfRange("learning_rate", "a finite number > 0");
  }
  if (p.has_item_alpha() && !(p.item_alpha() >= 0 && std::isfinite(p.item_alpha()))) {
    return OutOfRange("item_alpha", ">= 0");
  }
  if (p.has_user_alpha() && !(p.user_alpha() >= 0 && std::isfinite(p.user_alpha()))) {
    return OutOfRange("user_alpha", ">= 0");
  }
  if (p.has_max_sampled() && (p.max_sampled() < 1 || p.max_sampled() > limits.max_sampled)) {
    return above_limit("max_sampled", limits.max_sampled, "max_sampled");
  }
  if (p.has_threads() && (p.threads() < 1 || p.threads() > trainer::kMaxFitThreads)) {
    return OutOfRange("threads", fmt::format("in 1..{}", trainer::kMaxFitThreads));
  }
  if (p.has_rho() && !(p.rho() > 0 && p.rho() < 1)) return OutOfRange("rho", "in (0, 1)");
  if (p.has_epsilon() && !(p.epsilon() > 0 && std::isfinite(p.epsilon()))) return OutOfRange("epsilon", "> 0");
  if (p.has_kos_k() && p.kos_k() < 1) return OutOfRange("kos_k", ">= 1");
  if (p.has_kos_n() && p.kos_n() < 1) return OutOfRange("kos_n", ">= 1");
  if (p.has_kos_k() && p.has_kos_n() && p.kos_k() > p.kos_n()) return OutOfRange("kos_k", "<= kos_n");
  if (!v1::Loss_IsValid(p.loss())) return OutOfRange("loss", "LOGISTIC, BPR, WARP or WARP_KOS");
  if (!v1::LearningSchedule_IsValid(p.learning_schedule())) {
    return OutOfRange("learning_schedule", "ADAGRAD or ADADELTA");
  }
  if (!v1::TrainingKind_IsValid(p.kind())) return OutOfRange("kind", "FULL or INCREMENTAL");
  return absl::OkStatus();
}

trainer::Hyperparameters ToHyperparameters(const v1::TrainingParams& p) {
  trainer::Hyperparameters h;
  h.no_components = p.no_components();
  switch (p.loss()) {
    case v1::LOGISTIC: h.loss = trainer::LossKind::kLogistic; break;
    case v1::BPR: h.loss = trainer::LossKind::kBpr; break;
    case v1::WARP_KOS: h.loss = trainer::LossKind::kWarpKos; break;
    default: h.loss = trainer::LossKind::kWarp; break;
  }
  h.learning_schedule =
      p.learning_schedule() == v1::ADADELTA ? trainer::LearningSchedule::kAdadelta : trainer::LearningSchedule::kAdagrad;
  h.learning_rate = p.learning_rate();
  h.rho = p.rho();
  h.epsilon = p.epsilon();
  h.item_alpha = p.item_alpha();
  h.user_alpha = p.user_alpha();
  h.max_sampled = p.max_sampled();
  h.k = p.kos_k();
  h.n = p.kos_n();
  h.random_state = p.seed();
  return h;
}

}  // namespace vitrina::server
