#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "absl/status/statusor.h"
#include "data/data_source.h"
#include "data/preparation_config.h"
#include "data/prepared_dataset.h"

namespace vitrina::data {

// True for a title that must never be trained on or recommended. An empty function blacklists
// nothing. Called once per title of the catalog, not per interaction.
using TitlePredicate = std::function<bool(int64_t title_id)>;

// No interaction is too new: what tools preparing a file use.
inline constexpr int64_t kNoNewestTimestamp = std::numeric_limits<int64_t>::max();

// Builds the full training set: reads interaction types, titles, users and every interaction of
// `source`, adds `hot_interactions` (recorded by the server and maybe not yet in the catalog), and
// applies, in this order, per interaction: future (dated after `as_of`, the time the training
// started: left for a later training, so that a wrong clock or a typo in a year can never move
// the watermark, and the time windows measured from it, past `as_of`), unknown type, unknown title, unavailable title,
// blacklisted title, too old (max_age_days before the watermark), not positive (under the type's
// min_value); then sums the weights of each (user, title) pair up to max_pair_weight, and drops
// pairs of users and titles under the minimum counts until stable.
absl::StatusOr<PreparedDataset> PrepareDataset(
    DataSource& source, const std::vector<InteractionRecord>& hot_interactions,
    const PreparationConfig& config, const TitlePredicate& is_blacklisted, int64_t as_of = kNoNewestTimestamp);

// The increment after `since_timestamp` (a previous stats.watermark), for a partial fit: only the
// interactions newer than it, from the source and from `hot_interactions`, with the same rules,
// but without the minimum counts (an increment is small by nature and its users are mostly known
// to the model). Features are complete; popularity and consumed pairs cover the increment only.
// stats.watermark stays `since_timestamp` when nothing newer exists.
absl::StatusOr<PreparedDataset> PrepareIncrementalDataset(
    DataSource& source, const std::vector<InteractionRecord>& hot_interactions,
    const PreparationConfig& config, const TitlePredicate& is_blacklisted, int64_t since_timestamp,
    int64_t as_of = kNoNewestTimestamp);

}  // namespace vitrina::data
