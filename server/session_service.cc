#include "server/session_service.h"

#include <cmath>

#include "common/status_macros.h"
#include "fmt/format.h"
#include "server/call_next_titles.h"
#include "server/title_filter.h"
#include "serving/filter_chain.h"

namespace vitrina::server {
namespace {

absl::Status ValidId(std::string_view field, int64_t id) {
  if (id < 0) return absl::InvalidArgumentError(fmt::format("{} must be a catalog id (0 or more), got {}", field, id));
  return absl::OkStatus();
}

absl::Status ValidSessionId(const std::string& id) {
  if (id.size() > SessionService::kMaxSessionIdLength) {
    return absl::InvalidArgumentError(
        fmt::format("session_id must be at most {} characters, got {}", SessionService::kMaxSessionIdLength, id.size()));
  }
  for (char c : id) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                         c == '_' || c == ':' || c == '-';
    if (!allowed) {
      return absl::InvalidArgumentError("session_id may hold only letters, digits and . _ : - (empty: the implicit session)");
    }
  }
  return absl::OkStatus();
}

// The reported title and its consumed share: both or neither, the title a catalog id, the share
// a finite number in [0, 1].
absl::Status ValidFeedback(std::string_view title_field, bool has_title, int64_t title_id, bool has_consumed,
                           double consumed) {
  if (has_title) RETURN_IF_ERROR(ValidId(title_field, title_id));
  if (has_consumed) {
    if (!std::isfinite(consumed) || consumed < 0 || consumed > 1) {
      return absl::InvalidArgumentError(fmt::format("consumed must be a number in [0, 1], got {}", consumed));
    }
    if (!has_title) return absl::InvalidArgumentError(fmt::format("consumed needs {}", title_field));
  } else if (has_title) {
    return absl::InvalidArgumentError(fmt::format("{} needs consumed (the share of it consumed, 0..1)", title_field));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const ServedModel>> Serving(const ModelHolder& models) {
  std::shared_ptr<const ServedModel> served = models.Current();
  if (served == nullptr || served->sessions == nullptr) return absl::UnavailableError(models.NothingServesReason());
  return served;
}

absl::Status KnownTitle(const ServedModel& served, std::string_view field, int64_t title_id) {
  if (!served.model->ItemIndex(title_id)) {
    return absl::NotFoundError(fmt::format("unknown title {} ({})", title_id, field));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::GetNextTitleResponse> SessionService::GetNextTitle(const v1::GetNextTitleRequest& request,
                                                                      std::shared_ptr<const ServedModel> served) const {
  RETURN_IF_ERROR(ValidId("user_id", request.user_id()));
  RETURN_IF_ERROR(ValidSessionId(request.session_id()));
  RETURN_IF_ERROR(ValidFeedback("previous_title_id", request.has_previous_title_id(), request.previous_title_id(),
                                request.has_consumed(), request.consumed()));
  const int k = request.k() == 0 ? 1 : request.k();
  if (k < 1 || k > sessions::NextTitlePolicy::kMaxK) {
    return absl::InvalidArgumentError(
        fmt::format("k must be in 1..{} (0 means 1), got {}", sessions::NextTitlePolicy::kMaxK, request.k()));
  }
  for (int64_t id : request.exclude_title_ids()) RETURN_IF_ERROR(ValidId("exclude_title_ids", id));
  ASSIGN_OR_RETURN(const serving::AttributeSpec attributes, ValidAttributeSpec(request.filter()));
  if (absl::StatusOr<const sessions::NextTitlePolicy*> policy = policies_.Find(request.policy()); !policy.ok()) {
    return absl::InvalidArgumentError(fmt::format("policy: {}", std::string(policy.status().message())));
  }
  if (served == nullptr || served->sessions == nullptr) {
    ASSIGN_OR_RETURN(served, Serving(models_));
  }
  if (request.has_previous_title_id()) RETURN_IF_ERROR(KnownTitle(*served, "previous_title_id", request.previous_title_id()));

  sessions::NextTitleRequest next;
  next.user_id = request.user_id();
  next.session_id = request.session_id();
  if (request.has_previous_title_id()) next.previous_title_id = request.previous_title_id();
  if (request.has_consumed()) next.consumed = request.consumed();
  next.k = k;
  next.exclude_title_ids.assign(request.exclude_title_ids().begin(), request.exclude_title_ids().end());
  const RequestAttributeFilter attribute_filter(*served, attributes);
  // Hard constraints, kept by the last resorts too: the request's attributes and the titles the
  // catalog withdrew since the model's snapshot.
  const std::shared_ptr<const Newcomers> newcomers =
      newcomers_ != nullptr ? newcomers_->For(served->model_id) : nullptr;
  const bool any_withdrawn = newcomers != nullptr && newcomers->withdrawn->digest != 0;
  serving::FilterChain constraints;
  if (!attributes.empty()) constraints.Add(&attribute_filter);
  if (any_withdrawn) constraints.Add(&newcomers->withdrawn->filter);
  if (!attributes.empty() || any_withdrawn) next.attributes = &constraints;
  std::shared_ptr<const blacklist::BlacklistSnapshot> blacklist = blacklist_.Snapshot();
  const sessions::SessionModel& parts = *served->sessions;
  // The learned next-title model when one is active, kept alive for the call if it is swapped meanwhile.
  const CallNextTitles next_titles(served, learned_next_titles_.Current());
  const sessions::PolicyInputs inputs{.model = *served->model,
                                      .creators = parts.creators(),
                                      .popular = served->popular->ranking(),
                                      .next_titles = next_titles.model(),
                                      .blacklist = blacklist.get(),
                                      .personal_lists = &parts.personal_lists(),
                                      .personal_graph = served->ann ? &served->ann->personal() : nullptr};
  ASSIGN_OR_RETURN(sessions::NextTitleResult result, next_.Next(next, request.policy(), inputs));
  if (next.previous_title_id && next.consumed) feedback_.Record(next.user_id, *next.previous_title_id, *next.consumed);

  v1::GetNextTitleResponse response;
  for (const serving::Candidate& candidate : result.answer.items) {
    v1::NextTitle* item = response.add_items();
    item->set_title_id(candidate.title_id);
    item->set_score(candidate.score);
    item->set_probability(candidate.probability);
    item->set_source(std::string(candidate.source));
  }
  response.set_policy(result.policy);
  response.set_branch(result.answer.branch);
  response.set_model_id(served->model_id);
  response.set_session_id(request.session_id());
  response.set_session_started_unix_micros(result.session_started_unix_micros);
  return response;
}

absl::StatusOr<v1::EndSessionResponse> SessionService::EndSession(const v1::EndSessionRequest& request) const {
  RETURN_IF_ERROR(ValidId("user_id", request.user_id()));
  RETURN_IF_ERROR(ValidSessionId(request.session_id()));
  RETURN_IF_ERROR(ValidFeedback("last_title_id", request.has_last_title_id(), request.last_title_id(),
                                request.has_consumed(), request.consumed()));
  if (request.has_last_title_id()) {
    ASSIGN_OR_RETURN(std::shared_ptr<const ServedModel> served, Serving(models_));
    RETURN_IF_ERROR(KnownTitle(*served, "last_title_id", request.last_title_id()));
  }
  RETURN_IF_ERROR(store_.End({request.user_id(), request.session_id()}));
  if (request.has_last_title_id()) feedback_.Record(request.user_id(), request.last_title_id(), request.consumed());
  return v1::EndSessionResponse();
}

}  // namespace vitrina::server
