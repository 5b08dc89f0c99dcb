#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <memory>
#include <string>

#include "server/admin_auth.h"
#include "server/http/http_gateway.h"
#include "server/request_metrics.h"
#include "tests/server/http/json_answers.h"
#include "tests/server/http/mock_cores.h"

namespace vitrina::server::http {

// A gateway on 127.0.0.1 and a free port over strict mocks (a call the test did not expect
// fails it), with the admin token kToken, and a client for it.
class GatewayTest : public ::testing::Test {
 protected:
  static constexpr char kToken[] = "s3cret";

  explicit GatewayTest(std::string token = kToken) : auth_(std::move(token)) {}

  void SetUp() override {
    gateway_ = std::make_unique<HttpGateway>(
        recommender_, admin_, auth_, metrics_,
        [] {
          prometheus::ClientMetric age;
          age.gauge.value = 12.5;
          return std::vector<prometheus::MetricFamily>{
              {"vitrina_model_age_seconds", "Seconds since the model was activated.", prometheus::MetricType::Gauge,
               {age}}};
        },
        [this] {
          return HealthReport{.model_serving = serving_.load(), .registry_intact = true, .detail = health_detail_};
        },
        Options());
    ASSERT_TRUE(gateway_->Start("127.0.0.1", 0).ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", gateway_->port());
    client_->set_url_encode(false);  // targets go out exactly as a test writes them
  }

  // The gateway's options; a test suite may override them.
  virtual HttpGatewayOptions Options() const { return {}; }

  static httplib::Headers AdminHeaders() { return {{"Authorization", std::string("Bearer ") + kToken}}; }

  ::testing::StrictMock<MockRecommenderCore> recommender_;
  ::testing::StrictMock<MockAdminCore> admin_;
  AdminAuth auth_;
  RequestMetrics metrics_;
  std::atomic<bool> serving_{true};
  std::string health_detail_;  // set before the request that reads it
  std::unique_ptr<HttpGateway> gateway_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace vitrina::server::http
