// End-to-end: answers that learn in real time. On the real server (Application) over gRPC, a
// recorded interaction moves the user's next answer before any training, on a demo catalog with
// planted taste clusters.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "tests/server/test_server.h"

namespace vitrina::server::testing {
namespace {

class RealtimeEndToEndTest : public SharedServerTest {
 protected:
  static void SetUpTestSuite() {
    StartSharedServer([](ServerConfig& config) { config.demo.titles = 240; });  // 30 titles per cluster
  }

  static v1::RecommendationsResponse Recommend(int64_t user, int k = 10) {
    grpc::ClientContext context;
    v1::GetUserRecommendationsRequest request;
    request.set_user_id(user);
    request.set_k(k);
    v1::RecommendationsResponse response;
    grpc::Status status = server_->recommender().GetUserRecommendations(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }
  static void Record(int64_t user, int64_t title, const std::string& type, double value) {
    grpc::ClientContext context;
    v1::RecordInteractionRequest request;
    request.set_user_id(user);
    request.set_title_id(title);
    request.set_type(type);
    request.set_value(value);
    v1::RecordInteractionResponse response;
    grpc::Status status = server_->admin().RecordInteraction(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  // The `n` lowest title ids of a planted cluster.
  static std::vector<int64_t> ClusterTitles(int cluster, size_t n) {
    std::vector<int64_t> titles;
    for (int64_t id = 1; id <= server_->app().config().demo.titles && titles.size() < n; ++id) {
      if (DemoTruth().TitleCluster(id) == cluster) titles.push_back(id);
    }
    return titles;
  }
  static int InCluster(const v1::RecommendationsResponse& answer, int cluster) {
    return static_cast<int>(std::count_if(answer.items().begin(), answer.items().end(), [&](const v1::ScoredTitle& item) {
      return DemoTruth().TitleCluster(item.title_id()) == cluster;
    }));
  }

};


TEST_F(RealtimeEndToEndTest, ANewUserWhoConsumesFiveTitlesOfAClusterGetsThatClusterNext) {
  for (int cluster : {1, 4, 6}) {
    SCOPED_TRACE(cluster);
    const int64_t user = 1'000'000 + cluster;  // outside the model and the catalog
    v1::RecommendationsResponse before = Recommend(user);
    ASSERT_EQ(before.source(), v1::POPULAR);
    const std::vector<int64_t> consumed = ClusterTitles(cluster, 5);
    for (int64_t title : consumed) Record(user, title, "bookmark", 1);

    v1::RecommendationsResponse after = Recommend(user);
    EXPECT_EQ(after.source(), v1::MODEL);
    ASSERT_EQ(after.items_size(), 10);
    EXPECT_GE(InCluster(after, cluster), 7) << "popular answer had " << InCluster(before, cluster);
    for (const v1::ScoredTitle& item : after.items()) {
      EXPECT_EQ(std::count(consumed.begin(), consumed.end(), item.title_id()), 0) << "seen title " << item.title_id();
    }
  }
}

TEST_F(RealtimeEndToEndTest, AKnownUsersCachedAnswerMovesWithTheirInteractions) {
  // A user of one cluster turns to another: the cached answer must not come back.
  const data::PlantedTruth& truth = DemoTruth();
  int64_t user = 0;
  int preferred = 0;
  for (int64_t candidate = 1; candidate <= 300 && user == 0; ++candidate) {
    for (int cluster = 0; cluster < truth.clusters; ++cluster) {
      if (truth.UserPrefers(candidate, cluster) && !truth.UserPrefers(candidate, (cluster + 3) % truth.clusters) &&
          !truth.UserPrefers(candidate, (cluster + 1) % truth.clusters)) {
        user = candidate;
        preferred = cluster;
        break;
      }
    }
  }
  ASSERT_GT(user, 0);
  const int turned_to = (preferred + 3) % truth.clusters;
  v1::RecommendationsResponse before = Recommend(user);
  ASSERT_EQ(before.source(), v1::MODEL);
  ASSERT_TRUE(Recommend(user).from_cache());
  for (int64_t title : ClusterTitles(turned_to, 5)) Record(user, title, "rating", 5);

  v1::RecommendationsResponse after = Recommend(user);
  EXPECT_FALSE(after.from_cache());
  EXPECT_GT(InCluster(after, turned_to), InCluster(before, turned_to) + 2)
      << "before " << InCluster(before, turned_to) << ", after " << InCluster(after, turned_to);
  EXPECT_TRUE(Recommend(user).from_cache()) << "the adapted answer is cached too";
}

TEST_F(RealtimeEndToEndTest, NegativeInteractionsMoveNothing) {
  const int64_t user = 2'000'000;
  for (int64_t title : ClusterTitles(2, 5)) Record(user, title, "rating", 1);  // below the rating rule's min_value
  EXPECT_EQ(Recommend(user).source(), v1::POPULAR);
}

TEST_F(RealtimeEndToEndTest, NextTitleFeedbackMovesTheUsersAnswer) {
  const int64_t user = 3'000'000;
  const int cluster = 5;
  for (int64_t title : ClusterTitles(cluster, 5)) {
    grpc::ClientContext context;
    v1::GetNextTitleRequest request;
    request.set_user_id(user);
    request.set_previous_title_id(title);
    request.set_consumed(0.95);
    v1::GetNextTitleResponse response;
    grpc::Status status = server_->recommender().GetNextTitle(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  v1::RecommendationsResponse after = Recommend(user);
  EXPECT_EQ(after.source(), v1::MODEL);
  EXPECT_GE(InCluster(after, cluster), 7);
}

TEST_F(RealtimeEndToEndTest, DeletedInteractionsNoLongerMoveTheAnswer) {
  const int64_t user = 5'000'000;
  for (int64_t title : ClusterTitles(0, 5)) Record(user, title, "bookmark", 1);
  ASSERT_EQ(Recommend(user).source(), v1::MODEL);
  grpc::ClientContext context;
  v1::DeleteInteractionsRequest request;
  request.set_user_id(user);
  v1::DeleteInteractionsResponse response;
  grpc::Status status = server_->admin().DeleteInteractions(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.deleted(), 5);
  EXPECT_EQ(Recommend(user).source(), v1::POPULAR);
}

TEST_F(RealtimeEndToEndTest, ActivatingAModelDropsTheAdaptedVectors) {
  const int64_t user = 4'000'000;
  for (int64_t title : ClusterTitles(3, 5)) Record(user, title, "bookmark", 1);
  v1::RecommendationsResponse adapted = Recommend(user);
  ASSERT_EQ(adapted.source(), v1::MODEL);

  // Activating the serving model again loads it afresh, with an overlay of its own (a model
  // trained on the interactions would know the user itself).
  grpc::ClientContext context;
  v1::ActivateModelRequest request;
  request.set_model_id(adapted.model_id());
  v1::ActivateModelResponse response;
  grpc::Status status = server_->admin().ActivateModel(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(Recommend(user).source(), v1::POPULAR);
}

}  // namespace
}  // namespace vitrina::server::testing
