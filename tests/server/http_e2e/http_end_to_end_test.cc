// End-to-end over HTTP: the real server (Application) with its HTTP/JSON listener on 127.0.0.1
// port 0 and an admin token, called through cpp-httplib as any HTTP client would.
#include <gmock/gmock.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <map>
#include <set>

#include "SQLiteCpp/SQLiteCpp.h"
#include "fmt/format.h"
#include "registry/unix_time.h"
#include "tests/server/http/json_answers.h"
#include "tests/server/http/raw_http.h"
#include "tests/server/prometheus_text.h"
#include "tests/server/test_server.h"

namespace vitrina::server::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kToken[] = "s3cret";

httplib::Headers AdminHeaders() { return {{"Authorization", fmt::format("Bearer {}", kToken)}}; }

std::vector<int64_t> TitleIds(const v1::RecommendationsResponse& response) {
  std::vector<int64_t> ids;
  for (const auto& item : response.items()) ids.push_back(item.title_id());
  return ids;
}

class HttpEndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    ServerConfig config = TestServer::SmallConfig(dir_->path());
    config.http_listen = "127.0.0.1:0";
    config.admin_token = kToken;
    server_ = TestServer::Start(config).release();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(server_->app().http_port(), 0);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->app().http_port());
    client_->set_read_timeout(60, 0);  // the legacy training route answers once its model exists
  }

  // GET that must answer; fails the test (and returns an empty 0 response) otherwise.
  httplib::Response Get(const std::string& target, const httplib::Headers& headers = {}) {
    httplib::Result result = client_->Get(target, headers);
    EXPECT_TRUE(result) << "GET " << target << ": " << httplib::to_string(result.error());
    return result ? *result : httplib::Response();
  }

  v1::RecommendationsResponse Recommend(int64_t user, int k) {
    httplib::Response response = Get(fmt::format("/titles/recommendations?user_id={}&k={}", user, k));
    EXPECT_EQ(response.status, 200) << response.body;
    return http::ParseAnswer<v1::RecommendationsResponse>(response.body);
  }

  v1::RecommendationsResponse RecommendOverGrpc(int64_t user, int k) {
    grpc::ClientContext context;
    v1::GetUserRecommendationsRequest request;
    request.set_user_id(user);
    request.set_k(k);
    v1::RecommendationsResponse response;
    grpc::Status status = server_->recommender().GetUserRecommendations(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  Exposition ScrapeMetrics() {
    httplib::Response response = Get("/metrics");
    EXPECT_EQ(response.status, 200);
    EXPECT_THAT(response.get_header_value("Content-Type"), HasSubstr("text/plain"));
    return ParsePrometheusText(response.body);
  }

  static TempDir* dir_;
  static TestServer* server_;
  std::unique_ptr<httplib::Client> client_;
};
TempDir* HttpEndToEndTest::dir_ = nullptr;
TestServer* HttpEndToEndTest::server_ = nullptr;

TEST_F(HttpEndToEndTest, RecommendationsAreKPersonalTitlesInJson) {
  httplib::Response response = Get("/titles/recommendations?user_id=7&k=7");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.get_header_value("Content-Type"), "application/json");
  auto answer = http::ParseAnswer<v1::RecommendationsResponse>(response.body);
  ASSERT_EQ(answer.items_size(), 7);
  EXPECT_EQ(answer.source(), v1::MODEL);
  EXPECT_GT(answer.model_id(), 0);
  std::vector<int64_t> ids = TitleIds(answer);
  EXPECT_EQ(std::set<int64_t>(ids.begin(), ids.end()).size(), 7u) << "no duplicates";
  for (int i = 1; i < answer.items_size(); ++i) EXPECT_GE(answer.items(i - 1).score(), answer.items(i).score());
}

TEST_F(HttpEndToEndTest, RelevantTitlesAnswerAlikeOnTheLegacyMisspeltPath) {
  const int64_t title = Recommend(3, 1).items(0).title_id();
  httplib::Response relevant = Get(fmt::format("/titles/relevant?title_id={}&k=5", title));
  httplib::Response legacy = Get(fmt::format("/titles/relavant?title_id={}&k=5", title));
  ASSERT_EQ(relevant.status, 200) << relevant.body;
  ASSERT_EQ(legacy.status, 200) << legacy.body;
  auto answer = http::ParseAnswer<v1::RecommendationsResponse>(relevant.body);
  std::vector<int64_t> ids = TitleIds(answer);
  EXPECT_EQ(ids.size(), 5u);
  EXPECT_THAT(ids, ::testing::Not(::testing::Contains(title)));
  EXPECT_EQ(TitleIds(http::ParseAnswer<v1::RecommendationsResponse>(legacy.body)), ids);
}

