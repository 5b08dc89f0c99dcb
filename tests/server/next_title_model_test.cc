// The next-title model on planted sequences: in each of a few large clusters the titles follow a
// fixed order, so what follows a title is one title, not "anything of its cluster". The learned
// model must find it far more often than chance and than the embedding stand-in, which only
// knows that cluster-mates resemble each other.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <vector>

#include "fmt/format.h"
#include "server/next_title_training.h"
#include "sessions/learned_next_titles.h"
#include "sessions/next_title_model.h"

namespace vitrina::server {
namespace {

constexpr int kClusters = 4;
constexpr int kTitlesPerCluster = 50;
constexpr int kTitles = kClusters * kTitlesPerCluster;
constexpr int kK = 10;

class AcceptAll final : public serving::CandidateFilter {
 public:
  bool Rejects(int64_t) const override { return false; }
};

int64_t TitleId(int cluster, int position) { return 1000 + cluster * kTitlesPerCluster + position; }

struct PlantedWorld {
  data::FeatureTriples features;
  std::vector<data::InteractionRecord> events;
};

// 400 listeners, each fond of one cluster, each with 6 sessions: a random start, then 3 to 6
// titles in the cluster's order (wrapping), a minute apart; a day between sessions. Besides, 2000
// catalog users consumed 25 random titles of their cluster a day apart (no session links them):
// what the personal model learns from both (who likes what) says "same cluster", hardly "comes
// next".
PlantedWorld Plant(uint64_t seed) {
  PlantedWorld world;
  for (int c = 0; c < kClusters; ++c) {
    for (int p = 0; p < kTitlesPerCluster; ++p) {
      world.features.owner_ids.push_back(TitleId(c, p));
      world.features.features.push_back(fmt::format("genre:{}", c));
      world.features.weights.push_back(1.0f);
    }
  }
  std::mt19937_64 rng(seed);
  for (int64_t user = 1; user <= 400; ++user) {
    const int cluster = static_cast<int>(rng() % kClusters);
    for (int session = 0; session < 6; ++session) {
      const int start = static_cast<int>(rng() % kTitlesPerCluster);
      const int length = 3 + static_cast<int>(rng() % 4);
      const int64_t begins = 100000 + (user * 10 + session) * 86400;
      for (int step = 0; step < length; ++step) {
        world.events.push_back(
            {user, TitleId(cluster, (start + step) % kTitlesPerCluster), "play", 0.9, begins + step * 60});
      }
    }
  }
  for (int64_t user = 10001; user <= 12000; ++user) {
    const int cluster = static_cast<int>(rng() % kClusters);
    for (int day = 0; day < 25; ++day) {
      world.events.push_back({user, TitleId(cluster, static_cast<int>(rng() % kTitlesPerCluster)), "play", 0.9,
                              100000 + day * 86400});
    }
  }
  return world;
}

// The personal model the stand-in ranks with: users x titles they consumed.
trainer::Model FitPersonalModel(const PlantedWorld& world) {
  trainer::Dataset dataset;
  for (size_t i = 0; i < world.features.size(); ++i) {
    EXPECT_TRUE(dataset.items().SetFeatures(world.features.owner_ids[i], std::vector<trainer::WeightedFeature>{
                                                                            {world.features.features[i], 1.0f}})
                    .ok());
  }
  std::set<std::pair<int64_t, int64_t>> pairs;
  for (const data::InteractionRecord& event : world.events) pairs.insert({event.user_id, event.title_id});
  std::vector<trainer::Interaction> positives;
  for (const auto& [user, title] : pairs) {
    dataset.users().AddEntity(user);
    positives.push_back({user, title, 1.0f, 1.0f});
  }
  trainer::Interactions train = *dataset.BuildInteractions(positives);
  trainer::Hyperparameters hyperparameters;
  hyperparameters.loss = trainer::LossKind::kWarp;
  hyperparameters.no_components = 16;
  hyperparameters.random_state = 3;
  trainer::Model model = *trainer::Model::Create(hyperparameters);
  trainer::FitOptions options;
  options.epochs = 15;
  EXPECT_TRUE(model.Fit(dataset, train, options).ok());
  return model;
}

// Share of held-out transitions whose true next title is among `model`'s k answers.
double HitRate(const sessions::NextTitleModel& model, const std::vector<data::TitleTransition>& held_out) {
  AcceptAll all;
  int hits = 0;
  for (const data::TitleTransition& t : held_out) {
    absl::StatusOr<std::vector<serving::Candidate>> next = model.NextTitles(t.previous_title_id, kK, all);
    EXPECT_TRUE(next.ok()) << next.status();
    if (!next.ok()) continue;
    for (const serving::Candidate& candidate : *next) {
      EXPECT_NE(candidate.title_id, t.previous_title_id);
      if (candidate.title_id == t.next_title_id) ++hits;
    }
  }
  return static_cast<double>(hits) / static_cast<double>(held_out.size());
}

TEST(NextTitleModelTest, LearnsPlantedSuccessorsFarAboveChanceAndTheEmbeddingStandIn) {
  PlantedWorld world = Plant(11);
  data::TitleTransitionConfig config;
  config.holdout_fraction = 0.2;
  data::TitleTransitions transitions =
      data::SplitTitleTransitions(world.events, [](const data::InteractionRecord& e) { return std::optional<float>(e.value); },
                                  config, 5);
  ASSERT_GT(transitions.test.size(), 200u);
  absl::StatusOr<NextTitleTrainingData> data = BuildNextTitleTrainingData(world.features, transitions, true);
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_EQ(data->dataset.users().n_entities(), kTitles);
  EXPECT_EQ(data->test.size(), transitions.test.size());

  trainer::Hyperparameters hyperparameters;
  hyperparameters.loss = trainer::LossKind::kWarp;
  hyperparameters.no_components = 32;
  hyperparameters.learning_rate = 0.1f;
  hyperparameters.random_state = 7;
  trainer::FitOptions options;
  options.epochs = 100;
  absl::StatusOr<FittedNextTitleModel> fitted = FitNextTitleModel(*data, hyperparameters, options, kK);
  ASSERT_TRUE(fitted.ok()) << fitted.status();

  trainer::Model personal = FitPersonalModel(world);
  sessions::EmbeddingNextTitles stand_in(personal);
  sessions::LearnedNextTitles learned(fitted->model, stand_in);
  const double learned_hits = HitRate(learned, transitions.test);
  const double stand_in_hits = HitRate(stand_in, transitions.test);
  const double chance = static_cast<double>(kK) / (kTitles - 1);
  std::printf("hit rate@%d on %zu held-out transitions: learned %.3f (evaluation %.3f, MRR %.3f), embedding stand-in %.3f, "
              "chance %.3f\n",
              kK, transitions.test.size(), learned_hits, fitted->metrics.hit_rate_at_k, fitted->metrics.mrr,
              stand_in_hits, chance);
  EXPECT_GT(learned_hits, 10 * chance);
  EXPECT_GT(learned_hits, stand_in_hits + 0.3);
  // The job's metric is the same measurement the serving class answers.
  EXPECT_NEAR(fitted->metrics.hit_rate_at_k, learned_hits, 0.02);
  EXPECT_GT(fitted->metrics.mrr, 5 * chance / kK);
}

// A title the learned model does not know as a previous one is answered by the fallback.
class FixedAnswer final : public sessions::NextTitleModel {
 public:
  absl::StatusOr<std::vector<serving::Candidate>> NextTitles(int64_t, int, const serving::CandidateFilter&) const override {
    return std::vector<serving::Candidate>{{.title_id = 4242, .score = 1, .source = "fixed"}};
  }
};

TEST(LearnedNextTitlesTest, FallsBackForUnknownTitlesAndAppliesTheFilter) {
  PlantedWorld world = Plant(3);
  data::TitleTransitionConfig config;
  config.holdout_fraction = 0.1;
  data::TitleTransitions transitions = data::SplitTitleTransitions(
      world.events, [](const data::InteractionRecord& e) { return std::optional<float>(e.value); }, config, 1);
  NextTitleTrainingData data = *BuildNextTitleTrainingData(world.features, transitions, true);
  trainer::Hyperparameters hyperparameters;
  hyperparameters.loss = trainer::LossKind::kWarp;
  trainer::FitOptions options;
  options.epochs = 3;
  FittedNextTitleModel fitted = *FitNextTitleModel(data, hyperparameters, options, kK);
  FixedAnswer fallback;
  sessions::LearnedNextTitles learned(fitted.model, fallback);
  AcceptAll all;
  std::vector<serving::Candidate> unknown = *learned.NextTitles(77, 5, all);
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0].title_id, 4242);

  class RejectEven final : public serving::CandidateFilter {
   public:
    bool Rejects(int64_t title) const override { return title % 2 == 0; }
  } odd_only;
  std::vector<serving::Candidate> known = *learned.NextTitles(TitleId(0, 0), 20, odd_only);
  ASSERT_EQ(known.size(), 20u);
  for (const serving::Candidate& candidate : known) {
    EXPECT_EQ(candidate.title_id % 2, 1);
    EXPECT_EQ(candidate.source, sessions::EmbeddingNextTitles::kName);
  }
}

}  // namespace
}  // namespace vitrina::server
