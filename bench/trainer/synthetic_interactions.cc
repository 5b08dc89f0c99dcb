#include "bench/trainer/synthetic_interactions.h"

#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "trainer/random.h"

namespace vitrina::bench {

SyntheticData MakeSyntheticData(const SyntheticOptions& options) {
  SyntheticData data;
  for (int32_t u = 0; u < options.users; ++u) data.dataset.users().AddEntity(u);
  for (int32_t i = 0; i < options.items; ++i) data.dataset.items().AddEntity(i);
  data.interactions.n_users = options.users;
  data.interactions.n_items = options.items;

  trainer::Pcg32 rng(options.seed, 7);
  const int32_t per_cluster = options.items / options.clusters;
  // rank = n * u^3 puts most draws on the first ranks: a long tail of rarely seen items.
  auto skewed = [&](int32_t n) {
    const float u = rng.Uniform();
    return std::min(n - 1, static_cast<int32_t>(static_cast<float>(n) * u * u * u));
  };
  absl::flat_hash_set<int64_t> seen;
  seen.reserve(options.interactions);
  while (static_cast<int64_t>(data.interactions.size()) < options.interactions) {
    const auto user = static_cast<int32_t>(rng.Below(options.users));
    const int32_t cluster = user % options.clusters;
    const int32_t item = rng.Uniform() < options.in_cluster
                             ? cluster + options.clusters * skewed(per_cluster)
                             : skewed(options.items);
    if (seen.insert(static_cast<int64_t>(user) * options.items + item).second) {
      data.interactions.Add(user, item, 1.0f);
    }
  }
  return data;
}

}  // namespace vitrina::bench
