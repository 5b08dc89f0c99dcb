#include "simulation/listener_model.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/simulation/test_catalog.h"

namespace vitrina::simulation {
namespace {

class ListenerModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<Catalog> built = Catalog::Build(testing::SmallTitles(), {0, 1, 2, 3, 4, 5, 6, 7});
    ASSERT_TRUE(built.ok()) << built.status().message();
    catalog_ = std::make_unique<Catalog>(*std::move(built));
    for (int genre : catalog_->interest_genres()) {
      if (catalog_->GenreName(genre) == "a") genre_a_ = genre;
    }
    quiet_.noise = 0;
  }

  // A session with interest "a" starting at title 1.
  SessionPlan PlanA(int64_t index = 0) const {
    return {.index = index, .user_index = 0, .user = 0, .interest = genre_a_, .start_title = 1};
  }

  std::unique_ptr<Catalog> catalog_;
  int genre_a_ = -1;
  ListenerModel quiet_;  // no noise: shares are exact
};

TEST_F(ListenerModelTest, ConsumptionFallsWithDistanceFromTheInterest) {
  Listener listener(*catalog_, quiet_, PlanA(), 7);
  EXPECT_DOUBLE_EQ(*listener.Play(2), 0.9);                       // distance 0
  EXPECT_DOUBLE_EQ(*listener.Play(11), 0.05 + 0.85 * 5 / 29);     // distance 24/29
  EXPECT_DOUBLE_EQ(*listener.Play(30), 0.05);                     // distance 1

  // With noise, on average over many sessions, too.
  ListenerModel noisy;
  double near = 0, middle = 0, far = 0;
  for (int64_t session = 0; session < 200; ++session) {
    Listener a(*catalog_, noisy, PlanA(session), 7);
    near += *a.Play(3);
    middle += *a.Play(12);
    far += *a.Play(31);
  }
  EXPECT_GT(near, middle);
  EXPECT_GT(middle, far);
  EXPECT_NEAR(near / 200, 0.9, 0.03);
  EXPECT_NEAR(far / 200, 0.075, 0.03);  // 0.05 +- 0.1 clamped at 0 averages 0.075
}

TEST_F(ListenerModelTest, ARepeatInTheSessionIsNotConsumed) {
  Listener listener(*catalog_, quiet_, PlanA(), 7);
  EXPECT_GT(listener.start_share(), 0);
  EXPECT_DOUBLE_EQ(*listener.Play(1), 0);  // the start title again
  EXPECT_GT(*listener.Play(2), 0);
  EXPECT_DOUBLE_EQ(*listener.Play(2), 0);
  // A new session forgets.
  Listener next(*catalog_, quiet_, PlanA(1), 7);
  EXPECT_GT(*next.Play(2), 0);
}

TEST_F(ListenerModelTest, RepeatedCreatorsDecay) {
  Listener listener(*catalog_, quiet_, PlanA(), 7);
  EXPECT_DOUBLE_EQ(*listener.Play(40), 0.9);
  EXPECT_DOUBLE_EQ(*listener.Play(41), 0.9 * 0.6);
  EXPECT_DOUBLE_EQ(*listener.Play(42), 0.9 * 0.6 * 0.6);
}