TEST_F(HttpEndToEndTest, PostedInteractionRemovesTheTitleFromThatUsersAnswer) {
  std::vector<int64_t> before = TitleIds(Recommend(11, 5));
  ASSERT_EQ(before.size(), 5u);
  const std::string body = fmt::format(R"({{"userId": 11, "titleId": {}, "type": "view", "value": 1.0}})", before[0]);
  httplib::Result posted = client_->Post("/interactions", AdminHeaders(), body, "application/json");
  ASSERT_TRUE(posted) << httplib::to_string(posted.error());
  ASSERT_EQ(posted->status, 200) << posted->body;

  std::vector<int64_t> after = TitleIds(Recommend(11, 5));
  EXPECT_EQ(after.size(), 5u);
  EXPECT_THAT(after, ::testing::Not(::testing::Contains(before[0])));
  // Only the watched title left: the others move up one place.
  EXPECT_EQ(std::vector<int64_t>(after.begin(), after.begin() + 4),
            std::vector<int64_t>(before.begin() + 1, before.end()));
}

TEST_F(HttpEndToEndTest, HealthIsOkOnceAModelServes) {
  httplib::Response response = Get("/health");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"status":"SERVING"})");
}

TEST_F(HttpEndToEndTest, MetricsCountTheCallsOfBothTransportsTheModelAndTheCache) {
  auto requests = [](const char* transport, const char* method, const char* code) {
    return SeriesKey("vitrina_requests_total", {{"transport", transport}, {"method", method}, {"code", code}});
  };
  const std::string grpc_ok = requests("grpc", "GetUserRecommendations", "OK");
  const std::string http_ok = requests("http", "GetUserRecommendations", "OK");
  const std::string http_invalid = requests("http", "GetUserRecommendations", "INVALID_ARGUMENT");
  const std::string scrapes = requests("http", "Metrics", "OK");
  const std::string hits = SeriesKey("vitrina_cache_requests_total", {{"backend", "memory"}, {"result", "hit"}});
  const std::string misses = SeriesKey("vitrina_cache_requests_total", {{"backend", "memory"}, {"result", "miss"}});
  std::map<std::string, double> before = ScrapeMetrics().samples;

  // A user no other test asks for: the first call misses the cache, the four others hit it.
  constexpr int64_t kUser = 41;
  v1::RecommendationsResponse first = RecommendOverGrpc(kUser, 5);
  EXPECT_FALSE(first.from_cache());
  EXPECT_TRUE(RecommendOverGrpc(kUser, 5).from_cache());
  EXPECT_TRUE(RecommendOverGrpc(kUser, 5).from_cache());
  EXPECT_TRUE(Recommend(kUser, 5).from_cache());
  EXPECT_TRUE(Recommend(kUser, 5).from_cache());
  EXPECT_EQ(Get("/titles/recommendations?user_id=41&k=5000").status, 400);

  Exposition after = ScrapeMetrics();
  auto delta = [&](const std::string& series) { return after.samples[series] - before[series]; };
  EXPECT_EQ(delta(grpc_ok), 3);
  EXPECT_EQ(delta(http_ok), 2);
  EXPECT_EQ(delta(http_invalid), 1);
  EXPECT_EQ(delta(scrapes), 1) << "a scrape is counted once it has answered";
  EXPECT_EQ(delta(hits), 4);
  EXPECT_EQ(delta(misses), 1);
  EXPECT_EQ(after.Value("vitrina_request_duration_seconds_count",
                        {{"transport", "http"}, {"method", "GetUserRecommendations"}, {"code", "OK"}}),
            after.samples[http_ok]);
  EXPECT_GT(after.Value("vitrina_active_model_id"), 0);
  EXPECT_EQ(after.Value("vitrina_active_model_id"), static_cast<double>(first.model_id()));
}

