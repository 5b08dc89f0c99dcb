#include "trainer/evaluation.h"

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <numeric>
#include <thread>

#include "common/status_macros.h"
#include "fmt/format.h"
#include "trainer/random.h"

namespace vitrina::trainer {
namespace {

absl::Status CheckInputs(const Model& model, const CsrMatrix& test,
                         const EvaluationOptions& options) {
  if (!model.fitted()) return absl::FailedPreconditionError("the model is not fitted");
  if (options.k <= 0)
    return absl::InvalidArgumentError(fmt::format("k must be > 0 (got {})", options.k));
  if (options.threads < 1) {
    return absl::InvalidArgumentError(
        fmt::format("threads must be >= 1 (got {})", options.threads));
  }
  RETURN_IF_ERROR(test.Validate());
  if (test.rows != model.n_users() || test.cols != model.n_items()) {
    return absl::InvalidArgumentError(fmt::format("test matrix is {}x{}, the model {}x{}",
                                                  test.rows, test.cols, model.n_users(),
                                                  model.n_items()));
  }
  if (options.train != nullptr) {
    const CsrMatrix& train = *options.train;
    RETURN_IF_ERROR(train.Validate());
    if (train.rows != test.rows || train.cols != test.cols) {
      return absl::InvalidArgumentError("train and test matrices differ in shape");
    }
    for (int32_t user = 0; user < test.rows; ++user) {
      for (int32_t item : test.RowIndices(user)) {
        if (train.Contains(user, item)) {
          return absl::InvalidArgumentError(
              fmt::format("test and train share the interaction (user {}, item {}): the ranks "
                          "would be optimistic",
                          user, item));
        }
      }
    }
  }
  return absl::OkStatus();
}

// Per-thread buffers of RankUser.
struct RankScratch {
  std::vector<float> scores;       // every item's score for the user
  std::vector<float> test_scores;  // the user's test items' scores, ascending
  std::vector<int64_t> at_least;   // at_least[j]: non-train items scoring >= test_scores[j]
};

// How many of `scores` are >= `bar`, eight at a time.
int64_t CountAtLeast(std::span<const float> scores, float bar) {
  int64_t count = 0;
  size_t i = 0;
#if defined(__AVX2__)
  const __m256 threshold = _mm256_set1_ps(bar);
  for (; i + 8 <= scores.size(); i += 8) {
    const __m256 ge = _mm256_cmp_ps(_mm256_loadu_ps(scores.data() + i), threshold, _CMP_GE_OQ);
    count += __builtin_popcount(static_cast<unsigned>(_mm256_movemask_ps(ge)));
  }
#endif
  for (; i < scores.size(); ++i) count += scores[i] >= bar;
  return count;
}

// Ranks of one user's test items (LightFM's: non-train items scoring at least as high, other test
// items included), written into `ranks` at the row's positions. A user has few test items, so
// counting the items at or above each test score with vector compares (m passes over n scores
// that sit in L2) beats placing every item among the test scores by binary search.
void RankUser(const Model& model, const CsrMatrix& test, const CsrMatrix* train, int32_t user,
              RankScratch& scratch, std::vector<float>& ranks) {
  std::vector<float>& scores = scratch.scores;
  model.ScoreItems(user, scores).IgnoreError();  // the inputs were checked
  std::vector<float>& test_scores = scratch.test_scores;
  test_scores.clear();
  for (int32_t item : test.RowIndices(user)) test_scores.push_back(scores[item]);
  std::sort(test_scores.begin(), test_scores.end());

  std::vector<int64_t>& at_least = scratch.at_least;
  at_least.assign(test_scores.size(), 0);
  for (size_t j = 0; j < test_scores.size(); ++j) {
    at_least[j] = j > 0 && test_scores[j] == test_scores[j - 1] ? at_least[j - 1] : CountAtLeast(scores, test_scores[j]);
  }
  // Train items are not ranked against: take back those the counts included.
  if (train != nullptr) {
    for (int32_t item : train->RowIndices(user)) {
      const auto passed = std::upper_bound(test_scores.begin(), test_scores.end(), scores[item]) - test_scores.begin();
      for (ptrdiff_t j = 0; j < passed; ++j) --at_least[static_cast<size_t>(j)];
    }
  }
  for (int64_t i = test.offsets[user]; i < test.offsets[user + 1]; ++i) {
    const float score = scores[test.indices[i]];
    const auto j = std::lower_bound(test_scores.begin(), test_scores.end(), score) - test_scores.begin();
    // Items scoring >= this one, itself excluded (it is counted: test and train are disjoint).
    ranks[i] = static_cast<float>(at_least[static_cast<size_t>(j)] - 1);
  }
}

std::vector<int32_t> UsersWithTestEntries(const CsrMatrix& test) {
  std::vector<int32_t> users;
  for (int32_t user = 0; user < test.rows; ++user) {
    if (test.RowSize(user) > 0) users.push_back(user);
  }
  return users;
}

// The user's test items ranked within the top k.
int HitsAtK(const CsrMatrix& ranks, int32_t user, int k) {
  int hits = 0;
  for (float rank : ranks.RowValues(user)) hits += rank < static_cast<float>(k);
  return hits;
}

float UserPrecision(const CsrMatrix& ranks, int32_t user, int k) {
  return static_cast<float>(HitsAtK(ranks, user, k)) / static_cast<float>(k);
}

float UserRecall(const CsrMatrix& ranks, int32_t user, int k) {
  return static_cast<float>(HitsAtK(ranks, user, k)) / static_cast<float>(ranks.RowSize(user));
}

float UserReciprocalRank(const CsrMatrix& ranks, int32_t user) {
  float best = 0;
  for (float rank : ranks.RowValues(user)) best = std::max(best, 1.0f / (rank + 1.0f));
  return best;
}

// LightFM's calculate_auc_from_rank: the i-th best test positive has i other positives ahead of it;
// what remains ahead are negatives.
float UserAuc(const CsrMatrix& ranks, const CsrMatrix* train, int32_t user) {
  const auto n_positives = static_cast<int64_t>(ranks.RowSize(user));
  const int64_t n_train = train != nullptr ? train->RowSize(user) : 0;
  const int64_t n_negatives = ranks.cols - n_positives - n_train;
  if (n_positives == 0 || n_negatives <= 0) return 0.5f;
  std::vector<float> sorted(ranks.RowValues(user).begin(), ranks.RowValues(user).end());
  std::sort(sorted.begin(), sorted.end());
  double auc = 0;
  for (int64_t i = 0; i < n_positives; ++i) {
    const double negatives_ahead =
        std::max(0.0, static_cast<double>(sorted[i]) - static_cast<double>(i));
    auc += 1.0 - negatives_ahead / static_cast<double>(n_negatives);
  }
  return static_cast<float>(auc / static_cast<double>(n_positives));
}

absl::StatusOr<std::vector<float>> PerUser(
    const Model& model, const CsrMatrix& test, const EvaluationOptions& options,
    const std::function<float(const CsrMatrix&, int32_t)>& metric) {
  ASSIGN_OR_RETURN(const CsrMatrix ranks, PredictRanks(model, test, options));
  std::vector<float> values;
  for (int32_t user : UsersWithTestEntries(test)) values.push_back(metric(ranks, user));
  return values;
}

}  // namespace

absl::StatusOr<CsrMatrix> PredictRanks(const Model& model, const CsrMatrix& test,
                                       const EvaluationOptions& options) {
  RETURN_IF_ERROR(CheckInputs(model, test, options));
  CsrMatrix ranks = test;
  const std::vector<int32_t> users = UsersWithTestEntries(test);
  std::atomic<size_t> next{0};
  auto work = [&] {
    RankScratch scratch;
    scratch.scores.resize(model.n_items());
    for (size_t u = next++; u < users.size(); u = next++) {
      RankUser(model, test, options.train, users[u], scratch, ranks.values);
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < options.threads; ++t) threads.emplace_back(work);
  work();
  for (std::thread& thread : threads) thread.join();
  return ranks;
}

absl::StatusOr<std::vector<float>> PrecisionAtK(const Model& model, const CsrMatrix& test,
                                                const EvaluationOptions& options) {
  return PerUser(model, test, options, [&](const CsrMatrix& ranks, int32_t user) {
    return UserPrecision(ranks, user, options.k);
  });
}

absl::StatusOr<std::vector<float>> RecallAtK(const Model& model, const CsrMatrix& test,
                                             const EvaluationOptions& options) {
  return PerUser(model, test, options, [&](const CsrMatrix& ranks, int32_t user) {
    return UserRecall(ranks, user, options.k);
  });
}

absl::StatusOr<std::vector<float>> AucScore(const Model& model, const CsrMatrix& test,
                                            const EvaluationOptions& options) {
  return PerUser(model, test, options, [&](const CsrMatrix& ranks, int32_t user) {
    return UserAuc(ranks, options.train, user);
  });
}

absl::StatusOr<std::vector<float>> ReciprocalRank(const Model& model, const CsrMatrix& test,
                                                  const EvaluationOptions& options) {
  return PerUser(model, test, options, UserReciprocalRank);
}

absl::StatusOr<EvaluationSummary> Evaluate(const Model& model, const CsrMatrix& test,
                                           const EvaluationOptions& options) {
  ASSIGN_OR_RETURN(const CsrMatrix ranks, PredictRanks(model, test, options));
  EvaluationSummary summary;
  for (int32_t user : UsersWithTestEntries(test)) {
    summary.precision_at_k += UserPrecision(ranks, user, options.k);
    summary.recall_at_k += UserRecall(ranks, user, options.k);
    summary.auc += UserAuc(ranks, options.train, user);
    summary.reciprocal_rank += UserReciprocalRank(ranks, user);
    ++summary.users;
  }
  if (summary.users > 0) {
    const auto n = static_cast<double>(summary.users);
    summary.precision_at_k /= n;
    summary.recall_at_k /= n;
    summary.auc /= n;
    summary.reciprocal_rank /= n;
  }
  return summary;
}

absl::StatusOr<std::pair<Interactions, Interactions>> RandomTrainTestSplit(
    const Interactions& interactions, double test_fraction, uint64_t seed) {
  if (!(test_fraction > 0 && test_fraction < 1)) {
    return absl::InvalidArgumentError(
        fmt::format("test fraction must be in (0, 1) (got {})", test_fraction));
  }
  RETURN_IF_ERROR(interactions.Validate());
  std::vector<uint32_t> order(interactions.size());
  std::iota(order.begin(), order.end(), 0u);
  Pcg32 rng(seed, 0);
  for (size_t i = order.size(); i > 1; --i)
    std::swap(order[i - 1], order[rng.Below(static_cast<uint32_t>(i))]);
  const auto cutoff =
      static_cast<size_t>((1.0 - test_fraction) * static_cast<double>(order.size()));
  std::pair<Interactions, Interactions> split;
  for (Interactions* part : {&split.first, &split.second}) {
    part->n_users = interactions.n_users;
    part->n_items = interactions.n_items;
  }
  for (size_t i = 0; i < order.size(); ++i) {
    const uint32_t e = order[i];
    (i < cutoff ? split.first : split.second)
        .Add(interactions.users[e], interactions.items[e], interactions.values[e],
             interactions.weights[e]);
  }
  return split;
}

}  // namespace vitrina::trainer
