#include "simulation/listener_model.h"

#include <algorithm>
#include <cmath>

#include "fmt/format.h"
#include "simulation/seeded_random.h"

namespace vitrina::simulation {
namespace {

// Independent streams, so that a draw of one kind never shifts another.
enum Stream : uint64_t { kInterests = 1, kPlan, kListening };

}  // namespace

absl::Status ListenerModel::Validate() const {
  auto invalid = [](std::string_view field, std::string_view rule) {
    return absl::InvalidArgumentError(fmt::format("listener model: {} {}", field, rule));
  };
  auto in_unit = [](double x) { return x >= 0 && x <= 1; };
  if (!in_unit(near_share)) return invalid("near_share", "must be in [0, 1]");
  if (!in_unit(far_share)) return invalid("far_share", "must be in [0, 1]");
  if (!in_unit(noise)) return invalid("noise", "must be in [0, 1]");
  if (!in_unit(creator_decay)) return invalid("creator_decay", "must be in [0, 1]");
  if (!(patience > 0 && patience <= 1000)) return invalid("patience", "must be in (0, 1000]");
  if (!(step_cost >= 0 && step_cost <= 1000)) return invalid("step_cost", "must be in [0, 1000]");
  if (!(dissatisfaction_cost >= 0 && dissatisfaction_cost <= 1000)) {
    return invalid("dissatisfaction_cost", "must be in [0, 1000]");
  }
  if (max_session_length < 1 || max_session_length > 10000) {
    return invalid("max_session_length", "must be in [1, 10000]");
  }
  return absl::OkStatus();
}

std::vector<int> UserInterests(const Catalog& catalog, uint64_t seed, int64_t user) {
  SeededRandom random({seed, kInterests, static_cast<uint64_t>(user)});
  std::vector<int> pool = catalog.interest_genres();
  const size_t count = std::min<size_t>(1 + random.Below(3), pool.size());
  // A partial Fisher-Yates shuffle: the first `count` genres are distinct and uniform.
  for (size_t i = 0; i < count; ++i) std::swap(pool[i], pool[i + random.Below(pool.size() - i)]);
  pool.resize(count);
  return pool;
}

SessionPlan PlanSession(const Catalog& catalog, uint64_t seed, size_t users, int64_t index) {
  SeededRandom random({seed, kPlan, static_cast<uint64_t>(index)});
  SessionPlan plan;
  plan.index = index;
  plan.user_index = random.Below(std::min(users, catalog.users().size()));
  plan.user = catalog.users()[plan.user_index];
  const std::vector<int> interests = UserInterests(catalog, seed, plan.user);
  plan.interest = interests[random.Below(interests.size())];
  const std::vector<int64_t>& titles = catalog.TitlesOfGenre(plan.interest);
  plan.start_title = titles[random.Below(titles.size())];
  return plan;
}

Listener::Listener(const Catalog& catalog, const ListenerModel& model, const SessionPlan& plan,
                   uint64_t seed)
    : catalog_(catalog), model_(model), plan_(plan), seed_(seed), patience_(model.patience) {
  start_share_ = Share(*catalog.Find(plan.start_title), 0);
}

double Listener::Share(const Catalog::Title& title, int step) {
  if (!title.available || !played_.insert(title.id).second) return 0;
  int previous_plays = 0;
  for (int creator : title.creators) {
    previous_plays = std::max(previous_plays, creator_plays_[creator]++);
  }
  // One draw per step whatever the title, so two policies see the same noise at the same step.
  SeededRandom random(
      {seed_, kListening, static_cast<uint64_t>(plan_.index), static_cast<uint64_t>(step)});
  const double closeness = 1 - catalog_.Distance(title, plan_.interest);
  const double expected = model_.far_share + (model_.near_share - model_.far_share) * closeness;
  const double noisy = std::clamp(expected + model_.noise * (2 * random.Uniform() - 1), 0.0, 1.0);
  return noisy * std::pow(model_.creator_decay, previous_plays);
}

absl::StatusOr<double> Listener::Play(int64_t title_id) {
  const Catalog::Title* title = catalog_.Find(title_id);
  if (title == nullptr) {
    return absl::NotFoundError(fmt::format("title {} is not in the catalog", title_id));
  }
  const double share = Share(*title, titles_played_ + 1);
  ++titles_played_;
  consumed_total_ += share;
  patience_ -= model_.step_cost + model_.dissatisfaction_cost * (1 - share);
  return share;
}

bool Listener::Over() const {
  return patience_ <= 0 || titles_played_ >= model_.max_session_length;
}

}  // namespace vitrina::simulation
