#pragma once

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "simulation/catalog.h"

namespace vitrina::simulation {

// The knobs of the simulated listener (tools/vitrina-simulate/README.md explains the model).
struct ListenerModel {
  // Expected consumed share of a title at distance 0 from the session's interest, and at distance 1;
  // linear in between.
  double near_share = 0.9;
  double far_share = 0.05;
  // Uniform noise of +- noise around the expected share (then clamped to [0, 1]).
  double noise = 0.1;
  // The k-th title of a creator already played in the session is consumed creator_decay^(k-1) as much.
  double creator_decay = 0.6;
  // Patience at the start of a session; each answered title costs step_cost plus
  // dissatisfaction_cost * (1 - consumed). The session ends when patience is used up.
  double patience = 1.0;
  double step_cost = 0.05;
  double dissatisfaction_cost = 0.4;
  // A session never has more answered titles than this, whatever the patience.
  int max_session_length = 50;

  // InvalidArgument naming the field out of range.
  absl::Status Validate() const;
};

// Who plays session `index` and from where: all of it follows from (seed, index) alone, so every
// policy is measured on the same sessions.
struct SessionPlan {
  int64_t index = 0;
  size_t user_index = 0;  // into Catalog::users()
  int64_t user = 0;
  int interest = 0;       // a genre of the catalog, one of the user's interests
  int64_t start_title = 0;
};

// 1 to 3 distinct interest genres of `user`, from (seed, user).
std::vector<int> UserInterests(const Catalog& catalog, uint64_t seed, int64_t user);

// Session `index` is played by one of the first `users` users of the catalog (users >= 1 and at
// most Catalog::users().size()), from one of their interests, starting at an available title of it.
SessionPlan PlanSession(const Catalog& catalog, uint64_t seed, size_t users, int64_t index);

// One listener during one session: scores each title the server answers and keeps the patience.
class Listener {
 public:
  // The start title is played first (the listener's own choice; not counted in the totals).
  Listener(const Catalog& catalog, const ListenerModel& model, const SessionPlan& plan, uint64_t seed);

  double start_share() const { return start_share_; }
  // The consumed share of `title_id`, answered by the server: 0 for a title already played in the
  // session or unavailable. NotFound for an id outside the catalog. Must not be called once Over().
  absl::StatusOr<double> Play(int64_t title_id);

  bool Over() const;
  int titles_played() const { return titles_played_; }
  double consumed_total() const { return consumed_total_; }
  double patience() const { return patience_; }

 private:
  // Step 0 is the start title, step k the k-th answered title.
  double Share(const Catalog::Title& title, int step);

  const Catalog& catalog_;
  const ListenerModel& model_;
  SessionPlan plan_;
  uint64_t seed_;
  absl::flat_hash_set<int64_t> played_;
  absl::flat_hash_map<int, int> creator_plays_;
  double patience_;
  double start_share_ = 0;
  int titles_played_ = 0;
  double consumed_total_ = 0;
};

}  // namespace vitrina::simulation
