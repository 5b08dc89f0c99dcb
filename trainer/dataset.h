#pragma once

#include <cstdint>
#include <span>

#include "absl/status/statusor.h"
#include "trainer/feature_space.h"
#include "trainer/interactions.h"

namespace vitrina::trainer {

// One observed interaction in external ids, e.g. a rating or a view.
struct Interaction {
  int64_t user_id = 0;
  int64_t item_id = 0;
  float value = 1.0f;
  float weight = 1.0f;
};

// LightFM's Dataset: the user and item id maps and feature spaces, and the builder of the
// interaction matrix. A model keeps the dataset it was trained on; to train on new users, items or
// features, copy the model's dataset, add to it, and fit_partial with the copy.
class Dataset {
 public:
  explicit Dataset(bool user_identity_features = true, bool item_identity_features = true,
                   bool normalize_features = true)
      : users_(user_identity_features),
        items_(item_identity_features),
        normalize_features_(normalize_features) {}
  Dataset(FeatureSpace users, FeatureSpace items, bool normalize_features)
      : users_(std::move(users)),
        items_(std::move(items)),
        normalize_features_(normalize_features) {}

  FeatureSpace& users() { return users_; }
  FeatureSpace& items() { return items_; }
  const FeatureSpace& users() const { return users_; }
  const FeatureSpace& items() const { return items_; }
  bool normalize_features() const { return normalize_features_; }

  // Translates external ids to indices; an id the dataset does not know is InvalidArgument
  // (add the users and items first, as LightFM's fit() must be called first).
  absl::StatusOr<Interactions> BuildInteractions(std::span<const Interaction> interactions) const;

  bool Extends(const Dataset& older) const {
    return normalize_features_ == older.normalize_features_ && users_.Extends(older.users_) &&
           items_.Extends(older.items_);
  }

 private:
  FeatureSpace users_;
  FeatureSpace items_;
  bool normalize_features_;
};

}  // namespace vitrina::trainer
