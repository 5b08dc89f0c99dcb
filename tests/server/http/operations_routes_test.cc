#include "tests/server/http/gateway_fixture.h"
#include "tests/server/prometheus_text.h"

namespace vitrina::server::http {
namespace {

using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Return;

using OperationsRoutesTest = GatewayTest;

TEST_F(OperationsRoutesTest, HealthFollowsTheServingState) {
  auto serving = client_->Get("/health");
  ASSERT_TRUE(serving);
  EXPECT_EQ(serving->status, 200);
  EXPECT_EQ(serving->body, R"({"status":"SERVING"})");

  serving_ = false;
  auto not_serving = client_->Get("/health");
  ASSERT_TRUE(not_serving);
  EXPECT_EQ(not_serving->status, 503);
  EXPECT_EQ(not_serving->body, R"({"status":"NOT_SERVING"})");
}

TEST_F(OperationsRoutesTest, HealthCarriesTheDetailWhenThereIsOne) {
  health_detail_ = R"(model 5: file "m.vtm" is corrupted; serving model 4 instead)";
  auto degraded = client_->Get("/health");
  ASSERT_TRUE(degraded);
  EXPECT_EQ(degraded->status, 200);
  EXPECT_EQ(degraded->body,
            R"({"status":"SERVING","detail":"model 5: file \"m.vtm\" is corrupted; serving model 4 instead"})");

  serving_ = false;
  health_detail_ = "no valid model: model 5 is corrupted";
  auto down = client_->Get("/health");
  ASSERT_TRUE(down);
  EXPECT_EQ(down->status, 503);
  EXPECT_EQ(down->body, R"({"status":"NOT_SERVING","detail":"no valid model: model 5 is corrupted"})");
}

TEST_F(OperationsRoutesTest, MetricsAreValidPrometheusTextAndCountTheCalls) {
  EXPECT_CALL(recommender_, GetUserRecommendations(_))
      .WillOnce(Return(v1::RecommendationsResponse()))
      .WillOnce(Return(v1::RecommendationsResponse()))
      .WillOnce(Return(absl::NotFoundError("no such user")));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client_->Get("/titles/recommendations?user_id=1"));
  ASSERT_TRUE(client_->Get("/titles/recommendations?user_id=x"));
  ASSERT_TRUE(client_->Get("/admin/models"));  // no token
  ASSERT_TRUE(client_->Get("/nowhere"));
  ASSERT_TRUE(client_->Get("/health"));

  auto result = client_->Get("/metrics");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  testing::Exposition metrics = testing::ParsePrometheusText(result->body);

  auto count = [&](std::string method, std::string code) {
    return metrics.Value("vitrina_requests_total", {{"transport", "http"}, {"method", method}, {"code", code}});
  };
  EXPECT_EQ(count("GetUserRecommendations", "OK"), 2);
  EXPECT_EQ(count("GetUserRecommendations", "NOT_FOUND"), 1);
  EXPECT_EQ(count("GetUserRecommendations", "INVALID_ARGUMENT"), 1);
  EXPECT_EQ(count("ListModels", "UNAUTHENTICATED"), 1);
  EXPECT_EQ(count("Unrouted", "NOT_FOUND"), 1);
  EXPECT_EQ(count("Health", "OK"), 1);
  EXPECT_EQ(metrics.Value("vitrina_request_duration_seconds_count",
                          {{"transport", "http"}, {"method", "GetUserRecommendations"}, {"code", "OK"}}),
            2);
  EXPECT_EQ(metrics.types["vitrina_requests_total"], "counter");
  EXPECT_EQ(metrics.types["vitrina_request_duration_seconds"], "histogram");
  // The server's own figures follow the request metrics.
  EXPECT_EQ(metrics.Value("vitrina_model_age_seconds"), 12.5);
}

}  // namespace
}  // namespace vitrina::server::http
