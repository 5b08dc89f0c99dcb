// End-to-end: attribute filters (genres, creators) on GetUserRecommendations, GetTitleRelevant and
// GetNextTitle, over gRPC and HTTP, on the exact pass and on the ANN index. Which titles match is
// read from the demo generator itself (what the catalog says), not from the model.
// Eigen (through served_model.h) before httplib.h: <resolv.h>, which httplib includes, defines a
// `_res` macro that breaks Eigen's parameters of that name.
#include "server/served_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <map>
#include <set>

#include "data/demo_data_source.h"
#include "server/demo_catalog_spec.h"
#include "fmt/format.h"
#include "tests/server/http/json_answers.h"
#include "tests/server/test_server.h"

namespace vitrina::server::testing {
namespace {

using ::testing::HasSubstr;

struct CatalogTitle {
  std::set<std::string> genres;
  std::set<std::string> creators;
};

// The catalog the server generated from config.demo, as the demo generator writes it.
std::map<int64_t, CatalogTitle> CatalogOf(const ServerConfig& config) {
  const data::DemoCatalogSpec spec = DemoSpecOf(config.demo);
  auto source = data::DemoDataSource::Create(spec);
  EXPECT_TRUE(source.ok()) << source.status();
  std::map<int64_t, CatalogTitle> titles;
  EXPECT_TRUE((*source)
                  ->ReadTitles([&](const data::TitleRecord& title) {
                    titles[title.id] = {{title.genres.begin(), title.genres.end()},
                                        {title.creators.begin(), title.creators.end()}};
                    return absl::OkStatus();
                  })
                  .ok());
  return titles;
}

std::vector<int64_t> TitleIds(const v1::RecommendationsResponse& response) {
  std::vector<int64_t> ids;
  for (const auto& item : response.items()) ids.push_back(item.title_id());
  return ids;
}

v1::TitleFilter GenresFilter(std::vector<std::string> any, std::vector<std::string> none = {}) {
  v1::TitleFilter filter;
  for (auto& name : any) filter.add_genres_any(name);
  for (auto& name : none) filter.add_genres_none(name);
  return filter;
}

class AttributeFilterEndToEndTest : public SharedServerTest {
 protected:
  static void SetUpTestSuite() {
    StartSharedServer([](ServerConfig& config) {
      config.http_listen = "127.0.0.1:0";
      config_ = new ServerConfig(config);
    });
    catalog_ = new std::map<int64_t, CatalogTitle>(CatalogOf(*config_));
  }
  static void TearDownTestSuite() {
    SharedServerTest::TearDownTestSuite();
    delete catalog_;
    delete config_;
  }

  // The id of one of the model's titles (a catalog title may be unavailable, hence outside it).
  static int64_t ModelTitle(int32_t index) { return *server_->app().models().Current()->model->ItemId(index); }
  static int64_t ModelUser(int32_t index) { return *server_->app().models().Current()->model->UserId(index); }

  static bool HasGenre(int64_t title, const std::string& genre) { return catalog_->at(title).genres.count(genre) > 0; }

