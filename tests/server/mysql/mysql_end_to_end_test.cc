// End-to-end with a real MariaDB as the catalog: the server reads it with the SELECT-only account
// of data/mysql/schema.sql, trains its first model from it, continues that model on rows added
// later, and lives through the database going away and coming back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "data/demo_data_source.h"
#include "data/mysql_catalog_writer.h"
#include "fmt/format.h"
#include "tests/server/test_server.h"
#include "tests/testing/mariadb_server.h"

namespace vitrina::server::testing {
namespace {

using ::testing::HasSubstr;
using vitrina::testing::MariadbServer;

constexpr char kSchemaFile[] = VITRINA_SOURCE_DIR "/data/mysql/schema.sql";

// The generated catalog every test starts from: filled and trained on in about a second.
data::DemoCatalogSpec CatalogSpec() {
  data::DemoCatalogSpec spec;
  spec.users = 300;
  spec.titles = 120;
  spec.interactions = 12000;
  return spec;
}

// The account schema.sql creates for the server: SELECT on the catalog, nothing else.
std::string ReadOnlyUrl(int port) { return fmt::format("mysql://vitrina_ro:vitrina_ro@127.0.0.1:{}/vitrina", port); }
// How the server names the catalog in its errors (the URL without the password).
std::string CatalogName(int port) { return fmt::format("mysql://vitrina_ro@127.0.0.1:{}/vitrina", port); }

// A fresh MariaDB holding schema.sql and the generated catalog; equal on every call.
std::unique_ptr<MariadbServer> StartCatalogDatabase() {
  auto database = MariadbServer::Start();
  EXPECT_TRUE(database.ok()) << database.status();
  if (!database.ok()) return nullptr;
  auto schema = (*database)->RunSqlFile(kSchemaFile);
  EXPECT_TRUE(schema.ok()) << schema.status();
  auto demo = data::DemoDataSource::Create(CatalogSpec());
  EXPECT_TRUE(demo.ok()) << demo.status();
  if (!schema.ok() || !demo.ok()) return nullptr;
  data::MysqlSettings root;
  root.url = (*database)->RootUrl("vitrina");
  absl::Status filled = data::FillMysqlDatabase(**demo, root);
  EXPECT_TRUE(filled.ok()) << filled;
  return filled.ok() ? *std::move(database) : nullptr;
}

ServerConfig MysqlServerConfig(const std::filesystem::path& data_dir, int database_port) {
  ServerConfig config = TestServer::SmallConfig(data_dir);
  config.data_source.kind = data::DataSourceConfig::Kind::kMysql;
  config.data_source.mysql.url = ReadOnlyUrl(database_port);
  // An outage fails a training within a second rather than after the production retries.
  config.data_source.mysql.connect_timeout_seconds = 2;
  config.data_source.mysql.read_timeout_seconds = 10;
  config.data_source.mysql.retries = 1;
  config.data_source.mysql.retry_backoff_ms = 50;
  return config;
}

grpc::Status TryRecommend(TestServer& server, int64_t user, int k, v1::RecommendationsResponse* response) {
  grpc::ClientContext context;
  v1::GetUserRecommendationsRequest request;
  request.set_user_id(user);
  request.set_k(k);
  return server.recommender().GetUserRecommendations(&context, request, response);
}

v1::RecommendationsResponse Recommend(TestServer& server, int64_t user, int k) {
  v1::RecommendationsResponse response;
  grpc::Status status = TryRecommend(server, user, k, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

std::set<int64_t> Titles(const v1::RecommendationsResponse& response) {
  std::set<int64_t> titles;
  for (const auto& item : response.items()) titles.insert(item.title_id());
  return titles;
}

grpc::Status Train(TestServer& server, v1::TrainingKind kind, v1::TrainModelResponse* response) {
  grpc::ClientContext context;
  v1::TrainModelRequest request;
  request.mutable_params()->set_kind(kind);
  request.set_activate(v1::ALWAYS);
  request.set_wait(true);
  return server.recommender().TrainModel(&context, request, response);
}

v1::Model GetModel(TestServer& server, int64_t model_id) {
  grpc::ClientContext context;
  v1::GetModelRequest request;
  request.set_model_id(model_id);
  v1::Model model;
  grpc::Status status = server.admin().GetModel(&context, request, &model);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return model;
}

v1::ListModelsResponse ListModels(TestServer& server) {
  grpc::ClientContext context;
  v1::ListModelsResponse models;
  grpc::Status status = server.admin().ListModels(&context, v1::ListModelsRequest(), &models);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return models;
}

v1::ListJobsResponse ListJobs(TestServer& server, v1::JobStatus status) {
  grpc::ClientContext context;
  v1::ListJobsRequest request;
  request.set_status(status);
  v1::ListJobsResponse jobs;
  grpc::Status s = server.admin().ListJobs(&context, request, &jobs);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return jobs;
}

TEST(MysqlEndToEndTest, TrainsItsFirstModelFromMysqlWithASelectOnlyAccount) {
  auto database = StartCatalogDatabase();
  ASSERT_NE(database, nullptr);
  // The account the server reads with holds SELECT on the catalog and no other right.
  auto schema_rights = database->RunSql(
      "SELECT PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = \"'vitrina_ro'@'%'\"");
  ASSERT_TRUE(schema_rights.ok()) << schema_rights.status();
  EXPECT_EQ(*schema_rights, "SELECT\n");
  auto other_rights = database->RunSql(
      "SELECT (SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES"
      "        WHERE GRANTEE = \"'vitrina_ro'@'%'\" AND PRIVILEGE_TYPE <> 'USAGE')"
      "     + (SELECT COUNT(*) FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE = \"'vitrina_ro'@'%'\")");
  ASSERT_TRUE(other_rights.ok()) << other_rights.status();
  EXPECT_EQ(*other_rights, "0\n");

  TempDir dir;
  auto server = TestServer::Start(MysqlServerConfig(dir.path(), database->port()));
  ASSERT_NE(server, nullptr);
  v1::ListModelsResponse models = ListModels(*server);
  ASSERT_EQ(models.models_size(), 1);
  const v1::Model& first = models.models(0);
  EXPECT_EQ(models.active_model_id(), first.id());
  EXPECT_EQ(first.dataset().interactions_read(), CatalogSpec().interactions) << "the whole catalog was read";
  EXPECT_EQ(first.parent_model_id(), 0);

  v1::RecommendationsResponse answer = Recommend(*server, 7, 10);
  EXPECT_EQ(answer.source(), v1::MODEL);
  EXPECT_EQ(answer.model_id(), first.id());
  EXPECT_EQ(Titles(answer).size(), 10u);
}

TEST(MysqlEndToEndTest, IncrementalTrainingContinuesTheModelWithANewUserAndANewTitle) {
  auto database = StartCatalogDatabase();
  ASSERT_NE(database, nullptr);
  TempDir dir;
  auto server = TestServer::Start(MysqlServerConfig(dir.path(), database->port()));
  ASSERT_NE(server, nullptr);
  const v1::Model first = GetModel(*server, ListModels(*server).active_model_id());

  constexpr int64_t kNewUser = 1'000'001;
  constexpr int64_t kNewTitle = 2'000'001;
  EXPECT_EQ(Recommend(*server, kNewUser, 5).source(), v1::POPULAR) << "unknown to the first model";
  // Titles the first model knows, for the new user's history.
  v1::RecommendationsResponse known = Recommend(*server, 5, 4);
  ASSERT_EQ(known.items_size(), 4);
  const int64_t later = CatalogSpec().end_timestamp + 86'400;  // after everything the first model read
  std::string insert = fmt::format(
      "USE vitrina;"
      "INSERT INTO titles (id, name, available) VALUES ({title}, 'Premiere', 1);"
      "INSERT INTO title_genres (title_id, genre) VALUES ({title}, 'drama');"
      "INSERT INTO users (id) VALUES ({user});"
      "INSERT INTO interactions (user_id, title_id, type, value, created_at) VALUES"
      " ({user}, {t0}, 'rating', 5, {at}), ({user}, {t1}, 'view', 1, {at} + 1),"
      " ({user}, {t2}, 'bookmark', 1, {at} + 2), ({user}, {t3}, 'rating', 4, {at} + 3),"
      " ({user}, {title}, 'view', 0.9, {at} + 4), (5, {title}, 'rating', 5, {at} + 5),"
      " (6, {title}, 'bookmark', 1, {at} + 6);",
      fmt::arg("user", kNewUser), fmt::arg("title", kNewTitle), fmt::arg("at", later),
      fmt::arg("t0", known.items(0).title_id()), fmt::arg("t1", known.items(1).title_id()),
      fmt::arg("t2", known.items(2).title_id()), fmt::arg("t3", known.items(3).title_id()));
  auto inserted = database->RunSql(insert);
  ASSERT_TRUE(inserted.ok()) << inserted.status();

  v1::TrainModelResponse trained;
  grpc::Status status = Train(*server, v1::INCREMENTAL, &trained);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(trained.activated());
  const v1::Model next = GetModel(*server, trained.model_id());
  EXPECT_EQ(next.parent_model_id(), first.id());
  EXPECT_EQ(next.params().kind(), v1::INCREMENTAL);
  EXPECT_EQ(next.dataset().interactions_read(), 7) << "only the rows newer than the first model's";
  EXPECT_EQ(next.n_users(), first.n_users() + 1);
  EXPECT_EQ(next.n_titles(), first.n_titles() + 1);

  v1::RecommendationsResponse answer = Recommend(*server, kNewUser, 5);
  EXPECT_EQ(answer.source(), v1::MODEL);
  EXPECT_EQ(answer.model_id(), next.id());
  EXPECT_EQ(answer.items_size(), 5);
  for (int64_t seen : {known.items(0).title_id(), known.items(1).title_id(), known.items(2).title_id(),
                       known.items(3).title_id(), kNewTitle}) {
    EXPECT_FALSE(Titles(answer).contains(seen)) << "title " << seen << " was consumed by the new user";
  }
}

TEST(MysqlEndToEndTest, DatabaseOutageFailsTheTrainingKeepsServingAndRecoversWhenItIsBack) {
  auto database = StartCatalogDatabase();
  ASSERT_NE(database, nullptr);
  TempDir dir;
  auto server = TestServer::Start(MysqlServerConfig(dir.path(), database->port()));
  ASSERT_NE(server, nullptr);
  const int64_t serving = ListModels(*server).active_model_id();

  // A client keeps asking during the outage; every answer must come, from the model that served.
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0};
  std::atomic<int> failures{0};
  std::thread client([&] {
    for (int64_t user = 1; !stop; user = user % 250 + 1) {
      v1::RecommendationsResponse answer;
      grpc::Status status = TryRecommend(*server, user, 5, &answer);
      if (!status.ok() || answer.items_size() != 5 || answer.model_id() != serving) failures++;
      answered++;
    }
  });
  absl::Status stopped = database->Stop();
  v1::TrainModelResponse trained;
  grpc::Status failed = Train(*server, v1::FULL, &trained);
  stop = true;
  client.join();
  ASSERT_TRUE(stopped.ok()) << stopped;
  EXPECT_GT(answered.load(), 0);
  EXPECT_EQ(failures.load(), 0) << "of " << answered.load() << " answers while the database was down";
  EXPECT_EQ(ListModels(*server).active_model_id(), serving);

  EXPECT_EQ(failed.error_code(), grpc::StatusCode::ABORTED) << failed.error_message();
  v1::ListJobsResponse failed_jobs = ListJobs(*server, v1::FAILED);
  ASSERT_EQ(failed_jobs.jobs_size(), 1);
  grpc::ClientContext context;
  v1::GetJobRequest request;
  request.set_job_id(failed_jobs.jobs(0).id());
  v1::Job job;
  ASSERT_TRUE(server->admin().GetJob(&context, request, &job).ok());
  EXPECT_EQ(job.status(), v1::FAILED);
  EXPECT_EQ(job.model_id(), 0);
  EXPECT_THAT(job.error(), HasSubstr(CatalogName(database->port())));
  EXPECT_THAT(job.error(), HasSubstr("MySQL error"));
  EXPECT_EQ(failed.error_message(), fmt::format("job {} failed: {}", job.id(), job.error()));

  // The database comes back at the address the server knows, with its catalog.
  absl::Status restarted = database->Restart();
  ASSERT_TRUE(restarted.ok()) << restarted;
  grpc::Status recovered = Train(*server, v1::FULL, &trained);
  ASSERT_TRUE(recovered.ok()) << recovered.error_message();
  EXPECT_TRUE(trained.activated());
  EXPECT_NE(trained.model_id(), serving);
  EXPECT_EQ(GetModel(*server, trained.model_id()).dataset().interactions_read(), CatalogSpec().interactions);
  EXPECT_EQ(Recommend(*server, 7, 5).model_id(), trained.model_id());
}

// A read replica given the catalog's MySQL (the read-only account) places what was added after the
// primary's training as the primary does: the new title answers GetTitleRelevant and the new user
// with features gets the model's answer, the same on both instances.
TEST(MysqlEndToEndTest, AReplicaOnTheSharedCatalogPlacesNewTitlesAndUsersAsThePrimaryDoes) {
  auto database = StartCatalogDatabase();
  ASSERT_NE(database, nullptr);
  TempDir primary_dir;
  auto primary = TestServer::Start(MysqlServerConfig(primary_dir.path(), database->port()));
  ASSERT_NE(primary, nullptr);
  TempDir replica_dir;
  ServerConfig replica_config = MysqlServerConfig(replica_dir.path(), database->port());
  replica_config.jobs_enabled = false;
  replica_config.replication.primary = fmt::format("127.0.0.1:{}", primary->app().grpc_port());
  auto replica = TestServer::Start(replica_config);
  ASSERT_NE(replica, nullptr);

  // Cluster 3's signature genre and creators in the demo generator (data/demo_data_source.cc).
  constexpr int64_t kNewTitle = 500'001;
  constexpr int64_t kNewUser = 600'001;
  auto inserted = database->RunSql(fmt::format(
      "USE vitrina;"
      "INSERT INTO titles (id, name, available) VALUES ({title}, 'Added after training', 1);"
      "INSERT INTO title_genres (title_id, genre) VALUES ({title}, 'fantasy');"
      "INSERT INTO title_creators (title_id, creator) VALUES ({title}, '37'), ({title}, '38');"
      "INSERT INTO users (id) VALUES ({user});"
      "INSERT INTO user_features (user_id, feature) VALUES ({user}, 'signup_genre:fantasy'), ({user}, 'country:de');",
      fmt::arg("title", kNewTitle), fmt::arg("user", kNewUser)));
  ASSERT_TRUE(inserted.ok()) << inserted.status();
  ASSERT_TRUE(primary->app().RefreshNewcomers().ok());
  ASSERT_TRUE(replica->app().RefreshNewcomers().ok());

  for (TestServer* server : {primary.get(), replica.get()}) {
    grpc::ClientContext context;
    v1::GetTitleRelevantRequest request;
    request.set_title_id(kNewTitle);
    request.set_k(5);
    v1::RecommendationsResponse similar;
    grpc::Status status = server->recommender().GetTitleRelevant(&context, request, &similar);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(similar.items_size(), 5);
  }
  const v1::RecommendationsResponse on_primary = Recommend(*primary, kNewUser, 10);
  const v1::RecommendationsResponse on_replica = Recommend(*replica, kNewUser, 10);
  EXPECT_EQ(on_primary.source(), v1::MODEL);
  EXPECT_EQ(on_replica.source(), v1::MODEL);
  EXPECT_EQ(on_replica.model_id(), on_primary.model_id());
  EXPECT_EQ(Titles(on_replica), Titles(on_primary));
}

}  // namespace
}  // namespace vitrina::server::testing
