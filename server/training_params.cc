#include "server/training_params.h"

#include <cmath>
#include <string>

#include "fmt/format.h"

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

absl::Status ValidateTrainingParams(const v1::TrainingParams& p) {
  if (p.has_no_components() && (p.no_components() < 1 || p.no_components() > 4096)) {
    return OutOfRange("no_components", "in 1..4096");
  }
  if (p.has_epochs() && (p.epochs() < 1 || p.epochs() > 100000)) return OutOfRange("epochs", "in 1..100000");
  if (p.has_learning_rate() && !(p.learning_rate() > 0 && std::isfinite(p.learning_rate()))) {
    return OutOfRange("learning_rate", "a finite number > 0");
  }
  if (p.has_item_alpha() && !(p.item_alpha() >= 0 && std::isfinite(p.item_alpha()))) {
    return OutOfRange("item_alpha", ">= 0");
  }
  if (p.has_user_alpha() && !(p.user_alpha() >= 0 && std::isfinite(p.user_alpha()))) {
    return OutOfRange("user_alpha", ">= 0");
  }
  if (p.has_max_sampled() && (p.max_sampled() < 1 || p.max_sampled() > 100000)) {
    return OutOfRange("max_sampled", "in 1..100000");
  }
  if (p.has_threads() && (p.threads() < 1 || p.threads() > 1024)) return OutOfRange("threads", "in 1..1024");
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
