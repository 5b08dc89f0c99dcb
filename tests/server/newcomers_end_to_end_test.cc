// End-to-end: cold start by features. A title added to the catalog after the training is placed
// by its genres and creators (the model's feature embeddings) once the server reads the catalog
// again: GetTitleRelevant answers for it with titles of its planted cluster, and it appears in
// other answers. A user the model was not trained on is placed by their catalog features: their
// first answer is the model's, from their features' cluster. On the demo catalog, whose clusters
// each have two signature genres and twelve creators, and whose users sign up with one of their
// cluster's genres (feature "signup_genre:<genre>", 60% of them) and a random country.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "SQLiteCpp/SQLiteCpp.h"
#include "fmt/format.h"
#include "server/catalog_newcomers.h"
#include "server/served_model.h"
#include "tests/server/test_server.h"

namespace vitrina::server::testing {
namespace {

constexpr int kCluster = 3;
// What the demo generator gives cluster 3 (data/demo_data_source.cc): signature genres
// kGenres[6], kGenres[7], creators 3 * 12 + 1 ... 3 * 12 + 12.
const std::vector<std::string> kClusterGenres = {"fantasy", "documentary"};
const std::vector<std::string> kClusterCreators = {"37", "38"};

class NewcomersEndToEndTest : public SharedServerTest {
 protected:
  static void SetUpTestSuite() {
    StartSharedServer([](ServerConfig& config) {
      config.demo.titles = 240;  // 30 titles per cluster
      config.demo.interactions = 20000;
      config.training.defaults.set_epochs(15);
    });
    // The refresh that follows the first activation runs in the background: the tests' "not
    // placed before the catalog is read again" holds only once it has run.
    const int64_t model_id = server_->app().models().Current()->model_id;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (server_->app().newcomers().For(model_id) == nullptr && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_NE(server_->app().newcomers().For(model_id), nullptr) << "the refresh after the activation did not run";
  }

  // Adds a title to the embedded catalog, as the catalog's owner would after the training.
  static void AddTitle(int64_t id, const std::vector<std::string>& genres, const std::vector<std::string>& creators,
                       bool available = true) {
    SQLite::Database catalog(server_->app().config().data_source.embedded_path, SQLite::OPEN_READWRITE);
    catalog.setBusyTimeout(kCatalogBusyTimeoutMs);
    // The server reads the catalog in the background (the refresh after its first activation):
    // wait for its read lock instead of failing with SQLITE_BUSY.
    catalog.setBusyTimeout(10'000);
    SQLite::Statement title(catalog, "INSERT INTO titles (id, name, available) VALUES (?, ?, ?)");
    title.bind(1, id);
    title.bind(2, "Added after training");
    title.bind(3, available ? 1 : 0);
    title.exec();
    for (const std::string& genre : genres) {
      SQLite::Statement insert(catalog, "INSERT INTO title_genres (title_id, genre) VALUES (?, ?)");
      insert.bind(1, id);
      insert.bind(2, genre);
      insert.exec();
    }
    for (const std::string& creator : creators) {
      SQLite::Statement insert(catalog, "INSERT INTO title_creators (title_id, creator) VALUES (?, ?)");
      insert.bind(1, id);
      insert.bind(2, creator);
      insert.exec();
    }
  }

  // Adds a user with `features` and no interaction to the embedded catalog.
  static void AddUser(int64_t id, const std::vector<std::string>& features) {
    SQLite::Database catalog(server_->app().config().data_source.embedded_path, SQLite::OPEN_READWRITE);
    catalog.setBusyTimeout(kCatalogBusyTimeoutMs);
    catalog.setBusyTimeout(10'000);
    SQLite::Statement user(catalog, "INSERT INTO users (id) VALUES (?)");
    user.bind(1, id);
    user.exec();
    for (const std::string& feature : features) {
      SQLite::Statement insert(catalog, "INSERT INTO user_features (user_id, feature) VALUES (?, ?)");
      insert.bind(1, id);
      insert.bind(2, feature);
      insert.exec();
    }
  }

  static grpc::Status Recommend(int64_t user, int k, v1::RecommendationsResponse* response) {
    grpc::ClientContext context;
    v1::GetUserRecommendationsRequest request;
    request.set_user_id(user);
    request.set_k(k);
    return server_->recommender().GetUserRecommendations(&context, request, response);
  }

  static grpc::Status Relevant(int64_t title, int k, v1::RecommendationsResponse* response,
                               const v1::TitleFilter& filter = {}) {
    grpc::ClientContext context;
    v1::GetTitleRelevantRequest request;
    request.set_title_id(title);
    request.set_k(k);
    *request.mutable_filter() = filter;
    return server_->recommender().GetTitleRelevant(&context, request, response);
  }

  static std::vector<int64_t> TitleIds(const v1::RecommendationsResponse& response) {
    std::vector<int64_t> ids;
    for (const auto& item : response.items()) ids.push_back(item.title_id());
    return ids;
  }

};


TEST_F(NewcomersEndToEndTest, ANewTitleIsPlacedByItsFeaturesAmongItsCluster) {
  constexpr int64_t kNew = 100'001;
  AddTitle(kNew, kClusterGenres, kClusterCreators);
  v1::RecommendationsResponse response;
  EXPECT_EQ(Relevant(kNew, 10, &response).error_code(), grpc::StatusCode::NOT_FOUND)
      << "the served model does not know it before the catalog is read again";

  ASSERT_TRUE(server_->app().RefreshNewcomers().ok());
  grpc::Status status = Relevant(kNew, 10, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.source(), v1::MODEL);
  ASSERT_EQ(response.items_size(), 10);
  const std::vector<int64_t> neighbours = TitleIds(response);
  const auto in_cluster = std::count_if(neighbours.begin(), neighbours.end(),
                                        [](int64_t title) { return DemoTruth().TitleCluster(title) == kCluster; });
  EXPECT_GE(in_cluster, 8) << "neighbours of a title with cluster " << kCluster << "'s features: "
                           << ::testing::PrintToString(neighbours);
  EXPECT_THAT(neighbours, ::testing::Not(::testing::Contains(kNew)));

  // It appears in answers about other titles: a filter on its creators leaves few titles, all in
  // the answer, and the new one must be among them.
  v1::TitleFilter by_its_creators;
  for (const std::string& creator : kClusterCreators) by_its_creators.add_creators_any(creator);
  status = Relevant(neighbours[0], 20, &response, by_its_creators);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(TitleIds(response), ::testing::Contains(kNew));

  // ... and in personal answers, ranked by the user's row against its feature-placed row.
  const trainer::Model& model = *server_->app().models().Current()->model;
  int64_t user = -1;
  for (int32_t index = 0; index < model.n_users() && user < 0; ++index) {
    if (DemoTruth().UserPrefers(*model.UserId(index), kCluster)) user = *model.UserId(index);
  }
  ASSERT_GE(user, 0);
  grpc::ClientContext context;
  v1::GetUserRecommendationsRequest request;
  request.set_user_id(user);
  request.set_k(20);
  request.set_exclude_seen(false);
  *request.mutable_filter() = by_its_creators;
  ASSERT_TRUE(server_->recommender().GetUserRecommendations(&context, request, &response).ok());
  EXPECT_EQ(response.source(), v1::MODEL);
  EXPECT_THAT(TitleIds(response), ::testing::Contains(kNew));
}

TEST_F(NewcomersEndToEndTest, AUserOutsideTheModelIsPlacedByTheirFeatures) {
  constexpr int64_t kNewUser = 900'001;
  constexpr int64_t kUnplaceable = 900'002;
  AddUser(kNewUser, {"country:de", "signup_genre:" + kClusterGenres[0]});
  AddUser(kUnplaceable, {"country:atlantis"});
  v1::RecommendationsResponse response;
  ASSERT_TRUE(Recommend(kNewUser, 10, &response).ok());
  EXPECT_EQ(response.source(), v1::POPULAR) << "the served model does not know them before the catalog is read again";

  ASSERT_TRUE(server_->app().RefreshNewcomers().ok());
  grpc::Status status = Recommend(kNewUser, 10, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.source(), v1::MODEL);
  ASSERT_EQ(response.items_size(), 10);
  const std::vector<int64_t> answer = TitleIds(response);
  const auto in_cluster =
      std::count_if(answer.begin(), answer.end(), [](int64_t title) { return DemoTruth().TitleCluster(title) == kCluster; });
  EXPECT_GE(in_cluster, 7) << "the answer of a user who signed up with cluster " << kCluster << "'s genre: "
                           << ::testing::PrintToString(answer);

  // A feature the model never learned places nobody.
  ASSERT_TRUE(Recommend(kUnplaceable, 10, &response).ok());
  EXPECT_EQ(response.source(), v1::POPULAR);
}

TEST_F(NewcomersEndToEndTest, TitlesThatCannotBePlacedStayUnknown) {
  AddTitle(100'002, {"no-such-genre"}, {"no-such-creator"});            // no feature the model knows
  AddTitle(100'003, kClusterGenres, kClusterCreators, /*available=*/false);
  ASSERT_TRUE(server_->app().RefreshNewcomers().ok());
  v1::RecommendationsResponse response;
  EXPECT_EQ(Relevant(100'002, 5, &response).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Relevant(100'003, 5, &response).error_code(), grpc::StatusCode::NOT_FOUND);
}

// Last in the file: it changes the catalog for the tests after it in the same process.
TEST_F(NewcomersEndToEndTest, ATitleTheCatalogWithdrawsLeavesEveryAnswer) {
  const int64_t withdrawn = server_->app().models().Current()->popular->ranking().front().title_id;
  constexpr int64_t kOutsider = 900'010;  // in no catalog table: the popular answer
  int sessions = 0;
  // top_popular with k 100: the 100 most popular titles the session may show.
  auto next_titles = [&] {
    grpc::ClientContext context;
    v1::GetNextTitleRequest request;
    request.set_user_id(kOutsider);
    request.set_session_id(fmt::format("withdrawn-{}", ++sessions));
    request.set_k(100);
    request.set_policy("top_popular");
    v1::GetNextTitleResponse response;
    grpc::Status status = server_->recommender().GetNextTitle(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<int64_t> ids;
    for (const auto& item : response.items()) ids.push_back(item.title_id());
    return ids;
  };
  v1::RecommendationsResponse response;
  ASSERT_TRUE(Relevant(withdrawn, 1, &response).ok());
  const int64_t neighbour = response.items(0).title_id();
  ASSERT_TRUE(Recommend(kOutsider, 10, &response).ok());
  EXPECT_THAT(TitleIds(response), ::testing::Contains(withdrawn)) << "the most popular title, before";
  ASSERT_TRUE(Relevant(neighbour, 200, &response).ok());
  EXPECT_THAT(TitleIds(response), ::testing::Contains(withdrawn));
  EXPECT_THAT(next_titles(), ::testing::Contains(withdrawn));

  {
    SQLite::Database catalog(server_->app().config().data_source.embedded_path, SQLite::OPEN_READWRITE);
    catalog.setBusyTimeout(kCatalogBusyTimeoutMs);
    catalog.setBusyTimeout(10'000);
    SQLite::Statement update(catalog, "UPDATE titles SET available = 0 WHERE id = ?");
    update.bind(1, withdrawn);
    ASSERT_EQ(update.exec(), 1);
  }
  ASSERT_TRUE(server_->app().RefreshNewcomers().ok());
  ASSERT_TRUE(Recommend(kOutsider, 10, &response).ok());
  EXPECT_EQ(response.items_size(), 10);
  EXPECT_THAT(TitleIds(response), ::testing::Not(::testing::Contains(withdrawn)));
  ASSERT_TRUE(Relevant(neighbour, 200, &response).ok());
  EXPECT_THAT(TitleIds(response), ::testing::Not(::testing::Contains(withdrawn)));
  EXPECT_THAT(next_titles(), ::testing::Not(::testing::Contains(withdrawn)));
  // A user of the model, every title ranked.
  const int64_t user = *server_->app().models().Current()->model->UserId(0);
  grpc::ClientContext context;
  v1::GetUserRecommendationsRequest request;
  request.set_user_id(user);
  request.set_k(300);
  request.set_exclude_seen(false);
  ASSERT_TRUE(server_->recommender().GetUserRecommendations(&context, request, &response).ok());
  EXPECT_GT(response.items_size(), 200);
  EXPECT_THAT(TitleIds(response), ::testing::Not(::testing::Contains(withdrawn)));
}

}  // namespace
}  // namespace vitrina::server::testing
