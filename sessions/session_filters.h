#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "serving/candidate_filter.h"
#include "sessions/creator_index.h"
#include "sessions/session_state.h"
#include "trainer/model.h"

namespace vitrina::sessions {

// Rejects titles this session has shown already (no repeats).
class NoRepeatsFilter final : public serving::CandidateFilter {
 public:
  explicit NoRepeatsFilter(const SessionState& state) : state_(state) {}
  bool Rejects(int64_t title_id) const override { return state_.WasShown(title_id); }

 private:
  const SessionState& state_;
};

// Rejects titles by a creator the session has shown `cap` titles of already. A source may ask it
// about a thousand titles in one call (every title of a creator), so it keeps the capped creators'
// ids, recomputed only when the session's counts changed (a pick during the call): a title then
// costs its id lookup and a comparison of a few integers, nothing when no creator is capped. For
// one call on one thread, like the SessionState it reads.
class CreatorCapFilter final : public serving::CandidateFilter {
 public:
  CreatorCapFilter(const CreatorIndex& creators, const SessionState& state, int cap)
      : creators_(creators), state_(state), cap_(cap) {}
  bool Rejects(int64_t title_id) const override;

 private:
  const std::vector<int32_t>& CappedCreators() const;  // sorted ids

  const CreatorIndex& creators_;
  const SessionState& state_;
  int cap_;
  mutable std::optional<int64_t> capped_revision_;  // the state's revision capped_ was made from
  mutable std::vector<int32_t> capped_;
};

// Rejects the titles in the session's tired-titles buffer and the titles of its tired creators.
class TiredFilter final : public serving::CandidateFilter {
 public:
  TiredFilter(const CreatorIndex& creators, const SessionState& state) : creators_(creators), state_(state) {}
  bool Rejects(int64_t title_id) const override;

 private:
  const CreatorIndex& creators_;
  const SessionState& state_;
};

// Rejects titles the served model does not hold: unavailable titles are left out of every
// training (data preparation drops them), so the model's catalog is the available one.
class AvailabilityFilter final : public serving::CandidateFilter {
 public:
  explicit AvailabilityFilter(const trainer::Model& model) : model_(model) {}
  bool Rejects(int64_t title_id) const override { return !model_.ItemIndex(title_id).has_value(); }

 private:
  const trainer::Model& model_;
};

}  // namespace vitrina::sessions
