// End-to-end: GetNextTitle and EndSession on the real server (Application) through generated
// gRPC stubs: every shipped policy answers, requests are validated field by field, and the
// feedback a session reports is recorded as an interaction.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>

#include "SQLiteCpp/SQLiteCpp.h"
#include "sessions/policy_spec.h"
#include "tests/server/test_server.h"

namespace vitrina::server::testing {
namespace {

using ::testing::HasSubstr;

class SessionsEndToEndTest : public SharedServerTest {
 protected:

  static grpc::Status Next(const v1::GetNextTitleRequest& request, v1::GetNextTitleResponse* response) {
    grpc::ClientContext context;
    return server_->recommender().GetNextTitle(&context, request, response);
  }
  static v1::GetNextTitleResponse NextOk(const v1::GetNextTitleRequest& request) {
    v1::GetNextTitleResponse response;
    grpc::Status status = Next(request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }
  static grpc::Status End(const v1::EndSessionRequest& request) {
    grpc::ClientContext context;
    v1::EndSessionResponse response;
    return server_->recommender().EndSession(&context, request, &response);
  }
  static v1::GetNextTitleRequest Request(int64_t user, std::string policy, std::string session = "") {
    v1::GetNextTitleRequest request;
    request.set_user_id(user);
    request.set_policy(std::move(policy));
    request.set_session_id(std::move(session));
    return request;
  }
  static int64_t PlaysRecorded(int64_t user, int64_t title) {
    SQLite::Database db(server_->app().config().registry_path, SQLite::OPEN_READONLY);
    SQLite::Statement count(db, "SELECT COUNT(*) FROM hot_interactions WHERE user_id = ? AND title_id = ? AND type = 'play'");
    count.bind(1, user);
    count.bind(2, title);
    count.executeStep();
    return count.getColumn(0).getInt64();
  }

};

TEST_F(SessionsEndToEndTest, EveryShippedPolicyAnswersASessionWithoutRepeatingItself) {
  int64_t user = 10;
  for (const auto& [name, spec] : sessions::DefaultSessionsConfig().policies) {
    SCOPED_TRACE(name);
    const std::string session = "s-" + name;
    v1::GetNextTitleResponse first = NextOk(Request(++user, name, session));
    ASSERT_EQ(first.items_size(), 1);
    EXPECT_EQ(first.policy(), name);
    EXPECT_EQ(first.session_id(), session);
    EXPECT_GT(first.model_id(), 0);
    EXPECT_NE(first.branch(), "none");
    std::set<int64_t> shown{first.items(0).title_id()};
    int64_t previous = first.items(0).title_id();
    for (int step = 0; step < 8; ++step) {
      v1::GetNextTitleRequest request = Request(user, name, session);
      request.set_previous_title_id(previous);
      request.set_consumed(step % 3 == 0 ? 0.1 : 0.9);  // skips and likes
      v1::GetNextTitleResponse next = NextOk(request);
      ASSERT_EQ(next.items_size(), 1) << "step " << step;
      const v1::NextTitle& item = next.items(0);
      EXPECT_GT(item.probability(), 0);
      EXPECT_LE(item.probability(), 1);
      EXPECT_FALSE(item.source().empty());
      EXPECT_NE(item.title_id(), previous);
      if (spec.admissible.no_repeats) {
        EXPECT_TRUE(shown.insert(item.title_id()).second) << "repeated " << item.title_id();
      }
      previous = item.title_id();
    }
  }
}

TEST_F(SessionsEndToEndTest, NoPolicyMeansTheConfiguredDefaultAndKAnswersThatManyTitles) {
  v1::GetNextTitleRequest request = Request(3, "");
  request.set_k(5);
  v1::GetNextTitleResponse response = NextOk(request);
  EXPECT_EQ(response.policy(), sessions::DefaultSessionsConfig().default_policy);
  EXPECT_EQ(response.items_size(), 5);
  std::set<int64_t> distinct;
  for (const auto& item : response.items()) distinct.insert(item.title_id());
  EXPECT_EQ(distinct.size(), 5u);
}

TEST_F(SessionsEndToEndTest, UserZeroIsAUser) {
  v1::GetNextTitleResponse response = NextOk(Request(0, "top_popular"));
  EXPECT_EQ(response.items_size(), 1);
}

TEST_F(SessionsEndToEndTest, EndSessionForgetsTheSessionSoItsRandomDrawsStartOver) {
  // A random pick depends on (seed, user, session, step): a new session replays step 0.
  const v1::GetNextTitleRequest request = Request(21, "random", "replay");
  const int64_t first = NextOk(request).items(0).title_id();
  const int64_t second = NextOk(request).items(0).title_id();
  v1::EndSessionRequest end;
  end.set_user_id(21);
  end.set_session_id("replay");
  ASSERT_TRUE(End(end).ok());
  EXPECT_EQ(NextOk(request).items(0).title_id(), first);
  EXPECT_EQ(NextOk(request).items(0).title_id(), second);
}

TEST_F(SessionsEndToEndTest, ReportedFeedbackIsRecordedAsAPlayInteraction) {
  const int64_t user = 31;
  const int64_t played = NextOk(Request(user, "top_popular")).items(0).title_id();
  ASSERT_EQ(PlaysRecorded(user, played), 0);
  v1::GetNextTitleRequest request = Request(user, "top_popular");
  request.set_previous_title_id(played);
  request.set_consumed(0.75);
  const int64_t next = NextOk(request).items(0).title_id();
  EXPECT_EQ(PlaysRecorded(user, played), 1);

  v1::EndSessionRequest end;
  end.set_user_id(user);
  end.set_last_title_id(next);
  end.set_consumed(0.5);
  ASSERT_TRUE(End(end).ok());
  EXPECT_EQ(PlaysRecorded(user, next), 1);
}

// HotInteractionStore accepts id 0 (a catalog id), so user 0's feedback is recorded, not only logged.
TEST_F(SessionsEndToEndTest, FeedbackOfUserZeroIsRecordedAsAPlayInteraction) {
  const int64_t played = NextOk(Request(0, "top_popular", "zero")).items(0).title_id();
  const int64_t before = PlaysRecorded(0, played);
  v1::GetNextTitleRequest request = Request(0, "top_popular", "zero");
  request.set_previous_title_id(played);
  request.set_consumed(1.0);
  NextOk(request);
  EXPECT_EQ(PlaysRecorded(0, played), before + 1);
}

TEST_F(SessionsEndToEndTest, InvalidRequestsNameTheirField) {
  struct Case {
    std::string name;
    std::function<void(v1::GetNextTitleRequest&)> change;
    grpc::StatusCode code;
    std::string message;
  };
  const int64_t known_title = NextOk(Request(40, "top_popular")).items(0).title_id();
  const std::vector<Case> cases = {
      {"negative user", [](auto& r) { r.set_user_id(-1); }, grpc::INVALID_ARGUMENT, "user_id"},
      {"consumed above 1", [&](auto& r) { r.set_previous_title_id(known_title); r.set_consumed(1.5); },
       grpc::INVALID_ARGUMENT, "consumed"},
      {"consumed below 0", [&](auto& r) { r.set_previous_title_id(known_title); r.set_consumed(-0.1); },
       grpc::INVALID_ARGUMENT, "consumed"},
      {"consumed NaN", [&](auto& r) { r.set_previous_title_id(known_title); r.set_consumed(std::nan("")); },
       grpc::INVALID_ARGUMENT, "consumed"},
      {"consumed infinite",
       [&](auto& r) { r.set_previous_title_id(known_title); r.set_consumed(std::numeric_limits<double>::infinity()); },
       grpc::INVALID_ARGUMENT, "consumed"},
      {"consumed without a title", [](auto& r) { r.set_consumed(0.5); }, grpc::INVALID_ARGUMENT, "previous_title_id"},
      {"title without consumed", [&](auto& r) { r.set_previous_title_id(known_title); }, grpc::INVALID_ARGUMENT,
       "consumed"},
      {"negative title", [](auto& r) { r.set_previous_title_id(-4); r.set_consumed(0.5); }, grpc::INVALID_ARGUMENT,
       "previous_title_id"},
      {"unknown title", [](auto& r) { r.set_previous_title_id(987654321); r.set_consumed(0.5); }, grpc::NOT_FOUND,
       "987654321"},
      {"k too large", [](auto& r) { r.set_k(101); }, grpc::INVALID_ARGUMENT, "k must be in 1..100"},
      {"k negative", [](auto& r) { r.set_k(-1); }, grpc::INVALID_ARGUMENT, "k must be in 1..100"},
      {"unknown policy", [](auto& r) { r.set_policy("nope"); }, grpc::INVALID_ARGUMENT, "memory_hybrid"},
      {"session id with a space", [](auto& r) { r.set_session_id("a b"); }, grpc::INVALID_ARGUMENT, "session_id"},
      {"session id too long", [](auto& r) { r.set_session_id(std::string(129, 'a')); }, grpc::INVALID_ARGUMENT,
       "session_id"},
      {"negative exclusion", [](auto& r) { r.add_exclude_title_ids(-2); }, grpc::INVALID_ARGUMENT,
       "exclude_title_ids"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::GetNextTitleRequest request = Request(41, "top_popular");
    c.change(request);
    v1::GetNextTitleResponse response;
    grpc::Status status = Next(request, &response);
    EXPECT_EQ(status.error_code(), c.code) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(c.message));
  }

  v1::EndSessionRequest end;
  end.set_user_id(41);
  end.set_last_title_id(987654321);
  end.set_consumed(0.5);
  EXPECT_EQ(End(end).error_code(), grpc::NOT_FOUND);
  end.set_last_title_id(known_title);
  end.set_consumed(2);
  EXPECT_EQ(End(end).error_code(), grpc::INVALID_ARGUMENT);
  end.clear_last_title_id();
  end.clear_consumed();
  end.set_user_id(-3);
  EXPECT_EQ(End(end).error_code(), grpc::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace vitrina::server::testing
