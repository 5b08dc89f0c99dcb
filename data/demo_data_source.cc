#include "data/demo_data_source.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

#include "common/atomic_file.h"
#include "common/split_mix64.h"
#include "common/status_macros.h"
#include "fmt/format.h"

namespace vitrina::data {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr int kMaxClusters = 64;
constexpr int kCreatorsPerCluster = 12;
constexpr std::array<std::string_view, 16> kGenres = {
    "drama",     "comedy", "thriller", "horror",  "romance",   "sci-fi", "fantasy", "documentary",
    "animation", "action", "crime",    "mystery", "adventure", "family", "music",   "history"};
constexpr std::array<std::string_view, 5> kKinds = {"Film", "Series", "Anime", "Book", "Track"};
constexpr std::array<std::string_view, 6> kCountries = {"de", "fr", "es", "it", "pl", "nl"};

// Each aspect of the catalog draws from its own SplitMix64 stream, so reading titles never shifts
// the interactions.
class SeededRandom {
 public:
  enum Stream : uint64_t { kTitleClusters = 1, kUserClusters, kTitles, kUsers, kInteractions };

  SeededRandom(uint64_t seed, Stream stream)
      : generator_(SplitMix64(seed).Next() ^ (static_cast<uint64_t>(stream) * 0xD1B54A32D192ED03ULL)) {}

  double Uniform() { return generator_.Uniform(); }  // [0, 1)
  int Below(int n) { return static_cast<int>(Uniform() * n); }
  bool Chance(double p) { return Uniform() < p; }

 private:
  SplitMix64 generator_;
};

std::string_view SignatureGenre(int cluster, int which) {
  return kGenres[(2 * cluster + which) % kGenres.size()];
}

std::string CreatorOf(int cluster, int index) {
  return std::to_string(cluster * kCreatorsPerCluster + index + 1);
}

template <typename T>
void AddUnique(std::vector<T>& items, T item) {
  if (std::find(items.begin(), items.end(), item) == items.end()) items.push_back(std::move(item));
}

double RoundToHundredths(double x) { return std::round(x * 100) / 100; }

}  // namespace

absl::Status DemoCatalogSpec::Validate() const {
  auto invalid = [](std::string_view field, std::string_view rule) {
    return absl::InvalidArgumentError(fmt::format("demo catalog spec: {} {}", field, rule));
  };
  if (users < 1) return invalid("users", "must be at least 1");
  if (clusters < 1 || clusters > kMaxClusters) {
    return invalid("clusters", fmt::format("must be in [1, {}]", kMaxClusters));
  }
  if (titles < clusters) return invalid("titles", "must be at least the number of clusters");
  if (interactions < 0) return invalid("interactions", "must not be negative");
  if (!(in_cluster_share >= 0 && in_cluster_share <= 1)) {
    return invalid("in_cluster_share", "must be in [0, 1]");
  }
  if (history_days < 1) return invalid("history_days", "must be at least 1");
  if (end_timestamp <= history_days * kSecondsPerDay) {
    return invalid("end_timestamp", "must leave history_days of positive timestamps");
  }
  if (!(unavailable_share >= 0 && unavailable_share < 1)) {
    return invalid("unavailable_share", "must be in [0, 1)");
  }
  return absl::OkStatus();
}

int PlantedTruth::TitleCluster(int64_t title_id) const {
  if (title_id < 1 || title_id > static_cast<int64_t>(title_clusters.size())) return -1;
  return title_clusters[title_id - 1];
}

bool PlantedTruth::UserPrefers(int64_t user_id, int cluster) const {
  if (user_id < 1 || user_id > static_cast<int64_t>(user_clusters.size())) return false;
  const std::vector<int>& preferred = user_clusters[user_id - 1];
  return std::find(preferred.begin(), preferred.end(), cluster) != preferred.end();
}

absl::Status PlantedTruth::WriteTsv(const std::string& path) const {
  std::string text;
  for (size_t i = 0; i < title_clusters.size(); ++i) {
    text += fmt::format("title\t{}\t{}\n", i + 1, title_clusters[i]);
  }
  for (size_t i = 0; i < user_clusters.size(); ++i) {
    for (int cluster : user_clusters[i]) text += fmt::format("user\t{}\t{}\n", i + 1, cluster);
  }
  return common::WriteFileAtomically(path, text);
}

absl::StatusOr<std::unique_ptr<DemoDataSource>> DemoDataSource::Create(
    const DemoCatalogSpec& spec) {
  RETURN_IF_ERROR(spec.Validate());
  return std::unique_ptr<DemoDataSource>(new DemoDataSource(spec));
}

DemoDataSource::DemoDataSource(const DemoCatalogSpec& spec) : spec_(spec) {
  truth_.clusters = spec.clusters;
  cluster_titles_.resize(spec.clusters);
  SeededRandom title_random(spec.seed, SeededRandom::kTitleClusters);
  for (int i = 0; i < spec.titles; ++i) {
    // The first titles seed every cluster so that none is empty.
    int cluster = i < spec.clusters ? i : title_random.Below(spec.clusters);
    truth_.title_clusters.push_back(cluster);
    cluster_titles_[cluster].push_back(i + 1);
  }
  SeededRandom user_random(spec.seed, SeededRandom::kUserClusters);
  for (int i = 0; i < spec.users; ++i) {
    std::vector<int> preferred = {user_random.Below(spec.clusters)};
    if (spec.clusters > 1 && user_random.Chance(0.5)) {
      preferred.push_back((preferred[0] + 1 + user_random.Below(spec.clusters - 1)) %
                          spec.clusters);
    }
    truth_.user_clusters.push_back(std::move(preferred));
  }
}

