#include "data/prepare_dataset.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "common/status_macros.h"
#include "fmt/format.h"
#include "spdlog/spdlog.h"

namespace vitrina::data {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

struct ResolvedRule {
  double weight = 1;
  std::optional<double> min_value;
  bool scale_by_value = false;
};

enum class TitleState : uint8_t { kEligible, kUnavailable, kBlacklisted };

struct PairKey {
  int64_t user_id;
  int64_t title_id;

  bool operator==(const PairKey&) const = default;
  bool operator<(const PairKey& other) const {
    return std::tie(user_id, title_id) < std::tie(other.user_id, other.title_id);
  }
  template <typename H>
  friend H AbslHashValue(H state, const PairKey& key) {
    return H::combine(std::move(state), key.user_id, key.title_id);
  }
};

// An interaction that passed the per-title checks, kept until the watermark (known only at the
// end of the stream) decides the time windows. A contribution of 0 means "not positive".
struct ScoredInteraction {
  PairKey pair;
  int64_t timestamp;
  float contribution;
};

struct PairWeight {
  double weight = 0;
  int64_t positive_interactions = 0;
};

struct PositivePair {
  PairKey pair;
  PairWeight weight;
};

class Preparation {
 public:
  Preparation(const PreparationConfig& config, const TitlePredicate& is_blacklisted,
              int64_t since_timestamp, int64_t as_of)
      : config_(config), is_blacklisted_(is_blacklisted), since_(since_timestamp), as_of_(as_of) {
    stats_.watermark = since_timestamp;
  }

  absl::StatusOr<PreparedDataset> Run(DataSource& source,
                                      const std::vector<InteractionRecord>& hot_interactions,
                                      bool apply_min_counts) {
    RETURN_IF_ERROR(ResolveRules(source));
    RETURN_IF_ERROR(ReadTitles(source));
    RETURN_IF_ERROR(ReadUsers(source));
    RETURN_IF_ERROR(source.ReadInteractions(since_, [this](const InteractionRecord& record) {
      Score(record);
      return absl::OkStatus();
    }));
    for (const InteractionRecord& record : hot_interactions) {
      if (record.timestamp > ExclusiveLowerBound(since_)) Score(record);
    }
    std::vector<PositivePair> positives = AggregatePairs();
    if (apply_min_counts) positives = KeepDenseCore(std::move(positives));
    Finish(std::move(positives));
    Log(source);
    return std::move(dataset_);
  }

 private:
  absl::Status ResolveRules(DataSource& source) {
    absl::flat_hash_map<std::string, double> catalog_weights;
    RETURN_IF_ERROR(source.ReadInteractionTypes([&](const InteractionTypeRecord& type) {
      if (!std::isfinite(type.weight)) {
        return absl::FailedPreconditionError(
            fmt::format("interaction type '{}' of {} has a weight that is not a number", type.name,
                        source.Name()));
      }
      catalog_weights[type.name] = type.weight;
      return absl::OkStatus();
    }));
    for (const auto& [name, weight] : catalog_weights) rules_[name].weight = weight;
    for (const auto& [name, rule] : config_.interaction_rules) {
      ResolvedRule& resolved = rules_[name];
      if (rule.weight) resolved.weight = *rule.weight;
      resolved.min_value = rule.min_value;
      resolved.scale_by_value = rule.scale_by_value;
    }
    return absl::OkStatus();
  }

  absl::Status ReadTitles(DataSource& source) {
    std::vector<std::pair<int64_t, std::string>> features;
    RETURN_IF_ERROR(source.ReadTitles([&](const TitleRecord& title) {
      TitleState state = !title.available                               ? TitleState::kUnavailable
                         : is_blacklisted_ && is_blacklisted_(title.id) ? TitleState::kBlacklisted
                                                                        : TitleState::kEligible;
      title_states_[title.id] = state;
      if (state != TitleState::kEligible) return absl::OkStatus();
      for (const std::string& genre : title.genres) {
        features.emplace_back(title.id, fmt::format("genre:{}", genre));
      }
      for (const std::string& creator : title.creators) {
        features.emplace_back(title.id, fmt::format("creator:{}", creator));
      }
      return absl::OkStatus();
    }));
    dataset_.title_features = ToFeatureTriples(std::move(features));
    return absl::OkStatus();
  }

