#include "sessions/session_state.h"

#include <algorithm>

namespace vitrina::sessions {

int SessionState::CreatorCount(const std::string& creator) const {
  auto found = creator_counts_.find(creator);
  return found == creator_counts_.end() ? 0 : found->second;
}

bool SessionState::WasShown(int64_t title_id) const {
  return std::find(shown_.begin(), shown_.end(), title_id) != shown_.end();
}

void SessionState::RecordShown(int64_t title_id, const std::vector<std::string>& creators) {
  ++revision_;
  shown_.push_back(title_id);
  delta_.shown.push_back(title_id);
  for (const std::string& creator : creators) {
    ++creator_counts_[creator];
    ++delta_.creator_counts[creator];
  }
}

void SessionState::RecordFeedback(const Feedback& feedback) {
  feedback_.push_back(feedback);
  delta_.feedback.push_back(feedback);
}

void SessionState::SetListOffset(int offset) {
  list_offset_ = offset;
  delta_.list_offset = offset;
}

void SessionState::SetTired(std::deque<int64_t> titles, std::deque<std::string> creators) {
  tired_titles_ = titles;
  tired_creators_ = creators;
  delta_.tired_titles = std::move(titles);
  delta_.tired_creators = std::move(creators);
}

void SessionState::CountStep() {
  ++step_;
  ++delta_.steps;
}

void SessionState::MarkStarted(int64_t now_unix_micros) {
  if (started_unix_micros_ != 0) return;
  started_unix_micros_ = now_unix_micros;
  delta_.started_unix_micros = now_unix_micros;
}

void SessionState::Apply(const SessionDelta& delta) {
  ++revision_;
  shown_.insert(shown_.end(), delta.shown.begin(), delta.shown.end());
  feedback_.insert(feedback_.end(), delta.feedback.begin(), delta.feedback.end());
  for (const auto& [creator, count] : delta.creator_counts) creator_counts_[creator] += count;
  if (delta.list_offset) list_offset_ = *delta.list_offset;
  if (delta.tired_titles) tired_titles_ = *delta.tired_titles;
  if (delta.tired_creators) tired_creators_ = *delta.tired_creators;
  step_ += delta.steps;
  if (delta.started_unix_micros && started_unix_micros_ == 0) started_unix_micros_ = *delta.started_unix_micros;
}

}  // namespace vitrina::sessions
