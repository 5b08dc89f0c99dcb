#include "sessions/next_title_policy.h"

#include <algorithm>
#include <memory>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "common/status_macros.h"
#include "fmt/format.h"
#include "serving/blacklist_filter.h"
#include "serving/excluded_titles_filter.h"
#include "serving/filter_chain.h"
#include "serving/popular_source.h"
#include "serving/ranking.h"
#include "serving/seen_filter.h"
#include "sessions/call_rng.h"
#include "sessions/fatigue.h"
#include "sessions/session_filters.h"
#include "sessions/session_sources.h"

namespace vitrina::sessions {
namespace {

// How deep a source is read for a random pick without a `top` pool.
constexpr int kRandomPool = 1000;

const std::string kRelaxedBranch = "relaxed";
const std::string kReplayBranch = "replay";
constexpr std::string_view kReplaySource = "replay";

// The titles the session has shown, each once, ordered by when it was last shown, oldest first.
std::vector<int64_t> TitlesShownLongestAgoFirst(const SessionState& state) {
  const std::vector<int64_t>& shown = state.shown();
  std::vector<int64_t> titles;
  absl::flat_hash_set<int64_t> later;
  for (auto title = shown.rbegin(); title != shown.rend(); ++title) {
    if (later.insert(*title).second) titles.push_back(*title);
  }
  std::reverse(titles.begin(), titles.end());
  return titles;
}

class AcceptAll final : public serving::CandidateFilter {
 public:
  bool Rejects(int64_t) const override { return false; }
};

absl::Status Validate(const NextTitleRequest& request) {
  if (request.user_id < 0) return absl::InvalidArgumentError("user_id must be a catalog id (0 or more)");
  if (request.k < 1 || request.k > NextTitlePolicy::kMaxK) {
    return absl::InvalidArgumentError(fmt::format("k must be in 1..{}, got {}", NextTitlePolicy::kMaxK, request.k));
  }
  if (request.consumed) {
    if (!(*request.consumed >= 0 && *request.consumed <= 1)) {
      return absl::InvalidArgumentError(fmt::format("consumed must be in [0, 1], got {}", *request.consumed));
    }
    if (!request.previous_title_id) return absl::InvalidArgumentError("consumed needs previous_title_id");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<NextTitleAnswer> NextTitlePolicy::Next(const NextTitleRequest& request, const PolicyInputs& inputs,
                                                      SessionState& state) const {
  RETURN_IF_ERROR(Validate(request));
  trainer::Pcg32 rng = CallRng(seed_, request.user_id, request.session_id, state.step());
  const trainer::Model& model = inputs.model;
  const std::optional<int32_t> user = model.UserIndex(request.user_id);

  bool skip = false;
  bool like = false;
  std::optional<int64_t> anchor = request.previous_title_id;
  if (request.previous_title_id && request.consumed) {
    state.RecordFeedback({*request.previous_title_id, *request.consumed});
    skip = spec_.IsSkip(*request.consumed);
    like = spec_.IsLike(*request.consumed);
    if (skip && spec_.reset_list_offset_on_skip) state.SetListOffset(0);
    if (spec_.fatigue && *request.consumed < spec_.fatigue->below) {
      anchor = TireAndFindContext(*spec_.fatigue, inputs.creators, *request.previous_title_id, state);
    }
  }

  // What makes a title admissible. The previous title is never the next one.
  std::vector<int64_t> excluded_ids = request.exclude_title_ids;
  if (request.previous_title_id) excluded_ids.push_back(*request.previous_title_id);
  const serving::ExcludedTitlesFilter excluded(excluded_ids);
  const NoRepeatsFilter no_repeats(state);
  const CreatorCapFilter creator_cap(inputs.creators, state, spec_.admissible.creator_cap);
  const TiredFilter tired(inputs.creators, state);
  const AvailabilityFilter available(model);
  const serving::SeenFilter seen =
      user ? serving::SeenFilter::ForModelUser(model, *user, {}) : serving::SeenFilter::ForColdUser({}, {});
  std::optional<serving::BlacklistFilter> blacklisted;
  if (inputs.blacklist != nullptr) blacklisted.emplace(*inputs.blacklist, request.user_id);
  serving::FilterChain admissible{&excluded};
  if (request.attributes != nullptr) admissible.Add(request.attributes);
  if (spec_.admissible.no_repeats) admissible.Add(&no_repeats);
  if (spec_.admissible.creator_cap > 0) admissible.Add(&creator_cap);
  if (spec_.admissible.tired) admissible.Add(&tired);
  if (spec_.admissible.seen) admissible.Add(&seen);
  if (spec_.admissible.blacklist && blacklisted) admissible.Add(&*blacklisted);
  if (spec_.admissible.available) admissible.Add(&available);

  std::optional<PersonalListSource> personal_list;  // built once, when a rule first needs it
  NextTitleAnswer answer;
  // Adds a chosen title to the answer, chosen with probability `chance`, and to the session.
  auto take = [&](serving::Candidate chosen, double chance, const std::string& branch) {
    chosen.probability *= chance;
    state.RecordShown(chosen.title_id, inputs.creators.CreatorsOfTitle(chosen.title_id));
    if (answer.branch.empty()) answer.branch = branch;
    answer.items.push_back(chosen);
  };
  double path_probability = 1;  // the chance of the exploration draws that led to the current rule
  for (const RuleSpec& rule : spec_.rules) {
    if (static_cast<int>(answer.items.size()) >= request.k) break;
    if (rule.when == Condition::kSkip && !skip) continue;
    if (rule.when == Condition::kLike && !like) continue;
    double rule_probability = path_probability;
    if (rule.when == Condition::kExplore) {
      const bool explore = rng.Uniform() < rule.probability;
      path_probability *= explore ? rule.probability : 1 - rule.probability;
      if (!explore) continue;
      rule_probability = path_probability;
    }

    std::unique_ptr<serving::CandidateSource> owned;
    const serving::CandidateSource* source = nullptr;
    switch (rule.source) {
      case SourceKind::kPersonalList: {
        if (!personal_list) {
          ASSIGN_OR_RETURN(PersonalListSource built, PersonalListSource::Create(model, user, spec_.list_length,
                                                                                inputs.personal_lists, inputs.personal_graph));
          personal_list = std::move(built);
        }
        int start = 0;
        if (rule.start == ListStart::kOffset) start = state.list_offset();
        if (rule.start == ListStart::kAfterPrevious && request.previous_title_id) {
          ASSIGN_OR_RETURN(std::optional<int> previous, personal_list->PositionOf(*request.previous_title_id));
          start = previous.value_or(-1) + 1;
        }
        personal_list->set_start(start);
        source = &*personal_list;
        break;
      }
      case SourceKind::kNextTitle:
        if (anchor) source = (owned = std::make_unique<NextTitleSource>(inputs.next_titles, *anchor)).get();
        break;
      case SourceKind::kCreatorBlend:
        if (anchor) {
          source = (owned = std::make_unique<CreatorBlendSource>(model, inputs.creators, *anchor, rule.alpha)).get();
        }
        break;
      case SourceKind::kSameCreator:
        if (anchor) source = (owned = std::make_unique<SameCreatorSource>(model, inputs.creators, *anchor)).get();
        break;
      case SourceKind::kPopular:
        source = (owned = std::make_unique<serving::PopularSource>(inputs.popular)).get();
        break;
      case SourceKind::kRandom:
        source = (owned = std::make_unique<RandomSource>(model, rng)).get();
        break;
    }
    if (source == nullptr) continue;

    const int wanted = request.k - static_cast<int>(answer.items.size());
    std::vector<serving::Candidate> pool;
    if (rule.top) {
      ASSIGN_OR_RETURN(pool, source->Fetch(*rule.top, AcceptAll()));
      serving::DropRejected(pool, admissible);
    } else {
      ASSIGN_OR_RETURN(pool, source->Fetch(rule.pick == PickKind::kFirst ? wanted : kRandomPool, admissible));
    }
    for (int picked = 0; picked < wanted && !pool.empty(); ++picked) {
      if (picked > 0) serving::DropRejected(pool, admissible);  // the last pick may cap a creator
      if (pool.empty()) break;
      size_t index = 0;
      double chance = rule_probability;
      if (rule.pick == PickKind::kRandom) {
        index = rng.Below(static_cast<uint32_t>(pool.size()));
        chance /= static_cast<double>(pool.size());
      }
      serving::Candidate chosen = pool[index];
      pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(index));
      if (rule.source == SourceKind::kPersonalList && rule.start == ListStart::kOffset) {
        ASSIGN_OR_RETURN(std::optional<int> position, personal_list->PositionOf(chosen.title_id));
        state.SetListOffset(position.value_or(-1) + 1);
      }
      take(chosen, chance, rule.branch);
    }
  }

  // Last resorts, so that a player always gets a next title when the catalog has one to give: the
  // rules can run dry in a long session (a creator cap or tired buffers that cover the catalog).
  // First the variety rules give way (creator cap, tired buffers, seen), never the no-repeat rule.
  if (static_cast<int>(answer.items.size()) < request.k) {
    serving::FilterChain relaxed{&excluded, &no_repeats};
    if (request.attributes != nullptr) relaxed.Add(request.attributes);
    if (spec_.admissible.blacklist && blacklisted) relaxed.Add(&*blacklisted);
    if (spec_.admissible.available) relaxed.Add(&available);
    ASSIGN_OR_RETURN(std::vector<serving::Candidate> pool,
                     serving::PopularSource(inputs.popular).Fetch(request.k - static_cast<int>(answer.items.size()), relaxed));
    for (const serving::Candidate& candidate : pool) take(candidate, path_probability, kRelaxedBranch);
  }
  // Then, once the session has shown every title it may, it plays them again, the one shown
  // longest ago first (a playlist that starts over).
  if (static_cast<int>(answer.items.size()) < request.k) {
    serving::FilterChain replayable{&excluded};
    if (request.attributes != nullptr) replayable.Add(request.attributes);
    if (spec_.admissible.blacklist && blacklisted) replayable.Add(&*blacklisted);
    if (spec_.admissible.available) replayable.Add(&available);
    for (int64_t title_id : TitlesShownLongestAgoFirst(state)) {
      if (static_cast<int>(answer.items.size()) >= request.k) break;
      const bool in_answer = std::any_of(answer.items.begin(), answer.items.end(),
                                         [&](const serving::Candidate& item) { return item.title_id == title_id; });
      if (in_answer || replayable.Rejects(title_id)) continue;
      take(serving::Candidate{.title_id = title_id, .score = 0, .source = kReplaySource}, path_probability, kReplayBranch);
    }
  }
  if (answer.branch.empty()) answer.branch = "none";
  state.CountStep();
  return answer;
}

}  // namespace vitrina::sessions
