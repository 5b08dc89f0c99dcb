#include "serving/feature_users.h"

#include <algorithm>

#include "common/stable_hash.h"
#include "serving/feature_placement.h"

namespace vitrina::serving {

FeatureUsers FeatureUsers::Build(const trainer::Model& model, std::span<const data::UserRecord> users) {
  FeatureUsers built;
  for (const data::UserRecord& user : users) built.Place(model, user);
  return built;
}

bool FeatureUsers::Place(const trainer::Model& model, const data::UserRecord& user) {
  if (model.UserIndex(user.id) || index_of_.contains(user.id)) return false;
  const trainer::FeatureSpace& space = model.dataset().users();
  std::vector<int32_t> known;
  for (const std::string& name : user.features) {
    if (std::optional<int32_t> feature = space.FeatureIndex(name)) known.push_back(*feature);
  }
  std::sort(known.begin(), known.end());
  known.erase(std::unique(known.begin(), known.end()), known.end());
  if (known.empty()) return false;
  Placed placed{.begin = static_cast<int32_t>(features_.size()), .end = 0, .digest = 0};
  StableHash digest;
  for (int32_t feature : known) {
    features_.push_back(feature);
    digest.Int32(feature);
  }
  placed.end = static_cast<int32_t>(features_.size());
  placed.digest = digest.value();
  index_of_.emplace(user.id, placed);
  return true;
}

std::optional<std::vector<float>> FeatureUsers::Row(const trainer::Model& model, int64_t user_id) const {
  auto found = index_of_.find(user_id);
  if (found == index_of_.end()) return std::nullopt;
  const std::span<const int32_t> features(features_.data() + found->second.begin,
                                          static_cast<size_t>(found->second.end - found->second.begin));
  FeaturePlacement placed = PlaceByFeatures(model.state().users, features, model.dataset().normalize_features());
  // [embedding, 1, bias], as trainer::ServingIndex lays out users.
  std::vector<float> row = std::move(placed.embedding);
  row.push_back(1.0f);
  row.push_back(placed.bias);
  return row;
}

uint64_t FeatureUsers::FeaturesDigest(int64_t user_id) const {
  auto found = index_of_.find(user_id);
  return found == index_of_.end() ? 0 : found->second.digest;
}

}  // namespace vitrina::serving
