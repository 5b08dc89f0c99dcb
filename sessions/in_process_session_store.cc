#include "sessions/in_process_session_store.h"

namespace vitrina::sessions {
namespace {

template <class Map>
void EraseExpired(Map& map, absl::Time now) {
  for (auto entry = map.begin(); entry != map.end();) {
    if (entry->second.expires <= now) {
      map.erase(entry++);
    } else {
      ++entry;
    }
  }
}

}  // namespace

absl::StatusOr<SessionState> InProcessSessionStore::Load(const SessionKey& key) {
  const absl::Time now = now_();
  Shard& shard = ShardOf(key.user_id);
  SessionDelta saved;
  {
    std::lock_guard lock(shard.mutex);
    if (auto offset = shard.offsets.find(key.user_id); offset != shard.offsets.end() && offset->second.expires > now) {
      saved.list_offset = offset->second.value;
    }
    if (auto session = shard.sessions.find(std::pair{key.user_id, key.session_id});
        session != shard.sessions.end() && session->second.expires > now) {
      const SessionDelta& memory = session->second.memory;
      saved.shown = memory.shown;
      saved.feedback = memory.feedback;
      saved.tired_titles = memory.tired_titles;
      saved.tired_creators = memory.tired_creators;
      saved.steps = memory.steps;
      saved.started_unix_micros = memory.started_unix_micros;
      if (session->second.creator_counts_expire > now) saved.creator_counts = memory.creator_counts;
    }
  }
  SessionState state;
  state.Apply(saved);
  state.ClearDelta();
  return state;
}

absl::Status InProcessSessionStore::Save(const SessionKey& key, const SessionDelta& delta) {
  const absl::Time now = now_();
  Shard& shard = ShardOf(key.user_id);
  std::lock_guard lock(shard.mutex);
  if (delta.list_offset) shard.offsets[key.user_id] = {*delta.list_offset, now + ttls_.list_offset};
  const bool touches_session = !delta.shown.empty() || !delta.feedback.empty() || !delta.creator_counts.empty() ||
                               delta.tired_titles || delta.tired_creators || delta.steps != 0 ||
                               delta.started_unix_micros;
  if (!touches_session) return absl::OkStatus();
  Session& session = shard.sessions[std::pair{key.user_id, key.session_id}];
  SessionDelta& memory = session.memory;
  if (session.expires <= now) memory = SessionDelta();  // an expired session starts afresh
  if (session.creator_counts_expire <= now) memory.creator_counts.clear();
  memory.shown.insert(memory.shown.end(), delta.shown.begin(), delta.shown.end());
  memory.feedback.insert(memory.feedback.end(), delta.feedback.begin(), delta.feedback.end());
  if (delta.tired_titles) memory.tired_titles = delta.tired_titles;
  if (delta.tired_creators) memory.tired_creators = delta.tired_creators;
  memory.steps += delta.steps;
  if (!memory.started_unix_micros) memory.started_unix_micros = delta.started_unix_micros;
  session.expires = now + ttls_.SessionTtl(key);
  if (!delta.creator_counts.empty()) {
    for (const auto& [creator, count] : delta.creator_counts) memory.creator_counts[creator] += count;
    session.creator_counts_expire = now + ttls_.creator_counts;
  }
  if (++shard.saves_since_sweep >= kSavesPerSweep) Sweep(shard, now);
  return absl::OkStatus();
}

absl::Status InProcessSessionStore::End(const SessionKey& key) {
  Shard& shard = ShardOf(key.user_id);
  std::lock_guard lock(shard.mutex);
  shard.sessions.erase(std::pair{key.user_id, key.session_id});
  return absl::OkStatus();
}

size_t InProcessSessionStore::size() const {
  size_t total = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    total += shard.sessions.size() + shard.offsets.size();
  }
  return total;
}

void InProcessSessionStore::Sweep(Shard& shard, absl::Time now) const {
  shard.saves_since_sweep = 0;
  EraseExpired(shard.sessions, now);
  EraseExpired(shard.offsets, now);
}

}  // namespace vitrina::sessions
