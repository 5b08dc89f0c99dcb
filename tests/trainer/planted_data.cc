#include "tests/trainer/planted_data.h"

#include <algorithm>
#include <set>

#include "trainer/evaluation.h"
#include "trainer/random.h"

namespace vitrina::trainer::testing {

PlantedData MakePlantedData(const PlantedOptions& options) {
  PlantedData data;
  Pcg32 rng(options.seed, 1);
  for (int u = 0; u < options.users; ++u) {
    data.dataset.users().AddEntity(1000 + u);
    data.user_cluster.push_back(u % options.clusters);
  }
  for (int i = 0; i < options.items; ++i) {
    data.dataset.items().AddEntity(50000 + i);
    data.item_cluster.push_back(i % options.clusters);
  }
  std::vector<Interaction> train;
  std::vector<Interaction> test;
  const int per_cluster = options.items / options.clusters;
  for (int u = 0; u < options.users; ++u) {
    const int cluster = data.user_cluster[u];
    std::set<int> positives;
    while (static_cast<int>(positives.size()) < options.positives_per_user) {
      const bool inside = rng.Uniform() < options.in_cluster;
      const int item = inside
                           ? cluster + options.clusters * static_cast<int>(rng.Below(per_cluster))
                           : static_cast<int>(rng.Below(options.items));
      positives.insert(item);
    }
    std::vector<int> shuffled(positives.begin(), positives.end());
    for (size_t i = shuffled.size(); i > 1; --i) std::swap(shuffled[i - 1], shuffled[rng.Below(i)]);
    const auto n_test =
        static_cast<size_t>(options.test_fraction * static_cast<double>(shuffled.size()));
    for (size_t i = 0; i < shuffled.size(); ++i) {
      (i < n_test ? test : train).push_back({1000 + u, 50000 + shuffled[i], 1.0f, 1.0f});
    }
    for (int n = 0; n < options.negatives_per_user; ++n) {
      const int item = static_cast<int>(rng.Below(options.items));
      if (data.item_cluster[item] != cluster && !positives.count(item)) {
        train.push_back({1000 + u, 50000 + item, -1.0f, 1.0f});
      }
    }
  }
  data.train = *data.dataset.BuildInteractions(train);
  data.test = *data.dataset.BuildInteractions(test);
  return data;
}

double TestAuc(const Model& model, const PlantedData& data) {
  const CsrMatrix train = data.train.ToCsr();
  const absl::StatusOr<EvaluationSummary> summary =
      Evaluate(model, data.test.ToCsr(), {.train = &train});
  return summary.ok() ? summary->auc : -1.0;
}

}  // namespace vitrina::trainer::testing
