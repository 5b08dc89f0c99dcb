// The shipped presets (config/vitrina.example.yaml, sessions.policies) hold their rules, played
// through the fake session store: one load and one save per call, as the server will.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "serving/filter_chain.h"
#include "sessions/next_title_policy.h"
#include "tests/sessions/fake_session_store.h"
#include "tests/sessions/session_world.h"

namespace vitrina::sessions {
namespace {

using testing::SessionWorld;

class AcceptAll final : public serving::CandidateFilter {
 public:
  bool Rejects(int64_t) const override { return false; }
};

// A listener's side of one policy: asks, reports, and keeps what the store keeps.
class Player {
 public:
  Player(const SessionWorld& world, PolicySpec spec, uint64_t seed = 7) : world_(world), policy_(std::move(spec), seed) {}

  NextTitleAnswer Next(std::optional<int64_t> previous, std::optional<double> consumed, int64_t user = 0,
                       const std::string& session = "s", int k = 1) {
    NextTitleRequest request;
    request.user_id = user;
    request.session_id = session;
    request.previous_title_id = previous;
    request.consumed = consumed;
    request.k = k;
    SessionState state = *store.Load({user, session});
    absl::StatusOr<NextTitleAnswer> answer = policy_.Next(request, world_.inputs(), state);
    EXPECT_TRUE(answer.ok()) << answer.status().message();
    EXPECT_TRUE(store.Save({user, session}, state.delta()).ok());
    return answer.ok() ? *answer : NextTitleAnswer();
  }
  // One title answered: its id (-1 when none).
  int64_t NextTitle(std::optional<int64_t> previous, std::optional<double> consumed, const std::string& session = "s") {
    NextTitleAnswer answer = Next(previous, consumed, 0, session);
    last_ = answer;
    return answer.items.empty() ? -1 : answer.items[0].title_id;
  }
  SessionState State(const std::string& session = "s", int64_t user = 0) { return *store.Load({user, session}); }
  const NextTitleAnswer& last() const { return last_; }

  testing::FakeSessionStore store;

