#pragma once

#include <array>
#include <functional>
#include <mutex>

#include "absl/container/flat_hash_map.h"
#include "sessions/session_store.h"

namespace vitrina::sessions {

// Session memory in this process, with the same TTLs as the shared store: the memory of a single
// server, and where calls go while Redis is away. Sharded by user so that concurrent calls
// rarely share a lock; expired sessions are swept as the shard is written.
class InProcessSessionStore final : public SessionStore {
 public:
  using Clock = std::function<absl::Time()>;

  explicit InProcessSessionStore(SessionTtls ttls, Clock now = absl::Now) : ttls_(ttls), now_(std::move(now)) {}

  absl::StatusOr<SessionState> Load(const SessionKey& key) override;
  absl::Status Save(const SessionKey& key, const SessionDelta& delta) override;
  absl::Status End(const SessionKey& key) override;

  // Sessions and user offsets held (expired ones included until swept).
  size_t size() const;

 private:
  struct Session {
    SessionDelta memory;  // everything saved, accumulated (list_offset unused: kept per user)
    absl::Time expires;
    absl::Time creator_counts_expire;
  };
  struct Offset {
    int value = 0;
    absl::Time expires;
  };
  struct Shard {
    mutable std::mutex mutex;
    absl::flat_hash_map<std::pair<int64_t, std::string>, Session> sessions;
    absl::flat_hash_map<int64_t, Offset> offsets;
    int saves_since_sweep = 0;
  };
  static constexpr size_t kShards = 16;
  static constexpr int kSavesPerSweep = 1024;

  Shard& ShardOf(int64_t user_id) const { return shards_[static_cast<uint64_t>(user_id) % kShards]; }
  void Sweep(Shard& shard, absl::Time now) const;

  SessionTtls ttls_;
  Clock now_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace vitrina::sessions