std::string DemoDataSource::Name() const {
  return fmt::format("demo(seed {}, {} users, {} titles, {} interactions, {} clusters)", spec_.seed,
                     spec_.users, spec_.titles, spec_.interactions, spec_.clusters);
}

absl::Status DemoDataSource::ReadInteractionTypes(const InteractionTypeSink& sink) {
  // The weights the default preparation rules use too.
  RETURN_IF_ERROR(sink({.name = "bookmark", .weight = 2}));
  RETURN_IF_ERROR(sink({.name = "rating", .weight = 0.2}));
  return sink({.name = "view", .weight = 1});
}

absl::Status DemoDataSource::ReadTitles(const TitleSink& sink) {
  SeededRandom random(spec_.seed, SeededRandom::kTitles);
  TitleRecord title;
  for (int i = 0; i < spec_.titles; ++i) {
    const int cluster = truth_.title_clusters[i];
    title.id = i + 1;
    title.name = fmt::format("{} {}", kKinds[random.Below(kKinds.size())], title.id);
    title.genres = {std::string(SignatureGenre(cluster, random.Below(2)))};
    if (random.Chance(0.5)) AddUnique(title.genres, std::string(SignatureGenre(cluster, 0)));
    if (random.Chance(0.5)) AddUnique(title.genres, std::string(SignatureGenre(cluster, 1)));
    if (random.Chance(0.25))
      AddUnique(title.genres, std::string(kGenres[random.Below(kGenres.size())]));
    const int creator_cluster = random.Chance(0.9) ? cluster : random.Below(spec_.clusters);
    title.creators = {CreatorOf(creator_cluster, random.Below(kCreatorsPerCluster))};
    if (random.Chance(0.2))
      AddUnique(title.creators, CreatorOf(cluster, random.Below(kCreatorsPerCluster)));
    title.available = !random.Chance(spec_.unavailable_share);
    RETURN_IF_ERROR(sink(title));
  }
  return absl::OkStatus();
}

absl::Status DemoDataSource::ReadUsers(const UserSink& sink) {
  SeededRandom random(spec_.seed, SeededRandom::kUsers);
  UserRecord user;
  for (int i = 0; i < spec_.users; ++i) {
    user.id = i + 1;
    user.features = {fmt::format("country:{}", kCountries[random.Below(kCountries.size())])};
    if (random.Chance(0.6)) {
      user.features.push_back(fmt::format(
          "signup_genre:{}", SignatureGenre(truth_.user_clusters[i][0], random.Below(2))));
    }
    RETURN_IF_ERROR(sink(user));
  }
  return absl::OkStatus();
}

absl::Status DemoDataSource::ReadInteractions(int64_t since_timestamp,
                                              const InteractionSink& sink) {
  SeededRandom random(spec_.seed, SeededRandom::kInteractions);
  const int64_t bound = ExclusiveLowerBound(since_timestamp);
  const double history_seconds = static_cast<double>(spec_.history_days * kSecondsPerDay);
  InteractionRecord interaction;
  for (int64_t i = 0; i < spec_.interactions; ++i) {
    // Every draw happens whatever `since` is, so an incremental read sees the same interactions
    // as the tail of a full one.
    const int user_index = random.Below(spec_.users);
    const std::vector<int>& preferred = truth_.user_clusters[user_index];
    const int cluster = random.Chance(spec_.in_cluster_share)
                            ? preferred[random.Below(static_cast<int>(preferred.size()))]
                            : random.Below(spec_.clusters);
    const bool liked = truth_.UserPrefers(user_index + 1, cluster);
    const std::vector<int64_t>& titles = cluster_titles_[cluster];
    const double popularity = random.Uniform();  // squared: the first titles are the hits
    interaction.user_id = user_index + 1;
    interaction.title_id = titles[static_cast<size_t>(popularity * popularity * titles.size())];

    const double kind = random.Uniform();
    const double draw = random.Uniform();
    if (kind < 0.4) {
      interaction.type = "rating";
      interaction.value = liked ? (draw < 0.45   ? 5
                                   : draw < 0.85 ? 4
                                                 : 3)
                                : (draw < 0.25  ? 1
                                   : draw < 0.6 ? 2
                                   : draw < 0.9 ? 3
                                                : 4);
    } else if (kind < 0.85 || !liked) {
      interaction.type = "view";
      interaction.value = RoundToHundredths(liked ? 0.6 + 0.4 * draw : 0.6 * draw);
    } else {
      interaction.type = "bookmark";
      interaction.value = 1;
    }
    interaction.timestamp =
        spec_.end_timestamp - static_cast<int64_t>(random.Uniform() * history_seconds);
    if (interaction.timestamp > bound) RETURN_IF_ERROR(sink(interaction));
  }
  return absl::OkStatus();
}

}  // namespace vitrina::data