// Every series the hand-written renderer gave before /metrics moved to prometheus-cpp (names,
// label names and values, bucket bounds, types), and the process metrics added with it.
TEST_F(HttpEndToEndTest, MetricsKeepEveryEarlierSeriesAndAddTheProcessOnes) {
  ASSERT_EQ(Get("/health").status, 200);
  Exposition metrics = ScrapeMetrics();

  const LabelSet health = {{"transport", "http"}, {"method", "Health"}, {"code", "OK"}};
  EXPECT_TRUE(metrics.Has("vitrina_requests_total", health));
  for (const char* le : {"0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
                         "0.25", "0.5", "1", "10", "+Inf"}) {
    LabelSet bucket = health;
    bucket["le"] = le;
    EXPECT_TRUE(metrics.Has("vitrina_request_duration_seconds_bucket", bucket)) << "le=" << le;
  }
  EXPECT_TRUE(metrics.Has("vitrina_request_duration_seconds_sum", health));
  EXPECT_EQ(metrics.Value("vitrina_request_duration_seconds_count", health),
            metrics.Value("vitrina_request_duration_seconds_bucket",
                          {{"transport", "http"}, {"method", "Health"}, {"code", "OK"}, {"le", "+Inf"}}));
  for (const char* result : {"hit", "miss", "error"}) {
    EXPECT_TRUE(metrics.Has("vitrina_cache_requests_total", {{"backend", "memory"}, {"result", result}})) << result;
  }
  EXPECT_TRUE(metrics.Has("vitrina_cache_reconnects_total", {{"backend", "memory"}}));
  EXPECT_GT(metrics.Value("vitrina_active_model_id"), 0);
  EXPECT_GE(metrics.Value("vitrina_active_model_age_seconds"), 0);
  for (const char* outcome : {"succeeded", "failed", "cancelled"}) {
    EXPECT_TRUE(metrics.Has("vitrina_training_jobs_total", {{"outcome", outcome}})) << outcome;
    EXPECT_TRUE(metrics.Has("vitrina_training_job_seconds_total", {{"outcome", outcome}})) << outcome;
  }
  EXPECT_GE(metrics.Value("vitrina_training_jobs_total", {{"outcome", "succeeded"}}), 1) << "the first model";
  const std::map<std::string, std::string> types = {
      {"vitrina_requests_total", "counter"},         {"vitrina_request_duration_seconds", "histogram"},
      {"vitrina_cache_requests_total", "counter"},   {"vitrina_cache_reconnects_total", "counter"},
      {"vitrina_active_model_id", "gauge"},          {"vitrina_active_model_age_seconds", "gauge"},
      {"vitrina_training_jobs_total", "counter"},    {"vitrina_training_job_seconds_total", "counter"},
      {"process_cpu_seconds_total", "counter"},      {"process_resident_memory_bytes", "gauge"},
      {"process_virtual_memory_bytes", "gauge"},     {"process_open_fds", "gauge"},
      {"process_max_fds", "gauge"},                  {"process_start_time_seconds", "gauge"},
  };
  for (const auto& [family, type] : types) EXPECT_EQ(metrics.types[family], type) << family;

  // The server trained a model: it has used CPU time, and holds a catalog in memory.
  EXPECT_GT(metrics.Value("process_cpu_seconds_total"), 0);
  EXPECT_GT(metrics.Value("process_resident_memory_bytes"), 4 << 20);
  EXPECT_GE(metrics.Value("process_virtual_memory_bytes"), metrics.Value("process_resident_memory_bytes"));
  EXPECT_GE(metrics.Value("process_open_fds"), 4);  // the standard three, the listening sockets, SQLite
  EXPECT_LE(metrics.Value("process_open_fds"), metrics.Value("process_max_fds"));
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(metrics.Value("process_start_time_seconds"), now + 1);
  EXPECT_GT(metrics.Value("process_start_time_seconds"), now - 3600);
}

