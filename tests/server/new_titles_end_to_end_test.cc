// End-to-end: cold start by features. A title added to the catalog after the training is placed
// by its genres and creators (the model's feature embeddings) once the server reads the catalog
// again: GetTitleRelevant answers for it with titles of its planted cluster, and it appears in
// other answers. On the demo catalog, whose clusters each have two signature genres and twelve
// creators.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "SQLiteCpp/SQLiteCpp.h"
#include "data/demo_data_source.h"
#include "server/demo_catalog_spec.h"
#include "server/served_model.h"
#include "tests/server/test_server.h"

namespace vitrina::server::testing {
namespace {

constexpr int kCluster = 3;
// What the demo generator gives cluster 3 (data/demo_data_source.cc): signature genres
// kGenres[6], kGenres[7], creators 3 * 12 + 1 ... 3 * 12 + 12.
const std::vector<std::string> kClusterGenres = {"fantasy", "documentary"};
const std::vector<std::string> kClusterCreators = {"37", "38"};

class NewTitlesEndToEndTest : public SharedServerTest {
 protected:
  static void SetUpTestSuite() {
    StartSharedServer([](ServerConfig& config) {
      config.demo.titles = 240;  // 30 titles per cluster
      config.demo.interactions = 20000;
      config.training.defaults.set_epochs(15);
    });
    const ServerConfig& config = server_->app().config();
    auto source = data::DemoDataSource::Create(DemoSpecOf(config.demo));
    ASSERT_TRUE(source.ok()) << source.status();
    truth_ = new data::PlantedTruth((*source)->truth());
  }
  static void TearDownTestSuite() {
    delete truth_;
    truth_ = nullptr;
    SharedServerTest::TearDownTestSuite();
  }

  // Adds a title to the embedded catalog, as the catalog's owner would after the training.
  static void AddTitle(int64_t id, const std::vector<std::string>& genres, const std::vector<std::string>& creators,
                       bool available = true) {
    SQLite::Database catalog(server_->app().config().data_source.embedded_path, SQLite::OPEN_READWRITE);
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

  static data::PlantedTruth* truth_;
};

data::PlantedTruth* NewTitlesEndToEndTest::truth_ = nullptr;

TEST_F(NewTitlesEndToEndTest, ANewTitleIsPlacedByItsFeaturesAmongItsCluster) {
  constexpr int64_t kNew = 100'001;
  AddTitle(kNew, kClusterGenres, kClusterCreators);
  v1::RecommendationsResponse response;
  EXPECT_EQ(Relevant(kNew, 10, &response).error_code(), grpc::StatusCode::NOT_FOUND)
      << "the served model does not know it before the catalog is read again";

  ASSERT_TRUE(server_->app().RefreshNewTitles().ok());
  grpc::Status status = Relevant(kNew, 10, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.source(), v1::MODEL);
  ASSERT_EQ(response.items_size(), 10);
  const std::vector<int64_t> neighbours = TitleIds(response);
  const auto in_cluster = std::count_if(neighbours.begin(), neighbours.end(),
                                        [](int64_t title) { return truth_->TitleCluster(title) == kCluster; });
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
    if (truth_->UserPrefers(*model.UserId(index), kCluster)) user = *model.UserId(index);
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

TEST_F(NewTitlesEndToEndTest, TitlesThatCannotBePlacedStayUnknown) {
  AddTitle(100'002, {"no-such-genre"}, {"no-such-creator"});            // no feature the model knows
  AddTitle(100'003, kClusterGenres, kClusterCreators, /*available=*/false);
  ASSERT_TRUE(server_->app().RefreshNewTitles().ok());
  v1::RecommendationsResponse response;
  EXPECT_EQ(Relevant(100'002, 5, &response).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Relevant(100'003, 5, &response).error_code(), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace vitrina::server::testing
