#include "sessions/failover_session_store.h"

#include "common/status_macros.h"

namespace vitrina::sessions {
namespace {

// The whole memory of a session as one delta, which Redis adds to what it kept from before the
// outage. An offset of 0 is left out: it may only mean "none set in memory".
SessionDelta Everything(const SessionState& state) {
  SessionDelta all;
  all.shown = state.shown();
  all.feedback = state.feedback();
  all.creator_counts = state.creator_counts();
  if (state.list_offset() != 0) all.list_offset = state.list_offset();
  all.tired_titles = state.tired_titles();
  all.tired_creators = state.tired_creators();
  all.steps = static_cast<int>(state.step());
  if (state.started_unix_micros() != 0) all.started_unix_micros = state.started_unix_micros();
  return all;
}

}  // namespace

bool FailoverSessionStore::IsHeld(const SessionKey& key) const {
  if (held_count_.load(std::memory_order_relaxed) == 0) return false;
  std::lock_guard lock(held_mutex_);
  return held_.contains(HeldKey{key.user_id, key.session_id});
}

void FailoverSessionStore::Hold(const SessionKey& key) {
  std::lock_guard lock(held_mutex_);
  if (held_.insert(HeldKey{key.user_id, key.session_id}).second) held_count_.fetch_add(1, std::memory_order_relaxed);
}

void FailoverSessionStore::Release(const SessionKey& key) {
  std::lock_guard lock(held_mutex_);
  if (held_.erase(HeldKey{key.user_id, key.session_id}) > 0) held_count_.fetch_sub(1, std::memory_order_relaxed);
}

size_t FailoverSessionStore::held() const { return held_count_.load(std::memory_order_relaxed); }

void FailoverSessionStore::Failed(const absl::Status& status) {
  breaker_.RecordFailure();
  warning_.Report(std::string_view(status.message().data(), status.message().size()));
}

absl::StatusOr<SessionState> FailoverSessionStore::Load(const SessionKey& key) {
  if (IsHeld(key) || !breaker_.AllowRequest()) return memory_.Load(key);
  absl::StatusOr<SessionState> state = redis_->Load(key);
  if (state.ok()) {
    breaker_.RecordSuccess();
    return state;
  }
  Failed(state.status());
  return memory_.Load(key);
}

absl::Status FailoverSessionStore::MoveToRedis(const SessionKey& key) {
  absl::StatusOr<SessionState> whole = memory_.Load(key);
  if (!whole.ok()) return whole.status();
  absl::Status moved = redis_->Save(key, Everything(*whole));
  if (!moved.ok()) return moved;
  breaker_.RecordSuccess();
  Release(key);
  return memory_.End(key);
}

absl::Status FailoverSessionStore::Save(const SessionKey& key, const SessionDelta& delta) {
  if (IsHeld(key)) {
    RETURN_IF_ERROR(memory_.Save(key, delta));
    if (!breaker_.AllowRequest()) return absl::OkStatus();
    if (absl::Status moved = MoveToRedis(key); !moved.ok()) Failed(moved);
    return absl::OkStatus();
  }
  if (breaker_.AllowRequest()) {
    absl::Status saved = redis_->Save(key, delta);
    if (saved.ok()) {
      breaker_.RecordSuccess();
      return saved;
    }
    Failed(saved);
  }
  Hold(key);
  return memory_.Save(key, delta);
}

absl::Status FailoverSessionStore::End(const SessionKey& key) {
  RETURN_IF_ERROR(memory_.End(key));
  Release(key);
  if (!breaker_.AllowRequest()) return absl::OkStatus();
  // Redis may keep the session until its TTL if this fails: a next session with the same id
  // would continue it, which a call can live with.
  if (absl::Status ended = redis_->End(key); !ended.ok()) {
    Failed(ended);
  } else {
    breaker_.RecordSuccess();
  }
  return absl::OkStatus();
}

}  // namespace vitrina::sessions
