#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace vitrina::data {

// (user, title, weight) triples as parallel arrays, sorted by user then title.
struct WeightedPairs {
  std::vector<int64_t> user_ids;
  std::vector<int64_t> title_ids;
  std::vector<float> weights;

  size_t size() const { return user_ids.size(); }
};

// (user, title) pairs as parallel arrays, sorted by user then title.
struct IdPairs {
  std::vector<int64_t> user_ids;
  std::vector<int64_t> title_ids;

  size_t size() const { return user_ids.size(); }
};

// Side features ("genre:drama", "creator:7", or a user's own) of users or titles, as parallel
// arrays sorted by owner id.
struct FeatureTriples {
  std::vector<int64_t> owner_ids;
  std::vector<std::string> features;
  std::vector<float> weights;

  size_t size() const { return owner_ids.size(); }
};

struct TitlePopularity {
  int64_t title_id = 0;
  double score = 0;
};

// What a preparation read and did, logged at info. Every interaction read is either kept or
// dropped by exactly one rule: interactions_read == interactions_kept + sum(dropped).
struct DatasetStats {
  int64_t interactions_read = 0;
  int64_t interactions_kept = 0;
  // By rule: future, unknown_type, unknown_title, unavailable_title, blacklisted_title, too_old,
  // not_positive, min_user_interactions, min_title_interactions.
  std::map<std::string, int64_t> dropped;
  // Which type names were unknown, and how often (the catalog may have grown a new type).
  std::map<std::string, int64_t> unknown_types;
  int64_t users = 0;   // with at least one positive pair
  int64_t titles = 0;  // with at least one positive pair
  int64_t pairs = 0;   // positive (user, title) pairs
  // Newest interaction timestamp read (0 when none): the `since` of the next incremental run.
  int64_t watermark = 0;
};

// The training set in the catalog's int64 ids, ready for the trainer's own id mapping.
struct PreparedDataset {
  WeightedPairs positives;
  // Every (user, title) pair the user interacted with through a known type on a known, available,
  // non-blacklisted title, positive or not, old or recent: what the answers exclude as seen.
  IdPairs consumed;
  // Features of every available, non-blacklisted title of the catalog (weight 1 each), including
  // titles nobody interacted with yet: the model places them by their features.
  FeatureTriples title_features;
  FeatureTriples user_features;
  // Titles by decreasing positive weight within the popularity window (ties by id).
  std::vector<TitlePopularity> popularity;
  DatasetStats stats;
};

}  // namespace vitrina::data
