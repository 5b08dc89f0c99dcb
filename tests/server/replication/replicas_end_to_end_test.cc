// A primary and read replicas as real processes on loopback ports: a replica bootstraps from
// nothing, follows activations (under load) and blacklist changes within their targets, sends
// writes to the primary, catches up after a restart, and keeps serving while the primary is down.
#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "fmt/format.h"
#include "tests/server/replication/replica_process.h"
#include "tests/testing/temp_dir.h"

namespace vitrina::server::testing {
namespace {

using Clock = std::chrono::steady_clock;
using ::vitrina::testing::TempDir;

constexpr int64_t kUser = 7;

double MillisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Polls `done` every 10 ms for at most `limit`; returns the milliseconds it took, or -1.
double MillisUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto start = Clock::now();
  while (Clock::now() - start < limit) {
    if (done()) return MillisSince(start);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

absl::StatusOr<v1::RecommendationsResponse> Recommend(ServerProcess& server, int64_t user = kUser, int k = 20) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::GetUserRecommendationsRequest request;
  request.set_user_id(user);
  request.set_k(k);
  v1::RecommendationsResponse response;
  grpc::Status status = server.recommender().GetUserRecommendations(&context, request, &response);
  if (!status.ok()) return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  return response;
}

int64_t ServedModel(ServerProcess& server) {
  absl::StatusOr<v1::RecommendationsResponse> answer = Recommend(server);
  return answer.ok() ? answer->model_id() : -1;
}

bool Answers(ServerProcess& server, int64_t title_id) {
  absl::StatusOr<v1::RecommendationsResponse> answer = Recommend(server);
  if (!answer.ok()) return true;  // not known to be gone
  for (const v1::ScoredTitle& item : answer->items()) {
    if (item.title_id() == title_id) return true;
  }
  return false;
}

int64_t TrainInactiveModel(ServerProcess& primary) {
  auto context = AdminContext();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(300));
  v1::TrainModelRequest request;
  request.set_activate(v1::NEVER);
  request.set_wait(true);
  v1::TrainModelResponse response;
  grpc::Status status = primary.recommender().TrainModel(context.get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.model_id();
}

grpc::Status Activate(ServerProcess& server, int64_t model_id) {
  auto context = AdminContext();
  v1::ActivateModelRequest request;
  request.set_model_id(model_id);
  v1::ActivateModelResponse response;
  return server.admin().ActivateModel(context.get(), request, &response);
}

grpc::Status Blacklist(ServerProcess& server, int64_t title_id, bool add) {
  auto context = AdminContext();
  v1::BlacklistRequest request;
  request.add_title_ids(title_id);
  request.set_reason("replication test");
  v1::BlacklistResponse response;
  return add ? server.admin().AddToBlacklist(context.get(), request, &response)
             : server.admin().RemoveFromBlacklist(context.get(), request, &response);
}

int64_t TopTitle(ServerProcess& server) {
  absl::StatusOr<v1::RecommendationsResponse> answer = Recommend(server);
  EXPECT_TRUE(answer.ok() && answer->items_size() > 0) << answer.status();
  return answer.ok() && answer->items_size() > 0 ? answer->items(0).title_id() : -1;
}

// Rows of the primary's hot-interaction store for (user, title), read from its registry file.
int64_t HotInteractions(const ServerProcess& primary, int64_t user_id, int64_t title_id, const std::string& type) {
  SQLite::Database db((primary.data_dir() / "registry.db").string(), SQLite::OPEN_READONLY);
  SQLite::Statement query(db, "SELECT COUNT(*) FROM hot_interactions WHERE user_id = ? AND title_id = ? AND type = ?");
  query.bind(1, user_id);
  query.bind(2, title_id);
  query.bind(3, type);
  query.executeStep();
  return query.getColumn(0).getInt64();
}

std::string HttpGet(const ServerProcess& server, const std::string& path) {
  httplib::Client client("127.0.0.1", server.http_port());
  client.set_read_timeout(5, 0);
  httplib::Result result = client.Get(path.c_str());
  return result ? result->body : "no answer";
}

// The arm of `experiment` the answer names ("" outside it), and the answering model.
struct ArmAnswer {
  std::string arm;
  int64_t model_id = -1;
  bool operator==(const ArmAnswer&) const = default;
  friend void PrintTo(const ArmAnswer& answer, std::ostream* out) {
    *out << "arm '" << answer.arm << "' from model " << answer.model_id;
  }
};
ArmAnswer ArmOf(ServerProcess& server, int64_t user, const std::string& experiment) {
  absl::StatusOr<v1::RecommendationsResponse> answer = Recommend(server, user, 10);
  if (!answer.ok()) return {"error: " + std::string(answer.status().message()), -1};
  auto found = answer->experiments().find(experiment);
  return {found == answer->experiments().end() ? "" : found->second, answer->model_id()};
}

grpc::Status CreateModelsExperiment(ServerProcess& server, const std::string& name, int64_t candidate_model) {
  auto context = AdminContext();
  v1::CreateExperimentRequest request;
  v1::Experiment& experiment = *request.mutable_experiment();
  experiment.set_name(name);
  v1::Arm* control = experiment.add_arms();
  control->set_name("control");
  control->set_weight(1);  // the active model
  v1::Arm* candidate = experiment.add_arms();
  candidate->set_name("candidate");
  candidate->set_weight(1);
  candidate->set_model_id(candidate_model);
  v1::AllowListEntry* pinned = experiment.add_allow_list();
  pinned->set_user_id(kUser);
  pinned->set_arm("candidate");
  v1::Experiment created;
  return server.admin().CreateExperiment(context.get(), request, &created);
}

grpc::Status StopExperiment(ServerProcess& server, const std::string& name) {
  auto context = AdminContext();
  v1::StopExperimentRequest request;
  request.set_name(name);
  v1::Experiment stopped;
  return server.admin().StopExperiment(context.get(), request, &stopped);
}

grpc::Status RecordBookmark(ServerProcess& server, int64_t user, int64_t title) {
  auto context = AdminContext();
  v1::RecordInteractionRequest request;
  request.set_user_id(user);
  request.set_title_id(title);
  request.set_type("bookmark");
  request.set_value(1);
  v1::RecordInteractionResponse response;
  return server.admin().RecordInteraction(context.get(), request, &response);
}

v1::Source SourceFor(ServerProcess& server, int64_t user) {
  absl::StatusOr<v1::RecommendationsResponse> answer = Recommend(server, user, 10);
  return answer.ok() ? answer->source() : v1::Source::SOURCE_UNSPECIFIED;
}

// A primary (first model trained) and `n` replicas started from empty folders.
struct Cluster {
  TempDir dir;
  ServerProcess primary{"primary", dir.path() / "primary"};
  std::vector<std::unique_ptr<ServerProcess>> replicas;
  std::string extra_config;  // appended to every instance's config

