#include "sessions/next_title_service.h"

#include "common/status_macros.h"

namespace vitrina::sessions {

absl::StatusOr<NextTitleResult> NextTitleService::Next(const NextTitleRequest& request, std::string_view policy,
                                                       const PolicyInputs& inputs) const {
  ASSIGN_OR_RETURN(const NextTitlePolicy* chosen, policies_.Find(policy));
  const SessionKey key{request.user_id, request.session_id};
  ASSIGN_OR_RETURN(SessionState state, store_.Load(key));
  state.MarkStarted(absl::ToUnixMicros(now_()));
  ASSIGN_OR_RETURN(NextTitleAnswer answer, chosen->Next(request, inputs, state));
  RETURN_IF_ERROR(store_.Save(key, state.delta()));
  return NextTitleResult{std::move(answer), chosen->name(), state.started_unix_micros()};
}

}  // namespace vitrina::sessions