// One documented body limit (http.max_body_bytes, 1 MiB by default) for every JSON route,
// whatever the Content-Type says: curl -d labels a body application/x-www-form-urlencoded.
TEST_F(HttpEndToEndTest, JsonBodiesAreTakenUpToTheLimitWhateverTheirContentType) {
  auto padded = [](size_t size) {
    std::string body = R"({"userId": 42})";
    return body + std::string(size - body.size(), ' ');
  };
  const std::string body_64k = padded(64 * 1024);
  httplib::Result form = client_->Post("/admin/cache/invalidate", AdminHeaders(), body_64k,
                                       "application/x-www-form-urlencoded");
  ASSERT_TRUE(form) << httplib::to_string(form.error());
  EXPECT_EQ(form->status, 200) << form->body;

  // No Content-Type at all (an HTTP client library would add one).
  const std::string authorization = fmt::format("Authorization: Bearer {}\r\n", kToken);
  http::RawResponse untyped =
      http::RawExchange(server_->app().http_port(), http::RawPost("/admin/cache/invalidate", authorization, body_64k));
  EXPECT_EQ(untyped.status, 200) << untyped.body;

  for (const char* content_type : {"application/x-www-form-urlencoded", "application/json"}) {
    httplib::Result refused =
        client_->Post("/admin/cache/invalidate", AdminHeaders(), padded((1 << 20) + 1), content_type);
    ASSERT_TRUE(refused) << httplib::to_string(refused.error());
    EXPECT_EQ(refused->status, 413) << content_type;
    EXPECT_EQ(http::ParseErrorBody(refused->body).code, "RESOURCE_EXHAUSTED") << content_type;
  }
}

