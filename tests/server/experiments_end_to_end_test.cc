// End-to-end: A/B experiments on the real server (Application) through gRPC and HTTP. Arms serve
// their own models side by side (an arm on "active" follows activations, one on a model id keeps
// it; a model an arm serves cannot be deleted) and their own next-title policies; every answer
// names its experiments and arms (classic /next included) and goes to the exposure log with its
// outcomes; overlapping experiments are refused; a restart keeps experiments and assignments.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <map>
#include <set>

#include "experiments/exposure_log_reader.h"
#include "fmt/format.h"
#include "tests/server/test_server.h"

namespace vitrina::server::testing {
namespace {

using ::testing::HasSubstr;

v1::Arm Arm(std::string name, int64_t model_id, std::string policy = "") {
  v1::Arm arm;
  arm.set_name(std::move(name));
  arm.set_weight(1);
  arm.set_model_id(model_id);
  arm.set_policy(std::move(policy));
  return arm;
}

class ExperimentsEndToEndTest : public ::testing::Test {
 protected:
  void Start() {
    ServerConfig config = TestServer::SmallConfig(dir_.path());
    config.http_listen = "127.0.0.1:0";
    config.experiments.log.flush_interval_ms = 20;
    server_ = TestServer::Start(config);
    ASSERT_NE(server_, nullptr);
  }

  grpc::Status Create(const std::string& name, const std::string& layer, std::vector<v1::Arm> arms,
                      std::map<int64_t, std::string> pinned = {}) {
    v1::CreateExperimentRequest request;
    v1::Experiment* experiment = request.mutable_experiment();
    experiment->set_name(name);
    experiment->set_layer(layer);
    for (v1::Arm& arm : arms) *experiment->add_arms() = std::move(arm);
    for (const auto& [user, arm] : pinned) {
      v1::AllowListEntry* entry = experiment->add_allow_list();
      entry->set_user_id(user);
      entry->set_arm(arm);
    }
    grpc::ClientContext context;
    v1::Experiment created;
    grpc::Status status = server_->admin().CreateExperiment(&context, request, &created);
    if (status.ok()) {
      EXPECT_EQ(created.state(), v1::Experiment::RUNNING);
      EXPECT_GT(created.created_at().seconds(), 0);
    }
    return status;
  }

  int64_t Train(v1::Activation activate) {
    grpc::ClientContext context;
    v1::TrainModelRequest request;
    request.set_activate(activate);
    request.set_wait(true);
    request.mutable_params()->set_epochs(2);
    v1::TrainModelResponse trained;
    grpc::Status status = server_->recommender().TrainModel(&context, request, &trained);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return trained.model_id();
  }

