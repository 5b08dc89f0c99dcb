#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "trainer/csr_matrix.h"
#include "trainer/dataset.h"
#include "trainer/embedding_table.h"
#include "trainer/hyperparameters.h"
#include "trainer/interactions.h"
#include "trainer/random.h"
#include "trainer/serving_index.h"
#include "trainer/top_k.h"

namespace vitrina::trainer {

// What on_epoch hears after every epoch.
struct EpochReport {
  int epoch = 0;  // 0-based
  int epochs = 0;
  double seconds = 0;
  std::string_view
      figure_name;  // "log_loss", "bpr_loss" or "sampled_negatives" (mean per positive)
  double figure = 0;
};

// The most worker threads one fit may use; the server's API bound on `threads` is the same.
inline constexpr int kMaxFitThreads = 256;

struct FitOptions {
  int epochs = 1;
  int threads = 1;  // 1..kMaxFitThreads
  // Called after each epoch; returning false stops the fit, which then returns CancelledError.
  std::function<bool(const EpochReport&)> on_epoch = nullptr;
};

// Everything a model file holds (see MODEL_FORMAT.md).
struct ModelState {
  Hyperparameters hyperparameters;
  Dataset dataset;
  EmbeddingTable users;  // empty until the first fit
  EmbeddingTable items;
  Pcg32 rng;           // continues across fit_partial calls and save/load
  CsrMatrix consumed;  // optional: users x items, every item each user consumed; 0 rows if absent
};

// A LightFM-style hybrid matrix factorisation model: training (fit, fit_partial) and the read-only
// calls serving makes on an immutable loaded model (held as std::shared_ptr<const Model>).
class Model {
 public:
  // InvalidArgument when the hyperparameters are out of range.
  static absl::StatusOr<Model> Create(const Hyperparameters& hyperparameters);
  // A model from a deserialised state, checked for consistency (what LoadModel calls).
  static absl::StatusOr<Model> FromState(ModelState state);

  // Discards any learned state and trains `train` (built by `dataset`) from a fresh initialisation.
  absl::Status Fit(const Dataset& dataset, const Interactions& train, const FitOptions& options);
  // Continues training. `dataset` must extend the model's own (same ids and features at the same
  // indices, possibly more appended): rows for new users, items and features are initialised, old
  // rows keep their values and schedule state. On an error other than InvalidArgument the model's
  // parameters are those reached when the fit stopped.
  absl::Status FitPartial(const Dataset& dataset, const Interactions& train,
                          const FitOptions& options);

  const Hyperparameters& hyperparameters() const { return state_.hyperparameters; }
  const Dataset& dataset() const { return state_.dataset; }
  const ModelState& state() const { return state_; }
  bool fitted() const { return state_.items.n_features > 0 || state_.users.n_features > 0; }
  int32_t n_users() const { return state_.dataset.users().n_entities(); }
  int32_t n_items() const { return state_.dataset.items().n_entities(); }

  std::optional<int32_t> UserIndex(int64_t user_id) const {
    return dataset().users().ids().Find(user_id);
  }
  std::optional<int32_t> ItemIndex(int64_t item_id) const {
    return dataset().items().ids().Find(item_id);
  }
  // The external id of an index; nullopt when out of range.
  std::optional<int64_t> UserId(int32_t user) const;
  std::optional<int64_t> ItemId(int32_t item) const;

  // LightFM's predict for one pair.
  absl::StatusOr<float> Predict(int32_t user, int32_t item) const;
  // scores[i] = prediction for (user, i) for every item: one matrix-vector product. `scores` must
  // have n_items() entries.
  absl::Status ScoreItems(int32_t user, std::span<float> scores) const;
  // similarities[i] = cosine of the embeddings of `item` and i, for every item.
  absl::Status ItemSimilarities(int32_t item, std::span<float> similarities) const;
  // The k items with the highest ScoreItems scores (resp. ItemSimilarities, `item` itself
  // included unless excluded) that excluded(index) does not reject, best first, ties by lower
  // index; exactly TopK over those scores, at about half the memory traffic (see TopKByDot).
  absl::StatusOr<std::vector<ScoredIndex>> TopItemsForUser(int32_t user, int k,
                                                           absl::FunctionRef<bool(int32_t)> excluded) const;
  absl::StatusOr<std::vector<ScoredIndex>> TopSimilarItems(int32_t item, int k,
                                                           absl::FunctionRef<bool(int32_t)> excluded) const;
  const ServingIndex& serving() const { return serving_; }

  // The optional per-user consumed sets (every item each user consumed, not only training
  // positives), carried in the model file for the server to exclude seen titles. `consumed` must be
  // n_users() x n_items() (e.g. Dataset::BuildInteractions(...).ToCsr()).
  absl::Status SetConsumedItems(CsrMatrix consumed);
  // Sorted item indices; empty when none are known for the user or the index is out of range.
  std::span<const int32_t> ConsumedItems(int32_t user) const;

 private:
  explicit Model(ModelState state) : state_(std::move(state)) {}

  // Builds the serving index from the dataset's feature matrices and the parameters.
  absl::Status Refresh();
  absl::Status CheckUser(int32_t user) const;
  absl::Status CheckItem(int32_t item) const;
  void ExtendConsumedToDataset();

  ModelState state_;
  ServingIndex serving_;
};

}  // namespace vitrina::trainer