TEST_F(HttpEndToEndTest, AdminRoutesNeedTheToken) {
  httplib::Response anonymous = Get("/admin/models");
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
  EXPECT_EQ(anonymous.get_header_value("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(http::ParseAnswer<google::protobuf::Struct>(anonymous.body).fields().at("code").string_value(), "UNAUTHENTICATED");

  EXPECT_EQ(Get("/admin/models", {{"Authorization", "Bearer wrong"}}).status, 403);

  httplib::Response allowed = Get("/admin/models", AdminHeaders());
  ASSERT_EQ(allowed.status, 200) << allowed.body;
  EXPECT_GT(http::ParseAnswer<v1::ListModelsResponse>(allowed.body).active_model_id(), 0);
}

TEST_F(HttpEndToEndTest, ErrorsMapToHttpStatusesWithAMessage) {
  httplib::Response too_many = Get("/titles/recommendations?user_id=5&k=5000");
  EXPECT_EQ(too_many.status, 400);
  auto invalid = http::ParseAnswer<google::protobuf::Struct>(too_many.body).fields();
  EXPECT_EQ(invalid["code"].string_value(), "INVALID_ARGUMENT");
  EXPECT_THAT(invalid["message"].string_value(), HasSubstr("k must be in 1..1000"));

  httplib::Response unknown = Get("/titles/relevant?title_id=99999999&k=5");
  EXPECT_EQ(unknown.status, 404);
  auto not_found = http::ParseAnswer<google::protobuf::Struct>(unknown.body).fields();
  EXPECT_EQ(not_found["code"].string_value(), "NOT_FOUND");
  EXPECT_THAT(not_found["message"].string_value(), HasSubstr("99999999"));
}

std::string Rfc3339(int64_t seconds) {
  return google::protobuf::util::TimeUtil::ToString(google::protobuf::util::TimeUtil::SecondsToTimestamp(seconds));
}

// A field of an error answer's {"code", "message"}; empty when the answer has none.
std::string ErrorField(const httplib::Response& response, const std::string& key) {
  const auto fields = http::ParseAnswer<google::protobuf::Struct>(response.body).fields();
  auto it = fields.find(key);
  return it == fields.end() ? "" : it->second.string_value();
}

TEST_F(HttpEndToEndTest, InteractionTimesAreCheckedAndRecordedOnesCanBeDeleted) {
  constexpr int64_t kUser = 61;
  const int64_t now = registry::UnixNow();
  auto post = [&](int64_t at) {
    const std::string body = fmt::format(R"({{"userId": {}, "titleId": 3, "type": "view", "value": 1.0, "at": "{}"}})",
                                         kUser, Rfc3339(at));
    httplib::Result posted = client_->Post("/interactions", AdminHeaders(), body, "application/json");
    EXPECT_TRUE(posted) << httplib::to_string(posted.error());
    return posted ? *posted : httplib::Response();
  };
  httplib::Response ahead = post(4'102'444'800);  // 2100
  EXPECT_EQ(ahead.status, 400) << ahead.body;
  EXPECT_EQ(ErrorField(ahead, "code"), "INVALID_ARGUMENT");
  EXPECT_THAT(ErrorField(ahead, "message"), HasSubstr("max_future_skew_seconds"));
  EXPECT_EQ(post(now - 60).status, 200);
  EXPECT_EQ(post(now - 30).status, 200);

  httplib::Result unfiltered = client_->Delete("/admin/interactions", AdminHeaders());
  ASSERT_TRUE(unfiltered);
  EXPECT_EQ(unfiltered->status, 400);
  EXPECT_THAT(ErrorField(*unfiltered, "message"), HasSubstr("at least one filter"));
  const std::string target = fmt::format("/admin/interactions?user_id={}&since={}", kUser, Rfc3339(now - 45));
  httplib::Result unauthenticated = client_->Delete(target);
  ASSERT_TRUE(unauthenticated);
  EXPECT_EQ(unauthenticated->status, 401);
  httplib::Result deleted = client_->Delete(target, AdminHeaders());
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 200) << deleted->body;
  EXPECT_EQ(deleted->body, R"({"deleted":"1"})");
  deleted = client_->Delete(fmt::format("/admin/interactions?user_id={}", kUser), AdminHeaders());
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->body, R"({"deleted":"1"})");
}

TEST_F(HttpEndToEndTest, ScheduleTimesAreCheckedAndAJobStoredOutOfRangeStillLists) {
  httplib::Response legacy = Get("/admin/schedule-training?scheduled_at=9999-12-31T00:00:00", AdminHeaders());
  EXPECT_EQ(legacy.status, 400) << legacy.body;
  EXPECT_THAT(ErrorField(legacy, "message"), HasSubstr("10 years"));
  httplib::Result far = client_->Post("/admin/schedule", AdminHeaders(), R"({"at": "9999-12-31T00:00:00Z"})",
                                      "application/json");
  ASSERT_TRUE(far);
  EXPECT_EQ(far->status, 400) << far->body;

  httplib::Result scheduled = client_->Post(
      "/admin/schedule", AdminHeaders(), fmt::format(R"({{"at": "{}"}})", Rfc3339(registry::UnixNow() + 86'400)),
      "application/json");
  ASSERT_TRUE(scheduled);
  ASSERT_EQ(scheduled->status, 200) << scheduled->body;
  const int64_t job_id = http::ParseAnswer<v1::Job>(scheduled->body).id();
  {
    // As a row written before times were checked would be.
    SQLite::Database registry((dir_->path() / "registry.db").string(), SQLite::OPEN_READWRITE);
    registry.setBusyTimeout(5000);
    registry.exec(fmt::format("UPDATE jobs SET scheduled_at = 1000000000000000 WHERE id = {}", job_id));
  }
  httplib::Response listed = Get("/admin/jobs", AdminHeaders());
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_THAT(listed.body, HasSubstr(R"("scheduledAt":"9999-12-31T23:59:59Z")"));
  httplib::Response job = Get(fmt::format("/admin/jobs/{}", job_id), AdminHeaders());
  EXPECT_EQ(job.status, 200) << job.body;
  httplib::Result cancelled = client_->Post(fmt::format("/admin/jobs/{}/cancel", job_id), AdminHeaders(), "",
                                            "application/json");
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->status, 200) << cancelled->body;
}

TEST_F(HttpEndToEndTest, LegacyTrainAnswersTheNewModelIdThatAdminModelsLists) {
  httplib::Response trained = Get("/admin/train?epochs=2&loss=warp", AdminHeaders());
  ASSERT_EQ(trained.status, 200) << trained.body;
  auto fields = http::ParseAnswer<google::protobuf::Struct>(trained.body).fields();
  ASSERT_EQ(fields.size(), 1u) << trained.body;
  ASSERT_TRUE(fields.contains("model_id")) << trained.body;
  ASSERT_EQ(fields["model_id"].kind_case(), google::protobuf::Value::kNumberValue) << "a JSON number, as before";
  const auto model_id = static_cast<int64_t>(fields["model_id"].number_value());
  EXPECT_GT(model_id, 0);

  httplib::Response listed = Get("/admin/models", AdminHeaders());
  ASSERT_EQ(listed.status, 200) << listed.body;
  auto models = http::ParseAnswer<v1::ListModelsResponse>(listed.body);
  auto model = std::find_if(models.models().begin(), models.models().end(),
                            [&](const v1::Model& m) { return m.id() == model_id; });
  ASSERT_NE(model, models.models().end()) << listed.body;
  EXPECT_EQ(model->params().epochs(), 2);
  EXPECT_EQ(model->params().loss(), v1::WARP);
}

}  // namespace
}  // namespace vitrina::server::testing
