#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "data/data_source.h"
#include "data/preparation_config.h"
#include "data/records.h"

namespace vitrina::data {

// What the next-title model learns from: "title B followed title A", from each user's events in
// time order, cut into sessions by an idle gap.
struct TitleTransitionConfig {
  // A pause longer than this between two events of a user starts a new session; no transition
  // crosses it.
  int64_t session_gap_seconds = 30 * 60;
  // The type whose value is the consumed share (0..1) of a title: it weighs the transition into
  // that title as is. Other types weigh by the preparation rules (weight, min_value, scale_by_value).
  std::string play_type = "play";
  // Share of the sessions whose last transition is held out for evaluation.
  double holdout_fraction = 0.2;
};

struct TitleTransition {
  int64_t previous_title_id = 0;
  int64_t next_title_id = 0;
  float weight = 0;  // of the next title's event (consumed share, or the type's rule)
  bool operator==(const TitleTransition&) const = default;
};

struct TitleTransitions {
  std::vector<TitleTransition> train;
  std::vector<TitleTransition> test;  // the last transition of sampled sessions
  int64_t events = 0;                 // events that entered a session
  int64_t sessions = 0;               // with at least one transition
  int64_t watermark = 0;              // newest event time used
};

// How much an event says its title was wanted: nullopt keeps it out of the sequences altogether
// (unknown type, title not eligible), 0 keeps it in the sequence without a transition into it.
using EventWeight = std::function<std::optional<float>(const InteractionRecord&)>;

// Orders each user's events by time (ties by title id; events without a time, 0, are left out),
// cuts sessions at gaps over config.session_gap_seconds, and forms (previous -> next) transitions
// between consecutive distinct titles whose next event weighs more than 0. The last transition of
// a seeded sample (holdout_fraction) of the sessions goes to `test`, the rest to `train`.
TitleTransitions SplitTitleTransitions(std::vector<InteractionRecord> events, const EventWeight& weight,
                                       const TitleTransitionConfig& config, uint64_t seed);

// The same over a data source's interactions plus `hot` (recorded by the server), up to `as_of`,
// weighed by `preparation`'s rules (the catalog's type weights where a rule leaves it unset) and
// `config.play_type`, keeping only events on `eligible` titles.
absl::StatusOr<TitleTransitions> ReadTitleTransitions(DataSource& source, const std::vector<InteractionRecord>& hot,
                                                      const PreparationConfig& preparation,
                                                      const TitleTransitionConfig& config,
                                                      const std::function<bool(int64_t)>& eligible, int64_t as_of,
                                                      uint64_t seed);

}  // namespace vitrina::data
