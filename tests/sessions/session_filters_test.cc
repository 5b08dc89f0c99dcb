// The session filters against the session they read: the creator cap follows the counts as the
// session changes during a call (a pick caps a creator for the next pick of the same call).
#include "sessions/session_filters.h"

#include <gtest/gtest.h>

#include "tests/serving/tiny_model.h"
#include "tests/sessions/six_titles_model.h"

namespace vitrina::sessions {
namespace {

class SessionFiltersTest : public ::testing::Test {
 protected:
  SessionFiltersTest() {
    model_ = std::make_unique<trainer::Model>(serving::testing::MakeTinyModel(testing::SixTitlesByThreeCreators()));
    creators_ = std::make_unique<CreatorIndex>(*model_);
  }

  void Show(int64_t title) { state_.RecordShown(title, creators_->CreatorsOfTitle(title)); }

  std::unique_ptr<trainer::Model> model_;
  std::unique_ptr<CreatorIndex> creators_;
  SessionState state_;
};

TEST_F(SessionFiltersTest, TheCreatorCapFollowsTheSessionAsItChangesDuringACall) {
  const CreatorCapFilter cap(*creators_, state_, 2);
  EXPECT_FALSE(cap.Rejects(1));  // asked before the session shows anything
  Show(1);
  EXPECT_FALSE(cap.Rejects(4)) << "one title of a, the cap is two";
  Show(4);
  EXPECT_TRUE(cap.Rejects(1)) << "a is at its cap after the second title";
  EXPECT_TRUE(cap.Rejects(3)) << "a title of b and a: one capped creator is enough";
  EXPECT_FALSE(cap.Rejects(2));
  EXPECT_FALSE(cap.Rejects(5));
  EXPECT_FALSE(cap.Rejects(6)) << "a title without a creator is never capped";
  EXPECT_FALSE(cap.Rejects(999)) << "nor a title the model does not know";
}

TEST_F(SessionFiltersTest, TheCreatorCapCountsWhatALoadedSessionShowedAndIgnoresCreatorsTheModelDoesNotKnow) {
  SessionDelta saved;
  saved.creator_counts = {{"b", 3}, {"gone", 5}};
  state_.Apply(saved);
  const CreatorCapFilter cap(*creators_, state_, 3);
  EXPECT_TRUE(cap.Rejects(2));
  EXPECT_TRUE(cap.Rejects(3));
  EXPECT_FALSE(cap.Rejects(1));
  EXPECT_FALSE(cap.Rejects(5));
}

TEST_F(SessionFiltersTest, ACapOfZeroRejectsEveryTitleWithACreator) {
  const CreatorCapFilter cap(*creators_, state_, 0);
  EXPECT_TRUE(cap.Rejects(1));
  EXPECT_TRUE(cap.Rejects(5));
  EXPECT_FALSE(cap.Rejects(6));
}

}  // namespace
}  // namespace vitrina::sessions
