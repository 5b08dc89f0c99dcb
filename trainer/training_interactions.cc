#include "trainer/training_interactions.h"

#include <algorithm>
#include <tuple>

namespace vitrina::trainer {
namespace {

bool AllOnes(const std::vector<float>& values) {
  return std::all_of(values.begin(), values.end(), [](float v) { return v == 1.0f; });
}

}  // namespace

TrainingInteractions TrainingInteractions::FromInteractions(const Interactions& interactions) {
  TrainingInteractions grouped;
  grouped.n_users = interactions.n_users;
  grouped.n_items = interactions.n_items;
  const size_t n = interactions.size();
  const bool keep_values = !AllOnes(interactions.values);
  const bool keep_weights = !AllOnes(interactions.weights);

  // Counting sort by user: one pass counts, one scatters into place.
  std::vector<int64_t>& offsets = grouped.offsets;
  offsets.assign(static_cast<size_t>(interactions.n_users) + 1, 0);
  for (int32_t user : interactions.users) ++offsets[static_cast<size_t>(user) + 1];
  for (int32_t u = 0; u < interactions.n_users; ++u) offsets[u + 1] += offsets[u];
  std::vector<int64_t> next(offsets.begin(), offsets.end() - 1);
  grouped.items.resize(n);
  if (keep_values) grouped.values.resize(n);
  if (keep_weights) grouped.weights.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t at = next[interactions.users[i]]++;
    grouped.items[at] = interactions.items[i];
    if (keep_values) grouped.values[at] = interactions.values[i];
    if (keep_weights) grouped.weights[at] = interactions.weights[i];
  }
  next = {};

  // Sorts each user's items (for the lookup), carrying values and weights along when kept.
  std::vector<std::tuple<int32_t, float, float>> row;
  for (int32_t u = 0; u < interactions.n_users; ++u) {
    const int64_t begin = offsets[u];
    const int64_t end = offsets[u + 1];
    if (!keep_values && !keep_weights) {
      std::sort(grouped.items.begin() + begin, grouped.items.begin() + end);
      continue;
    }
    row.clear();
    for (int64_t i = begin; i < end; ++i) {
      row.emplace_back(grouped.items[i], grouped.Value(i), grouped.Weight(i));
    }
    // Stable: duplicates of a pair keep their input order, so the result depends on nothing else.
    std::stable_sort(row.begin(), row.end(), [](const auto& a, const auto& b) {
      return std::get<0>(a) < std::get<0>(b);
    });
    for (int64_t i = begin; i < end; ++i) {
      const auto& [item, value, weight] = row[static_cast<size_t>(i - begin)];
      grouped.items[i] = item;
      if (keep_values) grouped.values[i] = value;
      if (keep_weights) grouped.weights[i] = weight;
    }
  }
  return grouped;
}

}  // namespace vitrina::trainer