  static v1::RecommendationsResponse Recommend(int64_t user, int k, const v1::TitleFilter& filter) {
    grpc::ClientContext context;
    v1::GetUserRecommendationsRequest request;
    request.set_user_id(user);
    request.set_k(k);
    request.set_exclude_seen(false);  // so that a filter's matching titles are enough for k
    *request.mutable_filter() = filter;
    v1::RecommendationsResponse response;
    grpc::Status status = server_->recommender().GetUserRecommendations(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  static httplib::Response HttpGet(const std::string& target) {
    httplib::Client client("127.0.0.1", server_->app().http_port());
    httplib::Result result = client.Get(target);
    EXPECT_TRUE(result) << target;
    return result ? *result : httplib::Response();
  }

  static ServerConfig* config_;
  static std::map<int64_t, CatalogTitle>* catalog_;
};

ServerConfig* AttributeFilterEndToEndTest::config_ = nullptr;
std::map<int64_t, CatalogTitle>* AttributeFilterEndToEndTest::catalog_ = nullptr;

TEST_F(AttributeFilterEndToEndTest, UserRecommendationsHoldOnlyMatchingTitlesAndStillK) {
  const trainer::Model& model = *server_->app().models().Current()->model;
  auto titles_with = [&](const std::string& genre) {
    int count = 0;
    for (int32_t item = 0; item < model.n_items(); ++item) count += HasGenre(*model.ItemId(item), genre);
    return count;
  };
  for (int32_t index : {0, 1, 2, 3, 4}) {
    const int64_t user = ModelUser(index);
    const v1::RecommendationsResponse unfiltered = Recommend(user, 10, {});
    ASSERT_EQ(unfiltered.source(), v1::MODEL) << "user " << user;
    // The genre of the user's top title: answering without it must change the answer.
    const std::string genre = *catalog_->at(unfiltered.items(0).title_id()).genres.begin();

    const v1::RecommendationsResponse only = Recommend(user, 10, GenresFilter({genre}));
    EXPECT_EQ(only.items_size(), std::min(10, titles_with(genre))) << "user " << user << " genre " << genre;
    EXPECT_GE(only.items_size(), 5);
    for (int64_t title : TitleIds(only)) EXPECT_TRUE(HasGenre(title, genre)) << title << " lacks " << genre;
    EXPECT_FALSE(only.from_cache()) << "the unfiltered answer was cached: the filter must key its own";

    const v1::RecommendationsResponse without = Recommend(user, 10, GenresFilter({}, {genre}));
    EXPECT_EQ(without.items_size(), 10);
    for (int64_t title : TitleIds(without)) EXPECT_FALSE(HasGenre(title, genre)) << title << " has " << genre;
    EXPECT_NE(TitleIds(without)[0], unfiltered.items(0).title_id());

    // The same filter again: its own cached answer.
    const v1::RecommendationsResponse again = Recommend(user, 10, GenresFilter({genre}));
    EXPECT_TRUE(again.from_cache());
    EXPECT_EQ(TitleIds(again), TitleIds(only));
  }
}

TEST_F(AttributeFilterEndToEndTest, CreatorsAnyAndNone) {
  const int64_t user = ModelUser(7);
  const v1::RecommendationsResponse unfiltered = Recommend(user, 5, {});
  const std::string creator = *catalog_->at(unfiltered.items(0).title_id()).creators.begin();
  v1::TitleFilter by_creator;
  by_creator.add_creators_any(creator);
  const v1::RecommendationsResponse only = Recommend(user, 5, by_creator);
  ASSERT_GT(only.items_size(), 0);
  for (int64_t title : TitleIds(only)) EXPECT_EQ(catalog_->at(title).creators.count(creator), 1u) << title;
  v1::TitleFilter not_by_creator;
  not_by_creator.add_creators_none(creator);
  const v1::RecommendationsResponse without = Recommend(user, 5, not_by_creator);
  EXPECT_EQ(without.items_size(), 5);
  for (int64_t title : TitleIds(without)) EXPECT_EQ(catalog_->at(title).creators.count(creator), 0u) << title;
}

TEST_F(AttributeFilterEndToEndTest, ColdUsersGetFilteredPopularTitles) {
  // The first five titles of the popularity ranking that are comedies and not dramas.
  std::vector<int64_t> expected;
  for (const data::TitlePopularity& entry : server_->app().models().Current()->popular->ranking()) {
    if (expected.size() < 5 && HasGenre(entry.title_id, "comedy") && !HasGenre(entry.title_id, "drama")) {
      expected.push_back(entry.title_id);
    }
  }
  ASSERT_GE(expected.size(), 2u);
  const v1::RecommendationsResponse popular = Recommend(1'000'000, 5, GenresFilter({"comedy"}, {"drama"}));
  EXPECT_EQ(popular.source(), v1::POPULAR);
  EXPECT_EQ(TitleIds(popular), expected);
}

TEST_F(AttributeFilterEndToEndTest, SimilarTitlesAreFiltered) {
  grpc::ClientContext context;
  v1::GetTitleRelevantRequest request;
  const int64_t similar_to = ModelTitle(2);
  request.set_title_id(similar_to);
  request.set_k(6);
  const std::string genre = *catalog_->at(similar_to).genres.begin();
  *request.mutable_filter() = GenresFilter({}, {genre});
  v1::RecommendationsResponse response;
  ASSERT_TRUE(server_->recommender().GetTitleRelevant(&context, request, &response).ok());
  EXPECT_EQ(response.items_size(), 6);
  for (int64_t title : TitleIds(response)) EXPECT_FALSE(HasGenre(title, genre)) << title;
}

TEST_F(AttributeFilterEndToEndTest, NextTitlesKeepToTheFilterEvenInTheLastResorts) {
  // A filter few titles pass: the rules and the last resorts (relaxed, replay) all keep to it.
  const std::string creator = *catalog_->at(1).creators.begin();
  std::set<int64_t> matching;
  for (const auto& [id, title] : *catalog_) {
    if (title.creators.count(creator)) matching.insert(id);
  }
  ASSERT_GE(matching.size(), 1u);
  for (int call = 0; call < 3; ++call) {
    grpc::ClientContext context;
    v1::GetNextTitleRequest request;
    request.set_user_id(11);
    request.set_session_id("filtered");
    request.set_k(5);
    request.mutable_filter()->add_creators_any(creator);
    v1::GetNextTitleResponse response;
    grpc::Status status = server_->recommender().GetNextTitle(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_GT(response.items_size(), 0);
    for (const v1::NextTitle& item : response.items()) {
      EXPECT_EQ(matching.count(item.title_id()), 1u) << item.title_id() << " (" << item.source() << ", branch "
                                                     << response.branch() << ") is not by " << creator;
    }
  }
}

TEST_F(AttributeFilterEndToEndTest, HttpQueryParametersGiveTheGrpcAnswer) {
  const v1::RecommendationsResponse grpc_answer = Recommend(9, 5, GenresFilter({"comedy", "drama"}, {"horror"}));
  httplib::Response response =
      HttpGet("/titles/recommendations?user_id=9&k=5&exclude_seen=false&genres_any=comedy,drama&genres_none=horror");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(TitleIds(http::ParseAnswer<v1::RecommendationsResponse>(response.body)), TitleIds(grpc_answer));
  // Repeated parameters are the same list.
  response = HttpGet("/titles/recommendations?user_id=9&k=5&exclude_seen=false&genres_any=comedy&genres_any=drama&genres_none=horror");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(TitleIds(http::ParseAnswer<v1::RecommendationsResponse>(response.body)), TitleIds(grpc_answer));

  response = HttpGet(fmt::format("/titles/relevant?title_id={}&k=4&creators_none=1,2,3", ModelTitle(2)));
  ASSERT_EQ(response.status, 200) << response.body;
  for (int64_t title : TitleIds(http::ParseAnswer<v1::RecommendationsResponse>(response.body))) {
    for (const char* creator : {"1", "2", "3"}) EXPECT_EQ(catalog_->at(title).creators.count(creator), 0u) << title;
  }

  // /titles/next takes the filter in its JSON body.
  httplib::Client client("127.0.0.1", server_->app().http_port());
  httplib::Result next =
      client.Post("/titles/next", R"({"user_id": 12, "k": 3, "filter": {"genres_any": ["comedy"]}})", "application/json");
  ASSERT_TRUE(next);
  ASSERT_EQ(next->status, 200) << next->body;
  const auto answer = http::ParseAnswer<v1::GetNextTitleResponse>(next->body);
  EXPECT_GT(answer.items_size(), 0);
  for (const v1::NextTitle& item : answer.items()) EXPECT_TRUE(HasGenre(item.title_id(), "comedy")) << item.title_id();
}

TEST_F(AttributeFilterEndToEndTest, BadFiltersAreInvalidArgumentsNamingTheField) {
  std::string many;
  for (int i = 0; i < 65; ++i) many += fmt::format("{}g{}", i == 0 ? "" : ",", i);
  httplib::Response response = HttpGet("/titles/recommendations?user_id=9&genres_none=" + many);
  EXPECT_EQ(response.status, 400);
  EXPECT_THAT(http::ParseErrorBody(response.body).message, HasSubstr("filter.genres_none holds 65 names"));

  grpc::ClientContext context;
  v1::GetTitleRelevantRequest request;
  request.set_title_id(ModelTitle(2));
  request.mutable_filter()->add_creators_any(std::string(200, 'c'));
  v1::RecommendationsResponse ignored;
  grpc::Status status = server_->recommender().GetTitleRelevant(&context, request, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("filter.creators_any[0] is 200 bytes long"));

  grpc::ClientContext next_context;
  v1::GetNextTitleRequest next;
  next.set_user_id(3);
  next.mutable_filter()->add_genres_any("");
  v1::GetNextTitleResponse next_ignored;
  status = server_->recommender().GetNextTitle(&next_context, next, &next_ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("filter.genres_any[0] is empty"));
}

// The ANN index answers (serving.ann.min_titles below the catalog): a selective filter (two
// creators, ~2% of the catalog) defeats the graph's over-fetch for most users, and the exact
// fallback still gives the k best matching titles.
class AnnAttributeFilterTest : public SharedServerTest {
 protected:
  static void SetUpTestSuite() {
    StartSharedServer([](ServerConfig& config) {
      config.demo.titles = 1000;
      config.ann.min_titles = 2;
      config.cache.backend = cache::CacheBackend::kNone;
      config_ = new ServerConfig(config);
    });
    catalog_ = new std::map<int64_t, CatalogTitle>(CatalogOf(*config_));
  }
  static void TearDownTestSuite() {
    SharedServerTest::TearDownTestSuite();
    delete catalog_;
    delete config_;
  }

  static ServerConfig* config_;
  static std::map<int64_t, CatalogTitle>* catalog_;
};

ServerConfig* AnnAttributeFilterTest::config_ = nullptr;
std::map<int64_t, CatalogTitle>* AnnAttributeFilterTest::catalog_ = nullptr;

TEST_F(AnnAttributeFilterTest, ASelectiveFilterStillGivesTheKBestMatchingTitles) {
  std::shared_ptr<const ServedModel> served = server_->app().models().Current();
  ASSERT_NE(served->ann, nullptr) << "the ANN index answers";
  const trainer::Model& model = *served->model;
  const std::set<std::string> creators = {"1", "2"};
  auto matches = [&](int64_t title) {
    const auto& own = catalog_->at(title).creators;
    return std::any_of(own.begin(), own.end(), [&](const std::string& c) { return creators.count(c) > 0; });
  };
  v1::TitleFilter filter;
  for (const std::string& creator : creators) filter.add_creators_any(creator);

  const int k = 10;
  int users_asked = 0;
  for (int64_t user = 1; user <= 30; ++user) {
    std::optional<int32_t> row = model.UserIndex(user);
    if (!row) continue;
    // What the exact pass over the matching titles gives (seen titles allowed, to keep it simple).
    std::vector<float> scores(model.n_items());
    ASSERT_TRUE(model.ScoreItems(*row, scores).ok());
    std::vector<std::pair<float, int64_t>> matching;
    for (int32_t item = 0; item < model.n_items(); ++item) {
      const int64_t title = *model.ItemId(item);
      if (matches(title)) matching.emplace_back(scores[item], title);
    }
    ASSERT_GE(matching.size(), static_cast<size_t>(k));
    ASSERT_LT(matching.size(), model.n_items() / 20u) << "the filter must be selective";
    std::sort(matching.rbegin(), matching.rend());
    std::set<int64_t> expected;
    for (int i = 0; i < k; ++i) expected.insert(matching[i].second);

    grpc::ClientContext context;
    v1::GetUserRecommendationsRequest request;
    request.set_user_id(user);
    request.set_k(k);
    request.set_exclude_seen(false);
    *request.mutable_filter() = filter;
    v1::RecommendationsResponse response;
    ASSERT_TRUE(server_->recommender().GetUserRecommendations(&context, request, &response).ok());
    ASSERT_EQ(response.items_size(), k) << "user " << user;
    const std::vector<int64_t> answered = TitleIds(response);
    for (int64_t title : answered) EXPECT_TRUE(matches(title)) << "user " << user << " title " << title;
    EXPECT_EQ(std::set<int64_t>(answered.begin(), answered.end()), expected) << "user " << user;
    ++users_asked;
  }
  EXPECT_GE(users_asked, 20);

  // Similar titles through the index, with the same filter.
  grpc::ClientContext context;
  v1::GetTitleRelevantRequest request;
  request.set_title_id(*model.ItemId(500));
  request.set_k(k);
  *request.mutable_filter() = filter;
  v1::RecommendationsResponse response;
  ASSERT_TRUE(server_->recommender().GetTitleRelevant(&context, request, &response).ok());
  EXPECT_EQ(response.items_size(), k);
  for (int64_t title : TitleIds(response)) EXPECT_TRUE(matches(title)) << title;
}

}  // namespace
}  // namespace vitrina::server::testing
