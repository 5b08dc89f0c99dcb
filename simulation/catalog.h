#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "data/records.h"

namespace vitrina::simulation {

// What the simulated listeners know of the catalog: each title's genres and creators (as dense
// indices) and how close two genres are. Closeness is measured from the titles alone, as the
// Jaccard index of the sets of titles carrying each genre, so no hidden channel from the demo
// generator is needed: on a demo catalog the two signature genres of a planted cluster come out
// close (Jaccard ~0.4) and genres of different clusters far (< 0.05).
class Catalog {
 public:
  struct Title {
    int64_t id = 0;
    std::vector<int> genres;
    std::vector<int> creators;
    bool available = true;
  };

  // FailedPrecondition when no available title has a genre (no listener could have an interest)
  // or `users` is empty.
  static absl::StatusOr<Catalog> Build(const std::vector<data::TitleRecord>& titles,
                                       std::vector<int64_t> users);
  // Reads the titles and users of the embedded SQLite catalog at `path` (what the server serves).
  static absl::StatusOr<Catalog> Load(const std::string& path);

  // nullptr for an id outside the catalog.
  const Title* Find(int64_t id) const;
  // 0 when the title carries `genre`, 1 - (the largest Jaccard index between `genre` and one of the
  // title's genres) otherwise; 1 for a title without genres.
  double Distance(const Title& title, int genre) const;

  // Genres with at least one available title: the possible interests.
  const std::vector<int>& interest_genres() const { return interest_genres_; }
  // The available titles carrying `genre`, in id order.
  const std::vector<int64_t>& TitlesOfGenre(int genre) const { return genre_titles_[genre]; }
  const std::string& GenreName(int genre) const { return genre_names_[genre]; }
  // The catalog's user ids, ascending.
  const std::vector<int64_t>& users() const { return users_; }
  size_t title_count() const { return titles_.size(); }

 private:
  std::vector<Title> titles_;
  absl::flat_hash_map<int64_t, size_t> title_index_;
  std::vector<std::string> genre_names_;
  // Jaccard index of the genre pairs that share a title (others are 0); sparse, since a catalog
  // can carry thousands of genres or tags.
  absl::flat_hash_map<std::pair<int, int>, double> genre_similarity_;
  std::vector<std::vector<int64_t>> genre_titles_;
  std::vector<int> interest_genres_;
  std::vector<int64_t> users_;
};

}  // namespace vitrina::simulation
