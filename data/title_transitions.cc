#include "data/title_transitions.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "common/status_macros.h"
#include "fmt/format.h"

namespace vitrina::data {
namespace {

struct TypeRule {
  double weight = 1;
  std::optional<double> min_value;
  bool scale_by_value = false;
};

struct WeighedEvent {
  int64_t user_id;
  int64_t timestamp;
  int64_t title_id;
  float weight;
};

}  // namespace

TitleTransitions SplitTitleTransitions(std::vector<InteractionRecord> events, const EventWeight& weight,
                                       const TitleTransitionConfig& config, uint64_t seed) {
  std::vector<WeighedEvent> kept;
  kept.reserve(events.size());
  for (const InteractionRecord& event : events) {
    if (event.timestamp <= 0) continue;  // no real time: cannot be placed in a sequence
    std::optional<float> w = weight(event);
    if (!w) continue;
    kept.push_back({event.user_id, event.timestamp, event.title_id, std::max(0.0f, *w)});
  }
  events.clear();
  std::sort(kept.begin(), kept.end(), [](const WeighedEvent& a, const WeighedEvent& b) {
    return std::tie(a.user_id, a.timestamp, a.title_id) < std::tie(b.user_id, b.timestamp, b.title_id);
  });

  TitleTransitions out;
  out.events = static_cast<int64_t>(kept.size());
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution held_out(std::clamp(config.holdout_fraction, 0.0, 1.0));
  std::vector<TitleTransition> session;
  auto close_session = [&] {
    if (session.empty()) return;
    ++out.sessions;
    if (held_out(rng)) {
      out.test.push_back(session.back());
      session.pop_back();
    }
    out.train.insert(out.train.end(), session.begin(), session.end());
    session.clear();
  };
  for (size_t i = 0; i < kept.size(); ++i) {
    const WeighedEvent& event = kept[i];
    out.watermark = std::max(out.watermark, event.timestamp);
    const bool continues = i > 0 && kept[i - 1].user_id == event.user_id &&
                           event.timestamp - kept[i - 1].timestamp <= config.session_gap_seconds;
    if (!continues) {
      close_session();
      continue;
    }
    const int64_t previous = kept[i - 1].title_id;
    if (previous == event.title_id || event.weight <= 0) continue;
    session.push_back({previous, event.title_id, event.weight});
  }
  close_session();
  return out;
}

absl::StatusOr<TitleTransitions> ReadTitleTransitions(DataSource& source, const std::vector<InteractionRecord>& hot,
                                                      const PreparationConfig& preparation,
                                                      const TitleTransitionConfig& config,
                                                      const std::function<bool(int64_t)>& eligible, int64_t as_of,
                                                      uint64_t seed) {
  absl::flat_hash_map<std::string, TypeRule> rules;
  RETURN_IF_ERROR(source.ReadInteractionTypes([&](const InteractionTypeRecord& type) {
    if (!std::isfinite(type.weight)) {
      return absl::FailedPreconditionError(fmt::format(
          "interaction type '{}' of {} has a weight that is not a number", type.name, source.Name()));
    }
    rules[type.name].weight = type.weight;
    return absl::OkStatus();
  }));
  for (const auto& [name, rule] : preparation.interaction_rules) {
    TypeRule& resolved = rules[name];
    if (rule.weight) resolved.weight = *rule.weight;
    resolved.min_value = rule.min_value;
    resolved.scale_by_value = rule.scale_by_value;
  }
  EventWeight weigh = [&](const InteractionRecord& event) -> std::optional<float> {
    if (event.timestamp > as_of || !eligible(event.title_id)) return std::nullopt;
    if (event.type == config.play_type) {
      return std::isfinite(event.value) ? static_cast<float>(std::clamp(event.value, 0.0, 1.0)) : 0.0f;
    }
    auto rule = rules.find(event.type);
    if (rule == rules.end()) return std::nullopt;
    if (rule->second.min_value && !(event.value >= *rule->second.min_value)) return 0.0f;
    double w = rule->second.weight * (rule->second.scale_by_value ? event.value : 1.0);
    return std::isfinite(w) ? static_cast<float>(w) : 0.0f;
  };
  std::vector<InteractionRecord> events;
  RETURN_IF_ERROR(source.ReadInteractions(0, [&](const InteractionRecord& record) {
    events.push_back(record);
    return absl::OkStatus();
  }));
  events.insert(events.end(), hot.begin(), hot.end());
  return SplitTitleTransitions(std::move(events), weigh, config, seed);
}

}  // namespace vitrina::data
