#include "trainer/model.h"

#include <limits>
#include <string>
#include <vector>

#include "common/status_macros.h"
#include "fmt/format.h"
#include "spdlog/spdlog.h"
#include "trainer/epoch_runner.h"
#include "trainer/exact_dot.h"
#include "trainer/loss.h"
#include "trainer/regularization_scales.h"
#include "trainer/training_context.h"

namespace vitrina::trainer {
namespace {

// The model's own random stream (initialisation and shuffling); workers use streams 0..threads-1
// seeded per epoch from it.
constexpr uint64_t kModelStream = 0x5eed;

absl::Status CheckOptions(const FitOptions& options) {
  if (options.epochs < 0) {
    return absl::InvalidArgumentError(fmt::format("epochs must be >= 0 (got {})", options.epochs));
  }
  if (options.threads < 1 || options.threads > kMaxFitThreads) {
    return absl::InvalidArgumentError(
        fmt::format("threads must be in [1, {}] (got {})", kMaxFitThreads, options.threads));
  }
  return absl::OkStatus();
}

absl::Status CheckTable(const EmbeddingTable& table, int32_t n_features, int components,
                        LearningSchedule schedule, std::string_view side) {
  const size_t size = static_cast<size_t>(n_features) * table.stride;
  const bool adadelta = schedule == LearningSchedule::kAdadelta;
  if (table.n_features != n_features || table.no_components != components ||
      table.stride != PaddedStride(components + 1) || table.weights.size() != size ||
      table.gradient_accumulators.size() != size ||
      table.update_accumulators.size() != (adadelta ? size : 0)) {
    return absl::InvalidArgumentError(
        fmt::format("{} parameters do not match the model: {} features x {} components expected",
                    side, n_features, components));
  }
  return absl::OkStatus();
}

// A consumed-items matrix fit for a model of n_users x n_items.
absl::Status CheckConsumed(const CsrMatrix& consumed, int32_t n_users, int32_t n_items) {
  RETURN_IF_ERROR(consumed.Validate());
  if (consumed.rows != n_users || consumed.cols != n_items) {
    return absl::InvalidArgumentError(
        fmt::format("consumed items are {}x{}, the model {}x{}", consumed.rows, consumed.cols, n_users, n_items));
  }
  return absl::OkStatus();
}

std::span<const float> UserRow(const ServingIndex& serving, int32_t user) {
  return {serving.users().row(user).data(), static_cast<size_t>(serving.users().cols())};
}

std::span<const float> UnitItemRow(const ServingIndex& serving, int32_t item) {
  return {serving.unit_items().row(item).data(), static_cast<size_t>(serving.unit_items().cols())};
}

}  // namespace

absl::StatusOr<Model> Model::Create(const Hyperparameters& hyperparameters) {
  RETURN_IF_ERROR(hyperparameters.Validate());
  ModelState state;
  state.hyperparameters = hyperparameters;
  state.rng = Pcg32(hyperparameters.random_state, kModelStream);
  return Model(std::move(state));
}

absl::StatusOr<Model> Model::FromState(ModelState state) {
  RETURN_IF_ERROR(state.hyperparameters.Validate());
  const Hyperparameters& hp = state.hyperparameters;
  const bool fitted = state.users.n_features > 0 || state.items.n_features > 0;
  if (!fitted && !(state.users.weights.empty() && state.items.weights.empty())) {
    return absl::InvalidArgumentError("parameters of an unfitted model must be empty");
  }
  if (fitted) {
    RETURN_IF_ERROR(CheckTable(state.users, state.dataset.users().n_features(), hp.no_components,
                               hp.learning_schedule, "user"));
    RETURN_IF_ERROR(CheckTable(state.items, state.dataset.items().n_features(), hp.no_components,
                               hp.learning_schedule, "item"));
  }
  if (state.consumed.rows > 0) {
    RETURN_IF_ERROR(CheckConsumed(state.consumed, state.dataset.users().n_entities(), state.dataset.items().n_entities()));
  }
  Model model(std::move(state));
  RETURN_IF_ERROR(model.Refresh());
  return model;
}

absl::Status Model::Fit(const Dataset& dataset, const Interactions& train,
                        const FitOptions& options) {
  RETURN_IF_ERROR(CheckOptions(options));
  state_.users = EmbeddingTable();
  state_.items = EmbeddingTable();
  state_.rng = Pcg32(state_.hyperparameters.random_state, kModelStream);
  return FitPartial(dataset, train, options);
}

absl::Status Model::FitPartial(const Dataset& dataset, const Interactions& train,
                               const FitOptions& options) {
  const Hyperparameters& hp = state_.hyperparameters;
  RETURN_IF_ERROR(CheckOptions(options));
  RETURN_IF_ERROR(train.Validate());
  if (train.n_users != dataset.users().n_entities() ||
      train.n_items != dataset.items().n_entities()) {
    return absl::InvalidArgumentError(fmt::format(
        "interactions are {}x{} but the dataset has {} users and {} items", train.n_users,
        train.n_items, dataset.users().n_entities(), dataset.items().n_entities()));
  }
  if (dataset.items().n_entities() == 0)
    return absl::InvalidArgumentError("the dataset has no items");
  if (train.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return absl::InvalidArgumentError(
        fmt::format("{} interactions: at most 2^31 - 1 per fit", train.size()));
  }
  if (fitted() && !dataset.Extends(state_.dataset)) {
    return absl::InvalidArgumentError(
        "fit_partial: the dataset does not extend the model's (an existing user, item or feature "
        "changed index, or the identity/normalisation settings differ)");
  }
  if (hp.loss == LossKind::kWarpKos) {
    for (float weight : train.weights) {
      if (weight != 1.0f) {
        return absl::InvalidArgumentError(
            "warp-kos does not support sample weights (as in LightFM)");
      }
    }
  }
  ASSIGN_OR_RETURN(CsrMatrix user_features,
                   dataset.users().BuildFeatureMatrix(dataset.normalize_features()));
  ASSIGN_OR_RETURN(CsrMatrix item_features,
                   dataset.items().BuildFeatureMatrix(dataset.normalize_features()));

  // LightFM initialises item parameters before user parameters.
  state_.items.Grow(dataset.items().n_features(), hp.no_components, hp.learning_schedule,
                    state_.rng);
  state_.users.Grow(dataset.users().n_features(), hp.no_components, hp.learning_schedule,
                    state_.rng);
  state_.dataset = dataset;
  ExtendConsumedToDataset();

  absl::Status status = absl::OkStatus();
  // The fit's own structures (the grouped interactions above all: 4 B per interaction) are
  // released before the serving index is built, so that peak memory holds one of the two.
  {
    const TrainingInteractions interactions = TrainingInteractions::FromInteractions(train);
    RegularizationScales scales(state_.users, state_.items);
    const TrainingContext context{hp,           user_features, item_features, interactions,
                                  state_.users, state_.items,  scales};
    const std::unique_ptr<Loss> loss = MakeLoss(hp);
    EpochRunner runner(*loss, context, options.threads);

    for (int epoch = 0; epoch < options.epochs; ++epoch) {
      const EpochResult result = runner.Run(state_.rng);
      if (!state_.users.AllFinite() || !state_.items.AllFinite()) {
        status = absl::FailedPreconditionError(fmt::format(
            "epoch {} of {}: parameters are no longer finite (NaN or Inf), the model diverged; "
            "lower learning_rate or normalise feature values and sample weights",
            epoch + 1, options.epochs));
        break;
      }
      const EpochReport report{epoch, options.epochs, result.seconds, loss->FigureName(),
                               result.figure};
      spdlog::info("epoch {}/{}: {:.3f} s, {} {:.4f}", epoch + 1, options.epochs, result.seconds,
                   report.figure_name, result.figure);
      if (options.on_epoch && !options.on_epoch(report)) {
        status = absl::CancelledError(
            fmt::format("fit cancelled after epoch {} of {}", epoch + 1, options.epochs));
        break;
      }
    }
  }
  serving_ = ServingIndex::Build(user_features, item_features, state_.users, state_.items);
  return status;
}

absl::Status Model::Refresh() {
  const Dataset& dataset = state_.dataset;
  // The feature matrices are needed only to build the serving index: not kept.
  ASSIGN_OR_RETURN(const CsrMatrix user_features, dataset.users().BuildFeatureMatrix(dataset.normalize_features()));
  ASSIGN_OR_RETURN(const CsrMatrix item_features, dataset.items().BuildFeatureMatrix(dataset.normalize_features()));
  if (fitted()) serving_ = ServingIndex::Build(user_features, item_features, state_.users, state_.items);
  return absl::OkStatus();
}

void Model::ExtendConsumedToDataset() {
  CsrMatrix& consumed = state_.consumed;
  if (consumed.rows == 0) return;
  consumed.offsets.resize(static_cast<size_t>(n_users()) + 1, consumed.offsets.back());
  consumed.rows = n_users();
  consumed.cols = n_items();
}

std::optional<int64_t> Model::UserId(int32_t user) const {
  if (user < 0 || user >= n_users()) return std::nullopt;
  return dataset().users().ids().IdAt(user);
}

std::optional<int64_t> Model::ItemId(int32_t item) const {
  if (item < 0 || item >= n_items()) return std::nullopt;
  return dataset().items().ids().IdAt(item);
}

absl::Status Model::CheckUser(int32_t user) const {
  if (!fitted()) return absl::FailedPreconditionError("the model is not fitted");
  if (user < 0 || user >= n_users()) {
    return absl::InvalidArgumentError(fmt::format("user index {} out of range [0, {})", user, n_users()));
  }
  return absl::OkStatus();
}

absl::Status Model::CheckItem(int32_t item) const {
  if (!fitted()) return absl::FailedPreconditionError("the model is not fitted");
  if (item < 0 || item >= n_items()) {
    return absl::InvalidArgumentError(fmt::format("item index {} out of range [0, {})", item, n_items()));
  }
  return absl::OkStatus();
}

absl::StatusOr<float> Model::Predict(int32_t user, int32_t item) const {
  RETURN_IF_ERROR(CheckUser(user));
  RETURN_IF_ERROR(CheckItem(item));
  const auto d = static_cast<int>(serving_.items().cols());
  return ExactDot(serving_.items().row(item).data(), serving_.users().row(user).data(), d);
}

absl::Status Model::ScoreItems(int32_t user, std::span<float> scores) const {
  RETURN_IF_ERROR(CheckUser(user));
  if (scores.size() != static_cast<size_t>(n_items())) {
    return absl::InvalidArgumentError(
        fmt::format("scores has {} entries, the model {} items", scores.size(), n_items()));
  }
  const DotRows items = serving_.item_rows();
  ExactDots(items.rows, items.n_rows, items.cols, UserRow(serving_, user), scores);
  return absl::OkStatus();
}

absl::Status Model::ItemSimilarities(int32_t item, std::span<float> similarities) const {
  RETURN_IF_ERROR(CheckItem(item));
  if (similarities.size() != static_cast<size_t>(n_items())) {
    return absl::InvalidArgumentError(fmt::format("similarities has {} entries, the model {} items",
                                                  similarities.size(), n_items()));
  }
  const DotRows units = serving_.unit_item_rows();
  ExactDots(units.rows, units.n_rows, units.cols, UnitItemRow(serving_, item), similarities);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ScoredIndex>> Model::TopItemsForUser(int32_t user, int k,
                                                                absl::FunctionRef<bool(int32_t)> excluded) const {
  RETURN_IF_ERROR(CheckUser(user));
  return TopKByDot(serving_.item_rows(), UserRow(serving_, user), k, excluded);
}

absl::StatusOr<std::vector<ScoredIndex>> Model::TopSimilarItems(int32_t item, int k,
                                                                absl::FunctionRef<bool(int32_t)> excluded) const {
  RETURN_IF_ERROR(CheckItem(item));
  return TopKByDot(serving_.unit_item_rows(), UnitItemRow(serving_, item), k, excluded);
}

absl::Status Model::SetConsumedItems(CsrMatrix consumed) {
  RETURN_IF_ERROR(CheckConsumed(consumed, n_users(), n_items()));
  state_.consumed = std::move(consumed);
  return absl::OkStatus();
}

std::span<const int32_t> Model::ConsumedItems(int32_t user) const {
  if (user < 0 || user >= state_.consumed.rows) return {};
  return state_.consumed.RowIndices(user);
}

}  // namespace vitrina::trainer
