// End-to-end over HTTP: the classic next-track protocol (POST /next/{user}, POST /last/{user})
// and the JSON mapping of GetNextTitle / EndSession on the real server, through cpp-httplib.
#include <gmock/gmock.h>
#include <google/protobuf/struct.pb.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <regex>

#include "fmt/format.h"
#include "tests/server/http/json_answers.h"
#include "tests/server/test_server.h"

namespace vitrina::server::testing {
namespace {

using ::testing::HasSubstr;

class HttpSessionsTest : public SharedServerTest {
 protected:
  static void SetUpTestSuite() {
    StartSharedServer([](ServerConfig& config) { config.http_listen = "127.0.0.1:0"; });
  }

  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->app().http_port());
    client_->set_keep_alive(true);
    client_->set_tcp_nodelay(true);  // so that only the server's writes can stall
  }

  httplib::Response Post(const std::string& target, const std::string& body) {
    httplib::Result result = client_->Post(target, body, "application/json");
    EXPECT_TRUE(result) << "POST " << target << ": " << httplib::to_string(result.error());
    return result ? *result : httplib::Response();
  }

  // A title the model knows (the first answer of a popular pick).
  int64_t SomeTitle() {
    httplib::Response response = Post("/titles/next", R"({"user_id": "1", "policy": "top_popular"})");
    EXPECT_EQ(response.status, 200) << response.body;
    auto answer = http::ParseAnswer<v1::GetNextTitleResponse>(response.body);
    EXPECT_GT(answer.items_size(), 0);
    return answer.items_size() > 0 ? answer.items(0).title_id() : 0;
  }

  std::unique_ptr<httplib::Client> client_;
};

TEST_F(HttpSessionsTest, NextAnswersTheUserAndATrackAsJsonIntegers) {
  const int64_t track = SomeTitle();
  for (int64_t user : {0, 7}) {
    httplib::Response response = Post(fmt::format("/next/{}", user), fmt::format(R"({{"track": {}, "time": 0.9}})", track));
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_TRUE(std::regex_match(response.body, std::regex(fmt::format(R"(\{{"user": {}, "track": [0-9]+\}})", user))))
        << response.body;
    auto fields = http::ParseAnswer<google::protobuf::Struct>(response.body).fields();
    EXPECT_NE(fields["track"].number_value(), track);
  }
}

TEST_F(HttpSessionsTest, NextFollowsTheNamedPolicyAndLastEndsTheSession) {
  const int64_t track = SomeTitle();
  const std::string body = fmt::format(R"({{"track": {}, "time": 0.2}})", track);
  for (const char* policy : {"memory_hybrid", "improved_indexed", "fatigue_contextual", "creator_blend", "random",
                             "top_popular", "sticky_creator"}) {
    SCOPED_TRACE(policy);
    httplib::Response response = Post(fmt::format("/next/12?policy={}", policy), body);
    EXPECT_EQ(response.status, 200) << response.body;
  }
  httplib::Response last = Post("/last/12", body);
  EXPECT_EQ(last.status, 200) << last.body;
  EXPECT_EQ(last.body, R"({"user": 12})");
}

// A player always gets a next track: a session longer than the catalog (120 demo titles) goes on
// past the creator cap and, once every title was played, starts over. (Before, /next answered 404
// once the default policy's rules had nothing admissible left.)
TEST_F(HttpSessionsTest, ASessionLongerThanTheCatalogKeepsGettingTracks) {
  int64_t track = SomeTitle();
  const std::regex answer(R"(\{"user": 23, "track": ([0-9]+)\})");
  for (int call = 0; call < 150; ++call) {
    httplib::Response response = Post("/next/23", fmt::format(R"({{"track": {}, "time": 0.5}})", track));
    ASSERT_EQ(response.status, 200) << "call " << call << ": " << response.body;
    std::smatch match;
    ASSERT_TRUE(std::regex_match(response.body, match, answer)) << response.body;
    const int64_t next = std::stoll(match[1]);
    EXPECT_NE(next, track) << "call " << call;
    track = next;
  }
  EXPECT_EQ(Post("/last/23", fmt::format(R"({{"track": {}, "time": 0.5}})", track)).status, 200);
}

