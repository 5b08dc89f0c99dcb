#pragma once

#include <map>
#include <string>
#include <utility>

#include "sessions/session_store.h"

namespace vitrina::sessions::testing {

// Session memory for tests: no TTLs, every call counted, and failures on demand.
class FakeSessionStore final : public SessionStore {
 public:
  absl::StatusOr<SessionState> Load(const SessionKey& key) override {
    ++loads;
    if (!fail_with.ok()) return fail_with;
    SessionState state;
    if (auto found = saved_.find({key.user_id, key.session_id}); found != saved_.end()) state.Apply(found->second);
    if (auto offset = offsets_.find(key.user_id); offset != offsets_.end()) {
      SessionDelta with_offset;
      with_offset.list_offset = offset->second;
      state.Apply(with_offset);
    }
    state.ClearDelta();
    return state;
  }

  absl::Status Save(const SessionKey& key, const SessionDelta& delta) override {
    ++saves;
    if (!fail_with.ok()) return fail_with;
    SessionState merged;
    auto& saved = saved_[{key.user_id, key.session_id}];
    merged.Apply(saved);
    merged.Apply(delta);
    saved = SessionDelta();
    saved.shown = merged.shown();
    saved.feedback = merged.feedback();
    saved.creator_counts = merged.creator_counts();
    saved.tired_titles = merged.tired_titles();
    saved.tired_creators = merged.tired_creators();
    saved.steps = static_cast<int>(merged.step());
    if (merged.started_unix_micros() != 0) saved.started_unix_micros = merged.started_unix_micros();
    if (delta.list_offset) offsets_[key.user_id] = *delta.list_offset;
    return absl::OkStatus();
  }

  absl::Status End(const SessionKey& key) override {
    saved_.erase({key.user_id, key.session_id});
    return absl::OkStatus();
  }

  int loads = 0;
  int saves = 0;
  absl::Status fail_with = absl::OkStatus();

 private:
  std::map<std::pair<int64_t, std::string>, SessionDelta> saved_;
  std::map<int64_t, int> offsets_;
};

}  // namespace vitrina::sessions::testing
