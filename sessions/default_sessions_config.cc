#include <cstdlib>

#include "common/status_macros.h"
#include "sessions/policy_spec.h"

namespace vitrina::sessions {
namespace {

// The same policies as config/vitrina.example.yaml's sessions section (a test compares them).
constexpr char kDefaultSessions[] = R"yaml(
sessions:                        # next-title calls: policies built from sources, filters, branches, picks
  default_policy: memory_hybrid
  seed: 20261204                 # with (user, session, step): every random pick is reproducible
  session_ttl_seconds: 10800     # shown titles, history, tired buffers
  creator_counts_ttl_seconds: 10800
  list_offset_ttl_seconds: 86400 # the user's position in their personal list, across sessions
  policies:
    memory_hybrid:
      skip_below: 0.3
      like_at_least: 0.8
      reset_list_offset_on_skip: true
      list_length: 500
      admissible: {no_repeats: true, creator_cap: 2, blacklist: true, available: true}
      rules:
        - {branch: explore, when: explore, probability: 0.02, source: popular, top: 100, pick: random}
        - {branch: skip, when: skip, source: next_title, top: 3, pick: first}
        - {branch: like, when: like, source: same_creator, pick: random}
        - {branch: ranked, source: personal_list, start: offset, pick: first}
        - {branch: fallback, source: next_title, pick: first}
        - {branch: fallback, source: popular, pick: first}
    improved_indexed:
      skip_at_most: 0.3
      admissible: {no_repeats: true}
      rules:
        - {branch: skip, when: skip, source: personal_list, start: top, top: 5, pick: random}
        - {branch: ranked, source: personal_list, start: after_previous, pick: first}
        - {branch: fallback, source: popular, pick: first}
    fatigue_contextual:
      fatigue: {below: 0.7, titles: 30, creators: 1}
      admissible: {no_repeats: true, tired: true}
      rules:
        - {branch: contextual, source: next_title, top: 20, pick: random}
        - {branch: fallback, source: personal_list, start: top, pick: first}
        - {branch: fallback, source: popular, pick: first}
    creator_blend:
      admissible: {no_repeats: true}
      rules:
        - {branch: similar, source: creator_blend, alpha: 0.9, pick: first}
        - {branch: fallback, source: personal_list, start: top, pick: first}
        - {branch: fallback, source: popular, pick: first}
    random:
      rules:
        - {branch: random, source: random, pick: first}
    top_popular:
      rules:
        - {branch: popular, source: popular, top: 100, pick: random}
        - {branch: fallback, source: popular, pick: first}
    sticky_creator:
      rules:
        - {branch: creator, source: same_creator, pick: random}
        - {branch: fallback, source: popular, top: 100, pick: random}
        - {branch: fallback, source: popular, pick: first}
)yaml";

}  // namespace

const SessionsConfig& DefaultSessionsConfig() {
  static const SessionsConfig config = [] {
    absl::StatusOr<SessionsConfig> parsed = SessionsConfig::FromYaml(YAML::Load(kDefaultSessions)["sessions"]);
    // The text is part of the program; tests parse it, so a failure here is a build defect.
    if (!parsed.ok()) std::abort();
    return *std::move(parsed);
  }();
  return config;
}

}  // namespace vitrina::sessions
