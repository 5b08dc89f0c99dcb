#include "sessions/next_title_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/sessions/fake_session_store.h"
#include "tests/sessions/session_world.h"

namespace vitrina::sessions {
namespace {

class NextTitleServiceTest : public ::testing::Test {
 protected:
  testing::SessionWorld world_;
  testing::FakeSessionStore store_;
  PolicySet policies_ = *PolicySet::FromConfig(testing::ShippedConfig());
  absl::Time now_ = absl::FromUnixMicros(1'700'000'000'000'000);
  NextTitleService service_{policies_, store_, [this] { return now_; }};
};

TEST_F(NextTitleServiceTest, ACallLoadsOnceSavesOnceAndRemembersWhatItShowed) {
  NextTitleRequest request;
  request.user_id = 0;
  request.session_id = "s";
  absl::StatusOr<NextTitleResult> first = service_.Next(request, "random", world_.inputs());
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(store_.loads, 1);
  EXPECT_EQ(store_.saves, 1);
  EXPECT_EQ(first->policy, "random");
  ASSERT_EQ(first->answer.items.size(), 1u);
  SessionState state = *store_.Load({0, "s"});
  EXPECT_EQ(state.shown(), (std::vector<int64_t>{first->answer.items[0].title_id}));
  EXPECT_EQ(state.step(), 1);
}

// The implicit session's id is always empty: its start is what tells one of a user's implicit
// sessions from the next (the experiments' analysis counts sessions by it).
TEST_F(NextTitleServiceTest, ASessionIsNamedByItsStartWhichTheNextSessionOfTheSameIdDoesNotShare) {
  NextTitleRequest request;
  request.user_id = 3;  // no session id: the user's implicit session
  absl::StatusOr<NextTitleResult> first = service_.Next(request, "random", world_.inputs());
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->session_started_unix_micros, absl::ToUnixMicros(now_));
  now_ += absl::Seconds(40);
  absl::StatusOr<NextTitleResult> second = service_.Next(request, "random", world_.inputs());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->session_started_unix_micros, first->session_started_unix_micros);

  ASSERT_TRUE(store_.End({3, ""}).ok());
  now_ += absl::Seconds(40);
  absl::StatusOr<NextTitleResult> next_session = service_.Next(request, "random", world_.inputs());
  ASSERT_TRUE(next_session.ok());
  EXPECT_EQ(next_session->session_started_unix_micros, absl::ToUnixMicros(now_));
}

TEST_F(NextTitleServiceTest, NoPolicyNameMeansTheDefault) {
  NextTitleRequest request;
  absl::StatusOr<NextTitleResult> result = service_.Next(request, "", world_.inputs());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->policy, "memory_hybrid");
}

TEST_F(NextTitleServiceTest, AnUnknownPolicyIsNotFoundAndNamesTheConfiguredOnes) {
  absl::StatusOr<NextTitleResult> result = service_.Next(NextTitleRequest(), "nope", world_.inputs());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(result.status().message()), ::testing::HasSubstr("creator_blend"));
  EXPECT_EQ(store_.loads, 0);
}

TEST_F(NextTitleServiceTest, ARefusedRequestSavesNothing) {
  NextTitleRequest request;
  request.k = 0;
  EXPECT_EQ(service_.Next(request, "", world_.inputs()).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_.saves, 0);
}

TEST_F(NextTitleServiceTest, AStoreFailureIsTheCallsError) {
  store_.fail_with = absl::UnavailableError("down");
  EXPECT_EQ(service_.Next(NextTitleRequest(), "", world_.inputs()).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace vitrina::sessions
