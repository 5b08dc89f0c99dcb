#include "sessions/fatigue.h"

#include <algorithm>
#include <deque>
#include <string>

namespace vitrina::sessions {

int64_t TireAndFindContext(const FatigueSpec& fatigue, const CreatorIndex& creators, int64_t previous, SessionState& state) {
  std::deque<int64_t> titles = state.tired_titles();
  std::deque<std::string> tired = state.tired_creators();
  if (std::find(titles.begin(), titles.end(), previous) == titles.end()) titles.push_back(previous);
  while (static_cast<int>(titles.size()) > fatigue.titles) titles.pop_front();
  bool overflowed = false;
  for (const std::string& creator : creators.CreatorsOfTitle(previous)) {
    auto found = std::find(tired.begin(), tired.end(), creator);
    if (found != tired.end()) tired.erase(found);  // again: the newest
    tired.push_back(creator);
    while (static_cast<int>(tired.size()) > fatigue.creators) {
      tired.pop_front();
      overflowed = true;
    }
  }
  state.SetTired(titles, tired);
  if (!overflowed) return previous;
  const std::vector<int64_t>& history = state.shown();
  for (auto title = history.rbegin(); title != history.rend(); ++title) {
    if (*title == previous) continue;
    const std::vector<std::string>& of_title = creators.CreatorsOfTitle(*title);
    const bool tired_creator = std::any_of(of_title.begin(), of_title.end(), [&](const std::string& creator) {
      return std::find(tired.begin(), tired.end(), creator) != tired.end();
    });
    if (!tired_creator) return *title;
  }
  return previous;
}

}  // namespace vitrina::sessions