 private:
  const SessionWorld& world_;
  NextTitlePolicy policy_;
  NextTitleAnswer last_;
};

// User 0's personal list (all 60 titles, best first).
std::vector<int64_t> PersonalList(const SessionWorld& world) {
  std::vector<int64_t> list;
  const auto ranked = world.model().TopItemsForUser(0, 60, [](int32_t) { return false; });
  for (const auto& hit : *ranked) {
    list.push_back(world.model().dataset().items().ids().IdAt(hit.index));
  }
  return list;
}

std::vector<int64_t> BestNextTitles(const SessionWorld& world, int64_t title, int n) {
  std::vector<int64_t> titles;
  const auto next = world.inputs().next_titles.NextTitles(title, n, AcceptAll());
  for (const auto& candidate : *next) titles.push_back(candidate.title_id);
  return titles;
}

PolicySpec WithoutExploration(PolicySpec spec) {
  for (RuleSpec& rule : spec.rules) {
    if (rule.when == Condition::kExplore) rule.probability = 0;
  }
  return spec;
}

class PresetsTest : public ::testing::Test {
 protected:
  SessionWorld world_;
};

TEST_F(PresetsTest, TheWorldIsWhatTheTestsAssume) {
  const std::vector<int64_t> list = PersonalList(world_);
  EXPECT_EQ(std::vector<int64_t>(list.begin(), list.begin() + 3), (std::vector<int64_t>{9, 10, 8}));
  EXPECT_EQ(BestNextTitles(world_, 25, 4), (std::vector<int64_t>{24, 26, 23, 27}));
  EXPECT_EQ(world_.creators().CreatorsOfTitle(25), (std::vector<std::string>{"c2"}));
}

TEST_F(PresetsTest, MemoryHybridWalksThePersonalListFromTheUsersOffsetAcrossSessions) {
  Player player(world_, WithoutExploration(testing::ShippedPreset("memory_hybrid")));
  const std::vector<int64_t> list = PersonalList(world_);
  EXPECT_EQ(player.NextTitle(std::nullopt, std::nullopt), list[0]);
  EXPECT_EQ(player.last().branch, "ranked");
  EXPECT_EQ(player.NextTitle(list[0], 0.5), list[1]);
  EXPECT_EQ(player.NextTitle(list[1], 0.5), list[2]);
  EXPECT_EQ(player.State().list_offset(), 3);
  // A new session of the same user goes on where the list was left.
  EXPECT_EQ(player.NextTitle(std::nullopt, std::nullopt, "another"), list[3]);
  EXPECT_EQ(player.State("another").list_offset(), 4);
}

TEST_F(PresetsTest, MemoryHybridSkipResetsTheOffsetAndTakesTheFirstAdmissibleOfTheThreeBestNextTitles) {
  Player player(world_, WithoutExploration(testing::ShippedPreset("memory_hybrid")));
  const std::vector<int64_t> list = PersonalList(world_);
  player.NextTitle(std::nullopt, std::nullopt);    // list[0] = 9
  player.NextTitle(list[0], 0.5);                  // list[1] = 10
  ASSERT_EQ(player.State().list_offset(), 2);
  // 10's three best next titles are 9 (shown), 11 and 8, in this order.
  ASSERT_EQ(BestNextTitles(world_, 10, 3), (std::vector<int64_t>{9, 11, 8}));
  EXPECT_EQ(player.NextTitle(10, 0.1), 11);
  EXPECT_EQ(player.last().branch, "skip");
  EXPECT_EQ(player.last().items[0].source, "next_title");
  EXPECT_EQ(player.State().list_offset(), 0);
  // Skip again from 11: its three best are 10 (shown), 12 (c1 is capped at two now: 10, 11) and 9
  // (shown): nothing admissible, so the personal list answers from the reset offset.
  ASSERT_EQ(BestNextTitles(world_, 11, 3), (std::vector<int64_t>{10, 12, 9}));
  EXPECT_EQ(player.NextTitle(11, 0.0), 8);  // list: 9 shown, 10 shown, 8
  EXPECT_EQ(player.last().branch, "ranked");
}

TEST_F(PresetsTest, MemoryHybridLikeKeepsTheOffsetAndPicksARandomTitleOfTheSameCreator) {
  Player player(world_, WithoutExploration(testing::ShippedPreset("memory_hybrid")));
  player.NextTitle(std::nullopt, std::nullopt);  // 9, creator c0
  const int64_t liked = player.NextTitle(9, 0.5);  // 10, creator c1
  const int offset = player.State().list_offset();
  const int64_t next = player.NextTitle(liked, 0.8);  // a like: at or above 0.8
  EXPECT_EQ(player.last().branch, "like");
  EXPECT_EQ(SessionWorld::CreatorOf(next), SessionWorld::CreatorOf(liked));
  EXPECT_NE(next, liked);
  // c1 made 10..19; 10 was shown: nine admissible titles, one drawn.
  EXPECT_DOUBLE_EQ(player.last().items[0].probability, 1.0 / 9);
  EXPECT_EQ(player.State().list_offset(), offset);
}

TEST_F(PresetsTest, MemoryHybridNeverRepeatsAndCapsEachCreatorAtTwoPerSession) {
  Player player(world_, testing::ShippedPreset("memory_hybrid"));
  std::set<int64_t> shown;
  std::map<std::string, int> per_creator;
  std::optional<int64_t> previous;
  const double consumed[] = {0.1, 0.5, 0.9, 0.2, 0.85};
  int answered = 0;
  for (int call = 0; call < 30; ++call) {
    NextTitleAnswer answer =
        player.Next(previous, previous ? std::optional<double>(consumed[call % 5]) : std::nullopt);
    if (answer.items.empty()) {
      EXPECT_EQ(answer.branch, "none");
      continue;
    }
    const int64_t title = answer.items[0].title_id;
    EXPECT_TRUE(shown.insert(title).second) << "repeated " << title << " at call " << call;
    EXPECT_LE(++per_creator[SessionWorld::CreatorOf(title)], 2) << title;
    previous = title;
    ++answered;
  }
  EXPECT_EQ(answered, 12);  // six creators, two titles each: then nothing is admissible
}

TEST_F(PresetsTest, MemoryHybridExploresAtItsRateWithinTheBinomialConfidenceInterval) {
  Player player(world_, testing::ShippedPreset("memory_hybrid"));
  const int calls = 20000;
  const double epsilon = 0.02;
  int explored = 0;
  for (int i = 0; i < calls; ++i) {
    NextTitleAnswer answer = player.Next(std::nullopt, std::nullopt, 0, "session-" + std::to_string(i));
    ASSERT_EQ(answer.items.size(), 1u);
    if (answer.branch == "explore") {
      ++explored;
      // epsilon times one of the 60 popular titles (the top 100 is the whole catalog here).
      EXPECT_DOUBLE_EQ(answer.items[0].probability, epsilon / 60);
    } else {
      // The personal list, or popular titles once the user's offset has walked past its end.
      EXPECT_THAT(answer.branch, ::testing::AnyOf("ranked", "fallback"));
      EXPECT_DOUBLE_EQ(answer.items[0].probability, 1 - epsilon);
    }
  }
  // 99.9% two-sided normal interval of a binomial proportion.
  const double half_width = 3.29 * std::sqrt(epsilon * (1 - epsilon) / calls);
  EXPECT_NEAR(static_cast<double>(explored) / calls, epsilon, half_width) << explored << " of " << calls;
}

TEST_F(PresetsTest, TheSameSeedGivesTheSameAnswersAndAnotherSeedOthers) {
  auto play = [&](uint64_t seed) {
    Player player(world_, testing::ShippedPreset("top_popular"), seed);
    std::vector<int64_t> titles;
    std::optional<int64_t> previous;
    for (int call = 0; call < 20; ++call) {
      titles.push_back(player.NextTitle(previous, previous ? std::optional<double>(0.5) : std::nullopt));
      previous = titles.back();
    }
    return titles;
  };
  EXPECT_EQ(play(7), play(7));
  EXPECT_NE(play(7), play(8));
}

TEST_F(PresetsTest, ImprovedIndexedSkipDrawsFromTheUsersTopFive) {
  Player player(world_, testing::ShippedPreset("improved_indexed"));
  const std::vector<int64_t> list = PersonalList(world_);
  const std::set<int64_t> top_five(list.begin(), list.begin() + 5);
  player.NextTitle(std::nullopt, std::nullopt);  // the list's first
  const int64_t drawn = player.NextTitle(list[0], 0.3);  // at most 0.3 is a skip here
  EXPECT_EQ(player.last().branch, "skip");
  EXPECT_TRUE(top_five.contains(drawn)) << drawn;
  EXPECT_NE(drawn, list[0]);
  EXPECT_DOUBLE_EQ(player.last().items[0].probability, 1.0 / 4);  // list[0] was shown
}

TEST_F(PresetsTest, ImprovedIndexedOtherwiseAnswersTheTitleAfterThePreviousInTheList) {
  Player player(world_, testing::ShippedPreset("improved_indexed"));
  const std::vector<int64_t> list = PersonalList(world_);
  EXPECT_EQ(player.NextTitle(list[6], 0.31), list[7]);
  EXPECT_EQ(player.last().branch, "ranked");
  // A previous title outside the list (unknown to the model): the list's first.
  EXPECT_EQ(player.NextTitle(1000, 0.9), list[0]);
}

TEST_F(PresetsTest, ImprovedIndexedFallsBackToPopularForAUserOutsideTheModel) {
  Player player(world_, testing::ShippedPreset("improved_indexed"));
  NextTitleAnswer answer = player.Next(std::nullopt, std::nullopt, /*user=*/99);
  ASSERT_EQ(answer.items.size(), 1u);
  EXPECT_EQ(answer.items[0].title_id, 59);
  EXPECT_EQ(answer.branch, "fallback");
}

TEST_F(PresetsTest, FatigueContextualTiresTitlesAndCreatorsConsumedBelowTheThreshold) {
  Player player(world_, testing::ShippedPreset("fatigue_contextual"));
  const int64_t first = player.NextTitle(std::nullopt, std::nullopt);
  const int64_t next = player.NextTitle(first, 0.5);
  SessionState state = player.State();
  EXPECT_EQ(state.tired_titles(), (std::deque<int64_t>{first}));
  EXPECT_EQ(state.tired_creators(), (std::deque<std::string>{SessionWorld::CreatorOf(first)}));
  EXPECT_EQ(player.last().branch, "contextual");
  EXPECT_NE(SessionWorld::CreatorOf(next), SessionWorld::CreatorOf(first));
  const std::vector<int64_t> pool = BestNextTitles(world_, first, 20);
  EXPECT_NE(std::find(pool.begin(), pool.end(), next), pool.end()) << next;
  // The twenty are first's 19 cluster mates and one title of another cluster; nine mates share
  // first's (tired) creator: eleven remain to draw from.
  EXPECT_DOUBLE_EQ(player.last().items[0].probability, 1.0 / 11);

  // Consumed at or above 0.7: nothing more gets tired.
  player.NextTitle(next, 0.7);
  EXPECT_EQ(player.State().tired_titles().size(), 1u);
}

TEST_F(PresetsTest, CreatorBlendAnswersTheBestAdmissibleBlendedNeighbour) {
  Player player(world_, testing::ShippedPreset("creator_blend"));
  // Creator embeddings are zero in this world, so the blend ranks by the title cosine alone.
  EXPECT_EQ(player.NextTitle(25, 0.5), 24);
  EXPECT_EQ(player.last().branch, "similar");
  EXPECT_EQ(player.last().items[0].source, "creator_blend");
  EXPECT_EQ(player.NextTitle(24, 0.5), 23);  // 24's nearest
}

TEST_F(PresetsTest, RandomDrawsEveryTitleOnceWithItsProbability) {
  Player player(world_, testing::ShippedPreset("random"));
  std::set<int64_t> shown;
  for (int call = 0; call < 60; ++call) {
    const int64_t title = player.NextTitle(std::nullopt, std::nullopt);
    ASSERT_NE(title, -1) << call;
    EXPECT_TRUE(shown.insert(title).second) << title;
    EXPECT_EQ(player.last().branch, "random");
    EXPECT_DOUBLE_EQ(player.last().items[0].probability, 1.0 / 60);
  }
  EXPECT_EQ(player.NextTitle(std::nullopt, std::nullopt), -1);
  EXPECT_EQ(player.last().branch, "none");
}

TEST_F(PresetsTest, TopPopularDrawsUniformlyAmongThePopularTitlesNotShown) {
  Player player(world_, testing::ShippedPreset("top_popular"));
  player.NextTitle(std::nullopt, std::nullopt);
  player.NextTitle(std::nullopt, std::nullopt);
  EXPECT_EQ(player.last().branch, "popular");
  EXPECT_DOUBLE_EQ(player.last().items[0].probability, 1.0 / 59);
}

TEST_F(PresetsTest, StickyCreatorStaysWithThePreviousTitlesCreatorThenFallsBack) {
  Player player(world_, testing::ShippedPreset("sticky_creator"));
  EXPECT_GE(player.NextTitle(std::nullopt, std::nullopt), 0);
  EXPECT_EQ(player.last().branch, "fallback");  // no previous title: popular
  int64_t previous = 33;
  for (int call = 0; call < 5; ++call) {
    const int64_t title = player.NextTitle(previous, 0.5);
    EXPECT_EQ(SessionWorld::CreatorOf(title), "c3") << title;
    EXPECT_EQ(player.last().branch, "creator");
    previous = title;
  }
}

TEST_F(PresetsTest, KTitlesAtOnceAreDistinctAndFilledByFallbacks) {
  Player player(world_, WithoutExploration(testing::ShippedPreset("memory_hybrid")));
  NextTitleAnswer answer = player.Next(std::nullopt, std::nullopt, 0, "s", /*k=*/5);
  ASSERT_EQ(answer.items.size(), 5u);
  std::map<std::string, int> per_creator;
  std::set<int64_t> titles;
  for (const auto& item : answer.items) {
    EXPECT_TRUE(titles.insert(item.title_id).second);
    EXPECT_LE(++per_creator[SessionWorld::CreatorOf(item.title_id)], 2);
  }
}

TEST_F(PresetsTest, BadRequestsNameTheField) {
  NextTitlePolicy policy(testing::ShippedPreset("memory_hybrid"), 7);
  SessionState state;
  auto ask = [&](NextTitleRequest request) { return policy.Next(request, world_.inputs(), state).status(); };
  NextTitleRequest request;
  request.consumed = 0.5;
  EXPECT_THAT(std::string(ask(request).message()), ::testing::HasSubstr("previous_title_id"));
  request.previous_title_id = 3;
  request.consumed = 1.5;
  EXPECT_THAT(std::string(ask(request).message()), ::testing::HasSubstr("consumed"));
  request.consumed = 0.5;
  request.k = 0;
  EXPECT_THAT(std::string(ask(request).message()), ::testing::HasSubstr("k must be"));
  request.k = 1;
  request.user_id = -1;
  EXPECT_EQ(ask(request).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(state.delta().empty());  // a refused call changes nothing
}

}  // namespace
}  // namespace vitrina::sessions
