#include "server/user_overlay.h"

#include <algorithm>

#include "absl/time/clock.h"
#include "trainer/user_update.h"

namespace vitrina::server {
namespace {

constexpr size_t kMaxShards = 16;

}  // namespace

UserOverlay::UserOverlay(std::shared_ptr<const trainer::Model> model, RealtimeConfig config)
    : model_(std::move(model)),
      config_(config),
      shards_(std::clamp<size_t>(static_cast<size_t>(std::max(config.max_users, 1)), 1, kMaxShards)),
      // Revisions go into cache keys, which a shared Redis keeps across restarts: starting from the
      // clock keeps a restarted server from reusing the revisions of the one before it.
      next_revision_(static_cast<uint64_t>(absl::ToUnixNanos(absl::Now()))) {
  const auto total = static_cast<size_t>(std::max(config_.max_users, 1));
  for (size_t s = 0; s < shards_.size(); ++s) {
    shards_[s].capacity = total / shards_.size() + (s < total % shards_.size() ? 1 : 0);
  }
}

std::vector<float> UserOverlay::PriorRow(int64_t user_id, std::span<const float> outside_prior) const {
  const trainer::ServingIndex::RowMatrix& users = model_->serving().users();
  if (std::optional<int32_t> user = model_->UserIndex(user_id)) {
    return {users.row(*user).data(), users.row(*user).data() + users.cols()};
  }
  if (outside_prior.size() == static_cast<size_t>(users.cols())) return {outside_prior.begin(), outside_prior.end()};
  // A user outside the model: no taste yet (zero embedding), so the item biases rank until the
  // first steps; [embedding, 1, user bias] as ServingIndex lays out users.
  std::vector<float> row(static_cast<size_t>(model_->serving().items().cols()), 0.0f);
  row[row.size() - 2] = 1.0f;
  return row;
}

bool UserOverlay::AddPositive(int64_t user_id, int64_t title_id, std::span<const float> outside_prior) {
  std::optional<int32_t> item = model_->ItemIndex(title_id);
  if (!item) return false;
  Shard& shard = ShardOf(user_id);
  // The refit runs under the shard's lock: two interactions of one user arriving together must
  // both end up in the row, and a refit costs tens of microseconds.
  std::lock_guard lock(shard.mutex);
  auto found = shard.by_user.find(user_id);
  if (found == shard.by_user.end()) {
    if (shard.by_user.size() >= shard.capacity) {
      shard.by_user.erase(shard.recency.back().user_id);
      shard.recency.pop_back();
    }
    shard.recency.push_front(Entry{user_id, {}, nullptr});
    found = shard.by_user.emplace(user_id, shard.recency.begin()).first;
  } else {
    shard.recency.splice(shard.recency.begin(), shard.recency, found->second);
  }
  Entry& entry = *found->second;
  std::erase(entry.positives, *item);
  entry.positives.push_back(*item);
  if (entry.positives.size() > static_cast<size_t>(config_.max_titles_per_user)) {
    entry.positives.erase(entry.positives.begin(),
                          entry.positives.end() - static_cast<std::ptrdiff_t>(config_.max_titles_per_user));
  }
  std::vector<int32_t> sorted = entry.positives;
  std::sort(sorted.begin(), sorted.end());
  auto adapted = std::make_shared<AdaptedUser>();
  const uint64_t seed = static_cast<uint64_t>(user_id) * 0x9e3779b97f4a7c15ull + entry.positives.size();
  adapted->row = trainer::UpdatedUserRow(model_->serving().items(), PriorRow(user_id, outside_prior), sorted, seed, config_.update);
  adapted->revision = next_revision_.fetch_add(1, std::memory_order_relaxed);
  entry.adapted = std::move(adapted);
  return true;
}

std::shared_ptr<const AdaptedUser> UserOverlay::Find(int64_t user_id) const {
  Shard& shard = ShardOf(user_id);
  std::lock_guard lock(shard.mutex);
  auto found = shard.by_user.find(user_id);
  if (found == shard.by_user.end()) return nullptr;
  shard.recency.splice(shard.recency.begin(), shard.recency, found->second);
  return found->second->adapted;
}

void UserOverlay::Forget(int64_t user_id) {
  Shard& shard = ShardOf(user_id);
  std::lock_guard lock(shard.mutex);
  auto found = shard.by_user.find(user_id);
  if (found == shard.by_user.end()) return;
  shard.recency.erase(found->second);
  shard.by_user.erase(found);
}

void UserOverlay::Clear() {
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    shard.by_user.clear();
    shard.recency.clear();
  }
}

size_t UserOverlay::size() const {
  size_t total = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    total += shard.by_user.size();
  }
  return total;
}

}  // namespace vitrina::server
