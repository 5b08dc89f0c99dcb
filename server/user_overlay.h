#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "server/realtime_config.h"
#include "trainer/model.h"

namespace vitrina::server {

// A user's serving row adapted to what they consumed since the model's data snapshot.
struct AdaptedUser {
  std::vector<float> row;  // ServingIndex::users() layout: [embedding, 1, user bias]
  // Unique among the overlay's answers (and across restarts, see UserOverlay): part of the cache
  // key, so an answer computed from an older row is never read back.
  uint64_t revision = 0;
};

// The users whose vectors moved since the served model was trained: one overlay per served model
// (a ServedModel owns it), so activating a model, which was trained on those interactions,
// starts with an empty one. Bounded: least recently used users are dropped beyond max_users (they
// get their trained vector back until their next interaction). Thread-safe; sharded by user so
// that answers and updates of different users rarely share a lock.
class UserOverlay {
 public:
  UserOverlay(std::shared_ptr<const trainer::Model> model, RealtimeConfig config);

  // The user consumed `title_id` (a positive interaction): their row is refitted from the prior
  // (their trained row; for a user outside the model `outside_prior`, the row their catalog
  // features place them at, or a zero embedding without one) to their newest positives. False
  // when the title is unknown to the model (nothing to learn from).
  bool AddPositive(int64_t user_id, int64_t title_id, std::span<const float> outside_prior = {});
  // The adapted row, or null when the user has none; marks the user recently used.
  std::shared_ptr<const AdaptedUser> Find(int64_t user_id) const;

  // Drops the user's adapted row (their trained one answers again).
  void Forget(int64_t user_id);
  // Drops every adapted row.
  void Clear();

  size_t size() const;
  size_t capacity() const { return static_cast<size_t>(config_.max_users); }

 private:
  struct Entry {
    int64_t user_id;
    std::vector<int32_t> positives;  // item indices, oldest first, at most max_titles_per_user
    std::shared_ptr<const AdaptedUser> adapted;
  };
  struct Shard {
    mutable std::mutex mutex;
    size_t capacity = 0;
    mutable std::list<Entry> recency;  // most recently used first
    absl::flat_hash_map<int64_t, std::list<Entry>::iterator> by_user;
  };
  Shard& ShardOf(int64_t user_id) const { return shards_[static_cast<uint64_t>(user_id) % shards_.size()]; }
  std::vector<float> PriorRow(int64_t user_id, std::span<const float> outside_prior) const;

  std::shared_ptr<const trainer::Model> model_;
  RealtimeConfig config_;
  mutable std::vector<Shard> shards_;  // capacities sum to max_users exactly
  std::atomic<uint64_t> next_revision_;
};

}  // namespace vitrina::server
