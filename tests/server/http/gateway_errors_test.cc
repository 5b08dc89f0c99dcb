#include <google/protobuf/util/json_util.h>

#include <string>

#include "tests/server/http/gateway_fixture.h"

namespace vitrina::server::http {
namespace {

using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Return;

using GatewayErrorsTest = GatewayTest;

TEST_F(GatewayErrorsTest, AdminRoutesWithoutTokenAreUnauthenticated) {
  for (auto [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/admin/models"},
           {"POST", "/admin/train"},
           {"POST", "/interactions"},
           {"GET", "/admin/blacklist"},
           {"GET", "/rec/hot/interact?user_id=1&title_id=2&int_type=view"},
           {"GET", "/admin/train"},
       }) {
    httplib::Request request;
    request.method = method;
    request.path = path;
    auto result = client_->send(request);
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, 401) << path;
    EXPECT_EQ(result->get_header_value("WWW-Authenticate"), "Bearer") << path;
    EXPECT_EQ(ParseErrorBody(result->body).code, "UNAUTHENTICATED") << path;
  }
}

TEST_F(GatewayErrorsTest, WrongTokenIsPermissionDenied) {
  for (std::string header : {"Bearer wrong", "Bearer s3cre", "Basic s3cret", "s3cret"}) {
    auto result = client_->Get("/admin/models", {{"Authorization", header}});
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 403) << header;
    EXPECT_EQ(ParseErrorBody(result->body).code, "PERMISSION_DENIED") << header;
  }
}

TEST_F(GatewayErrorsTest, RightTokenReachesTheCore) {
  EXPECT_CALL(admin_, ListModels(_)).WillOnce(Return(v1::ListModelsResponse()));
  auto result = client_->Get("/admin/models", AdminHeaders());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, R"({"models":[],"activeModelId":"0"})");
}

TEST_F(GatewayErrorsTest, PublicRoutesNeedNoToken) {
  EXPECT_CALL(recommender_, GetUserRecommendations(_)).WillOnce(Return(v1::RecommendationsResponse()));
  auto result = client_->Get("/titles/recommendations?user_id=1");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
}

class GatewayWithoutTokenTest : public GatewayTest {
 protected:
  GatewayWithoutTokenTest() : GatewayTest("") {}
};

TEST_F(GatewayWithoutTokenTest, AdminRoutesAreOpenWhenNoTokenIsConfigured) {
  EXPECT_CALL(admin_, ListModels(_)).WillOnce(Return(v1::ListModelsResponse()));
  auto result = client_->Get("/admin/models");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
}

TEST_F(GatewayErrorsTest, CoreErrorsMapToHttpStatuses) {
  struct Case {
    absl::StatusCode code;
    int http_status;
  };
  const std::vector<Case> cases = {
      {absl::StatusCode::kInvalidArgument, 400},    {absl::StatusCode::kOutOfRange, 400},
      {absl::StatusCode::kUnauthenticated, 401},    {absl::StatusCode::kPermissionDenied, 403},
      {absl::StatusCode::kNotFound, 404},           {absl::StatusCode::kAlreadyExists, 409},
      {absl::StatusCode::kFailedPrecondition, 409}, {absl::StatusCode::kAborted, 409},
      {absl::StatusCode::kResourceExhausted, 429},  {absl::StatusCode::kCancelled, 499},
      {absl::StatusCode::kInternal, 500},           {absl::StatusCode::kUnknown, 500},
      {absl::StatusCode::kDataLoss, 500},           {absl::StatusCode::kUnimplemented, 501},
      {absl::StatusCode::kUnavailable, 503},        {absl::StatusCode::kDeadlineExceeded, 504},
  };
  for (const Case& c : cases) {
    std::string message = "because \"quoted\"\nand \\ escaped";
    EXPECT_CALL(admin_, GetModel(_)).WillOnce(Return(absl::Status(c.code, message)));
    auto result = client_->Get("/admin/models/1", AdminHeaders());
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, c.http_status) << absl::StatusCodeToString(c.code);
    EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
    ErrorBody error = ParseErrorBody(result->body);
    EXPECT_EQ(error.code, absl::StatusCodeToString(c.code));
    EXPECT_EQ(error.message, message);
  }
}

TEST_F(GatewayErrorsTest, UnknownPathIsNotFoundInJson) {
  for (std::string path : {"/nope", "/health/", "/admin/models/1/2", "/titles", "/admin//models"}) {
    auto result = client_->Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, 404) << path;
    EXPECT_EQ(ParseErrorBody(result->body).code, "NOT_FOUND") << path;
  }
}

TEST_F(GatewayErrorsTest, WrongMethodIsMethodNotAllowedWithTheAllowedOnes) {
  auto put = client_->Put("/health", "", "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 405);
  EXPECT_EQ(put->get_header_value("Allow"), "GET, HEAD");
  EXPECT_THAT(ParseErrorBody(put->body).message, HasSubstr("PUT is not allowed on /health"));

  auto blacklist = client_->Patch("/admin/blacklist", AdminHeaders(), "{}", "application/json");
  ASSERT_TRUE(blacklist);
  EXPECT_EQ(blacklist->status, 405);
  EXPECT_EQ(blacklist->get_header_value("Allow"), "GET, HEAD, POST, DELETE");

  auto model = client_->Post("/admin/models/3", AdminHeaders(), "", "application/json");
  ASSERT_TRUE(model);
  EXPECT_EQ(model->status, 405);
  EXPECT_EQ(model->get_header_value("Allow"), "GET, HEAD, DELETE");

  // HEAD takes a GET route, but not the old service's GET /admin/train: a HEAD must not train.
  auto head = client_->Head("/admin/train", AdminHeaders());
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 405);
  EXPECT_EQ(head->get_header_value("Allow"), "POST, GET");

  auto options = client_->Options("/titles/relevant");
  ASSERT_TRUE(options);
  EXPECT_EQ(options->status, 405);
}