TEST_F(ListenerModelTest, UnavailableAndUnknownTitles) {
  Listener listener(*catalog_, quiet_, PlanA(), 7);
  EXPECT_DOUBLE_EQ(*listener.Play(50), 0);
  EXPECT_EQ(listener.Play(999).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ListenerModelTest, PatienceRunsOutFasterOnPoorAnswers) {
  // Far titles: each costs 0.05 + 0.4 * 0.95 = 0.43, so the third ends the session.
  Listener bored(*catalog_, quiet_, PlanA(), 7);
  int far_titles = 0;
  for (int64_t id = 30; id <= 39 && !bored.Over(); ++id, ++far_titles) ASSERT_TRUE(bored.Play(id).ok());
  EXPECT_EQ(far_titles, 3);
  EXPECT_TRUE(bored.Over());

  // Near titles: each costs 0.05 + 0.4 * 0.1 = 0.09, so the session lasts 12 titles.
  Listener pleased(*catalog_, quiet_, PlanA(), 7);
  const std::vector<int64_t> near = {2, 3, 4, 5, 6, 7, 8, 9, 10, 21, 22, 23, 24, 25};
  int near_titles = 0;
  for (size_t i = 0; i < near.size() && !pleased.Over(); ++i, ++near_titles) {
    ASSERT_TRUE(pleased.Play(near[i]).ok());
  }
  EXPECT_EQ(near_titles, 12);
  EXPECT_GT(pleased.consumed_total(), 12 * 0.9 - 1e-9);
}

TEST_F(ListenerModelTest, ASessionNeverExceedsItsMaximumLength) {
  ListenerModel tireless = quiet_;
  tireless.step_cost = 0;
  tireless.dissatisfaction_cost = 0;
  tireless.max_session_length = 5;
  Listener listener(*catalog_, tireless, PlanA(), 7);
  int played = 0;
  for (int64_t id = 30; !listener.Over(); ++id, ++played) ASSERT_TRUE(listener.Play(id).ok());
  EXPECT_EQ(played, 5);
}

TEST_F(ListenerModelTest, TheSameSeedGivesTheSameSessions) {
  for (int64_t index = 0; index < 50; ++index) {
    const SessionPlan first = PlanSession(*catalog_, 11, 8, index);
    const SessionPlan again = PlanSession(*catalog_, 11, 8, index);
    EXPECT_EQ(first.user, again.user);
    EXPECT_EQ(first.interest, again.interest);
    EXPECT_EQ(first.start_title, again.start_title);
    // The start title is an available title of the session's interest, which is one of the user's.
    const Catalog::Title* start = catalog_->Find(first.start_title);
    ASSERT_NE(start, nullptr);
    EXPECT_TRUE(start->available);
    EXPECT_DOUBLE_EQ(catalog_->Distance(*start, first.interest), 0);
    const std::vector<int> interests = UserInterests(*catalog_, 11, first.user);
    EXPECT_NE(std::find(interests.begin(), interests.end(), first.interest), interests.end());

    ListenerModel noisy;
    Listener a(*catalog_, noisy, first, 11);
    Listener b(*catalog_, noisy, again, 11);
    EXPECT_EQ(a.start_share(), b.start_share());
    for (int64_t id : {2, 11, 30, 40}) EXPECT_EQ(*a.Play(id), *b.Play(id));
  }
}

TEST_F(ListenerModelTest, SeedsChangeTheSessions) {
  int differing = 0;
  for (int64_t index = 0; index < 50; ++index) {
    const SessionPlan one = PlanSession(*catalog_, 1, 8, index);
    const SessionPlan two = PlanSession(*catalog_, 2, 8, index);
    differing += one.user != two.user || one.start_title != two.start_title;
  }
  EXPECT_GT(differing, 25);
}

TEST_F(ListenerModelTest, UsersHaveOneToThreeDistinctInterests) {
  std::set<size_t> counts;
  for (int64_t user = 0; user < 100; ++user) {
    const std::vector<int> interests = UserInterests(*catalog_, 3, user);
    counts.insert(interests.size());
    EXPECT_EQ(std::set<int>(interests.begin(), interests.end()).size(), interests.size());
    EXPECT_EQ(interests, UserInterests(*catalog_, 3, user));
  }
  EXPECT_EQ(counts, (std::set<size_t>{1, 2, 3}));
}

TEST_F(ListenerModelTest, SessionsUseOnlyTheFirstUsers) {
  for (int64_t index = 0; index < 100; ++index) {
    EXPECT_LT(PlanSession(*catalog_, 5, 3, index).user_index, 3u);
  }
}

TEST(ListenerModelValidationTest, NamesTheFieldOutOfRange) {
  ListenerModel model;
  EXPECT_TRUE(model.Validate().ok());
  model.creator_decay = 1.5;
  EXPECT_NE(std::string(model.Validate().message()).find("creator_decay"), std::string::npos);
  model = {};
  model.max_session_length = 0;
  EXPECT_NE(std::string(model.Validate().message()).find("max_session_length"), std::string::npos);
  model = {};
  model.patience = 0;
  EXPECT_NE(std::string(model.Validate().message()).find("patience"), std::string::npos);
}

}  // namespace
}  // namespace vitrina::simulation
