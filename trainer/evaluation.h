#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "trainer/csr_matrix.h"
#include "trainer/interactions.h"
#include "trainer/model.h"

// LightFM's lightfm.evaluation, with its definitions: for each stored test entry, its rank among
// all items the user has no train entry for (0 = top; items scoring equal count as ahead); the
// per-user metrics are returned for users with at least one test entry, in user order, and the
// summaries average over those users.
namespace vitrina::trainer {

struct EvaluationOptions {
  int k = 10;
  // Train interactions (users x items) to exclude from the ranking; may be null. A test entry that
  // is also a train entry is InvalidArgument (LightFM's check_intersections).
  const CsrMatrix* train = nullptr;
  int threads = 1;
};

// LightFM's predict_rank: `test` with each value replaced by the entry's rank.
absl::StatusOr<CsrMatrix> PredictRanks(const Model& model, const CsrMatrix& test,
                                       const EvaluationOptions& options);

// Fraction of the first k that are test positives.
absl::StatusOr<std::vector<float>> PrecisionAtK(const Model& model, const CsrMatrix& test,
                                                const EvaluationOptions& options);
// Fraction of the user's test positives in the first k.
absl::StatusOr<std::vector<float>> RecallAtK(const Model& model, const CsrMatrix& test,
                                             const EvaluationOptions& options);
// Probability that a test positive outranks a negative (an item in neither test nor train).
absl::StatusOr<std::vector<float>> AucScore(const Model& model, const CsrMatrix& test,
                                            const EvaluationOptions& options);
// 1 / (1 + rank of the best-ranked test positive).
absl::StatusOr<std::vector<float>> ReciprocalRank(const Model& model, const CsrMatrix& test,
                                                  const EvaluationOptions& options);

struct EvaluationSummary {
  double precision_at_k = 0;
  double recall_at_k = 0;
  double auc = 0;
  double reciprocal_rank = 0;
  int64_t users = 0;  // users with at least one test entry
};

// The four means from a single ranking pass.
absl::StatusOr<EvaluationSummary> Evaluate(const Model& model, const CsrMatrix& test,
                                           const EvaluationOptions& options);

// LightFM's random_train_test_split: shuffles the interactions with `seed` and puts the last
// `test_fraction` of them in the test part; both keep the full shape.
absl::StatusOr<std::pair<Interactions, Interactions>> RandomTrainTestSplit(
    const Interactions& interactions, double test_fraction, uint64_t seed);

}  // namespace vitrina::trainer