TEST_F(GatewayErrorsTest, OversizedBodyIsRefusedInJson) {
  std::string body(2 << 20, ' ');
  auto result = client_->Post("/interactions", AdminHeaders(), body, "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 413);
  EXPECT_EQ(ParseErrorBody(result->body).code, "RESOURCE_EXHAUSTED");
}

TEST_F(GatewayErrorsTest, HostileInputIsAnsweredNotCrashedOn) {
  // Invalid UTF-8 echoed in the error message still gives valid JSON.
  auto bytes = client_->Get("/titles/recommendations?user_id=%FF%FE%22");
  ASSERT_TRUE(bytes);
  EXPECT_EQ(bytes->status, 400);
  EXPECT_THAT(ParseErrorBody(bytes->body).message, HasSubstr("\xEF\xBF\xBD"));

  // A decoded newline in the path, and a path near httplib's URI limit.
  auto newline = client_->Get("/titles%0Arecommendations");
  ASSERT_TRUE(newline);
  EXPECT_EQ(newline->status, 404);
  auto long_path = client_->Get("/" + std::string(8000, 'a'));
  ASSERT_TRUE(long_path);
  EXPECT_EQ(long_path->status, 404);
  EXPECT_EQ(ParseErrorBody(long_path->body).code, "NOT_FOUND");

  // 100k nested arrays: protobuf's parser flattens the nesting of a repeated field (an empty
  // list here) without recursing per level, and the core's validation answers.
  EXPECT_CALL(admin_, AddToBlacklist(_)).WillOnce([](const v1::BlacklistRequest& request) {
    EXPECT_TRUE(request.title_ids().empty());
    return absl::InvalidArgumentError("no title ids");
  });
  std::string nested = R"({"title_ids":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto deep = client_->Post("/admin/blacklist", AdminHeaders(), nested, "application/json");
  ASSERT_TRUE(deep);
  EXPECT_EQ(deep->status, 400);
  EXPECT_EQ(ParseErrorBody(deep->body).message, "no title ids");

  // A number too large for int64 in JSON.
  auto huge =
      client_->Post("/interactions", AdminHeaders(), R"({"userId":"99999999999999999999"})", "application/json");
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 400);
}

TEST_F(GatewayErrorsTest, MessagesQuoteAtMost64BytesOfTheCallersInput) {
  const std::string long_value(5000, '7');
  const std::string long_word(5000, 'x');
  struct Case {
    std::string method;
    std::string target;
    std::string body;
    int http_status;
    std::string echoed_bytes;  // "(N bytes)" of what the message quotes
  };
  const std::vector<Case> cases = {
      {"GET", "/" + long_word, "", 404, "(5001 bytes)"},
      {"GET", "/titles/recommendations?user_id=" + long_word, "", 400, "(5000 bytes)"},
      {"GET", "/admin/models/" + long_value + "x", "", 400, "(5001 bytes)"},
      {"GET", "/admin/jobs?status=" + long_word, "", 400, "(5000 bytes)"},
      {"GET", "/admin/train?loss=" + long_word, "", 400, "(5000 bytes)"},
      {"GET", "/admin/schedule-training?scheduled_at=" + long_word, "", 400, "(5000 bytes)"},
      // The JSON parser's own message quotes the unknown field: it is cut as a whole.
      {"POST", "/interactions", "{\"" + long_word + "\": 1}", 400, " bytes)"},
  };
  for (const Case& c : cases) {
    httplib::Request request;
    request.method = c.method;
    request.path = c.target;
    request.body = c.body;
    request.headers = AdminHeaders();
    if (!c.body.empty()) request.set_header("Content-Type", "application/json");
    auto result = client_->send(request);
    ASSERT_TRUE(result) << c.target.substr(0, 40);
    EXPECT_EQ(result->status, c.http_status) << c.target.substr(0, 40);
    const std::string message = ParseErrorBody(result->body).message;
    EXPECT_LT(message.size(), 400u) << message;
    EXPECT_THAT(message, HasSubstr("…(")) << message;
    EXPECT_THAT(message, HasSubstr(c.echoed_bytes)) << message;
  }
}

TEST_F(GatewayErrorsTest, StartRefusesATakenPortABadPortAndASecondStart) {
  HttpGateway second(
      recommender_, admin_, auth_, metrics_, [] { return std::vector<prometheus::MetricFamily>(); },
      [] { return HealthReport{.model_serving = true, .registry_intact = true, .detail = ""}; });
  EXPECT_EQ(second.Start("127.0.0.1", gateway_->port()).code(), absl::StatusCode::kUnavailable);
  HttpGateway third(
      recommender_, admin_, auth_, metrics_, [] { return std::vector<prometheus::MetricFamily>(); },
      [] { return HealthReport{.model_serving = true, .registry_intact = true, .detail = ""}; });
  EXPECT_EQ(third.Start("127.0.0.1", 70000).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(gateway_->Start("127.0.0.1", 0).code(), absl::StatusCode::kFailedPrecondition);
  auto still_serving = client_->Get("/health");
  ASSERT_TRUE(still_serving);
  EXPECT_EQ(still_serving->status, 200);
}

}  // namespace
}  // namespace vitrina::server::http