  absl::Status ReadUsers(DataSource& source) {
    std::vector<std::pair<int64_t, std::string>> features;
    RETURN_IF_ERROR(source.ReadUsers([&](const UserRecord& user) {
      for (const std::string& feature : user.features) features.emplace_back(user.id, feature);
      return absl::OkStatus();
    }));
    dataset_.user_features = ToFeatureTriples(std::move(features));
    return absl::OkStatus();
  }

  static FeatureTriples ToFeatureTriples(std::vector<std::pair<int64_t, std::string>> features) {
    std::stable_sort(features.begin(), features.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    FeatureTriples triples;
    triples.owner_ids.reserve(features.size());
    triples.features.reserve(features.size());
    for (auto& [owner_id, feature] : features) {
      triples.owner_ids.push_back(owner_id);
      triples.features.push_back(std::move(feature));
    }
    triples.weights.assign(features.size(), 1.0f);
    return triples;
  }

  void Score(const InteractionRecord& record) {
    ++stats_.interactions_read;
    if (record.timestamp > as_of_) return Drop("future");
    stats_.watermark = std::max(stats_.watermark, record.timestamp);
    auto rule = rules_.find(record.type);
    if (rule == rules_.end()) {
      ++stats_.unknown_types[record.type];
      return Drop("unknown_type");
    }
    auto title = title_states_.find(record.title_id);
    if (title == title_states_.end()) return Drop("unknown_title");
    if (title->second == TitleState::kUnavailable) return Drop("unavailable_title");
    if (title->second == TitleState::kBlacklisted) return Drop("blacklisted_title");

    const ResolvedRule& r = rule->second;
    double contribution = 0;
    if (!r.min_value || record.value >= *r.min_value) {
      contribution = r.scale_by_value ? r.weight * record.value : r.weight;
    }
    scored_.push_back({.pair = {record.user_id, record.title_id},
                       .timestamp = record.timestamp,
                       .contribution = contribution > 0 ? static_cast<float>(contribution) : 0.0f});
  }

  void Drop(const char* rule, int64_t count = 1) { stats_.dropped[rule] += count; }

  // Applies the time windows, sums each pair, and records consumed pairs and popularity.
  std::vector<PositivePair> AggregatePairs() {
    const int64_t oldest_kept = config_.max_age_days > 0
                                    ? stats_.watermark - config_.max_age_days * kSecondsPerDay
                                    : INT64_MIN;
    const int64_t oldest_popular =
        config_.popularity_window_days > 0
            ? stats_.watermark - config_.popularity_window_days * kSecondsPerDay
            : INT64_MIN;
    absl::flat_hash_map<PairKey, PairWeight> pairs;
    absl::flat_hash_map<int64_t, double> popularity;
    for (const ScoredInteraction& interaction : scored_) {
      PairWeight& pair = pairs[interaction.pair];  // consumed even when it does not count
      if (interaction.timestamp < oldest_kept) {
        Drop("too_old");
      } else if (interaction.contribution <= 0) {
        Drop("not_positive");
      } else {
        pair.weight += interaction.contribution;
        ++pair.positive_interactions;
        if (interaction.timestamp >= oldest_popular) {
          popularity[interaction.pair.title_id] += interaction.contribution;
        }
      }
    }
    scored_ = {};

    std::vector<PairKey> consumed;
    consumed.reserve(pairs.size());
    std::vector<PositivePair> positives;
    for (const auto& [key, weight] : pairs) {
      consumed.push_back(key);
      if (weight.positive_interactions == 0) continue;
      PairWeight capped = weight;
      if (config_.max_pair_weight > 0)
        capped.weight = std::min(capped.weight, config_.max_pair_weight);
      positives.push_back({key, capped});
    }
    std::sort(consumed.begin(), consumed.end());
    dataset_.consumed.user_ids.reserve(consumed.size());
    dataset_.consumed.title_ids.reserve(consumed.size());
    for (const PairKey& key : consumed) {
      dataset_.consumed.user_ids.push_back(key.user_id);
      dataset_.consumed.title_ids.push_back(key.title_id);
    }

    dataset_.popularity.reserve(popularity.size());
    for (const auto& [title_id, score] : popularity)
      dataset_.popularity.push_back({title_id, score});
    std::sort(dataset_.popularity.begin(), dataset_.popularity.end(),
              [](const TitlePopularity& a, const TitlePopularity& b) {
                return a.score != b.score ? a.score > b.score : a.title_id < b.title_id;
              });
    return positives;
  }

  // Drops pairs of users and titles under the minimum counts until none is left under them.
  std::vector<PositivePair> KeepDenseCore(std::vector<PositivePair> positives) {
    if (config_.min_user_interactions <= 1 && config_.min_title_interactions <= 1) {
      return positives;
    }
    bool dropped_any = true;
    while (dropped_any) {
      absl::flat_hash_map<int64_t, int> per_user;
      absl::flat_hash_map<int64_t, int> per_title;
      for (const PositivePair& p : positives) {
        ++per_user[p.pair.user_id];
        ++per_title[p.pair.title_id];
      }
      dropped_any = false;
      std::vector<PositivePair> kept;
      kept.reserve(positives.size());
      for (const PositivePair& p : positives) {
        if (per_user[p.pair.user_id] < config_.min_user_interactions) {
          Drop("min_user_interactions", p.weight.positive_interactions);
          dropped_any = true;
        } else if (per_title[p.pair.title_id] < config_.min_title_interactions) {
          Drop("min_title_interactions", p.weight.positive_interactions);
          dropped_any = true;
        } else {
          kept.push_back(p);
        }
      }
      positives = std::move(kept);
    }
    return positives;
  }

  void Finish(std::vector<PositivePair> positives) {
    std::sort(positives.begin(), positives.end(),
              [](const PositivePair& a, const PositivePair& b) { return a.pair < b.pair; });
    WeightedPairs& out = dataset_.positives;
    out.user_ids.reserve(positives.size());
    out.title_ids.reserve(positives.size());
    out.weights.reserve(positives.size());
    absl::flat_hash_set<int64_t> titles;
    for (const PositivePair& p : positives) {
      if (out.user_ids.empty() || out.user_ids.back() != p.pair.user_id) ++stats_.users;
      out.user_ids.push_back(p.pair.user_id);
      out.title_ids.push_back(p.pair.title_id);
      out.weights.push_back(static_cast<float>(p.weight.weight));
      titles.insert(p.pair.title_id);
      stats_.interactions_kept += p.weight.positive_interactions;
    }
    stats_.titles = static_cast<int64_t>(titles.size());
    stats_.pairs = static_cast<int64_t>(positives.size());
    dataset_.stats = stats_;
  }

  void Log(const DataSource& source) const {
    std::vector<std::string> dropped;
    for (const auto& [rule, count] : stats_.dropped)
      dropped.push_back(fmt::format("{} {}", rule, count));
    std::vector<std::string> unknown;
    for (const auto& [type, count] : stats_.unknown_types)
      unknown.push_back(fmt::format("{} {}", type, count));
    spdlog::info(
        "prepared dataset from {}{}: read {} interactions, kept {}, dropped [{}]{}; {} users x {} "
        "titles, {} positive pairs, {} consumed pairs, {} title features; watermark {}",
        source.Name(), since_ > 0 ? fmt::format(" since {}", since_) : "", stats_.interactions_read,
        stats_.interactions_kept, fmt::join(dropped, ", "),
        unknown.empty() ? "" : fmt::format(" (unknown types: {})", fmt::join(unknown, ", ")),
        stats_.users, stats_.titles, stats_.pairs, dataset_.consumed.size(),
        dataset_.title_features.size(), stats_.watermark);
  }

  const PreparationConfig& config_;
  const TitlePredicate& is_blacklisted_;
  const int64_t since_;
  const int64_t as_of_;
  absl::flat_hash_map<std::string, ResolvedRule> rules_;
  absl::flat_hash_map<int64_t, TitleState> title_states_;
  std::vector<ScoredInteraction> scored_;
  DatasetStats stats_;
  PreparedDataset dataset_;
};

}  // namespace

absl::StatusOr<PreparedDataset> PrepareDataset(
    DataSource& source, const std::vector<InteractionRecord>& hot_interactions,
    const PreparationConfig& config, const TitlePredicate& is_blacklisted, int64_t as_of) {
  return Preparation(config, is_blacklisted, 0, as_of).Run(source, hot_interactions, true);
}

absl::StatusOr<PreparedDataset> PrepareIncrementalDataset(
    DataSource& source, const std::vector<InteractionRecord>& hot_interactions,
    const PreparationConfig& config, const TitlePredicate& is_blacklisted,
    int64_t since_timestamp, int64_t as_of) {
  return Preparation(config, is_blacklisted, since_timestamp, as_of).Run(source, hot_interactions, false);
}

}  // namespace vitrina::data