  v1::RecommendationsResponse Recommend(int64_t user) {
    grpc::ClientContext context;
    v1::GetUserRecommendationsRequest request;
    request.set_user_id(user);
    request.set_k(5);
    v1::RecommendationsResponse response;
    grpc::Status status = server_->recommender().GetUserRecommendations(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  v1::GetNextTitleResponse Next(int64_t user, std::optional<int64_t> previous = std::nullopt) {
    grpc::ClientContext context;
    v1::GetNextTitleRequest request;
    request.set_user_id(user);
    request.set_session_id("s1");
    if (previous) {
      request.set_previous_title_id(*previous);
      request.set_consumed(0.75);
    }
    v1::GetNextTitleResponse response;
    grpc::Status status = server_->recommender().GetNextTitle(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  grpc::Status Delete(int64_t model_id) {
    grpc::ClientContext context;
    v1::DeleteModelRequest request;
    request.set_model_id(model_id);
    v1::DeleteModelResponse response;
    return server_->admin().DeleteModel(&context, request, &response);
  }

  std::string ArmOf(int64_t user, const std::string& experiment) {
    v1::RecommendationsResponse answer = Recommend(user);
    auto found = answer.experiments().find(experiment);
    return found == answer.experiments().end() ? "" : found->second;
  }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(ExperimentsEndToEndTest, ArmsServeTheirModelsAndPoliciesAndEveryAnswerSaysWhich) {
  Start();
  const int64_t first = Recommend(1).model_id();
  const int64_t candidate = Train(v1::NEVER);
  ASSERT_GT(candidate, first);

  // Users 1 and 2 pinned (QA); the others split by the hash.
  ASSERT_TRUE(Create("models", "", {Arm("control", 0), Arm("candidate", candidate)}, {{1, "candidate"}, {2, "control"}})
                  .ok());
  v1::RecommendationsResponse pinned = Recommend(1);
  EXPECT_EQ(pinned.model_id(), candidate);
  EXPECT_EQ(pinned.experiments().at("models"), "candidate");
  EXPECT_EQ(Recommend(2).model_id(), first);
  EXPECT_EQ(Recommend(2).experiments().at("models"), "control");
  std::set<std::string> arms_seen;
  for (int64_t user = 3; user < 60; ++user) arms_seen.insert(ArmOf(user, "models"));
  EXPECT_EQ(arms_seen, (std::set<std::string>{"control", "candidate"}));

  // GetTitleRelevant follows the arms when it names its user, and only then.
  {
    grpc::ClientContext context;
    v1::GetTitleRelevantRequest request;
    request.set_title_id(Recommend(1).items(0).title_id());
    request.set_user_id(1);
    v1::RecommendationsResponse similar;
    ASSERT_TRUE(server_->recommender().GetTitleRelevant(&context, request, &similar).ok());
    EXPECT_EQ(similar.model_id(), candidate);
    EXPECT_EQ(similar.experiments().at("models"), "candidate");
    grpc::ClientContext anonymous_context;
    request.clear_user_id();
    ASSERT_TRUE(server_->recommender().GetTitleRelevant(&anonymous_context, request, &similar).ok());
    EXPECT_EQ(similar.model_id(), first);
    EXPECT_TRUE(similar.experiments().empty());
  }
  {
    grpc::ClientContext context;
    v1::RecordInteractionRequest request;
    request.set_user_id(1);
    request.set_title_id(Recommend(1).items(0).title_id());
    request.set_type("view");
    request.set_value(1);
    v1::RecordInteractionResponse recorded;
    ASSERT_TRUE(server_->admin().RecordInteraction(&context, request, &recorded).ok());
  }

  grpc::Status in_use = Delete(candidate);
  EXPECT_EQ(in_use.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(in_use.error_message(), HasSubstr("experiment 'models' (arm 'candidate')"));

  // An activation moves the "active" arm only.
  const int64_t newest = Train(v1::ALWAYS);
  EXPECT_EQ(Recommend(2).model_id(), newest);
  EXPECT_EQ(Recommend(1).model_id(), candidate);

  // A second experiment on another layer varies the policy; one on the same layer, or varying
  // the model again, overlaps.
  ASSERT_TRUE(Create("policies", "next", {Arm("sticky", 0, "sticky_creator"), Arm("random", 0, "random")},
                     {{1, "random"}, {2, "sticky"}})
                  .ok());
  grpc::Status same_layer = Create("again", "", {Arm("a", 0, ""), Arm("b", first)});
  EXPECT_EQ(same_layer.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(same_layer.error_message(), HasSubstr("runs in layer 'default'"));
  grpc::Status same_parameter = Create("again", "third", {Arm("a", 0, ""), Arm("b", first)});
  EXPECT_EQ(same_parameter.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(same_parameter.error_message(), HasSubstr("varies the model like experiment 'models'"));
  EXPECT_EQ(Create("models", "x", {Arm("a", 0, ""), Arm("b", 0, "random")}).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  grpc::Status bad_policy = Create("typo", "t", {Arm("a", 0, ""), Arm("b", 0, "no_such_policy")});
  EXPECT_EQ(bad_policy.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad_policy.error_message(), HasSubstr("arms[1].policy"));

  // An exploring arm: the last of the k slots is a random pick among the next ranked titles.
  v1::Arm explore = Arm("explore", 0);
  explore.set_explore(true);
  ASSERT_TRUE(Create("exploration", "slots", {Arm("control", 0), explore}, {{5, "explore"}, {6, "control"}}).ok());
  v1::RecommendationsResponse explored = Recommend(5);
  EXPECT_EQ(explored.experiments().at("exploration"), "explore");
  ASSERT_EQ(explored.items_size(), 5);
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(explored.items(i).has_pick_probability()) << i;
  ASSERT_TRUE(explored.items(4).has_pick_probability());
  // The pool: the ranked titles 5..25 (k - 1 = 4 kept, 25 fetched).
  EXPECT_DOUBLE_EQ(explored.items(4).pick_probability(), 1.0 / 21);
  v1::RecommendationsResponse exploited = Recommend(6);
  for (const v1::ScoredTitle& title : exploited.items()) EXPECT_FALSE(title.has_pick_probability());

  v1::GetNextTitleResponse random = Next(1);
  EXPECT_EQ(random.policy(), "random");
  EXPECT_EQ(random.model_id(), candidate) << "the model arm holds for the session calls too";
  EXPECT_EQ(random.experiments().at("policies"), "random");
  EXPECT_EQ(random.experiments().at("models"), "candidate");
  ASSERT_EQ(random.items_size(), 1);
  v1::GetNextTitleResponse sticky = Next(2);
  EXPECT_EQ(sticky.policy(), "sticky_creator");
  EXPECT_EQ(sticky.model_id(), newest);
  Next(2, sticky.items(0).title_id());  // reports an outcome

  // HTTP: the classic /next names the arms; the admin routes list, get and report.
  httplib::Client http("127.0.0.1", server_->app().http_port());
  httplib::Result classic = http.Post("/next/1", fmt::format(R"({{"track": {}, "time": 0.5}})", random.items(0).title_id()),
                                      "application/json");
  ASSERT_TRUE(classic);
  EXPECT_EQ(classic->status, 200) << classic->body;
  EXPECT_THAT(classic->body,
              HasSubstr(R"("experiments": {"exploration": "explore", "models": "candidate", "policies": "random"}})"));
  httplib::Result listed = http.Get("/admin/experiments");
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->status, 200);
  EXPECT_THAT(listed->body, HasSubstr(R"("name":"policies")"));
  EXPECT_THAT(listed->body, HasSubstr(R"("name":"models")"));
  httplib::Result one = http.Get("/admin/experiments/models");
  ASSERT_TRUE(one);
  EXPECT_THAT(one->body, HasSubstr(R"("state":"RUNNING")"));
  EXPECT_EQ(http.Get("/admin/experiments/nope")->status, 404);
  httplib::Result report = http.Get("/admin/experiments/models/report");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->status, 200) << report->body;
  EXPECT_THAT(report->body, HasSubstr(R"("arm":"candidate")"));

  // Stopped: its users go back to the active model, and its model can go.
  httplib::Result stopped = http.Post("/admin/experiments/models/stop", "", "application/json");
  ASSERT_TRUE(stopped);
  EXPECT_THAT(stopped->body, HasSubstr(R"("state":"STOPPED")"));
  EXPECT_EQ(Recommend(1).model_id(), newest);
  EXPECT_FALSE(Recommend(1).experiments().contains("models"));
  EXPECT_TRUE(Delete(candidate).ok());

  std::map<int64_t, std::string> assigned;
  for (int64_t user = 0; user < 40; ++user) assigned[user] = Next(user).experiments().at("policies");
  const std::string log_dir = server_->app().config().experiments.log.dir;
  server_->Stop();

  // Every answer is in the log with its arms; the reported consumption is an outcome.
  int recommendations = 0, next_titles = 0, next_call_outcomes = 0, interaction_outcomes = 0;
  experiments::LogReadStats stats;
  ASSERT_TRUE(experiments::ReadLogFolder(
                  log_dir,
                  [&](const v1::ExposureLogRecord& record) {
                    if (record.has_outcome()) {
                      next_call_outcomes += record.outcome().source() == v1::Outcome::NEXT_CALL ? 1 : 0;
                      if (record.outcome().source() == v1::Outcome::INTERACTION) {
                        ++interaction_outcomes;
                        EXPECT_EQ(record.outcome().user_id(), 1);
                        EXPECT_EQ(record.outcome().interaction_type(), "view");
                      }
                      return;
                    }
                    const v1::Exposure& exposure = record.exposure();
                    EXPECT_FALSE(exposure.request_id().empty());
                    if (exposure.route() == "GetUserRecommendations" && exposure.user_id() == 1 &&
                        exposure.model_id() == candidate) {
                      ++recommendations;
                      ASSERT_EQ(exposure.assignments_size(), 1);
                      EXPECT_EQ(exposure.assignments(0).arm(), "candidate");
                      EXPECT_EQ(exposure.titles_size(), 5);
                    }
                    if (exposure.route() == "GetNextTitle" && exposure.user_id() == 1) {
                      ++next_titles;
                      EXPECT_EQ(exposure.policy(), "random");
                      EXPECT_FALSE(exposure.branch().empty());
                      EXPECT_EQ(exposure.assignments_size(), exposure.model_id() == candidate ? 3 : 2);
                    }
                  },
                  stats)
                  .ok());
  EXPECT_EQ(recommendations, 4);  // two more before the activation, for the titles asked above
  EXPECT_GE(next_titles, 2);  // gRPC and classic /next
  EXPECT_GE(next_call_outcomes, 2);
  EXPECT_EQ(interaction_outcomes, 1);
  EXPECT_EQ(stats.corrupt_bytes, 0);

  // A restart keeps the experiment and every user's arm.
  Start();
  for (const auto& [user, arm] : assigned) EXPECT_EQ(Next(user).experiments().at("policies"), arm) << user;
  grpc::ClientContext context;
  v1::GetExperimentRequest request;
  request.set_name("models");
  v1::Experiment models;
  ASSERT_TRUE(server_->admin().GetExperiment(&context, request, &models).ok());
  EXPECT_EQ(models.state(), v1::Experiment::STOPPED);
  EXPECT_GT(models.stopped_at().seconds(), 0);
}

// The classic /next plays the user's implicit session, whose id is always empty: each answer is
// logged with the session's start, so the analysis counts sessions, not answers.
TEST_F(ExperimentsEndToEndTest, ClassicNextAnswersOfOneImplicitSessionAreLoggedAsOneSession) {
  Start();
  Train(v1::ALWAYS);
  httplib::Client http("127.0.0.1", server_->app().http_port());
  auto classic = [&](const std::string& route, const std::string& body) {
    httplib::Result result = http.Post(route, body, "application/json");
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 200) << route << ": " << result->body;
  };
  classic("/next/3", R"({"track": 1, "time": 1.0})");
  classic("/next/3", R"({"track": 2, "time": 0.5})");
  classic("/next/3", R"({"track": 3, "time": 0.9})");
  classic("/last/3", R"({"track": 4, "time": 0.2})");
  classic("/next/3", R"({"track": 5, "time": 1.0})");  // a new implicit session
  classic("/next/3", R"({"track": 6, "time": 0.4})");
  const std::string log_dir = server_->app().config().experiments.log.dir;
  server_->Stop();

  std::vector<int64_t> starts;
  experiments::LogReadStats stats;
  ASSERT_TRUE(experiments::ReadLogFolder(
                  log_dir,
                  [&](const v1::ExposureLogRecord& record) {
                    if (record.has_exposure() && record.exposure().user_id() == 3) {
                      EXPECT_EQ(record.exposure().session_id(), "");
                      starts.push_back(record.exposure().session_started_unix_micros());
                    }
                  },
                  stats)
                  .ok());
  ASSERT_EQ(starts.size(), 5u) << ::testing::PrintToString(starts);
  EXPECT_GT(starts[0], 0);
  EXPECT_EQ(starts[1], starts[0]);
  EXPECT_EQ(starts[2], starts[0]);
  EXPECT_GT(starts[3], starts[0]) << "after /last the next call begins another session";
  EXPECT_EQ(starts[4], starts[3]);
}

}  // namespace
}  // namespace vitrina::server::testing
