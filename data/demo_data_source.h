#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "data/data_source.h"

namespace vitrina::data {

// The shape of a demo catalog. Equal specs give identical catalogs on every machine.
struct DemoCatalogSpec {
  uint64_t seed = 42;
  int users = 2000;
  int titles = 1000;
  int64_t interactions = 100000;
  // Taste clusters: every title belongs to one, every user prefers one or two.
  int clusters = 8;
  // Share of a user's interactions drawn from the clusters they prefer; the rest is noise.
  double in_cluster_share = 0.85;
  // Timestamps are spread over history_days before end_timestamp (2026-01-01T00:00:00Z).
  int64_t end_timestamp = 1767225600;
  int history_days = 365;
  double unavailable_share = 0.03;

  // InvalidArgument naming the field that is out of range.
  absl::Status Validate() const;
};

// What the generator planted, so a test can check that a model learned it. Users and titles are
// numbered from 1.
struct PlantedTruth {
  int clusters = 0;
  std::vector<int> title_clusters;              // [title id - 1]
  std::vector<std::vector<int>> user_clusters;  // [user id - 1], one or two clusters

  // -1 for an id outside 1..titles.
  int TitleCluster(int64_t title_id) const;
  // False for an id outside 1..users.
  bool UserPrefers(int64_t user_id, int cluster) const;

  // "title\t<id>\t<cluster>" and "user\t<id>\t<cluster>" lines (a user with two clusters has two).
  absl::Status WriteTsv(const std::string& path) const;
};

// A seeded generator of catalogs with planted taste structure, served as a DataSource so that
// every writer (embedded SQLite, MySQL, TSV) and PrepareDataset consume it as they would a real
// catalog, streaming: 1M interactions never sit in memory.
//
// Titles of a cluster share its two signature genres and its pool of creators; a user's signup
// genre is a signature genre of their first cluster. Interactions are ratings (4-5 mostly in a
// preferred cluster, 1-3 mostly outside), views (completion 0.6-1 inside, 0-0.6 outside) and
// bookmarks (inside only); popular titles of a cluster are drawn more often.
class DemoDataSource final : public DataSource {
 public:
  static absl::StatusOr<std::unique_ptr<DemoDataSource>> Create(const DemoCatalogSpec& spec);

  const DemoCatalogSpec& spec() const { return spec_; }
  const PlantedTruth& truth() const { return truth_; }

  std::string Name() const override;
  absl::Status ReadInteractionTypes(const InteractionTypeSink& sink) override;
  absl::Status ReadTitles(const TitleSink& sink) override;
  absl::Status ReadUsers(const UserSink& sink) override;
  absl::Status ReadInteractions(int64_t since_timestamp, const InteractionSink& sink) override;

 private:
  explicit DemoDataSource(const DemoCatalogSpec& spec);

  DemoCatalogSpec spec_;
  PlantedTruth truth_;
  std::vector<std::vector<int64_t>> cluster_titles_;  // title ids of each cluster
};

}  // namespace vitrina::data
