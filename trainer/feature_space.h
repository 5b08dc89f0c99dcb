#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "trainer/csr_matrix.h"
#include "trainer/id_map.h"

namespace vitrina::trainer {

// A named side feature of an entity, e.g. {"genre:drama", 1} or {"creator:42", 0.5}.
struct WeightedFeature {
  std::string name;
  float weight = 1.0f;
};

// One side (users or items) of LightFM's Dataset: the entities' external ids, the feature index
// space and each entity's features. As in LightFM, with identity features on every entity owns a
// feature of its own (its row in the embedding table), appended when the entity first appears;
// named features are appended when first seen, so indices never move when the space grows.
class FeatureSpace {
 public:
  explicit FeatureSpace(bool identity_features = true) : identity_features_(identity_features) {}

  // The entity's index, appended (with its identity feature) when new.
  int32_t AddEntity(int64_t id);
  // Adds the entity if needed and replaces its side features; unseen names become new features.
  absl::Status SetFeatures(int64_t id, std::span<const WeightedFeature> features);

  const IdMap& ids() const { return ids_; }
  int32_t n_entities() const { return ids_.size(); }
  int32_t n_features() const { return static_cast<int32_t>(feature_names_.size()); }
  bool identity_features() const { return identity_features_; }
  std::optional<int32_t> FeatureIndex(std::string_view name) const;
  // Empty for an identity feature.
  const std::vector<std::string>& feature_names() const { return feature_names_; }
  // Entity x feature weights of the named features only (no identity column), unnormalised.
  CsrMatrix SideFeatureMatrix() const;

  // n_entities x n_features: identity weight 1 plus the side features; with `normalize` each row is
  // divided by its L1 norm (LightFM's build_*_features(normalize=True)). An entity with no feature
  // at all cannot be normalised: InvalidArgument naming it.
  absl::StatusOr<CsrMatrix> BuildFeatureMatrix(bool normalize) const;

  // True when this space is `older` plus appended entities and features: every index of `older`
  // still means the same entity and feature here.
  bool Extends(const FeatureSpace& older) const;

  // Rebuilds a space from its serialised parts (see MODEL_FORMAT.md); InvalidArgument when they
  // disagree.
  static absl::StatusOr<FeatureSpace> FromParts(bool identity_features, std::vector<int64_t> ids,
                                                std::vector<std::string> feature_names,
                                                const CsrMatrix& side_features);

 private:
  struct FeatureEntry {
    int32_t feature;
    float weight;
  };

  int32_t AddFeatureName(const std::string& name);

  bool identity_features_;
  IdMap ids_;
  std::vector<std::string> feature_names_;
  absl::flat_hash_map<std::string, int32_t> feature_by_name_;
  std::vector<int32_t> identity_feature_;  // per entity; -1 without identity features
  std::vector<std::vector<FeatureEntry>> side_features_;  // per entity
};

}  // namespace vitrina::trainer
