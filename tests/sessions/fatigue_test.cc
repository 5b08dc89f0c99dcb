#include "sessions/fatigue.h"

#include <gtest/gtest.h>

#include "tests/sessions/session_world.h"

namespace vitrina::sessions {
namespace {

using testing::SessionWorld;

class FatigueTest : public ::testing::Test {
 protected:
  void Shown(std::initializer_list<int64_t> titles) {
    for (int64_t title : titles) state_.RecordShown(title, world_.creators().CreatorsOfTitle(title));
  }

  SessionWorld world_;
  SessionState state_;
  FatigueSpec fatigue_{.below = 0.7, .titles = 3, .creators = 1};
};

TEST_F(FatigueTest, TheFirstTiredCreatorFillsTheBufferWithoutSteppingBack) {
  Shown({5, 15, 25});
  EXPECT_EQ(TireAndFindContext(fatigue_, world_.creators(), 25, state_), 25);
  EXPECT_EQ(state_.tired_titles(), (std::deque<int64_t>{25}));
  EXPECT_EQ(state_.tired_creators(), (std::deque<std::string>{"c2"}));
}

TEST_F(FatigueTest, TheSameCreatorAgainDoesNotOverflow) {
  Shown({5, 21, 22});
  TireAndFindContext(fatigue_, world_.creators(), 21, state_);
  EXPECT_EQ(TireAndFindContext(fatigue_, world_.creators(), 22, state_), 22);
  EXPECT_EQ(state_.tired_creators(), (std::deque<std::string>{"c2"}));
}

TEST_F(FatigueTest, AnOverflowingCreatorStepsBackToTheLastTitleOfAnotherCreator) {
  // History: 5 (c0), 12 (c1), 33 (c3), 35 (c3); 12 was tired (c1), now 35 (c3) is: c1 leaves the
  // buffer, c3 is tired, and the session continues from 12, the last title not by c3.
  Shown({5, 12, 33, 35});
  TireAndFindContext(fatigue_, world_.creators(), 12, state_);
  EXPECT_EQ(TireAndFindContext(fatigue_, world_.creators(), 35, state_), 12);
  EXPECT_EQ(state_.tired_creators(), (std::deque<std::string>{"c3"}));
  EXPECT_EQ(state_.tired_titles(), (std::deque<int64_t>{12, 35}));
}

TEST_F(FatigueTest, WithNoTitleOfAnotherCreatorTheContextStaysThePreviousTitle) {
  Shown({30, 31});
  state_.SetTired({}, {"c0"});
  EXPECT_EQ(TireAndFindContext(fatigue_, world_.creators(), 31, state_), 31);
}

TEST_F(FatigueTest, TheTitlesBufferKeepsTheNewest) {
  for (int64_t title : {1, 2, 3, 4}) TireAndFindContext(fatigue_, world_.creators(), title, state_);
  EXPECT_EQ(state_.tired_titles(), (std::deque<int64_t>{2, 3, 4}));
  ASSERT_TRUE(state_.delta().tired_titles.has_value());  // recorded for the store
  EXPECT_EQ(*state_.delta().tired_titles, (std::deque<int64_t>{2, 3, 4}));
}

}  // namespace
}  // namespace vitrina::sessions
