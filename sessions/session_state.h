#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace vitrina::sessions {

// What the user did with a title the session showed: the share of it consumed (0..1).
struct Feedback {
  int64_t title_id = 0;
  double consumed = 0;
  friend bool operator==(const Feedback&, const Feedback&) = default;
};

// The changes one call makes to a session, so that a store writes them in one batch (appends and
// increments, never a read-modify-write of the whole session).
struct SessionDelta {
  std::vector<int64_t> shown;                            // appended to the shown titles
  std::vector<Feedback> feedback;                        // appended to the history
  absl::flat_hash_map<std::string, int> creator_counts;  // added to the counts
  std::optional<int> list_offset;                        // replaces the user's offset
  std::optional<std::deque<int64_t>> tired_titles;       // replace the buffers (a few entries)
  std::optional<std::deque<std::string>> tired_creators;
  int steps = 0;  // calls answered
  // Set by the call that begins the session; a store keeps the first one it is given.
  std::optional<int64_t> started_unix_micros;

  bool empty() const {
    return shown.empty() && feedback.empty() && creator_counts.empty() && !list_offset && !tired_titles &&
           !tired_creators && steps == 0 &&
           !started_unix_micros;
  }
};

// One session's memory as a policy sees it: a snapshot loaded once per call, changed through the
// methods below, which also record the change as a SessionDelta for the store to save in one batch.
class SessionState {
 public:
  // Titles shown in this session, oldest first (the session's history).
  const std::vector<int64_t>& shown() const { return shown_; }
  // What the user consumed of the titles shown, in the order it was reported.
  const std::vector<Feedback>& feedback() const { return feedback_; }
  // Titles shown in this session per creator (name).
  int CreatorCount(const std::string& creator) const;
  const absl::flat_hash_map<std::string, int>& creator_counts() const { return creator_counts_; }
  // The user's position in their personal ranked list (kept across sessions).
  int list_offset() const { return list_offset_; }
  const std::deque<int64_t>& tired_titles() const { return tired_titles_; }
  const std::deque<std::string>& tired_creators() const { return tired_creators_; }
  // Calls answered in this session: with the user and session, what makes a random pick
  // reproducible.
  int64_t step() const { return step_; }
  bool WasShown(int64_t title_id) const;
  // When the session began (0: not yet). With the user and the session id it names one session,
  // which an implicit session (no id) needs: the user's next one reuses the empty id.
  int64_t started_unix_micros() const { return started_unix_micros_; }
  // Changes whenever the shown titles or the creator counts change (RecordShown, Apply): what a
  // filter that caches something derived from them compares.
  int64_t revision() const { return revision_; }

  void RecordShown(int64_t title_id, const std::vector<std::string>& creators);
  void RecordFeedback(const Feedback& feedback);
  void SetListOffset(int offset);
  void SetTired(std::deque<int64_t> titles, std::deque<std::string> creators);
  void CountStep();
  // Begins the session at `now` unless it has begun.
  void MarkStarted(int64_t now_unix_micros);

  const SessionDelta& delta() const { return delta_; }
  // Applies a delta saved earlier (what a store does when it loads, or an in-process store saves).
  void Apply(const SessionDelta& delta);
  void ClearDelta() { delta_ = SessionDelta(); }

 private:
  std::vector<int64_t> shown_;
  std::vector<Feedback> feedback_;
  absl::flat_hash_map<std::string, int> creator_counts_;
  int list_offset_ = 0;
  std::deque<int64_t> tired_titles_;
  std::deque<std::string> tired_creators_;
  int64_t step_ = 0;
  int64_t started_unix_micros_ = 0;
  int64_t revision_ = 0;
  SessionDelta delta_;
};

}  // namespace vitrina::sessions
