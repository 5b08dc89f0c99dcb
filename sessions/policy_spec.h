#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sessions/session_store.h"
#include "yaml-cpp/yaml.h"

namespace vitrina::sessions {

// A next-title policy as configuration (sessions.policies.<name> in the YAML): the feedback
// branches, what makes a title admissible, and rules tried in order, each a candidate source and
// a pick. The first rule whose condition holds and whose source yields an admissible title
// answers, and names the answer's branch; later rules are the fallbacks.

enum class SourceKind { kPersonalList, kNextTitle, kCreatorBlend, kSameCreator, kPopular, kRandom };
enum class ListStart { kOffset, kAfterPrevious, kTop };  // where a personal list is walked from
enum class PickKind { kFirst, kRandom };
enum class Condition { kAlways, kSkip, kLike, kExplore };

struct RuleSpec {
  std::string branch;  // reported with the answer: "explore", "skip", "like", "ranked", "fallback"...
  Condition when = Condition::kAlways;
  double probability = 0;  // kExplore: the chance the rule is tried (epsilon)
  SourceKind source = SourceKind::kPopular;
  // The source's `top` best titles, admissible or not, are the pool: "the first admissible of the
  // 3 best next titles" (top 3, pick first), "a random title of the top 100" (top 100, random).
  // Unset: the admissible titles, best first, however deep the source must go.
  std::optional<int> top;
  ListStart start = ListStart::kOffset;  // kPersonalList only
  double alpha = 0.9;                    // kCreatorBlend only
  PickKind pick = PickKind::kFirst;

  friend bool operator==(const RuleSpec&, const RuleSpec&) = default;
};

struct AdmissibleSpec {
  bool no_repeats = true;   // never shown in this session
  int creator_cap = 0;      // at most this many titles of one creator per session; 0: no cap
  bool tired = false;       // not in the tired buffers
  bool seen = false;        // not consumed before (the model's consumed set)
  bool blacklist = true;
  bool available = true;

  friend bool operator==(const AdmissibleSpec&, const AdmissibleSpec&) = default;
};

struct FatigueSpec {
  double below = 0.7;  // a title consumed less than this is tired, and so are its creators
  int titles = 30;     // buffer sizes
  int creators = 1;

  friend bool operator==(const FatigueSpec&, const FatigueSpec&) = default;
};

struct PolicySpec {
  std::string name;
  std::optional<double> skip_below;    // skip: consumed < this
  std::optional<double> skip_at_most;  // skip: consumed <= this
  std::optional<double> like_at_least; // like: consumed >= this
  bool reset_list_offset_on_skip = false;
  int list_length = 500;  // the personal list's length
  std::optional<FatigueSpec> fatigue;
  AdmissibleSpec admissible;
  std::vector<RuleSpec> rules;

  bool IsSkip(double consumed) const {
    return (skip_below && consumed < *skip_below) || (skip_at_most && consumed <= *skip_at_most);
  }
  bool IsLike(double consumed) const { return like_at_least && consumed >= *like_at_least; }

  friend bool operator==(const PolicySpec&, const PolicySpec&) = default;
};

// The sessions section of the server config.
struct SessionsConfig {
  std::string default_policy;
  uint64_t seed = 0;
  SessionTtls ttls;
  std::map<std::string, PolicySpec> policies;

  // The keys present in `node` over `base`; a policy named in `node` replaces (or joins) the one of
  // that name. InvalidArgument naming the key ("sessions.policies.x.rules[2].source: ...") on a
  // bad value, an unknown key, or a default_policy that is not defined. A null node is `base`.
  static absl::StatusOr<SessionsConfig> FromYaml(const YAML::Node& node, SessionsConfig base);
  static absl::StatusOr<SessionsConfig> FromYaml(const YAML::Node& node);

  friend bool operator==(const SessionsConfig&, const SessionsConfig&) = default;
};

// The shipped policies (the same as config/vitrina.example.yaml's sessions section, which a test
// checks): memory_hybrid (the default), improved_indexed, fatigue_contextual, creator_blend, and
// the baselines random, top_popular and sticky_creator.
const SessionsConfig& DefaultSessionsConfig();

}  // namespace vitrina::sessions
