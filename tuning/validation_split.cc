#include "tuning/validation_split.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "common/status_macros.h"
#include "fmt/format.h"
#include "trainer/random.h"

namespace vitrina::tuning {

absl::StatusOr<ValidationSplit> SplitPerUser(const trainer::Interactions& train, double fraction,
                                             uint64_t seed, int max_per_user) {
  if (!(fraction > 0 && fraction < 1)) {
    return absl::InvalidArgumentError(
        fmt::format("validation fraction must be in (0, 1) (got {})", fraction));
  }
  if (max_per_user < 0) {
    return absl::InvalidArgumentError(
        fmt::format("validation max_per_user must be >= 0 (got {})", max_per_user));
  }
  RETURN_IF_ERROR(train.Validate());
  std::vector<std::vector<int32_t>> positives(train.n_users);
  for (size_t e = 0; e < train.size(); ++e) {
    if (train.values[e] > 0) positives[train.users[e]].push_back(train.items[e]);
  }
  auto pair_key = [](int32_t user, int32_t item) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(user)) << 32u) | static_cast<uint32_t>(item);
  };
  absl::flat_hash_set<uint64_t> held_out;
  for (int32_t user = 0; user < train.n_users; ++user) {
    std::vector<int32_t>& items = positives[user];
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
    if (items.size() < 2) continue;
    auto n_held = std::clamp<size_t>(
        static_cast<size_t>(std::lround(fraction * static_cast<double>(items.size()))), 1,
        items.size() - 1);
    if (max_per_user > 0) n_held = std::min(n_held, static_cast<size_t>(max_per_user));
    // Each user's own stream: the split of one user does not depend on the others'.
    trainer::Pcg32 rng(seed, static_cast<uint64_t>(user));
    for (size_t i = 0; i < n_held; ++i) {  // partial Fisher-Yates
      const size_t j = i + rng.Below(static_cast<uint32_t>(items.size() - i));
      std::swap(items[i], items[j]);
      held_out.insert(pair_key(user, items[i]));
    }
  }
  ValidationSplit split;
  for (trainer::Interactions* part : {&split.fit, &split.validation}) {
    part->n_users = train.n_users;
    part->n_items = train.n_items;
  }
  for (size_t e = 0; e < train.size(); ++e) {
    trainer::Interactions& part =
        held_out.contains(pair_key(train.users[e], train.items[e])) ? split.validation : split.fit;
    part.Add(train.users[e], train.items[e], train.values[e], train.weights[e]);
  }
  return split;
}

}  // namespace vitrina::tuning
