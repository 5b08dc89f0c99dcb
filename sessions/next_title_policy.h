#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "blacklist/blacklist_snapshot.h"
#include "data/prepared_dataset.h"
#include "serving/candidate.h"
#include "serving/hnsw_index.h"
#include "sessions/creator_index.h"
#include "sessions/next_title_model.h"
#include "sessions/personal_list_cache.h"
#include "sessions/policy_spec.h"
#include "sessions/session_state.h"
#include "trainer/model.h"

namespace vitrina::sessions {

struct NextTitleRequest {
  int64_t user_id = 0;  // 0 is a valid id (catalogs that count from 0)
  std::string session_id;
  std::optional<int64_t> previous_title_id;  // unset on a session's first call
  std::optional<double> consumed;            // share of the previous title consumed, 0..1
  int k = 1;
  std::vector<int64_t> exclude_title_ids;
  // The request's attribute filter (genres, creators), a hard constraint like exclude_title_ids:
  // the last resorts keep to it too. Null: none. Must outlive the call.
  const serving::CandidateFilter* attributes = nullptr;
};

struct NextTitleAnswer {
  // Each with the source that produced it and the probability with which the policy chose it
  // (the product of the exploration draw's and the pick's chances; 1 for deterministic choices).
  std::vector<serving::Candidate> items;
  // The rule that chose the first item ("explore", "skip", "like", "ranked", "fallback"...).
  // When the rules find too few admissible titles, the last resorts: "relaxed" (the most popular
  // titles not shown in the session, the creator cap, tired buffers and seen filter set aside),
  // then "replay" (titles the session showed, the one shown longest ago first). "none" only when
  // the catalog has no title to give at all (nothing available and not blacklisted).
  std::string branch;
};

// What the served model provides to every policy, immutable during a call.
struct PolicyInputs {
  const trainer::Model& model;
  const CreatorIndex& creators;
  std::span<const data::TitlePopularity> popular;  // most popular first
  const NextTitleModel& next_titles;
  const blacklist::BlacklistSnapshot* blacklist = nullptr;  // none: nothing is blacklisted
  // The model's personal lists kept between calls (none: computed on every call).
  const PersonalListCache* personal_lists = nullptr;
  // The model's HNSW graph of title vectors (ModelAnnIndex::personal), when it has one: a new
  // user's list then starts as the graph's first cut (PersonalListSource). None: exact lists.
  const serving::HnswIndex* personal_graph = nullptr;
};

// One configured policy (a PolicySpec): the entry point of a next-title call. Next reads and
// changes only `state` (load it from a SessionStore before, save state.delta() after), and draws
// its random numbers from CallRng(seed, user, session, step), so the same call gives the same
// answer.
class NextTitlePolicy {
 public:
  static constexpr int kMaxK = 100;

  NextTitlePolicy(PolicySpec spec, uint64_t seed) : spec_(std::move(spec)), seed_(seed) {}

  const std::string& name() const { return spec_.name; }
  const PolicySpec& spec() const { return spec_; }

  // InvalidArgument (naming the field) for a bad request; an error of the model otherwise.
  absl::StatusOr<NextTitleAnswer> Next(const NextTitleRequest& request, const PolicyInputs& inputs,
                                       SessionState& state) const;

 private:
  PolicySpec spec_;
  uint64_t seed_;
};

}  // namespace vitrina::sessions
