#include "bench/trainer/scale_dataset.h"

#include <algorithm>
#include <vector>

#include "trainer/random.h"

namespace vitrina::bench {
namespace {

// (user, item) in one integer, so that sorting groups users and finds duplicate pairs.
uint64_t Pack(int32_t user, int32_t item) {
  return (static_cast<uint64_t>(user) << 32u) | static_cast<uint32_t>(item);
}
int32_t UserOf(uint64_t pair) { return static_cast<int32_t>(pair >> 32u); }
int32_t ItemOf(uint64_t pair) { return static_cast<int32_t>(pair & 0xffffffffu); }

// Draws pairs until `target` distinct ones exist: draw the missing number, sort, drop duplicates,
// repeat (two or three rounds; duplicates are a few percent).
std::vector<uint64_t> DistinctPairs(const ScaleOptions& options, trainer::Pcg32& rng) {
  const int32_t per_cluster = options.items / options.clusters;
  // rank = n * u^3 puts most draws on the first ranks: a long tail of rarely seen items.
  auto skewed = [&](int32_t n) {
    const float u = rng.Uniform();
    return std::min(n - 1, static_cast<int32_t>(static_cast<float>(n) * u * u * u));
  };
  std::vector<uint64_t> pairs;
  pairs.reserve(static_cast<size_t>(options.interactions));
  while (static_cast<int64_t>(pairs.size()) < options.interactions) {
    const size_t sorted = pairs.size();
    while (static_cast<int64_t>(pairs.size()) < options.interactions) {
      const auto user = static_cast<int32_t>(rng.Below(options.users));
      const int32_t cluster = user % options.clusters;
      const int32_t item = rng.Uniform() < options.in_cluster
                               ? cluster + options.clusters * skewed(per_cluster)
                               : skewed(options.items);
      pairs.push_back(Pack(user, item));
    }
    std::sort(pairs.begin() + static_cast<ptrdiff_t>(sorted), pairs.end());
    std::inplace_merge(pairs.begin(), pairs.begin() + static_cast<ptrdiff_t>(sorted), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  }
  return pairs;
}

trainer::CsrMatrix RowsOf(const std::vector<trainer::MatrixEntry>& entries, int32_t rows,
                          int32_t cols) {
  return trainer::CsrMatrix::FromEntries(rows, cols, entries);
}

}  // namespace

ScaleData MakeScaleData(const ScaleOptions& options) {
  ScaleData data;
  for (int32_t u = 0; u < options.users; ++u) data.dataset.users().AddEntity(u);
  for (int32_t i = 0; i < options.items; ++i) data.dataset.items().AddEntity(i);
  trainer::Pcg32 rng(options.seed, 7);
  std::vector<uint64_t> pairs = DistinctPairs(options, rng);

  // Each pair goes to the test part with probability test_fraction; a shuffle of the pairs then
  // gives the train part the random order of a split (the trainer must not rely on input order).
  std::vector<uint8_t> in_test(pairs.size());
  size_t n_test = 0;
  for (uint8_t& flag : in_test) {
    flag = rng.Uniform() < options.test_fraction;
    n_test += flag;
  }
  std::vector<int32_t> test_users;
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (in_test[i] && (test_users.empty() || test_users.back() != UserOf(pairs[i]))) {
      test_users.push_back(UserOf(pairs[i]));
    }
  }
  for (size_t i = test_users.size(); i > 1; --i) {
    std::swap(test_users[i - 1], test_users[rng.Below(static_cast<uint32_t>(i))]);
  }
  test_users.resize(std::min(test_users.size(), static_cast<size_t>(options.test_users)));
  std::vector<uint8_t> sampled(static_cast<size_t>(options.users), 0);
  for (int32_t user : test_users) sampled[user] = 1;

  trainer::Interactions& train = data.train;
  train.n_users = options.users;
  train.n_items = options.items;
  const size_t n_train = pairs.size() - n_test;
  train.users.resize(n_train);
  train.items.resize(n_train);
  train.values.assign(n_train, 1.0f);
  train.weights.assign(n_train, 1.0f);
  std::vector<trainer::MatrixEntry> test_entries, train_entries;
  size_t t = 0;
  for (size_t i = 0; i < pairs.size(); ++i) {
    const int32_t user = UserOf(pairs[i]);
    const int32_t item = ItemOf(pairs[i]);
    if (sampled[user]) (in_test[i] ? test_entries : train_entries).push_back({user, item, 1.0f});
    if (in_test[i]) continue;
    train.users[t] = user;
    train.items[t] = item;
    ++t;
  }
  pairs = {};
  in_test = {};
  for (size_t i = n_train; i > 1; --i) {
    const size_t j = rng.Below(static_cast<uint32_t>(i));
    std::swap(train.users[i - 1], train.users[j]);
    std::swap(train.items[i - 1], train.items[j]);
  }
  data.test = RowsOf(test_entries, options.users, options.items);
  data.train_of_test_users = RowsOf(train_entries, options.users, options.items);
  return data;
}

}  // namespace vitrina::bench