  void Start(int n) {
    primary.set_extra_config(extra_config);
    absl::Status started = primary.Start(/*wait_serving=*/true);
    ASSERT_TRUE(started.ok()) << started;
    for (int i = 0; i < n; ++i) {
      replicas.push_back(std::make_unique<ServerProcess>(fmt::format("replica {}", i + 1),
                                                         dir.path() / fmt::format("replica{}", i + 1),
                                                         primary.grpc_address()));
      replicas.back()->set_extra_config(extra_config);
    }
    for (auto& replica : replicas) {
      const auto start = Clock::now();
      started = replica->Start(/*wait_serving=*/false);
      ASSERT_TRUE(started.ok()) << started;
      const double ms = MillisUntil([&] { return ServedModel(*replica) == 1; }, std::chrono::seconds(30));
      ASSERT_GE(ms, 0) << "the replica did not serve model 1 within 30 s:\n" << replica->log_tail();
      std::printf("[replicas] replica from an empty folder to serving model 1: %.0f ms after its spawn\n",
                  MillisSince(start));
    }
  }
};

TEST(ReplicasEndToEndTest, ReplicasBootstrapFollowActivationsUnderLoadAndBlacklistChanges) {
  Cluster cluster;
  ASSERT_NO_FATAL_FAILURE(cluster.Start(2));
  ServerProcess& primary = cluster.primary;
  ServerProcess& a = *cluster.replicas[0];
  ServerProcess& b = *cluster.replicas[1];
  // The replica serves the primary's model itself, file and all: the same answer.
  EXPECT_TRUE(std::filesystem::exists(a.data_dir() / "models" / "replicated-model-1.vtm"));
  EXPECT_TRUE(std::filesystem::exists(a.data_dir() / "models" / "replicated-model-1.vtm.popular.tsv"));
  absl::StatusOr<v1::RecommendationsResponse> on_primary = Recommend(primary);
  absl::StatusOr<v1::RecommendationsResponse> on_replica = Recommend(a);
  ASSERT_TRUE(on_primary.ok() && on_replica.ok());
  ASSERT_EQ(on_primary->items_size(), on_replica->items_size());
  for (int i = 0; i < on_primary->items_size(); ++i) {
    EXPECT_EQ(on_primary->items(i).title_id(), on_replica->items(i).title_id()) << "rank " << i;
  }

  const int64_t second = TrainInactiveModel(primary);
  ASSERT_EQ(second, 2);

  // Activation under load: 4 client threads across both replicas, a bounded number of calls.
  std::atomic<bool> stop{false};
  std::atomic<int> calls{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      ServerProcess& target = t % 2 == 0 ? a : b;
      for (int i = 0; i < 20'000 && !stop.load(); ++i) {
        absl::StatusOr<v1::RecommendationsResponse> answer = Recommend(target, 1 + (t * 37 + i) % 250, 10);
        calls.fetch_add(1);
        if (!answer.ok() || answer->items_size() == 0) failures.fetch_add(1);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (int64_t model : {second, int64_t{1}}) {  // the new model, then a rollback
    const auto activated = Clock::now();
    grpc::Status status = Activate(primary, model);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (ServerProcess* replica : {&a, &b}) {
      const double ms = MillisUntil([&] { return ServedModel(*replica) == model; }, std::chrono::seconds(10));
      const double since_activation = ms < 0 ? -1 : MillisSince(activated);
      std::printf("[replicas] activation of model %lld visible on the replica after %.0f ms (target <= 5000)\n",
                  static_cast<long long>(model), since_activation);
      EXPECT_GE(since_activation, 0) << replica->log_tail();
      EXPECT_LE(since_activation, 5000);
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  stop = true;
  for (std::thread& client : clients) client.join();
  std::printf("[replicas] %d calls across the replicas during two activations, %d failed\n", calls.load(),
              failures.load());
  EXPECT_GT(calls.load(), 100);
  EXPECT_EQ(failures.load(), 0);

  // A blacklist change on the primary reaches every replica's answers within 1 s.
  const int64_t banned = TopTitle(a);
  ASSERT_GE(banned, 0);
  ASSERT_TRUE(Answers(b, banned));
  const auto added = Clock::now();
  ASSERT_TRUE(Blacklist(primary, banned, true).ok());
  for (ServerProcess* replica : {&a, &b}) {
    const double ms = MillisUntil([&] { return !Answers(*replica, banned); }, std::chrono::seconds(5));
    const double since_change = ms < 0 ? -1 : MillisSince(added);
    std::printf("[replicas] blacklist addition applied on the replica after %.0f ms (target <= 1000)\n", since_change);
    EXPECT_GE(since_change, 0);
    EXPECT_LE(since_change, 1000);
  }
  // Sent to a replica, a blacklist change is made on the primary and comes back to every replica.
  const auto removed = Clock::now();
  ASSERT_TRUE(Blacklist(a, banned, false).ok());
  for (ServerProcess* replica : {&a, &b}) {
    const double ms = MillisUntil([&] { return Answers(*replica, banned); }, std::chrono::seconds(5));
    std::printf("[replicas] blacklist removal sent to a replica applied on the replica after %.0f ms\n",
                ms < 0 ? -1 : MillisSince(removed));
    EXPECT_GE(ms, 0);
  }
  EXPECT_TRUE(Answers(primary, banned));
}

TEST(ReplicasEndToEndTest, AReplicaFetchesTheModelsAnnIndexAndAnswersFromIt) {
  Cluster cluster;
  cluster.extra_config = "serving: {ann: {min_titles: 2}}\n";  // the demo's 120 titles are "large"
  ASSERT_NO_FATAL_FAILURE(cluster.Start(1));
  ServerProcess& primary = cluster.primary;
  ServerProcess& replica = *cluster.replicas[0];
  ASSERT_NE(HttpGet(primary, "/metrics").find("\nvitrina_active_model_ann 1\n"), std::string::npos)
      << "the primary's training built no index";

  // The index folder came whole (its download folder renamed into place) and serves.
  const std::filesystem::path folder = replica.data_dir() / "models" / "replicated-model-1.vtm.ann";
  EXPECT_TRUE(std::filesystem::is_regular_file(folder / "personal.hnsw")) << replica.log_tail();
  EXPECT_TRUE(std::filesystem::is_regular_file(folder / "similar.hnsw"));
  EXPECT_FALSE(std::filesystem::exists(folder.string() + ".download"));
  const std::string metrics = HttpGet(replica, "/metrics");
  EXPECT_NE(metrics.find("\nvitrina_active_model_ann 1\n"), std::string::npos)
      << "the replica ranks by the exact pass:\n" << replica.log_tail();
  for (int64_t user : {kUser, int64_t{11}, int64_t{42}}) {
    absl::StatusOr<v1::RecommendationsResponse> on_primary = Recommend(primary, user, 10);
    absl::StatusOr<v1::RecommendationsResponse> on_replica = Recommend(replica, user, 10);
    ASSERT_TRUE(on_primary.ok() && on_replica.ok());
    ASSERT_EQ(on_primary->items_size(), on_replica->items_size());
    for (int i = 0; i < on_primary->items_size(); ++i) {
      EXPECT_EQ(on_primary->items(i).title_id(), on_replica->items(i).title_id()) << "user " << user << " rank " << i;
    }
  }
}

TEST(ReplicasEndToEndTest, ExperimentsCreatedAndStoppedOnThePrimaryRunOnEveryReplica) {
  Cluster cluster;
  ASSERT_NO_FATAL_FAILURE(cluster.Start(2));
  ServerProcess& primary = cluster.primary;
  ServerProcess& a = *cluster.replicas[0];
  ServerProcess& b = *cluster.replicas[1];
  const int64_t candidate = TrainInactiveModel(primary);  // an arm's model that never serves as the active one
  ASSERT_EQ(candidate, 2);

  // Created on the primary: every replica assigns each user the primary's arm and serves its
  // model (the candidate fetched for the arm).
  const auto created = Clock::now();
  ASSERT_TRUE(CreateModelsExperiment(primary, "models", candidate).ok());
  for (ServerProcess* replica : {&a, &b}) {
    const double ms = MillisUntil([&] { return ArmOf(*replica, kUser, "models") == ArmAnswer{"candidate", candidate}; },
                                  std::chrono::seconds(5));
    const double since_creation = ms < 0 ? -1 : MillisSince(created);
    std::printf("[replicas] experiment created on the primary served by the replica after %.0f ms (target <= 1000)\n",
                since_creation);
    EXPECT_GE(since_creation, 0) << replica->log_tail();
    EXPECT_LE(since_creation, 1000);
  }
  int in_candidate = 0;
  for (int64_t user = 1; user <= 60; ++user) {
    const ArmAnswer on_primary = ArmOf(primary, user, "models");
    ASSERT_TRUE(on_primary.arm == "control" || on_primary.arm == "candidate") << on_primary.arm;
    EXPECT_EQ(on_primary.model_id, on_primary.arm == "candidate" ? candidate : 1) << "user " << user;
    EXPECT_EQ(ArmOf(a, user, "models"), on_primary) << "user " << user;
    EXPECT_EQ(ArmOf(b, user, "models"), on_primary) << "user " << user;
    in_candidate += on_primary.arm == "candidate" ? 1 : 0;
  }
  EXPECT_GT(in_candidate, 10);
  EXPECT_LT(in_candidate, 50);

  // Stopped on the primary (sent through a replica, which forwards it): stopped everywhere.
  const auto stopped = Clock::now();
  ASSERT_TRUE(StopExperiment(a, "models").ok());
  for (ServerProcess* replica : {&a, &b}) {
    const double ms =
        MillisUntil([&] { return ArmOf(*replica, kUser, "models") == ArmAnswer{"", 1}; }, std::chrono::seconds(5));
    const double since_stop = ms < 0 ? -1 : MillisSince(stopped);
    std::printf("[replicas] experiment stopped on the primary stopped on the replica after %.0f ms (target <= 1000)\n",
                since_stop);
    EXPECT_GE(since_stop, 0) << replica->log_tail();
    EXPECT_LE(since_stop, 1000);
  }

  // A replica that was away takes the running experiments from its snapshot, and drops the ones
  // it ran that the primary stopped meanwhile.
  ASSERT_TRUE(CreateModelsExperiment(primary, "models_again", candidate).ok());
  EXPECT_GE(MillisUntil([&] { return ArmOf(b, kUser, "models_again").arm == "candidate"; }, std::chrono::seconds(5)), 0);
  b.Kill();
  ASSERT_TRUE(StopExperiment(primary, "models_again").ok());
  ASSERT_TRUE(CreateModelsExperiment(primary, "models_third", candidate).ok());
  ASSERT_TRUE(b.Start(/*wait_serving=*/true).ok()) << b.log_tail();
  EXPECT_GE(MillisUntil(
                [&] {
                  absl::StatusOr<v1::RecommendationsResponse> answer = Recommend(b, kUser, 10);
                  return answer.ok() && answer->experiments_size() == 1 &&
                         answer->experiments().contains("models_third") && answer->model_id() == candidate;
                },
                std::chrono::seconds(10)),
            0)
      << b.log_tail();
}

TEST(ReplicasEndToEndTest, AnInteractionSentToAReplicaMovesTheUsersNextAnswerThereAndOnEveryReplica) {
  Cluster cluster;
  ASSERT_NO_FATAL_FAILURE(cluster.Start(2));
  ServerProcess& a = *cluster.replicas[0];
  ServerProcess& b = *cluster.replicas[1];
  const int64_t newcomer = 1'000'007;  // outside the model: popular titles until the real-time overlay has a row
  ASSERT_EQ(SourceFor(a, newcomer), v1::POPULAR);
  ASSERT_EQ(SourceFor(b, newcomer), v1::POPULAR);
  const int64_t bookmarked = TopTitle(a);
  ASSERT_TRUE(RecordBookmark(a, newcomer, bookmarked).ok());
  // The replica that took the call answers from the refitted row at once (its overlay, not a
  // round trip through the primary's event).
  EXPECT_EQ(SourceFor(a, newcomer), v1::MODEL);
  const auto recorded = Clock::now();
  const double ms = MillisUntil([&] { return SourceFor(b, newcomer) == v1::MODEL; }, std::chrono::seconds(5));
  std::printf("[replicas] an interaction sent to one replica moved the user's answer on the other after %.0f ms\n",
              ms < 0 ? -1 : MillisSince(recorded));
  EXPECT_GE(ms, 0) << b.log_tail();
  EXPECT_LE(ms, 1000);

  // Deleted (through a replica): the rows go back to the trained ones everywhere.
  {
    auto context = AdminContext();
    v1::DeleteInteractionsRequest request;
    request.set_user_id(newcomer);
    v1::DeleteInteractionsResponse response;
    grpc::Status status = a.admin().DeleteInteractions(context.get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.deleted(), 1);
  }
  EXPECT_EQ(SourceFor(a, newcomer), v1::POPULAR);
  EXPECT_GE(MillisUntil([&] { return SourceFor(b, newcomer) == v1::POPULAR; }, std::chrono::seconds(5)), 0);
}

TEST(ReplicasEndToEndTest, WritesSentToAReplicaReachThePrimaryOrAreRefusedNamingIt) {
  Cluster cluster;
  ASSERT_NO_FATAL_FAILURE(cluster.Start(1));
  ServerProcess& primary = cluster.primary;
  ServerProcess& replica = *cluster.replicas[0];

  // RecordInteraction: stored by the primary (its hot store feeds the next training), and the
  // title leaves the user's answers on the replica too (the primary's event comes back).
  absl::StatusOr<v1::RecommendationsResponse> answer = Recommend(replica);
  ASSERT_TRUE(answer.ok() && answer->items_size() >= 3) << answer.status();
  const int64_t watched = answer->items(0).title_id();
  const int64_t played = answer->items(1).title_id();  // titles the model knows
  const int64_t viewed = answer->items(2).title_id();
  {
    auto context = AdminContext();
    v1::RecordInteractionRequest request;
    request.set_user_id(kUser);
    request.set_title_id(watched);
    request.set_type("rating");
    request.set_value(5);
    v1::RecordInteractionResponse response;
    grpc::Status status = replica.admin().RecordInteraction(context.get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(HotInteractions(primary, kUser, watched, "rating"), 1);
  EXPECT_EQ(HotInteractions(replica, kUser, watched, "rating"), 0);  // never kept on the replica
  EXPECT_GE(MillisUntil([&] { return !Answers(replica, watched); }, std::chrono::seconds(5)), 0);

  // Session feedback (GetNextTitle's previous title) is recorded on the primary.
  {
    grpc::ClientContext context;
    v1::GetNextTitleRequest request;
    request.set_user_id(kUser);
    request.set_session_id("replica-session");
    request.set_previous_title_id(played);
    request.set_consumed(0.9);
    v1::GetNextTitleResponse response;
    grpc::Status status = replica.recommender().GetNextTitle(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  // Sent from the replica's queue, so that the call never waits for the primary.
  EXPECT_GE(MillisUntil([&] { return HotInteractions(primary, kUser, played, "play") == 1; }, std::chrono::seconds(10)),
            0);
  EXPECT_EQ(HotInteractions(replica, kUser, played, "play"), 0);

  // POST /interactions on the replica's HTTP listener too.
  {
    httplib::Client client("127.0.0.1", replica.http_port());
    httplib::Headers headers{{"Authorization", fmt::format("Bearer {}", ServerProcess::kAdminToken)}};
    httplib::Result result =
        client.Post("/interactions", headers,
                    fmt::format(R"({{"userId": {}, "titleId": {}, "type": "view", "value": 1}})", kUser, viewed),
                    "application/json");
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 200) << result->body;
  }
  EXPECT_EQ(HotInteractions(primary, kUser, viewed, "view"), 1);

  // Jobs live on the primary: a training scheduled through the replica is the primary's job.
  {
    auto context = AdminContext();
    v1::ListJobsRequest request;
    v1::ListJobsResponse response;
    grpc::Status status = replica.admin().ListJobs(context.get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_GE(response.jobs_size(), 1);  // the primary's first training
  }
  // Experiments live on the primary too: one created through the replica is the primary's.
  {
    auto context = AdminContext();
    v1::CreateExperimentRequest request;
    request.mutable_experiment()->set_name("via_replica");
    for (const char* arm : {"control", "treatment"}) {
      v1::Arm* added = request.mutable_experiment()->add_arms();
      added->set_name(arm);
      added->set_weight(1);
    }
    v1::Experiment created;
    grpc::Status status = replica.admin().CreateExperiment(context.get(), request, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
    auto get_context = AdminContext();
    v1::GetExperimentRequest get;
    get.set_name("via_replica");
    v1::Experiment on_primary;
    status = primary.admin().GetExperiment(get_context.get(), get, &on_primary);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(on_primary.arms_size(), 2);
  }
  // TrainModel is refused, naming the primary.
  {
    auto context = AdminContext();
    v1::TrainModelRequest request;
    v1::TrainModelResponse response;
    grpc::Status status = replica.recommender().TrainModel(context.get(), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_NE(status.error_message().find(primary.grpc_address()), std::string::npos) << status.error_message();
  }
  // A replica checks the caller's token itself (a forwarded call carries the replica's own).
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer wrong");
    v1::BlacklistRequest request;
    request.add_title_ids(watched);
    v1::BlacklistResponse response;
    EXPECT_EQ(replica.admin().AddToBlacklist(&context, request, &response).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
}

TEST(ReplicasEndToEndTest, ARestartedReplicaCatchesUpAndReplicasServeThroughAPrimaryOutage) {
  Cluster cluster;
  ASSERT_NO_FATAL_FAILURE(cluster.Start(1));
  ServerProcess& primary = cluster.primary;
  ServerProcess& replica = *cluster.replicas[0];

  // Killed (no clean shutdown) while the primary moves on.
  const int64_t banned = TopTitle(replica);
  replica.Kill();
  const int64_t second = TrainInactiveModel(primary);
  ASSERT_TRUE(Activate(primary, second).ok());
  ASSERT_TRUE(Blacklist(primary, banned, true).ok());
  // Back on its own folder: serves its copy of model 1 at once, then what it missed.
  ASSERT_TRUE(replica.Start(/*wait_serving=*/true).ok()) << replica.log_tail();
  const auto restarted = Clock::now();
  EXPECT_GE(MillisUntil([&] { return ServedModel(replica) == second && !Answers(replica, banned); },
                        std::chrono::seconds(10)),
            0)
      << replica.log_tail();
  std::printf("[replicas] restarted replica caught up (model %lld, blacklist) %.0f ms after it was SERVING\n",
              static_cast<long long>(second), MillisSince(restarted));

  // The primary goes away: the replica keeps serving and says so in /health and /metrics.
  primary.Stop();
  EXPECT_GE(MillisUntil([&] { return HttpGet(replica, "/metrics").find("vitrina_replication_connected{primary=") !=
                                         std::string::npos &&
                                     HttpGet(replica, "/metrics").find(fmt::format(
                                         "vitrina_replication_connected{{primary=\"{}\"}} 0", primary.grpc_address())) !=
                                         std::string::npos; },
                        std::chrono::seconds(10)),
            0)
      << HttpGet(replica, "/metrics");
  const std::string health = HttpGet(replica, "/health");
  EXPECT_NE(health.find(R"("status":"SERVING")"), std::string::npos) << health;
  EXPECT_NE(health.find("the primary is unreachable"), std::string::npos) << health;
  EXPECT_EQ(replica.Health(), "SERVING");
  EXPECT_EQ(ServedModel(replica), second);
  // Writes are not kept: UNAVAILABLE naming the primary, for the caller to retry.
  {
    auto context = AdminContext();
    v1::RecordInteractionRequest request;
    request.set_user_id(kUser);
    request.set_title_id(1);
    request.set_type("rating");
    request.set_value(4);
    v1::RecordInteractionResponse response;
    grpc::Status status = replica.admin().RecordInteraction(context.get(), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_NE(status.error_message().find(primary.grpc_address()), std::string::npos) << status.error_message();
  }

  // Session feedback still answers, and waits on the replica for the primary to come back.
  absl::StatusOr<v1::RecommendationsResponse> answer = Recommend(replica);
  ASSERT_TRUE(answer.ok() && answer->items_size() > 0) << answer.status();
  const int64_t played = answer->items(0).title_id();
  {
    grpc::ClientContext context;
    v1::GetNextTitleRequest request;
    request.set_user_id(kUser);
    request.set_session_id("during-the-outage");
    request.set_previous_title_id(played);
    request.set_consumed(0.8);
    v1::GetNextTitleResponse response;
    grpc::Status status = replica.recommender().GetNextTitle(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // The primary returns (a new log: its numbering restarted), the replica takes its snapshot.
  ASSERT_TRUE(primary.Start(/*wait_serving=*/true).ok()) << primary.log_tail();
  EXPECT_GE(MillisUntil([&] { return HotInteractions(primary, kUser, played, "play") == 1; }, std::chrono::seconds(10)),
            0)
      << "the feedback given during the outage did not reach the primary";
  ASSERT_TRUE(Blacklist(primary, banned, false).ok());
  const double ms = MillisUntil([&] { return Answers(replica, banned); }, std::chrono::seconds(15));
  std::printf("[replicas] after the primary's restart, a blacklist removal reached the replica in %.0f ms\n", ms);
  EXPECT_GE(ms, 0) << replica.log_tail();
  const std::string metrics = HttpGet(replica, "/metrics");
  EXPECT_NE(metrics.find(fmt::format("vitrina_replication_connected{{primary=\"{}\"}} 1", primary.grpc_address())),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("vitrina_replication_snapshots_total 2"), std::string::npos) << metrics;
}

}  // namespace
}  // namespace vitrina::server::testing
