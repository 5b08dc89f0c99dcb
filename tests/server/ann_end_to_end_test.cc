// End-to-end: a server whose serving.ann.min_titles is below its catalog builds the ANN index in
// its training, loads it with the model and answers from it; the same model served by the exact
// pass (a restart with a high threshold) gives the same titles. A corrupted index is refused at
// load and the exact pass answers.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "serving/ann_index.h"
#include "server/served_model.h"
#include "sessions/session_sources.h"
#include "tests/server/test_server.h"

namespace vitrina::server::testing {
namespace {

struct Answers {
  std::map<int64_t, std::vector<int64_t>> users;   // user id -> titles, sorted
  std::map<int64_t, std::vector<int64_t>> titles;  // title id -> similar titles, sorted
};

std::vector<int64_t> SortedTitles(const v1::RecommendationsResponse& response) {
  std::vector<int64_t> titles;
  for (const v1::ScoredTitle& item : response.items()) titles.push_back(item.title_id());
  std::sort(titles.begin(), titles.end());
  return titles;
}

Answers Ask(TestServer& server, int k) {
  Answers answers;
  for (int64_t user = 0; user < 40; ++user) {
    grpc::ClientContext context;
    v1::GetUserRecommendationsRequest request;
    request.set_user_id(user);
    request.set_k(k);
    v1::RecommendationsResponse response;
    grpc::Status status = server.recommender().GetUserRecommendations(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (response.source() != v1::MODEL) continue;  // users outside the model get popular titles
    EXPECT_EQ(response.items_size(), k) << "user " << user;
    answers.users[user] = SortedTitles(response);
  }
  for (int64_t title = 0; title < 40; ++title) {
    grpc::ClientContext context;
    v1::GetTitleRelevantRequest request;
    request.set_title_id(title);
    request.set_k(k);
    v1::RecommendationsResponse response;
    grpc::Status status = server.recommender().GetTitleRelevant(&context, request, &response);
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) continue;  // a title the model does not hold
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.items_size(), k) << "title " << title;
    answers.titles[title] = SortedTitles(response);
  }
  return answers;
}

ServerConfig AnnConfig(const TempDir& dir, int min_titles) {
  ServerConfig config = TestServer::SmallConfig(dir.path());
  config.demo.titles = 1000;  // the graph's first round (2 x 30 + 32 titles) is a tenth of it
  config.cache.backend = cache::CacheBackend::kNone;
  config.ann.min_titles = min_titles;
  return config;
}

std::string ActiveModelFile(TestServer& server) {
  grpc::ClientContext context;
  v1::ListModelsResponse models;
  EXPECT_TRUE(server.admin().ListModels(&context, v1::ListModelsRequest(), &models).ok());
  for (const v1::Model& model : models.models()) {
    if (model.active()) return model.file_path();
  }
  ADD_FAILURE() << "no active model";
  return "";
}

TEST(AnnEndToEndTest, TheIndexAnswersWhatTheExactPassAnswers) {
  TempDir dir;
  auto ann_server = TestServer::Start(AnnConfig(dir, 2));
  ASSERT_NE(ann_server, nullptr);
  ASSERT_NE(ann_server->app().models().Current()->ann, nullptr) << "the training built the index, serving loaded it";
  const std::string model_file = ActiveModelFile(*ann_server);
  EXPECT_TRUE(std::filesystem::is_directory(serving::ModelAnnIndex::FolderFor(model_file))) << model_file;
  const Answers from_index = Ask(*ann_server, 10);
  ann_server->Stop();
  ann_server.reset();

  auto exact_server = TestServer::Start(AnnConfig(dir, 1'000'000));
  ASSERT_NE(exact_server, nullptr);
  ASSERT_EQ(exact_server->app().models().Current()->ann, nullptr);
  const Answers exact = Ask(*exact_server, 10);
  exact_server->Stop();
  exact_server.reset();

  EXPECT_GE(exact.users.size(), 30u);
  EXPECT_GE(exact.titles.size(), 30u);
  EXPECT_EQ(from_index.users, exact.users);
  EXPECT_EQ(from_index.titles, exact.titles);

  // A damaged index: logged, left out, and the exact pass answers the same titles.
  {
    std::fstream file(serving::ModelAnnIndex::FolderFor(model_file) + "/personal.hnsw",
                      std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(100);
    file.put('\x55');
  }
  auto damaged = TestServer::Start(AnnConfig(dir, 2));
  ASSERT_NE(damaged, nullptr);
  EXPECT_EQ(damaged->app().models().Current()->ann, nullptr);
  const Answers despite_damage = Ask(*damaged, 10);
  EXPECT_EQ(despite_damage.users, exact.users);
  EXPECT_EQ(despite_damage.titles, exact.titles);
}

// The server hands the model's personal graph to the session policies: a new user's first ranked
// next title starts their personal list as the graph's first cut, not a pass over every title.
TEST(AnnEndToEndTest, ANewUsersFirstRankedNextTitleStartsTheirListAsTheGraphsFirstCut) {
  TempDir dir;
  auto server = TestServer::Start(AnnConfig(dir, 2));
  ASSERT_NE(server, nullptr);
  int ranked = 0;
  {
    std::shared_ptr<const ServedModel> served = server->app().models().Current();  // released before the server stops
    ASSERT_NE(served->ann, nullptr);
    const int list_length = 500;
    ASSERT_GT(served->model->n_items(), list_length);
    for (int64_t user = 0; user < 10; ++user) {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      v1::GetNextTitleRequest request;
      request.set_user_id(user);
      request.set_policy("memory_hybrid");
      v1::GetNextTitleResponse response;
      grpc::Status status = server->recommender().GetNextTitle(&context, request, &response);
      ASSERT_TRUE(status.ok()) << status.error_message();
      const std::optional<int32_t> index = served->model->UserIndex(user);
      if (response.branch() != "ranked" || !index) continue;  // the 2% exploration, or a user the model lacks
      ++ranked;
      std::shared_ptr<const sessions::PersonalList> kept = served->sessions->personal_lists().Find(*index, list_length);
      ASSERT_NE(kept, nullptr) << "user " << user;
      EXPECT_EQ(kept->title_ids.size(), static_cast<size_t>(sessions::PersonalListSource::kFirstCut)) << "user " << user;
      EXPECT_FALSE(kept->complete);
      ASSERT_EQ(response.items_size(), 1);
      EXPECT_EQ(response.items(0).title_id(), kept->title_ids.front()) << "a first call walks the list from its top";
    }
  }
  EXPECT_GE(ranked, 5);
}

}  // namespace
}  // namespace vitrina::server::testing
