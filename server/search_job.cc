#include "server/search_job.h"

#include <algorithm>
#include <string_view>
#include <tuple>

#include "common/status_macros.h"
#include "fmt/format.h"
#include "server/training_params.h"

namespace vitrina::server {
namespace {

v1::Loss ToProto(trainer::LossKind loss) {
  switch (loss) {
    case trainer::LossKind::kLogistic: return v1::LOGISTIC;
    case trainer::LossKind::kBpr: return v1::BPR;
    case trainer::LossKind::kWarp: return v1::WARP;
    case trainer::LossKind::kWarpKos: return v1::WARP_KOS;
  }
  return v1::WARP;
}

absl::StatusOr<trainer::LossKind> FromProto(int loss) {
  switch (loss) {
    case v1::LOGISTIC: return trainer::LossKind::kLogistic;
    case v1::BPR: return trainer::LossKind::kBpr;
    case v1::WARP: return trainer::LossKind::kWarp;
    case v1::WARP_KOS: return trainer::LossKind::kWarpKos;
    default:
      return absl::InvalidArgumentError(
          fmt::format("space.losses: {} is not LOGISTIC, BPR, WARP or WARP_KOS", loss));
  }
}

// The tuning library's messages say "search space ..."; the API's fields are space.*.
absl::Status Prefixed(const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(), fmt::format("StartSearch: {}", std::string(status.message())));
}

// A search trains nothing a training request could not ask for (training.limits): a bound the
// request sets above the limit is refused, a default bound is cut down to it.
absl::Status CapRange(int& min, int& max, bool min_set, bool max_set, std::string_view field, int limit,
                      std::string_view limit_key) {
  for (const auto& [value, set, bound] : {std::tuple{min, min_set, "min"}, std::tuple{max, max_set, "max"}}) {
    if (set && value > limit) {
      return absl::InvalidArgumentError(fmt::format("StartSearch: space.{}_{} is {}, above training.limits.{} ({})",
                                                    bound, field, value, limit_key, limit));
    }
  }
  if (!max_set) max = std::min(max, limit);
  if (!min_set) min = std::min(min, max);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<tuning::SearchOptions> SearchOptionsFromRequest(const v1::StartSearchRequest& request,
                                                               const v1::TrainingParams& defaults,
                                                               const TrainingLimits& limits, int eval_k) {
  tuning::SearchOptions options;
  const v1::SearchSpace& space = request.space();
  if (space.losses_size() > 0) {
    options.space.losses.clear();
    for (int loss : space.losses()) {
      ASSIGN_OR_RETURN(const trainer::LossKind kind, FromProto(loss));
      options.space.losses.push_back(kind);
    }
  }
  tuning::SearchSpace& s = options.space;
  if (space.has_min_components()) s.min_components = space.min_components();
  if (space.has_max_components()) s.max_components = space.max_components();
  if (space.has_min_learning_rate() || space.has_max_learning_rate()) {
    if (!space.has_min_learning_rate() || !space.has_max_learning_rate()) {
      return absl::InvalidArgumentError(
          "space.min_learning_rate and space.max_learning_rate go together (unset both for each "
          "loss's default range)");
    }
    s.learning_rate = tuning::LogRange{space.min_learning_rate(), space.max_learning_rate()};
  }
  if (space.has_min_alpha()) s.alpha.min = space.min_alpha();
  if (space.has_max_alpha()) s.alpha.max = space.max_alpha();
  if (space.has_zero_alpha_probability()) s.zero_alpha_probability = space.zero_alpha_probability();
  if (space.has_min_max_sampled()) s.min_max_sampled = space.min_max_sampled();
  if (space.has_max_max_sampled()) s.max_max_sampled = space.max_max_sampled();
  if (space.has_min_epochs()) s.min_epochs = space.min_epochs();
  if (space.has_max_epochs()) s.max_epochs = space.max_epochs();
  if (request.budget().has_max_trials()) options.budget.max_trials = request.budget().max_trials();
  if (request.budget().has_max_seconds()) options.budget.max_seconds = request.budget().max_seconds();
  RETURN_IF_ERROR(CapRange(s.min_components, s.max_components, space.has_min_components(),
                           space.has_max_components(), "components", limits.max_no_components, "max_no_components"));
  RETURN_IF_ERROR(CapRange(s.min_max_sampled, s.max_max_sampled, space.has_min_max_sampled(),
                           space.has_max_max_sampled(), "max_sampled", limits.max_sampled, "max_sampled"));
  RETURN_IF_ERROR(CapRange(s.min_epochs, s.max_epochs, space.has_min_epochs(), space.has_max_epochs(), "epochs",
                           limits.max_epochs, "max_epochs"));
  if (options.budget.max_seconds && *options.budget.max_seconds > limits.max_wall_seconds) {
    return absl::InvalidArgumentError(
        fmt::format("StartSearch: budget.max_seconds is {}, above training.limits.max_wall_seconds ({})",
                    *options.budget.max_seconds, limits.max_wall_seconds));
  }
  if (!request.metric().empty()) {
    absl::StatusOr<tuning::SearchMetric> metric = tuning::ParseSearchMetric(request.metric());
    if (!metric.ok()) return absl::InvalidArgumentError(fmt::format("metric: {}", std::string(metric.status().message())));
    options.metric = *metric;
  }
  options.k = eval_k;
  options.threads = request.has_threads() ? request.threads() : defaults.threads();
  options.seed = request.has_seed() ? request.seed() : defaults.seed();
  options.base = ToHyperparameters(defaults);
  RETURN_IF_ERROR(Prefixed(options.Validate()));
  return options;
}

v1::TrainingParams SearchedParams(const trainer::Hyperparameters& hyperparameters, int epochs,
                                  const v1::TrainingParams& defaults) {
  v1::TrainingParams params = defaults;
  params.set_loss(ToProto(hyperparameters.loss));
  params.set_no_components(hyperparameters.no_components);
  params.set_learning_rate(hyperparameters.learning_rate);
  params.set_item_alpha(hyperparameters.item_alpha);
  params.set_user_alpha(hyperparameters.user_alpha);
  params.set_max_sampled(hyperparameters.max_sampled);
  params.set_epochs(epochs);
  params.set_seed(hyperparameters.random_state);
  params.set_kind(v1::SEARCH);
  return params;
}

int PlannedMeasurements(const tuning::SearchOptions& options) {
  int alive = options.budget.max_trials;
  int total = 0;
  for (size_t rung = 0;
       rung < tuning::RungEpochs(options.space.min_epochs, options.space.max_epochs, options.eta).size();
       ++rung) {
    total += alive;
    alive = tuning::PromotedCount(alive, options.eta, options.threads);
  }
  return total;
}

}  // namespace vitrina::server