TEST_F(HttpSessionsTest, BadRequestsGet400WithAJsonMessage) {
  const int64_t track = SomeTitle();
  struct Case {
    std::string target;
    std::string body;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"/next/5", "", "JSON object"},
      {"/next/5", "not json", "JSON object"},
      {"/next/5", "[1, 2]", "JSON object"},
      {"/next/5", R"({"time": 0.5})", "track"},
      {"/next/5", fmt::format(R"({{"track": {}}})", track), "time"},
      {"/next/5", fmt::format(R"({{"track": "{}", "time": 0.5}})", track), "track"},
      {"/next/5", fmt::format(R"({{"track": {}.5, "time": 0.5}})", track), "track"},
      {"/next/5", fmt::format(R"({{"track": {}, "time": "0.5"}})", track), "time"},
      {"/next/5", fmt::format(R"({{"track": {}, "time": 1.5}})", track), "time"},
      {"/next/5", fmt::format(R"({{"track": {}, "time": -0.1}})", track), "time"},
      {"/next/5", fmt::format(R"({{"track": {}, "time": 0.5, "extra": 1}})", track), "extra"},
      {"/next/x", fmt::format(R"({{"track": {}, "time": 0.5}})", track), "user"},
      {"/next/-2", fmt::format(R"({{"track": {}, "time": 0.5}})", track), "user_id"},
      {"/next/5?policy=nope", fmt::format(R"({{"track": {}, "time": 0.5}})", track), "memory_hybrid"},
      {"/last/5", R"({"track": 1})", "time"},
      {"/titles/next", R"({"user_id": "1", "k": 500})", "k must be"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.target + " " + c.body);
    httplib::Response response = Post(c.target, c.body);
    EXPECT_EQ(response.status, 400) << response.body;
    http::ErrorBody error = http::ParseErrorBody(response.body);
    EXPECT_EQ(error.code, "INVALID_ARGUMENT");
    EXPECT_THAT(error.message, HasSubstr(c.message));
  }
  httplib::Response unknown = Post("/next/5", R"({"track": 987654321, "time": 0.5})");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
}

TEST_F(HttpSessionsTest, TheJsonMappingRoutesAnswerLikeGrpc) {
  httplib::Response next = Post("/titles/next", R"({"user_id": "3", "session_id": "web-1", "k": 3, "policy": "creator_blend"})");
  ASSERT_EQ(next.status, 200) << next.body;
  auto answer = http::ParseAnswer<v1::GetNextTitleResponse>(next.body);
  EXPECT_EQ(answer.items_size(), 3);
  EXPECT_EQ(answer.policy(), "creator_blend");
  EXPECT_EQ(answer.session_id(), "web-1");
  httplib::Response end = Post("/sessions/end", R"({"user_id": "3", "session_id": "web-1"})");
  EXPECT_EQ(end.status, 200) << end.body;
  EXPECT_EQ(end.body, "{}");
}

// httplib writes a reply's headers and body apart: without TCP_NODELAY on the server each
// keep-alive request waits ~40 ms for the client's delayed ACK. And the connection stays open.
TEST_F(HttpSessionsTest, KeepAliveRequestsAreNotDelayedByNagle) {
  const std::string body = fmt::format(R"({{"track": {}, "time": 0.9}})", SomeTitle());
  std::vector<double> millis;
  for (int i = 0; i < 30; ++i) {
    auto start = std::chrono::steady_clock::now();
    httplib::Response response = Post("/next/9?policy=random", body);
    millis.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_NE(response.get_header_value("Connection"), "close");
  }
  std::sort(millis.begin(), millis.end());
  EXPECT_LT(millis[millis.size() / 2], 20.0) << "median of 30 keep-alive requests";
}

}  // namespace
}  // namespace vitrina::server::testing
