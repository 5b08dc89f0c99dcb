#include "server/session_feedback.h"

#include "registry/unix_time.h"

namespace vitrina::server {

void SessionFeedback::Record(int64_t user_id, int64_t title_id, double consumed) {
  registry::HotInteraction interaction;
  interaction.user_id = user_id;
  interaction.title_id = title_id;
  interaction.type = type_;
  interaction.value = consumed;
  interaction.timestamp = registry::UnixNow();
  if (absl::Status stored = recorder_ ? recorder_(interaction) : store_.Append(interaction); !stored.ok()) {
    failures_.Report(std::string_view(stored.message().data(), stored.message().size()));
    return;
  }
  recent_.Add(user_id, title_id, interaction.timestamp);
  if (realtime_ != nullptr) realtime_->Record(user_id, title_id, type_, consumed);
  cache_.InvalidateUser(user_id);
}

}  // namespace vitrina::server
