#include "tests/serving/tiny_model.h"

#include <gtest/gtest.h>

#include "trainer/csr_matrix.h"

namespace vitrina::serving::testing {
namespace {

void WriteRow(trainer::EmbeddingTable& table, int32_t feature, const std::vector<float>& vector) {
  float* row = table.Row(feature);
  std::fill(row, row + table.stride, 0.0f);
  std::copy(vector.begin(), vector.end(), row);
}

}  // namespace

trainer::Model MakeTinyModel(const TinyModelSpec& spec) {
  trainer::Hyperparameters hyperparameters;
  hyperparameters.no_components = spec.components;
  trainer::Dataset dataset(true, true, /*normalize_features=*/false);
  for (int64_t user : spec.user_ids) {
    std::vector<trainer::WeightedFeature> features;
    if (auto found = spec.user_features.find(user); found != spec.user_features.end()) {
      for (const std::string& name : found->second) features.push_back({name, 1.0f});
    }
    EXPECT_TRUE(dataset.users().SetFeatures(user, features).ok());
  }
  for (int64_t title : spec.title_ids) {
    std::vector<trainer::WeightedFeature> features;
    if (auto found = spec.creators.find(title); found != spec.creators.end()) {
      for (const std::string& creator : found->second) features.push_back({"creator:" + creator, 1.0f});
    }
    if (auto found = spec.genres.find(title); found != spec.genres.end()) {
      for (const std::string& genre : found->second) features.push_back({"genre:" + genre, 1.0f});
    }
    EXPECT_TRUE(dataset.items().SetFeatures(title, features).ok());
  }

  trainer::ModelState state;
  state.hyperparameters = hyperparameters;
  trainer::Pcg32 rng(1, 1);
  state.users.Grow(dataset.users().n_features(), spec.components, hyperparameters.learning_schedule, rng);
  state.items.Grow(dataset.items().n_features(), spec.components, hyperparameters.learning_schedule, rng);
  for (int32_t feature = 0; feature < dataset.users().n_features(); ++feature) {
    const std::string& name = dataset.users().feature_names()[feature];
    if (!name.empty()) WriteRow(state.users, feature, spec.user_feature_vectors.at(name));
  }
  const trainer::CsrMatrix user_features = *dataset.users().BuildFeatureMatrix(false);
  for (size_t u = 0; u < spec.user_ids.size(); ++u) {
    for (int32_t column : user_features.RowIndices(static_cast<int32_t>(u))) {
      if (dataset.users().feature_names()[column].empty()) WriteRow(state.users, column, spec.user_vectors[u]);
    }
  }
  // Identity features come first in each entity's order of appearance; look each one up by name
  // instead of assuming it: a title's identity feature is the one without a name.
  for (int32_t feature = 0; feature < dataset.items().n_features(); ++feature) {
    const std::string& name = dataset.items().feature_names()[feature];
    if (name.rfind("creator:", 0) == 0) WriteRow(state.items, feature, spec.creator_vectors.at(name.substr(8)));
    if (name.rfind("genre:", 0) == 0) WriteRow(state.items, feature, std::vector<float>(spec.components, 0.0f));
  }
  trainer::CsrMatrix features = *dataset.items().BuildFeatureMatrix(false);
  for (size_t t = 0; t < spec.title_ids.size(); ++t) {
    // The identity feature is the row's one column with an empty name.
    for (int32_t column : features.RowIndices(static_cast<int32_t>(t))) {
      if (dataset.items().feature_names()[column].empty()) WriteRow(state.items, column, spec.title_vectors[t]);
    }
  }
  std::vector<trainer::MatrixEntry> consumed;
  for (const auto& [user, titles] : spec.consumed) {
    for (int64_t title : titles) {
      consumed.push_back({*dataset.users().ids().Find(user), *dataset.items().ids().Find(title), 1.0f});
    }
  }
  state.dataset = std::move(dataset);
  absl::StatusOr<trainer::Model> model = trainer::Model::FromState(std::move(state));
  EXPECT_TRUE(model.ok()) << model.status().message();
  const int32_t n_users = model->n_users();
  const int32_t n_items = model->n_items();
  EXPECT_TRUE(model->SetConsumedItems(trainer::CsrMatrix::FromEntries(n_users, n_items, std::move(consumed))).ok());
  return *std::move(model);
}

}  // namespace vitrina::serving::testing
