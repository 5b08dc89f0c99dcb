#include "trainer/batch_top_k.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "fmt/format.h"

namespace vitrina::trainer {
namespace {

// Keeps a block's score matrix near 16 MB whatever the catalogue size.
constexpr int64_t kBlockFloats = int64_t{1} << 22;
constexpr int64_t kMaxBlockUsers = 64;

}  // namespace

absl::StatusOr<std::vector<std::vector<ScoredIndex>>> BatchTopK(const Model& model,
                                                                std::span<const int32_t> users,
                                                                const BatchTopKOptions& options) {
  if (!model.fitted()) return absl::FailedPreconditionError("the model is not fitted");
  if (options.k <= 0)
    return absl::InvalidArgumentError(fmt::format("k must be > 0 (got {})", options.k));
  if (options.threads < 1) {
    return absl::InvalidArgumentError(
        fmt::format("threads must be >= 1 (got {})", options.threads));
  }
  if (options.excluded != nullptr &&
      (options.excluded->rows != model.n_users() || options.excluded->cols != model.n_items())) {
    return absl::InvalidArgumentError(
        "the excluded matrix does not match the model's users x items");
  }
  for (int32_t user : users) {
    if (user < 0 || user >= model.n_users()) {
      return absl::InvalidArgumentError(
          fmt::format("user index {} out of range [0, {})", user, model.n_users()));
    }
  }

  const ServingIndex& serving = model.serving();
  const int64_t n_items = model.n_items();
  const int64_t block_users =
      std::clamp<int64_t>(kBlockFloats / std::max<int64_t>(n_items, 1), 1, kMaxBlockUsers);
  const auto n_blocks = static_cast<int64_t>((users.size() + block_users - 1) / block_users);
  std::vector<std::vector<ScoredIndex>> results(users.size());
  std::atomic<int64_t> next_block{0};

  auto work = [&] {
    ServingIndex::RowMatrix user_block;
    ServingIndex::RowMatrix scores;
    for (int64_t block = next_block++; block < n_blocks; block = next_block++) {
      const int64_t begin = block * block_users;
      const int64_t end =
          std::min<int64_t>(begin + block_users, static_cast<int64_t>(users.size()));
      user_block.resize(end - begin, serving.users().cols());
      for (int64_t u = begin; u < end; ++u)
        user_block.row(u - begin) = serving.users().row(users[u]);
      scores.noalias() = user_block * serving.items().transpose();
      for (int64_t u = begin; u < end; ++u) {
        const int32_t user = users[u];
        const std::span<const int32_t> consumed =
            options.exclude_consumed ? model.ConsumedItems(user) : std::span<const int32_t>();
        auto excluded = [&](int32_t item) {
          return (options.excluded != nullptr && options.excluded->Contains(user, item)) ||
                 std::binary_search(consumed.begin(), consumed.end(), item);
        };
        results[u] = TopK(std::span<const float>(scores.row(u - begin).data(), n_items), options.k,
                          excluded);
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < options.threads; ++t) threads.emplace_back(work);
  work();
  for (std::thread& thread : threads) thread.join();
  return results;
}

}  // namespace vitrina::trainer
