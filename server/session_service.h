#pragma once

#include "blacklist/blacklist_manager.h"
#include "server/catalog_newcomers.h"
#include "server/served_model.h"
#include "server/session_feedback.h"
#include "sessions/next_title_service.h"
#include "sessions/policy_set.h"
#include "sessions/session_store.h"
#include "vitrina/v1/recommender.pb.h"

namespace vitrina::server {

// GetNextTitle and EndSession: validates the request, runs the named policy on the served model
// through the session store (one load, one save), and records the reported feedback.
class SessionService {
 public:
  static constexpr size_t kMaxSessionIdLength = 128;

  // `newcomers` (optional): the titles the catalog withdrew since the served model's snapshot,
  // never answered.
  SessionService(const ModelHolder& models, const NextTitleHolder& learned_next_titles,
                 const blacklist::BlacklistManager& blacklist, const sessions::PolicySet& policies,
                 sessions::SessionStore& store, SessionFeedback& feedback, const NewcomersHolder* newcomers = nullptr)
      : models_(models), learned_next_titles_(learned_next_titles), blacklist_(blacklist), policies_(policies),
        store_(store), next_(policies, store), feedback_(feedback), newcomers_(newcomers) {}

  // `served`: the personal model an experiment arm chose; null: the active one.
  absl::StatusOr<v1::GetNextTitleResponse> GetNextTitle(const v1::GetNextTitleRequest& request,
                                                        std::shared_ptr<const ServedModel> served = nullptr) const;
  absl::StatusOr<v1::EndSessionResponse> EndSession(const v1::EndSessionRequest& request) const;

 private:
  const ModelHolder& models_;
  const NextTitleHolder& learned_next_titles_;  // empty until a NEXT_TITLE model is activated
  const blacklist::BlacklistManager& blacklist_;
  const sessions::PolicySet& policies_;
  sessions::SessionStore& store_;
  sessions::NextTitleService next_;
  SessionFeedback& feedback_;
  const NewcomersHolder* newcomers_;
};

}  // namespace vitrina::server
