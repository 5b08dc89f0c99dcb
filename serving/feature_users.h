#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "data/records.h"
#include "trainer/model.h"

namespace vitrina::serving {

// Catalog users a served model was not trained on (no positive interaction in its snapshot) but
// whose catalog features it learned from other users, placed as LightFM places any user: the row
// is the weighted sum of the feature embeddings and biases (1/n each when the model's dataset
// normalises, 1 otherwise; such a user has no identity feature). Only the feature indices are
// kept, a few per user, so that a catalog of millions of such users costs megabytes; the row is
// computed per answer (d multiply-adds per feature). A user without a single feature the model
// knows cannot be placed and is left out, and so are the model's own users. Built user by user
// as a catalog is read (Place), immutable once shared.
class FeatureUsers {
 public:
  FeatureUsers() = default;
  static FeatureUsers Build(const trainer::Model& model, std::span<const data::UserRecord> users);

  // Places `user` for `model` when it can (see above); false when it is left out. A user placed
  // before keeps their first features.
  bool Place(const trainer::Model& model, const data::UserRecord& user);

  int32_t size() const { return static_cast<int32_t>(index_of_.size()); }
  bool empty() const { return index_of_.empty(); }
  bool Contains(int64_t user_id) const { return index_of_.contains(user_id); }
  // The user's row in the model's ServingIndex::users() layout, [embedding, 1, bias], from the
  // model this was built for; nullopt for a user not placed.
  std::optional<std::vector<float>> Row(const trainer::Model& model, int64_t user_id) const;
  // A stable digest of the user's features, for cache keys: an answer computed before the user's
  // features changed is not read back after. 0 for a user not placed.
  uint64_t FeaturesDigest(int64_t user_id) const;

 private:
  struct Placed {
    int32_t begin = 0;  // into features_
    int32_t end = 0;
    uint64_t digest = 0;
  };
  absl::flat_hash_map<int64_t, Placed> index_of_;
  std::vector<int32_t> features_;  // sorted per user: indices into the model's user feature space
};

}  // namespace vitrina::serving
