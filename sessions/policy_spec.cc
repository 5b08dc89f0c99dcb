#include "sessions/policy_spec.h"

#include <array>
#include <limits>
#include <utility>

#include "common/status_macros.h"
#include "common/yaml_section.h"
#include "fmt/format.h"

namespace vitrina::sessions {
namespace {

using common::YamlSection;

template <class Enum, size_t N>
absl::Status ReadEnum(const YamlSection& section, std::string_view key,
                      const std::array<std::pair<std::string_view, Enum>, N>& names, Enum* out) {
  if (!section.Has(key)) return absl::OkStatus();
  std::string text;
  RETURN_IF_ERROR(section.ReadString(key, &text));
  for (const auto& [name, value] : names) {
    if (name == text) {
      *out = value;
      return absl::OkStatus();
    }
  }
  std::string known;
  for (const auto& entry : names) known += fmt::format("{}{}", known.empty() ? "" : ", ", entry.first);
  return section.Invalid(key, fmt::format("unknown value '{}' (one of: {})", text, known));
}

constexpr std::array<std::pair<std::string_view, SourceKind>, 6> kSources = {{
    {"personal_list", SourceKind::kPersonalList},
    {"next_title", SourceKind::kNextTitle},
    {"creator_blend", SourceKind::kCreatorBlend},
    {"same_creator", SourceKind::kSameCreator},
    {"popular", SourceKind::kPopular},
    {"random", SourceKind::kRandom},
}};
constexpr std::array<std::pair<std::string_view, ListStart>, 3> kStarts = {{
    {"offset", ListStart::kOffset}, {"after_previous", ListStart::kAfterPrevious}, {"top", ListStart::kTop}}};
constexpr std::array<std::pair<std::string_view, PickKind>, 2> kPicks = {{{"first", PickKind::kFirst},
                                                                          {"random", PickKind::kRandom}}};
constexpr std::array<std::pair<std::string_view, Condition>, 4> kConditions = {{
    {"always", Condition::kAlways}, {"skip", Condition::kSkip}, {"like", Condition::kLike}, {"explore", Condition::kExplore}}};

absl::Status ReadShare(const YamlSection& section, std::string_view key, std::optional<double>* out) {
  if (!section.Has(key)) return absl::OkStatus();
  double value = 0;
  RETURN_IF_ERROR(section.ReadDouble(key, &value));
  if (!(value >= 0 && value <= 1)) return section.Invalid(key, fmt::format("{} is outside [0, 1]", value));
  *out = value;
  return absl::OkStatus();
}

absl::StatusOr<RuleSpec> ReadRule(const YamlSection& rule) {
  RETURN_IF_ERROR(rule.RejectUnknownKeys({"branch", "when", "probability", "source", "top", "start", "alpha", "pick"}));
  RuleSpec spec;
  if (!rule.Has("branch")) return rule.Invalid("branch", "is required");
  RETURN_IF_ERROR(rule.ReadString("branch", &spec.branch));
  if (!rule.Has("source")) return rule.Invalid("source", "is required");
  RETURN_IF_ERROR(ReadEnum(rule, "when", kConditions, &spec.when));
  RETURN_IF_ERROR(ReadEnum(rule, "source", kSources, &spec.source));
  RETURN_IF_ERROR(ReadEnum(rule, "start", kStarts, &spec.start));
  RETURN_IF_ERROR(ReadEnum(rule, "pick", kPicks, &spec.pick));
  std::optional<double> probability;
  RETURN_IF_ERROR(ReadShare(rule, "probability", &probability));
  if (spec.when == Condition::kExplore) {
    if (!probability) return rule.Invalid("probability", "is required when `when` is explore");
    spec.probability = *probability;
  } else if (probability) {
    return rule.Invalid("probability", "applies only when `when` is explore");
  }
  std::optional<double> alpha;
  RETURN_IF_ERROR(ReadShare(rule, "alpha", &alpha));
  if (alpha) spec.alpha = *alpha;
  if (rule.Has("top")) {
    int top = 0;
    RETURN_IF_ERROR(rule.ReadInt("top", 1, 100'000, &top));
    spec.top = top;
  }
  return spec;
}

absl::StatusOr<PolicySpec> ReadPolicy(const YamlSection& policy, std::string name) {
  RETURN_IF_ERROR(policy.RejectUnknownKeys({"skip_below", "skip_at_most", "like_at_least", "reset_list_offset_on_skip",
                                            "list_length", "fatigue", "admissible", "rules"}));
  PolicySpec spec;
  spec.name = std::move(name);
  RETURN_IF_ERROR(ReadShare(policy, "skip_below", &spec.skip_below));
  RETURN_IF_ERROR(ReadShare(policy, "skip_at_most", &spec.skip_at_most));
  if (spec.skip_below && spec.skip_at_most) return policy.Invalid("skip_at_most", "give skip_below or skip_at_most, not both");
  RETURN_IF_ERROR(ReadShare(policy, "like_at_least", &spec.like_at_least));
  RETURN_IF_ERROR(policy.ReadBool("reset_list_offset_on_skip", &spec.reset_list_offset_on_skip));
  RETURN_IF_ERROR(policy.ReadInt("list_length", 1, 100'000, &spec.list_length));

  ASSIGN_OR_RETURN(std::optional<YamlSection> fatigue, policy.Child("fatigue"));
  if (fatigue) {
    RETURN_IF_ERROR(fatigue->RejectUnknownKeys({"below", "titles", "creators"}));
    FatigueSpec f;
    std::optional<double> below;
    RETURN_IF_ERROR(ReadShare(*fatigue, "below", &below));
    if (below) f.below = *below;
    RETURN_IF_ERROR(fatigue->ReadInt("titles", 0, 10'000, &f.titles));
    RETURN_IF_ERROR(fatigue->ReadInt("creators", 0, 10'000, &f.creators));
    spec.fatigue = f;
  }
  ASSIGN_OR_RETURN(std::optional<YamlSection> admissible, policy.Child("admissible"));
  if (admissible) {
    RETURN_IF_ERROR(admissible->RejectUnknownKeys({"no_repeats", "creator_cap", "tired", "seen", "blacklist", "available"}));
    AdmissibleSpec& a = spec.admissible;
    RETURN_IF_ERROR(admissible->ReadBool("no_repeats", &a.no_repeats));
    RETURN_IF_ERROR(admissible->ReadInt("creator_cap", 0, 100'000, &a.creator_cap));
    RETURN_IF_ERROR(admissible->ReadBool("tired", &a.tired));
    RETURN_IF_ERROR(admissible->ReadBool("seen", &a.seen));
    RETURN_IF_ERROR(admissible->ReadBool("blacklist", &a.blacklist));
    RETURN_IF_ERROR(admissible->ReadBool("available", &a.available));
    if (a.tired && !spec.fatigue) return admissible->Invalid("tired", "needs the policy's fatigue section");
  }

  const YAML::Node& rules = policy.node()["rules"];
  if (!rules || !rules.IsSequence() || rules.size() == 0) {
    return policy.Invalid("rules", "must be a non-empty list of rules");
  }
  for (size_t i = 0; i < rules.size(); ++i) {
    ASSIGN_OR_RETURN(YamlSection rule, YamlSection::Open(rules[i], fmt::format("{}.rules[{}]", policy.path(), i)));
    ASSIGN_OR_RETURN(RuleSpec parsed, ReadRule(rule));
    if (parsed.when == Condition::kSkip && !spec.skip_below && !spec.skip_at_most) {
      return rule.Invalid("when", "skip needs the policy's skip_below or skip_at_most");
    }
    if (parsed.when == Condition::kLike && !spec.like_at_least) {
      return rule.Invalid("when", "like needs the policy's like_at_least");
    }
    spec.rules.push_back(std::move(parsed));
  }
  return spec;
}

absl::Status ReadTtl(const YamlSection& section, std::string_view key, absl::Duration* out) {
  int seconds = -1;
  RETURN_IF_ERROR(section.ReadInt(key, 1, std::numeric_limits<int>::max(), &seconds));
  if (seconds > 0) *out = absl::Seconds(seconds);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SessionsConfig> SessionsConfig::FromYaml(const YAML::Node& node, SessionsConfig base) {
  SessionsConfig config = std::move(base);
  ASSIGN_OR_RETURN(YamlSection sessions, YamlSection::Open(node, "sessions"));
  RETURN_IF_ERROR(sessions.RejectUnknownKeys({"default_policy", "seed", "session_ttl_seconds",
                                              "creator_counts_ttl_seconds", "list_offset_ttl_seconds", "policies"}));
  RETURN_IF_ERROR(sessions.ReadString("default_policy", &config.default_policy));
  auto seed = static_cast<int>(config.seed);
  RETURN_IF_ERROR(sessions.ReadInt("seed", 0, std::numeric_limits<int>::max(), &seed));
  config.seed = static_cast<uint64_t>(seed);
  RETURN_IF_ERROR(ReadTtl(sessions, "session_ttl_seconds", &config.ttls.session));
  RETURN_IF_ERROR(ReadTtl(sessions, "creator_counts_ttl_seconds", &config.ttls.creator_counts));
  RETURN_IF_ERROR(ReadTtl(sessions, "list_offset_ttl_seconds", &config.ttls.list_offset));

  ASSIGN_OR_RETURN(std::optional<YamlSection> policies, sessions.Child("policies"));
  if (policies) {
    for (const auto& entry : policies->node()) {
      const std::string name = entry.first.as<std::string>();
      ASSIGN_OR_RETURN(YamlSection policy, YamlSection::Open(entry.second, fmt::format("{}.{}", policies->path(), name)));
      ASSIGN_OR_RETURN(PolicySpec spec, ReadPolicy(policy, name));
      config.policies.insert_or_assign(name, std::move(spec));
    }
  }
  if (!config.default_policy.empty() && !config.policies.contains(config.default_policy)) {
    return sessions.Invalid("default_policy", fmt::format("'{}' is not defined under sessions.policies", config.default_policy));
  }
  return config;
}

absl::StatusOr<SessionsConfig> SessionsConfig::FromYaml(const YAML::Node& node) {
  return FromYaml(node, SessionsConfig());
}

}  // namespace vitrina::sessions
