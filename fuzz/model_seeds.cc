// Writes the model_file fuzzer's seeds: tiny models trained by the current trainer, so the seeds
// always carry the current format version. Usage: fuzz_model_seeds <folder>
#include <cstdio>
#include <string>
#include <vector>

#include "trainer/model_file.h"

namespace {

using namespace vitrina::trainer;

struct SeedSpec {
  const char* name;
  LearningSchedule schedule;
  bool item_features;
  bool consumed;
  bool fitted;
};

absl::Status WriteSeed(const SeedSpec& spec, const std::string& folder) {
  Dataset dataset(/*user_identity_features=*/true, /*item_identity_features=*/true, /*normalize_features=*/true);
  for (int64_t user : {11, 12, 13}) dataset.users().AddEntity(user);
  for (int64_t item : {101, 102, 103, 104}) dataset.items().AddEntity(item);
  if (spec.item_features) {
    const std::vector<WeightedFeature> drama = {{"genre:drama", 1.0f}, {"creator:7", 0.5f}};
    const std::vector<WeightedFeature> comedy = {{"genre:comedy", 1.0f}};
    if (absl::Status s = dataset.items().SetFeatures(101, drama); !s.ok()) return s;
    if (absl::Status s = dataset.items().SetFeatures(103, comedy); !s.ok()) return s;
  }
  const std::vector<Interaction> seen = {{11, 101}, {11, 102}, {12, 103}, {13, 104}, {13, 101}};
  absl::StatusOr<Interactions> train = dataset.BuildInteractions(seen);
  if (!train.ok()) return train.status();

  Hyperparameters hp;
  hp.no_components = 2;
  hp.loss = LossKind::kWarp;
  hp.learning_schedule = spec.schedule;
  absl::StatusOr<Model> model = Model::Create(hp);
  if (!model.ok()) return model.status();
  if (spec.fitted) {
    if (absl::Status s = model->Fit(dataset, *train, {.epochs = 1}); !s.ok()) return s;
  }
  if (spec.consumed) {
    if (absl::Status s = model->SetConsumedItems(train->ToCsr()); !s.ok()) return s;
  }
  return SaveModel(*model, folder + "/" + spec.name).status();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <folder>\n", argv[0]);
    return 2;
  }
  const SeedSpec specs[] = {
      {"adagrad_identity", LearningSchedule::kAdagrad, false, false, true},
      {"adadelta_features_consumed", LearningSchedule::kAdadelta, true, true, true},
      {"adagrad_features_consumed", LearningSchedule::kAdagrad, true, true, true},
      {"unfitted", LearningSchedule::kAdagrad, false, false, false},
  };
  for (const SeedSpec& spec : specs) {
    if (absl::Status s = WriteSeed(spec, argv[1]); !s.ok()) {
      std::fprintf(stderr, "%s: %s\n", spec.name, std::string(s.message()).c_str());
      return 1;
    }
  }
  return 0;
}
