// The server on a catalog made by vitrina-import's library whose ids start at 0: it trains, and
// user 0 and title 0 are served like any other id.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "data/catalog_import.h"
#include "fmt/format.h"
#include "tests/server/test_server.h"

namespace vitrina::server::testing {
namespace {

// Two taste groups: even users rate titles 0..9, odd users titles 10..19. User 0 rated 0..5.
data::ImportInput PlantedCatalogFromZero() {
  std::string titles = "id,name,genres\n";
  for (int title = 0; title < 20; ++title) {
    titles += std::to_string(title) + ",Title " + std::to_string(title) + "," +
              (title < 10 ? "drama" : "comedy") + "\n";
  }
  std::string interactions = "user_id,title_id,type,value,time\n";
  int64_t time = 1700000000;
  for (int user = 0; user < 60; ++user) {
    const int first = user % 2 == 0 ? 0 : 10;
    for (int offset = 0; offset < 10; ++offset) {
      // Each user skips a different pair of the group's titles, so there is something to learn.
      if (user != 0 && (offset == user % 10 || offset == (user + 3) % 10)) continue;
      if (user == 0 && offset > 5) continue;
      interactions += fmt::format("{},{},rating,5,{}\n", user, first + offset, time++);
    }
  }
  data::ImportInput input;
  input.titles = data::ImportText{"titles.csv", titles, data::ImportFormat::kCsv};
  input.users = data::ImportText{"users.csv", "id,features\n0,country:de\n1,country:fr\n",
                                 data::ImportFormat::kCsv};
  input.interactions = data::ImportText{"interactions.csv", interactions, data::ImportFormat::kCsv};
  return input;
}

class ImportedCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerConfig config = TestServer::SmallConfig(dir_.path());
    config.data_source.embedded_path = dir_.File("imported.db");
    config.demo.generate_if_missing = false;
    data::ImportErrors errors(10);
    auto imported =
        data::ImportCatalog(config.data_source.embedded_path, PlantedCatalogFromZero(), {}, errors);
    ASSERT_TRUE(imported.ok()) << imported.status();
    server_ = TestServer::Start(std::move(config));
    ASSERT_NE(server_, nullptr);
  }

  grpc::Status Recommend(int64_t user, v1::RecommendationsResponse& response) {
    grpc::ClientContext context;
    v1::GetUserRecommendationsRequest request;
    request.set_user_id(user);
    request.set_k(4);
    return server_->recommender().GetUserRecommendations(&context, request, &response);
  }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(ImportedCatalogTest, UserZeroGetsPersonalRecommendationsWithoutSeenTitles) {
  v1::RecommendationsResponse response;
  grpc::Status status = Recommend(0, response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.source(), v1::MODEL);
  ASSERT_EQ(response.items_size(), 4);
  for (const v1::ScoredTitle& item : response.items()) {
    EXPECT_GT(item.title_id(), 5) << "user 0 already rated titles 0..5";
  }
  // Mostly the rest of user 0's group (titles 6..9): the model learned the groups.
  const int in_group = std::count_if(response.items().begin(), response.items().end(),
                                     [](const v1::ScoredTitle& item) { return item.title_id() < 10; });
  EXPECT_GE(in_group, 3);
}

TEST_F(ImportedCatalogTest, TitleZeroHasSimilarTitles) {
  grpc::ClientContext context;
  v1::GetTitleRelevantRequest request;
  request.set_title_id(0);
  request.set_k(3);
  v1::RecommendationsResponse response;
  grpc::Status status = server_->recommender().GetTitleRelevant(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.items_size(), 3);
}

TEST_F(ImportedCatalogTest, AdminCallsAcceptUserZeroAndTitleZero) {
  {
    grpc::ClientContext context;
    v1::RecordInteractionRequest request;
    request.set_user_id(0);
    request.set_title_id(0);
    request.set_type("rating");
    request.set_value(5);
    v1::RecordInteractionResponse response;
    grpc::Status status = server_->admin().RecordInteraction(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }
  v1::RecommendationsResponse before;
  ASSERT_TRUE(Recommend(0, before).ok());
  ASSERT_GT(before.items_size(), 0);
  const int64_t top = before.items(0).title_id();
  {
    grpc::ClientContext context;
    v1::BlacklistRequest request;
    request.set_user_id(0);
    request.add_title_ids(top);
    v1::BlacklistResponse response;
    grpc::Status status = server_->admin().AddToBlacklist(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.changed(), 1);
  }
  v1::RecommendationsResponse after;
  ASSERT_TRUE(Recommend(0, after).ok());
  for (const v1::ScoredTitle& item : after.items()) EXPECT_NE(item.title_id(), top);
  // User 0's list is theirs, not the global one: user 2 may still get the title.
  grpc::ClientContext context;
  v1::ListBlacklistRequest global;
  v1::ListBlacklistResponse listed;
  ASSERT_TRUE(server_->admin().ListBlacklist(&context, global, &listed).ok());
  EXPECT_EQ(listed.entries_size(), 0);
}

TEST_F(ImportedCatalogTest, InteractionsOfUserZeroAndTitleZeroCanBeDeleted) {
  v1::RecommendationsResponse before;
  ASSERT_TRUE(Recommend(0, before).ok());
  ASSERT_GT(before.items_size(), 0);
  const int64_t top = before.items(0).title_id();
  auto record = [&](int64_t user, int64_t title) {
    grpc::ClientContext context;
    v1::RecordInteractionRequest request;
    request.set_user_id(user);
    request.set_title_id(title);
    request.set_type("rating");
    request.set_value(5);
    v1::RecordInteractionResponse response;
    return server_->admin().RecordInteraction(&context, request, &response);
  };
  auto remove = [&](const v1::DeleteInteractionsRequest& request, int64_t& deleted) {
    grpc::ClientContext context;
    v1::DeleteInteractionsResponse response;
    grpc::Status status = server_->admin().DeleteInteractions(&context, request, &response);
    deleted = response.deleted();
    return status;
  };
  auto recommended = [&](int64_t title) {
    v1::RecommendationsResponse response;
    EXPECT_TRUE(Recommend(0, response).ok());
    return std::any_of(response.items().begin(), response.items().end(),
                       [&](const v1::ScoredTitle& item) { return item.title_id() == title; });
  };
  ASSERT_TRUE(record(0, top).ok());
  ASSERT_TRUE(record(1, 0).ok());
  EXPECT_FALSE(recommended(top)) << "user 0 just rated it";

  int64_t deleted = -1;
  v1::DeleteInteractionsRequest by_user;
  by_user.set_user_id(0);
  grpc::Status status = remove(by_user, deleted);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(deleted, 1);
  EXPECT_TRUE(recommended(top)) << "the deleted interaction no longer hides its title";

  v1::DeleteInteractionsRequest by_title;
  by_title.set_title_id(0);
  status = remove(by_title, deleted);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(deleted, 1);
}

}  // namespace
}  // namespace vitrina::server::testing
